#!/usr/bin/env python3
"""Training benchmark: a byte-level BPE of 32k on ~50 MB of ../shared corpora, swifttok against
Hugging Face `tokenizers` and `gigatoken` in the same run. Each engine trains in its own child
process; we report wall time, the child's peak resident memory (wait4 rusage) and ratios.

    SWIFTTOK=.build/release/swifttok-cli .venv/bin/python Benchmarks/bench_train.py [--mb 50] [--vocab 32000]
    ... --quick   (5 MB, 8k vocabulary: the CI smoke version)

The swifttok and tokenizers runs use the same pipeline (ByteLevel pre-tokenizer, no prefix space,
the 256 byte symbols as initial alphabet, <|endoftext|>) and the same input unit (lines), so their
outputs are identical (checked here); gigatoken trains with its own GPT-2 style pre-tokenizer on
the same file.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SWIFTTOK_SHARED", REPO.parent / "shared")).resolve()
SOURCES = ["en", "code", "multi"]

TOKENIZERS_SCRIPT = r"""
import sys
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
trainer = trainers.BpeTrainer(vocab_size=int(sys.argv[2]), special_tokens=["<|endoftext|>"],
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
tok.train([sys.argv[1]], trainer)
tok.save(sys.argv[3])
"""

GIGATOKEN_SCRIPT = r"""
import sys, gigatoken
vocab, merges = gigatoken.train_bpe(sys.argv[1], int(sys.argv[2]), ["<|endoftext|>"])
print(len(vocab), len(merges))
"""


def build_corpus(path, megabytes):
    """Concatenates ../shared corpus files (en, code, multi; sorted) up to `megabytes` MB."""
    limit = int(megabytes * 1e6)
    out = bytearray()
    for group in SOURCES:
        for f in sorted((SHARED / "corpora" / group).rglob("*")):
            if not f.is_file() or len(out) >= limit:
                continue
            data = f.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            out += data[: limit - len(out)]
            if not out.endswith(b"\n"):
                cut = out.rfind(b"\n")
                del out[cut + 1:]
    path.write_bytes(bytes(out))
    return len(out)


def run_child(argv):
    """Runs argv; returns (seconds, peak RSS in MB, stdout+stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return seconds, usage.ru_maxrss / 1024, out.decode(errors="replace"), False
    return seconds, usage.ru_maxrss / 1024, out.decode(errors="replace"), True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--quick", action="store_true", help="5 MB, 8k vocabulary")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.quick:
        args.mb, args.vocab = 5, 8000
    if not (SHARED / "corpora").is_dir():
        print(f"skipped: ../shared corpora not found at {SHARED}")
        return 0
    swifttok = os.environ.get("SWIFTTOK") or str(REPO / ".build/release/swifttok-cli")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.txt"
        size = build_corpus(corpus, args.mb)
        print(f"corpus: {size / 1e6:.1f} MB from {SHARED / 'corpora'} ({', '.join(SOURCES)}); "
              f"byte-level BPE, vocab {args.vocab}; {os.cpu_count()} cores")
        rows = []
        engines = [
            ("swifttok", [swifttok, "train", str(corpus), "--vocab-size", str(args.vocab), "--threads",
                          str(args.threads), "--quiet", "-o", str(tmp / "swifttok.json")]),
            ("tokenizers", [sys.executable, "-c", TOKENIZERS_SCRIPT, str(corpus), str(args.vocab),
                            str(tmp / "tokenizers.json")]),
            ("gigatoken", [sys.executable, "-c", GIGATOKEN_SCRIPT, str(corpus), str(args.vocab)]),
        ]
        for name, argv in engines:
            seconds, rss, out, ok = run_child(argv)
            note = "" if ok else "failed: " + out.strip().splitlines()[-1][:100] if out.strip() else "failed"
            rows.append((name, seconds, rss, ok, note))
        same = None
        if (tmp / "swifttok.json").exists() and (tmp / "tokenizers.json").exists():
            a = json.loads((tmp / "swifttok.json").read_text())["model"]
            b = json.loads((tmp / "tokenizers.json").read_text())["model"]
            same = a["vocab"] == b["vocab"] and a["merges"] == b["merges"]
        base = {r[0]: r for r in rows}["swifttok"]
        print(f"{'engine':<12}{'seconds':>9}{'peak MB':>9}{'time / swifttok':>17}{'memory / swifttok':>19}")
        for name, seconds, rss, ok, note in rows:
            if not ok:
                print(f"{name:<12}{'':>9}{'':>9}  {note}")
                continue
            print(f"{name:<12}{seconds:>9.2f}{rss:>9.0f}{seconds / base[1]:>16.2f}x{rss / base[2]:>18.2f}x")
        if same is not None:
            print(f"swifttok output equals tokenizers' (vocab and merges): {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
