"""cl100k_base.tiktoken through the Python package against tiktoken (ids and decoded text)."""
import pytest

import swifttok
from conftest import TIKTOKEN_FILES, random_strings, require


@pytest.fixture(scope="module")
def pair():
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken_ext import openai_public

    path = require(TIKTOKEN_FILES["cl100k_base"])
    original = openai_public.load_tiktoken_bpe

    def local(url, expected_hash=None):
        # openai_public names its download URL; read the same file from ../shared instead.
        return original(str(path), expected_hash=expected_hash)

    openai_public.load_tiktoken_bpe = local
    try:
        enc = tiktoken.Encoding(**openai_public.cl100k_base())
    finally:
        openai_public.load_tiktoken_bpe = original
    return swifttok.Tokenizer.from_file(path), enc


def test_ids_and_decode(pair, paragraphs):
    ours, enc = pair
    texts = list(paragraphs) + random_strings(sorted(enc.special_tokens_set))
    # A tiktoken file has no post-processor: special tokens in the text are matched, none added.
    want = enc.encode_batch(texts, allowed_special="all")
    assert ours.encode_batch(texts) == want
    assert ours.encode_batch(texts, add_special_tokens=False, num_threads=1) == want
    for text, w in zip(texts, want):
        assert ours.encode(text).ids == w, text[:200]
        assert ours.count_tokens(text) == len(w)
        assert ours.encode_ids(text) == w, text[:200]
        assert ours.encode_ids(text.encode()) == w  # bytes in: the same short-call path
    # The ids of a whole text decode back to that text (tiktoken agrees).
    assert ours.decode_batch(want, skip_special_tokens=False) == [enc.decode(w) for w in want]
    # Distinct tokens, as tokenizers counts; tiktoken's n_vocab is the largest id + 1 (cl100k has
    # unused ids 100261-100275 before <|endofprompt|>).
    assert ours.get_vocab_size() == len(enc._mergeable_ranks) + len(enc._special_tokens)


def test_streaming_decode_concatenates_to_decode(pair, paragraphs):
    ours, enc = pair
    for text in list(paragraphs[:100]) + random_strings(count=200, seed=3):
        ids = enc.encode(text, disallowed_special=())
        stream = ours.decode_stream()
        pieces = [stream.step(i) for i in ids]
        assert "".join(p for p in pieces if p is not None) == enc.decode(ids) == text


def test_short_call_paths(pair, paragraphs, monkeypatch):
    """encode_ids and count_tokens through each of their paths against tiktoken: the GIL held
    (short texts), the GIL released (longer ones), the size_t call kept for texts beyond the
    int32_t length of the short calls, and a per-thread buffer grown past its first 256 ids."""
    from swifttok import _tokenizer

    _, enc = pair
    long_text = "\n\n".join(paragraphs[:60])
    texts = [long_text, paragraphs[0], "", "<|endoftext|> after a special token", long_text.encode()]
    want = [enc.encode(t if isinstance(t, str) else t.decode(), allowed_special="all") for t in texts]
    assert len(long_text.encode()) > _tokenizer._GIL_HELD_MAX and len(want[0]) > 256
    for gil_max, short_max in [(_tokenizer._GIL_HELD_MAX, _tokenizer._SHORT_MAX), (0, _tokenizer._SHORT_MAX), (0, 0)]:
        monkeypatch.setattr(_tokenizer, "_GIL_HELD_MAX", gil_max)
        monkeypatch.setattr(_tokenizer, "_SHORT_MAX", short_max)
        fresh = swifttok.Tokenizer.from_file(require(TIKTOKEN_FILES["cl100k_base"]))  # Fresh buffers.
        for text, w in zip(texts, want):
            assert fresh.encode_ids(text) == w
            assert fresh.count_tokens(text) == len(w)
        for call in (fresh.encode_ids, fresh.count_tokens):
            with pytest.raises(swifttok.SwiftTokError) as e:
                call(b"ok \xff")
            assert e.value.status == swifttok.Status.INVALID_UTF8
