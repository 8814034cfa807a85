"""Expected values for DecodersTests, from the reference library.

Run with the oracle venv (tokenizers 0.23.3):
    /work/venv-scratch/bin/python Tests/SwiftTokTests/Decoders/make_expected.py
It writes expected.json next to this script. Every expected value comes from
`tokenizers.decoders.X(...).decode(tokens)`, `Tokenizer.to_str()/from_str()` and
`tokenizers.decoders.DecodeStream(...).step(tokenizer, id)`.
"""
import json
import os

import tokenizers
from tokenizers import Regex, Tokenizer, decoders as D, models

assert tokenizers.__version__ == "0.23.3", tokenizers.__version__
HERE = os.path.dirname(os.path.abspath(__file__))


def decoder_json(d):
    tok = Tokenizer(models.WordLevel({"a": 0}, unk_token="a"))
    tok.decoder = d
    return json.loads(tok.to_str())["decoder"]


def decoder_text(d):
    tok = Tokenizer(models.WordLevel({"a": 0}, unk_token="a"))
    tok.decoder = d
    full = tok.to_str()
    start = full.index('"decoder":') + len('"decoder":')
    end = full.index(',"model":')
    return full[start:end]


DECODERS = {
    "bytelevel": D.ByteLevel(),
    "wordpiece": D.WordPiece(),
    "wordpiece_raw": D.WordPiece(prefix="@@", cleanup=False),
    "wordpiece_empty_prefix": D.WordPiece(prefix="", cleanup=True),
    "bpe": D.BPEDecoder(),
    "bpe_empty_suffix": D.BPEDecoder(suffix=""),
    "metaspace": D.Metaspace(),
    "metaspace_first": D.Metaspace(replacement="_", prepend_scheme="first"),
    "metaspace_never": D.Metaspace(prepend_scheme="never", split=False),
    "replace_string": D.Replace("▁", " "),
    "replace_regex": D.Replace(Regex(r"\s+"), "_"),
    "replace_empty_match": D.Replace(Regex(r"x*"), "-"),
    "strip": D.Strip(" ", 1, 0),
    "strip_both": D.Strip("▁", 2, 3),
    "fuse": D.Fuse(),
    "bytefallback": D.ByteFallback(),
    "ctc": D.CTC(),
    "ctc_raw": D.CTC(pad_token="[PAD]", word_delimiter_token="_", cleanup=False),
    "ctc_empty_delimiter": D.CTC(word_delimiter_token=""),
    "llama": D.Sequence([D.Replace("▁", " "), D.ByteFallback(), D.Fuse(), D.Strip(" ", 1, 0)]),
    "sequence_empty": D.Sequence([]),
}

TOKENS = [
    [],
    [""],
    ["hello"],
    ["Hello", "Ġworld", "!", "Ġ", "ĠĠ"],
    ["Ã©", "Ġcaf", "Ã", "©"],
    ["Ã", "Ġ"],
    ["\u00e2\u0082", "¬"],
    ["Ċ", "ĉ", "Ġ"],
    ["日本", "Ġ語"],
    ["un", "##believ", "##able", "!", "it", "'", "s", "do", "n't", ",", "[SEP]"],
    ["##a", "@@b", "c@@", "@@", "##"],
    ["hel", "lo</w>", "wor", "ld</w>", "</w>"],
    ["▁Hello", "▁world", "▁▁x", "y▁"],
    ["▁", "▁a▁b", "c"],
    ["_a", "_", "b_c"],
    ["<0x41>", "<0x42>", "c", "<0xE6>", "<0x97>", "<0xA5>", "d"],
    ["<0xE6>", "<0x97>", "x", "<0xFF>", "<0x80>"],
    ["<0xe6>", "<0x97>", "<0xa5>", "<0x+9>", "<0xGG>", "<0x4>", "<0x041>", "<0X41>"],
    ["<0xC3>", "<0x28>", "<0xF0>", "<0x9F>", "<0x98>"],
    ["▁He", "llo", "<0x21>", "▁", "<0xE2>", "<0x96>", "<0x81>"],
    ["<pad>", "h", "h", "<pad>", "e", "l", "l", "<pad>", "l", "o", "|", "|", "w", "o", "r", "l", "d", "<pad>"],
    ["[PAD]", "a", "_", "b", "b", "[PAD]", "<pad>"],
    ["x", "ax", "xx", "a\tb  c", " "],
    ["  a  ", " ", "▁▁a▁▁▁", "▁"],
    ["a", "a", "|", "a"],
]

