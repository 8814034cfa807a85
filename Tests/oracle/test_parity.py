"""Encode/decode parity of swifttok with tokenizers and tiktoken: 100% identical or the test fails
with the vocabulary, the input (truncated) and the first differing position."""
import random
import time
import zlib

import orjson
import pytest

from oracle import summary
from oracle.cli import SwiftTokProcess, jsonl_ids, jsonl_text
from oracle.parity import Config, run_parity
from oracle.randtext import random_pairs, random_texts
from oracle.vocabs import BYTE_LEVEL_NAMES, TOKENIZERS_NAMES, VOCAB_NAMES, nfc, tiktoken_reference, tokenizers_reference

N_RANDOM = 10_000      # random single strings per vocabulary
N_PAIRS = 3_000        # random pairs per tokenizers vocabulary
N_DECODE_RANDOM = 2_000


def _seed(name, salt):
    return zlib.crc32(f"{name}/{salt}".encode())


def _check(report, note=None):
    summary.NOTES.append(f"  {note or report.vocab + ' ' + report.input_set}: {report.compared} comparisons "
                         f"in {report.seconds:.1f} s")
    assert report.ok, "\n" + report.text()


def _configs(v, extra=()):
    return [Config(label, ["encode", "--tokenizer", str(path), "--jsonl", *extra]) for label, path in v.files]


@pytest.mark.parametrize("name", VOCAB_NAMES)
def test_corpora(name, vocabs, documents, swifttok):
    """Every corpus document, default settings (special tokens added), all output fields."""
    v = vocabs[name]
    if v.kind == "tokenizers":
        ref, mode = tokenizers_reference(v.tok, add_special=True), "encoding"
    else:
        ref, mode = tiktoken_reference(v.enc), "ids"
    _check(run_parity(swifttok, "corpora", documents, jsonl_text, _configs(v), ref, mode))


@pytest.mark.parametrize("name", VOCAB_NAMES)
def test_testvectors(name, vocabs, vector_texts, swifttok):
    """Every testvectors input, with and without special tokens."""
    v = vocabs[name]
    if v.kind == "tokenizers":
        _check(run_parity(swifttok, "testvectors", vector_texts, jsonl_text, _configs(v),
                          tokenizers_reference(v.tok, add_special=True), "encoding"))
        _check(run_parity(swifttok, "testvectors (no specials)", vector_texts, jsonl_text,
                          _configs(v, ["--no-special-tokens"]),
                          tokenizers_reference(v.tok, add_special=False), "encoding"))
    else:
        # tiktoken files have no template: both settings must give encode(allowed_special="all").
        configs = _configs(v) + _configs(v, ["--no-special-tokens"])
        _check(run_parity(swifttok, "testvectors", vector_texts, jsonl_text, configs,
                          tiktoken_reference(v.enc), "ids"))


@pytest.mark.parametrize("name", VOCAB_NAMES)
def test_random(name, vocabs, swifttok):
    """10,000 seeded random strings (single), and 3,000 pairs, with and without special tokens;
    also the batch path with 2 threads and UTF-8 byte offsets."""
    v = vocabs[name]
    texts = random_texts(_seed(name, "single"), N_RANDOM, v.specials(), extra=getattr(v, "sp_text", False))
    if v.kind == "tiktoken":
        configs = _configs(v) + _configs(v, ["--no-special-tokens"]) + _configs(v, ["--batch", "--threads", "2"])
        _check(run_parity(swifttok, "random", texts, jsonl_text, configs, tiktoken_reference(v.enc), "ids"))
        return
    _check(run_parity(swifttok, "random", texts, jsonl_text,
                      _configs(v) + _configs(v, ["--batch", "--threads", "2"]),
                      tokenizers_reference(v.tok, add_special=True), "encoding"))
    _check(run_parity(swifttok, "random (no specials)", texts, jsonl_text, _configs(v, ["--no-special-tokens"]),
                      tokenizers_reference(v.tok, add_special=False), "encoding"))
    pairs = random_pairs(_seed(name, "pair"), N_PAIRS, v.specials())
    _check(run_parity(swifttok, "random pairs", pairs, jsonl_text, _configs(v),
                      tokenizers_reference(v.tok, add_special=True), "encoding"))
    _check(run_parity(swifttok, "random pairs (no specials)", pairs, jsonl_text,
                      _configs(v, ["--no-special-tokens"]),
                      tokenizers_reference(v.tok, add_special=False), "encoding"))
    mixed = texts[:2000] + pairs[:1000]
    _check(run_parity(swifttok, "random (byte offsets)", mixed, jsonl_text, _configs(v, ["--offsets", "byte"]),
                      tokenizers_reference(v.tok, add_special=True, byte_offsets=True), "encoding"))


