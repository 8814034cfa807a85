"""Loading libswifttok and declaring its C functions (include/swifttok.h) for ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import os
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

__all__ = ["Status", "SwiftTokError", "lib", "library_path", "check", "python_functions"]

# The ABI this wrapper was written against (SWIFTTOK_VERSION_MAJOR / _MINOR of swifttok.h).
_ABI_MAJOR = 0
_ABI_MINOR = 4

_LIBRARY_FILE = "libswifttok.dylib" if sys.platform == "darwin" else "libswifttok.so"


class Status(enum.IntEnum):
    """swifttok_status codes (their numbers never change meaning)."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_ARGUMENT = 2
    INVALID_UTF8 = 3
    IO = 4
    MALFORMED = 5
    UNSUPPORTED = 6
    BUFFER_TOO_SMALL = 7
    OUT_OF_RANGE = 8
    ENCODING = 9
    OUT_OF_MEMORY = 10


class SwiftTokError(Exception):
    """A failed swifttok call: `status` is the swifttok_status, `message` the library's explanation.
    SWIFTTOK_ERROR_OUT_OF_MEMORY comes as SwiftTokMemoryError, which is also a MemoryError."""

    def __new__(cls, status: int = 0, message: str = "", *rest: Any):
        if cls is SwiftTokError and status == Status.OUT_OF_MEMORY:
            cls = SwiftTokMemoryError
        return Exception.__new__(cls, status, message, *rest)

    def __init__(self, status: int, message: str):
        try:
            status = Status(status)
        except ValueError:
            pass  # A code newer than this wrapper: keep the number.
        self.status = status
        self.message = message
        name = status.name if isinstance(status, Status) else f"status {status}"
        super().__init__(f"{message} [{name}]" if message else f"[{name}]")

    def __reduce__(self) -> Tuple[Any, ...]:
        # Pickled as its constructor's arguments (Exception's default passes only the formatted
        # text), so an error crosses multiprocessing and concurrent.futures with its status.
        return (type(self), (int(self.status), self.message), self.__dict__)


class SwiftTokMemoryError(SwiftTokError, MemoryError):
    """The memory a call needs could not be had (the library checks before it allocates)."""


class _Offset(ctypes.Structure):
    _fields_ = [("start", ctypes.c_uint64), ("end", ctypes.c_uint64)]


class Truncation(ctypes.Structure):
    """struct swifttok_truncation."""

    _fields_ = [
        ("max_length", ctypes.c_size_t),
        ("stride", ctypes.c_size_t),
        ("strategy", ctypes.c_int),
        ("direction", ctypes.c_int),
    ]


class Padding(ctypes.Structure):
    """struct swifttok_padding."""

    _fields_ = [
        ("length", ctypes.c_size_t),
        ("pad_to_multiple_of", ctypes.c_size_t),
        ("direction", ctypes.c_int),
        ("pad_id", ctypes.c_uint32),
        ("pad_type_id", ctypes.c_uint32),
        ("pad_token", ctypes.c_char_p),
    ]


class ShortCall(ctypes.Structure):
    """struct swifttok_short_call."""

    _fields_ = [
        ("tokenizer", ctypes.c_void_p),
        ("ids", ctypes.c_void_p),
        ("capacity", ctypes.c_size_t),
        ("needed", ctypes.c_size_t),
    ]


ADD_SPECIAL_TOKENS = 1 << 0
CHAR_OFFSETS = 1 << 1

_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_szp = ctypes.POINTER(ctypes.c_size_t)
_u32 = ctypes.c_uint32
_st = ctypes.c_int  # swifttok_status is a C enum: int-sized.

