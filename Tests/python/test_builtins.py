"""The library's Python builtins (ABI 0.5: encode_ids, count_tokens and encode_batch's id lists made
through CPython's API by libswifttok) against the package's ctypes path (the reference kept beside
them) and the reference libraries (tokenizers, tiktoken, sentencepiece) on ../shared vocabularies
and corpora; their errors, reference counts, threads and GIL release."""
import gc
import json
import os
import subprocess
import sys
import threading
import time
import weakref

import pytest

import swifttok
from conftest import REPO, TIKTOKEN_FILES, TOKENIZERS_FILES, VOCAB, corpus_paragraphs, random_strings, require
from swifttok import Status, SwiftTokError

SENTENCE = "The quick brown fox jumps over the lazy dog, again and again."

pytestmark = pytest.mark.skipif(
    os.environ.get("SWIFTTOK_NATIVE") == "0", reason="SWIFTTOK_NATIVE=0: the builtins are turned off on purpose")


def pair_of(path):
    """(tokenizer with the builtins, the same file on the ctypes path only)."""
    native = swifttok.Tokenizer.from_file(str(require(path)))
    plain = swifttok.Tokenizer.from_file(str(path))
    plain._drop_builtins()
    return native, plain


def texts_for_tests():
    # Paragraphs up to 3000 characters, random mixes of scripts, and a few texts over the 4096-byte
    # bound above which the builtins release the GIL.
    paragraphs = corpus_paragraphs(700, seed=31)
    long_texts = ["\n\n".join(paragraphs[i:i + 40]) for i in range(0, 400, 40)]
    assert all(len(t.encode()) > 4096 for t in long_texts)
    return paragraphs + random_strings(count=300, seed=32) + long_texts


@pytest.fixture(scope="module")
def texts():
    return texts_for_tests()


def test_builtins_are_used_on_cpython():
    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    assert sys.implementation.name == "cpython"
    assert swifttok._native.python_functions_unavailable() == ""
    assert t.uses_builtins
    assert type(t.encode_ids).__name__ == "builtin_function_or_method"
    assert type(t.count_tokens).__name__ == "builtin_function_or_method"
    plain = swifttok.Tokenizer.from_file(str(TOKENIZERS_FILES["gpt2"]))
    plain._drop_builtins()
    assert not plain.uses_builtins and type(plain.encode_ids).__name__ == "method"


def check_parity(native, plain, texts, reference_ids, add_special_tokens):
    flag = {"add_special_tokens": add_special_tokens}
    for text, want in zip(texts, reference_ids):
        got = native.encode_ids(text, **flag)
        assert got == want, f"builtin vs reference for {text[:120]!r}"
        assert plain.encode_ids(text, **flag) == want, f"ctypes vs reference for {text[:120]!r}"
        assert native.encode_ids(text, add_special_tokens) == want  # Positional flag.
        assert native.count_tokens(text, **flag) == len(want) == plain.count_tokens(text, **flag)
    for threads in (1, 2):
        assert native.encode_batch(texts, num_threads=threads, **flag) == reference_ids
    assert plain.encode_batch(texts, num_threads=1, **flag) == reference_ids


@pytest.mark.parametrize("name", ["gpt2", "bert-base-uncased", "llama3"])
def test_parity_with_tokenizers(name, texts):
    import tokenizers

    native, plain = pair_of(TOKENIZERS_FILES[name])
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES[name]))
    for add in (True, False):
        want = [e.ids for e in ref.encode_batch(texts, add_special_tokens=add)]
        check_parity(native, plain, texts, want, add)
    assert native.encode_ids(SENTENCE) == ref.encode(SENTENCE).ids  # Default flag: with special tokens.


def test_parity_with_tiktoken(texts):
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken_ext import openai_public

    path = require(TIKTOKEN_FILES["cl100k_base"])
    native, plain = pair_of(path)
    original = openai_public.load_tiktoken_bpe
    # openai_public names its download URL; read the same file from ../shared instead.
    openai_public.load_tiktoken_bpe = lambda url, expected_hash=None: original(str(path), expected_hash=expected_hash)
    try:
        enc = tiktoken.Encoding(**openai_public.cl100k_base())
    finally:
        openai_public.load_tiktoken_bpe = original
    # A tiktoken file has no post-processor: special tokens in the text are matched, none added.
    want = enc.encode_batch(texts, allowed_special="all")
    check_parity(native, plain, texts, want, False)
    check_parity(native, plain, texts[:200], want[:200], True)


