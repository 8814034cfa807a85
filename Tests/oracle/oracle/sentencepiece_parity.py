"""Parity of swifttok's SentencePiece `.model` pipeline with the `sentencepiece` library (0.2.3):
ids, pieces, byte offsets (the begin/end of spm's SentencePieceText pieces, via
return_type='offset_mapping', return_bytes=True) and decoded text, input by input."""
import time
from dataclasses import dataclass, field

import orjson

from .cli import SwiftTokProcess, jsonl_ids, jsonl_text
from .paths import VOCAB

# name -> path under ../shared/vocab
SPM_MODELS = {
    "t5": "t5/spiece.model",
    "albert-base-v2": "albert-base-v2/spiece.model",
    "xlnet-base-cased": "xlnet-base-cased/spiece.model",
    "llama2": "llama2/tokenizer.model",
    "mistral-7b-v0.1": "mistral-7b-v0.1/tokenizer.model",
    "mistral-v3": "mistral-v3/tokenizer.model",
    "spm-test": "sentencepiece-test/test_model.model",
    "spm-test-ja": "sentencepiece-test/test_ja_model.model",
}


def model_path(name):
    return VOCAB / SPM_MODELS[name]


def load_processor(name):
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_file=str(model_path(name)))


# Texts per sentencepiece batch call (its C++ batch encoder runs on every core; chunks keep memory flat).
SPM_CHUNK = 2048


@dataclass
class Report:
    model: str
    input_set: str
    compared: int = 0
    mismatches: int = 0
    examples: list = field(default_factory=list)
    seconds: float = 0.0
    failure: str = ""

    @property
    def ok(self):
        return self.mismatches == 0 and not self.failure

    def add(self, text, what, ours, ref, where=""):
        self.mismatches += 1
        if len(self.examples) < 5:
            t = text if len(text) <= 200 else text[:200] + "…"
            self.examples.append(f"  {where}input {t!r}\n    {what}: swifttok {str(ours)[:300]}\n    {what}: sentencepiece {str(ref)[:300]}")

    def text(self):
        head = f"{self.model} / {self.input_set}: {self.mismatches} of {self.compared} differ"
        return "\n".join([head, self.failure, *self.examples])


def _first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _spm_batches(sp, texts):
    """sentencepiece's (ids, pieces, offsets) per text, computed SPM_CHUNK texts at a time by its
    batch encoder (the same `EncodeAsOffsetMapping` per text, run on every core)."""
    for k in range(0, len(texts), SPM_CHUNK):
        chunk = texts[k:k + SPM_CHUNK]
        yield from sp.encode(chunk, return_type="offset_mapping", return_bytes=True, num_threads=-1)


# Texts per sentencepiece ids-only batch call.
SPM_IDS_CHUNK = 8192


def run_ids_parity(swifttok, name, sp, input_set, texts):
    """The ids of every text: swifttok's `encode --jsonl --ids-only` lines (one compact JSON array
    each, encoded in parallel) against sentencepiece's batch `encode` ids (2 threads). Each line is
    compared as bytes with orjson's dump of sentencepiece's ids (the same compact form), so no line is
    parsed unless it differs; any difference fails, naming the document index and first differing id."""
    rep = Report(name, input_set)
    t0 = time.time()
    texts = list(texts)
    args = ["encode", "--tokenizer", str(model_path(name)), "--jsonl", "--ids-only"]
    proc = SwiftTokProcess(swifttok, args, (jsonl_text(t) for t in texts))
    dumps = orjson.dumps
    readline = proc.proc.stdout.readline
    for k in range(0, len(texts), SPM_IDS_CHUNK):
        chunk = texts[k:k + SPM_IDS_CHUNK]
        for j, ids in enumerate(sp.encode(chunk, out_type=int, num_threads=2)):
            line = readline()
            if not line:
                code, _, err = proc.finish()
                rep.failure = f"swifttok stopped after {k + j} lines (exit {code}): {err}"
                return rep
            rep.compared += 1
            expected = dumps(ids)
            if line[:-1] != expected:
                try:
                    got = orjson.loads(line)
                except orjson.JSONDecodeError:
                    got = line[:300]
                i = _first_diff(got, ids) if isinstance(got, list) else 0
                rep.add(chunk[j], f"ids from token {i}", got[i:i + 8], ids[i:i + 8], where=f"document {k + j}: ")
    code, extra, err = proc.finish()
    if code != 0 or extra:
        rep.failure = f"swifttok exit {code}, {extra} extra lines: {err}"
    rep.seconds = time.time() - t0
    return rep


def run_encode_parity(swifttok, name, sp, input_set, texts, extra_args=()):
    """Encodes every text with swifttok (one CLI process, JSON lines) and sentencepiece; compares
    ids, pieces and byte offsets exactly (any difference fails); then decodes sentencepiece's ids
    with swifttok and compares with sentencepiece's decode."""
    rep = Report(name, input_set)
    t0 = time.time()
    texts = list(texts)
    args = ["encode", "--tokenizer", str(model_path(name)), "--jsonl", "--offsets", "byte", *extra_args]
    proc = SwiftTokProcess(swifttok, args, (jsonl_text(t) for t in texts))
    ref_ids = []
    loads = orjson.loads
    for t, ref in zip(texts, _spm_batches(sp, texts)):
        line = proc.readline()
        if line is None:
            code, _, err = proc.finish()
            rep.failure = f"swifttok stopped after {proc.lines_read} lines (exit {code}): {err}"
            return rep
        got = loads(line)
        ids = ref["ids"]
        ref_ids.append(ids)
        rep.compared += 1
        if got["ids"] != ids:
            i = _first_diff(got["ids"], ids)
            rep.add(t, f"ids from token {i}", got["ids"][i:i + 8], ids[i:i + 8])
            continue
        pieces = [p.decode("utf-8") for p in ref["pieces"]]
        if got["tokens"] != pieces:
            i = _first_diff(got["tokens"], pieces)
            rep.add(t, f"pieces from token {i}", got["tokens"][i:i + 8], pieces[i:i + 8])
            continue
        offsets = [list(o) for o in ref["offsets"]]
        if got["offsets"] != offsets:
            i = _first_diff(got["offsets"], offsets)
            rep.add(t, f"offsets from token {i}", got["offsets"][i:i + 8], offsets[i:i + 8])
    code, extra, err = proc.finish()
    if code != 0 or extra:
        rep.failure = f"swifttok exit {code}, {extra} extra lines: {err}"
        return rep
    # Decoding spm's ids.
    rep_dec = run_decode_parity(swifttok, name, sp, ref_ids, texts)
    rep.compared += rep_dec.compared
    rep.mismatches += rep_dec.mismatches
    rep.examples += rep_dec.examples
    rep.failure = rep_dec.failure
    rep.seconds = time.time() - t0
    return rep


def _spm_decodes(sp, id_lists):
    """sentencepiece's decode of each id list, SPM_CHUNK lists per batch call (its `Decode` per list, 2 threads)."""
    for k in range(0, len(id_lists), SPM_CHUNK):
        yield from sp.decode([list(ids) for ids in id_lists[k:k + SPM_CHUNK]], num_threads=2)


def run_decode_parity(swifttok, name, sp, id_lists, labels=None):
    """Decodes each id list with swifttok and sentencepiece; compares the text."""
    rep = Report(name, "decode")
    args = ["decode", "--tokenizer", str(model_path(name)), "--jsonl"]
    proc = SwiftTokProcess(swifttok, args, (jsonl_ids(ids) for ids in id_lists))
    for k, (ids, ref) in enumerate(zip(id_lists, _spm_decodes(sp, id_lists))):
        line = proc.readline()
        if line is None:
            code, _, err = proc.finish()
            rep.failure = f"swifttok decode stopped after {proc.lines_read} lines (exit {code}): {err}"
            return rep
        got = orjson.loads(line)
        rep.compared += 1
        if got != ref:
            rep.add(labels[k] if labels else repr(ids[:40]), "decoded", repr(got), repr(ref))
    code, extra, err = proc.finish()
    if code != 0 or extra:
        rep.failure = f"swifttok decode exit {code}, {extra} extra lines: {err}"
    return rep
