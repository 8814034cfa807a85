"""A tokenizer that swifttok loads and writes back (`swifttok save`) must load in tokenizers and
encode exactly as the original file does there (the writer is checked by the reference itself)."""
import subprocess

import pytest
from tokenizers import Tokenizer

from oracle.corpus import load_documents
from oracle.vocabs import TOKENIZERS_NAMES

SAMPLE = 400


@pytest.mark.parametrize("name", TOKENIZERS_NAMES)
def test_saved_tokenizer_encodes_like_original(name, vocabs, shared, swifttok, tmp_path):
    v = vocabs[name]
    source = str(v.files[0][1])
    out = tmp_path / "saved.json"
    run = subprocess.run([swifttok, "save", source, str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"swifttok save failed: {run.stderr}"
    original = Tokenizer.from_file(source)
    saved = Tokenizer.from_file(str(out))
    everything = load_documents()
    docs = everything[:: max(1, len(everything) // SAMPLE)][:SAMPLE]
    docs += ["", " ", "Hello <mask> [CLS] <|endoftext|> <s> </s>", "naïve café 中文 🏃‍♂️"]
    for pair in (None, "second sequence"):
        a = original.encode_batch([(d, pair) if pair else d for d in docs])
        b = saved.encode_batch([(d, pair) if pair else d for d in docs])
        for d, x, y in zip(docs, a, b):
            assert (x.ids, x.tokens, x.offsets, x.type_ids) == (y.ids, y.tokens, y.offsets, y.type_ids), \
                f"{name}: saved tokenizer differs on {d[:80]!r}"
    assert original.get_vocab_size(True) == saved.get_vocab_size(True)
    assert original.decode(a[0].ids) == saved.decode(a[0].ids)
