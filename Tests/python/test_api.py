"""The Python API itself: loading, errors, truncation and padding (against tokenizers), threads."""
import json
import os
import subprocess
import sys
import threading

import pytest
import tokenizers

import swifttok
from swifttok import Status, SwiftTokError
from conftest import TOKENIZERS_FILES, corpus_paragraphs, load_pair, random_strings, require


@pytest.fixture(scope="module")
def bert():
    return load_pair("bert-base-uncased")


@pytest.fixture(scope="module")
def gpt2_path():
    return str(require(TOKENIZERS_FILES["gpt2"]))


def tiny_json():
    """A small WordLevel tokenizer.json written by tokenizers itself (needs no ../shared)."""
    from tokenizers import models, pre_tokenizers

    vocab = {"[UNK]": 0, "[PAD]": 1, "hello": 2, "world": 3, "!": 4}
    tok = tokenizers.Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return tok.to_str()


# -- loading ----------------------------------------------------------------------------------

def test_from_str_and_buffer_match_reference():
    text = tiny_json()
    ref = tokenizers.Tokenizer.from_str(text)
    for ours in (swifttok.Tokenizer.from_str(text), swifttok.Tokenizer.from_buffer(text.encode())):
        for s in ("hello world!", "hello there", "", "  world  hello "):
            got, want = ours.encode(s), ref.encode(s)
            assert (got.ids, got.tokens, got.offsets, got.word_ids) == (want.ids, want.tokens, want.offsets, want.word_ids)
        assert ours.get_vocab_size() == ref.get_vocab_size()
        assert ours.decode([2, 3, 4]) == ref.decode([2, 3, 4])


def test_library_is_found():
    assert os.path.exists(swifttok.library_path())
    assert swifttok.library_version() == swifttok.__version__


def test_bad_library_path_raises_import_error():
    code = "import swifttok; swifttok.Tokenizer.from_str('{}')"
    env = dict(os.environ, SWIFTTOK_LIBRARY="/nonexistent/libswifttok.so")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SWIFTTOK_LIBRARY" in result.stderr


# -- errors -----------------------------------------------------------------------------------

def raises(status, fn, *args, **kwargs):
    with pytest.raises(SwiftTokError) as info:
        fn(*args, **kwargs)
    assert info.value.status == status, info.value
    assert info.value.message, "the library's message must be carried"
    return info.value


def test_load_errors(tmp_path):
    e = raises(Status.IO, swifttok.Tokenizer.from_file, tmp_path / "missing.json")
    assert "missing.json" in str(e)
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": {"type": "BPE", "vocab": ')
    raises(Status.MALFORMED, swifttok.Tokenizer.from_file, bad)
    raises(Status.MALFORMED, swifttok.Tokenizer.from_str, "{not json")
    raises(Status.MALFORMED, swifttok.Tokenizer.from_buffer, b"")
    broken = json.loads(tiny_json())
    broken["model"]["vocab"] = "not an object"
    raises(Status.MALFORMED, swifttok.Tokenizer.from_str, json.dumps(broken))
    unknown = json.loads(tiny_json())
    unknown["model"]["type"] = "NoSuchModel"
    with pytest.raises(SwiftTokError) as info:
        swifttok.Tokenizer.from_str(json.dumps(unknown))
    assert info.value.status in (Status.UNSUPPORTED, Status.MALFORMED)
    raises(Status.INVALID_ARGUMENT, swifttok.Tokenizer.from_file, "a\0b")
    with pytest.raises(TypeError):
        swifttok.Tokenizer.from_buffer("a str is not bytes")


def test_errors_pickle_with_their_status(tmp_path):
    """A library error crosses process boundaries (multiprocessing, concurrent.futures) intact."""
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    from swifttok import SwiftTokMemoryError

    e = raises(Status.IO, swifttok.Tokenizer.from_file, tmp_path / "missing.json")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is SwiftTokError and back.status == Status.IO
    assert back.message == e.message and str(back) == str(e)
    memory = SwiftTokError(Status.OUT_OF_MEMORY, "out of memory: a test")
    assert type(memory) is SwiftTokMemoryError
    back = pickle.loads(pickle.dumps(memory))
    assert type(back) is SwiftTokMemoryError and isinstance(back, MemoryError) and str(back) == str(memory)
    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(SwiftTokError) as info:
            pool.submit(swifttok.Tokenizer.from_file, str(tmp_path / "missing.json")).result()
    assert info.value.status == Status.IO and "missing.json" in str(info.value)


