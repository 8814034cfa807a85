#!/usr/bin/env python3
"""Encoder throughput: sentences per second for batches of 32 sentences of ~30 tokens (25-35 ids with
[CLS]/[SEP]) through all-MiniLM-L6-v2, 1 thread and all cores, swifttok (`swifttok embed --bench`, pure
Swift SIMD) side by side with a batched float32 numpy forward pass (OpenBLAS matmuls) in the same run.

  .venv/bin/python Benchmarks/bench_embed.py [--batches 8] [--corpus FILE]

The numpy peer follows ../shared/models/all-MiniLM-L6-v2/reference/minilm_numpy.py but in float32, on
padded batches with an attention mask, and with erf from a rational approximation (|error| < 1.5e-7)
instead of the reference's per-element math.erf, so that it is a fair speed peer; its output is checked
against swifttok's (cosine) before timing. Each numpy measurement runs in its own process with
OPENBLAS_NUM_THREADS set. Numbers vary +-20% on shared machines: compare the ratios of one run.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SWIFTTOK_SHARED", REPO.parent / "shared"))
MODEL = SHARED / "models" / "all-MiniLM-L6-v2"


def swifttok_binary():
    return os.environ.get("SWIFTTOK") or shutil.which("swifttok") or str(REPO / ".build/release/swifttok-cli")


def load_safetensors(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=kinds[v["dtype"]]).reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


def erf(x):
    # Abramowitz & Stegun 7.1.26, |error| < 1.5e-7.
    s = np.sign(x); a = np.abs(x)
    t = 1 / (1 + 0.3275911 * a)
    y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


class NumpyBert:
    def __init__(self):
        cfg = json.loads((MODEL / "config.json").read_text())
        self.H, self.NH, self.L, self.eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"], cfg["layer_norm_eps"]
        W = load_safetensors(MODEL / "model.safetensors")
        self.W = {k: v.astype(np.float32) for k, v in W.items() if v.dtype != np.int64}
        self.WT = {k: np.ascontiguousarray(v.T) for k, v in self.W.items() if v.ndim == 2}

    def ln(self, x, p):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + self.eps) * self.W[p + ".weight"] + self.W[p + ".bias"]

    def lin(self, x, p):
        return x @ self.WT[p + ".weight"] + self.W[p + ".bias"]

    def embed(self, batch):
        """Mean-pooled, L2-normalized embeddings of a list of id lists (one padded batch)."""
        B, T = len(batch), max(map(len, batch))
        ids = np.zeros((B, T), int); mask = np.zeros((B, T), np.float32)
        for i, s in enumerate(batch):
            ids[i, :len(s)] = s; mask[i, :len(s)] = 1
        W, H, NH = self.W, self.H, self.NH
        hd = H // NH
        x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:T][None] \
            + W["embeddings.token_type_embeddings.weight"][0]
        x = self.ln(x, "embeddings.LayerNorm")
        bias = ((1 - mask) * -1e9)[:, None, None, :]
        for i in range(self.L):
            p = f"encoder.layer.{i}."
            q = self.lin(x, p + "attention.self.query").reshape(B, T, NH, hd).transpose(0, 2, 1, 3)
            k = self.lin(x, p + "attention.self.key").reshape(B, T, NH, hd).transpose(0, 2, 1, 3)
            v = self.lin(x, p + "attention.self.value").reshape(B, T, NH, hd).transpose(0, 2, 1, 3)
            s = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(hd)) + bias
            s = s - s.max(-1, keepdims=True); a = np.exp(s); a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, H)
            x = self.ln(self.lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = self.lin(x, p + "intermediate.dense"); h = 0.5 * h * (1 + erf(h / np.float32(np.sqrt(2))))
            x = self.ln(self.lin(h, p + "output.dense") + x, p + "output.LayerNorm")
        e = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return e / np.linalg.norm(e, axis=-1, keepdims=True)


def numpy_worker(sentence_file, batches):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(MODEL / "tokenizer.json")); tok.no_padding(); tok.no_truncation()
    ids = [e.ids for e in tok.encode_batch(Path(sentence_file).read_text().splitlines())]
    groups = [ids[i:i + 32] for i in range(0, 32 * batches, 32)]
    model = NumpyBert()
    model.embed(groups[0])
    best = best_cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        for g in groups:
            model.embed(g)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    first = model.embed(groups[0][:4]).tolist()
    print(json.dumps({"sentences_per_s": 32 * batches / best, "sentences_per_cpu_s": 32 * batches / best_cpu, "first": first}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batches", type=int, default=8, help="batches of 32 sentences per timed pass")
    ap.add_argument("--corpus", default=str(SHARED / "corpora/en/nltk_state_union.txt"), help="text to take lines from")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return numpy_worker(args.worker[0], int(args.worker[1]))
    if not (MODEL / "model.safetensors").is_file():
        sys.exit(f"bench_embed: model not found at {MODEL}")
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(MODEL / "tokenizer.json")); tok.no_padding(); tok.no_truncation()
    want = 32 * args.batches
    picked = []
    for line in Path(args.corpus).read_text(encoding="utf-8").splitlines():
        if line.strip() and 25 <= len(tok.encode(line).ids) <= 35:
            picked.append(line)
            if len(picked) == want:
                break
    if len(picked) < want:
        sys.exit(f"bench_embed: only {len(picked)} lines of 25-35 tokens in {args.corpus}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(picked) + "\n")
        sentences = f.name
    swifttok = swifttok_binary()
    sw = json.loads(subprocess.run([swifttok, "embed", "--model", str(MODEL), "--bench", "--bench-batches", str(args.batches), sentences],
                                   check=True, capture_output=True).stdout)
    ours = np.array([json.loads(l) for l in subprocess.run([swifttok, "embed", "--model", str(MODEL), "--threads", "1"],
                     input="\n".join(picked[:4]).encode(), check=True, capture_output=True).stdout.decode().splitlines()])
    cores = os.cpu_count() or 1
    rows = [("swifttok (Swift SIMD)", sw["sentences_per_s_1_thread"], sw["sentences_per_s_all_cores"])]
    np_rates = []
    for threads in (1, cores):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        out = json.loads(subprocess.run([sys.executable, __file__, "--worker", sentences, str(args.batches)], env=env,
                                        check=True, capture_output=True).stdout)
        cos = float((np.array(out["first"]) * ours).sum(-1).min())
        if cos < 0.99999:
            sys.exit(f"bench_embed: numpy and swifttok disagree (cosine {cos})")
        np_rates.append(out["sentences_per_s"])
        if threads == 1:
            np_cpu = out["sentences_per_cpu_s"]
    rows.append(("numpy float32 (OpenBLAS)", *np_rates))
    print(f"all-MiniLM-L6-v2, batches of 32 sentences, mean {sw['mean_tokens']:.1f} tokens, {want} sentences, {cores} cores")
    print(f"{'engine':28} {'1 thread':>12} {'all cores':>12}   sentences/s")
    for name, one, all_ in rows:
        print(f"{name:28} {one:12.1f} {all_:12.1f}")
    print(f"{'ratio swifttok / numpy':28} {rows[0][1] / rows[1][1]:12.2f} {rows[0][2] / rows[1][2]:12.2f}")
    print(f"1 thread per CPU-second (steadier on a loaded machine): swifttok {sw['sentences_per_cpu_s_1_thread']:.1f}, "
          f"numpy {np_cpu:.1f}, ratio {sw['sentences_per_cpu_s_1_thread'] / np_cpu:.2f}")
    os.unlink(sentences)


if __name__ == "__main__":
    main()
