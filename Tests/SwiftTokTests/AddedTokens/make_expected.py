"""Writes expected.json for the AddedVocabulary tests, from Hugging Face `tokenizers` itself.

Run: /work/venv-scratch/bin/python Tests/SwiftTokTests/AddedTokens/make_expected.py

Every case is a tokenizer.json built here and loaded with `Tokenizer.from_str` (so `added_tokens`
go through tokenizers' own deserialization). A custom pre-tokenizer records
`PreTokenizedString.get_splits(offset_referential="original", offset_type="byte")`, which is exactly
the output of `extract_and_normalize`: each piece's normalized text, its byte span in the input,
and the token of added-token pieces.

Real vocabularies (/work/shared/vocab) are read in place; only the pieces found and a few
summary numbers are written, never the vocabularies.
"""
import json
import os
import sys

import tokenizers
from tokenizers import Tokenizer
from tokenizers.pre_tokenizers import PreTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = os.path.normpath(os.path.join(HERE, "../../../../shared/vocab"))
if not os.path.isdir(VOCAB):
    VOCAB = "/work/shared/vocab"

NORMALIZERS = {
    "none": None,
    "lowercase": {"type": "Lowercase"},
    # The Llama 2 / SentencePiece style: Prepend then Replace(" " -> "▁").
    "metaspace": {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "\u2581"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
    ]},
    "strip": {"type": "Strip", "strip_left": True, "strip_right": True},
}


class Recorder:
    def __init__(self):
        self.splits = None

    def pre_tokenize(self, pretok):
        self.splits = pretok.get_splits(offset_referential="original", offset_type="byte")


def tok(content, single_word=False, lstrip=False, rstrip=False, normalized=True, special=False, id=0):
    return {"id": id, "content": content, "single_word": single_word, "lstrip": lstrip,
            "rstrip": rstrip, "normalized": normalized, "special": special}


def document(added, normalizer=None, vocab=None):
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": normalizer, "pre_tokenizer": None, "post_processor": None,
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": {"[UNK]": 0} if vocab is None else vocab,
                      "unk_token": "[UNK]"}}


def pieces(tokenizer, text, encode_special_tokens=False):
    rec = Recorder()
    tokenizer.pre_tokenizer = PreTokenizer.custom(rec)
    tokenizer.encode_special_tokens = encode_special_tokens
    tokenizer.encode(text, add_special_tokens=False)
    out = []
    for s, (a, b), tokens in rec.splits or []:
        if tokens is None:
            out.append({"text": s, "offsets": [a, b], "id": None})
        else:
            assert len(tokens) == 1
            t = tokens[0]
            out.append({"text": s, "offsets": [a, b], "id": t.id, "value": t.value,
                        "token_offsets": list(t.offsets)})
    return out


