"""Python benchmark: swifttok through this package side by side with tokenizers, tiktoken, gigatoken
and fastokens, on the same documents in one run; and swifttok's native throughput for the
Python/native ratio, measured two ways: the C batch call into flat buffers timed in the same
process as the Python API (the floor's measure), and the CLI's `swifttok bench --docs jsonl`.

Batch throughput (MB/s of UTF-8 input, best of --repeat passes after a warm-up, so caches are warm)
with 1 thread and all cores. swifttok's shapes (C flat buffers, Python lists through the library's
builtins, the same lists through the ctypes path, numpy) run interleaved in one process, so load on a
shared machine hits them alike. "lists" includes building
a Python list of ints for every document (as tokenizers' `[e.ids for e in encode_batch(...)]`).
Each peer and thread count runs in its own subprocess (the Rust peers size their thread pools once
per process, from RAYON_NUM_THREADS). A peer that is not installed is reported as missing, never
fails the run. Ids are checked against the reference library (tokenizers / tiktoken) on the first
200 documents of each run.

Latency: one short sentence, per call, every engine in one process, interleaved rounds (median of
7 rounds of --calls calls; thread CPU time and wall time).

    python python/bench_python.py [--shared ../shared] [--mb 4] [--repeat 5] [--swifttok PATH] [--quick]

Floors (issue 4): Python batch throughput >= 80% of native, short sentence <= 2 us per call. The
batch floors are paired: in each round the C pass and the Python pass run back to back; the floor's
ratio is the median over the rounds of C time / Python time (wall, and CPU time at 1 thread).
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
VOCABS = {  # name: (file under vocab/, kind, tiktoken rank file under vocab/ for the same ids, or None)
    "cl100k_base": ("cl100k_base/cl100k_base.tiktoken", "tiktoken", "cl100k_base/cl100k_base.tiktoken"),
    "gpt2": ("gpt2/tokenizer.json", "json", "r50k_base/r50k_base.tiktoken"),  # tiktoken's gpt2 = r50k_base ranks
    "bert-base-uncased": ("bert-base-uncased/tokenizer.json", "json", None),
}
PEERS = ["tokenizers", "tiktoken", "gigatoken", "fastokens"]
LATENCY = ["swifttok", "tokenizers", "tiktoken", "gigatoken", "fastokens"]


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


def tiktoken_encoding(name, path):
    """tiktoken's Encoding for vocabulary `name` with its rank file read from `path` (no download)."""
    import tiktoken
    from tiktoken_ext import openai_public

    ctor = {"cl100k_base": openai_public.cl100k_base, "gpt2": openai_public.r50k_base}[name]
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda url, expected_hash=None: original(str(path), expected_hash=expected_hash)
    try:
        return tiktoken.Encoding(**ctor())
    finally:
        openai_public.load_tiktoken_bpe = original


# --- workers -----------------------------------------------------------------------------------------

