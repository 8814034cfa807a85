"""Helpers for the training tests: corpus samples from ../shared, the reference pipelines and
trainers of `tokenizers` built like swifttok's presets, and readers for swifttok's outputs."""
import collections
import json
import subprocess

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers, Regex

from .paths import CORPORA


def sample_corpus(path, parts, limit_per_part):
    """Writes the first `limit_per_part` bytes (cut at a line end) of each ../shared corpus file in
    `parts` into `path`, one after another; returns the path."""
    out = bytearray()
    for rel in parts:
        data = (CORPORA / rel).read_bytes()[:limit_per_part]
        cut = data.rfind(b"\n")
        out += data[: cut + 1] if cut >= 0 else data
    path.write_bytes(bytes(out))
    return path


def pipeline(preset):
    """A bare tokenizers Tokenizer with the normalizer and pre-tokenizer of swifttok's preset."""
    if preset == "gpt2":
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    elif preset == "bert":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                    lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    elif preset == "t5":
        tok = Tokenizer(models.Unigram())
        tok.normalizer = normalizers.Sequence([normalizers.Nmt(), normalizers.NFKC(),
                                               normalizers.Replace(Regex(" {2,}"), " ")])
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    else:
        raise ValueError(preset)
    return tok


def reference_word_counts(tok, path):
    """What `tokenizers`' trainers are fed for `tok.train([path])`: each line with its ending,
    normalized and pre-tokenized, each piece counted once."""
    counts = collections.Counter()
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8")
            text = tok.normalizer.normalize_str(line) if tok.normalizer is not None else line
            for piece, _ in tok.pre_tokenizer.pre_tokenize_str(text):
                counts[piece] += 1
    return counts


def read_counts_file(path):
    """Parses swifttok's counts file (version 1) into (header dict, Counter)."""
    data = path.read_bytes()
    magic_end = data.index(b"\n")
    assert data[:magic_end] == b"swifttok-counts 1"
    header_end = data.index(b"\n", magic_end + 1)
    header = json.loads(data[magic_end + 1:header_end])
    counts = collections.Counter()
    i = header_end + 1
    words = []
    while i < len(data):
        sp1 = data.index(b" ", i)
        sp2 = data.index(b" ", sp1 + 1)
        n = int(data[sp1 + 1:sp2])
        word = data[sp2 + 1:sp2 + 1 + n]
        assert data[sp2 + 1 + n:sp2 + 2 + n] == b"\n"
        counts[word.decode("utf-8")] += int(data[i:sp1])
        words.append(word)
        i = sp2 + 2 + n
    assert words == sorted(words), "words must be in byte order"
    assert header["words"] == len(words)
    return header, counts


def run(swifttok, *args, check=True):
    """Runs the swifttok CLI; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([swifttok, *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"swifttok {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc
