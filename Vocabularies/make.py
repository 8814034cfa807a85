#!/usr/bin/env python3
"""Retrains the shipped vocabularies from the King James Bible and writes their manifests.

    scripts/setup.sh && .venv/bin/python Vocabularies/make.py            # rewrite them
    .venv/bin/python Vocabularies/make.py --check                          # retrain into a temp dir and compare

The swifttok binary is $SWIFTTOK, else .build/release/swifttok-cli. Each vocabulary's
manifest.json names the source package and version, the exact commands, and the sha256 of the
corpus and of the tokenizer.json.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_COMMAND = "Vocabularies/kjv-corpus.sh > kjv.txt"
VOCABULARIES = {
    "kjv-bpe-8k": ["train", "kjv.txt", "--vocab-size", "8000", "--threads", "0", "--quiet", "-o", "tokenizer.json"],
    "kjv-wordpiece-8k": ["train", "kjv.txt", "--preset", "bert", "--vocab-size", "8000", "--threads", "0", "--quiet",
                         "-o", "tokenizer.json"],
    "kjv-unigram-8k": ["train", "kjv.txt", "--preset", "t5", "--vocab-size", "8000", "--threads", "0", "--quiet",
                       "-o", "tokenizer.json"],
}


def package_version(name):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def corpus(dest):
    with open(dest, "wb") as f:
        subprocess.run([str(HERE / "kjv-corpus.sh")], stdout=f, check=True)
    return dest


def train(swifttok, name, workdir):
    """Trains vocabulary `name` in `workdir` (which holds kjv.txt); returns the output path."""
    subprocess.run([swifttok, *VOCABULARIES[name]], cwd=workdir, check=True)
    return Path(workdir) / "tokenizer.json"


def main():
    check = "--check" in sys.argv
    swifttok = os.environ.get("SWIFTTOK") or str(REPO / ".build/release/swifttok-cli")
    with tempfile.TemporaryDirectory() as tmp:
        kjv = corpus(Path(tmp) / "kjv.txt")
        failures = 0
        for name in VOCABULARIES:
            out = train(swifttok, name, tmp)
            target = HERE / name
            manifest = {
                "name": name,
                "source": {"package": "bible-kjv-text", "version": package_version("bible-kjv-text"),
                           "reader": {"package": "bible-kjv", "version": package_version("bible-kjv")},
                           "license": "public domain (the King James Version; Crown patent in the UK)"},
                "corpus_command": CORPUS_COMMAND,
                "corpus_sha256": sha256(kjv),
                "corpus_bytes": kjv.stat().st_size,
                "command": "swifttok " + " ".join(VOCABULARIES[name]),
                "output_sha256": sha256(out),
            }
            if check:
                shipped = json.loads((target / "manifest.json").read_text())
                same = (target / "tokenizer.json").read_bytes() == out.read_bytes()
                ok = same and shipped["corpus_sha256"] == manifest["corpus_sha256"] and \
                    shipped["output_sha256"] == manifest["output_sha256"]
                print(f"{name}: {'identical' if ok else 'DIFFERENT'} ({manifest['output_sha256'][:16]})")
                failures += not ok
            else:
                target.mkdir(exist_ok=True)
                (target / "tokenizer.json").write_bytes(out.read_bytes())
                (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
                print(f"{name}: wrote {target / 'tokenizer.json'} ({manifest['output_sha256'][:16]})")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