def test_parity_with_sentencepiece(texts):
    import sentencepiece as spm

    path = require(VOCAB / "t5" / "spiece.model")
    native, plain = pair_of(path)
    sp = spm.SentencePieceProcessor(model_file=str(path))
    want = [sp.encode(t) for t in texts]
    check_parity(native, plain, texts, want, False)


FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids")


def same_encoding(a, b, what):
    for field in FIELDS:
        assert getattr(a, field) == getattr(b, field), f"{field} of {what[:120]!r}"
    assert len(a.overflowing) == len(b.overflowing), f"overflowing of {what[:120]!r}"
    for x, y in zip(a.overflowing, b.overflowing):
        same_encoding(x, y, what)


@pytest.mark.parametrize("name", ["gpt2", "bert-base-uncased", "llama3"])
def test_encode_builtin_matches_ctypes_and_tokenizers(name, texts):
    """encode() through the builtin (every field in one call) against the ctypes Encoding and
    tokenizers' Encoding: singles, pairs, without special tokens, truncated with overflowing parts."""
    import tokenizers

    native, plain = pair_of(TOKENIZERS_FILES[name])
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES[name]))
    sample = texts[:150] + texts[-12:]  # The last ones are over 4096 bytes (GIL released).
    pairs = list(zip(sample[:60], sample[60:120]))
    for text in sample:
        got = native.encode(text)
        same_encoding(got, plain.encode(text), text)
        same_encoding(got, ref.encode(text), text)
        same_encoding(native.encode(text, add_special_tokens=False), ref.encode(text, add_special_tokens=False), text)
    for a, b in pairs:
        same_encoding(native.encode(a, b), plain.encode(a, b), a + " || " + b)
        same_encoding(native.encode(a, b), ref.encode(a, b), a + " || " + b)
    for t in (native, plain, ref):
        t.enable_truncation(max_length=16, stride=3)
    assert native.uses_builtins
    for text in sample[:40]:
        got = native.encode(text)
        same_encoding(got, plain.encode(text), text)
        same_encoding(got, ref.encode(text), text)


def test_batch_of_encodings_matches_ctypes(texts):
    """encode_batch(return_encodings=True) builds each Encoding with the builtin, then pads them
    to the longest in Python: the same as the ctypes Encodings."""
    native, plain = pair_of(TOKENIZERS_FILES["bert-base-uncased"])
    items = texts[:40] + list(zip(texts[40:60], texts[60:80]))
    for t in (native, plain):
        t.enable_padding(pad_id=0, pad_token="[PAD]")
        t.enable_truncation(max_length=24, stride=2)
    got, want = native.encode_batch(items, return_encodings=True), plain.encode_batch(items, return_encodings=True)
    assert len(got) == len(want)
    for g, w, item in zip(got, want, items):
        same_encoding(g, w, str(item))


def test_encode_builtin_errors_and_references():
    native, plain = pair_of(TOKENIZERS_FILES["gpt2"])
    same_failure(lambda: native.encode("lone \ud800"), lambda: plain.encode("lone \ud800"))
    same_failure(lambda: native.encode("ok", "lone \ud800"), lambda: plain.encode("ok", "lone \ud800"))
    same_failure(lambda: native.encode(5), lambda: plain.encode(5))
    same_encoding(native.encode(b"bytes in", "str pair"), plain.encode(b"bytes in", "str pair"), "bytes")
    same_encoding(native.encode("", ""), plain.encode("", ""), "empty pair")
    bad = swifttok.Tokenizer.from_str(tiny_wordpiece(unk_in_vocab=False))
    bad_plain = swifttok.Tokenizer.from_str(tiny_wordpiece(unk_in_vocab=False))
    bad_plain._drop_builtins()
    same_failure(lambda: bad.encode("c"), lambda: bad_plain.encode("c"))
    text = "hello world " + SENTENCE
    e = native.encode(text)
    token, probe = e.tokens[1], e.ids[1]
    gc.collect()
    before = (sys.getrefcount(token), sys.getrefcount(probe), sys.getrefcount(text))
    for _ in range(2000):
        native.encode(text).tokens
        native.encode(text, text)
        try:
            bad.encode("c")
        except SwiftTokError:
            pass
    gc.collect()
    assert (sys.getrefcount(token), sys.getrefcount(probe), sys.getrefcount(text)) == before
    assert native.encode(text).tokens[1] is token  # One str per token id.


