"""The bundled BERT sentence encoder through libswifttok's embedding calls (ABI 0.6)."""
import array
import ctypes
import itertools
import os
import threading
from typing import Any, List, Optional, Sequence, Union

from ._native import Status, check, fail, lib
from ._tokenizer import _SIZE_FORMAT, Tokenizer, _fs_path, _numpy, _Owned, _size, _utf8

_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_st = ctypes.c_int

_SIGNATURES = {
    "swifttok_embedder_from_dir": (_st, [ctypes.c_char_p, ctypes.POINTER(_vp)]),
    "swifttok_embedder_free": (None, [_vp]),
    "swifttok_embedder_dimension": (_sz, [_vp]),
    "swifttok_embedder_max_length": (_sz, [_vp]),
    "swifttok_embedder_tokenizer": (_st, [_vp, ctypes.POINTER(_vp)]),
    "swifttok_embed": (_st, [_vp, ctypes.c_char_p, _vp, _sz, _sz, _vp, _sz, ctypes.POINTER(_sz)]),
    "swifttok_embed_ids": (_st, [_vp, _vp, _vp, _sz, _sz, _vp, _sz, ctypes.POINTER(_sz)]),
}

_declared: Optional[ctypes.CDLL] = None
_lock = threading.Lock()


def _embed_lib() -> ctypes.CDLL:
    """The library with the embedding calls declared (they came with ABI 0.6: an older library
    raises SwiftTokError UNSUPPORTED here, and the rest of the package still works with it)."""
    global _declared
    if _declared is not None:
        return _declared
    with _lock:
        cdll = lib()
        if cdll.swifttok_version_number() < 600 or not hasattr(cdll, "swifttok_embed"):
            raise fail(Status.UNSUPPORTED, f"the library is ABI {cdll.swifttok_version_string().decode()}; "
                                           "embeddings need 0.6 or later")
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(cdll, name)
            fn.restype, fn.argtypes = restype, argtypes
        _declared = cdll
        return cdll


class Embedder:
    """A sentence-transformers BERT model (e.g. all-MiniLM-L6-v2) run by libswifttok's bundled
    encoder: text -> the model's own tokenizer -> ids -> encoder -> pooled vector, as
    sentence-transformers computes it (pooling and normalization from the model's directory).
    Immutable: share one across threads."""

    def __init__(self, handle: _Owned, path: str):
        self._lib = _embed_lib()
        self._handle = handle
        self.path = path
        self.dimension: int = self._lib.swifttok_embedder_dimension(handle.ptr)
        """Floats per embedding (the model's hidden size)."""
        self.max_length: int = self._lib.swifttok_embedder_max_length(handle.ptr)
        """The most tokens the model sees per text (longer texts are truncated)."""

    @classmethod
    def from_dir(cls, path: Union[str, "os.PathLike[str]"]) -> "Embedder":
        """Loads a model directory: config.json, model.safetensors, tokenizer.json, and the
        pooling files of sentence-transformers when present."""
        cdll = _embed_lib()
        path = _fs_path(path)
        out = ctypes.c_void_p()
        check(cdll, cdll.swifttok_embedder_from_dir(os.fsencode(path), ctypes.byref(out)))
        return cls(_Owned(out.value, cdll.swifttok_embedder_free), path)

    def __repr__(self) -> str:
        return f"Embedder({self.path!r}, dimension={self.dimension}, max_length={self.max_length})"

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's tokenizer as the embedder runs it (truncated to max_length, no padding):
        encode_ids(text) gives the ids embed(text) feeds the model."""
        out = ctypes.c_void_p()
        check(self._lib, self._lib.swifttok_embedder_tokenizer(self._handle.ptr, ctypes.byref(out)))
        return Tokenizer(_Owned(out.value, self._lib.swifttok_tokenizer_free), None)

    def _output(self, count: int, return_numpy: bool) -> Any:
        n = count * self.dimension
        if return_numpy:
            np = _numpy()
            return np.empty((count, self.dimension), dtype=np.float32)
        return array.array("f", bytes(4 * n))

    def _rows(self, out: Any, count: int, return_numpy: bool) -> Any:
        if return_numpy:
            return out
        d = self.dimension
        return [out[i * d:(i + 1) * d].tolist() for i in range(count)]

    @staticmethod
    def _address(out: Any, return_numpy: bool) -> Optional[int]:
        if return_numpy:
            return out.ctypes.data if out.size else None
        return out.buffer_info()[0] if len(out) else None

    def embed(self, texts: Union[str, bytes, Sequence[Union[str, bytes]]], num_threads: int = 0,
              return_numpy: bool = False) -> Any:
        """One embedding per text (a str or UTF-8 bytes; one text alone gives one vector): lists
        of floats, or with return_numpy=True a float32 array of shape (len(texts), dimension)."""
        single = isinstance(texts, (str, bytes))
        items = [texts] if single else list(texts)
        num_threads = _size(num_threads, "num_threads")
        encoded = [_utf8(t, f"texts[{i}]") for i, t in enumerate(items)]
        offsets = array.array(_SIZE_FORMAT, [0])
        offsets.extend(itertools.accumulate(map(len, encoded)))
        data = b"".join(encoded)
        count = len(items)
        out = self._output(count, return_numpy)
        written = ctypes.c_size_t()
        check(self._lib, self._lib.swifttok_embed(
            self._handle.ptr, data, offsets.buffer_info()[0], count, num_threads,
            self._address(out, return_numpy), count * self.dimension, ctypes.byref(written)))
        rows = self._rows(out, count, return_numpy)
        return rows[0] if single else rows

    def embed_ids(self, ids: Sequence[Sequence[int]], num_threads: int = 0, return_numpy: bool = False) -> Any:
        """One embedding per id sequence, fed to the model as given (include [CLS] and [SEP]
        for what embed computes); each 1...max_length ids of the model's vocabulary."""
        sequences = [list(s) for s in ids]
        num_threads = _size(num_threads, "num_threads")
        flat = array.array("I")
        starts = array.array(_SIZE_FORMAT, [0])
        for i, s in enumerate(sequences):
            try:
                flat.extend(s)
            except (OverflowError, TypeError):
                raise fail(Status.INVALID_ARGUMENT, f"ids[{i}] must hold ints in 0...{2**32 - 1}") from None
            starts.append(len(flat))
        count = len(sequences)
        out = self._output(count, return_numpy)
        written = ctypes.c_size_t()
        check(self._lib, self._lib.swifttok_embed_ids(
            self._handle.ptr, flat.buffer_info()[0] if len(flat) else None, starts.buffer_info()[0], count,
            num_threads, self._address(out, return_numpy), count * self.dimension, ctypes.byref(written)))
        return self._rows(out, count, return_numpy)


__all__: List[str] = ["Embedder"]
