#!/usr/bin/env bash
# Tests the self-contained libswifttok.so (Swift runtime linked in) where no Swift toolchain is:
#   1. scripts/install.sh --prefix <tmp>/prefix  (builds .build-static: library and command)
#   2. readelf -d / ldd on the installed library and command: no Swift runtime library needed
#      (libswift*, libdispatch, libFoundation*, libBlocksRuntime), no RPATH/RUNPATH into the
#      toolchain, nothing resolving under it
#   3. with the toolchain hidden: in a mount namespace (unshare -m) an empty directory is
#      bind-mounted over the toolchain root (e.g. /opt/swift), and PATH / LD_LIBRARY_PATH hold no
#      toolchain directory. There:
#        a. a small C program built with `cc app.c $(pkg-config --cflags --libs swifttok)` runs
#        b. the C suite (Tests/c, gcc) linked against the installed library (parity with ../shared)
#        c. the Python tests (Tests/python) with SWIFTTOK_LIBRARY=<prefix>/lib/libswifttok.so
#        d. the installed `swifttok` command encodes a text
#      When unshare is not permitted the same runs happen with the toolchain only off the paths,
#      and the summary says the toolchain was NOT hidden.
# Knobs: SWIFTTOK_STATIC_NO_BUILD=1 (use the existing .build-static), PYTEST_ARGS (extra pytest args).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[test-static] %s\n' "$*"; }
START=$SECONDS

SWIFT_BIN="$(command -v swift || true)"
if [[ -z $SWIFT_BIN ]]; then
    say "ERROR: swift is not on PATH (needed to build the static library)"
    exit 1
fi
# <root>/usr/bin/swift -> <root>
TOOLCHAIN="$(cd "$(dirname "$(readlink -f "$SWIFT_BIN")")/../.." && pwd)"
say "toolchain root: $TOOLCHAIN"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/swifttok-static.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
PREFIX="$WORK/prefix"

# --- 1. install --------------------------------------------------------------------------------
t0=$SECONDS
INSTALL_ARGS=(--prefix "$PREFIX")
[[ ${SWIFTTOK_STATIC_NO_BUILD:-0} == 1 ]] && INSTALL_ARGS+=(--no-build)
if ! bash "$ROOT/scripts/install.sh" "${INSTALL_ARGS[@]}"; then
    say "FAILED: scripts/install.sh"
    exit 1
fi
say "build + install: $((SECONDS - t0)) s"
LIB="$PREFIX/lib/libswifttok.so"
CLI="$PREFIX/bin/swifttok"

failed=0
fail() { say "FAIL: $*"; failed=$((failed + 1)); }

# --- 2. dependencies -----------------------------------------------------------------------------
for f in "$LIB" "$CLI"; do
    dyn="$(readelf -d "$f")"
    if grep -E 'NEEDED' <<<"$dyn" | grep -qiE 'swift|dispatch|Foundation|BlocksRuntime'; then
        fail "$f needs a Swift runtime library: $(grep NEEDED <<<"$dyn" | grep -iE 'swift|dispatch|Foundation|Blocks' | tr -s ' ')"
    fi
    if grep -E 'R(UN)?PATH' <<<"$dyn" | grep -q "$TOOLCHAIN"; then
        fail "$f has an RPATH/RUNPATH into the toolchain: $(grep -E 'R(UN)?PATH' <<<"$dyn" | tr -s ' ')"
    fi
    if ldd "$f" | grep -q "$TOOLCHAIN"; then
        fail "$f resolves libraries under $TOOLCHAIN: $(ldd "$f" | grep "$TOOLCHAIN" | tr -s ' \t' ' ')"
    fi
done
readelf -d "$LIB" | grep -q 'SONAME.*\[libswifttok.so\]' || fail "$LIB has no SONAME libswifttok.so"
say "dependencies of the installed library: $(readelf -d "$LIB" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"

# --- 3. the runs with the toolchain hidden ---------------------------------------------------------
# ../shared beside the checkout (CI), or two levels up (a worktree under wt/).
SHARED="${SWIFTTOK_SHARED:-}"
if [[ -z $SHARED ]]; then
    SHARED="$ROOT/../shared"
    [[ -d $SHARED/vocab || ! -d $ROOT/../../shared/vocab ]] || SHARED="$ROOT/../../shared"
fi
SHARED="$(cd "$SHARED" 2>/dev/null && pwd || echo "$SHARED")"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[[ -x $PY ]] || PY="$(command -v python3)"
PY="$(readlink -f "$PY")"  # the interpreter itself, not a venv symlink chain through the toolchain
VENV_PY="${PYTHON:-$ROOT/.venv/bin/python}"
CLEAN_PATH=""
IFS=: read -ra parts <<<"$PATH"
for p in "${parts[@]}"; do
    [[ -n $p && $p != "$TOOLCHAIN"* ]] && CLEAN_PATH+="${CLEAN_PATH:+:}$p"
done

cat > "$WORK/app.c" <<'EOF'
/* The README's example: load a tokenizer, count and encode a text, check the version. */
#include <stdio.h>
#include <string.h>
#include <swifttok.h>

int main(int argc, char **argv) {
    static const char json[] =
        "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],\"normalizer\":null,"
        "\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,\"decoder\":null,\"model\":"
        "{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0,\"hello\":1,\"world\":2},\"unk_token\":\"[UNK]\"}}";
    swifttok_tokenizer *t = NULL;
    uint32_t ids[8];
    size_t n = 0;
    (void)argc;
    (void)argv;
    if (swifttok_version_number() != SWIFTTOK_VERSION_NUMBER) return 2;
    if (swifttok_tokenizer_from_bytes((const uint8_t *)json, sizeof json - 1, &t) != SWIFTTOK_OK) {
        fprintf(stderr, "load: %s\n", swifttok_last_error());
        return 3;
    }
    if (swifttok_encode_ids(t, "hello world", 11, 0, ids, 8, &n) != SWIFTTOK_OK || n != 2 || ids[0] != 1 || ids[1] != 2) {
        fprintf(stderr, "encode: %s\n", swifttok_last_error());
        return 4;
    }
    swifttok_tokenizer_free(t);
    printf("app: swifttok %s, ids 1 2\n", swifttok_version_string());
    return 0;
}
EOF