# name: (restype, argtypes). Array and buffer arguments are c_void_p so that ctypes arrays,
# array.array addresses and numpy data pointers all pass without conversion copies.
_SIGNATURES = {
    "swifttok_version_number": (ctypes.c_uint, []),
    "swifttok_version_string": (ctypes.c_char_p, []),
    "swifttok_status_string": (ctypes.c_char_p, [_st]),
    "swifttok_last_error": (ctypes.c_char_p, []),
    "swifttok_tokenizer_from_file": (_st, [ctypes.c_char_p, ctypes.POINTER(_vp)]),
    "swifttok_tokenizer_from_bytes": (_st, [ctypes.c_char_p, _sz, ctypes.POINTER(_vp)]),
    "swifttok_tokenizer_free": (None, [_vp]),
    "swifttok_vocab_size": (_sz, [_vp]),
    "swifttok_token_to_id": (_st, [_vp, ctypes.c_char_p, _sz, ctypes.POINTER(_u32)]),
    "swifttok_id_to_token": (_st, [_vp, _u32, _vp, _sz, _szp]),
    "swifttok_tokenizer_configure": (
        _st, [_vp, ctypes.POINTER(Truncation), ctypes.POINTER(Padding), ctypes.POINTER(_vp)]),
    "swifttok_encode": (_st, [_vp, ctypes.c_char_p, _sz, ctypes.c_char_p, _sz, _u32, ctypes.POINTER(_vp)]),
    "swifttok_encoding_free": (None, [_vp]),
    "swifttok_encoding_length": (_sz, [_vp]),
    "swifttok_encoding_ids": (_vp, [_vp]),
    "swifttok_encoding_type_ids": (_vp, [_vp]),
    "swifttok_encoding_attention_mask": (_vp, [_vp]),
    "swifttok_encoding_special_tokens_mask": (_vp, [_vp]),
    "swifttok_encoding_offsets": (_vp, [_vp]),
    "swifttok_encoding_word_ids": (_vp, [_vp]),
    "swifttok_encoding_token": (_vp, [_vp, _sz, _szp]),
    "swifttok_encoding_overflowing_count": (_sz, [_vp]),
    "swifttok_encoding_overflowing": (_vp, [_vp, _sz]),
    "swifttok_encode_ids": (_st, [_vp, ctypes.c_char_p, _sz, _u32, _vp, _sz, _szp]),
    "swifttok_count_tokens": (_st, [_vp, ctypes.c_char_p, _sz, _u32, _szp]),
    "swifttok_count_tokens_up_to": (_st, [_vp, ctypes.c_char_p, _sz, _u32, _sz, _szp, _szp]),
    "swifttok_encode_batch": (_st, [_vp, _vp, _vp, _sz, _u32, _sz, ctypes.POINTER(_vp)]),
    "swifttok_batch_free": (None, [_vp]),
    "swifttok_batch_count": (_sz, [_vp]),
    "swifttok_batch_ids": (_vp, [_vp, _szp]),
    "swifttok_batch_starts": (_vp, [_vp]),
    "swifttok_decode": (_st, [_vp, _vp, _sz, ctypes.c_int, _vp, _sz, _szp]),
    "swifttok_decode_batch": (_st, [_vp, _vp, _vp, _sz, ctypes.c_int, _sz, ctypes.POINTER(_vp)]),
    "swifttok_texts_free": (None, [_vp]),
    "swifttok_texts_count": (_sz, [_vp]),
    "swifttok_texts_get": (_vp, [_vp, _sz, _szp]),
    "swifttok_decode_stream_new": (_st, [_vp, ctypes.c_int, ctypes.POINTER(_vp)]),
    "swifttok_decode_stream_free": (None, [_vp]),
    "swifttok_decode_stream_step": (_st, [_vp, _u32, _vp, _sz, _szp]),
    # ABI 0.2
    "swifttok_tokenizer_get_truncation": (_st, [_vp, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(Truncation)]),
    "swifttok_tokenizer_get_padding": (_st, [_vp, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(Padding)]),
    "swifttok_encode_batch_flat": (_st, [_vp, ctypes.c_char_p, _vp, _sz, _u32, _sz, ctypes.POINTER(_vp)]),
    "swifttok_batch_attention_mask": (_vp, [_vp, _szp]),
    "swifttok_decode_stream_new_with_ids": (_st, [_vp, ctypes.c_int, _vp, _sz, ctypes.POINTER(_vp)]),
    "swifttok_decode_stream_step_ids": (_st, [_vp, _vp, _sz, _vp, _sz, _szp]),
    # n-best and sampling
    "swifttok_encode_nbest": (_st, [_vp, ctypes.c_char_p, _sz, _u32, _sz, ctypes.POINTER(_vp)]),
    "swifttok_nbest_free": (None, [_vp]),
    "swifttok_nbest_count": (_sz, [_vp]),
    "swifttok_nbest_encoding": (_vp, [_vp, _sz]),
    "swifttok_nbest_score": (ctypes.c_double, [_vp, _sz]),
    "swifttok_encode_sample": (_st, [_vp, ctypes.c_char_p, _sz, _u32, ctypes.c_double, ctypes.c_int64, ctypes.c_uint64,
                                     ctypes.POINTER(_vp)]),
}