decode_cases = []
for name, d in DECODERS.items():
    for tokens in TOKENS:
        try:
            decode_cases.append({"decoder": name, "tokens": tokens, "output": d.decode(tokens)})
        except BaseException as e:  # noqa: BLE001 - tokenizers panics on some Strip inputs
            decode_cases.append({"decoder": name, "tokens": tokens, "error": type(e).__name__})

# Byte-level decoding of arbitrary byte strings (lossy UTF-8 as Rust's from_utf8_lossy).
BYTES = [
    b"caf\xc3\xa9", b"\xff", b"\xc3", b"\xc3\x28", b"\xe2\x82", b"\xe2\x82\x28", b"\xf0\x9f\x98",
    b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xe0\x80\xaf",
    b"\x80\x80a", b"a\xf8\x88\x80\x80\x80b", b"\xef\xbf\xbd", b"\xf0\x80\x80", b"\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41",
]
alphabet = {}
n = 0
for b in range(256):
    if (0x21 <= b <= 0x7E) or (0xA1 <= b <= 0xAC) or (0xAE <= b <= 0xFF):
        alphabet[b] = chr(b)
    else:
        alphabet[b] = chr(256 + n)
        n += 1
bytelevel_cases = []
for raw in BYTES:
    tokens = ["".join(alphabet[b] for b in raw)]
    bytelevel_cases.append({"tokens": tokens, "output": D.ByteLevel().decode(tokens)})

decoders = {name: {"json": decoder_json(d), "text": decoder_text(d)} for name, d in DECODERS.items()}

# Reading tokenizer.json decoder objects: accepted (and written back as) or rejected.
BASE = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
        "pre_tokenizer": None, "post_processor": None, "decoder": None,
        "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
