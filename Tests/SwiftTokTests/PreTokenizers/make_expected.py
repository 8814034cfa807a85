"""Generates expected.json, the pre-tokenizer fixtures, from Hugging Face `tokenizers` 0.23.3.

Run: /work/venv-scratch/bin/python make_expected.py   (writes expected.json beside this file)

Every expected value comes from `tokenizers.pre_tokenizers.X(...).pre_tokenize_str(s)`, whose
offsets are scalar (char) offsets into the input `s`, or from `Split(Regex(...), "removed")`
over all code points for the class tables. Tokenizer files under /work/shared/vocab are read
(when present) only to take their "pre_tokenizer" objects.
"""
import json, os, random
import tokenizers
from tokenizers import Regex, Tokenizer
import tokenizers.pre_tokenizers as pre

assert tokenizers.__version__ == "0.23.3", tokenizers.__version__
rng = random.Random(20240601)
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = "/work/shared/vocab"

SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u2028", "\u2029", "\u3000",
          "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u200b", "\u2009", "\u1680",
          "\u180e", "\ufeff", "\u202f", "\u205f", " \n ", "   "]
WORDS = ["the", "The", "HELLO", "world", "don't", "we're", "I'm", "they've", "you'll", "he'd", "it's",
         "IT'S", "WE'LL", "ſ", "'ſ", "'S", "'T", "'Re", "'vE", "'M", "'LL", "'D", "'x", "'", "''",
         "K", "\u212a", "café", "naïve", "e\u0301", "a\u0308\u0301", "\u20dd", "x\u0903y",
         "Ωmega", "Привет", "שלום", "مرحبا", "नमस्ते", "สวัสดี", "漢字", "ひらがな", "カタカナー", "한국어",
         "ǅungla", "ʰa", "ªb", "ﬁne", "İstanbul", "straße", "ΣΑΣ", "CamelCase", "camelCASEWord",
         "snake_case", "a_b", "x\u200dy", "x\u200cy"]
NUMS = ["1", "12", "123", "1234", "12345", "3.14", "1,000", "٣٤٥", "३४", "３４５", "²", "Ⅷ", "½", "0x1F",
        "๑๒", "𝟙𝟚", "1st", "2nd", "42abc"]
PUNCT = [".", ",", "!", "?", "...", "'", "\"", "(", ")", "[", "]", "{", "}", "-", "--", "_", "/", "//",
         "\\", "@", "#", "$", "%", "^", "&", "*", "+", "=", "<", ">", "|", "~", "`", ":", ";", "€",
         "©", "±", "¿", "¡", "«", "»", "—", "…", "·", "'s", "?!", ".\n", "/\n", "!\r\n"]
EMOJI = ["😀", "👍🏽", "👨\u200d👩\u200d👧", "❤\ufe0f", "🇫🇷", "🙂🙃", "\u2b62", "☃"]
CTRL = ["\x00", "\x01", "\x07", "\x08", "\x7f", "\x1b", "\u0378", "\uffff", "\ue000", "\U0010ffff",
        "\U000e0001", "\u0600", "\u00ad", "\U0001d400"]


def rand_cp():
    while True:
        c = rng.randrange(0x20, 0x30000) if rng.random() < 0.9 else rng.randrange(0, 0x110000)
        if not 0xD800 <= c < 0xE000:
            return chr(c)


def rand_string():
    n = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30])
    parts = []
    for _ in range(n):
        r = rng.random()
        if r < 0.25: parts.append(rng.choice(SPACES))
        elif r < 0.55: parts.append(rng.choice(WORDS))
        elif r < 0.65: parts.append(rng.choice(NUMS))
        elif r < 0.80: parts.append(rng.choice(PUNCT))
        elif r < 0.85: parts.append(rng.choice(EMOJI))
        elif r < 0.90: parts.append(rng.choice(CTRL))
        else: parts.append("".join(rand_cp() for _ in range(rng.randint(1, 3))))
    return "".join(parts)


def serialize(pt):
    t = Tokenizer(tokenizers.models.WordLevel({"a": 0}, unk_token="a"))
    t.pre_tokenizer = pt
    return json.loads(t.to_str())["pre_tokenizer"]


def full_cases(pt, strings):
    """Per string: [piece, start, end, piece, start, end, ...] (char offsets)."""
    out = []
    for s in strings:
        flat = []
        for piece, (a, b) in pt.pre_tokenize_str(s):
            flat += [piece, a, b]
        out.append(flat)
    return out


def end_cases(pt, strings):
    """Per string: the pieces' end char offsets (pieces of an isolated split are contiguous)."""
    out = []
    for s in strings:
        pieces = pt.pre_tokenize_str(s)
        assert all(pieces[i][1][1] == pieces[i + 1][1][0] for i in range(len(pieces) - 1))
        assert not pieces or (pieces[0][1][0] == 0 and pieces[-1][1][1] == len(s))
        out.append([b for _, (a, b) in pieces])
    return out


def offset_cases(pt, strings):
    """For each shared string, the pieces' char offsets flattened [s0, e0, s1, e1, ...]."""
    out = []
    for s in strings:
        flat = []
        for _, (a, b) in pt.pre_tokenize_str(s):
            flat += [a, b]
        out.append(flat)
    return out