# The short calls (swifttok_encode_ids_short, swifttok_count_tokens_short) are declared apart, without
# argtypes: ctypes then converts each argument by its Python type (measured cheapest: a byref() of a
# kept struct, a bytes object, two plain ints, the int result); argtypes add a converter call each.
_SHORT_CALLS = ("swifttok_encode_ids_short", "swifttok_count_tokens_short")

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_path: Optional[str] = None


def _repo_roots() -> Iterator[Path]:
    """Checkouts of the swifttok repository this package may belong to."""
    try:
        from ._build_config import REPO_ROOT  # Written by setup.py when installed from a checkout.
    except ImportError:
        REPO_ROOT = None
    if REPO_ROOT:
        yield Path(REPO_ROOT)
    # Run from the source tree (python/swifttok) or an editable install.
    for parent in Path(__file__).resolve().parents:
        if (parent / "Package.swift").is_file() and (parent / "include" / "swifttok.h").is_file():
            yield parent
            break


def _candidates() -> Iterator[str]:
    here = Path(__file__).resolve().parent / _LIBRARY_FILE
    if here.is_file():
        yield str(here)
    for root in _repo_roots():
        built = root / ".build" / "release" / _LIBRARY_FILE
        if built.is_file():
            yield str(built)
    found = ctypes.util.find_library("swifttok")
    yield found or _LIBRARY_FILE