def test_padding_and_truncation_batches_match_ctypes(texts):
    """Padded batches go through the C batch's rows (pad to the longest), unpadded ones straight."""
    import tokenizers

    native, plain = pair_of(TOKENIZERS_FILES["bert-base-uncased"])
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES["bert-base-uncased"]))
    for t in (native, plain, ref):
        t.enable_truncation(max_length=40)
        t.enable_padding(pad_id=0, pad_token="[PAD]")
    sample = texts[:200]
    want = [e.ids for e in ref.encode_batch(sample)]
    assert native.encode_batch(sample, num_threads=2) == want == plain.encode_batch(sample, num_threads=2)
    assert native.uses_builtins  # Reconfiguring rebinds the builtins to the new handle.
    assert [native.encode_ids(s) for s in sample[:50]] == [e.ids for e in map(ref.encode, sample[:50])]


def flat_rows(flat):
    return [flat.ids[flat.offsets[i]:flat.offsets[i + 1]].tolist() for i in range(len(flat.offsets) - 1)]


@pytest.mark.parametrize("name", ["gpt2", "bert-base-uncased"])
def test_numpy_batches_from_the_builtin(name, texts):
    """return_numpy=True: the builtin's flat bytearrays, viewed by numpy without a copy, give the
    ids of tokenizers and of the ctypes path (padded batches too)."""
    np = pytest.importorskip("numpy")
    import tokenizers

    native, plain = pair_of(TOKENIZERS_FILES[name])
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES[name]))
    raw = native._native_batch(texts[:3], True, 1, True)
    assert type(raw) is tuple and [type(x) for x in raw] == [bytearray, bytearray]  # The builtin's form.
    for add in (True, False):
        want = [e.ids for e in ref.encode_batch(texts, add_special_tokens=add)]
        for threads in (1, 2):
            flat = native.encode_batch(texts, add_special_tokens=add, num_threads=threads, return_numpy=True)
            assert flat.ids.dtype == np.uint32 and flat.offsets.dtype == np.int64
            assert flat.ids.flags.writeable and flat.offsets.flags.writeable
            assert flat_rows(flat) == want
        theirs = plain.encode_batch_numpy(texts, add_special_tokens=add)
        assert np.array_equal(flat.ids, theirs.ids) and np.array_equal(flat.offsets, theirs.offsets)
    for t in (native, plain, ref):
        t.enable_truncation(max_length=24)
        t.enable_padding(pad_id=0, pad_token="[PAD]" if name != "gpt2" else "<|endoftext|>")
    want = [e.ids for e in ref.encode_batch(texts[:300])]
    assert len({len(w) for w in want}) == 1  # Padded: one length.
    flat = native.encode_batch_numpy(texts[:300], num_threads=2)
    assert flat_rows(flat) == want == flat_rows(plain.encode_batch_numpy(texts[:300]))


def test_numpy_batch_edges_from_the_builtin():
    np = pytest.importorskip("numpy")
    native, plain = pair_of(TOKENIZERS_FILES["gpt2"])
    empty = native.encode_batch_numpy([])
    assert empty.ids.tolist() == [] and empty.offsets.tolist() == [0] and empty.ids.dtype == np.uint32
    flat = native.encode_batch_numpy(["", SENTENCE, ""])
    assert flat_rows(flat) == [[], native.encode_ids(SENTENCE), []]
    # An item the builtin does not take (bytes) goes to the package's path, with the same answer.
    mixed = native.encode_batch_numpy([SENTENCE, SENTENCE.encode()])
    assert flat_rows(mixed) == [native.encode_ids(SENTENCE)] * 2
    assert native._native_batch([SENTENCE, b"x"], True, 1, True) is None
    # The arrays own their memory: they outlive the call and each other.
    ids = native.encode_batch_numpy([SENTENCE] * 50).ids
    gc.collect()
    assert ids.tolist() == native.encode_ids(SENTENCE) * 50
    with pytest.raises(SwiftTokError):
        native.encode_batch_numpy(["ok", "\ud800"])  # Not UTF-8: the ctypes path's error.