READS = [
    {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True},
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
    {"type": "ByteLevel"},
    {"type": "ByteLevel", "add_prefix_space": 1, "trim_offsets": True},
    {"type": "WordPiece", "prefix": "##", "cleanup": True, "extra": 1},
    {"type": "WordPiece", "prefix": "##"},
    {"type": "WordPiece", "prefix": 1, "cleanup": True},
    {"type": "BPEDecoder", "suffix": "</w>"},
    {"type": "BPEDecoder"},
    {"type": "Metaspace", "replacement": "_"},
    {"type": "Metaspace", "replacement": "__"},
    {"type": "Metaspace", "replacement": ""},
    {"type": "Metaspace", "replacement": "_", "add_prefix_space": True},
    {"type": "Metaspace", "replacement": "_", "add_prefix_space": False},
    {"type": "Metaspace", "replacement": "_", "add_prefix_space": False, "prepend_scheme": "never"},
    {"type": "Metaspace", "replacement": "_", "add_prefix_space": True, "prepend_scheme": "never"},
    {"type": "Metaspace", "replacement": "_", "add_prefix_space": False, "prepend_scheme": "always"},
    {"type": "Metaspace", "replacement": "_", "prepend_scheme": "first", "split": False},
    {"type": "Metaspace", "replacement": "_", "prepend_scheme": "First"},
    {"type": "Metaspace", "replacement": "_", "str_rep": "_"},
    {"type": "Metaspace"},
    {"type": "Replace", "pattern": {"String": "a"}, "content": "b"},
    {"type": "Replace", "pattern": {"Regex": "a+"}, "content": "b"},
    {"type": "Replace", "pattern": {"Regex": "(a"}, "content": "b"},
    {"type": "Replace", "pattern": "a", "content": "b"},
    {"type": "Replace", "pattern": {"String": "a"}},
    {"type": "Replace", "pattern": {"Foo": "a"}, "content": "b"},
    {"type": "Replace", "pattern": {"String": "a", "Regex": "b"}, "content": "b"},
    {"type": "Strip", "content": " ", "start": 1, "stop": 2},
    {"type": "Strip", "content": " "},
    {"type": "Strip", "content": "ab", "start": 1, "stop": 2},
    {"type": "Strip", "content": "", "start": 1, "stop": 2},
    {"type": "Strip", "content": " ", "start": -1, "stop": 2},
    {"type": "Fuse", "x": 1},
    {"type": "ByteFallback"},
    {"type": "CTC", "pad_token": "<pad>", "word_delimiter_token": "|", "cleanup": True},
    {"type": "CTC"},
    {"type": "CTC", "pad_token": "<pad>", "word_delimiter_token": "|", "cleanup": "yes"},
    {"type": "Sequence", "decoders": []},
    {"type": "Sequence", "decoders": [{"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    {"type": "Sequence"},
    {"type": "Sequence", "decoders": [{"type": "Foo"}]},
    {"type": "Sequence", "decoders": [{}]},
    {"type": "Foo"},
    {"type": 1},
]
reads = []
for obj in READS:
    d = dict(BASE)
    d["decoder"] = obj
    try:
        tok = Tokenizer.from_str(json.dumps(d))
        reads.append({"input": obj, "written": json.loads(tok.to_str())["decoder"]})
    except Exception:  # noqa: BLE001 - rejection is the expected value
        reads.append({"input": obj, "written": None})

# DecodeStream: a tokenizer whose decode is id -> token -> decoder; each step's result.
STREAM_VOCAB = ["<unk>", "<s>", "</s>", "▁This", "▁is", "▁a", "▁test", "<0xE6>", "<0x97>", "<0xA5>",
                "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "s", ".", "<0xFF>", "▁caf", "é"]
STREAM_DECODERS = {
    "llama": D.Sequence([D.Replace("▁", " "), D.ByteFallback(), D.Fuse(), D.Strip(" ", 1, 0)]),
    "metaspace_bytefallback": D.Sequence([D.ByteFallback(), D.Metaspace()]),
}
STREAMS = [
    ([], [3, 4, 5, 6, 16]),
    ([], [3, 7, 8, 9, 4]),
    ([], [11, 12, 13, 14, 10, 11, 12, 13, 14]),
    ([], [1, 3, 2, 6]),
    ([], [17, 3, 17, 4]),
    ([], [7, 8, 17, 5]),
    ([], [10, 10, 15, 18, 19]),
    ([3, 4], [5, 6]),
    ([11, 12], [13, 14, 6]),
    ([7], [8, 9, 3]),
]
streams = []
for dname, dec in STREAM_DECODERS.items():
    for skip in (False, True):
        tok = Tokenizer(models.WordLevel({t: i for i, t in enumerate(STREAM_VOCAB)}, unk_token="<unk>"))
        tok.add_special_tokens(["<s>", "</s>"])
        tok.decoder = dec
        for prompt, ids in STREAMS:
            ds = D.DecodeStream(ids=prompt or None, skip_special_tokens=skip)
            steps = []
            for i in ids:
                try:
                    steps.append({"out": ds.step(tok, i)})
                except Exception as e:  # noqa: BLE001
                    steps.append({"error": str(e)})
            streams.append({"decoder": dname, "skip_special_tokens": skip, "prompt": prompt, "ids": ids,
                            "steps": steps, "full": tok.decode(prompt + ids, skip_special_tokens=skip)})

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({
        "decoders": decoders, "decode": decode_cases, "bytelevel_bytes": bytelevel_cases, "reads": reads,
        "stream": {"vocab": STREAM_VOCAB, "special": ["<s>", "</s>"],
                   "decoders": {k: decoder_json(v) for k, v in STREAM_DECODERS.items()}, "cases": streams},
    }, f, ensure_ascii=False, separators=(",", ":"))
print(len(decode_cases), "decode cases,", len(streams), "streams")