def test_argument_errors():
    tok = swifttok.Tokenizer.from_str(tiny_json())
    raises(Status.INVALID_UTF8, tok.encode, b"\xff\xfe")
    raises(Status.INVALID_UTF8, tok.encode, "lone \ud800 surrogate")
    raises(Status.INVALID_UTF8, tok.encode_batch, ["fine", b"\xc3"])
    raises(Status.INVALID_UTF8, tok.count_tokens, b"\x80")
    raises(Status.INVALID_ARGUMENT, tok.encode_batch, ["a"], num_threads=-1)
    raises(Status.INVALID_ARGUMENT, tok.count_tokens_up_to, "a", -1)
    raises(Status.INVALID_ARGUMENT, tok.enable_truncation, 4, stride=4)
    raises(Status.INVALID_ARGUMENT, tok.enable_truncation, -1)
    raises(Status.INVALID_ARGUMENT, tok.enable_truncation, 8, strategy="bogus")
    raises(Status.INVALID_ARGUMENT, tok.enable_truncation, 8, direction="up")
    raises(Status.INVALID_ARGUMENT, tok.enable_padding, direction="up")
    raises(Status.INVALID_ARGUMENT, tok.enable_padding, pad_id=-1)
    raises(Status.INVALID_ARGUMENT, tok.enable_padding, pad_id=2**32)
    raises(Status.INVALID_ARGUMENT, tok.enable_padding, pad_token="a\0b")
    raises(Status.UNSUPPORTED, tok.encode, "a", is_pretokenized=True)
    raises(Status.UNSUPPORTED, tok.get_vocab_size, with_added_tokens=False)
    raises(Status.UNSUPPORTED, tok.encode_batch, [("a", "b")])
    raises(Status.INVALID_ARGUMENT, tok.encode_batch, [("a", "b", "c")], return_encodings=True)
    assert tok.truncation is None and tok.padding is None  # Failed calls changed nothing.
    with pytest.raises(TypeError):
        tok.encode(["pre", "tokenized"])


def test_pipelined_batch_errors_and_padding(monkeypatch):
    """The chunked batch path raises what the one-call path raises, and is not taken with padding
    (padding is to the longest of the whole batch)."""
    tok = swifttok.Tokenizer.from_str(tiny_json())
    ref = tokenizers.Tokenizer.from_str(tiny_json())
    texts = ["hello world !"] * 50 + ["world"] * 50 + ["hello " * 30]
    monkeypatch.setattr(swifttok.Tokenizer, "_PIPELINE_BYTES", 1)
    monkeypatch.setattr(swifttok.Tokenizer, "_CHUNK_MIN", 64)
    monkeypatch.setattr(swifttok.Tokenizer, "_CHUNK_MAX", 64)
    assert tok.encode_batch(texts, num_threads=1) == [e.ids for e in ref.encode_batch(texts)]
    bad = texts[:80] + [b"ok \xc3"] + texts[80:]
    with pytest.raises(SwiftTokError) as chunked:
        tok.encode_batch(bad)
    monkeypatch.setattr(swifttok.Tokenizer, "_PIPELINE_BYTES", 1 << 40)
    with pytest.raises(SwiftTokError) as whole:
        tok.encode_batch(bad)
    assert chunked.value.status == whole.value.status == Status.INVALID_UTF8
    assert str(chunked.value) == str(whole.value)
    monkeypatch.setattr(swifttok.Tokenizer, "_PIPELINE_BYTES", 1)
    for t in (tok, ref):
        t.enable_padding(pad_id=1, pad_token="[PAD]")
    got = tok.encode_batch(texts, num_threads=1)
    assert got == [e.ids for e in ref.encode_batch(texts)]
    assert len({len(ids) for ids in got}) == 1  # All padded to the longest of the whole batch.


