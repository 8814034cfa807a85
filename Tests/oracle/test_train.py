"""Training parity: swifttok's word counting and trainers against `tokenizers`' trainers, on
samples of ../shared corpora, in the same run (the CLI under test is $SWIFTTOK or the release build)."""
import collections
import json
import subprocess

import orjson
import pytest
from tokenizers import Tokenizer

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


def train_ours(swifttok, corpus, out, *args):
    T.run(swifttok, "train", str(corpus), "--quiet", "-o", str(out), *args)
    return json.loads(out.read_text())


CASES = {
    # name: (preset, model, vocab, specials, tokenizers options, swifttok flags)
    "bytelevel-bpe": ("gpt2", "bpe", 5000, ["<|endoftext|>"], {}, []),
    "bytelevel-bpe-options": ("gpt2", "bpe", 4000, ["<|endoftext|>", "<pad>", "<s>"],
                              {"min_frequency": 4, "max_token_length": 6},
                              ["--min-frequency", "4", "--max-token-length", "6"]),
    "char-bpe-prefix-suffix": ("bert", "bpe", 9000, ["[UNK]", "[PAD]"],
                               {"continuing_subword_prefix": "##", "end_of_word_suffix": "</w>", "min_frequency": 2},
                               ["--continuing-subword-prefix", "##", "--end-of-word-suffix", "</w>",
                                "--min-frequency", "2"]),
    "char-bpe-suffix-limit": ("bert", "bpe", 3000, [], {"end_of_word_suffix": "</w>", "limit_alphabet": "LIMIT"},
                              ["--end-of-word-suffix", "</w>", "--limit-alphabet", "LIMIT"]),
    "wordpiece": ("bert", "wordpiece", 5000, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], {}, []),
    "wordpiece-limit": ("bert", "wordpiece", 3000, ["[UNK]"], {"limit_alphabet": "LIMIT", "min_frequency": 3},
                        ["--limit-alphabet", "LIMIT", "--min-frequency", "3"]),
    "wordlevel": ("bert", "wordlevel", 3000, ["[UNK]", "[PAD]"], {"min_frequency": 3}, ["--min-frequency", "3"]),
    "wordlevel-all": ("gpt2", "wordlevel", 100000, [], {}, []),
}


