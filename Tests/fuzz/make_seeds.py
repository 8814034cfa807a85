"""Writes the generated fuzz seeds from the reference libraries (run once; the outputs are committed).

    .venv/bin/python Tests/fuzz/make_seeds.py

corpus/model/*.model      tiny SentencePiece models (unigram, bpe with byte fallback, word, char), trained
                          by `sentencepiece` with a 4-rule custom normalization (a small precompiled charsmap),
                          a user-defined and a control symbol
corpus/load/spm_unigram.model   the unigram one again, for fuzz_load's format detection
corpus/load/precompiled_unigram.json   that model as tokenizer.json, built and serialized by `tokenizers`:
                          Precompiled charsmap, Metaspace, added tokens with every flag
corpus/load/bpe_fallback_template.json  BPE with byte_fallback, normalizer/pre-tokenizer/decoder sequences,
                          TemplateProcessing for pairs, truncation and padding, serialized by `tokenizers`
corpus/encode/tok<i>.txt  a mixed-script text for fuzz_encode's tokenizer i (first byte: special tokens on,
                          tokenizer i; the order of run.sh's list: gpt2, bert, t5, llama2, cl100k)
corpus/encode/para<i>_<n>.txt  for tokenizer i, paragraphs of about n bytes (1500, 6000) composed here from a seeded
                          generator (words of several scripts, numbers, code, whitespace runs, strings that
                          look like special tokens), so fuzz_encode starts from long inputs too
Each seed stays under the run's -max_len so libFuzzer mutates it whole.
`make_seeds.py --text` writes the corpus/encode seeds only (no sentencepiece training). Seeds are inputs only: no
expected output is derived from them.
"""
import io
import os
import random
import sys
import tempfile

import sentencepiece as spm
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = ["hello world", "the quick brown fox jumps over the lazy dog", "Hello, World! 123 <sep> x",
        "caf\u00e9 na\u00efve \uff21\uff22\u3000end", "low lower lowest newer wider"] * 20
# Custom normalization rules (hex code points, source TAB target): A -> a, fullwidth A/B -> A/B,
# ideographic space -> space. sentencepiece compiles them into a precompiled charsmap of a few hundred bytes.
RULES = "41\t61\nFF21\t41\nFF22\t42\n3000\t20\n"


