"""Writes the model-stage fixtures of ModelsReferenceTests from the reference libraries.

Run with /work/venv-scratch/bin/python (tokenizers 0.23.3, tiktoken 0.14) from the repo root:
    python Tests/SwiftTokTests/Models/make_expected.py

For each tokenizer.json vocabulary, pieces are made by the tokenizer's own normalizer and
pre-tokenizer from lines of /work/shared/corpora; the expected tokens are
`tok.model.tokenize(piece)` (id, value, byte offsets) -- only the model stage runs.
For each .tiktoken rank file, pieces are split with the encoding's pattern and the expected
ids are `tiktoken.Encoding(...)._encode_single_piece(piece)`.
"""
import json, os, random, sys
import regex
import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tokenizers import Tokenizer

SHARED = "/work/shared"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
CORPORA = [
    ("en/big.txt", 1400), ("en/pg2600_war_and_peace.txt", 300), ("multi/udhr_selected_25langs.txt", 500),
    ("multi/emoji.txt", 150), ("multi/ja_wagahaiwa_nekodearu.txt", 150), ("code/cpython311_lib.py.txt", 300),
    ("multi/utf8_sequence_0x10ffff.txt", 120),
]
# Long inputs that drive the heap path (more than 48 symbols).
SYNTHETIC = ["=" * 300, "1234567890" * 30, "a" * 257, "ab" * 150, " " * 120, "ーー" * 70,
             "supercalifragilisticexpialidocious" * 4, "ÀÁÂÃÄÅÆÇÈÉ" * 8, "\U0001F600" * 60]


def lines(path, count, rng):
    with open(os.path.join(SHARED, "corpora", path), encoding="utf-8", errors="replace") as f:
        all_lines = [l.rstrip("\n") for l in f if l.strip()]
    picked = rng.sample(all_lines, min(count, len(all_lines)))
    return [l[:400] for l in picked]


def pieces_for(tok, texts):
    out = []
    for t in texts:
        n = tok.normalizer.normalize_str(t) if tok.normalizer else t
        if tok.pre_tokenizer:
            out.extend(p for p, _ in tok.pre_tokenizer.pre_tokenize_str(n))
        else:
            out.append(n)
    return out


def select(pieces, rng, limit):
    uniq = list(dict.fromkeys(p for p in pieces if p))
    long = [p for p in uniq if len(p) > 48]
    short = [p for p in uniq if len(p) <= 48]
    rng.shuffle(short)
    return long[:limit // 5] + short[: limit - min(len(long), limit // 5)]


def make_hf(name, limit=2500):
    rng = random.Random(name)
    tok = Tokenizer.from_file(os.path.join(SHARED, "vocab", name, "tokenizer.json"))
    texts = [l for path, n in CORPORA for l in lines(path, n, rng)] + SYNTHETIC
    cases = []
    for piece in select(pieces_for(tok, texts), rng, limit):
        toks = tok.model.tokenize(piece)
        for t in toks:
            # The fixture keeps ids and offsets; values must be the vocabulary's token strings.
            assert t.value == tok.model.id_to_token(t.id), (name, piece, t.as_tuple())
        cases.append([piece, [t.id for t in toks], [x for t in toks for x in t.offsets]])
    with open(os.path.join(OUT, f"{name}.json"), "w", encoding="utf-8") as f:
        json.dump({"vocab": name, "call": "tok.model.tokenize(piece)", "cases": cases}, f,
                  ensure_ascii=False, separators=(",", ":"))
    print(name, len(cases))


R50K = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
CL100K = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
O200K = "|".join([
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""\p{N}{1,3}""", r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""", r"""\s*[\r\n]+""", r"""\s+(?!\S)""", r"""\s+""",
])


def make_tiktoken(name, path, pattern, limit=2500):
    rng = random.Random(name)
    ranks = load_tiktoken_bpe(os.path.join(SHARED, "vocab", path))
    enc = tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    texts = [l for p, n in CORPORA for l in lines(p, n, rng)] + SYNTHETIC
    pieces = [m for t in texts for m in regex.findall(pattern, t)]
    cases = []
    for piece in select(pieces, rng, limit):
        cases.append([piece, enc._encode_single_piece(piece.encode("utf-8"))])
    with open(os.path.join(OUT, f"tiktoken-{name}.json"), "w", encoding="utf-8") as f:
        json.dump({"vocab": path, "call": "tiktoken.Encoding(...)._encode_single_piece(piece)", "cases": cases}, f,
                  ensure_ascii=False, separators=(",", ":"))
    print(name, len(cases))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for n in ["gpt2", "roberta-base", "gpt-neox-20b", "clip-vit-base", "llama3", "qwen",
              "bert-base-uncased", "bert-base-cased", "llama2"]:
        make_hf(n, 1500 if n in ("llama2",) else 2500)
    make_tiktoken("cl100k_base", "cl100k_base/cl100k_base.tiktoken", CL100K)
    make_tiktoken("o200k_base", "o200k_base/o200k_base.tiktoken", O200K)
    make_tiktoken("r50k_base", "r50k_base/r50k_base.tiktoken", R50K)
    make_tiktoken("qwen", "qwen/qwen.tiktoken", CL100K)