def test_a_table_of_abi_0_5_0_is_taken():
    """A caller built against 0.5.0's header passes a table that ends at gc_enable: the library
    reads only that far and gives the builtins without the flat form (numpy batches then go the
    ctypes way, same ids); a table shorter than that is refused."""
    path = str(require(TOKENIZERS_FILES["gpt2"]))
    code = f"""
import ctypes, json, swifttok
from swifttok import _native as n
short = n.PythonAPI.bytearray_from_string_and_size.offset - {{cut}}
sizeof = ctypes.sizeof
ctypes.sizeof = lambda t: short if t is n.PythonAPI else sizeof(t)
t = swifttok.Tokenizer.from_file({path!r})
ctypes.sizeof = sizeof
out = [t.uses_builtins, n.python_functions_unavailable()]
if t.uses_builtins:
    flat = t._native_batch([{SENTENCE!r}], True, 1, True)
    out.append("no flat form" if flat is None else "flat")  # None: the package's fallback answered.
out.append(t.encode_batch_numpy([{SENTENCE!r}] * 3).ids.tolist())
print(json.dumps(out))
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO / "python")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    want = swifttok.Tokenizer.from_file(path).encode_ids(SENTENCE) * 3
    runs = {}
    for cut in (0, 8):
        out = subprocess.run([sys.executable, "-c", code.replace("{cut}", str(cut))], env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        runs[cut] = json.loads(out.stdout)
    assert runs[0] == [True, "", "no flat form", want]
    uses, why, ids = runs[8]
    assert not uses and "api->size" in why and "needs at least" in why and ids == want


def test_shared_ints_off_gives_the_same(monkeypatch, texts):
    monkeypatch.setenv("SWIFTTOK_SHARED_INTS", "0")
    fresh = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    monkeypatch.delenv("SWIFTTOK_SHARED_INTS")
    shared = swifttok.Tokenizer.from_file(str(TOKENIZERS_FILES["gpt2"]))
    assert fresh.encode_batch(texts) == shared.encode_batch(texts)
    assert [fresh.encode_ids(t) for t in texts] == [shared.encode_ids(t) for t in texts]


# -- errors: the same exception, status and message as the ctypes path ------------------------------

def same_failure(native_call, plain_call):
    with pytest.raises(Exception) as a:
        native_call()
    with pytest.raises(Exception) as b:
        plain_call()
    assert type(a.value) is type(b.value), (a.value, b.value)
    assert str(a.value) == str(b.value)
    if isinstance(a.value, SwiftTokError):
        assert a.value.status == b.value.status and a.value.message == b.value.message
    return a.value


def tiny_wordpiece(unk_in_vocab):
    vocab = {"a": 0, "b": 1, **({"[UNK]": 2} if unk_in_vocab else {})}
    return json.dumps({
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
        "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None,
        "model": {"type": "WordPiece", "vocab": vocab, "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100}})


def test_errors_match_the_ctypes_path():
    native, plain = pair_of(TOKENIZERS_FILES["gpt2"])
    assert native.uses_builtins
    E = swifttok.Tokenizer
    for name in ("encode_ids", "count_tokens"):
        n, p = getattr(native, name), getattr(E, name)
        e = same_failure(lambda: n("lone \ud800 surrogate"), lambda: p(plain, "lone \ud800 surrogate"))
        assert isinstance(e, SwiftTokError) and e.status == Status.INVALID_UTF8
        e = same_failure(lambda: n(b"\x80"), lambda: p(plain, b"\x80"))
        assert e.status == Status.INVALID_UTF8
        for bad in (5, None, 3.5, ["a"]):
            e = same_failure(lambda: n(bad), lambda: p(plain, bad))
            assert isinstance(e, TypeError)
        same_failure(lambda: n("a", unknown=1), lambda: p(plain, "a", unknown=1))
        same_failure(lambda: n("a", True, 3), lambda: p(plain, "a", True, 3))
        same_failure(lambda: n(), lambda: p(plain))
        # bytes-like input and the keyword given by another str object go through the fallback.
        assert n(b"hello world") == p(plain, b"hello world") == n(bytearray(b"hello world"))
        keyword = "".join(["add_special", "_tokens"])
        assert n("hello world", **{keyword: False}) == p(plain, "hello world", add_special_tokens=False)
    same_failure(lambda: native.encode_batch(["ok", "lone \ud800"]), lambda: plain.encode_batch(["ok", "lone \ud800"]))
    same_failure(lambda: native.encode_batch(["ok", 5]), lambda: plain.encode_batch(["ok", 5]))
    same_failure(lambda: native.encode_batch([("a", "b")]), lambda: plain.encode_batch([("a", "b")]))
    assert native.encode_batch(["hello", b"world"]) == plain.encode_batch(["hello", b"world"])
    assert native.encode_batch([]) == [] and native.encode_batch(iter(["a"])) == plain.encode_batch(["a"])


def test_library_errors_raise_swifttokerror():
    """An error the library raises on a str (not a fallback): status and message as the C call."""
    native = swifttok.Tokenizer.from_str(tiny_wordpiece(unk_in_vocab=False))
    plain = swifttok.Tokenizer.from_str(tiny_wordpiece(unk_in_vocab=False))
    plain._drop_builtins()
    assert native.uses_builtins
    assert native.encode_ids("a b") == [0, 1] == plain.encode_ids("a b")
    long_text = "c " * 5000  # Over 4096 bytes: the GIL-released branch.
    for text in ("c", long_text):
        e = same_failure(lambda: native.encode_ids(text), lambda: plain.encode_ids(text))
        assert e.status == Status.OUT_OF_RANGE and "[UNK]" in e.message
        same_failure(lambda: native.count_tokens(text), lambda: plain.count_tokens(text))
        same_failure(lambda: native.encode_batch(["a", text], num_threads=2),
                     lambda: plain.encode_batch(["a", text], num_threads=2))


def test_freed_tokenizer():
    """The builtins keep the C tokenizer (not the Python one) alive; nothing keeps the Tokenizer."""
    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    want = t.encode_ids(SENTENCE)
    encode_ids, count_tokens = t.encode_ids, t.count_tokens
    alive = weakref.ref(t)
    del t
    assert alive() is None, "a reference cycle keeps the Tokenizer alive"
    assert encode_ids(SENTENCE) == want and count_tokens(SENTENCE) == len(want)
    with pytest.raises(SwiftTokError) as info:
        encode_ids(b"bytes need the Tokenizer")
    assert info.value.status == Status.INVALID_ARGUMENT


def test_no_memory_for_the_ids_raises_memory_error():
    """A buffer for the ids that malloc cannot give is a MemoryError, not a crash (in a child
    process whose address space is capped below what 150 MB of text needs for its ids)."""
    path = str(require(TOKENIZERS_FILES["gpt2"]))
    code = f"""
