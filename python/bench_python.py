"""Python benchmark: swifttok through this package side by side with tokenizers, tiktoken, gigatoken
and fastokens, on the same documents in one run; and swifttok's native throughput (the CLI's
`swifttok bench --docs jsonl` on the very same documents) for the Python/native ratio.

Batch throughput (MB/s of UTF-8 input, best of --repeat passes after a warm-up, so caches are warm)
with 1 thread and all cores; the per-call latency of one short sentence (median of 7 runs of
--calls calls, thread CPU time and wall time). Each engine and thread count runs in its own
subprocess (the Rust peers size their thread pools once per process, from RAYON_NUM_THREADS).
A peer that is not installed is reported as missing, never fails the run. Ids are checked against
the reference library (tokenizers / tiktoken) on the first 200 documents of each run.

    python python/bench_python.py [--shared ../shared] [--mb 4] [--repeat 3] [--swifttok PATH]

Floors (issue 4): Python batch throughput >= 80% of native, short sentence <= 2 us per call.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "The quick brown fox jumps over the lazy dog, again and again."
REPO = Path(__file__).resolve().parents[1]
VOCABS = {  # name: (file under vocab/, kind)
    "gpt2": ("gpt2/tokenizer.json", "json"),
    "cl100k_base": ("cl100k_base/cl100k_base.tiktoken", "tiktoken"),
}
ENGINES = ["swifttok", "swifttok-numpy", "tokenizers", "tiktoken", "gigatoken", "fastokens"]


def find_shared(arg):
    if arg:
        return Path(arg)
    if os.environ.get("SWIFTTOK_SHARED"):
        return Path(os.environ["SWIFTTOK_SHARED"])
    for candidate in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (candidate / "vocab").is_dir():
            return candidate
    sys.exit("../shared not found: pass --shared or set SWIFTTOK_SHARED")


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


def cl100k(path):
    """tiktoken's cl100k_base Encoding with the rank file read from `path` (no download)."""
    import tiktoken
    from tiktoken_ext import openai_public

    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda url, expected_hash=None: original(str(path), expected_hash=expected_hash)
    try:
        return tiktoken.Encoding(**openai_public.cl100k_base())
    finally:
        openai_public.load_tiktoken_bpe = original


# --- worker: one engine, one vocabulary, one thread count ------------------------------------------

