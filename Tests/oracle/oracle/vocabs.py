"""The vocabularies under test and their reference encoders."""
import unicodedata

import orjson

from .paths import VOCAB
from .reference import (encoding_dict, encoding_dict_bytes, load_tokenizer, tiktoken_encoding)


class TokenizersVocab:
    """A tokenizer.json vocabulary compared with `tokenizers`; `files` are (summary label, path) that
    must all give the reference's output (gpt2 has three serializations of one tokenizer)."""
    kind = "tokenizers"

    def __init__(self, name, files, byte_level=False, nfc=False, pad=("[PAD]", 0), sp_text=False):
        self.name = name
        # Random strings get the SentencePiece extras of randtext (space/tab runs, NFKC forms ...).
        self.sp_text = sp_text
        self.files = files
        self.byte_level = byte_level
        self.nfc = nfc
        self.pad = pad
        self._tok = None

    @property
    def tok(self):
        if self._tok is None:
            self._tok = load_tokenizer(self.files[0][1])
        return self._tok

    def specials(self):
        """Added-token strings, for sprinkling into random text."""
        return sorted(t.content for t in self.tok.get_added_tokens_decoder().values())[:40]


class ConvertedVocab(TokenizersVocab):
    """A tokenizer.json that `transformers`' slow->fast converter makes from a SentencePiece .model file
    (`slow_class` = "T5Tokenizer", "AlbertTokenizer"), written on first use into a cache folder under the
    system temp dir (never into the repository)."""

    def __init__(self, name, model_path, slow_class, pad):
        super().__init__(name, None, pad=pad, sp_text=True)
        self.model_path = model_path
        self.slow_class = slow_class

    @property
    def files(self):
        return [(self.name, self.converted_path())]

    @files.setter
    def files(self, value):
        pass

    def converted_path(self):
        import os
        import tempfile
        from pathlib import Path
        out = Path(tempfile.gettempdir()) / f"swifttok-oracle-converted-{os.getuid()}" / self.name / "tokenizer.json"
        if not out.exists():
            import transformers
            from transformers.convert_slow_tokenizer import convert_slow_tokenizer
            slow = getattr(transformers, self.slow_class)(vocab_file=str(self.model_path))
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(f".{os.getpid()}.tmp")
            convert_slow_tokenizer(slow).save(str(tmp))
            os.replace(tmp, out)
        return out


class TiktokenVocab:
    """A .tiktoken-format vocabulary compared with `tiktoken` (ids and decoded text only)."""
    kind = "tiktoken"
    byte_level = True
    nfc = False

    def __init__(self, name, encoding_name, path):
        self.name = name
        self.encoding_name = encoding_name
        self.files = [(name, path)]
        self._enc = None

    @property
    def enc(self):
        if self._enc is None:
            self._enc = tiktoken_encoding(self.encoding_name)
        return self._enc

    def specials(self):
        return sorted(self.enc.special_tokens_set)[:40]


