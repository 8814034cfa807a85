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


def run(swifttok, *args, check=True, input_text=None):
    """Runs the swifttok CLI; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([swifttok, *args], capture_output=True, text=True, input=input_text)
    if check and proc.returncode != 0:
        raise AssertionError(f"swifttok {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def reference_train(preset, model, corpus, vocab_size, special_tokens, **options):
    """Trains `tokenizers`' trainer for `model` on `corpus` (Tokenizer.train, files read line by
    line) with the preset's pipeline; returns the tokenizer.json as a dict."""
    tok = pipeline(preset)
    if model == "bpe":
        tok.model = models.BPE()
        if preset == "gpt2" and "initial_alphabet" not in options:
            options["initial_alphabet"] = pre_tokenizers.ByteLevel.alphabet()
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False, **options)
    elif model == "wordpiece":
        tok.model = models.WordPiece(unk_token="[UNK]")
        trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False,
                                            **options)
    elif model == "wordlevel":
        tok.model = models.WordLevel(unk_token="<unk>" if preset != "bert" else "[UNK]")
        trainer = trainers.WordLevelTrainer(vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False,
                                            **options)
    else:
        raise ValueError(model)
    tok.train([str(corpus)], trainer)
    return json.loads(tok.to_str())


def symbol_order(ref, special_count, prefix=None):
    """The prefixed/suffixed character forms in the order `tokenizers` gave them ids in this run
    (its hash-map order; swifttok takes them in this order with --symbol-order)."""
    vocab = sorted(ref["model"]["vocab"].items(), key=lambda kv: kv[1])
    merges = ref["model"].get("merges")
    if merges:
        a, b = merges[0] if isinstance(merges[0], list) else merges[0].split(" ", 1)
        if prefix and b.startswith(prefix):
            b = b[len(prefix):]
        first_merge = ref["model"]["vocab"][a + b]
    else:
        first_merge = len(vocab)
    order = []
    for token, i in vocab[special_count:first_merge]:
        if len(token) == 1:
            continue
        if prefix and merges is None and not (token.startswith(prefix) and len(token) == len(prefix) + 1):
            continue
        order.append(token)
    return order


def compare_models(ref, ours):
    """Asserts equal vocabularies (token -> id) and merges (same order); returns a summary line."""
    rv, ov = ref["model"]["vocab"], ours["model"]["vocab"]
    if rv != ov:
        only_ref = sorted(set(rv) - set(ov))[:5]
        only_ours = sorted(set(ov) - set(rv))[:5]
        moved = [(t, rv[t], ov[t]) for t in sorted(set(rv) & set(ov), key=lambda t: rv[t]) if rv[t] != ov[t]][:5]
        raise AssertionError(f"vocab differs: {len(rv)} vs {len(ov)}; only tokenizers {only_ref}; only swifttok "
                             f"{only_ours}; ids differ {moved}")

    def norm(merges):
        return [tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1)) for m in merges or []]

    rm, om = norm(ref["model"].get("merges")), norm(ours["model"].get("merges"))
    for i, (a, b) in enumerate(zip(rm, om)):
        assert a == b, f"merge {i} differs: tokenizers {a}, swifttok {b}"
    assert len(rm) == len(om), f"{len(rm)} merges in tokenizers, {len(om)} in swifttok"
    for key in ("continuing_subword_prefix", "end_of_word_suffix", "unk_token"):
        if key in ref["model"]:
            assert ref["model"][key] == ours["model"].get(key), key
    return f"vocab {len(rv)} equal, merges {len(rm)} equal in order"