# name, normalizer, added tokens (in file order), texts
SPLIT_CASES = [
    ("basic", "none", [tok("my"), tok("name"), tok("[CLS]", normalized=False, special=True),
                       tok("[SEP]", normalized=False, special=True)],
     ["[CLS] My name is Anthony [SEP]", "", "my", "mymyname", "xmyx", "[CLS][SEP][CLS]"]),
    ("basic-lowercase", "lowercase",
     [tok("my", lstrip=True, rstrip=True), tok("name"), tok("ony", single_word=True),
      tok("[CLS]", normalized=False, special=True), tok("[SEP]", normalized=False, special=True)],
     ["[CLS] My name is Anthony [SEP]", "MY NAME", "[cls] [CLS]", "ONY ony Ony, (ony)"]),
    ("single-word", "lowercase", [tok("<mask>", single_word=True)],
     ["<mask> My name <mask> A<mask> <mask>ony <mask>", "<mask>, <mask>- \u25cc\u0330<mask>",
      "\u00e9<mask>", "_<mask>", "1<mask>", "\u200d<mask>", "\u0663<mask>", "<mask>\u0301",
      "<mask>\u00b2", "\u2160<mask>", "<mask>\u4e2d", "-<mask>-", "<mask><mask>", " <mask> "]),
    ("single-word-raw", "none", [tok("ab", single_word=True, normalized=False), tok("b", normalized=False)],
     ["ab", "xab", "abx", "ab ab", "aab", "a ab b"]),
    ("strip-unicode", "lowercase", [tok("<mask>", lstrip=True, rstrip=True, single_word=True)],
     ["Hi <mask> there\t<mask>\t<mask>\u2000", "\u3000<mask>\u00a0x", "\u180e<mask>\u200b",
      "\u0085<mask>\u2028y", "a \u202f\u205f<mask>\n\r\n\u000b\u000cb", "   <mask>   <mask>   "]),
    ("lstrip", "none", [tok("<mask>", lstrip=True, normalized=False)],
     ["Hello    <mask>", "<mask>", " <mask>", "a <mask> <mask>  <mask>b", "\n\n<mask>\n"]),
    ("rstrip", "none", [tok("<mask>", rstrip=True, normalized=False)],
     ["<mask>   x", "<mask>", "<mask> <mask>  <mask>", "x <mask>\t\n"]),
    ("rstrip-then-lstrip", "none", [tok("<a>", rstrip=True, normalized=False),
                                    tok("<b>", lstrip=True, normalized=False)],
     ["<a>   <b>", "<a><b>", " <b> <a> <b> ", "<a> x <b>"]),
    ("rstrip-overlap", "none", [tok("<a>", rstrip=True, normalized=False), tok(" x", normalized=False)],
     ["<a> x", "<a>  x y", "x <a> x"]),
    ("leftmost-longest", "none",
     [tok(c, normalized=False) for c in ["ab", "abc", "bcd", "cd", "b", "abcdef", "c"]],
     ["abcd", "abcde", "xbcdx", "abab", "abcdefg", "abcdeabcdef", "bcbcd", "ccc"]),
    ("prefix-chain", "none", [tok("a" * n, normalized=False) for n in (1, 3, 5)],
     ["a" * 12, "aaaa", "aab", "baaaaab"]),
    ("adjacent", "none", [tok("<a>", normalized=False, special=True), tok("<b>")],
     ["<a><b><a>", "<a><a>", "x<b>y<a>z", "<a"]),
    ("normalized-vs-raw", "lowercase", [tok("Hello"), tok("WORLD", normalized=False)],
     ["hello HELLO Hello", "world WORLD World", "HelloWORLD"]),
    ("raw-first", "none", [tok("ab"), tok("bc", normalized=False)], ["abc", "abcab", "ab"]),
    ("metaspace", "metaspace", [tok("<mask>"), tok("<s>", normalized=False, special=True),
                                tok("hi there")],
     ["hi <mask> there", "<mask>", "<s>hello <s> x", "say hi there", "<s> <mask>"]),
    ("multibyte", "none", [tok("\u65e5\u672c"), tok("\u672c\u8a9e"), tok("\U0001F600", lstrip=True),
                           tok("\u00e9", single_word=True)],
     ["\u65e5\u672c\u8a9e\u672c\u8a9e", "a \U0001F600\U0001F600", "caf\u00e9 \u00e9 \u00e9t\u00e9",
      "\u65e5\u672c"]),
    ("duplicates", "none", [tok("x"), tok("x", special=True, normalized=False), tok("y", lstrip=True),
                            tok("y", rstrip=True)],
     ["axb", " y ", "x y x"]),
    # The last entry for a content decides how it matches.
    ("last-entry-wins", "lowercase", [tok("x"), tok("x", special=True, normalized=False),
                                      tok("y", special=True, normalized=False), tok("y")],
     ["X x", "Y y"]),
    # Pieces whose normalization removed text at their edges are cut down to what is left.
    ("strip-edges", "strip", [tok("<b>", normalized=False), tok("x")],
     ["  a  ", " <b> a <b> ", "  ", " x ", "<b> x"]),
    # A content that normalizes to nothing matches (empty) everywhere no other token starts.
    # (tokenizers panics on such a match inside a multi-byte character, or where the normalizer
    # removed text at the edge: ASCII only, nothing stripped.)
    ("empty-pattern", "strip", [tok(" ", lstrip=True), tok("ab")],
     ["a b", "ab cab", "ab  ab", "a  b", "xaby"]),
]

# Cases with a model vocabulary or encode_special_tokens: name, normalizer, vocab, flag, added, texts
SPLIT_CASES_EXTRA = [
    # "w" gets id 5, which the model's "b" then takes over: "w" is no longer matched.
    ("id-collision", "none", {"[UNK]": 0, "b": 5}, False,
     [tok(c) for c in ["x", "y", "z", "w", "b", "v"]], ["w b x v"]),
    ("encode-special-tokens", "none", None, True,
     [tok("<s>", special=True, normalized=False), tok("x", special=True), tok("y")], ["<s>xy"]),
]