# The body runs inside the namespace (or plainly when unshare is refused).
cat > "$WORK/inner.sh" <<'EOF'
set -uo pipefail
say() { printf '[test-static] %s\n' "$*"; }
failed=0
fail() { say "FAIL: $*"; failed=$((failed + 1)); }
if [[ ${HIDE:-0} == 1 ]]; then
    mkdir -p "$WORK/empty"
    mount --bind "$WORK/empty" "$TOOLCHAIN" || { say "bind mount over $TOOLCHAIN failed"; exit 90; }
    if [[ -n "$(ls -A "$TOOLCHAIN")" ]]; then say "$TOOLCHAIN is still visible"; exit 90; fi
    say "toolchain hidden: $TOOLCHAIN is an empty directory in this mount namespace"
fi
export PATH="$CLEAN_PATH"
unset LD_LIBRARY_PATH
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
command -v swift >/dev/null && [[ ${HIDE:-0} == 1 ]] && fail "swift is still on PATH: $(command -v swift)"

say "== pkg-config app: cc app.c \$(pkg-config --cflags --libs swifttok)"
if cc -std=c99 -Wall -Wextra -Werror -pedantic "$WORK/app.c" $(pkg-config --cflags --libs swifttok) -o "$WORK/app"; then
    "$WORK/app" || fail "the pkg-config app failed"
else
    fail "the pkg-config app does not compile"
fi

say "== C suite (gcc) against $PREFIX/lib/libswifttok.so"
DATA_ARGS=()
[[ -f $SHARED/vocab/gpt2/tokenizer.json ]] && DATA_ARGS=(--shared "$SHARED" --expected "$ROOT/Tests/c/expected_ids.txt")
((${#DATA_ARGS[@]})) || say "SKIP parity in the C suite: no shared folder at $SHARED"
if gcc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -g $(pkg-config --cflags swifttok) "$ROOT/Tests/c/test_capi.c" \
        $(pkg-config --libs swifttok) -pthread -lm -o "$WORK/test_capi"; then
    SWIFT_BACKTRACE=enable=no "$WORK/test_capi" "${DATA_ARGS[@]}" || fail "the C suite"
else
    fail "the C suite does not compile"
fi

say "== the installed swifttok command"
if [[ -f $SHARED/vocab/gpt2/tokenizer.json ]]; then
    out="$("$PREFIX/bin/swifttok" encode --tokenizer "$SHARED/vocab/gpt2/tokenizer.json" "Hello world" 2>&1)" \
        || fail "swifttok encode: $out"
    say "swifttok encode: $out"
else
    "$PREFIX/bin/swifttok" --help >/dev/null || fail "swifttok --help"
fi

say "== Python tests with SWIFTTOK_LIBRARY=$PREFIX/lib/libswifttok.so"
if "$PY" -c "import pytest" 2>/dev/null || "$VENV_PY" -c "import pytest" 2>/dev/null; then
    cd "$ROOT/Tests/python"
    SWIFTTOK_LIBRARY="$PREFIX/lib/libswifttok.so" PYTHONPATH="$ROOT/python" SWIFTTOK_SHARED="$SHARED" \
        "$VENV_PY" -c "import swifttok; print('[test-static] python loads', swifttok.library_path(), swifttok.library_version())" \
        || fail "python cannot load the library"
    SWIFTTOK_LIBRARY="$PREFIX/lib/libswifttok.so" PYTHONPATH="$ROOT/python" SWIFTTOK_SHARED="$SHARED" \
        "$VENV_PY" -m pytest -q -p no:cacheprovider ${PYTEST_ARGS:-} . || fail "the Python tests"
else
    fail "no pytest in $VENV_PY"
fi
exit $((failed > 0))
EOF

export WORK TOOLCHAIN PREFIX SHARED ROOT PY VENV_PY CLEAN_PATH PYTEST_ARGS="${PYTEST_ARGS:-}"
t0=$SECONDS
HIDDEN=no
if [[ $(id -u) -eq 0 ]] && unshare -m --propagation private true 2>/dev/null; then
    HIDE=1 unshare -m --propagation private bash "$WORK/inner.sh"
    rc=$?
    HIDDEN=yes
elif unshare -rm --propagation private true 2>/dev/null; then
    HIDE=1 unshare -rm --propagation private bash "$WORK/inner.sh"
    rc=$?
    HIDDEN=yes
else
    say "NOTE: unshare is not permitted here: running with the toolchain off PATH/LD_LIBRARY_PATH only (NOT hidden)"
    HIDE=0 bash "$WORK/inner.sh"
    rc=$?
fi
if ((rc == 90)); then
    say "NOTE: could not hide $TOOLCHAIN in the namespace: running with the toolchain off the paths only (NOT hidden)"
    HIDE=0 bash "$WORK/inner.sh"
    rc=$?
    HIDDEN=no
fi
((rc == 0)) || failed=$((failed + 1))
say "runs: $((SECONDS - t0)) s"

say "summary ($((SECONDS - START)) s): toolchain hidden: $HIDDEN; $( ((failed == 0)) && echo passed || echo "$failed FAILED")"
((failed == 0))