shared = [rand_string() for _ in range(3000)]
small = shared[:50]  # the "cases" of "components": strings[0..<50]

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
CL100K = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
O200K = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
CLIP = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
EXTRA = [r"\s+", r"\w+|[^\w\s]+", r"\d+", r"[[:alpha:]]+", r"[[:punct:]]+", r"\h+", r"(?i)k|'s|É",
         r"^\w", r"\w$", r"(?m)a.b", r"a*", r"x*", r"", r"\S+\s*", r"[^\s\d]+", r"\P{L}+|\p{^N}",
         r"(?<=a)b", r"\b\w", r"\w\B", r"[\u00e9\u0301]+", r"\p{Lu}\p{Ll}+"]

fixture = {"version": tokenizers.__version__, "strings": shared}

# Regex splits on the shared strings: offsets only (each piece is the input's substring).
fixture["regexSplits"] = []
for pat in [GPT2, CL100K, QWEN, O200K, CLIP]:
    pt = pre.Split(Regex(pat), "isolated")
    fixture["regexSplits"].append({"pre_tokenizer": serialize(pt), "ends": end_cases(pt, shared)})
fixture["regexSplits"].append({"pre_tokenizer": serialize(pre.Whitespace()), "offsets": offset_cases(pre.Whitespace(), shared)})
fixture["regexSplits"].append({"pre_tokenizer": serialize(pre.ByteLevel(add_prefix_space=False)),
                               "offsets": offset_cases(pre.ByteLevel(add_prefix_space=False), shared[:1000])})

# Full pieces (text + offsets) on fewer strings, for every component and option.
B = ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]
components = [
    pre.ByteLevel(), pre.ByteLevel(add_prefix_space=False), pre.ByteLevel(use_regex=False),
    pre.ByteLevel(add_prefix_space=False, use_regex=False),
    pre.Whitespace(), pre.WhitespaceSplit(), pre.BertPreTokenizer(),
    pre.Digits(), pre.Digits(individual_digits=True), pre.CharDelimiterSplit("e"), pre.CharDelimiterSplit("\u00a0"),
    pre.Metaspace(), pre.Metaspace(prepend_scheme="first"), pre.Metaspace(prepend_scheme="never"),
    pre.Metaspace(split=False), pre.Metaspace(prepend_scheme="first", split=False), pre.Metaspace(replacement="_"),
    pre.UnicodeScripts(), pre.FixedLength(), pre.FixedLength(1), pre.FixedLength(7),
    pre.Sequence([pre.WhitespaceSplit(), pre.Metaspace()]),
    pre.Sequence([pre.Split(Regex(CL100K), "isolated"), pre.ByteLevel(add_prefix_space=False, use_regex=False)]),
    pre.Sequence([pre.Digits(True), pre.Punctuation(), pre.ByteLevel()]),
]
components += [pre.Punctuation(b) for b in B]
components += [pre.Split("e", b) for b in B] + [pre.Split(" ", b, invert=True) for b in B]
components += [pre.Split("", "removed"), pre.Split("ab", "isolated"), pre.Split("''", "contiguous")]
components += [pre.Split(Regex(r"\s+"), b) for b in B] + [pre.Split(Regex(r"\p{L}+"), b, invert=True) for b in B]
components += [pre.Split(Regex(p), "removed") for p in EXTRA] + [pre.Split(Regex(p), "merged_with_next") for p in EXTRA[8:12]]
fixture["components"] = [{"pre_tokenizer": serialize(pt), "cases": full_cases(pt, small)} for pt in components]

# The pre-tokenizers of real tokenizer.json files ("cases": strings[250..<350]), one per
# distinct pre_tokenizer object.
fixture["vocabularies"] = []
seen = set()
if os.path.isdir(VOCAB):
    for name in sorted(os.listdir(VOCAB)):
        path = os.path.join(VOCAB, name, "tokenizer.json")
        if not os.path.exists(path):
            continue
        pj = json.load(open(path)).get("pre_tokenizer")
        if pj is None or json.dumps(pj, sort_keys=True) in seen:
            continue
        seen.add(json.dumps(pj, sort_keys=True))
        tk = Tokenizer.from_file(path)
        fixture["vocabularies"].append({"name": name, "pre_tokenizer": pj,
                                        "cases": full_cases(tk.pre_tokenizer, shared[250:350])})

# Oniguruma's classes over every code point: ranges of the code points each pattern matches.
CLASSES = [r"\s", r"\S", r"\w", r"\W", r"\d", r"\h", r"\p{L}", r"\p{N}", r"\p{M}", r"\p{Lu}", r"\p{Ll}",
           r"[^\s\p{L}\p{N}]", r"[[:alpha:]]", r"[[:space:]]", r"[[:punct:]]", r"[[:alnum:]]",
           r"[[:upper:]]", r"[[:lower:]]", r"[[:digit:]]", r"(?i:s)", r"(?i:k)", r"(?i:d)", r"(?i:l)",
           r"(?i:m)", r"(?i:r)", r"(?i:e)", r"(?i:t)", r"(?i:v)", r"[\r\n]"]
cps = [c for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]


def class_ranges(pat):
    hits = []
    for i in range(0, len(cps), 40000):
        chunk = cps[i:i + 40000]
        s = "".join(chr(c) for c in chunk)
        keep = bytearray(len(chunk))
        for _, (a, b) in pre.Split(Regex(pat), "removed").pre_tokenize_str(s):
            keep[a:b] = b"\x01" * (b - a)
        hits += [c for c, k in zip(chunk, keep) if not k]
    ranges = []
    for c in hits:
        if ranges and ranges[-1][1] == c - 1: ranges[-1][1] = c
        else: ranges.append([c, c])
    return [x for r in ranges for x in r]


fixture["classes"] = [{"pattern": p, "ranges": class_ranges(p)} for p in CLASSES]

with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
print("wrote", os.path.getsize(os.path.join(HERE, "expected.json")), "bytes")
