"""`swifttok encode --jsonl --ids-only` on tokenizer.json files: one compact JSON array of ids per
line, the ids `tokenizers` gives (with and without special tokens, and through the general path for
pairs and truncation); a bad line is an error object in its place. Needs ../shared. (The `.model`
files are checked on every corpus document in test_sentencepiece.py.)"""
import orjson
import pytest

from oracle.cli import jsonl_text, run_once
from oracle.paths import VOCAB

# A WordPiece vocabulary whose post-processor adds [CLS]/[SEP], and a byte-level BPE one.
NAMES = ["bert-base-uncased", "roberta-base"]
DOC_STRIDE = 128  # ~1,000 documents per vocabulary: about a second each


def _tokenizer(name):
    from tokenizers import Tokenizer
    return Tokenizer.from_file(str(VOCAB / name / "tokenizer.json"))


def _ids_only(swifttok, name, lines, *extra):
    code, out, err = run_once(swifttok, ["encode", "--tokenizer", str(VOCAB / name / "tokenizer.json"), "--jsonl",
                                         "--ids-only", *extra], b"".join(lines), timeout=600)
    assert code == 0, err.decode("utf-8", "replace")[-2000:]
    return out.split(b"\n")[:-1]


def _compare(got_lines, ref_ids):
    assert len(got_lines) == len(ref_ids)
    for k, (line, ids) in enumerate(zip(got_lines, ref_ids)):
        assert line == orjson.dumps(ids), f"document {k}: swifttok {line[:300]!r}, tokenizers {ids[:40]}"


@pytest.mark.parametrize("special", [True, False], ids=["special", "no-special"])
@pytest.mark.parametrize("name", NAMES)
def test_ids_only_documents(name, special, shared, swifttok, documents):
    docs = documents[::DOC_STRIDE]
    ref = [e.ids for e in _tokenizer(name).encode_batch(docs, add_special_tokens=special)]
    got = _ids_only(swifttok, name, [jsonl_text(d) for d in docs], *([] if special else ["--no-special-tokens"]))
    _compare(got, ref)


@pytest.mark.parametrize("name", NAMES)
def test_ids_only_pairs_and_truncation(name, shared, swifttok, documents):
    """Pairs and truncation take the general pipeline; the lines are still just the ids."""
    docs = documents[1:2000:40]
    pairs = list(zip(docs, docs[1:] + docs[:1]))
    tok = _tokenizer(name)
    ref = [e.ids for e in tok.encode_batch(pairs)]
    _compare(_ids_only(swifttok, name, [jsonl_text(p) for p in pairs]), ref)
    tok.enable_truncation(max_length=24)
    ref = [e.ids for e in tok.encode_batch(docs)]
    _compare(_ids_only(swifttok, name, [jsonl_text(d) for d in docs], "--truncate", "24"), ref)


def test_ids_only_bad_line(shared, swifttok):
    """A line that is not a JSON string or object is an error object in its place; the others are ids."""
    tok = _tokenizer("bert-base-uncased")
    got = _ids_only(swifttok, "bert-base-uncased", [b'"hello world"\n', b"{oops\n", b'"again"\n'])
    assert len(got) == 3
    assert got[0] == orjson.dumps(tok.encode("hello world").ids)
    assert "error" in orjson.loads(got[1])
    assert got[2] == orjson.dumps(tok.encode("again").ids)


def test_ids_only_arguments(shared, swifttok):
    """Without --jsonl: one line of ids per TEXT argument."""
    tok = _tokenizer("bert-base-uncased")
    code, out, err = run_once(swifttok, ["encode", "--tokenizer", str(VOCAB / "bert-base-uncased" / "tokenizer.json"),
                                         "--ids-only", "Hello, world!", "Second text"])
    assert code == 0, err.decode("utf-8", "replace")
    assert out == orjson.dumps(tok.encode("Hello, world!").ids) + b"\n" + orjson.dumps(tok.encode("Second text").ids) + b"\n"
