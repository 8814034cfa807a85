#!/usr/bin/env python3
"""Encode throughput of swifttok on SentencePiece `.model` files side by side with `sentencepiece`
(and `tokenizers` on the tokenizer.json of the same vocabulary, where ../shared has one), in the
same run on the same documents (sampled like Benchmarks/bench.py: corpus documents up to 4 KB). The
Python engines run in bench.py's worker subprocesses (`bench.run_python`), as in bench.py.

  swifttok       `swifttok bench --tokenizer X.model --threads N --docs jsonl FILE` (ids only)
  sentencepiece  SentencePieceProcessor.encode(docs, num_threads=N) (ids, batch)
  tokenizers     Tokenizer.encode_batch(docs, add_special_tokens=False), RAYON_NUM_THREADS=N

  .venv/bin/python Benchmarks/bench_sentencepiece.py          # ~4 MB per group, 1 thread and all cores
  .venv/bin/python Benchmarks/bench_sentencepiece.py --quick  # ~0.5 MB, English only, 1 thread
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import GROUPS, ROOT, fmt, run_python, run_swifttok, sample_docs  # noqa: E402,F401
from oracle.paths import VOCAB, shared_missing_reason, swifttok_binary  # noqa: E402

# name -> (.model, tokenizer.json or None)
MODELS = {
    "t5": (VOCAB / "t5" / "spiece.model", None),
    "xlnet-base-cased": (VOCAB / "xlnet-base-cased" / "spiece.model", VOCAB / "xlnet-base-cased" / "tokenizer.json"),
    "llama2": (VOCAB / "llama2" / "tokenizer.model", VOCAB / "llama2" / "tokenizer.json"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="~0.5 MB of English, 1 thread (CI smoke run)")
    ap.add_argument("--mb", type=float, help="MB sampled per corpus group (default 4, quick 0.5)")
    ap.add_argument("--model", action="append", choices=sorted(MODELS), help="only these models")
    ap.add_argument("--group", action="append", choices=GROUPS, help="only these corpus groups")
    ap.add_argument("--threads", type=int, action="append", help="thread counts (default 1 and all cores)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    a = ap.parse_args()
    reason = shared_missing_reason()
    if reason:
        print(f"bench_sentencepiece: skipped: {reason}")
        return 0
    binary = swifttok_binary()
    if binary is None:
        print("bench_sentencepiece: swifttok not found (run scripts/setup.sh or set SWIFTTOK)", file=sys.stderr)
        return 1
    mb = a.mb or (0.5 if a.quick else 4.0)
    cores = os.cpu_count() or 1
    threads = a.threads or ([1] if a.quick else sorted({1, cores}))
    groups = a.group or (["en"] if a.quick else list(GROUPS))
    models = a.model or list(MODELS)
    print(f"swifttok: {binary}\ncorpus sample: {mb} MB per group; threads {threads}; {cores} cores\n")
    tmp = Path(tempfile.mkdtemp(prefix="swifttok-bench-spm-"))
    files = {}
    for g in groups:
        files[g] = tmp / f"{g}.jsonl"
        files[g].write_text("".join(json.dumps(d) + "\n" for d in sample_docs(g, mb)), encoding="utf-8")
    head = (f"{'model (.model)':<18}{'corpus':<7}{'thr':>4}{'pass':>6}{'swifttok':>10}{'spm':>8}{'tokenizers':>12}"
            f"{'x spm':>8}{'x tokenizers':>14}  tokens vs spm")
    print("MB/s of UTF-8 input (higher is better); warm = best pass, first = the first pass (text never seen:\n"
          "the peers after bench.py's 5% warm-up, swifttok with cold caches)\n" + head + "\n" + "-" * (len(head) + 4))
    rows = []
    for m in models:
        model_file, json_file = MODELS[m]
        for g in groups:
            for n in threads:
                sw = run_swifttok(binary, model_file, files[g], n)
                sp = run_python("sentencepiece", model_file, files[g], n)
                hf = run_python("tokenizers", json_file, files[g], n) if json_file else None
                sw_tokens = round(sw["tokens_per_byte"] * sw["bytes"]) if "tokens_per_byte" in sw else None
                same = "?" if sw_tokens is None else ("same" if sw_tokens == sp["tokens"] else f"DIFFER {sw_tokens} vs {sp['tokens']}")
                for kind, key in (("warm", "mb_per_s"), ("first", "first_pass_mb_per_s")):
                    s = sw.get(key)
                    ratio = lambda r: None if (s is None or r is None) else s / r[key]  # noqa: E731
                    line = (f"{m:<18}{g:<7}{n:>4}{kind:>6}{fmt(s):>10}{fmt(sp[key]):>8}{fmt(hf and hf[key]):>12}"
                            f"{fmt(ratio(sp)):>7}x{fmt(ratio(hf)):>13}x  {same}")
                    if "error" in sw:
                        line += f"  swifttok: {sw['error']}"
                    print(line, flush=True)
                rows.append({"model": m, "corpus": g, "threads": n, "swifttok": sw, "sentencepiece": sp, "tokenizers": hf})
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