def _declare(cdll: ctypes.CDLL) -> None:
    for name, (restype, argtypes) in _SIGNATURES.items():
        fn = getattr(cdll, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _open(path: str) -> ctypes.CDLL:
    cdll = ctypes.CDLL(path)
    _declare(cdll)
    version = cdll.swifttok_version_number()
    major, minor = version // 10000, version // 100 % 100
    if major != _ABI_MAJOR or minor < _ABI_MINOR:
        raise ImportError(
            f"{path} is swifttok {cdll.swifttok_version_string().decode()}; "
            f"this package needs the {_ABI_MAJOR}.{_ABI_MINOR}.x ABI or a later minor version")
    return cdll


def lib() -> ctypes.CDLL:
    """The loaded libswifttok: $SWIFTTOK_LIBRARY, else a copy inside the package, else the
    repository's .build/release build, else the system loader's search."""
    global _lib, _path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        explicit = os.environ.get("SWIFTTOK_LIBRARY")
        if explicit:
            # An explicit choice that fails must not silently fall back to another build.
            try:
                loaded = _open(explicit)
            except OSError as e:
                raise ImportError(f"SWIFTTOK_LIBRARY={explicit!r} could not be loaded: {e}") from e
            _path = explicit
        else:
            errors = []
            loaded = None
            for candidate in _candidates():
                try:
                    loaded = _open(candidate)
                except OSError as e:
                    errors.append(f"{candidate}: {e}")
                    continue
                _path = candidate
                break
            if loaded is None:
                raise ImportError(
                    "libswifttok not found; build it with `swift build -c release --product swifttok` "
                    "or set SWIFTTOK_LIBRARY. Tried: " + "; ".join(errors))
        _lib = loaded
        return loaded


_short_calls: dict = {}


def short_calls(gil: bool) -> Tuple[Any, Any]:
    """(swifttok_encode_ids_short, swifttok_count_tokens_short) as function objects returning
    ptrdiff_t, made once per process for each `gil`. gil=True: called with the GIL held
    (ctypes.PyDLL), which saves releasing and taking it back around a call of a microsecond, for
    short texts only (other threads wait meanwhile)."""
    fns = _short_calls.get(gil)
    if fns is None:
        cdll = lib()
        loaded = ctypes.PyDLL(_path, handle=cdll._handle) if gil else cdll
        made = []
        for name in _SHORT_CALLS:
            fn = loaded[name]  # Indexing makes a new function object: its declaration is its own.
            fn.restype = ctypes.c_ssize_t
            made.append(fn)
        fns = _short_calls.setdefault(gil, (made[0], made[1]))
    return fns


# The Python builtins of ABI 0.5 (swifttok_python_bind / swifttok_python_functions in swifttok.h):
# struct swifttok_python_api, field by field, with the CPython function each field takes.
_PYTHON_API_FUNCTIONS = [
    ("list_new", "PyList_New"), ("list_set_item", "PyList_SetItem"), ("list_size", "PyList_Size"),
    ("list_get_item", "PyList_GetItem"), ("tuple_new", "PyTuple_New"), ("tuple_set_item", "PyTuple_SetItem"),
    ("tuple_size", "PyTuple_Size"), ("tuple_get_item", "PyTuple_GetItem"), ("long_from_size_t", "PyLong_FromSize_t"),
    ("long_as_ssize_t", "PyLong_AsSsize_t"), ("unicode_as_utf8_and_size", "PyUnicode_AsUTF8AndSize"),
    ("unicode_from_string_and_size", "PyUnicode_FromStringAndSize"), ("object_is_true", "PyObject_IsTrue"),
    ("vectorcall", "PyObject_Vectorcall"), ("incref", "Py_IncRef"), ("decref", "Py_DecRef"),
    ("err_set_object", "PyErr_SetObject"), ("err_clear", "PyErr_Clear"), ("err_no_memory", "PyErr_NoMemory"),
    ("save_thread", "PyEval_SaveThread"), ("restore_thread", "PyEval_RestoreThread"),
    ("cfunction_new_ex", "PyCFunction_NewEx"), ("capsule_new", "PyCapsule_New"),
    ("capsule_get_pointer", "PyCapsule_GetPointer"),
]


# Fields the library may go without (NULL when this Python lacks them).
_PYTHON_API_OPTIONAL = [("gc_disable", "PyGC_Disable"), ("gc_enable", "PyGC_Enable"),
                        ("bytearray_from_string_and_size", "PyByteArray_FromStringAndSize"),
                        ("bytearray_as_string", "PyByteArray_AsString")]


class PythonAPI(ctypes.Structure):
    """struct swifttok_python_api."""

    _fields_ = [("size", ctypes.c_size_t), ("error_class", ctypes.c_void_p), ("keyword", ctypes.c_void_p),
                ("none", ctypes.c_void_p)] + \
        [(field, ctypes.c_void_p) for field, _ in _PYTHON_API_FUNCTIONS] + \
        [(field, ctypes.c_void_p) for field, _ in _PYTHON_API_OPTIONAL]


PYTHON_SHARED_INTS = 1 << 0
_KEYWORD = sys.intern("add_special_tokens")
# The PyDLL swifttok_python_functions once bound (None: not tried yet; False: unavailable).
_python_functions: Any = None
_python_unavailable = ""


def _bind_python() -> Any:
    """Hands the CPython API table to the library (once per process) and returns
    swifttok_python_functions as a PyDLL function (called with the GIL held), or False when this
    Python or library cannot have the builtins (not CPython, a library before ABI 0.5,
    SWIFTTOK_NATIVE=0): the package then uses its ctypes paths."""
    global _python_functions, _python_unavailable
    if _python_functions is not None:
        return _python_functions
    with _lock:
        if _python_functions is not None:
            return _python_functions
        reason = ""
        if os.environ.get("SWIFTTOK_NATIVE", "1") == "0":
            reason = "SWIFTTOK_NATIVE=0"
        elif sys.implementation.name != "cpython" or not hasattr(ctypes, "pythonapi"):
            reason = f"{sys.implementation.name} has no CPython API"
        elif sysconfig.get_config_var("Py_GIL_DISABLED"):
            # The builtins rely on the GIL (a per-tokenizer buffer and int table used while it is held).
            reason = "a free-threaded CPython build"
        else:
            cdll = lib()
            if cdll.swifttok_version_number() < 500 or not hasattr(cdll, "swifttok_python_bind"):
                reason = f"the library is ABI {cdll.swifttok_version_string().decode()} (the builtins need 0.5)"
        if not reason:
            try:
                api = PythonAPI(size=ctypes.sizeof(PythonAPI), error_class=id(SwiftTokError), keyword=id(_KEYWORD),
                                none=id(None))
                for field, name in _PYTHON_API_FUNCTIONS:
                    setattr(api, field, ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value)
                for field, name in _PYTHON_API_OPTIONAL:  # The library uses a pair only when both are set.
                    if hasattr(ctypes.pythonapi, name):
                        setattr(api, field, ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value)
                py = ctypes.PyDLL(_path, handle=lib()._handle)
                bind = py.swifttok_python_bind
                bind.restype, bind.argtypes = ctypes.c_int, [ctypes.POINTER(PythonAPI)]
                status = bind(ctypes.byref(api))
                if status != 0:
                    reason = f"swifttok_python_bind: status {status}: {last_error(lib())}"
            except (AttributeError, OSError) as e:
                reason = f"binding the CPython API failed: {e}"
        if reason:
            _python_unavailable = reason
            _python_functions = False
        else:
            fn = py.swifttok_python_functions
            fn.restype, fn.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.py_object, ctypes.c_uint32]
            _python_functions = fn
        return _python_functions


