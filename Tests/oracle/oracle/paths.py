"""Where the repository, ../shared and the swifttok binary are."""
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("SWIFTTOK_SHARED", REPO.parent / "shared")).resolve()
VOCAB = SHARED / "vocab"
CORPORA = SHARED / "corpora"
TESTVECTORS = SHARED / "testvectors"


def shared_missing_reason():
    """Why tests that read ../shared cannot run, or None when it is there."""
    if not VOCAB.is_dir() or not CORPORA.is_dir():
        return f"shared data not found at {SHARED} (expected ../shared beside the checkout); parity tests need it"
    return None


def swifttok_binary():
    """The swifttok executable: $SWIFTTOK, then PATH, then the release/debug build products."""
    env = os.environ.get("SWIFTTOK")
    if env:
        return env
    found = shutil.which("swifttok")
    if found:
        return found
    for config in ("release", "debug"):
        cand = REPO / ".build" / config / "swifttok-cli"
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    return None
