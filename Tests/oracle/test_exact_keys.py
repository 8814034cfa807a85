"""Token texts are compared exactly (by Unicode scalars, as Rust's String), never by Swift's
canonical equivalence: a vocabulary, added tokens and template special tokens that hold canonically
equivalent but distinct strings ("é" U+00E9 and "e" + U+0301; "Å" U+00C5, U+212B and "A" + U+030A)
keep every one of them distinct, as `tokenizers` does. Self-contained: the tokenizers are built here
with `tokenizers` itself, which is the reference for every expected id, token, offset and size."""
import json
import subprocess

import pytest
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

E_ACUTE, E_COMBINING = "\u00e9", "e\u0301"
A_RING, ANGSTROM, A_COMBINING = "\u00c5", "\u212b", "A\u030a"
WORDS = ["caf" + E_ACUTE, "caf" + E_COMBINING, E_ACUTE, E_COMBINING, "hello", "world", "##" + E_ACUTE,
         "##" + E_COMBINING, "caf", "[UNK]", "[CLS]", "[SEP]"]
TEXTS = [
    f"caf{E_ACUTE} caf{E_COMBINING} hello",
    f"{E_ACUTE} {E_COMBINING} {A_RING} {ANGSTROM} {A_COMBINING}",
    f"hello{A_RING}world{ANGSTROM}hello{A_COMBINING}",
    f"[{A_RING}] [{ANGSTROM}] x{E_COMBINING}y",
    "",
]


def word_level():
    vocab = {w: i for i, w in enumerate(WORDS)}
    t = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    t.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return t


def word_piece():
    vocab = {w: i for i, w in enumerate(WORDS)}
    t = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    # The BERT pipeline without accent stripping or lowercasing: swifttok's WordPiece fast path.
    t.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False,
                                              lowercase=False)
    t.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    t.decoder = decoders.WordPiece()
    return t


def with_added_tokens(t):
    t.add_tokens([AddedToken(A_RING, normalized=False), AddedToken(ANGSTROM, normalized=False),
                  AddedToken(A_COMBINING, normalized=True)])
    t.add_special_tokens([AddedToken(f"[{A_RING}]"), AddedToken(f"[{ANGSTROM}]")])
    n = len(WORDS)
    t.post_processor = processors.TemplateProcessing(
        single=f"[{A_RING}] $A [{ANGSTROM}]", pair=f"[{A_RING}] $A [{ANGSTROM}] $B:1 [{A_RING}]:1",
        special_tokens=[(f"[{A_RING}]", n + 3), (f"[{ANGSTROM}]", n + 4)])
    return t


BUILDERS = {"wordlevel": word_level, "wordpiece": word_piece}


def swifttok_encode(swifttok, path, items):
    stdin = "".join(json.dumps({"text": a, "pair": b} if b is not None else a) + "\n" for a, b in items)
    run = subprocess.run([swifttok, "encode", "--tokenizer", str(path), "--jsonl"], input=stdin,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_equivalent_tokens_stay_distinct(name, swifttok, tmp_path):
    ref = with_added_tokens(BUILDERS[name]())
    path = tmp_path / "tokenizer.json"
    ref.save(str(path))
    # The reference itself keeps them apart (else this test would prove nothing).
    assert len({ref.token_to_id(w) for w in (A_RING, ANGSTROM, A_COMBINING)}) == 3
    assert ref.get_vocab_size() == len(WORDS) + 5
    items = [(t, None) for t in TEXTS] + [(TEXTS[0], TEXTS[1]), (TEXTS[2], TEXTS[3])]
    got = swifttok_encode(swifttok, path, items)
    assert len(got) == len(items)
    for (a, b), g in zip(items, got):
        e = ref.encode(a, b) if b is not None else ref.encode(a)
        assert g["ids"] == e.ids, (a, b)
        assert g["tokens"] == e.tokens, (a, b)
        assert [tuple(o) for o in g["offsets"]] == e.offsets, (a, b)
        assert g["type_ids"] == e.type_ids, (a, b)
    # Round trip through swifttok's own writer keeps every entry.
    saved = tmp_path / "saved.json"
    run = subprocess.run([swifttok, "save", str(path), str(saved)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    again = Tokenizer.from_file(str(saved))
    assert again.get_vocab() == ref.get_vocab()
    assert json.loads(again.to_str())["post_processor"] == json.loads(ref.to_str())["post_processor"]