def make_peer(engine, name, path, kind, tik_path, threads):
    """(batch(docs) -> result, one(text) -> ids, ids_of(result) -> lists) for a peer, or None when
    it has no API for this vocabulary. ImportError when it is not installed."""
    as_lists = lambda r: [list(x) for x in r]  # noqa: E731
    if engine == "tokenizers":
        if kind != "json":
            return None
        import tokenizers
        t = tokenizers.Tokenizer.from_file(path)
        one = lambda s: t.encode(s, add_special_tokens=False).ids  # noqa: E731
        if threads == 1:
            return (lambda d: [t.encode(x, add_special_tokens=False).ids for x in d], one, as_lists)
        return (lambda d: [e.ids for e in t.encode_batch_fast(d, add_special_tokens=False)], one, as_lists)
    if engine == "tiktoken":
        if not tik_path:
            return None
        enc = tiktoken_encoding(name, tik_path)
        return (lambda d: enc.encode_ordinary_batch(d, num_threads=threads),
                lambda s: enc.encode_ordinary(s), as_lists)
    if engine == "gigatoken":
        import gigatoken
        t = gigatoken.Tokenizer.from_tiktoken(path) if kind == "tiktoken" else gigatoken.Tokenizer(path)
        return (lambda d: t.encode_batch_list(d, parallel=threads != 1), lambda s: t.encode(s), as_lists)
    if engine == "fastokens":
        import fastokens
        import numpy as np
        t = fastokens.Tokenizer.from_tiktoken(path, encoding="cl100k_base") if kind == "tiktoken" \
            else fastokens.Tokenizer.from_file(path)

        def split(r):
            ids, offsets = np.frombuffer(r[0], np.uint32), np.frombuffer(r[1], np.uint64)
            return [ids[offsets[i]:offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
        return (lambda d: t.encode_batch_flat(d), lambda s: t.encode(s).ids, split)
    if engine == "swifttok":
        import swifttok
        t = swifttok.Tokenizer.from_file(path)
        return (None, lambda s: t.encode_ids(s, add_special_tokens=False), None)
    raise ValueError(engine)


def timed(fn, repeat):
    """Best wall and best process-CPU seconds of `repeat` runs of fn (after one warm-up run)."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def digest(lists):
    h = hashlib.sha1()
    for ids in lists:
        h.update(json.dumps([int(i) for i in ids]).encode())
    return h.hexdigest()


def swifttok_batch_worker(args, docs, size):
    """swifttok's three batch shapes, interleaved pass by pass in this one process:
    "C" = the C batch call on the joined UTF-8 and offsets (prepared outside the timing) into the
    library's flat buffers: the native cost through the ABI; "lists" = encode_batch(docs) from str
    to a list of int lists per document; "numpy" = encode_batch_numpy(docs) from str."""
    import array
    import ctypes
    import swifttok

    t = swifttok.Tokenizer.from_file(args.path)
    cdll, h = t._lib, t._handle
    encoded = [d.encode() for d in docs]
    data = b"".join(encoded)
    offsets = array.array({4: "I", 8: "Q"}[ctypes.sizeof(ctypes.c_size_t)], [0])
    for e in encoded:
        offsets.append(offsets[-1] + len(e))
    out = ctypes.c_void_p()

    def native_c():
        status = cdll.swifttok_encode_batch_flat(h.ptr, data, offsets.buffer_info()[0], len(encoded), 0,
                                                 args.threads, ctypes.byref(out))
        if status:
            raise RuntimeError(f"swifttok_encode_batch_flat: status {status}")
        cdll.swifttok_batch_free(out.value)

    # The same lists through the ctypes path (the package's reference path and its fallback where
    # the library's Python builtins are unavailable), for comparison.
    tc = swifttok.Tokenizer.from_file(args.path)
    tc._drop_builtins()
    shapes = {
        "C": native_c,
        "lists": lambda: t.encode_batch(docs, add_special_tokens=False, num_threads=args.threads),
        "lists (ctypes path)": lambda: tc.encode_batch(docs, add_special_tokens=False, num_threads=args.threads),
        "numpy": lambda: t.encode_batch_numpy(docs, add_special_tokens=False, num_threads=args.threads),
    }
    fb = t.encode_batch_numpy(docs[:200], add_special_tokens=False, num_threads=args.threads)
    result = {
        "builtins": t.uses_builtins,
        "digest": {"lists": digest(t.encode_batch(docs[:200], add_special_tokens=False, num_threads=args.threads)),
                   "lists (ctypes path)": digest(tc.encode_batch(docs[:200], add_special_tokens=False,
                                                                 num_threads=args.threads)),
                   "numpy": digest(fb.ids[fb.offsets[i]:fb.offsets[i + 1]].tolist() for i in range(len(fb.offsets) - 1))},
    }
    best = {k: [float("inf"), float("inf")] for k in shapes}
    passes = {k: [] for k in shapes}  # (wall, cpu) per round, for the paired ratios
    for _ in range(args.repeat):
        for k, fn in shapes.items():
            # Each timed pass right after an untimed one of the same shape: the ctypes-path shape
            # runs on its own tokenizer, whose caches evict the other's (a shape timed after it
            # measured ~15% slower than after itself, an order effect, not a cost of the shape).
            fn()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            best[k] = [min(best[k][0], wall), min(best[k][1], cpu)]
            passes[k].append((wall, cpu))
    for k, (wall, cpu) in best.items():
        # Paired: each round's C pass over this shape's pass of the same round (adjacent in time,
        # so a burst of load on the shared machine hits both), the median over the rounds.
        paired = [(c[0] / x[0], c[1] / max(x[1], 1e-9)) for c, x in zip(passes["C"], passes[k])]
        result[k] = {"mb_per_s": size / wall / 1e6, "cpu_mb_per_s": size / max(cpu, 1e-9) / 1e6,
                     "paired_wall": statistics.median(r[0] for r in paired),
                     "paired_cpu": statistics.median(r[1] for r in paired)}
    return result


def batch_worker(args):
    docs = [json.loads(line) for line in Path(args.docs).read_text(encoding="utf-8").splitlines()]
    size = sum(len(d.encode()) for d in docs)
    if args.engine == "swifttok":
        print(json.dumps(swifttok_batch_worker(args, docs, size)))
        return
    try:
        made = make_peer(args.engine, args.name, args.path, args.kind, args.tik, args.threads)
    except ImportError as e:
        print(json.dumps({"missing": str(e)}))
        return
    if made is None:
        print(json.dumps({"skip": "no such API for this vocabulary"}))
        return
    batch, _, ids_of = made
    result = {"digest": digest(ids_of(batch(docs[:200])))}
    wall, cpu = timed(lambda: batch(docs), args.repeat)
    result["mb_per_s"] = size / wall / 1e6
    # CPU time of the whole process (all its threads): with 1 thread, a measure that a busy
    # shared machine disturbs far less than wall time.
    result["cpu_mb_per_s"] = size / max(cpu, 1e-9) / 1e6
    print(json.dumps(result))


def latency_worker(args):
    """Per-call latency of SENTENCE for every engine that loads this vocabulary, in one process:
    7 rounds, each timing --calls calls of every engine in turn; the median round per engine."""
    calls = {}
    for engine in LATENCY:
        try:
            made = make_peer(engine, args.name, args.path, args.kind, args.tik, 1)
        except ImportError:
            continue
        if made is not None:
            calls[engine] = made[1]
    if "swifttok" in calls:
        import swifttok
        t = swifttok.Tokenizer.from_file(args.path)
        calls["swifttok count_tokens"] = lambda s: t.count_tokens(s, add_special_tokens=False)
        calls["swifttok encode().ids"] = lambda s: t.encode(s, add_special_tokens=False).ids
        tc = swifttok.Tokenizer.from_file(args.path)
        tc._drop_builtins()  # The ctypes path (reference and fallback), for comparison.
        calls["swifttok encode_ids (ctypes)"] = lambda s: tc.encode_ids(s, add_special_tokens=False)
        calls["swifttok count_tokens (ctypes)"] = lambda s: tc.count_tokens(s, add_special_tokens=False)
        calls["swifttok encode().ids (ctypes)"] = lambda s: tc.encode(s, add_special_tokens=False).ids
    results = {e: {"ids": [int(i) for i in fn(SENTENCE)] if "count" not in e else None, "cpu": [], "wall": []}
               for e, fn in calls.items()}
    for fn in calls.values():
        for _ in range(min(args.calls, 2000)):
            fn(SENTENCE)
    for _ in range(7):
        for e, fn in calls.items():
            n = args.calls // 4 if "encode()" in e else args.calls
            c0, w0 = time.thread_time(), time.perf_counter()
            for _ in range(n):
                fn(SENTENCE)
            results[e]["cpu"].append((time.thread_time() - c0) / n * 1e6)
            results[e]["wall"].append((time.perf_counter() - w0) / n * 1e6)
    print(json.dumps({e: {"ids": r["ids"], "cpu_us": statistics.median(r["cpu"]),
                          "wall_us": statistics.median(r["wall"])} for e, r in results.items()}))


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


def run_worker(kind_of_worker, engine, name, path, kind, tik, threads, docs_file, args):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    cmd = [sys.executable, __file__, "--worker", kind_of_worker, engine, name, str(path), kind, tik or "-", str(threads),
           docs_file, "--repeat", str(args.repeat), "--calls", str(args.calls)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"failed": (proc.stderr.strip().splitlines() or ["?"])[-1][:80]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared")
    ap.add_argument("--mb", type=float, default=4)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--calls", type=int, default=20000, help="calls per latency round")
    ap.add_argument("--swifttok", help="the swifttok CLI for the CLI-native numbers")
    ap.add_argument("--only", help="comma-separated vocabularies (default: all)")
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke run (well under a minute): cl100k_base only, 0.5 MB, swifttok's batch shapes "
                         "only (no peers, no CLI), latency of every installed engine")
    ap.add_argument("--worker", nargs=8, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        which, args.engine, args.name, args.path, args.kind, tik, threads, args.docs = args.worker
        args.tik = None if tik == "-" else tik
        args.threads = int(threads)
        return batch_worker(args) if which == "batch" else latency_worker(args)
    if args.quick:
        args.mb, args.only = min(args.mb, 0.5), args.only or "cl100k_base"
        args.repeat = 9 if "--repeat" not in sys.argv[1:] else args.repeat  # 0.5 MB passes: cheap
        args.calls = min(args.calls, 20000)

    shared = find_shared(args.shared)
    docs, size = english_documents(shared, args.mb)
    cores = os.cpu_count() or 1
    cli = None if args.quick else find_cli(args.swifttok)
    tmp = tempfile.mkdtemp(prefix="swifttok-bench-")
    docs_file = os.path.join(tmp, "docs.jsonl")
    with open(docs_file, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    import swifttok
    print(f"swifttok {swifttok.library_version()} ({swifttok.library_path()}); CLI native: {cli or 'not run'}")
    why = swifttok._native.python_functions_unavailable()
    print("Python builtins: " + (f"not used ({why}): every swifttok row is the ctypes path" if why else
                                 "used (encode_ids, count_tokens, lists); '(ctypes)' rows: the reference path"))
    print(f"{len(docs)} English documents, {size / 1e6:.1f} MB; {cores} cores; Python {sys.version.split()[0]}")
    print(f"load average {os.getloadavg()[0]:.1f} at start (shared machine: compare ratios within this run)\n")

    thread_counts = [1] if cores == 1 else [1, cores]
    floors = []
    for name, (rel, kind, tik_rel) in VOCABS.items():
        if args.only and name not in args.only.split(","):
            continue
        path = shared / "vocab" / rel
        tik = str(shared / "vocab" / tik_rel) if tik_rel and (shared / "vocab" / tik_rel).is_file() else None
        if not path.is_file():
            print(f"{name}: {path} missing, skipped")
            continue
        rows, digests = [], {}
        ref_engine = "tokenizers" if kind == "json" else "tiktoken"
        for threads in thread_counts:
            if cli:
                try:
                    r = native(cli, str(path), docs_file, threads, args.repeat)
                    rows.append(("swifttok native (CLI bench)", threads, r["mb_per_s"], "", r["cpu_mb_per_s"]))
                except (subprocess.CalledProcessError, ValueError, KeyError) as e:
                    rows.append(("swifttok native (CLI bench)", threads, None, f"failed: {e}", None))
            r = run_worker("batch", "swifttok", name, path, kind, tik, threads, docs_file, args)
            if "failed" in r:
                rows.append(("swifttok", threads, None, "failed: " + r["failed"], None))
            else:
                c = r["C"]
                rows.append(("swifttok C batch (flat buffers)", threads, c["mb_per_s"], "", c["cpu_mb_per_s"]))
                for shape in ("lists", "lists (ctypes path)", "numpy"):
                    x = r[shape]
                    rows.append((f"swifttok Python {shape}", threads, x["mb_per_s"], "", x["cpu_mb_per_s"]))
                    digests[(f"swifttok Python {shape}", threads)] = r["digest"][shape]
                    if "ctypes" in shape:
                        continue  # Shown for comparison; the floors are on the path the package takes.
                    # The floors on paired passes (see swifttok_batch_worker): steadier than the
                    # table's best pass of each shape, which a burst of load can hit on one side only.
                    if threads == 1:  # CPU time: the stable measure on a shared machine
                        floors.append((f"{name} 1 thread: Python {shape} / C batch (CPU time)",
                                       x["paired_cpu"], 0.8, ">="))
                    floors.append((f"{name} {threads} thread(s): Python {shape} / C batch (wall)",
                                   x["paired_wall"], 0.8, ">="))
            for engine in ([] if args.quick else PEERS):
                r = run_worker("batch", engine, name, path, kind, tik, threads, docs_file, args)
                if "failed" in r:
                    rows.append((engine, threads, None, "failed: " + r["failed"], None))
                elif "missing" in r:
                    rows.append((engine, threads, None, "not installed", None))
                elif "skip" not in r:
                    digests[(engine, threads)] = r["digest"]
                    rows.append((engine, threads, r["mb_per_s"], "", r["cpu_mb_per_s"]))
        ref = {t: d for (e, t), d in digests.items() if e == ref_engine}
        print(f"== {name} ({kind}) batch; ratio = MB/s / swifttok C batch at the same thread count; "
              f"ids = same as {ref_engine} on the first 200 documents")
        print("   (MB/s wall; MB/s of process CPU time, and its ratio)")
        print(f"{'engine':<34} {'threads':>7} {'MB/s':>9} {'ratio':>7} {'CPU MB/s':>9} {'ratio':>7}  ids")
        base = {t: v for (e, t, v, _, _) in rows if e.startswith("swifttok C") and v}
        base_cpu = {t: c for (e, t, _, _, c) in rows if e.startswith("swifttok C") and c}
        for engine, threads, value, note, cpu in rows:
            same = ""
            if (engine, threads) in digests and threads in ref:
                same = "same" if digests[(engine, threads)] == ref[threads] else "DIFFERENT"
            if value is None:
                print(f"{engine:<34} {threads:>7} {'-':>9} {'':>7} {'':>9} {'':>7}  {note}")
            else:
                ratio = f"{value / base[threads]:.2f}" if threads in base else ""
                c = f"{cpu:.1f}" if cpu else ""
                cr = f"{cpu / base_cpu[threads]:.2f}" if cpu and threads in base_cpu else ""
                print(f"{engine:<34} {threads:>7} {value:>9.1f} {ratio:>7} {c:>9} {cr:>7}  {same}")

        lat = run_worker("latency", "-", name, path, kind, tik, 1, docs_file, args)
        print(f"\n{'short sentence, 1 thread':<34} {'us/call CPU':>12} {'us/call wall':>13} {'CPU ratio':>10}  ids")
        if "failed" in lat:
            print(f"  latency run failed: {lat['failed']}")
        else:
            ref_ids = lat.get(ref_engine, {}).get("ids")
            ours = lat.get("swifttok", {}).get("cpu_us")
            for engine, r in lat.items():
                same = "" if r["ids"] is None or ref_ids is None else ("same" if r["ids"] == ref_ids else "DIFFERENT")
                ratio = f"{r['cpu_us'] / ours:.2f}" if ours else ""
                label = "swifttok encode_ids" if engine == "swifttok" else engine
                print(f"{label:<34} {r['cpu_us']:>12.2f} {r['wall_us']:>13.2f} {ratio:>10}  {same}")
            if ours is not None:
                floors.append((f"{name}: swifttok encode_ids, short sentence (us/call, CPU)", ours, 2.0, "<="))
        print()
    if floors:
        print(f"floors (issue 4; batch ratios: median over {args.repeat} rounds of the ratio of a round's passes):")
        for what, value, floor, sense in floors:
            ok = value <= floor if sense == "<=" else value >= floor
            print(f"  {what:<62} {value:6.2f}  (floor {sense} {floor})  {'ok' if ok else 'NOT MET'}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