def test_bad_ids():
    tok = swifttok.Tokenizer.from_str(tiny_json())
    raises(Status.INVALID_ARGUMENT, tok.decode, [2, -1])
    raises(Status.INVALID_ARGUMENT, tok.decode, [2**32])
    raises(Status.INVALID_ARGUMENT, tok.decode_batch, [[2], [-5]])
    raises(Status.INVALID_ARGUMENT, tok.id_to_token, -1)
    raises(Status.INVALID_ARGUMENT, tok.id_to_token, 2**40)
    stream = tok.decode_stream()
    raises(Status.INVALID_ARGUMENT, stream.step, -1)
    raises(Status.INVALID_ARGUMENT, swifttok.DecodeStream().step, 2)  # No tokenizer to decode with.
    other = swifttok.Tokenizer.from_str(tiny_json())
    raises(Status.INVALID_ARGUMENT, stream.step, other, 2)
    with pytest.raises(TypeError):
        tok.decode([1.5])
    # Unknown (but representable) ids are skipped, as tokenizers does.
    ref = tokenizers.Tokenizer.from_str(tiny_json())
    assert tok.decode([2, 10**6, 3]) == ref.decode([2, 10**6, 3])
    assert tok.id_to_token(10**6) is None and ref.id_to_token(10**6) is None


def test_numpy_ids_input(bert):
    np = pytest.importorskip("numpy")
    ours, ref = bert
    ids = ref.encode("Numpy arrays of ids decode too.").ids
    for dtype in (np.int64, np.uint32, np.int32):
        assert ours.decode(np.array(ids, dtype=dtype)) == ref.decode(ids)
    raises(Status.INVALID_ARGUMENT, ours.decode, np.array([-1], dtype=np.int64))
    raises(Status.INVALID_ARGUMENT, ours.decode, np.array([[1, 2]], dtype=np.int64))


# -- truncation and padding against tokenizers --------------------------------------------------

SETTINGS = [
    ({"max_length": 12}, None),
    ({"max_length": 12, "stride": 3}, None),
    ({"max_length": 10, "stride": 2, "strategy": "only_first"}, None),
    ({"max_length": 10, "strategy": "only_second"}, None),
    ({"max_length": 9, "stride": 1, "direction": "left"}, None),
    (None, {}),
    (None, {"length": 24}),
    (None, {"direction": "left", "pad_id": 7, "pad_type_id": 1, "pad_token": "[PAD]", "pad_to_multiple_of": 8}),
    ({"max_length": 12, "stride": 2}, {"pad_to_multiple_of": 5}),
    ({"max_length": 16}, {"length": 20, "direction": "left"}),
]


@pytest.mark.parametrize("truncation,padding", SETTINGS)
def test_truncation_and_padding(bert, truncation, padding):
    import swifttok as st
    from test_parity import assert_same_encoding

    path = str(TOKENIZERS_FILES["bert-base-uncased"])
    ours, ref = st.Tokenizer.from_file(path), tokenizers.Tokenizer.from_file(path)
    for tok in (ours, ref):
        if truncation is not None:
            tok.enable_truncation(**truncation)
        if padding is not None:
            tok.enable_padding(**padding)
    assert ours.truncation == ref.truncation and ours.padding == ref.padding
    texts = corpus_paragraphs(200, seed=5)[:60] + ["short", "", "two words"] + random_strings(count=40, seed=9)
    singles = texts
    pairs = list(zip(texts[:40], texts[40:80]))
    if truncation is None or truncation.get("strategy") not in ("only_first", "only_second"):
        for text in singles:
            assert_same_encoding(ours.encode(text), ref.encode(text), text)
        got = ours.encode_batch(singles, return_encodings=True)
        for text, g, w in zip(singles, got, ref.encode_batch(singles)):
            assert_same_encoding(g, w, text, "batch: ")
        assert ours.encode_batch(singles) == [e.ids for e in ref.encode_batch(singles)]
        np = pytest.importorskip("numpy")
        flat = ours.encode_batch_numpy(singles[:30])
        assert flat.ids.tolist() == [i for e in ref.encode_batch(singles[:30]) for i in e.ids]
    for a, b in pairs:
        try:
            want = ref.encode(a, b)
        except Exception as e:  # tokenizers refuses some pair/strategy combinations: so must we.
            with pytest.raises(SwiftTokError):
                ours.encode(a, b)
            continue
        assert_same_encoding(ours.encode(a, b), want, a + " || " + b)


