#!/usr/bin/env python3
"""A stand-in for the swifttok CLI built on the reference libraries, implementing the oracle's CLI spec
(encode / decode --jsonl). It exists to test the oracle harness itself:
    SWIFTTOK="python Tests/oracle/tools/fake_swifttok.py" is not supported (one path): use the wrapper
    Tests/oracle/tools/fake-swifttok, e.g. SWIFTTOK=Tests/oracle/tools/fake-swifttok pytest Tests/oracle
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402


def fail(msg):
    sys.stderr.write(f"swifttok: error: {msg}\n")
    sys.exit(1)


def load(path):
    p = Path(path)
    if not p.exists():
        fail(f"no such file: {path}")
    if p.suffix in (".tiktoken", ".model"):
        from oracle.reference import tiktoken_encoding
        name = "llama3" if p.suffix == ".model" else p.stem
        return "tiktoken", tiktoken_encoding(name)
    from tokenizers import Tokenizer
    try:
        return "tokenizers", Tokenizer.from_file(str(p))
    except Exception as e:  # noqa: BLE001
        # tokenizers' own message does not name an unknown "type"; list the component types found.
        types = []
        try:
            import json
            data = json.loads(p.read_text())
            types = [str((data.get(k) or {}).get("type")) for k in
                     ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder")]
        except Exception:  # noqa: BLE001
            pass
        fail(f"cannot load {path}: {e} (component types: {', '.join(types)})")


def read_lines():
    for raw in sys.stdin.buffer:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            fail("input is not valid UTF-8")
        yield raw


def main():
    ap = argparse.ArgumentParser(prog="swifttok")
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("encode")
    e.add_argument("--tokenizer", required=True)
    e.add_argument("--jsonl", action="store_true")
    e.add_argument("--ids-only", action="store_true")
    e.add_argument("texts", nargs="*")
    e.add_argument("--no-special-tokens", action="store_true")
    e.add_argument("--offsets", default="char")
    e.add_argument("--batch", action="store_true")
    e.add_argument("--threads", type=int)
    e.add_argument("--truncate", type=int)
    e.add_argument("--stride", type=int, default=0)
    e.add_argument("--truncation-strategy", default="longest_first")
    e.add_argument("--truncation-direction", default="right")
    e.add_argument("--pad-length", type=int)
    e.add_argument("--pad-longest", action="store_true")
    e.add_argument("--pad-multiple", type=int)
    e.add_argument("--pad-direction", default="right")
    e.add_argument("--pad-id", type=int, default=0)
    e.add_argument("--pad-token", default="[PAD]")
    d = sub.add_parser("decode")
    d.add_argument("--tokenizer", required=True)
    d.add_argument("--jsonl", action="store_true")
    d.add_argument("--keep-special-tokens", action="store_true")
    i = sub.add_parser("info")
    i.add_argument("file")
    b = sub.add_parser("bench")
    b.add_argument("--tokenizer", required=True)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--docs", default="paragraphs")
    b.add_argument("--max-doc-bytes", type=int, default=4096)
    b.add_argument("files", nargs="+")
    a = ap.parse_args()
    out = sys.stdout.buffer
    if a.cmd == "bench":
        import time
        from oracle.corpus import split_documents
        kind, tok = load(a.tokenizer)
        docs = [d for f in a.files for d in split_documents(Path(f).read_bytes().decode("utf-8"), a.max_doc_bytes)]
        nbytes = sum(len(d.encode()) for d in docs)
        t = time.perf_counter()
        if kind == "tiktoken":
            n = sum(map(len, tok.encode_ordinary_batch(docs, num_threads=a.threads)))
        else:
            n = sum(len(e.ids) for e in tok.encode_batch(docs, add_special_tokens=False))
        secs = time.perf_counter() - t
        print(json.dumps({"mb_per_s": nbytes / 1e6 / secs, "tokens_per_s": n / secs,
                          "tokens_per_byte": n / nbytes, "bytes": nbytes, "seconds": secs}))
        return
    if a.cmd == "info":
        kind, tok = load(a.file)
        if kind == "tiktoken":
            print(f"model: BPE (tiktoken)\nvocab size: {tok.n_vocab}")
        else:
            import json as _j
            print(f"model: {_j.loads(tok.to_str())['model']['type']}\nvocab size: {tok.get_vocab_size()}")
        return
    kind, tok = load(a.tokenizer)
    from oracle.reference import encoding_dict, encoding_dict_bytes
    if a.cmd == "decode":
        special = set(tok._special_tokens.values()) if kind == "tiktoken" else None
        for raw in read_lines():
            try:
                ids = orjson.loads(raw)
                assert isinstance(ids, list) and all(isinstance(x, int) for x in ids)
            except Exception:  # noqa: BLE001
                out.write(orjson.dumps({"error": "expected a JSON array of ids"}) + b"\n")
                continue
            if kind == "tiktoken":
                text = tok.decode(ids if a.keep_special_tokens else [x for x in ids if x not in special])
            else:
                text = tok.decode(ids, skip_special_tokens=not a.keep_special_tokens)
            out.write(orjson.dumps(text) + b"\n")
        return
    if kind == "tokenizers":
        if a.truncate is not None:
            tok.enable_truncation(a.truncate, stride=a.stride, strategy=a.truncation_strategy,
                                  direction=a.truncation_direction)
        if a.pad_length is not None or a.pad_longest:
            tok.enable_padding(direction=a.pad_direction, pad_id=a.pad_id, pad_token=a.pad_token,
                               length=a.pad_length, pad_to_multiple_of=a.pad_multiple)
    items = [] if a.jsonl or not a.texts else list(a.texts)
    for raw in (read_lines() if a.jsonl or not a.texts else []):
        try:
            x = orjson.loads(raw)
            if isinstance(x, dict):
                x = x["text"] if x.get("pair") is None else (x["text"], x["pair"])
            items.append(x)
        except Exception:  # noqa: BLE001
            items.append(None)

    def one(x):
        if x is None:
            return {"error": "input line is not a JSON string or object"}
        if kind == "tiktoken":
            return {"ids": tok.encode(x, allowed_special="all")}
        try:
            enc = tok.encode(x[0], x[1], add_special_tokens=not a.no_special_tokens) if isinstance(x, tuple) \
                else tok.encode(x, add_special_tokens=not a.no_special_tokens)
        except BaseException as err:  # noqa: BLE001
            return {"error": str(err)}
        return encoding_dict_bytes(enc, x if isinstance(x, tuple) else (x,)) if a.offsets == "byte" \
            else encoding_dict(enc)

    if a.batch and kind == "tokenizers":
        encs = tok.encode_batch(items, add_special_tokens=not a.no_special_tokens)
        for x, enc in zip(items, encs):
            if a.ids_only:
                out.write(orjson.dumps(enc.ids) + b"\n")
                continue
            d = encoding_dict_bytes(enc, x if isinstance(x, tuple) else (x,)) if a.offsets == "byte" \
                else encoding_dict(enc)
            out.write(orjson.dumps(d) + b"\n")
        return
    for x in items:
        d = one(x)
        # --ids-only: the ids alone as a compact array; an error stays an object.
        out.write(orjson.dumps(d["ids"] if a.ids_only and "ids" in d else d) + b"\n")


if __name__ == "__main__":
    main()
