#!/usr/bin/env bash
# Tests the Python package: builds libswifttok (release) if missing, pip-installs ./python into the
# repo's .venv (made by scripts/setup.sh; /work/venv-scratch when there is none), and runs
# pytest Tests/python, then a quick informational run of python/bench_python.py. Extra arguments go
# to pytest. Exits non-zero on any test failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[test-python] %s\n' "$*"; }

LIB="$ROOT/.build/release/libswifttok.so"
if [[ -z "${SWIFTTOK_LIBRARY:-}" && ! -f "$LIB" ]]; then
    say "building $LIB"
    swift build -c release --product swifttok
fi

if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
elif [[ -x /work/venv-scratch/bin/python ]]; then
    PY=/work/venv-scratch/bin/python
else
    say "ERROR: no Python environment: run scripts/setup.sh (creates .venv) or set PYTHON" >&2
    exit 1
fi
say "python: $PY"

# Offline when the build backend is already present; otherwise pip fetches setuptools from PyPI.
PIP_ARGS=(-q --disable-pip-version-check --force-reinstall --no-deps)
if "$PY" -c "import setuptools, wheel" 2>/dev/null; then
    PIP_ARGS+=(--no-build-isolation)
fi
"$PY" -m pip install "${PIP_ARGS[@]}" "$ROOT/python"
# The build writes build/ and *.egg-info next to the sources; they are not part of the repo.
rm -rf "$ROOT/python/build" "$ROOT/python/"*.egg-info

# Run from the tests' directory with the installed package (not the source tree) on the path.
cd "$ROOT/Tests/python"
"$PY" -c "import swifttok, sys; print('[test-python] swifttok', swifttok.__version__, 'from', swifttok.__file__, 'library', swifttok.library_path())"
rc=0
"$PY" -m pytest -q -p no:cacheprovider "$@" . || rc=$?

# Informational, never fails the run (~20 s): issue 4's Python floors (short-call latency next to
# tokenizers/tiktoken, Python batch vs the C batch call). SWIFTTOK_PY_BENCH=0 turns it off.
if [[ "${SWIFTTOK_PY_BENCH:-1}" == 1 ]]; then
    say "quick Python benchmark (informational): python/bench_python.py --quick"
    "$PY" "$ROOT/python/bench_python.py" --quick || say "bench failed (ignored)"
fi
exit $rc
