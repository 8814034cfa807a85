#!/usr/bin/env python3
"""Writes expected.json: tokens (id, value, offsets) of tokenizers 0.23.3's Unigram model
(`tokenizer.model.tokenize(piece)`) on pieces, for xlnet-base-cased's model (from ../shared, which the
Swift test reads too) and for small synthetic models covering the edge cases: unknown characters
(scored min − 10 and fused), byte fallback (complete and incomplete), no unk_id (an error), repeated
pieces, equal scores (ties), the literal unknown piece in the text.

Run: SWIFTTOK_SHARED=/work/shared .venv/bin/python Tests/SwiftTokTests/Models/Unigram/make_expected.py
"""
import json
import os
import random

import tokenizers
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SWIFTTOK_SHARED", os.path.join(HERE, "../../../../../shared"))


def wrap(model):
    return Tokenizer.from_str(json.dumps({
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
        "pre_tokenizer": None, "post_processor": None, "decoder": None, "model": model}))


def run(tok, pieces):
    out = []
    for p in pieces:
        try:
            out.append([p, [[t.id, t.value, list(t.offsets)] for t in tok.model.tokenize(p)]])
        except BaseException as e:  # noqa: BLE001 (the reference raises on a missing unk_id)
            out.append([p, None])
    return out


rng = random.Random(7)
ALPHABET = (list("abcdefghijklmnopqrstuvwxyzABC0123 .,'") + ["\u2581"] * 6 + ["é", "ß", "中", "文", "😀", "\u0301",
            "ﬁ", "Ω", "\U0001f3fd", "<unk>", "\t", "\x00", "ア", "한"])
RANDOM = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14))) for _ in range(1500)]

suites = []
with open(os.path.join(SHARED, "vocab/xlnet-base-cased/tokenizer.json")) as f:
    xlnet = json.load(f)
words = []
with open(os.path.join(SHARED, "corpora/en/big.txt"), encoding="utf-8") as f:
    text = f.read(400000)
words = ["\u2581" + w for w in text.split()][:3000]
xlnet_tok = Tokenizer.from_str(json.dumps(xlnet))
suites.append({"model": "xlnet-base-cased", "cases": run(xlnet_tok, words + RANDOM + ["", "\u2581", "<unk>", "\u2581<unk>😀x"])})

small = [["<unk>", 0.0], ["a", -1.0], ["b", -2.0], ["ab", -2.5], ["abc", -4.0], ["c", -3.0], ["\u2581", -1.5],
         ["\u2581a", -1.2], ["bc", -5.0], ["é", -3.0], ["中文", -6.0], ["a", -0.5], ["", -1.0]]
ties = [["<unk>", 0.0], ["a", -1.0], ["b", -1.0], ["ab", -2.0], ["c", -1.0], ["bc", -2.0], ["abc", -3.0]]
byte_pieces = [[f"<0x{b:02X}>", -10.0] for b in range(256) if b not in (0x9F,)]
models = [
    {"type": "Unigram", "unk_id": 0, "vocab": small, "byte_fallback": False},
    {"type": "Unigram", "unk_id": 0, "vocab": small, "byte_fallback": True},
    {"type": "Unigram", "unk_id": None, "vocab": small, "byte_fallback": False},
    {"type": "Unigram", "unk_id": 0, "vocab": ties, "byte_fallback": False},
    {"type": "Unigram", "unk_id": 0, "vocab": small + byte_pieces, "byte_fallback": True},
    {"type": "Unigram", "unk_id": 2, "vocab": [["a", -1.0], ["b", -1.0], ["<unk>", -0.1], ["abx", -0.5]], "byte_fallback": False},
]
SMALL_INPUTS = ["", "a", "ab", "abc", "abcabc", "ba", "cab", "xyz", "axb", "a😀b", "😀😀", "中文", "中x文", "é", "e\u0301",
                "\u2581ab", "\u2581\u2581a", "ax", "abxab", "<unk>", "a<unk>b", "\U0001f3fd", "\x00a", "abx"]
for m in models:
    suites.append({"model": m, "cases": run(wrap(m), SMALL_INPUTS + RANDOM[:300])})
# Scores with 17 significant digits, which serde_json (tokenizers' reader) does not round correctly:
# the one-ulp differences decide ties (t5's "-" and "---").
rng2 = random.Random(11)
floaty = [["<unk>", 0.0], ["-", -5.129043102264404], ["---", -12.130167007446289], ["a", -12.130167007446289],
          ["aaa", -17.259210109710693], ["b", -0.1], ["bb", -0.2], ["bbb", -0.30000000000000004],
          ["c", -3.4028234663852886e+38], ["cc", -1e-05]] + [[w, -rng2.uniform(1, 20)] for w in ["ab", "ba", "abab", "-a", "a-"]]
suites.append({"model": {"type": "Unigram", "unk_id": 0, "vocab": floaty, "byte_fallback": False},
               "cases": run(wrap({"type": "Unigram", "unk_id": 0, "vocab": floaty, "byte_fallback": False}),
                            ["-" * n for n in range(1, 40)] + ["a" * n for n in range(1, 30)] + ["b" * n for n in range(1, 30)]
                            + ["".join(rng2.choice("-abc") for _ in range(rng2.randint(1, 30))) for _ in range(400)])})

# What tokenizers writes back for each synthetic model (the writer must give the same).
for suite in suites:
    if isinstance(suite["model"], dict):
        suite["saved"] = json.loads(wrap(suite["model"]).to_str())["model"]

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"tokenizers": tokenizers.__version__, "suites": suites}, f, ensure_ascii=False, indent=None)
print(sum(len(s["cases"]) for s in suites), "cases")