def untied_limit(corpus, preset):
    """An alphabet limit that falls between two different character counts (tokenizers breaks
    ties there in hash order, which changes from run to run)."""
    chars = collections.Counter()
    for word, count in T.reference_word_counts(T.pipeline(preset), corpus).items():
        for ch in word:
            chars[ch] += count
    counts = sorted(chars.values(), reverse=True)
    for limit in range(len(counts) * 2 // 3, 0, -1):
        if counts[limit - 1] != counts[limit]:
            return limit
    raise AssertionError("no untied limit")


@pytest.mark.parametrize("case", sorted(CASES))
def test_train_equals_tokenizers(swifttok, corpus, tmp_path, case):
    preset, model, vocab, specials, options, flags = CASES[case]
    if "LIMIT" in flags:
        limit = untied_limit(corpus, preset)
        options = {k: (limit if v == "LIMIT" else v) for k, v in options.items()}
        flags = [str(limit) if f == "LIMIT" else f for f in flags]
    ref = T.reference_train(preset, model, corpus, vocab, specials, **options)
    args = ["--preset", preset, "--model", model, "--vocab-size", str(vocab), "--special-tokens", ",".join(specials),
            *flags]
    prefix = options.get("continuing_subword_prefix", "##" if model == "wordpiece" else None)
    if prefix or "end_of_word_suffix" in options:
        order = T.symbol_order(ref, len(specials), prefix)
        (tmp_path / "order.txt").write_text("".join(t + "\n" for t in order))
        args += ["--symbol-order", str(tmp_path / "order.txt")]
    ours = train_ours(swifttok, corpus, tmp_path / "ours.json", *args)
    summary = T.compare_models(ref, ours)
    print(f"train {case}: {summary}")
    loaded = Tokenizer.from_file(str(tmp_path / "ours.json"))
    assert loaded.get_vocab_size() == ref_size(ref)
    assert [t["content"] for t in ours["added_tokens"]] == [t["content"] for t in ref["added_tokens"]]


def ref_size(ref):
    return len(set(ref["model"]["vocab"]) | {t["content"] for t in ref["added_tokens"]})


def test_train_threads_and_counts_are_byte_identical(swifttok, corpus, tmp_path):
    """1, 2 and 3 threads, and training from the counts of two shards, give the same file."""
    outputs = []
    for threads in (1, 2, 3):
        out = tmp_path / f"t{threads}.json"
        T.run(swifttok, "train", str(corpus), "--vocab-size", "3000", "--threads", str(threads), "--quiet", "-o", str(out))
        outputs.append(out.read_bytes())
    lines = corpus.read_bytes().splitlines(keepends=True)
    third = len(lines) // 3
    shards = [lines[:third], lines[third:2 * third], lines[2 * third:]]
    count_files = []
    for k, shard in enumerate(shards):
        (tmp_path / f"s{k}.txt").write_bytes(b"".join(shard))
        cf = tmp_path / f"s{k}.counts"
        T.run(swifttok, "count", str(tmp_path / f"s{k}.txt"), "-o", str(cf), "--quiet")
        count_files.append(str(cf))
    out = tmp_path / "from_counts.json"
    T.run(swifttok, "train", "--from-counts", *count_files, "--vocab-size", "3000", "--quiet", "-o", str(out))
    outputs.append(out.read_bytes())
    assert all(o == outputs[0] for o in outputs), "outputs differ"
    print(f"train determinism: threads 1/2/3 and 3 count shards -> identical {len(outputs[0])}-byte tokenizer.json")


def test_trained_tokenizer_encodes_like_tokenizers(swifttok, corpus, tmp_path):
    """The trained file loads in tokenizers and in swifttok, and both encode the same way."""
    out = tmp_path / "bert.json"
    T.run(swifttok, "train", str(corpus), "--preset", "bert", "--vocab-size", "4000", "--quiet", "-o", str(out))
    ref = Tokenizer.from_file(str(out))
    texts = [line for line in corpus.read_text().splitlines() if line.strip()][:200:7]
    for text in texts:
        proc = T.run(swifttok, "encode", "-t", str(out), "--jsonl", input_text=orjson.dumps(text).decode() + "\n")
        got = orjson.loads(proc.stdout.splitlines()[0])["ids"]
        assert got == ref.encode(text).ids, text


def test_shipped_vocabularies_retrain_identically(swifttok, tmp_path):
    """Vocabularies/: the corpus has the manifest's sha256 and retraining gives the shipped bytes."""
    import hashlib
    import shutil
    import subprocess
    from oracle.paths import REPO
    if shutil.which("bible") is None:
        pytest.skip("the 'bible' command (Debian bible-kjv + bible-kjv-text) is missing: run scripts/setup.sh")
    kjv = tmp_path / "kjv.txt"
    with open(kjv, "wb") as f:
        subprocess.run([str(REPO / "Vocabularies" / "kjv-corpus.sh")], stdout=f, check=True)
    corpus_sha = hashlib.sha256(kjv.read_bytes()).hexdigest()
    checked = 0
    for manifest_path in sorted((REPO / "Vocabularies").glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text())
        assert manifest["corpus_sha256"] == corpus_sha, f"{manifest['name']}: the corpus changed"
        argv = manifest["command"].split()
        assert argv[0] == "swifttok"
        subprocess.run([swifttok, *argv[1:]], cwd=tmp_path, check=True, capture_output=True)
        out = (tmp_path / "tokenizer.json").read_bytes()
        shipped = (manifest_path.parent / "tokenizer.json").read_bytes()
        assert hashlib.sha256(shipped).hexdigest() == manifest["output_sha256"]
        assert out == shipped, f"{manifest['name']}: retraining gave different bytes"
        Tokenizer.from_file(str(manifest_path.parent / "tokenizer.json"))
        checked += 1
    assert checked >= 2
    print(f"vocabularies: {checked} retrained byte-identically from the KJV ({corpus_sha[:16]})")


BAD_INPUTS = {
    # name: (files to create {name: bytes}, args, expected message part)
    "empty-corpus": ({"empty.txt": b""}, ["train", "empty.txt"], "corpus is empty"),
    "blank-lines": ({"blank.txt": b"\n\n\n"}, ["train", "--preset", "bert", "blank.txt"], "corpus is empty"),
    "vocab-below-bytes": ({"c.txt": b"hello world\n"}, ["train", "c.txt", "--vocab-size", "200"],
                          "smaller than the alphabet"),
    "vocab-below-chars": ({"c.txt": "αβγδε ζηθ abc\n".encode()},
                          ["train", "c.txt", "--preset", "bert", "--model", "bpe", "--special-tokens", "[UNK],[PAD]",
                           "--vocab-size", "12"], "smaller than the alphabet"),
    "vocab-below-specials": ({"c.txt": b"hello\n"}, ["train", "c.txt", "--preset", "bert", "--vocab-size", "3"],
                             "smaller than the special tokens"),
    "missing-file": ({}, ["train", "missing.txt"], "cannot open file"),
    "no-match-glob": ({}, ["train", "nothing-*.txt"], "no file matches"),
    "empty-directory": ({"d/.keep": None}, ["train", "d"], "no input files"),
    "binary-file": ({"b.bin": bytes(range(256)) * 400}, ["train", "b.bin"], "not UTF-8 text"),
    "bad-counts": ({"x.counts": b"garbage\n"}, ["train", "--from-counts", "x.counts"], "not a swifttok counts file"),
    "truncated-counts": ({"x.counts": b"swifttok-counts 1\n{\"words\": 2}\n3 1 a\n"},
                         ["train", "--from-counts", "x.counts"], "header says 2 words"),
    "counts-and-files": ({"x.counts": b"", "c.txt": b"hi\n"}, ["train", "c.txt", "--from-counts", "x.counts"],
                         "not both"),
    "unknown-model": ({"c.txt": b"hi\n"}, ["train", "c.txt", "--model", "bert"], "unknown model"),
    "unknown-preset": ({"c.txt": b"hi\n"}, ["train", "c.txt", "--preset", "llama"], "unknown preset"),
    "count-no-input": ({}, ["count", "-o", "x.counts"], "no input"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_a_clear_error(swifttok, tmp_path, case):
    files, args, message = BAD_INPUTS[case]
    for name, data in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            p.write_bytes(data)
    proc = subprocess.run([swifttok, *args, "--quiet"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert message in proc.stderr, proc.stderr
    assert "Fatal error" not in proc.stderr


def test_invalid_utf8_lines_are_skipped_and_reported(swifttok, corpus, tmp_path):
    """A few bad lines in a real corpus are skipped, counted and reported; the rest trains as
    tokenizers trains on the file without them."""
    good = corpus.read_bytes().splitlines(keepends=True)[:3000]
    bad = list(good)
    for k in range(0, len(bad), 500):
        bad.insert(k, b"\xff\xfe broken \xc3\x28 line\n")
    (tmp_path / "bad.txt").write_bytes(b"".join(bad))
    (tmp_path / "good.txt").write_bytes(b"".join(good))
    proc = T.run(swifttok, "train", str(tmp_path / "bad.txt"), "--vocab-size", "1500", "--quiet",
                 "-o", str(tmp_path / "ours.json"))
    assert "skipped 6 sequences that are not valid UTF-8" in proc.stderr
    ref = T.reference_train("gpt2", "bpe", tmp_path / "good.txt", 1500, ["<|endoftext|>"])
    print(f"invalid UTF-8: 6 lines skipped; {T.compare_models(ref, json.loads((tmp_path / 'ours.json').read_text()))}")
