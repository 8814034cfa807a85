"""The bundled encoder (issue 6) through the release CLI: `swifttok embed` against the model's reference
embeddings, and `swifttok roundtrip` (token -> embedding row -> nearest row -> token) over the whole
vocabulary and over the English and multilingual corpora, with decode(ids) checked against the text as
`tokenizers` itself normalizes it."""
import json
import subprocess

import numpy as np
import pytest

from oracle.paths import CORPORA, SHARED

MODEL = SHARED / "models" / "all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def model(shared):
    if not (MODEL / "model.safetensors").is_file():
        pytest.skip(f"model not found at {MODEL} (expected ../shared/models/all-MiniLM-L6-v2)")
    return MODEL


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, **kw)
    assert p.returncode in (0, 2), f"{argv[:3]} failed ({p.returncode}): {p.stderr.decode()[-2000:]}"
    return p


def corpus_files():
    files = []
    for sub in ("en", "multi"):
        files += sorted(p for p in (CORPORA / sub).rglob("*") if p.is_file())
    return files


def test_embed_cli_matches_reference(swifttok, model):
    items = json.loads((model / "reference" / "embeddings.json").read_text())["items"]
    texts = [it["text"] for it in items]
    out = run([swifttok, "embed", "--model", str(model)], input="\n".join(texts).encode()).stdout.decode().splitlines()
    ids = run([swifttok, "embed", "--model", str(model), "--ids", *texts]).stdout.decode().splitlines()
    assert len(out) == len(ids) == 15
    for it, line, id_line in zip(items, out, ids):
        assert json.loads(id_line) == it["input_ids"], it["text"]
        got, ref = np.array(json.loads(line)), np.array(it["sentence_embedding"])
        assert np.abs(got - ref).max() <= 1e-5, it["text"]
        assert got @ ref / np.linalg.norm(got) / np.linalg.norm(ref) >= 0.99999, it["text"]


def test_embed_cli_errors(swifttok, model, tmp_path):
    p = subprocess.run([swifttok, "embed", "--model", str(tmp_path), "x"], capture_output=True)
    assert p.returncode != 0 and b"cannot load model" in p.stderr
    p = subprocess.run([swifttok, "embed", "--model", str(model), "--pooling", "median", "x"], capture_output=True)
    assert p.returncode != 0 and b"unknown pooling" in p.stderr


@pytest.fixture(scope="module")
def roundtrip(swifttok, model, tmp_path_factory):
    """One `swifttok roundtrip` over the vocabulary and the corpora: (summary, corpus files, decoded lines)."""
    files = corpus_files()
    assert files, f"no corpora under {CORPORA}"
    decoded_path = tmp_path_factory.mktemp("roundtrip") / "decoded.jsonl"
    p = run([swifttok, "roundtrip", "--model", str(model), "--decoded-out", str(decoded_path), *map(str, files)])
    return json.loads(p.stdout), files, [json.loads(x) for x in decoded_path.read_bytes().splitlines()]


def test_vocabulary_round_trip(roundtrip):
    summary = roundtrip[0]["vocab"]
    print("vocabulary round trip:", json.dumps(summary))
    assert summary["rows"] == 30522
    # Every id's row is nearest to itself: no two rows of the table are equal.
    assert summary["collisions"] == [] and summary["round_trip_ok"] == 30522
    # The closest distinct rows (squared L2 ~0.05; the median row's nearest other is ~0.97) are rows that training
    # barely touched: [unused*] tokens, rare CJK/fullwidth '##' pieces, rare single characters (IPA,
    # Armenian...), and a few words such as '...' that BertPreTokenizer can never produce (it splits
    # punctuation). The margin dwarfs float32 rounding (~1e-5).
    assert summary["min_margin"] > 0.01
    untrained = summary["of_which_unused"] + summary["of_which_continuation"] + summary["of_which_single_character"]
    assert untrained >= 0.95 * summary["rows_with_a_neighbour_within_0.1"]


def test_text_round_trip_and_decode(roundtrip, model):
    from tokenizers import Tokenizer

    summary, files, decoded = roundtrip[0]["text"], roundtrip[1], roundtrip[2]
    print("text round trip:", json.dumps(summary))
    assert summary["lines_failed"] == 0 and summary["lines_round_trip_ok"] == summary["lines"]

    lines = []
    for f in files:
        parts = f.read_bytes().split(b"\n")
        if parts and parts[-1] == b"":
            parts.pop()
        lines += [x.decode("utf-8") for x in parts]
    assert len(decoded) == len(lines) == summary["lines"]

    ref = Tokenizer.from_file(str(model / "tokenizer.json"))
    normalizer, pre, wordpiece = ref.normalizer, ref.pre_tokenizer, ref.model
    exact = with_unk = 0
    bad = []
    for line, got in zip(lines, decoded):
        normalized = normalizer.normalize_str(line)
        # decode joins pieces with spaces (and glues '##' pieces): without spaces it is the normalized text
        if got.replace(" ", "") == normalized.replace(" ", ""):
            exact += 1
            continue
        # ...except words the model maps to [UNK] (a special token, so decode skips it).
        kept = "".join(w for w, _ in pre.pre_tokenize_str(normalized)
                       if [t.value for t in wordpiece.tokenize(w)] != ["[UNK]"])
        if got.replace(" ", "") == kept:
            with_unk += 1
        else:
            bad.append((line[:80], got[:80]))
    print(f"decode == normalized text: {exact} lines; {with_unk} more once [UNK] words are dropped; {len(bad)} differ")
    assert not bad, bad[:5]
