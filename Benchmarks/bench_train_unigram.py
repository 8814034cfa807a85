#!/usr/bin/env python3
"""Unigram training benchmark: swifttok (`swifttok train --preset t5`, Trainers.UnigramTrainer) against
sentencepiece (spm_train through its Python package) and tokenizers' UnigramTrainer, in the same
run, on the same text (default: ~6.5 MB of ../shared/corpora/en), same vocabulary size (16k).
Each engine runs in its own process; the table gives wall time, CPU time, peak memory and ratios.

    .venv/bin/python Benchmarks/bench_train_unigram.py [--vocab-size 16000] [--threads 2] [files…]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SWIFTTOK_SHARED", REPO.parent / "shared"))
DEFAULT_FILES = ["en/big.txt", "en/botchan.txt"]  # 6.5 MB

SPM = """
import sentencepiece as spm, sys
spm.SentencePieceTrainer.train(input=sys.argv[1], model_prefix=sys.argv[2], vocab_size=int(sys.argv[3]),
    model_type="unigram", character_coverage=1.0, num_threads=int(sys.argv[4]), minloglevel=2)
"""
HF = """
import os, sys
os.environ["RAYON_NUM_THREADS"] = sys.argv[4]
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
t = Tokenizer(models.Unigram())
t.normalizer = normalizers.Sequence([normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\\u2581", prepend_scheme="always")
t.decoder = decoders.Metaspace(replacement="\\u2581", prepend_scheme="always")
t.train(sys.argv[1].split(","), trainers.UnigramTrainer(vocab_size=int(sys.argv[3]), special_tokens=["<pad>", "</s>", "<unk>"],
                                                       unk_token="<unk>", show_progress=False))
t.save(sys.argv[2])
"""


def measure(argv, env=None):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if status != 0:
        sys.exit(f"{argv[0]} failed: {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--vocab-size", type=int, default=16000)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--swifttok", default=os.environ.get("SWIFTTOK", str(REPO / ".build/release/swifttok-cli")))
    ap.add_argument("--skip-tokenizers", action="store_true", help="tokenizers is the slowest; skip it")
    args = ap.parse_args()
    files = args.files or [str(SHARED / "corpora" / f) for f in DEFAULT_FILES]
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        sys.exit(f"corpus not found: {missing} (set SWIFTTOK_SHARED or pass files)")
    size = sum(Path(f).stat().st_size for f in files)
    tmp = Path(tempfile.mkdtemp(prefix="bench_unigram_"))
    py = sys.executable
    rows = []
    wall, cpu, mem, err = measure([args.swifttok, "train", "--preset", "t5", *files, "--vocab-size", str(args.vocab_size),
                                   "--threads", str(args.threads), "--quiet", "-o", str(tmp / "swifttok.json")])
    rows.append(("swifttok", wall, cpu, mem))
    print(err.strip(), file=sys.stderr)
    rows.append(("sentencepiece", *measure([py, "-c", SPM, ",".join(files), str(tmp / "spm"), str(args.vocab_size),
                                            str(args.threads)])[:3]))
    if not args.skip_tokenizers:
        rows.append(("tokenizers", *measure([py, "-c", HF, ",".join(files), str(tmp / "hf.json"), str(args.vocab_size),
                                             str(args.threads)])[:3]))
    base = rows[0]
    print(f"\nUnigram {args.vocab_size} on {size / 1e6:.1f} MB ({len(files)} files), {args.threads} threads")
    print(f"| engine | wall s | CPU s | peak MB | wall vs swifttok | MB/s |")
    print(f"|---|---|---|---|---|---|")
    for name, wall, cpu, mem in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {mem:.0f} | {wall / base[1]:.2f}x | {size / 1e6 / wall:.2f} |")


if __name__ == "__main__":
    main()
