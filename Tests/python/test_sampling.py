"""N-best and sampled encodings through the C ABI (`Tokenizer.encode_nbest`, `encode_sample`) on
SentencePiece `.model` files, against the `sentencepiece` library: identical n-best ids, pieces and
scores; seeded samples that follow the exact distribution p ∝ exp(alpha · score) over
sentencepiece's own n-best list (chi-square); status codes for misuse. Needs ../shared."""
import math

import pytest

import swifttok
from swifttok import Status, SwiftTokError
from conftest import VOCAB, corpus_paragraphs, require

UNIGRAM = {"t5": "t5/spiece.model", "xlnet-base-cased": "xlnet-base-cased/spiece.model",
           "spm-test-ja": "sentencepiece-test/test_ja_model.model"}
TEXTS = ["", " ", "a", "Hello world", "  New   York ", "ｈｅｌｌｏ①", "中文字 ☃ x", "€€ €"]
N_SAMPLES = 3000
P_FLOOR = 1e-4  # seeded, so the outcome is fixed; a wrong distribution lands far below this


def _pair(path):
    import sentencepiece as spm
    p = str(require(VOCAB / path))
    return swifttok.Tokenizer.from_file(p), spm.SentencePieceProcessor(model_file=p)


@pytest.mark.parametrize("name", list(UNIGRAM))
def test_nbest_matches_sentencepiece(name):
    tok, sp = _pair(UNIGRAM[name])
    lines = [l[:300] for p in corpus_paragraphs(60) for l in p.split("\n") if l.strip()][:120]
    bad = []
    for k in (1, 5):
        for t in TEXTS + lines:
            got = [(e.ids, e.tokens, s) for e, s in tok.encode_nbest(t, k)]
            ref = [([p.id for p in n.pieces], [p.piece for p in n.pieces], n.score)
                   for n in sp.nbest_encode(t, nbest_size=k, return_type="proto").nbests]
            if len(got) != len(ref) or any(a[:2] != b[:2] or abs(a[2] - b[2]) > 1e-6 * max(1, abs(b[2]))
                                           for a, b in zip(got, ref)):
                bad.append(f"k={k} {t[:80]!r}: swifttok {[g[0] for g in got][:3]} sentencepiece {[r[0] for r in ref][:3]}")
    assert not bad, f"{len(bad)} n-best lists differ:\n" + "\n".join(bad[:5])


def test_nbest_offsets_in_characters():
    tok, sp = _pair(UNIGRAM["t5"])
    text = "Größe ①"
    (e, _), = tok.encode_nbest(text, 1)
    assert e.ids == sp.encode(text)
    # Each piece's span, in characters, covers the text without gaps.
    ref = sp.encode(text, return_type="offset_mapping", return_bytes=True)["offsets"]
    data = text.encode("utf-8")
    assert e.offsets == [(len(data[:a].decode("utf-8")), len(data[:b].decode("utf-8"))) for a, b in ref]


@pytest.mark.parametrize("name,text,alpha", [("t5", "Hello world", 0.2), ("xlnet-base-cased", "New York", 0.3)])
def test_sample_nbest_distribution(name, text, alpha):
    """nbest_size 3: samples over sentencepiece's 3 best, p ∝ exp(alpha · score); 3 cells, so the
    chi-square survival function with 2 degrees of freedom is exactly exp(-x/2)."""
    tok, sp = _pair(UNIGRAM[name])
    ref = sp.nbest_encode(text, nbest_size=3, return_type="proto").nbests
    assert len(ref) == 3
    logs = [alpha * n.score for n in ref]
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    probs = {tuple(p.id for p in n.pieces): w / sum(weights) for n, w in zip(ref, weights)}
    assert min(probs.values()) * N_SAMPLES >= 5, probs
    counts = {}
    for seed in range(N_SAMPLES):
        ids = tuple(tok.encode_sample(text, alpha, nbest_size=3, seed=seed).ids)
        assert ids in probs, f"sample {ids} is not one of sentencepiece's 3 best"
        counts[ids] = counts.get(ids, 0) + 1
    stat = sum((counts.get(k, 0) - p * N_SAMPLES) ** 2 / (p * N_SAMPLES) for k, p in probs.items())
    assert math.exp(-stat / 2) > P_FLOOR, (counts, probs)


def test_sample_seeded_and_degenerate():
    tok, sp = _pair(UNIGRAM["t5"])
    text = "Subword regularization samples segmentations."
    a = [tok.encode_sample(text, 0.1, seed=s).ids for s in range(50)]
    assert a == [tok.encode_sample(text, 0.1, seed=s).ids for s in range(50)]  # same seed, same sample
    assert len(set(map(tuple, a))) > 1  # the whole lattice at alpha 0.1 is far from one segmentation
    for ids in a:
        assert sp.decode(ids) == sp.decode(sp.encode(text))
    assert tok.encode_sample(text, 0.1, nbest_size=1, seed=3).ids == sp.encode(text)


def test_sample_bpe_model_dropout():
    """A BPE .model: alpha is the merge dropout; 0 is the plain encoding, 1 leaves no merges."""
    tok, sp = _pair("llama2/tokenizer.model")
    text = "Hello world, subword dropout"
    assert tok.encode_sample(text, 0.0, seed=1).ids == sp.encode(text)
    assert tok.encode_sample(text, 1.0, seed=1).ids == sp.encode(text, enable_sampling=True, alpha=1.0, nbest_size=-1)
    with pytest.raises(SwiftTokError) as e:
        tok.encode_nbest(text, 2)
    assert e.value.status == Status.UNSUPPORTED


def test_misuse_statuses():
    tok, _ = _pair(UNIGRAM["t5"])
    for call in (lambda: tok.encode_nbest("x", 0), lambda: tok.encode_nbest("x", 513),
                 lambda: tok.encode_sample("x", float("nan")), lambda: tok.encode_sample("x", -0.5),
                 lambda: tok.encode_sample("x", 0.1, nbest_size=513), lambda: tok.encode_sample("x", 0.1, nbest_size=-2)):
        with pytest.raises(SwiftTokError) as e:
            call()
        assert e.value.status == Status.INVALID_ARGUMENT, e.value
    bpe = swifttok.Tokenizer.from_file(str(require(VOCAB / "gpt2" / "tokenizer.json")))
    for call in (lambda: bpe.encode_nbest("x", 2), lambda: bpe.encode_sample("x", 0.1)):
        with pytest.raises(SwiftTokError) as e:
            call()
        assert e.value.status == Status.UNSUPPORTED, e.value
