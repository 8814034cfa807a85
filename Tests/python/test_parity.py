"""swifttok through Python against tokenizers 0.23.3 on real vocabularies: every Encoding field,
decode, batch and streaming, over corpus paragraphs and random strings."""
import pytest
from tokenizers.decoders import DecodeStream as RefDecodeStream

import swifttok
from conftest import TOKENIZERS_FILES, load_pair, random_strings, reference_specials

FIELDS = ("ids", "tokens", "offsets", "type_ids", "attention_mask", "special_tokens_mask", "word_ids")

_cache = {}


def setup(name, paragraphs):
    if name not in _cache:
        ours, ref = load_pair(name)
        texts = list(paragraphs) + random_strings(reference_specials(ref))
        _cache[name] = (ours, ref, texts)
    return _cache[name]


def assert_same_encoding(got, want, text, where=""):
    for field in FIELDS:
        g, w = getattr(got, field), getattr(want, field)
        if g != w:
            i = next((k for k, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
            pytest.fail(f"{where}{field} differ at {i} for {text[:200]!r}: ours {g[i:i + 5]} ref {w[i:i + 5]} "
                        f"(lengths {len(g)} vs {len(w)})")
    assert len(got.overflowing) == len(want.overflowing), f"{where}overflowing count for {text[:200]!r}"
    for k, (g, w) in enumerate(zip(got.overflowing, want.overflowing)):
        assert_same_encoding(g, w, text, f"{where}overflowing[{k}].")


@pytest.fixture(params=sorted(TOKENIZERS_FILES))
def vocab(request, paragraphs):
    return setup(request.param, paragraphs)


def test_encode_fields(vocab):
    ours, ref, texts = vocab
    want = ref.encode_batch(texts)
    for text, w in zip(texts, want):
        assert_same_encoding(ours.encode(text), w, text)


def test_encode_without_special_tokens(vocab):
    ours, ref, texts = vocab
    want = ref.encode_batch(texts, add_special_tokens=False)
    for text, w in zip(texts, want):
        assert_same_encoding(ours.encode(text, add_special_tokens=False), w, text)


def test_pairs(vocab):
    ours, ref, texts = vocab
    pairs = list(zip(texts[:400], texts[400:800]))
    want = ref.encode_batch(pairs)
    got = ours.encode_batch(pairs, return_encodings=True)
    for (a, b), g, w in zip(pairs, got, want):
        assert_same_encoding(ours.encode(a, b), w, a + " || " + b)
        assert_same_encoding(g, w, a + " || " + b)


def test_decode(vocab):
    ours, ref, texts = vocab
    id_lists = [e.ids for e in ref.encode_batch(texts)]
    for skip in (True, False):
        want = ref.decode_batch(id_lists, skip_special_tokens=skip)
        assert ours.decode_batch(id_lists, skip_special_tokens=skip) == want
        for ids, w in zip(id_lists, want):
            assert ours.decode(ids, skip_special_tokens=skip) == w, ids


def test_batch_equals_single_and_reference(vocab):
    ours, ref, texts = vocab
    want = [e.ids for e in ref.encode_batch(texts)]
    assert ours.encode_batch(texts) == want
    assert ours.encode_batch(texts, num_threads=1) == want
    assert [ours.encode(t).ids for t in texts[:300]] == want[:300]
    assert [e.ids for e in ours.encode_batch(texts[:300], return_encodings=True)] == want[:300]
    want_plain = [e.ids for e in ref.encode_batch(texts, add_special_tokens=False)]
    assert ours.encode_batch(texts, add_special_tokens=False) == want_plain
    assert [ours.count_tokens(t) for t in texts] == [len(w) for w in want]
    assert [ours.encode_ids(t) for t in texts] == want
    assert [ours.encode_ids(t, add_special_tokens=False) for t in texts] == want_plain


def test_pipelined_batch_lists(vocab, monkeypatch):
    """Large batches are encoded in chunks while earlier chunks become lists: the same ids as one call."""
    ours, ref, texts = vocab
    want = [e.ids for e in ref.encode_batch(texts)]
    monkeypatch.setattr(swifttok.Tokenizer, "_PIPELINE_BYTES", 1)
    monkeypatch.setattr(swifttok.Tokenizer, "_CHUNK_MIN", 3000)
    monkeypatch.setattr(swifttok.Tokenizer, "_CHUNK_MAX", 3000)  # Many chunks, some of one text.
    assert ours.encode_batch(texts) == want
    assert ours.encode_batch(texts, num_threads=1) == want
    want_plain = [e.ids for e in ref.encode_batch(texts, add_special_tokens=False)]
    assert ours.encode_batch(texts, add_special_tokens=False, num_threads=2) == want_plain


def test_numpy_batch(vocab):
    np = pytest.importorskip("numpy")
    ours, ref, texts = vocab
    want = [e.ids for e in ref.encode_batch(texts)]
    flat = ours.encode_batch_numpy(texts)
    assert flat.ids.dtype == np.uint32 and flat.offsets.dtype == np.int64
    assert len(flat.offsets) == len(texts) + 1
    assert [flat.ids[flat.offsets[i]:flat.offsets[i + 1]].tolist() for i in range(len(texts))] == want
    again = ours.encode_batch(texts[:50], return_numpy=True)
    assert again.ids.tolist() == [i for w in want[:50] for i in w]


def test_streaming_decode(vocab):
    ours, ref, texts = vocab
    for skip in (False, True):
        for text in texts[:150] + texts[-150:]:
            ids = ref.encode(text).ids
            ref_stream, our_stream = RefDecodeStream(skip_special_tokens=skip), swifttok.DecodeStream(skip_special_tokens=skip)
            bound = ours.decode_stream(skip_special_tokens=skip)
            want = [ref_stream.step(ref, i) for i in ids]
            assert [our_stream.step(ours, i) for i in ids] == want, text[:200]
            assert [bound.step(i) for i in ids] == want, text[:200]


def test_count_tokens_up_to(vocab):
    ours, ref, texts = vocab
    for text in texts[:300]:
        enc = ref.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        for limit in (0, 1, n // 2, n, n + 3):
            budget = ours.count_tokens_up_to(text, limit, add_special_tokens=False)
            assert budget.count == min(n, limit)
            if n <= limit:
                assert budget.end == len(text) and budget.byte_end == len(text.encode())
            elif limit:
                # tokenizers gives a token that ends inside a character that character's full span.
                ref_end = max(e for _, e in enc.offsets[:limit])
                assert budget.end <= ref_end and len(text[budget.end:ref_end]) <= 1, (text[:100], limit)
                if text.isascii():
                    assert budget.end == ref_end == budget.byte_end


def test_vocabulary_lookups(vocab):
    ours, ref, _ = vocab
    assert ours.get_vocab_size() == ref.get_vocab_size()
    for token, id in list(ref.get_vocab().items())[:3000]:
        assert ours.token_to_id(token) == id
        assert ours.id_to_token(id) == ref.id_to_token(id)
    assert ours.token_to_id("definitely not a token ∰∰") is None
    assert ours.id_to_token(ref.get_vocab_size() + 1000) is None


def test_streaming_decode_with_prefill(vocab):
    ours, ref, texts = vocab
    for text in texts[:60] + texts[-60:]:
        ids = ref.encode(text).ids
        k = len(ids) // 2
        ref_stream = RefDecodeStream(ids=ids[:k], skip_special_tokens=False)
        our_stream = swifttok.DecodeStream(ids=ids[:k], skip_special_tokens=False)
        want = [ref_stream.step(ref, i) for i in ids[k:]]
        assert [our_stream.step(ours, i) for i in ids[k:]] == want, text[:200]


def test_streaming_decode_with_lists(vocab):
    ours, ref, texts = vocab
    for text in texts[:40] + texts[-60:]:
        ids = ref.encode(text).ids
        chunks = [ids[i:i + 3] for i in range(0, len(ids), 3)]
        ref_stream, our_stream = RefDecodeStream(), swifttok.DecodeStream()
        want = [ref_stream.step(ref, c) for c in chunks]
        assert [our_stream.step(ours, c) for c in chunks] == want, text[:200]
