"""swifttok.Embedder (the bundled BERT encoder through the C ABI's embedding calls) against the
model's reference embeddings (../shared/models/all-MiniLM-L6-v2/reference/embeddings.json, a
float64 numpy forward pass of the real model) and, for the ids, Hugging Face tokenizers on the
model's tokenizer.json; and its errors."""
import json
import math
import threading

import pytest

import swifttok
from conftest import SHARED, corpus_paragraphs, random_strings, require
from swifttok import Status, SwiftTokError

MODEL = SHARED / "models" / "all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def embedder():
    require(MODEL / "model.safetensors")
    return swifttok.Embedder.from_dir(MODEL)


@pytest.fixture(scope="module")
def reference():
    return json.loads(require(MODEL / "reference" / "embeddings.json").read_text(encoding="utf-8"))["items"]


def max_diff(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


def cosine(a, b):
    ab = sum(x * y for x, y in zip(a, b))
    return ab / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_reference_embeddings(embedder, reference):
    assert embedder.dimension == 384 and embedder.max_length == 256
    texts = [item["text"] for item in reference]
    assert len(texts) == 15
    for threads in (1, 2):
        got = embedder.embed(texts, num_threads=threads)
        assert len(got) == 15
        for item, vector in zip(reference, got):
            want = item["sentence_embedding"]
            assert len(vector) == len(want) == 384
            assert max_diff(vector, want) <= 1e-5, item["text"]
            assert cosine(vector, want) >= 0.99999, item["text"]
    # One text alone gives one vector; the reference ids give the same vectors.
    assert max_diff(embedder.embed(texts[3]), reference[3]["sentence_embedding"]) <= 1e-5
    from_ids = embedder.embed_ids([item["input_ids"] for item in reference])
    for a, b in zip(from_ids, got):
        assert max_diff(a, b) <= 1e-6


def test_numpy_output(embedder, reference):
    np = pytest.importorskip("numpy")
    texts = [item["text"] for item in reference]
    arr = embedder.embed(texts, return_numpy=True)
    assert arr.shape == (15, 384) and arr.dtype == np.float32
    want = np.array([item["sentence_embedding"] for item in reference], dtype=np.float64)
    assert np.abs(arr - want).max() <= 1e-5
    assert np.allclose(np.linalg.norm(arr, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([], return_numpy=True).shape == (0, 384)
    assert embedder.embed_ids([item["input_ids"] for item in reference], return_numpy=True).shape == (15, 384)


def test_the_ids_the_model_sees(embedder, reference):
    """The embedder's tokenizer: the reference's input_ids, and tokenizers' ids (truncated to
    max_length, special tokens added) on corpus paragraphs and random strings."""
    import tokenizers

    tok = embedder.tokenizer
    for item in reference:
        assert tok.encode_ids(item["text"]) == item["input_ids"]
    ref = tokenizers.Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    ref.no_padding()
    ref.enable_truncation(max_length=256)
    texts = corpus_paragraphs(300, seed=41) + random_strings(count=200, seed=42)
    want = [e.ids for e in ref.encode_batch(texts)]
    assert [tok.encode_ids(t) for t in texts] == want
    assert max(map(len, want)) == 256  # Some paragraphs are truncated.
    # Long texts are embedded from their first 256 tokens, as their ids say.
    long_texts = [t for t, w in zip(texts, want) if len(w) == 256][:3]
    a = embedder.embed(long_texts)
    b = embedder.embed_ids([tok.encode_ids(t) for t in long_texts])
    for x, y in zip(a, b):
        assert max_diff(x, y) <= 1e-6


def test_empty_and_threads(embedder):
    assert embedder.embed([]) == []
    assert embedder.embed_ids([]) == []
    empty = embedder.embed("")  # "[CLS] [SEP]"
    assert abs(math.sqrt(sum(x * x for x in empty)) - 1) < 1e-4
    assert empty == embedder.embed_ids([embedder.tokenizer.encode_ids("")])[0]
    texts = ["What is Deep Learning?", "hello world", "The quick brown fox."] * 3
    want = embedder.embed(texts, num_threads=1)
    results = [None] * 4

    def run(k):
        results[k] = embedder.embed(texts, num_threads=1)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == want for r in results)


def test_errors(embedder, tmp_path):
    with pytest.raises(SwiftTokError) as e:
        swifttok.Embedder.from_dir(tmp_path / "missing")
    assert e.value.status == Status.IO
    (tmp_path / "config.json").write_text('{"hidden_size": "big"}')
    with pytest.raises(SwiftTokError) as e:
        swifttok.Embedder.from_dir(tmp_path)
    assert e.value.status == Status.MALFORMED and "hidden_size" in e.value.message
    with pytest.raises(SwiftTokError) as e:
        embedder.embed(["ok", "\ud800"])
    assert e.value.status == Status.INVALID_UTF8
    with pytest.raises(SwiftTokError) as e:
        embedder.embed_ids([[101, 10 ** 6, 102]])
    assert e.value.status == Status.OUT_OF_RANGE and "1000000" in e.value.message
    with pytest.raises(SwiftTokError) as e:
        embedder.embed_ids([[]])
    assert e.value.status == Status.INVALID_ARGUMENT
    with pytest.raises(SwiftTokError) as e:
        embedder.embed_ids([[1000] * 257])
    assert e.value.status == Status.INVALID_ARGUMENT and "1...256" in e.value.message
    with pytest.raises(SwiftTokError) as e:
        embedder.embed_ids([[101, -1]])
    assert e.value.status == Status.INVALID_ARGUMENT
    with pytest.raises(SwiftTokError):
        embedder.embed(["a"], num_threads=-1)
    with pytest.raises((SwiftTokError, TypeError)):
        embedder.embed([3])
