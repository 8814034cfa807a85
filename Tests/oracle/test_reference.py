"""Checks of the oracle itself (no swifttok needed): the reference libraries reproduce the published
vectors with the pairings test_published.py uses, the document split covers every byte, and the three
gpt2 serializations give identical reference output."""
import pytest

from oracle.corpus import corpus_files, load_documents, split_documents
from oracle.reference import load_tokenizer, tiktoken_encoding
from oracle.paths import VOCAB
from test_published import CASES


def test_document_split_rules():
    text = "a\nb\n\nc\n" + "x" * 5000 + "\n" + "é" * 3000
    docs = split_documents(text, 4096)
    assert "".join(docs) == text
    assert docs[0] == "a\nb\n\n"
    assert all(len(d.encode()) <= 4096 for d in docs)


def test_corpora_split_covers_every_byte(shared):
    docs = load_documents()   # raises when a file's documents do not concatenate back to it
    total = sum(p.stat().st_size for p in corpus_files())
    assert sum(len(d.encode("utf-8")) for d in docs) == total
    assert max(len(d.encode("utf-8")) for d in docs) <= 4096


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_reference_reproduces_published(case, shared):
    label, load, rel, special = case
    cases = load()
    if rel.endswith((".tiktoken", ".model")):
        name = "llama3" if rel.startswith("llama3") else rel.split("/")[0]
        enc = tiktoken_encoding(name)
        got = [enc.encode(t, allowed_special="all") for t, _ in cases]
    else:
        tok = load_tokenizer(VOCAB / rel)
        got = [e.ids for e in tok.encode_batch([t for t, _ in cases], add_special_tokens=special)]
    assert got == [ids for _, ids in cases], label


def test_gpt2_serializations_agree(vocabs, vector_texts):
    from oracle.reference import encoding_dict
    files = vocabs["gpt2"].files
    assert len(files) == 3
    refs = [load_tokenizer(p) for _, p in files]
    outs = [[encoding_dict(e) for e in t.encode_batch(vector_texts)] for t in refs]
    assert outs[0] == outs[1] == outs[2]
