"""Error paths through the CLI: bad tokenizer files and bad input end with a non-zero exit status and a
clear message on stderr — never a crash or a signal. Needs no ../shared."""
import json
import signal

import pytest

from oracle.cli import run_once

CRASH_MARKERS = ("Fatal error", "Stack dump", "Segmentation fault", "Illegal instruction", "Current stack trace")


@pytest.fixture(scope="module")
def small_tokenizer(tmp_path_factory):
    """A small WordLevel tokenizer.json written by `tokenizers` itself."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "!": 3}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    path = tmp_path_factory.mktemp("small") / "tokenizer.json"
    tok.save(str(path))
    return path


def _assert_clean_failure(code, err, must_mention=()):
    text = err.decode("utf-8", "replace")
    assert code > 0, f"expected a non-zero exit status, got {code}" + (
        f" (signal {signal.Signals(-code).name})" if code < 0 else "") + f"; stderr: {text[-500:]}"
    assert code < 128, f"exit status {code} looks like a signal; stderr: {text[-500:]}"
    assert text.strip(), "no message on stderr"
    assert not any(m in text for m in CRASH_MARKERS), f"crash report on stderr: {text[-800:]}"
    for word in must_mention:
        assert word in text, f"stderr should mention {word!r}: {text[-500:]}"


def test_small_tokenizer_works(swifttok, small_tokenizer):
    code, out, err = run_once(swifttok, ["encode", "--tokenizer", str(small_tokenizer), "--jsonl"],
                              b'"hello world !"\n')
    assert code == 0, err.decode("utf-8", "replace")
    assert json.loads(out.splitlines()[0])["ids"] == [1, 2, 3]


def test_missing_file(swifttok, tmp_path):
    missing = tmp_path / "no-such-tokenizer.json"
    code, _, err = run_once(swifttok, ["encode", "--tokenizer", str(missing), "--jsonl"], b'"x"\n')
    _assert_clean_failure(code, err, ["no-such-tokenizer.json"])
    code, _, err = run_once(swifttok, ["info", str(missing)])
    _assert_clean_failure(code, err, ["no-such-tokenizer.json"])


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2, 3]", b'{"model": {"type": "BPE", "vocab": ',
                                     b"\xff\xfe\x00garbage"])
def test_malformed_tokenizer_json(swifttok, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, _, err = run_once(swifttok, ["encode", "--tokenizer", str(path), "--jsonl"], b'"x"\n')
    _assert_clean_failure(code, err)


@pytest.mark.parametrize("stage,key", [("normalizer", "normalizer"), ("pre_tokenizer", "pre_tokenizer"),
                                       ("model", "model"), ("post_processor", "post_processor"),
                                       ("decoder", "decoder")])
def test_unknown_component_type(swifttok, tmp_path, small_tokenizer, stage, key):
    data = json.loads(small_tokenizer.read_text())
    if key == "model":
        data["model"]["type"] = "NoSuchModelType"
    else:
        data[key] = {"type": "NoSuchComponentType"}
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(data))
    code, _, err = run_once(swifttok, ["encode", "--tokenizer", str(path), "--jsonl"], b'"hello"\n')
    _assert_clean_failure(code, err, ["NoSuchModelType" if key == "model" else "NoSuchComponentType"])


def test_invalid_utf8_input(swifttok, small_tokenizer):
    code, _, err = run_once(swifttok, ["encode", "--tokenizer", str(small_tokenizer), "--jsonl"],
                            b'"hello"\n"bad \xff\xfe bytes"\n')
    _assert_clean_failure(code, err)


def test_malformed_input_line_does_not_crash(swifttok, small_tokenizer):
    """A line that is not JSON: an {"error"} line or a clean non-zero exit, either is fine."""
    code, out, err = run_once(swifttok, ["encode", "--tokenizer", str(small_tokenizer), "--jsonl"],
                              b'"hello"\n{not json\n')
    if code == 0:
        lines = out.splitlines()
        assert len(lines) == 2 and "error" in json.loads(lines[1]), out[-500:]
    else:
        _assert_clean_failure(code, err)


def test_decode_bad_ids(swifttok, small_tokenizer):
    """Ids that are not a JSON array of integers: an {"error"} line or a clean non-zero exit."""
    code, out, err = run_once(swifttok, ["decode", "--tokenizer", str(small_tokenizer), "--jsonl"],
                              b'[1, 2]\n["x"]\n')
    if code == 0:
        lines = out.splitlines()
        assert json.loads(lines[0]) == "hello world"
        assert "error" in json.loads(lines[1])
    else:
        _assert_clean_failure(code, err)


@pytest.mark.parametrize("slot", ["pre_tokenizer", "post_processor", "decoder"])
@pytest.mark.parametrize("flags", [{"add_prefix_space": True, "trim_offsets": False},
                                   {"add_prefix_space": False, "trim_offsets": True, "use_regex": False},
                                   {"add_prefix_space": True, "trim_offsets": True, "use_regex": None},
                                   {"add_prefix_space": True},
                                   {"trim_offsets": True, "use_regex": True},
                                   {"add_prefix_space": None, "trim_offsets": True},
                                   {"add_prefix_space": 1, "trim_offsets": True}],
                         ids=["no-use-regex", "all", "use-regex-null", "no-trim", "no-prefix", "prefix-null", "prefix-int"])
def test_byte_level_flags_accepted_as_tokenizers_accepts_them(swifttok, tmp_path, slot, flags):
    """The one ByteLevel struct of tokenizers serves three stages; each accepts exactly the same fields."""
    from tokenizers import Tokenizer
    doc = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
           "pre_tokenizer": None, "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
    doc[slot] = {"type": "ByteLevel", **flags}
    text = json.dumps(doc)
    try:
        Tokenizer.from_str(text)
        accepted = True
    except Exception:
        accepted = False
    path = tmp_path / "tokenizer.json"
    path.write_text(text)
    code, _, err = run_once(swifttok, ["info", str(path)])
    if accepted:
        assert code == 0, err.decode("utf-8", "replace")
    else:
        _assert_clean_failure(code, err)