def train(model_type, rules_path):
    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXT), model_writer=out, model_type=model_type,
        vocab_size={"unigram": 70, "bpe": 330}.get(model_type, 50), hard_vocab_limit=False,
        normalization_rule_tsv=rules_path, byte_fallback=(model_type == "bpe"), minloglevel=3, num_threads=1,
        user_defined_symbols=["<sep>"], control_symbols=["<cls>"])
    return out.getvalue()


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def fields(b):
    """(field number, wire type, value) of one protobuf message; enough for ModelProto's normalizer_spec."""
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(b, i)
        elif wire == 1:
            v, i = b[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wire == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield num, wire, v


def charsmap(model_bytes):
    spec = next(v for n, w, v in fields(model_bytes) if n == 3)  # ModelProto.normalizer_spec
    return next(v for n, w, v in fields(spec) if n == 2)        # NormalizerSpec.precompiled_charsmap


def write(path, data):
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(data)
    print(f"{path}: {len(data)} bytes")


# Word pools for the generated paragraphs: what tokenizers split differently (scripts, digits,
# contractions, marks, symbols, code), not text taken from anywhere.
WORDS = {
    "latin": "the of and to in is was for on that with as by at from it this be are or an which have".split()
             + "tokenizer lower lowest newer wider quick brown fox jumps lazy dog again river stone".split()
             + ["caf\u00e9", "na\u00efve", "r\u00e9sum\u00e9", "\u00fcber", "stra\u00dfe", "se\u00f1or",
                "I'm", "don't", "we'll", "they've", "O'Neil", "e.g.", "U.S.A."],
    "cyrillic": ["\u043f\u0440\u0438\u0432\u0435\u0442", "\u043c\u0438\u0440", "\u0441\u043b\u043e\u0432\u043e"],
    "greek": ["\u03ba\u03cc\u03c3\u03bc\u03bf\u03c2", "\u03bb\u03cc\u03b3\u03bf\u03c2"],
    "cjk": ["\u4e16\u754c", "\u4f60\u597d", "\u65e5\u672c\u8a9e", "\u6771\u4eac", "\u3053\u3093\u306b\u3061\u306f",
            "\u30ab\u30bf\u30ab\u30ca", "\ud55c\uad6d\uc5b4"],
    "rtl": ["\u0645\u0631\u062d\u0628\u0627", "\u0627\u0644\u0639\u0627\u0644\u0645", "\u05e9\u05dc\u05d5\u05dd"],
    "indic": ["\u0928\u092e\u0938\u094d\u0924\u0947", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35"],
    "symbols": ["\U0001F600", "\U0001F44D\U0001F3FD", "\u2764\ufe0f", "\u00a9", "\u2014", "\u2026", "\uff21\uff22",
                "\u3000", "\u00a0", "e\u0301", "\ufb01", "\u2460"],
    "special": ["<s>", "</s>", "[CLS]", "[SEP]", "[MASK]", "<unk>", "<|endoftext|>", "<pad>", "##ing"],
    "code": ["def f(x):", "return x + 1", "{\"key\": [1, 2]}", "if (a && b) {", "}", "#include <stdio.h>",
             "x = y ** 2", "http://example.com/a?b=c"],
}
SPACES = [" ", " ", " ", " ", "  ", "\t", "\n", "\n\n", " \n ", "\r\n", "   "]


def paragraph(rng, size):
    """About `size` bytes of UTF-8: sentences mostly of Latin words, the other pools mixed in."""
    out, n = [], 0
    pools = list(WORDS)
    weights = [40, 4, 2, 6, 4, 2, 3, 2, 4]
    while n < size:
        pool = rng.choices(pools, weights)[0]
        word = rng.choice(WORDS[pool])
        if rng.random() < 0.08:
            word = str(rng.randrange(10 ** rng.randrange(1, 8)))
        if rng.random() < 0.05:
            word = word.capitalize() if rng.random() < 0.7 else word.upper()
        sep = rng.choice(SPACES) if rng.random() < 0.3 else " "
        if rng.random() < 0.07:
            sep = rng.choice([". ", ", ", "; ", "! ", "? ", ": ", ".\n"])
        piece = word + sep
        out.append(piece)
        n += len(piece.encode())
    return "".join(out)


def write_text_seeds():
    text = "Hello, world! I'm 123 caf\u00e9 \u4e16\u754c  \u0645\u0631\u062d\u0628\u0627 <s> [CLS] \U0001F600\n\tend".encode()
    rng = random.Random(2024)
    for i in range(5):
        write(f"corpus/encode/tok{i}.txt", bytes([(i << 2) | 1]) + text)
        for size in (1500, 6000):
            flags = rng.randrange(4)
            write(f"corpus/encode/para{i}_{size}.txt", bytes([(i << 2) | flags]) + paragraph(rng, size).encode())


def main():
    if "--text" in sys.argv[1:]:
        write_text_seeds()
        return
    os.makedirs(os.path.join(HERE, "corpus/model"), exist_ok=True)
    # The rule file's path is stored in the model: a fixed relative name keeps the seeds reproducible.
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        with open("rules.tsv", "w") as f:
            f.write(RULES)
        built = {t: train(t, "rules.tsv") for t in ("unigram", "bpe", "word", "char")}
        os.chdir(cwd)
    for t, b in built.items():
        write(f"corpus/model/{t}.model", b)
    write("corpus/load/spm_unigram.model", built["unigram"])

    sp = spm.SentencePieceProcessor(model_proto=built["unigram"])
    pieces = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    tok = Tokenizer(models.Unigram(pieces, unk_id=sp.unk_id(), byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(charsmap(built["unigram"])),
                                           normalizers.Replace(" ", "\u2581")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first")
    tok.add_special_tokens([AddedToken("<cls>", special=True, normalized=False)])
    tok.add_tokens([AddedToken("<sep>", single_word=True, lstrip=True, rstrip=True, normalized=True),
                    AddedToken("New York", normalized=False, single_word=False)])
    write("corpus/load/precompiled_unigram.json", tok.to_str().encode())

    vocab = {"<unk>": 0, "[CLS]": 1, "[SEP]": 2, "[PAD]": 3}
    for i in range(0x20, 0x80):
        vocab[f"<0x{i:02X}>"] = len(vocab)
    for s in ["h", "e", "l", "o", "w", "r", "d", "1", "2", "he", "ll", "hell", "hello"]:
        vocab.setdefault(s, len(vocab))
    merges = [("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o")]
    tok = Tokenizer(models.BPE(vocab, merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Strip(),
                                           normalizers.Lowercase(), normalizers.Prepend("_")])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.Punctuation(), pre_tokenizers.UnicodeScripts(),
                                                 pre_tokenizers.WhitespaceSplit()])
    tok.decoder = decoders.Sequence([decoders.Replace("_", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                                       special_tokens=[("[CLS]", 1), ("[SEP]", 2)])
    tok.enable_truncation(16, stride=2, strategy="longest_first")
    tok.enable_padding(length=20, pad_id=3, pad_token="[PAD]")
    write("corpus/load/bpe_fallback_template.json", tok.to_str().encode())
    write_text_seeds()


if __name__ == "__main__":
    main()