import resource, swifttok
t = swifttok.Tokenizer.from_file({path!r})
assert t.uses_builtins
t.encode_ids("warm " * 2000)
text = "a" * (150 << 20)
with open("/proc/self/status") as f:
    size = next(int(line.split()[1]) for line in f if line.startswith("VmSize")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + (400 << 20), resource.RLIM_INFINITY))
try:
    t.encode_ids(text)
    print("no error")
except MemoryError:
    print("MemoryError")
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO / "python")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "MemoryError", (out.returncode, out.stdout, out.stderr[-2000:])


# -- reference counts ---------------------------------------------------------------------------

def test_reference_counts_do_not_leak():
    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    bad = swifttok.Tokenizer.from_str(tiny_wordpiece(unk_in_vocab=False))
    text = "hello world " + SENTENCE  # Its ids are above 256 (not CPython's cached small ints).
    ids = t.encode_ids(text)
    probe = ids[1]
    assert probe > 256
    batch = [text, SENTENCE] * 20
    long_text = text * 400
    gc.collect()

    def counts():
        return (sys.getrefcount(probe), sys.getrefcount(text), sys.getrefcount(t.encode_ids),
                sys.getrefcount(SwiftTokError), sys.getrefcount(long_text), sys.getrefcount(batch))

    before = counts()
    for _ in range(2000):
        t.encode_ids(text)
        t.encode_ids(text, add_special_tokens=False)
        t.count_tokens(text)
        t.encode_ids(text.encode())  # Fallback path.
        try:
            t.encode_ids("\ud800")
        except SwiftTokError:
            pass
        try:
            bad.encode_ids("c")
        except SwiftTokError:
            pass
    for _ in range(50):
        t.encode_batch(batch, num_threads=2)
        t.encode_ids(long_text)
        t.count_tokens(long_text)
    gc.collect()
    assert counts() == before
    kept = [t.encode_ids(text) for _ in range(100)]  # Each list holds one reference to `probe`'s object.
    assert sys.getrefcount(probe) == before[0] + 100 * ids.count(probe)
    del kept
    assert sys.getrefcount(probe) == before[0]
    # A batch's lists take their references to the shared ints in one add per id (after filling).
    occurrences = 100 * (ids.count(probe) + t.encode_ids(SENTENCE).count(probe))
    for threads in (1, 2):
        kept = t.encode_batch(batch * 5, num_threads=threads)
        assert sum(row.count(probe) for row in kept) == occurrences
        assert sys.getrefcount(probe) == before[0] + occurrences
        del kept
        assert sys.getrefcount(probe) == before[0]
    assert counts() == before