def test_settings_from_file_survive_reconfiguration(tmp_path):
    ref = tokenizers.Tokenizer.from_str(tiny_json())
    ref.enable_truncation(3)
    ref.enable_padding(length=5, pad_id=1)
    path = tmp_path / "configured.json"
    path.write_text(ref.to_str())
    ours = swifttok.Tokenizer.from_file(path)
    assert ours.truncation == ref.truncation and ours.padding == ref.padding
    assert ours.encode("hello world ! hello").ids == ref.encode("hello world ! hello").ids
    ours.enable_padding(length=6, pad_id=1)
    ref.enable_padding(length=6, pad_id=1)
    assert ours.truncation == ref.truncation  # Kept from the file.
    assert ours.encode("hello world ! hello").ids == ref.encode("hello world ! hello").ids
    ours.no_truncation()
    ref.no_truncation()
    ours.no_padding()
    ref.no_padding()
    assert ours.truncation is None and ours.padding is None
    assert ours.encode("hello world ! hello").ids == ref.encode("hello world ! hello").ids


# -- threads ----------------------------------------------------------------------------------

def test_concurrent_encodes_on_one_tokenizer(gpt2_path):
    ours = swifttok.Tokenizer.from_file(gpt2_path)
    texts = corpus_paragraphs(800, seed=11) + random_strings(count=200, seed=12)
    want = [(e.ids, e.offsets) for e in map(ours.encode, texts)]
    want_decoded = [ours.decode(ids) for ids, _ in want]
    errors, results = [], {}

    def work(k):
        try:
            mine = []
            for j in range(k, len(texts), 8):
                e = ours.encode(texts[j])
                mine.append((j, e.ids, e.offsets, ours.decode(e.ids), ours.count_tokens(texts[j]),
                             ours.encode_ids(texts[j])))  # Per-thread short-call buffers.
            mine.append(("batch", ours.encode_batch(texts[k::8], num_threads=2)))
            stream = ours.decode_stream()
            ids = want[k][0]
            mine.append(("stream", "".join(filter(None, (stream.step(i) for i in ids)))))
            results[k] = mine
        except Exception as e:  # Reported after the join.
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k, mine in results.items():
        for item in mine:
            if item[0] == "batch":
                assert item[1] == [w[0] for w in want[k::8]]
            elif item[0] == "stream":
                assert item[1] == want_decoded[k]
            else:
                j, ids, offsets, decoded, count, short_ids = item
                assert (ids, offsets) == want[j] and decoded == want_decoded[j] and count == len(ids)
                assert short_ids == ids


def test_reconfigure_while_encoding(gpt2_path):
    """enable_truncation replaces the handle; calls already running keep the old one alive."""
    ours = swifttok.Tokenizer.from_file(gpt2_path)
    texts = corpus_paragraphs(300, seed=13)
    stop, errors = threading.Event(), []

    def encode_loop():
        try:
            while not stop.is_set():
                ours.encode_batch(texts[:50], num_threads=1)
                for t in texts[:20]:
                    ours.encode(t).ids
                    ours.encode_ids(t)
                    ours.count_tokens(t)
        except Exception as e:
            errors.append(e)

    workers = [threading.Thread(target=encode_loop) for _ in range(3)]
    for w in workers:
        w.start()
    for n in range(30):
        ours.enable_truncation(8 + n % 5)
        ours.no_truncation()
    stop.set()
    for w in workers:
        w.join()
    assert not errors, errors
