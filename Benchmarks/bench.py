#!/usr/bin/env python3
"""Encode throughput of swifttok side by side with Hugging Face tokenizers and tiktoken.

Input: documents of ../shared/corpora (English, multilingual, code), split like the parity oracle
(paragraphs up to 4 KB, Tests/oracle/oracle/corpus.py). Each group is sampled to --mb MB (evenly spread
over its documents, fixed seed) and written to a temp file; every engine encodes the same documents:
  swifttok    `swifttok bench --tokenizer F --threads N --docs jsonl FILE` (the same documents)
  tokenizers  Tokenizer.encode_batch(docs, add_special_tokens=False), RAYON_NUM_THREADS=N
  tiktoken    Encoding.encode_ordinary_batch(docs, num_threads=N)
  sentencepiece  SentencePieceProcessor.encode(docs, num_threads=N) on the same vocabulary's .model file
  gigatoken   Tokenizer(tokenizer.json).encode_batch_list(docs) (parallel=False for 1 thread), rows in PEERS
  fastokens   Tokenizer.from_file(tokenizer.json).encode_batch_flat(docs), RAYON_NUM_THREADS=N, rows in PEERS
Python engines run in their own subprocess per measurement (so the thread count applies), after a
warm-up on the first 5% of the documents. MB = 10^6 bytes of UTF-8 input.

Every engine makes --passes timed passes over the documents (3; 2 with --quick), and each row is printed twice:
  warm   the best pass (caches of every engine warm: tokenizers' and swifttok's word caches)
  first  the first pass (text seen for the first time; the peers after the 5% warm-up, swifttok cold)
Ratios compare engines within the same kind of pass.

  .venv/bin/python Benchmarks/bench.py            # ~4 MB per group, 1 thread and all cores
  .venv/bin/python Benchmarks/bench.py --quick    # ~0.5 MB per group (CI smoke run)
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "oracle"))

from oracle.corpus import load_documents  # noqa: E402
from oracle.paths import VOCAB, shared_missing_reason, swifttok_binary  # noqa: E402

# name -> (swifttok file, tokenizers file or None, tiktoken encoding name or None)
VOCABS = {
    "gpt2": (VOCAB / "gpt2" / "tokenizer.json", VOCAB / "gpt2" / "tokenizer.json", "r50k_base"),
    "cl100k": (VOCAB / "cl100k_base" / "cl100k_base.tiktoken", None, "cl100k_base"),
    "bert-base-uncased": (VOCAB / "bert-base-uncased" / "tokenizer.json",
                          VOCAB / "bert-base-uncased" / "tokenizer.json", None),
    "llama3": (VOCAB / "llama3" / "tokenizer.json", VOCAB / "llama3" / "tokenizer.json", "llama3"),
    "o200k": (VOCAB / "o200k_base" / "o200k_base.tiktoken", None, "o200k_base"),
    "llama2": (VOCAB / "llama2" / "tokenizer.json", VOCAB / "llama2" / "tokenizer.json", None),
    "mistral-7b": (VOCAB / "mistral-7b-v0.1" / "tokenizer.json", VOCAB / "mistral-7b-v0.1" / "tokenizer.json", None),
    "xlnet": (VOCAB / "xlnet-base-cased" / "tokenizer.json", VOCAB / "xlnet-base-cased" / "tokenizer.json", None),
    # t5's tokenizer.json is converted from spiece.model by transformers on first use (oracle.vocabs).
    "t5": ("converted:t5", "converted:t5", None),
}
# name -> the same vocabulary as a SentencePiece .model file (a peer; its token counts may differ from
# tokenizers', which is the reference swifttok follows for tokenizer.json).
SENTENCEPIECE = {
    "llama2": VOCAB / "llama2" / "tokenizer.model",
    "mistral-7b": VOCAB / "mistral-7b-v0.1" / "tokenizer.model",
    "xlnet": VOCAB / "xlnet-base-cased" / "spiece.model",
    "t5": VOCAB / "t5" / "spiece.model",
}

# name -> the tokenizer.json-based engines that give tokenizers' ids exactly on the bench documents of
# every group (checked on 1 MB each: gigatoken on both, fastokens on llama2 — it rejects Mistral's
# Metaspace pre-tokenizer). The row's `tokens` column still checks their counts on every run.
PEERS = {
    "llama2": ("gigatoken", "fastokens"),
    "mistral-7b": ("gigatoken",),
}


def resolve(f):
    """A vocabulary path; "converted:NAME" is the oracle's converted tokenizer.json of NAME."""
    if isinstance(f, str) and f.startswith("converted:"):
        from oracle.vocabs import all_vocabs
        name = f.split(":", 1)[1]
        return next(v for v in all_vocabs() if v.name.startswith(name + " ")).files[0][1]
    return f