# (CLI args, truncation kwargs or None, padding kwargs or None, batch, add_special)
def _trunc_pad_settings(pad_token, pad_id):
    pid, ptok = ["--pad-id", str(pad_id), "--pad-token", pad_token], dict(pad_id=pad_id, pad_token=pad_token)
    return [
        (["--truncate", "16"], dict(max_length=16), None, False, True),
        (["--truncate", "32", "--stride", "4"], dict(max_length=32, stride=4), None, False, True),
        (["--truncate", "20", "--stride", "3", "--truncation-direction", "left"],
         dict(max_length=20, stride=3, direction="left"), None, False, True),
        (["--truncate", "24", "--truncation-strategy", "only_first", "--truncation-direction", "left"],
         dict(max_length=24, strategy="only_first", direction="left"), None, False, True),
        (["--truncate", "24", "--truncation-strategy", "only_second"],
         dict(max_length=24, strategy="only_second"), None, False, True),
        (["--pad-length", "64", "--pad-direction", "left", *pid], None,
         dict(length=64, direction="left", **ptok), False, True),
        (["--pad-longest", "--pad-multiple", "16", *pid], None, dict(pad_to_multiple_of=16, **ptok), False, True),
        (["--batch", "--pad-longest", "--pad-multiple", "8", *pid], None,
         dict(pad_to_multiple_of=8, **ptok), True, True),
        (["--truncate", "40", "--stride", "8", "--pad-length", "40", *pid], dict(max_length=40, stride=8),
         dict(length=40, **ptok), False, True),
        (["--batch", "--truncate", "24", "--truncation-direction", "left", "--pad-longest", "--pad-direction",
          "left", *pid], dict(max_length=24, direction="left"), dict(direction="left", **ptok), True, True),
        (["--no-special-tokens", "--truncate", "10", "--pad-length", "12", *pid], dict(max_length=10),
         dict(length=12, **ptok), False, False),
    ]


@pytest.mark.parametrize("name", TOKENIZERS_NAMES)
def test_truncation_padding(name, vocabs, documents, swifttok):
    """Truncation (strategies, directions, stride/overflowing) and padding (fixed, longest, multiple,
    direction, batch) on a sample of random singles, pairs and corpus documents."""
    v = vocabs[name]
    rng = random.Random(_seed(name, "trunc"))
    items = (random_texts(_seed(name, "trunc-single"), 200, v.specials())
             + random_pairs(_seed(name, "trunc-pair"), 200, v.specials())
             + rng.sample(documents, 40) + [tuple(rng.sample(documents, 2)) for _ in range(20)])
    tok = v.tok
    failures = []
    start = time.time()
    for args, trunc, pad, batch, special in _trunc_pad_settings(*v.pad):
        tok.no_truncation()
        tok.no_padding()
        if trunc:
            tok.enable_truncation(**trunc)
        if pad:
            tok.enable_padding(**pad)
        try:
            rep = run_parity(swifttok, "truncation/padding", items, jsonl_text, _configs(v, args),
                             tokenizers_reference(tok, add_special=special, batch_mode=batch),
                             "encoding", chunk=len(items))
        finally:
            tok.no_truncation()
            tok.no_padding()
        if not rep.ok:
            failures.append(rep.text())
    summary.NOTES.append(f"  {name} truncation/padding: {time.time() - start:.1f} s")
    assert not failures, "\n" + "\n".join(failures)


