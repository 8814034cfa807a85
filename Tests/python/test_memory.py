"""Huge inputs under a capped address space: every call that encodes, counts, batches or decodes
returns or raises MemoryError (SwiftTokMemoryError from the library's own check, or Python's when
the package's buffers cannot be had), never kills the process; a modest input under the same cap
still gives the ids it gives uncapped; and the tokenizer works after a refusal. Each tokenizer and
path (the library's builtins, the ctypes path) runs in a child process whose RLIMIT_AS is capped
400 MB above what it maps once its inputs are made (as test_builtins.py's MemoryError test)."""
import os
import subprocess
import sys

import pytest

from conftest import REPO, TIKTOKEN_FILES, TOKENIZERS_FILES, VOCAB, require

CHILD = r"""
import resource, sys, swifttok
path, builtins = sys.argv[1], sys.argv[2] == "1"
t = swifttok.Tokenizer.from_file(path)
if not builtins:
    t._drop_builtins()
assert t.uses_builtins == builtins, t.uses_builtins
sentence = "The quick brown fox jumps over the lazy dog."
want = t.encode_ids(sentence)
modest = "hello world " * ((1 << 20) // 12)
modest_ids = t.encode_ids(modest)
text = "hello world " * ((150 << 20) // 12)
half = text[: len(text) // 2]
ids = t.encode_ids("hello world", add_special_tokens=False) * (20 << 20)
with open("/proc/self/status") as f:
    size = next(int(line.split()[1]) for line in f if line.startswith("VmSize")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + (400 << 20), resource.RLIM_INFINITY))
calls = [
    ("encode_ids", lambda: t.encode_ids(text)),
    ("count_tokens", lambda: t.count_tokens(text)),
    ("count_tokens_up_to", lambda: t.count_tokens_up_to(text, 10)),
    ("encode", lambda: t.encode(text)),
    ("encode_pair", lambda: t.encode(half, half)),
    ("encode_batch", lambda: t.encode_batch([half, half], num_threads=2)),
    ("decode", lambda: t.decode(ids)),
    ("decode_batch", lambda: t.decode_batch([ids[: len(ids) // 2]] * 2)),
]
for name, call in calls:
    try:
        call()
        print(name, "ok", flush=True)
    except MemoryError as e:
        print(name, "MemoryError", type(e).__name__, flush=True)
    assert t.encode_ids(sentence) == want, name
print("modest", "same" if t.encode_ids(modest) == modest_ids and t.count_tokens(modest) == len(modest_ids) else "DIFFERENT")
print("done")
"""

FILES = {
    "gpt2": TOKENIZERS_FILES["gpt2"],                      # tokenizer.json, byte-level BPE fast path
    "t5": VOCAB / "t5" / "spiece.model",                    # SentencePiece .model (its own pipeline)
    "cl100k_base": TIKTOKEN_FILES["cl100k_base"],           # .tiktoken
}


@pytest.mark.parametrize("builtins", [True, False], ids=["builtins", "ctypes"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_huge_inputs_under_a_capped_address_space(name, builtins):
    path = str(require(FILES[name]))
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", PYTHONPATH=os.pathsep.join(
        [str(REPO / "python")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    if builtins and os.environ.get("SWIFTTOK_NATIVE") == "0":
        pytest.skip("SWIFTTOK_NATIVE=0: the builtins are turned off on purpose")
    out = subprocess.run([sys.executable, "-c", CHILD, path, "1" if builtins else "0"], env=env,
                         capture_output=True, text=True, timeout=600)
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and lines[-1:] == ["done"], (out.returncode, out.stdout, out.stderr[-3000:])
    outcomes = dict(line.split(" ", 1) for line in lines[:-1])
    assert outcomes.pop("modest") == "same"
    assert sorted(outcomes) == sorted(["encode_ids", "count_tokens", "count_tokens_up_to", "encode", "encode_pair",
                                       "encode_batch", "decode", "decode_batch"])
    for call, outcome in outcomes.items():
        assert outcome == "ok" or outcome.startswith("MemoryError"), (call, outcome)
    # 150 MB of text cannot be encoded in 400 MB: the library's check (not a lucky fit) answered.
    for call in ("encode_ids", "count_tokens", "encode", "encode_batch"):
        assert outcomes[call].startswith("MemoryError"), (call, outcomes[call])
