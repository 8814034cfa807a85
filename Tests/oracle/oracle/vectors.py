"""Inputs and published ids from ../shared/testvectors.

Formats: llama.cpp `.inp` texts separated by "\\n__ggml_vocab_test__\\n" with `.out` one line of ids per
text (add_special_tokens=False); swift-transformers JSON files (`text`, `input`, `original` fields);
kitoken `*_input.txt` one input per line with `\\n` = newline and `\\s` = space (small_input), the utf8
input as one whole text, and `*_tokens_<vocab>.txt` one line of comma-separated ids per input;
swift-gigatoken r50k `{"text","tokens"}` records.
"""
import json

from .paths import TESTVECTORS

LLAMA_CPP_SEP = "\n__ggml_vocab_test__\n"


def _read(path):
    return path.read_bytes().decode("utf-8")


def llama_cpp_cases(name):
    """[(text, ids)] of one llama.cpp vocabulary test (e.g. "gpt-2")."""
    base = TESTVECTORS / "llama.cpp" / f"ggml-vocab-{name}.gguf"
    texts = _read(base.with_suffix(".gguf.inp")).split(LLAMA_CPP_SEP)
    if texts and texts[-1] == "":
        texts.pop()
    outs = _read(base.with_suffix(".gguf.out")).split("\n")
    if outs and outs[-1] == "":
        outs.pop()
    assert len(texts) == len(outs), (name, len(texts), len(outs))
    return [(t, [int(x) for x in o.split()]) for t, o in zip(texts, outs)]


def _kitoken_unescape(line):
    return line.replace("\\n", "\n").replace("\\s", " ")


def kitoken_inputs(kind):
    """The kitoken inputs of one kind (small, mixed, utf8) as the kitoken tests feed them."""
    text = _read(TESTVECTORS / "kitoken" / f"{kind}_input.txt")
    if kind == "utf8":
        return [text]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [_kitoken_unescape(l) for l in lines] if kind == "small" else lines


def kitoken_cases(family, vocab):
    """[(text, ids)] of kitoken's expected token files for one vocabulary, for the kinds present."""
    out = []
    for kind in ("small", "mixed", "utf8"):
        path = TESTVECTORS / "kitoken" / family / f"{kind}_tokens_{vocab}.txt"
        if not path.exists():
            continue
        inputs = kitoken_inputs(kind)
        rows = _read(path).split("\n")
        rows = rows[:len(inputs)] if kind != "utf8" else ["".join(rows)]
        for t, r in zip(inputs, rows):
            out.append((t, [int(x) for x in r.replace(",", " ").split()]))
    return out


def gigatoken_r50k_cases():
    """[(text, ids)] from swift-gigatoken's r50k parity files."""
    out = []
    d = json.loads(_read(TESTVECTORS / "swift-gigatoken" / "r50k_parity.json"))
    out += [(r["text"], r["tokens"]) for r in d]
    d = json.loads(_read(TESTVECTORS / "swift-gigatoken" / "r50k_long_parity.json"))
    out.append((d["text"], d["tokens"]))
    return out


def swift_transformers_cases(model):
    """[(text, ids)] of swift-transformers' tokenizer_tests.json for one model key (ids with the
    model's special tokens), plus its `*_encoded.json` paragraph when given as (key, file)."""
    key, encoded = model if isinstance(model, tuple) else (model, None)
    st = TESTVECTORS / "swift-transformers"
    cases = json.loads(_read(st / "tokenizer_tests.json"))[key]
    out = [(c["input"], c["encoded"]["input_ids"]) for c in cases]
    if encoded:
        d = json.loads(_read(st / encoded))
        out.append((d["text"], d["token_ids"]))
    return out


def all_texts():
    """Every input text in testvectors (deduplicated, stable order)."""
    texts = []
    for inp in sorted((TESTVECTORS / "llama.cpp").glob("*.inp")):
        name = inp.name[len("ggml-vocab-"):-len(".gguf.inp")]
        texts += [t for t, _ in llama_cpp_cases(name)]
    st = TESTVECTORS / "swift-transformers"
    for f in sorted(st.glob("*_encoded*.json")):
        texts.append(json.loads(_read(f))["text"])
    for cases in json.loads(_read(st / "tokenizer_tests.json")).values():
        texts += [c["input"] for c in cases]
    texts += [q["original"] for q in json.loads(_read(st / "question_tokens.json"))]
    for kind in ("small", "mixed", "utf8"):
        texts += kitoken_inputs(kind)
    texts += [t for t, _ in gigatoken_r50k_cases()]
    seen, out = set(), []
    for t in texts:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out
