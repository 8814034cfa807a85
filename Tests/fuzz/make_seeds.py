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
                          tokenizer i; the order of run.sh's list)
Each seed stays well under the run's -max_len so libFuzzer mutates it whole. Seeds are inputs only: no
expected output is derived from them.
"""
import io
import os
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


def main():
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

    text = "Hello, world! I'm 123 caf\u00e9 \u4e16\u754c  \u0645\u0631\u062d\u0628\u0627 <s> [CLS] \U0001F600\n\tend".encode()
    for i in range(4):
        write(f"corpus/encode/tok{i}.txt", bytes([(i << 2) | 1]) + text)


if __name__ == "__main__":
    main()