def all_vocabs(built_gpt2_path=None):
    """Every vocabulary of the oracle, tokenizers ones first."""
    g = VOCAB / "gpt2"
    gpt2_files = [("gpt2", g / "tokenizer.json"), ("gpt2 (kitoken.json)", g / "tokenizer.kitoken.json")]
    if built_gpt2_path is not None:
        gpt2_files.append(("gpt2 (vocab+merges)", built_gpt2_path))
    return [
        TokenizersVocab("gpt2", gpt2_files, byte_level=True, pad=("<|endoftext|>", 50256)),
        TokenizersVocab("roberta-base", [("roberta-base", VOCAB / "roberta-base" / "tokenizer.json")],
                        byte_level=True, pad=("<pad>", 1)),
        TokenizersVocab("gpt-neox-20b", [("gpt-neox-20b", VOCAB / "gpt-neox-20b" / "tokenizer.json")],
                        byte_level=True, nfc=True, pad=("<|padding|>", 1)),
        TokenizersVocab("clip-vit-base", [("clip-vit-base", VOCAB / "clip-vit-base" / "tokenizer.json")],
                        pad=("<|endoftext|>", 49407)),
        TokenizersVocab("llama3 (json)", [("llama3 (json)", VOCAB / "llama3" / "tokenizer.json")],
                        byte_level=True, pad=("<|finetune_right_pad_id|>", 128004)),
        TokenizersVocab("qwen", [("qwen", VOCAB / "qwen" / "tokenizer.json")], byte_level=True, nfc=True,
                        pad=("<|endoftext|>", 151643)),
        TokenizersVocab("bert-base-uncased",
                        [("bert-base-uncased", VOCAB / "bert-base-uncased" / "tokenizer.json")]),
        TokenizersVocab("bert-base-cased", [("bert-base-cased", VOCAB / "bert-base-cased" / "tokenizer.json")]),
        # SentencePiece-style BPE with byte fallback; none defines a pad token, so pad with </s>
        # (what Llama/Mistral fine-tuning recipes set).
        TokenizersVocab("llama2", [("llama2", VOCAB / "llama2" / "tokenizer.json")], pad=("</s>", 2)),
        TokenizersVocab("mistral-7b-v0.1", [("mistral-7b-v0.1", VOCAB / "mistral-7b-v0.1" / "tokenizer.json")],
                        pad=("</s>", 2)),
        TokenizersVocab("mistral-v3", [("mistral-v3", VOCAB / "mistral-v3" / "tokenizer.json")], pad=("</s>", 2)),
        TokenizersVocab("xlnet-base-cased", [("xlnet-base-cased", VOCAB / "xlnet-base-cased" / "tokenizer.json")],
                        pad=("<pad>", 5), sp_text=True),
        ConvertedVocab("t5 (converted)", VOCAB / "t5" / "spiece.model", "T5Tokenizer", pad=("<pad>", 0)),
        ConvertedVocab("albert-base-v2 (converted)", VOCAB / "albert-base-v2" / "spiece.model", "AlbertTokenizer",
                       pad=("<pad>", 0)),
        TiktokenVocab("r50k_base", "r50k_base", VOCAB / "r50k_base" / "r50k_base.tiktoken"),
        TiktokenVocab("p50k_base", "p50k_base", VOCAB / "p50k_base" / "p50k_base.tiktoken"),
        TiktokenVocab("cl100k_base", "cl100k_base", VOCAB / "cl100k_base" / "cl100k_base.tiktoken"),
        TiktokenVocab("o200k_base", "o200k_base", VOCAB / "o200k_base" / "o200k_base.tiktoken"),
        TiktokenVocab("llama3 (tiktoken)", "llama3", VOCAB / "llama3" / "tokenizer.model"),
    ]


VOCAB_NAMES = [v.name for v in all_vocabs()]
TOKENIZERS_NAMES = [v.name for v in all_vocabs() if v.kind == "tokenizers"]
BYTE_LEVEL_NAMES = [v.name for v in all_vocabs() if v.byte_level]

_INTERRUPTS = (KeyboardInterrupt, SystemExit)


def _encode_each(tok, batch, add_special):
    out = []
    for x in batch:
        try:
            out.append(tok.encode(x[0], x[1], add_special_tokens=add_special) if isinstance(x, tuple)
                       else tok.encode(x, add_special_tokens=add_special))
        except _INTERRUPTS:
            raise
        except BaseException:   # tokenizers raises (or panics) on e.g. impossible truncation
            out.append(None)
    return out


def tokenizers_reference(tok, add_special=True, byte_offsets=False, batch_mode=False):
    """reference(batch) -> canonical JSON bytes per item (None where tokenizers raises)."""
    def ref(batch):
        if batch_mode:
            encs = tok.encode_batch(batch, add_special_tokens=add_special)
        elif tok.padding is not None:
            # encode_batch would pad across the batch; swifttok without --batch pads each line alone.
            encs = _encode_each(tok, batch, add_special)
        else:
            try:
                encs = tok.encode_batch(batch, add_special_tokens=add_special)
            except _INTERRUPTS:
                raise
            except BaseException:
                encs = _encode_each(tok, batch, add_special)
        out = []
        for x, e in zip(batch, encs):
            if e is None:
                out.append(None)
            elif byte_offsets:
                out.append(orjson.dumps(encoding_dict_bytes(e, x if isinstance(x, tuple) else (x,))))
            else:
                out.append(orjson.dumps(encoding_dict(e)))
        return out
    return ref


def tiktoken_reference(enc):
    """reference(batch) -> id lists, special tokens recognized in the text."""
    def ref(batch):
        return enc.encode_batch(batch, allowed_special="all", num_threads=2)
    return ref


def nfc(text):
    """NFC form (inputs of the round-trip property for NFC-normalizing vocabularies)."""
    return unicodedata.normalize("NFC", text)
