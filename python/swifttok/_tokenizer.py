"""Tokenizer, Encoding and DecodeStream: a `tokenizers`-shaped API over libswifttok."""

from __future__ import annotations

import array
import ctypes
import itertools
import os
import sys
import threading
import weakref
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._native import ADD_SPECIAL_TOKENS, CHAR_OFFSETS, Status, SwiftTokError, check, fail, lib

__all__ = ["Tokenizer", "Encoding", "DecodeStream", "FlatBatch", "TokenBudget"]

TextInput = Union[str, bytes, bytearray, memoryview]

_U32_MAX = 0xFFFFFFFF
_SIZE_FORMAT = {4: "I", 8: "Q"}[ctypes.sizeof(ctypes.c_size_t)]


class _Owned:
    """Owns one C object and frees it when the last Python reference goes: a call that holds a
    reference keeps the object alive even if its Tokenizer was reconfigured meanwhile."""

    __slots__ = ("ptr", "cptr", "_free")

    def __init__(self, ptr: int, free: Any):
        self.ptr = ptr
        # The same pointer as a ctypes object, for the calls declared without argtypes.
        self.cptr = ctypes.c_void_p(ptr)
        self._free = free

    def __del__(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            self._free(ptr)


def _fast_utf8(text: Any) -> bytes:
    """UTF-8 bytes of `text` for the short-call paths: str.encode() inline, `_utf8` (which raises the
    library's error for lone surrogates and accepts bytes-like input) otherwise."""
    if type(text) is str:
        try:
            return text.encode()
        except UnicodeEncodeError:
            pass
    return _utf8(text)


def _fs_path(path: Any) -> str:
    """A path argument as a str the C calls take (encoded with os.fsencode): no NUL in it."""
    path = os.fsdecode(os.fspath(path))
    if "\0" in path:
        raise fail(Status.INVALID_ARGUMENT, "path contains a NUL character")
    return path


def _utf8(text: Any, what: str = "text") -> bytes:
    """UTF-8 bytes of a str (or the bytes given); ctypes passes bytes to C without copying."""
    if isinstance(text, str):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as e:  # Lone surrogates have no UTF-8 form.
            raise fail(Status.INVALID_UTF8, f"{what} is not encodable as UTF-8: {e.reason} at {e.start}") from None
    if isinstance(text, bytes):
        return text
    if isinstance(text, (bytearray, memoryview)):
        return bytes(text)
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


class _ShortCalls(threading.local):
    """The swifttok_short_call of one tokenizer handle in each thread (the calls write its `needed`
    and its output buffer, and ctypes releases the GIL during the long-text calls), kept with
    everything a call needs as one tuple: a single attribute lookup per call.

    The ids land in an array.array whose address the struct holds, read through a memoryview:
    `view[:n].tolist()` is the cheapest way from C uint32s to a list of ints (measured: 8% under
    slicing the array, 15% under slicing a ctypes array)."""

    def __init__(self, handle: _Owned) -> None:
        self.handle = handle  # Keeps the C tokenizer alive as long as the struct points to it.
        self.grow(256)

    def grow(self, capacity: int) -> Tuple[Any, Any, Any]:
        capacity = max(capacity, 256)
        ids = array.array("I", bytes(4 * capacity))
        call = _native.ShortCall(self.handle.ptr, ids.buffer_info()[0], capacity, 0)
        self.state = (ctypes.byref(call), memoryview(ids), call)
        return self.state


# Texts up to this many UTF-8 bytes take the short calls with the GIL held (a call of a few
# microseconds: releasing and retaking the GIL would cost a good part of it); longer ones release it
# so that other Python threads run meanwhile. The short calls take an int32_t length.
_GIL_HELD_MAX = 4096
_SHORT_MAX = (1 << 31) - 1


def _size(value: Any, name: str) -> int:
    """A non-negative int argument for a size_t (ctypes would silently wrap negatives)."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = value.__index__()
        except AttributeError:
            raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None
    if value < 0 or value >= 1 << (8 * ctypes.sizeof(ctypes.c_size_t)):
        raise fail(Status.INVALID_ARGUMENT, f"{name} must be a non-negative int, got {value}")
    return value


def _u32(value: Any, name: str) -> int:
    value = _size(value, name)
    if value > _U32_MAX:
        raise fail(Status.INVALID_ARGUMENT, f"{name} {value} does not fit in 32 bits")
    return value


def _id_array(ids: Any, name: str = "ids") -> array.array:
    """Token ids as a uint32 array, rejecting values a uint32 cannot hold (instead of wrapping)."""
    if isinstance(ids, array.array) and ids.typecode == "I":
        return ids
    np = _numpy_if_loaded()
    if np is not None and isinstance(ids, np.ndarray):
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            raise fail(Status.INVALID_ARGUMENT, f"{name} must be a 1-D integer array, got {ids.dtype} with shape {ids.shape}")
        if ids.size and (int(ids.min()) < 0 or int(ids.max()) > _U32_MAX):
            raise fail(Status.INVALID_ARGUMENT, f"{name} has values outside 0...{_U32_MAX}")
        return array.array("I", np.ascontiguousarray(ids, dtype=np.uint32).tobytes())
    try:
        return array.array("I", ids)
    except OverflowError:
        bad = next((i for i in ids if not 0 <= i <= _U32_MAX), None)
        raise fail(Status.INVALID_ARGUMENT, f"{name} contains {bad}, which is not a token id (0...{_U32_MAX})") from None
    except TypeError as e:
        raise TypeError(f"{name} must be a sequence of ints: {e}") from None


def _numpy_if_loaded() -> Any:
    # Only an already imported numpy can have made the argument: no import cost otherwise.
    return sys.modules.get("numpy")


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as e:  # numpy is an optional dependency.
        raise ImportError("numpy output needs numpy: pip install numpy") from e
    return numpy


def _list(addr: Optional[int], ctype: Any, fmt: str, count: int) -> list:
    """A Python list of `count` C values at `addr` (one bulk conversion, no per-item ctypes)."""
    if not count or not addr:
        return []
    return memoryview((ctype * count).from_address(addr)).cast("B").cast(fmt).tolist()


class FlatBatch(NamedTuple):
    """Ids of a batch as numpy arrays: input i is ids[offsets[i]:offsets[i + 1]]."""

    ids: Any
    offsets: Any


def _flat_batch(ids: bytearray, starts: bytearray) -> FlatBatch:
    """A FlatBatch over the batch builtin's bytearrays (uint32 ids, size_t starts), without copies:
    the arrays are writable views that keep their bytearrays alive."""
    np = _numpy()
    offsets = np.frombuffer(starts, dtype=np.uintp)
    # size_t offsets are below 2**63, so on 64-bit they are the int64 array as they are.
    offsets = offsets.view(np.int64) if offsets.itemsize == 8 else offsets.astype(np.int64)
    return FlatBatch(np.frombuffer(ids, dtype=np.uint32), offsets)


class TokenBudget(NamedTuple):
    """count_tokens_up_to's answer: the tokens counted (at most the limit) and where they end
    in the input, in characters for str input (bytes for bytes input) and in UTF-8 bytes."""

    count: int
    end: int
    byte_end: int


class Encoding:
    """The result of encoding one input or pair, with the attributes of tokenizers.Encoding.
    Attributes are read from the C encoding on first access."""

    __slots__ = ("_owner", "_ptr", "_n", "_ids", "_type_ids", "_tokens", "_offsets", "_attention_mask",
                 "_special_tokens_mask", "_word_ids", "_overflowing")

    def __init__(self, owner: Optional[_Owned], ptr: Optional[int]):
        # `owner` keeps the C encoding alive; `ptr` is it or one of its borrowed overflowing parts.
        self._owner = owner
        self._ptr = ptr
        self._n = lib().swifttok_encoding_length(ptr) if ptr else 0
        self._ids = self._type_ids = self._tokens = self._offsets = None
        self._attention_mask = self._special_tokens_mask = self._word_ids = self._overflowing = None

    @classmethod
    def _from_fields(cls, fields: tuple) -> "Encoding":
        """An Encoding from the tuple of the encode builtin (every attribute already a list)."""
        e = cls.__new__(cls)
        e._owner = e._ptr = None
        (e._ids, e._type_ids, e._tokens, e._offsets, e._attention_mask, e._special_tokens_mask, e._word_ids,
         overflowing) = fields
        e._n = len(e._ids)
        e._overflowing = [cls._from_fields(part) for part in overflowing]
        return e

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return (f"Encoding(num_tokens={self._n}, attributes=[ids, type_ids, tokens, offsets, "
                "attention_mask, special_tokens_mask, word_ids, overflowing])")

    def _u32s(self, getter: Any) -> list:
        return _list(getter(self._ptr), ctypes.c_uint32, "I", self._n) if self._ptr else []

    @property
    def ids(self) -> List[int]:
        """Token ids."""
        if self._ids is None:
            self._ids = self._u32s(lib().swifttok_encoding_ids)
        return self._ids

    @property
    def type_ids(self) -> List[int]:
        """Segment (type) ids."""
        if self._type_ids is None:
            self._type_ids = self._u32s(lib().swifttok_encoding_type_ids)
        return self._type_ids

    @property
    def attention_mask(self) -> List[int]:
        """1 for real tokens, 0 for padding."""
        if self._attention_mask is None:
            self._attention_mask = self._u32s(lib().swifttok_encoding_attention_mask)
        return self._attention_mask

    @property
    def special_tokens_mask(self) -> List[int]:
        """1 for special (and padding) tokens."""
        if self._special_tokens_mask is None:
            self._special_tokens_mask = self._u32s(lib().swifttok_encoding_special_tokens_mask)
        return self._special_tokens_mask

    @property
    def offsets(self) -> List[Tuple[int, int]]:
        """(start, end) of each token in its input, in characters (as tokenizers)."""
        if self._offsets is None:
            flat = _list(lib().swifttok_encoding_offsets(self._ptr), ctypes.c_uint64, "Q", 2 * self._n) if self._ptr else []
            pairs = iter(flat)
            self._offsets = list(zip(pairs, pairs))
        return self._offsets

    @property
    def word_ids(self) -> List[Optional[int]]:
        """Word index of each token; None for special and padding tokens."""
        if self._word_ids is None:
            raw = _list(lib().swifttok_encoding_word_ids(self._ptr), ctypes.c_int64, "q", self._n) if self._ptr else []
            self._word_ids = [None if w < 0 else w for w in raw]
        return self._word_ids

    @property
    def words(self) -> List[Optional[int]]:
        """Same as word_ids (tokenizers' older name)."""
        return self.word_ids

    @property
    def tokens(self) -> List[str]:
        """Token strings."""
        if self._tokens is None:
            tokens: List[str] = []
            if self._ptr:
                get = lib().swifttok_encoding_token
                length = ctypes.c_size_t()
                ref = ctypes.byref(length)
                for i in range(self._n):
                    p = get(self._ptr, i, ref)
                    tokens.append(ctypes.string_at(p, length.value).decode("utf-8") if p else "")
            self._tokens = tokens
        return self._tokens

    @property
    def overflowing(self) -> List["Encoding"]:
        """The parts cut off by truncation (with stride), each an Encoding."""
        if self._overflowing is None:
            parts: List[Encoding] = []
            if self._ptr:
                cdll = lib()
                for i in range(cdll.swifttok_encoding_overflowing_count(self._ptr)):
                    p = cdll.swifttok_encoding_overflowing(self._ptr, i)
                    if p:
                        parts.append(Encoding(self._owner, p))
            self._overflowing = parts
        return self._overflowing

    def _materialize(self) -> None:
        """Reads every attribute into Python lists, so they can be edited (batch padding)."""
        for name in ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids"):
            getattr(self, name)
        for part in self.overflowing:
            part._materialize()

    def _pad(self, length: int, pad_id: int, pad_type_id: int, pad_token: str, left: bool) -> None:
        """Pads to `length` tokens like tokenizers' Encoding::pad (overflowing parts too)."""
        self._materialize()
        for part in self.overflowing:
            part._pad(length, pad_id, pad_type_id, pad_token, left)
        extra = length - self._n
        if extra <= 0:
            return
        fills = {
            "_ids": pad_id, "_type_ids": pad_type_id, "_tokens": pad_token, "_offsets": (0, 0),
            "_attention_mask": 0, "_special_tokens_mask": 1, "_word_ids": None,
        }
        for name, value in fills.items():
            values = getattr(self, name)
            setattr(self, name, [value] * extra + values if left else values + [value] * extra)
        self._n = length


# tokenizers' Python names for the C enums.
_STRATEGIES = {"longest_first": 0, "only_first": 1, "only_second": 2}
_DIRECTIONS = {"right": 0, "left": 1}


def _native_settings(cdll: Any, ptr: int) -> Tuple[Optional[dict], Optional[dict]]:
    """The truncation and padding of a C tokenizer, in tokenizers' Python form."""
    enabled = ctypes.c_int()
    tr = _native.Truncation()
    check(cdll, cdll.swifttok_tokenizer_get_truncation(ptr, ctypes.byref(enabled), ctypes.byref(tr)))
    truncation = None
    if enabled.value:
        truncation = {"max_length": tr.max_length, "stride": tr.stride,
                      "strategy": _STRATEGY_NAMES.get(tr.strategy, "longest_first"),
                      "direction": _DIRECTION_NAMES.get(tr.direction, "right")}
    pd = _native.Padding()
    check(cdll, cdll.swifttok_tokenizer_get_padding(ptr, ctypes.byref(enabled), ctypes.byref(pd)))
    padding = None
    if enabled.value:
        padding = {"length": pd.length or None, "pad_to_multiple_of": pd.pad_to_multiple_of or None,
                   "pad_id": pd.pad_id, "pad_token": (pd.pad_token or b"").decode("utf-8"),
                   "pad_type_id": pd.pad_type_id, "direction": _DIRECTION_NAMES.get(pd.direction, "right")}
    return truncation, padding


_STRATEGY_NAMES = {v: k for k, v in _STRATEGIES.items()}
_DIRECTION_NAMES = {v: k for k, v in _DIRECTIONS.items()}


class Tokenizer:
    """A swifttok tokenizer, used like tokenizers.Tokenizer. Thread-safe: encode and decode may
    run from many Python threads at once (the GIL is released during each C call, except the
    encode_ids / count_tokens calls on texts of at most 4 KB, which last microseconds).

    On CPython the instance's encode_ids and count_tokens are the library's builtins (see
    _bind_builtins); the methods below are the ctypes path they are tested against."""

    def __init__(self, handle: _Owned, source: Union[str, bytes, None]):
        self._lib = lib()
        # The short calls of encode_ids and count_tokens, bound once (see _native.short_calls), with
        # and without the GIL held.
        self._encode_short_gil, self._count_short_gil = _native.short_calls(gil=True)
        self._encode_short, self._count_short = _native.short_calls(gil=False)
        self._base = handle  # As loaded: configure() always starts from it.
        self._handle = handle
        self._short = _ShortCalls(handle)
        self._native_batch: Any = None
        self._native_encode: Any = None
        self._bind_builtins(handle)
        self._source = source
        self._settings: Optional[Tuple[Optional[dict], Optional[dict]]] = None
        self._settings_lock = threading.Lock()

    def _bind_builtins(self, handle: _Owned) -> None:
        """Puts the library's Python builtins for `handle` (_native.python_functions) on this
        instance: `encode_ids` and `count_tokens` then shadow the methods of the class, which stay
        as the reference (ctypes) path and take what the builtins pass on (bytes input, lone
        surrogates, other keywords); encode_batch uses the batch builtin for lists of ids.
        Without the builtins (not CPython, SWIFTTOK_NATIVE=0) the methods serve every call."""
        # The fallbacks hold the Tokenizer weakly: the builtins hold them from a capsule, which the
        # collector cannot traverse, so a strong reference would make an uncollectable cycle.
        ref = weakref.ref(self)

        def alive() -> "Tokenizer":
            t = ref()
            if t is None:
                raise fail(Status.INVALID_ARGUMENT, "this function's Tokenizer was freed (str input still works)")
            return t

        def encode_ids(*args: Any, **kwargs: Any) -> List[int]:
            return Tokenizer.encode_ids(alive(), *args, **kwargs)

        def count_tokens(*args: Any, **kwargs: Any) -> int:
            return Tokenizer.count_tokens(alive(), *args, **kwargs)

        def encode_batch_ids(*args: Any, **kwargs: Any) -> None:
            return None  # The caller (encode_batch) takes its own path.

        def encode_fields(*args: Any, **kwargs: Any) -> None:
            return None  # The caller (encode) takes its own path.

        functions = _native.python_functions(handle.ptr, (encode_ids, count_tokens, encode_batch_ids, encode_fields))
        if functions is None:
            self._drop_builtins()
            return
        self.encode_ids, self.count_tokens, self._native_batch, self._native_encode = functions  # type: ignore[method-assign]

    def _drop_builtins(self) -> None:
        """Uses the ctypes paths only from now on (tests and benchmarks compare the two)."""
        self.__dict__.pop("encode_ids", None)
        self.__dict__.pop("count_tokens", None)
        self._native_batch = None
        self._native_encode = None

    @property
    def uses_builtins(self) -> bool:
        """True when encode_ids, count_tokens and encode_batch's id lists run as the library's
        Python builtins; False when they go through ctypes."""
        return self._native_batch is not None

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Tokenizer":
        """Loads a tokenizer.json, a .tiktoken rank file or a Llama 3 tokenizer.model."""
        cdll = lib()
        path = _fs_path(path)
        out = ctypes.c_void_p()
        check(cdll, cdll.swifttok_tokenizer_from_file(os.fsencode(path), ctypes.byref(out)))
        return cls(_Owned(out.value, cdll.swifttok_tokenizer_free), path)

    @classmethod
    def from_buffer(cls, data: Union[bytes, bytearray, memoryview]) -> "Tokenizer":
        """Loads a tokenizer from the bytes of such a file."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        data = bytes(data)
        cdll = lib()
        out = ctypes.c_void_p()
        check(cdll, cdll.swifttok_tokenizer_from_bytes(data, len(data), ctypes.byref(out)))
        return cls(_Owned(out.value, cdll.swifttok_tokenizer_free), data)

    @classmethod
    def from_str(cls, json_text: str) -> "Tokenizer":
        """Loads a tokenizer from the text of a tokenizer.json."""
        return cls.from_buffer(_utf8(json_text, "json"))

    # -- vocabulary ---------------------------------------------------------------------------

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        """Vocabulary size including added tokens."""
        if not with_added_tokens:
            raise fail(Status.UNSUPPORTED, "swifttok reports the vocabulary size with added tokens only")
        return self._lib.swifttok_vocab_size(self._handle.ptr)

    def token_to_id(self, token: str) -> Optional[int]:
        """The id of a token, or None when it is not in the vocabulary."""
        h = self._handle
        data = _utf8(token, "token")
        out = ctypes.c_uint32()
        status = self._lib.swifttok_token_to_id(h.ptr, data, len(data), ctypes.byref(out))
        if status == Status.OUT_OF_RANGE:
            return None
        check(self._lib, status)
        return out.value

    def id_to_token(self, id: int) -> Optional[str]:
        """The token of an id, or None when no token has it."""
        h = self._handle
        id = _u32(id, "id")
        buf = ctypes.create_string_buffer(64)
        length = ctypes.c_size_t()
        status = self._lib.swifttok_id_to_token(h.ptr, id, buf, 64, ctypes.byref(length))
        if status == Status.BUFFER_TOO_SMALL:
            buf = ctypes.create_string_buffer(length.value)
            status = self._lib.swifttok_id_to_token(h.ptr, id, buf, length.value, ctypes.byref(length))
        if status == Status.OUT_OF_RANGE:
            return None
        check(self._lib, status)
        return buf.raw[: length.value].decode("utf-8")

    # -- truncation and padding ---------------------------------------------------------------

    def _current_settings(self) -> Tuple[Optional[dict], Optional[dict]]:
        if self._settings is None:
            self._settings = _native_settings(self._lib, self._base.ptr)
        return self._settings

    @property
    def truncation(self) -> Optional[dict]:
        """The truncation settings (as tokenizers reports them), or None."""
        with self._settings_lock:
            t = self._current_settings()[0]
        return dict(t) if t else None

    @property
    def padding(self) -> Optional[dict]:
        """The padding settings (as tokenizers reports them), or None."""
        with self._settings_lock:
            p = self._current_settings()[1]
        return dict(p) if p else None

    def _configure(self, truncation: Optional[dict], padding: Optional[dict]) -> None:
        """Replaces the handle by one with these settings (swifttok_tokenizer_configure)."""
        tr = pd = None
        if truncation is not None:
            tr = _native.Truncation(
                max_length=truncation["max_length"], stride=truncation["stride"],
                strategy=_STRATEGIES[truncation["strategy"]], direction=_DIRECTIONS[truncation["direction"]])
        token_bytes = None
        if padding is not None:
            token_bytes = _utf8(padding["pad_token"], "pad_token")
            if b"\0" in token_bytes:
                raise fail(Status.INVALID_ARGUMENT, "pad_token contains a NUL character")
            pd = _native.Padding(
                length=padding["length"] or 0, pad_to_multiple_of=padding["pad_to_multiple_of"] or 0,
                direction=_DIRECTIONS[padding["direction"]], pad_id=padding["pad_id"],
                pad_type_id=padding["pad_type_id"], pad_token=token_bytes)
        out = ctypes.c_void_p()
        check(self._lib, self._lib.swifttok_tokenizer_configure(
            self._base.ptr, ctypes.byref(tr) if tr is not None else None,
            ctypes.byref(pd) if pd is not None else None, ctypes.byref(out)))
        handle = _Owned(out.value, self._lib.swifttok_tokenizer_free)
        self._handle = handle
        self._short = _ShortCalls(handle)
        if self._native_batch is not None:
            self._bind_builtins(handle)
        self._settings = (truncation, padding)

    def enable_truncation(self, max_length: int, stride: int = 0, strategy: str = "longest_first",
                          direction: str = "right") -> None:
        """Truncates encodings to max_length tokens (overflow goes to Encoding.overflowing)."""
        if strategy not in _STRATEGIES:
            raise fail(Status.INVALID_ARGUMENT, f"unknown truncation strategy {strategy!r}; use one of {sorted(_STRATEGIES)}")
        if direction not in _DIRECTIONS:
            raise fail(Status.INVALID_ARGUMENT, f"unknown truncation direction {direction!r}; use 'left' or 'right'")
        settings = {"max_length": _size(max_length, "max_length"), "stride": _size(stride, "stride"),
                    "strategy": strategy, "direction": direction}
        with self._settings_lock:
            self._configure(settings, self._current_settings()[1])

    def no_truncation(self) -> None:
        """Disables truncation (including truncation the file carried)."""
        with self._settings_lock:
            self._configure(None, self._current_settings()[1])

    def enable_padding(self, direction: str = "right", pad_id: int = 0, pad_type_id: int = 0,
                       pad_token: str = "[PAD]", length: Optional[int] = None,
                       pad_to_multiple_of: Optional[int] = None) -> None:
        """Pads encodings to `length`, or to the longest of a batch when length is None."""
        if direction not in _DIRECTIONS:
            raise fail(Status.INVALID_ARGUMENT, f"unknown padding direction {direction!r}; use 'left' or 'right'")
        if not isinstance(pad_token, str):
            raise TypeError(f"pad_token must be str, not {type(pad_token).__name__}")
        if length is not None and _size(length, "length") == 0:
            raise fail(Status.INVALID_ARGUMENT, "length must be positive (None pads to the longest of a batch)")
        settings = {
            "length": None if length is None else _size(length, "length"),
            "pad_to_multiple_of": None if pad_to_multiple_of is None else _size(pad_to_multiple_of, "pad_to_multiple_of"),
            "pad_id": _u32(pad_id, "pad_id"), "pad_token": pad_token,
            "pad_type_id": _u32(pad_type_id, "pad_type_id"), "direction": direction,
        }
        with self._settings_lock:
            self._configure(self._current_settings()[0], settings)

    def no_padding(self) -> None:
        """Disables padding (including padding the file carried)."""
        with self._settings_lock:
            self._configure(self._current_settings()[0], None)

    def _batch_padding(self) -> Optional[dict]:
        """Padding to the longest of a batch, which single-input C calls cannot do alone."""
        with self._settings_lock:
            p = self._current_settings()[1]
        return p if p is not None and p["length"] is None else None

    # -- encoding -----------------------------------------------------------------------------

    def encode(self, sequence: TextInput, pair: Optional[TextInput] = None, is_pretokenized: bool = False,
               add_special_tokens: bool = True) -> Encoding:
        """Encodes a text (and an optional pair) into an Encoding; offsets are in characters."""
        if is_pretokenized:
            raise fail(Status.UNSUPPORTED, "pre-tokenized input is not supported")
        native = self._native_encode
        if native is not None:
            # Every field in one call (None: an input the builtin does not take).
            fields = native(sequence, pair, add_special_tokens)
            if fields is not None:
                return Encoding._from_fields(fields)
        h = self._handle
        return self._encode(h, sequence, pair, add_special_tokens)

    def _encode(self, h: _Owned, sequence: TextInput, pair: Optional[TextInput], add_special_tokens: bool) -> Encoding:
        text = _utf8(sequence)
        second = None if pair is None else _utf8(pair, "pair")
        flags = CHAR_OFFSETS | (ADD_SPECIAL_TOKENS if add_special_tokens else 0)
        out = ctypes.c_void_p()
        # A present but empty pair is still a pair: give it a non-NULL pointer.
        check(self._lib, self._lib.swifttok_encode(
            h.ptr, text, len(text), second, 0 if second is None else len(second), flags, ctypes.byref(out)))
        return Encoding(_Owned(out.value, self._lib.swifttok_encoding_free), out.value)

    def encode_nbest(self, sequence: TextInput, k: int, add_special_tokens: bool = True) -> List[Tuple[Encoding, float]]:
        """The `k` best segmentations of `sequence`, best first, as (Encoding, score) pairs: for a
        SentencePiece .model, sentencepiece's `nbest_encode(text, nbest_size=k)` (UNIGRAM models; and
        tokenizer.json Unigram models). Offsets are in characters. 1 <= k <= 512."""
        text = _utf8(sequence)
        flags = CHAR_OFFSETS | (ADD_SPECIAL_TOKENS if add_special_tokens else 0)
        out = ctypes.c_void_p()
        h = self._handle
        if not 0 <= k < 1 << 63:  # ctypes would wrap it silently
            raise fail(Status.INVALID_ARGUMENT, f"k must be between 1 and 512 (got {k})")
        check(self._lib, self._lib.swifttok_encode_nbest(h.ptr, text, len(text), flags, k, ctypes.byref(out)))
        owner = _Owned(out.value, self._lib.swifttok_nbest_free)
        return [(Encoding(owner, self._lib.swifttok_nbest_encoding(owner.ptr, i)), self._lib.swifttok_nbest_score(owner.ptr, i))
                for i in range(self._lib.swifttok_nbest_count(owner.ptr))]

    def encode_sample(self, sequence: TextInput, alpha: float, nbest_size: int = -1, seed: int = 0,
                      add_special_tokens: bool = True) -> Encoding:
        """One segmentation of `sequence` sampled with a generator seeded by `seed` (subword
        regularization): for a SentencePiece .model, distributed as sentencepiece's
        `encode(text, enable_sampling=True, alpha=alpha, nbest_size=nbest_size)` (BPE models:
        merge dropout with probability alpha). Offsets are in characters."""
        text = _utf8(sequence)
        flags = CHAR_OFFSETS | (ADD_SPECIAL_TOKENS if add_special_tokens else 0)
        out = ctypes.c_void_p()
        h = self._handle
        if not 0 <= seed < 1 << 64:
            raise fail(Status.INVALID_ARGUMENT, f"seed must be in [0, 2**64) (got {seed})")
        check(self._lib, self._lib.swifttok_encode_sample(h.ptr, text, len(text), flags, float(alpha), nbest_size, seed,
                                                          ctypes.byref(out)))
        return Encoding(_Owned(out.value, self._lib.swifttok_encoding_free), out.value)

    def encode_ids(self, text: TextInput, add_special_tokens: bool = True) -> List[int]:
        """Just the ids of `text` (encode(text).ids without building an Encoding: the fast path).

        One C call into a reused per-thread buffer (grown when the library asks for more)."""
        data = _fast_utf8(text)
        n = len(data)
        short = self._short  # Its own handle: a concurrent configure() cannot free it.
        ref, ids, call = short.state
        flags = ADD_SPECIAL_TOKENS if add_special_tokens else 0
        if n <= _GIL_HELD_MAX:
            count = self._encode_short_gil(ref, data, n, flags)
        elif n <= _SHORT_MAX:
            count = self._encode_short(ref, data, n, flags)
        else:
            return self._encode_ids_long(self._handle, data, flags)
        if count >= 0:
            return ids[:count].tolist()
        if count != -Status.BUFFER_TOO_SMALL:
            check(self._lib, -count)
        ref, ids, call = short.grow(call.needed)  # Same handle as the first try.
        count = self._encode_short(ref, data, n, flags)
        if count < 0:
            check(self._lib, -count)
        return ids[:count].tolist()

    def _encode_ids_long(self, h: _Owned, data: bytes, flags: int) -> List[int]:
        """encode_ids for texts too long for the int32_t length of the short call."""
        count = ctypes.c_size_t(len(data) + 16)
        while True:
            ids = array.array("I", bytes(4 * count.value))
            status = self._lib.swifttok_encode_ids(h.ptr, data, len(data), flags, ids.buffer_info()[0], len(ids),
                                                   ctypes.byref(count))
            if status != Status.BUFFER_TOO_SMALL:
                check(self._lib, status)
                return ids[:count.value].tolist()

    def count_tokens(self, text: TextInput, add_special_tokens: bool = True) -> int:
        """Number of tokens `text` encodes to (len(encode(text, add_special_tokens=...)))."""
        data = _fast_utf8(text)
        n = len(data)
        flags = ADD_SPECIAL_TOKENS if add_special_tokens else 0
        if n <= _GIL_HELD_MAX:
            count = self._count_short_gil(self._short.state[0], data, n, flags)
        elif n <= _SHORT_MAX:
            count = self._count_short(self._short.state[0], data, n, flags)
        else:
            count = ctypes.c_size_t()
            check(self._lib, self._lib.swifttok_count_tokens(self._handle.ptr, data, n, flags, ctypes.byref(count)))
            return count.value
        if count < 0:
            check(self._lib, -count)
        return count

    def count_tokens_up_to(self, text: TextInput, limit: int, add_special_tokens: bool = True) -> TokenBudget:
        """Counts tokens up to `limit`: how many (at most limit) and where the first of them end."""
        h = self._handle
        data = _utf8(text)
        limit = _size(limit, "limit")
        count, byte_end = ctypes.c_size_t(), ctypes.c_size_t()
        flags = ADD_SPECIAL_TOKENS if add_special_tokens else 0
        check(self._lib, self._lib.swifttok_count_tokens_up_to(
            h.ptr, data, len(data), flags, limit, ctypes.byref(count), ctypes.byref(byte_end)))
        end = byte_end.value
        if isinstance(text, str):
            # A token may end inside a character (byte-level BPE): count whole characters only.
            end = len(text) if end >= len(data) else len(data[:end].decode("utf-8", "ignore"))
        return TokenBudget(count.value, end, byte_end.value)

    def _encode_batch_raw(self, h: _Owned, texts: Sequence[bytes], add_special_tokens: bool,
                          num_threads: int) -> _Owned:
        # One joined buffer plus offsets (swifttok_encode_batch_flat): no per-text ctypes objects.
        n = len(texts)
        offsets = array.array(_SIZE_FORMAT, [0])
        offsets.extend(itertools.accumulate(map(len, texts)))
        data = b"".join(texts)
        flags = ADD_SPECIAL_TOKENS if add_special_tokens else 0
        out = ctypes.c_void_p()
        check(self._lib, self._lib.swifttok_encode_batch_flat(
            h.ptr, data, offsets.buffer_info()[0], n, flags, num_threads, ctypes.byref(out)))
        return _Owned(out.value, self._lib.swifttok_batch_free)

    def _batch_views(self, batch: _Owned) -> Tuple[Optional[int], int, Optional[int], int]:
        total = ctypes.c_size_t()
        ids = self._lib.swifttok_batch_ids(batch.ptr, ctypes.byref(total))
        return ids, total.value, self._lib.swifttok_batch_starts(batch.ptr), self._lib.swifttok_batch_count(batch.ptr)

    def encode_batch(self, input: Sequence[Union[TextInput, Tuple[TextInput, TextInput]]], is_pretokenized: bool = False,
                     add_special_tokens: bool = True, *, num_threads: int = 0, return_encodings: bool = False,
                     return_numpy: bool = False) -> Any:
        """Encodes many texts on num_threads threads (0 = all cores) in one C call and returns a
        list of id lists; return_encodings=True gives Encodings (pairs allowed), return_numpy=True
        a FlatBatch of numpy arrays."""
        if is_pretokenized:
            raise fail(Status.UNSUPPORTED, "pre-tokenized input is not supported")
        num_threads = _size(num_threads, "num_threads")
        h = self._handle
        items = list(input)
        if return_encodings:
            return self._encode_batch_encodings(h, items, add_special_tokens)
        native = self._native_batch
        if native is not None:
            # All str: encoded, and made into lists or flat bytearrays, in the library (None: an
            # item it does not take, or a library without the flat form).
            if return_numpy:
                flat = native(items, bool(add_special_tokens), num_threads, True)
                if flat is not None:
                    return _flat_batch(*flat)
            else:
                lists = native(items, bool(add_special_tokens), num_threads)
                if lists is not None:
                    return lists
        try:
            # The common case (all str) at C speed: str.encode rejects anything that is not a str.
            texts = list(map(str.encode, items))
        except (UnicodeEncodeError, TypeError):
            if any(isinstance(t, (tuple, list)) for t in items):
                raise fail(Status.UNSUPPORTED, "pairs in encode_batch need return_encodings=True") from None
            texts = [_utf8(t, f"input[{i}]") for i, t in enumerate(items)]
        # The C batch applies the tokenizer's truncation and padding (to the longest, as tokenizers).
        if return_numpy:
            return self._flat_numpy(h, texts, add_special_tokens, num_threads)
        return self._id_lists(h, texts, add_special_tokens, num_threads)

    # Inputs at least this large (UTF-8 bytes) are encoded in about _CHUNKS chunks (of
    # _CHUNK_MIN..._CHUNK_MAX bytes), pipelined: the library encodes chunk k + 1 (ctypes releases the
    # GIL) while this thread turns chunk k into lists, so the cost of making Python ints hides
    # behind the encoding; only the first chunk's encoding and the last one's lists are not hidden.
    # Measured on the shared 2-core host (0.5 and 3 MB of English, cl100k): no wall-time gain below
    # a few MB and more CPU (~+30%: two threads handing the GIL over), hence the high threshold.
    _PIPELINE_BYTES = 1 << 20
    _CHUNKS = 16
    _CHUNK_MIN = 1 << 13
    _CHUNK_MAX = 1 << 18

    def _id_lists(self, h: _Owned, texts: List[bytes], add_special_tokens: bool, num_threads: int) -> List[List[int]]:
        if not texts:
            return []
        total = sum(map(len, texts))
        # Padding is to the longest of the whole batch: chunks would pad each to its own longest.
        if total >= self._PIPELINE_BYTES and len(texts) > 1 and self._current_padding() is None:
            try:
                return self._id_lists_pipelined(h, texts, add_special_tokens, num_threads, total)
            except SwiftTokError:
                pass  # Raised below by the one-call path, with the message that path gives.
        return self._lists_of(self._encode_batch_raw(h, texts, add_special_tokens, num_threads))

    def _lists_of(self, batch: _Owned) -> List[List[int]]:
        """One list of ids per input of a C batch (a C-level conversion per input, no per-id Python)."""
        ids, total, starts_addr, count = self._batch_views(batch)
        if not total or not ids:
            return [[] for _ in range(count)]
        flat = memoryview((ctypes.c_uint32 * total).from_address(ids)).cast("B").cast("I")
        starts = _list(starts_addr, ctypes.c_size_t, _SIZE_FORMAT, count + 1)
        return [flat[a:b].tolist() for a, b in zip(starts, starts[1:])]

    def _id_lists_pipelined(self, h: _Owned, texts: List[bytes], add_special_tokens: bool, num_threads: int,
                            total: int) -> List[List[int]]:
        chunk = min(max(total // self._CHUNKS, self._CHUNK_MIN), self._CHUNK_MAX)
        bounds = [0]
        size = 0
        for i, t in enumerate(texts):
            size += len(t)
            if size >= chunk:
                bounds.append(i + 1)
                size = 0
        if bounds[-1] != len(texts):
            bounds.append(len(texts))
        chunks = list(zip(bounds, bounds[1:]))
        done: List[Any] = [None] * len(chunks)
        ready = [threading.Event() for _ in chunks]
        stop = threading.Event()

        def encode_all() -> None:
            for k, (a, b) in enumerate(chunks):
                if stop.is_set():
                    break
                try:
                    done[k] = self._encode_batch_raw(h, texts[a:b], add_special_tokens, num_threads)
                except BaseException as e:  # Handed to the converting thread, which raises it.
                    done[k] = e
                    ready[k].set()
                    break
                ready[k].set()

        worker = threading.Thread(target=encode_all, name="swifttok-encode-batch", daemon=True)
        worker.start()
        result: List[List[int]] = []
        try:
            for k in range(len(chunks)):
                ready[k].wait()
                batch = done[k]
                done[k] = None
                if isinstance(batch, BaseException):
                    raise batch
                result.extend(self._lists_of(batch))
        finally:
            stop.set()
            worker.join()
        return result

    def _current_padding(self) -> Optional[dict]:
        with self._settings_lock:
            return self._current_settings()[1]

    def _flat_numpy(self, h: _Owned, texts: List[bytes], add_special_tokens: bool, num_threads: int) -> FlatBatch:
        np = _numpy()
        if not texts:
            return FlatBatch(np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64))
        batch = self._encode_batch_raw(h, texts, add_special_tokens, num_threads)
        ids, total, starts_addr, count = self._batch_views(batch)
        # Views of the batch's borrowed arrays, copied before the batch is freed.
        flat = np.frombuffer((ctypes.c_uint32 * total).from_address(ids), dtype=np.uint32).copy() \
            if total and ids else np.zeros(0, dtype=np.uint32)
        offsets = np.frombuffer((ctypes.c_size_t * (count + 1)).from_address(starts_addr), dtype=np.uintp).astype(np.int64)
        del batch
        return FlatBatch(flat, offsets)

    def _encode_batch_encodings(self, h: _Owned, items: List[Any], add_special_tokens: bool) -> List[Encoding]:
        native = self._native_encode

        def one(text: Any, pair: Any) -> Encoding:
            if native is not None:  # The encode builtin, as encode() takes it.
                fields = native(text, pair, add_special_tokens)
                if fields is not None:
                    return Encoding._from_fields(fields)
            return self._encode(h, text, pair, add_special_tokens)

        encodings = []
        for i, item in enumerate(items):
            if isinstance(item, (tuple, list)):
                if len(item) != 2:
                    raise fail(Status.INVALID_ARGUMENT, f"input[{i}] must be a text or a (text, pair) tuple")
                encodings.append(one(item[0], item[1]))
            else:
                encodings.append(one(item, None))
        pad = self._batch_padding()
        if pad is not None and encodings:
            target = max(len(e) for e in encodings)
            multiple = pad["pad_to_multiple_of"]
            if multiple and target % multiple:
                target += multiple - target % multiple
            for e in encodings:
                if len(e) < target or e.overflowing:
                    e._pad(target, pad["pad_id"], pad["pad_type_id"], pad["pad_token"], pad["direction"] == "left")
        return encodings

    def encode_batch_numpy(self, input: Sequence[TextInput], add_special_tokens: bool = True,
                           num_threads: int = 0) -> FlatBatch:
        """encode_batch(..., return_numpy=True): flat uint32 ids and int64 row offsets."""
        return self.encode_batch(input, add_special_tokens=add_special_tokens, num_threads=num_threads, return_numpy=True)

    # -- decoding -----------------------------------------------------------------------------

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = True) -> str:
        """The text of token ids (unknown ids are skipped, as in tokenizers)."""
        h = self._handle
        arr = _id_array(ids)
        n = len(arr)
        address = arr.buffer_info()[0] if n else None
        length = ctypes.c_size_t()
        capacity = 8 * n + 64
        while True:
            buf = ctypes.create_string_buffer(capacity)
            status = self._lib.swifttok_decode(h.ptr, address, n, 1 if skip_special_tokens else 0, buf, capacity,
                                               ctypes.byref(length))
            if status != Status.BUFFER_TOO_SMALL:
                break
            capacity = length.value
        check(self._lib, status)
        return buf.raw[: length.value].decode("utf-8")

    def decode_batch(self, sequences: Iterable[Iterable[int]], skip_special_tokens: bool = True, *,
                     num_threads: int = 0) -> List[str]:
        """decode() of many id lists in one C call, on num_threads threads (0 = all cores)."""
        num_threads = _size(num_threads, "num_threads")
        h = self._handle
        arrays = [_id_array(s, f"sequences[{i}]") for i, s in enumerate(sequences)]
        n = len(arrays)
        if n == 0:
            return []
        pointers = (ctypes.c_void_p * n)(*(a.buffer_info()[0] if len(a) else None for a in arrays))
        counts = (ctypes.c_size_t * n)(*map(len, arrays))
        out = ctypes.c_void_p()
        check(self._lib, self._lib.swifttok_decode_batch(h.ptr, pointers, counts, n, 1 if skip_special_tokens else 0,
                                                         num_threads, ctypes.byref(out)))
        texts = _Owned(out.value, self._lib.swifttok_texts_free)
        length = ctypes.c_size_t()
        result = []
        for i in range(self._lib.swifttok_texts_count(texts.ptr)):
            p = self._lib.swifttok_texts_get(texts.ptr, i, ctypes.byref(length))
            result.append(ctypes.string_at(p, length.value).decode("utf-8") if p and length.value else "")
        return result

    def decode_stream(self, skip_special_tokens: bool = False) -> "DecodeStream":
        """A DecodeStream bound to this tokenizer (step(id) then needs no tokenizer)."""
        return DecodeStream(skip_special_tokens=skip_special_tokens, tokenizer=self)


class DecodeStream:
    """Incremental decoding for generation, like tokenizers.decoders.DecodeStream: step() returns
    the newly completed text, or None while a character is incomplete. Use one stream per thread.

    Steps run in the C stream (swifttok_decode_stream_new_with_ids for `ids`, _step_ids for a list)."""

    def __init__(self, ids: Optional[Iterable[int]] = None, skip_special_tokens: bool = False, *,
                 tokenizer: Optional[Tokenizer] = None):
        self._skip = bool(skip_special_tokens)
        self._tokenizer: Optional[Tokenizer] = tokenizer
        self._stream: Optional[_Owned] = None
        # The prefill (a prompt): context for the C stream, opened at the first step.
        self._ids: Optional[List[int]] = None if ids is None else list(_id_array(ids))
        self._buffer = ctypes.create_string_buffer(256)
        self._length = ctypes.c_size_t()
        self._lock = threading.Lock()

    def step(self, *args: Any) -> Optional[str]:
        """step(tokenizer, id) as in tokenizers, or step(id) on a stream bound to a tokenizer;
        `id` may be a list of ids in a stream that began with ids= or with a list."""
        if len(args) == 2:
            tokenizer, id = args
            if not isinstance(tokenizer, Tokenizer):
                raise TypeError(f"step(tokenizer, id) needs a swifttok.Tokenizer, not {type(tokenizer).__name__}")
        elif len(args) == 1:
            tokenizer, id = None, args[0]
        else:
            raise TypeError("step takes (tokenizer, id) or (id)")
        many = not isinstance(id, int) or isinstance(id, bool)
        new_ids = list(_id_array(id, "id")) if many else [_u32(id, "id")]
        with self._lock:
            if self._tokenizer is None:
                if tokenizer is None:
                    raise fail(Status.INVALID_ARGUMENT, "this stream has no tokenizer: call step(tokenizer, id)")
                self._tokenizer = tokenizer
            elif tokenizer is not None and tokenizer is not self._tokenizer:
                raise fail(Status.INVALID_ARGUMENT, "a DecodeStream must be used with one tokenizer")
            if self._stream is None:
                self._open()
            return self._native_step(new_ids, many)

    def _open(self) -> None:
        t = self._tokenizer
        assert t is not None
        out = ctypes.c_void_p()
        prefill = array.array("I", self._ids or [])
        address = prefill.buffer_info()[0] if prefill else None
        check(t._lib, t._lib.swifttok_decode_stream_new_with_ids(
            t._handle.ptr, 1 if self._skip else 0, address, len(prefill), ctypes.byref(out)))
        self._stream = _Owned(out.value, t._lib.swifttok_decode_stream_free)

    def _native_step(self, ids: List[int], many: bool) -> Optional[str]:
        cdll = self._tokenizer._lib  # type: ignore[union-attr]
        assert self._stream is not None
        if many:
            arr = array.array("I", ids)
            address = arr.buffer_info()[0] if arr else None

            def call() -> int:
                return cdll.swifttok_decode_stream_step_ids(self._stream.ptr, address, len(arr), self._buffer,
                                                            len(self._buffer), ctypes.byref(self._length))
        else:
            def call() -> int:
                return cdll.swifttok_decode_stream_step(self._stream.ptr, ids[0], self._buffer, len(self._buffer),
                                                        ctypes.byref(self._length))
        status = call()
        if status == Status.BUFFER_TOO_SMALL:
            # The stream kept the text; the same ids again fetch it without feeding them twice.
            self._buffer = ctypes.create_string_buffer(self._length.value)
            status = call()
        check(cdll, status)
        n = self._length.value
        return self._buffer.raw[:n].decode("utf-8") if n else None
