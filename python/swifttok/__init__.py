"""swifttok: exact, fast tokenization (Hugging Face tokenizer.json and tiktoken files) over libswifttok.

    from swifttok import Tokenizer
    tok = Tokenizer.from_file("tokenizer.json")
    tok.encode("Hello world").ids
"""

from ._native import Status, SwiftTokError, SwiftTokMemoryError, library_path
from ._tokenizer import DecodeStream, Encoding, FlatBatch, TokenBudget, Tokenizer
from ._embedder import Embedder

__version__ = "0.6.0"


def library_version() -> str:
    """The version string of the loaded libswifttok."""
    from ._native import lib

    return lib().swifttok_version_string().decode()


__all__ = [
    "Tokenizer", "Embedder", "Encoding", "DecodeStream", "FlatBatch", "TokenBudget", "SwiftTokError", "SwiftTokMemoryError", "Status",
    "library_path", "library_version", "__version__",
]