# name, model vocab, added tokens (in file order, with the ids the file claims)
LOAD_CASES = [
    ("file-ids-ignored", {"a": 0, "b": 1, "[UNK]": 2},
     [tok("x", id=100), tok("y", id=5), tok("a", id=1), tok("z", special=True, id=7), tok("x", id=50)]),
    ("special-later", {"[UNK]": 0}, [tok("x", id=3), tok("x", special=True, id=9), tok("w", id=1)]),
    ("special-first", {"[UNK]": 0}, [tok("x", special=True), tok("x"), tok("q", special=False)]),
    ("empty-content", {"[UNK]": 0}, [tok(""), tok("", special=True), tok("k")]),
    ("sparse-model-ids", {"[UNK]": 0, "b": 5},
     [tok("x"), tok("y"), tok("z"), tok("w"), tok("b"), tok("v")]),
    ("model-known-special", {"[UNK]": 0, "<s>": 1, "hello": 7},
     [tok("<s>", special=True, normalized=False), tok("hello"), tok("new")]),
    ("empty-model", {},
     [tok("a"), tok("b", special=True)]),
    # Normalized forms are what id_to_token (and decode) give; special-ness is by content.
    ("normalized-forms", {"[UNK]": 0},
     [tok("Hello", special=True), tok("WORLD", normalized=False), tok("Hi"), tok("Hi", normalized=False),
      tok("ok")], "lowercase"),
]

REAL = {
    "roberta-base": ["Hello <mask> world", "Hello    <mask>", "<s>Hi</s><mask>", "<mask><mask>",
                     "\t<mask> x"],
    "llama3": ["<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
               "<|reserved_special_token_10|><|reserved_special_token_100|>",
               "<|reserved_special_token_1", "a <|eot_id|> b"],
    "qwen": ["<|im_start|>system\nYou are helpful.<|im_end|>\n<|endoftext|>", "<|im_end|<|im_end|>"],
    "bert-base-uncased": ["[CLS] Hello [MASK] [SEP][PAD]", "[cls] lower [MASK]", "[UNK][UNK]"],
}


def load_case(name, vocab, added, normalizer="none"):
    doc = document(added, NORMALIZERS[normalizer], vocab=vocab)
    t = Tokenizer.from_str(json.dumps(doc))
    written = json.loads(t.to_str())["added_tokens"]
    contents = sorted({a["content"] for a in added})
    ids = sorted({i for i in range(0, 16)} | {w["id"] for w in written})
    return {
        "name": name, "normalizer": normalizer, "vocab": vocab, "added": added,
        "written": written,
        "vocab_size_with_added": t.get_vocab_size(with_added_tokens=True),
        "token_to_id": {c: t.token_to_id(c) for c in contents},
        "id_to_token": [[i, t.id_to_token(i)] for i in ids],
        # decode maps the id with id_to_token, then skips the string if it is a special token.
        "decode_skipping_special": [[i, t.decode([i], skip_special_tokens=True)] for i in ids
                                    if t.id_to_token(i) is not None],
    }


def main():
    out = {"tokenizers_version": tokenizers.__version__, "splits": [], "loads": [], "real": []}
    for name, norm, added, texts in SPLIT_CASES:
        t = Tokenizer.from_str(json.dumps(document(added, NORMALIZERS[norm])))
        out["splits"].append({"name": name, "normalizer": norm, "added": added,
                              "texts": [{"text": s, "pieces": pieces(t, s)} for s in texts]})
    for name, norm, vocab, flag, added, texts in SPLIT_CASES_EXTRA:
        t = Tokenizer.from_str(json.dumps(document(added, NORMALIZERS[norm], vocab=vocab)))
        out["splits"].append({"name": name, "normalizer": norm, "added": added, "vocab": vocab,
                              "encode_special_tokens": flag,
                              "texts": [{"text": s, "pieces": pieces(t, s, flag)} for s in texts]})
    for case in LOAD_CASES:
        out["loads"].append(load_case(*case))
    for name, texts in REAL.items():
        path = os.path.join(VOCAB, name, "tokenizer.json")
        if not os.path.exists(path):
            print("skipping", name, file=sys.stderr)
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        # No normalizer: the Swift tests run the added-token stage without one.
        doc["normalizer"] = None
        t = Tokenizer.from_str(json.dumps(doc))
        written = json.loads(t.to_str())["added_tokens"]
        out["real"].append({
            "name": name,
            "added_count": len(doc["added_tokens"]),
            "written_equals_file": written == doc["added_tokens"],
            "vocab_size_with_added": t.get_vocab_size(with_added_tokens=True),
            "texts": [{"text": s, "pieces": pieces(t, s)} for s in texts],
        })
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