def test_batch_reads_texts_that_another_thread_replaces(texts):
    """encode_batch reads each str's UTF-8 where the str keeps it, with the GIL released; another
    thread replacing the list's items meanwhile frees the old strs (and the UTF-8 each caches, its
    memory soon reused for other texts) but for the reference the batch holds to each: each row is
    the ids of one of the texts that item held, never of freed memory. (Without those references
    ~11,000 of the 12,000 rows came out wrong.)"""
    import tokenizers

    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES["gpt2"]))
    suffix = " caf\u00e9 \u2014 \u65e5\u672c"  # Not ASCII: a str's UTF-8 is a copy it caches.
    first = [x + suffix for x in texts[:400]]
    second = [x + suffix for x in reversed(texts[:400])]
    want = [(a.ids, b.ids) for a, b in zip(ref.encode_batch(first, add_special_tokens=False),
                                           ref.encode_batch(second, add_special_tokens=False))]
    work = ["".join(list(d)) for d in first]
    stop = threading.Event()

    def replace():
        flip = 0
        while not stop.is_set():
            flip ^= 1
            source = second if flip else first
            for i in reversed(range(len(work))):  # Ahead of the workers, which start at 0.
                work[i] = source[i][:-1] + source[i][-1:]  # A new str; the one it replaces is freed.

    thread = threading.Thread(target=replace)
    thread.start()
    try:
        for _ in range(30):
            # The builtin itself: encode_batch hands it a copy of the list, which would hold the strs.
            rows = t._native_batch(work, False, 2)
            bad = [i for i, row in enumerate(rows) if row not in want[i]]
            assert not bad, f"rows {bad[:5]} are neither text's ids"
    finally:
        stop.set()
        thread.join()


def test_truncated_unpadded_batch_matches_tokenizers(texts):
    """Truncation without padding: the in-place batch takes the general pipeline per text."""
    import tokenizers

    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["bert-base-uncased"])))
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES["bert-base-uncased"]))
    for x in (t, ref):
        x.enable_truncation(max_length=30)
    for add in (True, False):
        want = [e.ids for e in ref.encode_batch(texts, add_special_tokens=add)]
        assert t.encode_batch(texts, add_special_tokens=add, num_threads=2) == want


# -- threads and the GIL --------------------------------------------------------------------------