GROUPS = ("en", "multi", "code")


def sample_docs(group, mb, seed=1234):
    docs = load_documents(group)
    rng = random.Random(f"{seed}/{group}")
    order = list(range(len(docs)))
    rng.shuffle(order)
    picked, size = [], 0
    for i in order:
        if size >= mb * 1e6:
            break
        picked.append(i)
        size += len(docs[i].encode("utf-8"))
    return [docs[i] for i in sorted(picked)]


PASSES = 3   # timed passes per measurement (--passes)


def worker(engine, vocab_file, path, threads):
    """Runs in a subprocess: encodes the documents of `path` PASSES times and prints the best and the
    first pass's seconds, tokens, bytes."""
    docs = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    warm = docs[: max(1, len(docs) // 20)]
    if engine == "tokenizers":
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(vocab_file)
        tok.encode_batch(warm, add_special_tokens=False)
        encs, times = timed(lambda: tok.encode_batch(docs, add_special_tokens=False))
        ntok = sum(len(e.ids) for e in encs)
    elif engine == "sentencepiece":
        import sentencepiece
        sp = sentencepiece.SentencePieceProcessor(model_file=vocab_file)
        sp.encode(warm, num_threads=threads)
        ids, times = timed(lambda: sp.encode(docs, num_threads=threads))
        ntok = sum(len(x) for x in ids)
    elif engine == "gigatoken":
        import gigatoken
        tok = gigatoken.Tokenizer(vocab_file)
        parallel = False if threads == 1 else None
        tok.encode_batch_list(warm, parallel=parallel)
        ids, times = timed(lambda: tok.encode_batch_list(docs, parallel=parallel))
        ntok = sum(len(x) for x in ids)
    elif engine == "fastokens":
        import fastokens
        tok = fastokens.Tokenizer.from_file(vocab_file)
        tok.encode_batch_flat(warm, add_special_tokens=False)
        (ids, offsets), times = timed(lambda: tok.encode_batch_flat(docs, add_special_tokens=False))
        ntok = len(ids) // 4
    else:
        from oracle.reference import tiktoken_encoding
        enc = tiktoken_encoding(vocab_file)
        enc.encode_ordinary_batch(warm, num_threads=threads)
        ids, times = timed(lambda: enc.encode_ordinary_batch(docs, num_threads=threads))
        ntok = sum(len(x) for x in ids)
    print(json.dumps({"seconds": min(times), "first_seconds": times[0], "tokens": ntok, "bytes": nbytes}))


def timed(encode):
    """The last result of PASSES calls of encode() and the seconds of each."""
    times = []
    for _ in range(PASSES):
        t = time.perf_counter()
        result = encode()
        times.append(time.perf_counter() - t)
    return result, times


def run_python(engine, vocab_file, path, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="true")
    out = subprocess.run([sys.executable, __file__, "--worker", engine, str(vocab_file), str(path), str(threads),
                          str(PASSES)],
                         capture_output=True, text=True, env=env, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    r["mb_per_s"] = r["bytes"] / 1e6 / r["seconds"]
    r["first_pass_mb_per_s"] = r["bytes"] / 1e6 / r["first_seconds"]
    return r


def run_swifttok(binary, vocab_file, path, threads):
    p = subprocess.run([binary, "bench", "--tokenizer", str(vocab_file), "--threads", str(threads),
                        "--repeats", str(PASSES), "--docs", "jsonl", str(path)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr.strip() or f"exit {p.returncode}")[-200:]}
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"unexpected output: {p.stdout[-200:]!r}"}


def fmt(x, digits=1):
    return "–" if x is None else f"{x:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="~0.5 MB per group (CI smoke run)")
    ap.add_argument("--mb", type=float, help="MB sampled per corpus group (default 4, quick 0.5)")
    ap.add_argument("--vocab", action="append", choices=sorted(VOCABS), help="only these vocabularies")
    ap.add_argument("--group", action="append", choices=GROUPS, help="only these corpus groups")
    ap.add_argument("--threads", type=int, action="append", help="thread counts (default 1 and all cores)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--passes", type=int, help="timed passes per measurement (default 3, quick 2)")
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    a = ap.parse_args()
    global PASSES
    if a.worker:
        PASSES = max(1, int(a.worker[4]))
        worker(a.worker[0], a.worker[1], a.worker[2], int(a.worker[3]))
        return 0
    reason = shared_missing_reason()
    if reason:
        print(f"bench: skipped: {reason}")
        return 0
    binary = swifttok_binary()
    if binary is None:
        print("bench: swifttok not found (run scripts/setup.sh or set SWIFTTOK)", file=sys.stderr)
        return 1
    mb = a.mb or (0.5 if a.quick else 4.0)
    PASSES = max(1, a.passes or (2 if a.quick else 3))
    cores = os.cpu_count() or 1
    threads = a.threads or sorted({1, cores})
    vocabs = a.vocab or list(VOCABS)
    groups = a.group or list(GROUPS)
    print(f"swifttok: {binary}\ncorpus sample: {mb} MB per group; threads {threads}; {cores} cores\n")
    tmp = Path(tempfile.mkdtemp(prefix="swifttok-bench-"))
    files = {}
    for g in groups:
        # The same documents for every engine: one JSON string per line.
        files[g] = tmp / f"{g}.jsonl"
        files[g].write_text("".join(json.dumps(d) + "\n" for d in sample_docs(g, mb)), encoding="utf-8")
    rows = []
    head = (f"{'vocab':<18}{'corpus':<7}{'thr':>4}{'pass':>6}{'swifttok':>10}{'tokenizers':>12}{'tiktoken':>10}"
            f"{'x tokenizers':>14}{'x tiktoken':>12}{'spm':>8}{'x spm':>8}{'giga':>8}{'x giga':>8}"
            f"{'fastok':>8}{'x fast':>8}  tokens")
    print("MB/s of UTF-8 input (higher is better)\n" + head + "\n" + "-" * (len(head) + 6))
    for v in vocabs:
        sw_file, hf_file, tt_name = VOCABS[v]
        sw_file, hf_file = resolve(sw_file), resolve(hf_file)
        for g in groups:
            for n in threads:
                sw = run_swifttok(binary, sw_file, files[g], n)
                hf = run_python("tokenizers", hf_file, files[g], n) if hf_file else None
                tt = run_python("tiktoken", tt_name, files[g], n) if tt_name else None
                sp = run_python("sentencepiece", SENTENCEPIECE[v], files[g], n) if v in SENTENCEPIECE else None
                peers = {e: run_python(e, hf_file, files[g], n) for e in PEERS.get(v, ())}
                gt, ft = peers.get("gigatoken"), peers.get("fastokens")
                counts = {k: r["tokens"] for k, r in (("tokenizers", hf), ("tiktoken", tt), ("gigatoken", gt),
                                                      ("fastokens", ft)) if r}
                sw_tokens = round(sw["tokens_per_byte"] * sw["bytes"]) if "tokens_per_byte" in sw else None
                same = "?" if sw_tokens is None else (
                    "same" if all(abs(sw_tokens - c) <= 0 for c in counts.values()) else f"DIFFER {counts}")
                for kind, key in (("warm", "mb_per_s"), ("first", "first_pass_mb_per_s")):
                    s = sw.get(key)
                    speed = lambda r: r and r.get(key)  # noqa: E731
                    ratio = lambda r: None if (s is None or not speed(r)) else s / speed(r)  # noqa: E731
                    line = (f"{v:<18}{g:<7}{n:>4}{kind:>6}{fmt(s):>10}{fmt(speed(hf)):>12}"
                            f"{fmt(speed(tt)):>10}{fmt(ratio(hf)):>13}x{fmt(ratio(tt)):>11}x"
                            f"{fmt(speed(sp)):>8}{fmt(ratio(sp)):>7}x{fmt(speed(gt)):>8}{fmt(ratio(gt)):>7}x"
                            f"{fmt(speed(ft)):>8}{fmt(ratio(ft)):>7}x  {same}")
                    if sp and sw_tokens is not None and sp["tokens"] != sw_tokens:
                        line += f" (sentencepiece: {sp['tokens']} tokens)"
                    if "error" in sw:
                        line += f"  swifttok: {sw['error']}"
                    print(line, flush=True)
                rows.append({"vocab": v, "corpus": g, "threads": n, "swifttok": sw, "tokenizers": hf,
                             "tiktoken": tt, "sentencepiece": sp, **peers})
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
