"""The corpora split into documents.

Definition: every file under corpora/ (sorted paths) is read as UTF-8 and cut into documents that
concatenate back to the file exactly. A document ends after a blank line (a paragraph with its
trailing newlines), or earlier when adding the next line would make it longer than MAX_DOC_BYTES
UTF-8 bytes; a single line longer than that is cut at character boundaries into pieces of at most
MAX_DOC_BYTES bytes. So every byte of every file is in exactly one document.
"""
from pathlib import Path

from .paths import CORPORA

MAX_DOC_BYTES = 4096


def _cut_long_line(line, limit):
    out, cur, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit and cur:
            out.append("".join(cur))
            cur, size = [], 0
        cur.append(ch)
        size += n
    if cur:
        out.append("".join(cur))
    return out


def split_documents(text, limit=MAX_DOC_BYTES):
    """Cut text into documents as described in the module docstring."""
    docs, cur, size = [], [], 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i < len(lines) - 1:
            line += "\n"
        if not line:
            continue
        n = len(line.encode("utf-8"))
        if n > limit:
            if cur:
                docs.append("".join(cur))
                cur, size = [], 0
            docs.extend(_cut_long_line(line, limit))
            continue
        if size + n > limit and cur:
            docs.append("".join(cur))
            cur, size = [], 0
        cur.append(line)
        size += n
        if line == "\n" and size > 1:
            docs.append("".join(cur))
            cur, size = [], 0
    if cur:
        docs.append("".join(cur))
    return docs


def corpus_files(group=None):
    """Sorted corpus files, optionally only one group (en, multi, code)."""
    root = CORPORA if group is None else CORPORA / group
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def load_documents(group=None, limit=MAX_DOC_BYTES):
    """All documents of the corpora (or of one group), with every byte covered; checked here."""
    docs = []
    for path in corpus_files(group):
        text = path.read_bytes().decode("utf-8")
        parts = split_documents(text, limit)
        if "".join(parts) != text:
            raise AssertionError(f"document split lost bytes of {path}")
        docs.extend(parts)
    return docs