def python_functions(handle: int, fallbacks: Tuple[Any, ...]) -> Optional[Tuple[Any, ...]]:
    """(encode_ids, count_tokens, encode_batch_ids, encode) builtins on the C tokenizer `handle`, which they
    keep alive, or None when the builtins are unavailable (see python_functions_unavailable())."""
    make = _bind_python()
    if not make:
        return None
    # Shared ints unless turned off (benchmarks and tests compare): SWIFTTOK_SHARED_INTS=0.
    options = 0 if os.environ.get("SWIFTTOK_SHARED_INTS", "1") == "0" else PYTHON_SHARED_INTS
    # A py_object result is taken as a new reference (ctypes' GetResult), as the library returns it.
    return make(handle, fallbacks, options)


def python_functions_unavailable() -> str:
    """Why the builtins are not used ("" when they are, or when not tried yet)."""
    _bind_python()
    return _python_unavailable


def library_path() -> str:
    """The path (or loader name) of the libswifttok in use."""
    lib()
    assert _path is not None
    return _path


def last_error(cdll: ctypes.CDLL) -> str:
    """The calling thread's last swifttok error message."""
    raw = cdll.swifttok_last_error()
    return raw.decode("utf-8", "replace") if raw else ""


def check(cdll: ctypes.CDLL, status: int) -> None:
    """Raises SwiftTokError for a failed status. ctypes runs the call and this check on the
    same OS thread, so the thread-local message belongs to this call."""
    if status != 0:
        raise SwiftTokError(status, last_error(cdll))


def fail(status: Status, message: str) -> SwiftTokError:
    """A SwiftTokError for a problem found before calling the library."""
    return SwiftTokError(status, message)