def make_engine(engine, path, kind, threads):
    """(batch(docs) -> list of id sequences or a flat result, one(text) -> ids, ids_of(result) -> lists)."""
    as_lists = lambda r: [list(x) for x in r]  # noqa: E731
    if engine in ("swifttok", "swifttok-numpy"):
        import swifttok
        t = swifttok.Tokenizer.from_file(path)
        if engine == "swifttok":
            return (lambda d: t.encode_batch(d, add_special_tokens=False, num_threads=threads),
                    lambda s: t.encode_ids(s, add_special_tokens=False), as_lists)
        import numpy as np

        def split(fb):
            return [fb.ids[fb.offsets[i]:fb.offsets[i + 1]].tolist() for i in range(len(fb.offsets) - 1)]
        return (lambda d: t.encode_batch_numpy(d, add_special_tokens=False, num_threads=threads),
                lambda s: t.encode_ids(s, add_special_tokens=False), split)
    if engine == "tokenizers":
        if kind != "json":
            return None
        import tokenizers
        t = tokenizers.Tokenizer.from_file(path)
        if threads == 1:
            return (lambda d: [t.encode(x, add_special_tokens=False).ids for x in d],
                    lambda s: t.encode(s, add_special_tokens=False).ids, as_lists)
        return (lambda d: [e.ids for e in t.encode_batch_fast(d, add_special_tokens=False)],
                lambda s: t.encode(s, add_special_tokens=False).ids, as_lists)
    if engine == "tiktoken":
        if kind != "tiktoken":
            return None
        enc = cl100k(path)
        return (lambda d: enc.encode_ordinary_batch(d, num_threads=threads),
                lambda s: enc.encode_ordinary(s), as_lists)
    if engine == "gigatoken":
        import gigatoken
        t = gigatoken.Tokenizer.from_tiktoken(path) if kind == "tiktoken" else gigatoken.Tokenizer(path)
        return (lambda d: t.encode_batch_list(d, parallel=threads != 1),
                lambda s: t.encode(s), as_lists)
    if engine == "fastokens":
        import fastokens
        import numpy as np
        t = fastokens.Tokenizer.from_tiktoken(path, encoding="cl100k_base") if kind == "tiktoken" \
            else fastokens.Tokenizer.from_file(path)

        def split(r):
            ids, offsets = np.frombuffer(r[0], np.uint32), np.frombuffer(r[1], np.uint64)
            return [ids[offsets[i]:offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
        return (lambda d: t.encode_batch_flat(d), lambda s: t.encode(s).ids, split)
    raise ValueError(engine)


def latency(fn, calls):
    for _ in range(min(calls, 2000)):
        fn()
    cpu, wall = [], []
    for _ in range(7):
        c0, w0 = time.thread_time(), time.perf_counter()
        for _ in range(calls):
            fn()
        cpu.append((time.thread_time() - c0) / calls * 1e6)
        wall.append((time.perf_counter() - w0) / calls * 1e6)
    return statistics.median(cpu), statistics.median(wall)


def digest(lists):
    h = hashlib.sha1()
    for ids in lists:
        h.update(json.dumps([int(i) for i in ids]).encode())
    return h.hexdigest()


def worker(args):
    docs = [json.loads(line) for line in Path(args.docs).read_text(encoding="utf-8").splitlines()]
    size = sum(len(d.encode()) for d in docs)
    try:
        made = make_engine(args.engine, args.path, args.kind, args.threads)
    except ImportError as e:
        print(json.dumps({"missing": str(e)}))
        return
    if made is None:
        print(json.dumps({"skip": "no such API for this vocabulary"}))
        return
    batch, one, ids_of = made
    result = {"digest": digest(ids_of(batch(docs[:200])))}
    batch(docs)  # Warm-up: caches, thread start.
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        batch(docs)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    result["mb_per_s"] = size / min(times) / 1e6
    # CPU time of the whole process (all its threads): with 1 thread, a measure that a busy
    # shared machine disturbs far less than wall time.
    result["cpu_mb_per_s"] = size / max(min(cpu), 1e-9) / 1e6
    if args.threads == 1 and args.calls:
        result["sentence_ids"] = [int(i) for i in one(SENTENCE)]
        result["latency_cpu_us"], result["latency_wall_us"] = latency(lambda: one(SENTENCE), args.calls)
        if args.engine == "swifttok":
            import swifttok
            t = swifttok.Tokenizer.from_file(args.path)
            result["latency_encode_cpu_us"], _ = latency(lambda: t.encode(SENTENCE).ids, args.calls // 4)
            result["latency_count_cpu_us"], _ = latency(lambda: t.count_tokens(SENTENCE), args.calls)
    print(json.dumps(result))


# --- driver ------------------------------------------------------------------------------------------

def find_cli(arg):
    for c in (arg, os.environ.get("SWIFTTOK"), str(REPO / ".build-static/release/swifttok-cli"),
              str(REPO / ".build/release/swifttok-cli"), shutil.which("swifttok")):
        if c and Path(c).is_file():
            return c
    return None


def native(cli, path, docs_file, threads, repeat):
    """The CLI's bench JSON, plus cpu_mb_per_s: the CPU seconds of `repeat` extra passes (a run
    with 1 + repeat passes minus a run with 1 pass, from the children's rusage)."""
    import resource

    def run(passes):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([cli, "bench", "-t", path, docs_file, "--docs", "jsonl", "--threads", str(threads),
                              "--max-doc-bytes", str(1 << 40), "--repeats", str(passes)],
                             capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return json.loads(out.stdout.strip().splitlines()[-1]), cpu

    result, cpu_many = run(1 + repeat)
    _, cpu_one = run(1)
    result["cpu_mb_per_s"] = result["bytes"] * repeat / max(cpu_many - cpu_one, 1e-9) / 1e6
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared")
    ap.add_argument("--mb", type=float, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--calls", type=int, default=20000, help="calls per latency run")
    ap.add_argument("--swifttok", help="the swifttok CLI for the native numbers")
    ap.add_argument("--only", help="comma-separated vocabularies")
    ap.add_argument("--worker", nargs=5, metavar=("ENGINE", "PATH", "KIND", "THREADS", "DOCS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        args.engine, args.path, args.kind, threads, args.docs = args.worker
        args.threads = int(threads)
        return worker(args)

    shared = find_shared(args.shared)
    docs, size = english_documents(shared, args.mb)
    cores = os.cpu_count() or 1
    cli = find_cli(args.swifttok)
    tmp = tempfile.mkdtemp(prefix="swifttok-bench-")
    docs_file = os.path.join(tmp, "docs.jsonl")
    with open(docs_file, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    import swifttok
    print(f"swifttok {swifttok.library_version()} ({swifttok.library_path()}); native: {cli or 'swifttok CLI not found'}")
    print(f"{len(docs)} English documents, {size / 1e6:.1f} MB; {cores} cores; Python {sys.version.split()[0]}")
    print(f"load average {os.getloadavg()[0]:.1f} at start (shared machine: compare ratios within this run)\n")

    thread_counts = [1] if cores == 1 else [1, cores]
    floors = []
    for name, (rel, kind) in VOCABS.items():
        if args.only and name not in args.only.split(","):
            continue
        path = shared / "vocab" / rel
        if not path.is_file():
            print(f"{name}: {path} missing, skipped")
            continue
        rows, latencies, digests = [], [], {}
        ref_engine = "tokenizers" if kind == "json" else "tiktoken"
        for threads in thread_counts:
            nat = nat_cpu = None
            if cli:
                try:
                    r = native(cli, str(path), docs_file, threads, args.repeat)
                    nat, nat_cpu = r["mb_per_s"], r["cpu_mb_per_s"]
                    rows.append(("swifttok native (CLI bench)", threads, nat, "", nat_cpu))
                except (subprocess.CalledProcessError, ValueError, KeyError) as e:
                    rows.append(("swifttok native (CLI bench)", threads, None, f"failed: {e}", None))
            ours = None
            for engine in ENGINES:
                env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
                cmd = [sys.executable, __file__, "--worker", engine, str(path), kind, str(threads), docs_file,
                       "--repeat", str(args.repeat), "--calls", str(args.calls if threads == 1 else 0)]
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if proc.returncode != 0:
                    rows.append((engine, threads, None, "failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:80], None))
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                if "missing" in r:
                    rows.append((engine, threads, None, "not installed", None))
                    continue
                if "skip" in r:
                    continue
                digests[(engine, threads)] = r["digest"]
                if engine in ("swifttok", "swifttok-numpy") and nat:
                    shape = "lists" if engine == "swifttok" else "numpy"
                    if threads == 1:  # CPU time: stable on a shared machine
                        floors.append((f"{name} 1 thread: Python {shape} / native (CPU time)",
                                       r["cpu_mb_per_s"] / nat_cpu, 0.8))
                    floors.append((f"{name} {threads} thread(s): Python {shape} / native (wall)", r["mb_per_s"] / nat, 0.8))
                rows.append((engine, threads, r["mb_per_s"], "", r["cpu_mb_per_s"] if threads == 1 else None))
                if "latency_cpu_us" in r:
                    latencies.append((engine, r["latency_cpu_us"], r["latency_wall_us"], r["sentence_ids"]))
                    if engine == "swifttok":
                        latencies.append(("swifttok encode(text).ids", r["latency_encode_cpu_us"], None, None))
                        latencies.append(("swifttok count_tokens", r["latency_count_cpu_us"], None, None))
                        floors.append((f"{name}: encode_ids short sentence (us, CPU)", r["latency_cpu_us"], 2.0))
        ref = {t: d for (e, t), d in digests.items() if e == ref_engine}
        print(f"== {name} ({kind}); ratio = MB/s / swifttok Python (lists) at the same thread count; "
              f"ids = same as {ref_engine} on the first 200 documents")
        print("   (MB/s wall; with 1 thread also MB/s of process CPU time, and its ratio)")
        print(f"{'engine':<30} {'threads':>7} {'MB/s':>9} {'ratio':>7} {'CPU MB/s':>9} {'ratio':>7}  ids")
        base = {t: v for (e, t, v, _, _) in rows if e == "swifttok" and v}
        base_cpu = {t: c for (e, t, _, _, c) in rows if e == "swifttok" and c}
        for engine, threads, value, note, cpu in rows:
            same = ""
            if (engine, threads) in digests and threads in ref:
                same = "same" if digests[(engine, threads)] == ref[threads] else "DIFFERENT"
            if value is None:
                print(f"{engine:<30} {threads:>7} {'-':>9} {'':>7} {'':>9} {'':>7}  {note}")
            else:
                ratio = f"{value / base[threads]:.2f}" if threads in base else ""
                c = f"{cpu:.1f}" if cpu else ""
                cr = f"{cpu / base_cpu[threads]:.2f}" if cpu and threads in base_cpu else ""
                print(f"{engine:<30} {threads:>7} {value:>9.1f} {ratio:>7} {c:>9} {cr:>7}  {same}")
        print(f"\n{'short sentence, 1 thread':<30} {'us/call CPU':>12} {'us/call wall':>13}  ids")
        ref_ids = next((i for e, _, _, i in latencies if e == ref_engine), None)
        for engine, cpu, wall, ids in latencies:
            same = "" if ids is None or ref_ids is None else ("same" if ids == ref_ids else "DIFFERENT")
            print(f"{engine:<30} {cpu:>12.2f} {'' if wall is None else f'{wall:.2f}':>13}  {same}")
        print()
    if floors:
        print("floors (issue 4):")
        for what, value, floor in floors:
            ok = value <= floor if "us" in what else value >= floor
            print(f"  {what:<58} {value:6.2f}  (floor {'<=' if 'us' in what else '>='} {floor})  {'ok' if ok else 'NOT MET'}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