def _decode_inputs(v, vector_texts):
    texts = random_texts(_seed(v.name, "single"), 3000, v.specials()) + vector_texts[:3000]
    rng = random.Random(_seed(v.name, "decode"))
    if v.kind == "tokenizers":
        ids = [e.ids for e in v.tok.encode_batch(texts, add_special_tokens=True)]
        valid = sorted(v.tok.get_vocab(with_added_tokens=True).values())
    else:
        ids = v.enc.encode_batch(texts, allowed_special="all", num_threads=2)
        valid = sorted(set(v.enc._mergeable_ranks.values()) | set(v.enc._special_tokens.values()))
    ids += [[rng.choice(valid) for _ in range(rng.randint(0, 40))] for _ in range(N_DECODE_RANDOM)]
    return ids


@pytest.mark.parametrize("name", VOCAB_NAMES)
def test_decode(name, vocabs, vector_texts, swifttok):
    """ids -> text for reference encodings and random id sequences, skipping special tokens (default)
    and keeping them."""
    v = vocabs[name]
    ids = _decode_inputs(v, vector_texts)
    path = str(v.files[0][1])
    if v.kind == "tokenizers":
        def ref(skip):
            return lambda batch: v.tok.decode_batch(batch, skip_special_tokens=skip)
    else:
        special = set(v.enc._special_tokens.values())

        def ref(skip):
            if skip:
                return lambda batch: [v.enc.decode([i for i in b if i not in special]) for b in batch]
            return lambda batch: [v.enc.decode(b) for b in batch]
    configs = [Config(label, ["decode", "--tokenizer", str(p), "--jsonl"]) for label, p in v.files]
    _check(run_parity(swifttok, "decode", ids, jsonl_ids, configs, ref(True), "decode"))
    configs = [Config(label, ["decode", "--tokenizer", str(p), "--jsonl", "--keep-special-tokens"])
               for label, p in v.files]
    _check(run_parity(swifttok, "decode (keep specials)", ids, jsonl_ids, configs, ref(False), "decode"))
    del path


@pytest.mark.parametrize("name", BYTE_LEVEL_NAMES)
def test_byte_level_round_trip(name, vocabs, vector_texts, swifttok):
    """Property: decoding swifttok's byte-level BPE encoding (no template specials, specials kept on
    decode) gives back the input exactly (NFC inputs for NFC-normalizing vocabularies)."""
    v = vocabs[name]
    texts = random_texts(_seed(name, "single"), N_RANDOM, v.specials()) + vector_texts
    if v.nfc:
        texts = [nfc(t) for t in texts]
    # Added tokens with lstrip/rstrip (RoBERTa's <mask>) swallow the white space beside them by
    # design, in tokenizers too: the property holds only for texts without them.
    stripping = [t.content for t in getattr(v, "tok", None).get_added_tokens_decoder().values()
                 if t.lstrip or t.rstrip] if getattr(v, "tok", None) is not None else []
    texts = [t for t in texts if not any(s in t for s in stripping)]
    path = str(v.files[0][1])
    enc = SwiftTokProcess(swifttok, ["encode", "--tokenizer", path, "--jsonl", "--no-special-tokens"],
                          [jsonl_text(t) for t in texts])
    ids = []
    try:
        for i, t in enumerate(texts):
            line = enc.readline()
            assert line is not None, f"swifttok encode stopped at input #{i}: {enc.finish()}"
            ids.append(orjson.loads(line).get("ids"))
        assert enc.finish()[0] == 0
    finally:
        enc.kill()
    bad = [i for i, x in enumerate(ids) if x is None]
    assert not bad, f"swifttok encode gave errors for {len(bad)} inputs, first {texts[bad[0]]!r}"
    rep = run_parity(swifttok, "byte-level round trip", ids, jsonl_ids,
                     [Config(v.files[0][0], ["decode", "--tokenizer", path, "--jsonl", "--keep-special-tokens"])],
                     lambda batch, _it=iter(texts): [next(_it) for _ in batch], "decode")
    _check(rep)
