"""swifttok against published ids in ../shared/testvectors (and the reference, as a check of the
harness): llama.cpp, kitoken and swift-gigatoken vectors for the vocabularies they were made with."""
import orjson
import pytest

from oracle import summary
from oracle.cli import jsonl_text, run_once
from oracle.paths import VOCAB
from oracle.vectors import gigatoken_r50k_cases, kitoken_cases, llama_cpp_cases, swift_transformers_cases

# (case id, loader, vocabulary file, add special tokens) — the pairings the reference reproduces.
CASES = [
    ("llama.cpp gpt-2 / gpt2", lambda: llama_cpp_cases("gpt-2"), "gpt2/tokenizer.json", False),
    ("llama.cpp gpt-2 / r50k", lambda: llama_cpp_cases("gpt-2"), "r50k_base/r50k_base.tiktoken", False),
    ("llama.cpp llama-bpe / llama3 json", lambda: llama_cpp_cases("llama-bpe"), "llama3/tokenizer.json", False),
    ("llama.cpp llama-bpe / llama3 tiktoken", lambda: llama_cpp_cases("llama-bpe"), "llama3/tokenizer.model", False),
    ("llama.cpp qwen2 / qwen", lambda: llama_cpp_cases("qwen2"), "qwen/tokenizer.json", False),
    ("llama.cpp deepseek-r1-qwen / qwen", lambda: llama_cpp_cases("deepseek-r1-qwen"), "qwen/tokenizer.json", False),
    ("llama.cpp roberta-bpe / roberta", lambda: llama_cpp_cases("roberta-bpe"), "roberta-base/tokenizer.json", False),
    ("llama.cpp mpt / gpt-neox-20b", lambda: llama_cpp_cases("mpt"), "gpt-neox-20b/tokenizer.json", False),
    ("llama.cpp bert-bge / bert-base-uncased", lambda: llama_cpp_cases("bert-bge"),
     "bert-base-uncased/tokenizer.json", False),
    ("gigatoken / r50k", gigatoken_r50k_cases, "r50k_base/r50k_base.tiktoken", False),
    ("kitoken cl100k", lambda: kitoken_cases("tiktoken", "cl100k_base"), "cl100k_base/cl100k_base.tiktoken", False),
    ("kitoken o200k", lambda: kitoken_cases("tiktoken", "o200k_base"), "o200k_base/o200k_base.tiktoken", False),
    ("kitoken p50k", lambda: kitoken_cases("tiktoken", "p50k_base"), "p50k_base/p50k_base.tiktoken", False),
    ("kitoken gpt2", lambda: kitoken_cases("tokenizers", "gpt2"), "gpt2/tokenizer.json", False),
    ("kitoken bert-base-cased", lambda: kitoken_cases("tokenizers", "bert_base_cased"),
     "bert-base-cased/tokenizer.json", False),
    ("kitoken clip", lambda: kitoken_cases("tokenizers", "clip_base"), "clip-vit-base/tokenizer.json", False),
    ("kitoken gpt-neox", lambda: kitoken_cases("tokenizers", "gpt_neox"), "gpt-neox-20b/tokenizer.json", False),
    ("kitoken llama3.2 / llama3 json", lambda: kitoken_cases("tokenizers", "llama32"), "llama3/tokenizer.json", False),
    ("kitoken llama3.2 / llama3 tiktoken", lambda: kitoken_cases("tokenizers", "llama32"),
     "llama3/tokenizer.model", False),
    ("llama.cpp llama-spm / llama2", lambda: llama_cpp_cases("llama-spm"), "llama2/tokenizer.json", False),
    ("kitoken llama2", lambda: kitoken_cases("tokenizers", "llama2"), "llama2/tokenizer.json", False),
    ("kitoken mistral01", lambda: kitoken_cases("tokenizers", "mistral01"), "mistral-7b-v0.1/tokenizer.json", False),
    ("kitoken mistral03", lambda: kitoken_cases("tokenizers", "mistral03"), "mistral-v3/tokenizer.json", False),
    ("swift-transformers llama-2", lambda: swift_transformers_cases(("coreml-projects/Llama-2-7b-chat-coreml",
                                                                     "llama_encoded.json")),
     "llama2/tokenizer.json", True),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_published_ids(case, shared, swifttok):
    """swifttok reproduces the published ids exactly (special tokens in the text recognized)."""
    label, load, rel, special = case
    cases = load()
    args = ["encode", "--tokenizer", str(VOCAB / rel), "--jsonl"] + ([] if special else ["--no-special-tokens"])
    code, out, err = run_once(swifttok, args, b"".join(jsonl_text(t) for t, _ in cases))
    assert code == 0, f"swifttok exited {code}: {err.decode('utf-8', 'replace')[-800:]}"
    lines = out.split(b"\n")[:len(cases)]
    bad = []
    for (text, ids), line in zip(cases, lines):
        got = orjson.loads(line).get("ids") if line else None
        if got != ids:
            bad.append(f"{text[:200]!r}\n    published {ids[:40]}\n    swifttok  {None if got is None else got[:40]}")
    summary.record(rel.split("/")[0], "published vectors", len(cases), len(bad) + max(0, len(cases) - len(lines)))
    assert len(lines) == len(cases), f"swifttok printed {len(lines)} lines for {len(cases)} inputs"
    assert not bad, f"{label}: {len(bad)} of {len(cases)} differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("rel", ["gpt2/tokenizer.json", "bert-base-uncased/tokenizer.json",
                                 "llama3/tokenizer.json", "cl100k_base/cl100k_base.tiktoken",
                                 "llama3/tokenizer.model"])
def test_info(rel, shared, swifttok):
    """`swifttok info FILE` succeeds and names the model type and the vocabulary size."""
    code, out, err = run_once(swifttok, ["info", str(VOCAB / rel)])
    assert code == 0, err.decode("utf-8", "replace")[-500:]
    text = out.decode("utf-8", "replace")
    model = "WordPiece" if "bert" in rel else "BPE"
    sizes = {"gpt2": (50257,), "bert-base-uncased": (30522,), "llama3": (128000, 128256),
             "cl100k_base": (100256, 100277, 100261)}[rel.split("/")[0]]
    assert model.lower() in text.lower(), f"no model type {model} in: {text[:500]}"
    assert any(str(n) in text.replace(",", "").replace("_", "") for n in sizes), \
        f"none of the vocabulary sizes {sizes} in: {text[:500]}"
