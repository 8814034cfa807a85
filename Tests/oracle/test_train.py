"""Training parity: swifttok's word counting and trainers against `tokenizers`' trainers, on
samples of ../shared corpora, in the same run (the CLI under test is $SWIFTTOK or the release build)."""
import pytest

from oracle import train as T

PARTS = ["en/big.txt", "multi/udhr_selected_25langs.txt", "code/cpython311_lib.py.txt"]


@pytest.fixture(scope="module")
def corpus(shared, tmp_path_factory):
    """About 1.5 MB of English, multilingual and code text."""
    return T.sample_corpus(tmp_path_factory.mktemp("train") / "corpus.txt", PARTS, 500_000)


@pytest.mark.parametrize("preset", ["gpt2", "bert", "t5"])
def test_count_equals_tokenizers_feed(swifttok, corpus, tmp_path, preset):
    out = tmp_path / "c.counts"
    T.run(swifttok, "count", str(corpus), "--preset", preset, "-o", str(out), "--quiet")
    header, ours = T.read_counts_file(out)
    ref = T.reference_word_counts(T.pipeline(preset), corpus)
    assert header["skipped"] == 0
    missing = {w: c for w, c in ref.items() if ours.get(w) != c}
    extra = {w: c for w, c in ours.items() if w not in ref}
    print(f"count {preset}: {len(ours)} distinct words, {sum(ours.values())} in all; "
          f"reference {len(ref)} / {sum(ref.values())}")
    assert not missing and not extra, (list(missing.items())[:5], list(extra.items())[:5])


def test_count_threads_and_shards(swifttok, corpus, tmp_path):
    """Any thread count gives the same file; counts of shards merge into the counts of the whole."""
    lines = corpus.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"".join(lines[:half]))
    b.write_bytes(b"".join(lines[half:]))
    files = {}
    for threads in (1, 2, 3):
        out = tmp_path / f"t{threads}.counts"
        T.run(swifttok, "count", str(corpus), "--threads", str(threads), "-o", str(out), "--quiet")
        files[threads] = out.read_bytes()
    assert files[1] == files[2] == files[3]
    T.run(swifttok, "count", str(a), "-o", str(tmp_path / "a.counts"), "--quiet")
    T.run(swifttok, "count", str(b), "-o", str(tmp_path / "b.counts"), "--quiet")
    _, whole = T.read_counts_file(tmp_path / "t1.counts")
    _, ca = T.read_counts_file(tmp_path / "a.counts")
    _, cb = T.read_counts_file(tmp_path / "b.counts")
    assert ca + cb == whole


def test_count_skips_invalid_utf8(swifttok, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good line\n\xff\xfe bad line\nanother good one\n")
    out = tmp_path / "bad.counts"
    proc = T.run(swifttok, "count", str(path), "-o", str(out), "--quiet")
    header, counts = T.read_counts_file(out)
    assert header["skipped"] == 1 and header["sequences"] == 2
    assert "not valid UTF-8" in proc.stderr
    assert counts["good"] == 1 and counts["Ġline"] == 1
