"""Informational benchmark: swifttok through Python (ctypes) against tokenizers and tiktoken.

Batch throughput (MB/s of UTF-8 input) on the same English documents, 1 thread and all cores, and
the per-call latency of encoding one short sentence.

    python python/bench_python.py [--shared ../shared] [--mb 8] [--repeat 3]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import swifttok

SENTENCE = "The quick brown fox jumps over the lazy dog, again and again."


def find_shared(arg):
    if arg:
        return Path(arg)
    repo = Path(__file__).resolve().parents[1]
    for candidate in (repo.parent / "shared", repo.parent.parent / "shared"):
        if (candidate / "vocab").is_dir():
            return candidate
    sys.exit("../shared not found: pass --shared")


def english_documents(shared, megabytes):
    """Paragraphs of the English corpus, in file order, up to `megabytes` of UTF-8."""
    docs, size, limit = [], 0, megabytes * 1_000_000
    for path in sorted((shared / "corpora" / "en").glob("*.txt")):
        for p in path.read_text(encoding="utf-8").split("\n\n"):
            if p.strip():
                docs.append(p)
                size += len(p.encode())
                if size >= limit:
                    return docs, size
    return docs, size


def best_seconds(fn, repeat):
    fn()  # Warm-up: caches, thread start.
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def latency_us(fn, n=20000):
    for _ in range(1000):
        fn()
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(samples)


def cl100k(path):
    import tiktoken
    from tiktoken_ext import openai_public

    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda url, expected_hash=None: original(str(path), expected_hash=expected_hash)
    try:
        return tiktoken.Encoding(**openai_public.cl100k_base())
    finally:
        openai_public.load_tiktoken_bpe = original


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared")
    ap.add_argument("--mb", type=float, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = find_shared(args.shared)
    docs, size = english_documents(shared, args.mb)
    cores = os.cpu_count() or 1
    print(f"swifttok {swifttok.library_version()} ({swifttok.library_path()}); {len(docs)} English documents, "
          f"{size / 1e6:.1f} MB; {cores} cores")
    rows = []

    import tokenizers

    for name in ("gpt2", "bert-base-uncased", "llama3"):
        path = shared / "vocab" / name / "tokenizer.json"
        if not path.is_file():
            continue
        ours, ref = swifttok.Tokenizer.from_file(path), tokenizers.Tokenizer.from_file(str(path))
        assert ours.encode_batch(docs[:200]) == [e.ids for e in ref.encode_batch(docs[:200])]
        for threads in (1, cores):
            os.environ["RAYON_NUM_THREADS"] = str(threads)  # Read by tokenizers only at pool start.
            t_ours = best_seconds(lambda: ours.encode_batch(docs, num_threads=threads), args.repeat)
            t_np = best_seconds(lambda: ours.encode_batch_numpy(docs, num_threads=threads), args.repeat)
            rows.append((name, threads, "swifttok encode_batch (lists)", size / t_ours / 1e6))
            rows.append((name, threads, "swifttok encode_batch_numpy", size / t_np / 1e6))
        # tokenizers' rayon pool size is fixed at first use in the process: measure it once with
        # its default (all cores), and single-threaded with plain encode calls.
        t_ref_1 = best_seconds(lambda: [ref.encode(d).ids for d in docs], args.repeat)
        t_ref_n = best_seconds(lambda: [e.ids for e in ref.encode_batch_fast(docs)], args.repeat)
        rows.append((name, 1, "tokenizers encode (loop)", size / t_ref_1 / 1e6))
        rows.append((name, cores, "tokenizers encode_batch_fast", size / t_ref_n / 1e6))
        rows.append((name, 1, "latency: swifttok encode(...).ids", latency_us(lambda: ours.encode(SENTENCE).ids)))
        rows.append((name, 1, "latency: swifttok encode_ids", latency_us(lambda: ours.encode_ids(SENTENCE))))
        rows.append((name, 1, "latency: swifttok count_tokens", latency_us(lambda: ours.count_tokens(SENTENCE))))
        rows.append((name, 1, "latency: tokenizers encode(...).ids", latency_us(lambda: ref.encode(SENTENCE).ids)))

    tik_path = shared / "vocab" / "cl100k_base" / "cl100k_base.tiktoken"
    if tik_path.is_file():
        ours, enc = swifttok.Tokenizer.from_file(tik_path), cl100k(tik_path)
        assert ours.encode_batch(docs[:200]) == enc.encode_ordinary_batch(docs[:200])
        for threads in (1, cores):
            t_ours = best_seconds(lambda: ours.encode_batch(docs, num_threads=threads), args.repeat)
            t_ref = best_seconds(lambda: enc.encode_ordinary_batch(docs, num_threads=threads), args.repeat)
            rows.append(("cl100k_base", threads, "swifttok encode_batch (lists)", size / t_ours / 1e6))
            rows.append(("cl100k_base", threads, "tiktoken encode_ordinary_batch", size / t_ref / 1e6))
        rows.append(("cl100k_base", 1, "latency: swifttok encode(...).ids", latency_us(lambda: ours.encode(SENTENCE).ids)))
        rows.append(("cl100k_base", 1, "latency: swifttok encode_ids", latency_us(lambda: ours.encode_ids(SENTENCE))))
        rows.append(("cl100k_base", 1, "latency: swifttok count_tokens", latency_us(lambda: ours.count_tokens(SENTENCE))))
        rows.append(("cl100k_base", 1, "latency: tiktoken encode_ordinary", latency_us(lambda: enc.encode_ordinary(SENTENCE))))

    print(f"{'vocabulary':<18} {'threads':>7}  {'what':<38} {'value':>10}")
    for name, threads, what, value in rows:
        unit = "us/call" if what.startswith("latency") else "MB/s"
        print(f"{name:<18} {threads:>7}  {what:<38} {value:>10.2f} {unit}")


if __name__ == "__main__":
    main()
