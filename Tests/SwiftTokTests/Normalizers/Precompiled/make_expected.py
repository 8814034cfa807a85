#!/usr/bin/env python3
"""Writes expected.json: what tokenizers 0.23.3's Precompiled normalizer does with the charsmap of
../shared/vocab/xlnet-base-cased/tokenizer.json (the Swift test reads the same file).

- "scalars": every Unicode scalar whose one-character string `normalize_str` changes, with the result
  (single characters go through the charsmap's shortest prefix match).
- "cases": texts (fixed edge cases and random strings of graphemes with marks, full-width forms,
  ligatures, circled digits, ZWJ emoji, Hangul jamo...) with the normalized text and the original byte
  range of each normalized character (PreTokenizedString split per character, as in ../make_expected.py).

Run: SWIFTTOK_SHARED=/work/shared .venv/bin/python Tests/SwiftTokTests/Normalizers/Precompiled/make_expected.py
"""
import json
import os
import random

import tokenizers
from tokenizers import PreTokenizedString, normalizers

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SWIFTTOK_SHARED", os.path.join(HERE, "../../../../../shared"))
with open(os.path.join(SHARED, "vocab/xlnet-base-cased/tokenizer.json")) as f:
    tok = json.load(f)
charsmap = [n for n in tok["normalizer"]["normalizers"] if n["type"] == "Precompiled"][0]["precompiled_charsmap"]
wrapper = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
           "normalizer": {"type": "Precompiled", "precompiled_charsmap": charsmap},
           "pre_tokenizer": None, "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
normalizer = tokenizers.Tokenizer.from_str(json.dumps(wrapper)).normalizer

scalars = []
for c in range(0x110000):
    if 0xD800 <= c < 0xE000:
        continue
    s = chr(c)
    out = normalizer.normalize_str(s)
    if out != s:
        scalars.append([c, out])

FIXED = [
    "", " ", "Hello World", "  two  spaces\tand\ttabs\r\nCRLF\n", "ＡＢＣ ｄｅｆ １２３ ！？", "①②③ ㍿ ㌀ ㎏ ﬁ ﬀ ﬃ",
    "e\u0301 a\u0300\u0323 ｅ\u0301 ﬁ\u0301 ①\u0308", "😀 👍🏽 👨‍👩‍👧 🇫🇷", "한국어 \u1100\u1161\u11a8 \uac00\u11a8",
    "ｶﾀｶﾅ ｶﾞ ﾊﾟ", "a\x00b\x01c\x7fd\x85e\u200bf\ufffdg\ufeffh", "\u3000 \u00a0 \u2009 \u200d",
    "क़ ख़ \u0958 \u0915\u094d\u0937", "\ufdfa \u0f73 \u0344 \U0001d15e", "Ǆ ǅ \u212b \u2126", "\r\n\r\n", "\r\r\n\n",
    "x\u0345\u0334 \u0301start", "\U000e0041 \U000e0100 \ufe0f\u20e3 1\ufe0f\u20e3",
]


def random_inputs(count, seed):
    rng = random.Random(seed)
    alphabet = (list("abcXYZ 019.,!") + ["\t", "\n", "\r", "\r\n", "\x00", "\x7f", "\x85", "\u00a0", "\u3000",
                "\u200b", "\u200d", "\ufeff", "\ufffd", "\u2581", "é", "É", "\u0301", "\u0302", "\u0323", "\u0345",
                "\u093f", "\u094d", "\u0915", "\u0937", "ﬁ", "Ａ", "１", "ｶ", "ﾞ", "中", "\U00020001", "한", "\u1100",
                "\u1161", "\u11a8", "😀", "\U0001f3fd", "\U0001f1eb", "①", "㍿", "\u2460\u0308", "\ua7f2", "\u0e33",
                "\u0958", "\ufdfa", "\u0f73", "Ǆ", "\u212b", "\ue000", "\U000e0041", "\ufe0f"])
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def alignments(text):
    p = PreTokenizedString(text)
    p.normalize(lambda ns: normalizer.normalize(ns))
    p.split(lambda i, ns: [ns[j:j + 1] for j in range(len(str(ns)))])
    return [list(offsets) for _, offsets, _ in p.get_splits(offset_referential="original", offset_type="byte")]


cases = []
for text in FIXED + random_inputs(3000, 31):
    normalized = normalizer.normalize_str(text)
    aligned = alignments(text)
    assert len(aligned) == len(normalized)
    cases.append([text, normalized, aligned])

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"tokenizers": tokenizers.__version__, "charsmap": "xlnet-base-cased", "scalars": scalars,
               "cases": cases}, f, ensure_ascii=False, indent=None)
print(len(scalars), "scalars,", len(cases), "cases")
