"""Reference encoders: Hugging Face `tokenizers` and OpenAI `tiktoken`, built from ../shared files only."""
import base64
import json
from pathlib import Path

from .paths import VOCAB

# Key order of swifttok's JSON output; the oracle's fast path compares whole lines in this order.
ENCODING_KEYS = ("ids", "tokens", "offsets", "type_ids", "attention_mask", "special_tokens_mask",
                 "word_ids", "overflowing")


def load_tokenizer(path):
    """A tokenizers.Tokenizer from a tokenizer.json file."""
    from tokenizers import Tokenizer
    return Tokenizer.from_file(str(path))


def build_gpt2_from_vocab_merges(out_dir):
    """Builds gpt2's tokenizer.json from vocab.json + merges.txt with tokenizers' own API; returns its path.

    Settings are those of the published gpt2 tokenizer.json: byte-level pre-tokenizer, post-processor
    and decoder, and <|endoftext|> as a special added token.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
    src = VOCAB / "gpt2"
    tok = Tokenizer(models.BPE.from_file(str(src / "vocab.json"), str(src / "merges.txt")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True)
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken("<|endoftext|>", normalized=True)])
    path = Path(out_dir) / "gpt2-from-vocab-merges.tokenizer.json"
    tok.save(str(path))
    return path


def encoding_dict(e, with_overflowing=True):
    """An Encoding as the dict swifttok prints (char offsets), keys in ENCODING_KEYS order."""
    d = {
        "ids": e.ids,
        "tokens": e.tokens,
        "offsets": e.offsets,
        "type_ids": e.type_ids,
        "attention_mask": e.attention_mask,
        "special_tokens_mask": e.special_tokens_mask,
        "word_ids": e.word_ids,
    }
    d["overflowing"] = [encoding_dict(o) for o in e.overflowing] if with_overflowing else []
    return d


def char_to_byte_offsets(d, texts):
    """Rewrites an encoding dict's char offsets into UTF-8 byte offsets of the sequence each token is from.

    texts: (first,) or (first, pair). Which sequence a token is from: tokenizers' sequence_ids, which
    the caller passes as d["_seq"] (special tokens have None and offsets (0, 0)).
    """
    tables = []
    for t in texts:
        table = [0]
        for ch in t:
            table.append(table[-1] + len(ch.encode("utf-8")))
        tables.append(table)
    seq = d.pop("_seq")
    d["offsets"] = [(tables[s][a], tables[s][b]) if s is not None else (a, b)
                    for (a, b), s in zip(d["offsets"], seq)]
    for o in d["overflowing"]:
        char_to_byte_offsets(o, texts)
    return d


def encoding_dict_bytes(e, texts):
    """encoding_dict with UTF-8 byte offsets (what `--offsets byte` prints)."""
    def with_seq(enc):
        d = encoding_dict(enc, with_overflowing=False)
        d["_seq"] = enc.sequence_ids
        d["overflowing"] = [with_seq(o) for o in enc.overflowing]
        return d
    return char_to_byte_offsets(with_seq(e), texts)


# ---- tiktoken -----------------------------------------------------------------------------

TIKTOKEN_FILES = {
    "r50k_base": VOCAB / "r50k_base" / "r50k_base.tiktoken",
    "p50k_base": VOCAB / "p50k_base" / "p50k_base.tiktoken",
    "cl100k_base": VOCAB / "cl100k_base" / "cl100k_base.tiktoken",
    "o200k_base": VOCAB / "o200k_base" / "o200k_base.tiktoken",
}

# Meta's pattern for Llama 3 (llama/tokenizer.py in meta-llama/llama3).
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def llama3_special_tokens():
    """Meta's 256 Llama 3.1+ special tokens (meta-llama/llama-models, models/llama3/tokenizer.py), in id order
    after the 128,000 ranks. The Llama 3.0 list differs (no <|eom_id|>, <|python_tag|>, ...); the
    tokenizer.json in ../shared carries the 3.1+ list, which the cross-check below confirms."""
    names = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
             "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|step_id|>",
             "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>",
             "<|python_tag|>", "<|image|>"]
    names += [f"<|reserved_special_token_{2 + i}|>" for i in range(256 - len(names))]
    return names


def load_ranks(path):
    """A tiktoken rank file (base64 token, space, rank per line) as {bytes: rank}."""
    ranks = {}
    for line in Path(path).read_bytes().splitlines():
        if line:
            tok, rank = line.split()
            ranks[base64.b64decode(tok)] = int(rank)
    return ranks


def tiktoken_encoding(name):
    """A tiktoken.Encoding for r50k/p50k/cl100k/o200k (OpenAI's definitions, local rank files) or llama3."""
    import tiktoken
    if name == "llama3":
        ranks = load_ranks(VOCAB / "llama3" / "tokenizer.model")
        specials = {s: len(ranks) + i for i, s in enumerate(llama3_special_tokens())}
        # Cross-check Meta's list against the added tokens of the published tokenizer.json.
        added = json.loads((VOCAB / "llama3" / "tokenizer.json").read_text())["added_tokens"]
        published = {t["content"]: t["id"] for t in added}
        if published != specials:
            raise AssertionError("llama3 special tokens differ from tokenizer.json's added_tokens")
        return tiktoken.Encoding("llama3", pat_str=LLAMA3_PATTERN, mergeable_ranks=ranks,
                                 special_tokens=specials)
    from tiktoken_ext import openai_public
    path = TIKTOKEN_FILES[name]
    original = openai_public.load_tiktoken_bpe

    def local(url, expected_hash=None):
        # openai_public names its download URL; read the same file from ../shared instead.
        assert url.rsplit("/", 1)[-1] == path.name, url
        return original(str(path), expected_hash=expected_hash)

    openai_public.load_tiktoken_bpe = local
    try:
        spec = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**spec)
