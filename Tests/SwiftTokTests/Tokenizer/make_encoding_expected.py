"""Writes encoding_expected.json: Encoding.truncate / pad / merge results from tokenizers itself.

Run: python Tests/SwiftTokTests/Tokenizer/make_encoding_expected.py  (tokenizers 0.23.x)
Each case gives the input encoding(s) as tokenizers built them and the reference result.
"""
import json
import os
import random

from tokenizers import Encoding, Tokenizer, models, pre_tokenizers

VOCAB = {w: i for i, w in enumerate("a b c d e f g h i j k l".split())}
VOCAB["[UNK]"] = len(VOCAB)


def make_tokenizer():
    tok = Tokenizer(models.WordLevel(VOCAB, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tok


def dump(e):
    return {
        "ids": e.ids, "type_ids": e.type_ids, "tokens": e.tokens, "offsets": [list(o) for o in e.offsets],
        "word_ids": e.word_ids, "special_tokens_mask": e.special_tokens_mask,
        "attention_mask": e.attention_mask, "sequence_ids": e.sequence_ids,
        "overflowing": [dump(o) for o in e.overflowing],
    }


def main():
    rng = random.Random(1234)
    tok = make_tokenizer()
    words = list(VOCAB)[:-1]
    cases = []

    def text(n):
        return " ".join(rng.choice(words + ["zz"]) for _ in range(n))

    for _ in range(300):
        kind = rng.choice(["truncate", "pad", "merge"])
        a = text(rng.randint(0, 9))
        b = text(rng.randint(0, 6))
        ea, eb = tok.encode(a), tok.encode(b)
        case = {"kind": kind, "a": dump(ea), "b": dump(eb)}
        if kind == "truncate":
            max_len = rng.randint(0, 10)
            stride = rng.randint(0, max(0, max_len - 1))
            direction = rng.choice(["right", "left"])
            e = tok.encode(a)
            e.truncate(max_len, stride, direction)
            case.update(max_length=max_len, stride=stride, direction=direction, result=dump(e))
        elif kind == "pad":
            e = tok.encode(a)
            if rng.random() < 0.5:
                e.truncate(rng.randint(1, 4), 0, "right")
                case["a"] = dump(e)
                e = tok.encode(a)
                e.truncate(case["a"]["ids"] and len(case["a"]["ids"]) or 1, 0, "right")
            length = rng.randint(0, 12)
            direction = rng.choice(["right", "left"])
            e.pad(length, direction=direction, pad_id=99, pad_type_id=7, pad_token="[PAD]")
            case.update(length=length, direction=direction, result=dump(e))
        else:
            growing = rng.random() < 0.5
            x, y = tok.encode(a), tok.encode(b)
            if rng.random() < 0.4:
                x.truncate(rng.randint(1, 3), 0, "right")
            if rng.random() < 0.3:
                y.truncate(rng.randint(1, 3), 0, "right")
            x.set_sequence_id(0)
            y.set_sequence_id(1)
            case["a"], case["b"] = dump(x), dump(y)
            merged = Encoding.merge([x, y], growing)
            case.update(growing_offsets=growing, result=dump(merged))
        cases.append(case)
    out = os.path.join(os.path.dirname(__file__), "encoding_expected.json")
    with open(out, "w") as f:
        json.dump(cases, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