def test_eight_threads_share_one_tokenizer(texts):
    import tokenizers

    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES["gpt2"]))
    want = [e.ids for e in ref.encode_batch(texts)]
    bad = []

    def work(k):
        for _ in range(2):
            for j in range(k, len(texts), 8):
                if t.encode_ids(texts[j]) != want[j] or t.count_tokens(texts[j]) != len(want[j]):
                    bad.append(j)
            if t.encode_batch(texts[k::8], num_threads=2) != want[k::8]:
                bad.append(("batch", k))

    run_on_threads(8, work)
    assert not bad, bad[:10]


def run_on_threads(count, work):
    """work(k) on thread k of `count` Python threads; an exception in any is reported after the join."""
    errors = []

    def guarded(k):
        try:
            work(k)
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(k,)) for k in range(count)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors


def test_concurrent_batches_share_ints_exactly(texts):
    """Batches on two or more workers look up each id's shared int on the workers, while another
    Python thread may be making new ones (a fresh tokenizer has none) or filling its own batch:
    every row must still be tokenizers' ids, and a shared int's refcount must count exactly the
    references the kept lists hold."""
    import tokenizers

    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    ref = tokenizers.Tokenizer.from_file(str(TOKENIZERS_FILES["gpt2"]))
    sample = texts[:800]
    want = [e.ids for e in ref.encode_batch(sample)]
    kept = [None] * 4

    def work(k):
        for r in range(3):
            kept[k] = t.encode_batch(sample[k::4], num_threads=2 + (r % 2))

    run_on_threads(4, work)
    for k in range(4):
        assert kept[k] == want[k::4]
    probe_id = max(set(want[0]) - set(range(-5, 257)))  # Not a small int (CPython's own, shared).
    probe = next(i for row in kept[0] for i in row if i == probe_id)
    held = sum(row.count(probe_id) for rows in kept for row in rows)
    gc.collect()
    before = sys.getrefcount(probe)
    kept = None
    gc.collect()
    assert before - sys.getrefcount(probe) == held
    # What is left: the tokenizer's table, `probe`, and getrefcount's argument (no leaked count).
    assert sys.getrefcount(probe) == 3


def progress_during(call):
    """Whether another Python thread ran while `call()` ran: it records times in a loop; a call
    that held the GIL throughout leaves no record inside its middle half."""
    stamps, stop = [], threading.Event()

    def tick():
        while not stop.is_set():
            stamps.append(time.perf_counter())

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.01)
    start = time.perf_counter()
    call()
    end = time.perf_counter()
    stop.set()
    ticker.join()
    quarter = (end - start) / 4
    return end - start, sum(start + quarter < s < end - quarter for s in stamps)


def test_long_texts_release_the_gil():
    t = swifttok.Tokenizer.from_file(str(require(TOKENIZERS_FILES["gpt2"])))
    text = "\n\n".join(corpus_paragraphs(2500, seed=33)) * 4  # A few MB: tens of milliseconds.
    assert len(text.encode()) > 2_000_000
    for call in (lambda: t.encode_ids(text), lambda: t.count_tokens(text),
                 lambda: t.encode_batch([text[i:i + 20000] for i in range(0, len(text), 20000)], num_threads=1)):
        took, inside = progress_during(call)
        assert inside > 0, f"no other thread ran during a {took * 1e3:.0f} ms call"


# -- without the builtins ---------------------------------------------------------------------------

def test_ctypes_only_when_turned_off():
    """SWIFTTOK_NATIVE=0 (as on a Python without ctypes.pythonapi): the ctypes path, same ids."""
    path = str(require(TOKENIZERS_FILES["gpt2"]))
    code = ("import json, swifttok; t = swifttok.Tokenizer.from_file(%r); "
            "print(json.dumps([t.uses_builtins, swifttok._native.python_functions_unavailable(), "
            "t.encode_ids(%r), t.encode_batch([%r])]))") % (path, SENTENCE, SENTENCE)
    env = dict(os.environ, SWIFTTOK_NATIVE="0", PYTHONPATH=os.pathsep.join(
        [str(REPO / "python")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    uses, why, ids, batch = json.loads(out)
    t = swifttok.Tokenizer.from_file(path)
    assert not uses and "SWIFTTOK_NATIVE=0" in why
    assert ids == t.encode_ids(SENTENCE) and batch == [ids]
