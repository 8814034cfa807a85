"""pytest setup for the Python package: where ../shared is, the test texts, and reference loaders.

Expected values come from the reference libraries (tokenizers 0.23.3, tiktoken) run on the same
files and texts; nothing is compared with swifttok's own earlier output."""
import os
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _shared_dir():
    env = os.environ.get("SWIFTTOK_SHARED")
    if env:
        return Path(env)
    # The main checkout sits beside ../shared; worktrees one level deeper (wt/<name>).
    for candidate in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (candidate / "vocab").is_dir():
            return candidate
    return REPO.parent / "shared"


SHARED = _shared_dir()
VOCAB = SHARED / "vocab"
CORPORA = SHARED / "corpora"

# Reference-library vocabularies compared field by field.
TOKENIZERS_FILES = {
    "gpt2": VOCAB / "gpt2" / "tokenizer.json",
    "bert-base-uncased": VOCAB / "bert-base-uncased" / "tokenizer.json",
    "roberta-base": VOCAB / "roberta-base" / "tokenizer.json",
    "llama3": VOCAB / "llama3" / "tokenizer.json",
}
TIKTOKEN_FILES = {"cl100k_base": VOCAB / "cl100k_base" / "cl100k_base.tiktoken"}

CORPUS_PARAGRAPHS = 2500
RANDOM_STRINGS = 600
MAX_PARAGRAPH_CHARS = 3000


def require(path):
    """Skips (with a message) when a ../shared file is absent."""
    if not Path(path).is_file():
        pytest.skip(f"{path} not found (tests that use ../shared need it beside the checkout; set SWIFTTOK_SHARED)")
    return path


def corpus_paragraphs(count=CORPUS_PARAGRAPHS, seed=20240611):
    """A deterministic sample of paragraphs (blank-line separated) from every corpus file."""
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} not found (corpus tests need ../shared)")
    paragraphs = []
    for path in sorted(p for p in CORPORA.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        for p in text.split("\n\n"):
            if p.strip():
                paragraphs.append(p[:MAX_PARAGRAPH_CHARS])
    rng = random.Random(seed)
    rng.shuffle(paragraphs)
    return paragraphs[:count]


_PIECES = [
    "hello", "World", "naïve", "café", "Ünïcödé", "straße", "ﬁ", "e\u0301", "ǅ", "İstanbul", "ß",
    "日本語", "中文字符", "한국어", "ﾊﾝｶｸ", "Привет", "مرحبا", "नमस्ते", "ไทย", "עברית",
    "👍", "👍🏽", "👨‍👩‍👧", "🇫🇷", "🤖", "\u200b", "\ufeff", "\u00a0", "\u3000", "\x00", "\x0b", "\x7f", "\u2028",
    " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n ",
    "'s", "'ll", "'VE", "don't", "I'm", "...", "!!", "?", "--", "(", ")", "[", "]", "{", "}", "<", ">", "|",
    "0", "42", "1234567", "3.14", "1,000", "$5", "#tag", "@user", "a_b", "x=1;", "def f():", "http://x.org/a?b=c",
    "Ā", "ǰ", "ᾼ", "Ω", "Å", "K", "ﷺ", "㍿", "①", "⁵", "½",
]


def random_strings(specials=(), count=RANDOM_STRINGS, seed=7):
    """Random mixes of scripts, emoji, white space, punctuation, digits and the vocabulary's
    special-token strings (with and without surrounding spaces)."""
    rng = random.Random(seed)
    pieces = list(_PIECES) + [s for s in specials] + [f" {s} " for s in specials]
    out = ["", " ", "\n", "a", "  leading and trailing  "]
    while len(out) < count:
        n = rng.randint(1, 40)
        parts = []
        for _ in range(n):
            r = rng.random()
            if r < 0.6:
                parts.append(rng.choice(pieces))
            elif r < 0.8:
                parts.append(" ")
            else:
                parts.append(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2fff),
                                             rng.randint(0x3000, 0xd7ff), rng.randint(0xe000, 0xfffd),
                                             rng.randint(0x10000, 0x1faff)])))
        out.append("".join(parts))
    return out


@pytest.fixture(scope="session")
def paragraphs():
    return corpus_paragraphs()


def load_pair(name):
    """(swifttok.Tokenizer, tokenizers.Tokenizer) for one of TOKENIZERS_FILES."""
    import swifttok
    import tokenizers

    path = str(require(TOKENIZERS_FILES[name]))
    return swifttok.Tokenizer.from_file(path), tokenizers.Tokenizer.from_file(path)


def reference_specials(ref, limit=30):
    """Added-token strings of a tokenizers.Tokenizer."""
    return sorted(t.content for t in ref.get_added_tokens_decoder().values())[:limit]
