#!/usr/bin/env bash
# Installs swifttok under a prefix (default /usr/local):
#   PREFIX/include/swifttok.h           the C header
#   PREFIX/lib/libswifttok.so           the self-contained library (Swift runtime linked in; SONAME
#                                       libswifttok.so): it loads where no Swift toolchain is installed
#   PREFIX/lib/pkgconfig/swifttok.pc    for `cc app.c $(pkg-config --cflags --libs swifttok)`
#   PREFIX/bin/swifttok                 the command (swifttok-cli, Swift runtime linked in as well)
# Usage: scripts/install.sh [--prefix P] [--destdir D] [--no-build]
#   --destdir D   stage under D (files land in D/P; swifttok.pc still says P), as for packaging
#   --no-build    install what .build-static already holds
# Builds with `swift build -c release --static-swift-stdlib --scratch-path .build-static` (its own
# scratch path: the static-stdlib products must not share build products with the default .build).
# Python: `pip install ./python` afterwards; the package finds PREFIX/lib/libswifttok.so through the
# system loader (ldconfig for /usr/local and /usr; else set SWIFTTOK_LIBRARY=PREFIX/lib/libswifttok.so).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[install] %s\n' "$*"; }

PREFIX=/usr/local
DESTDIR=""
BUILD=1
while (($#)); do
    case $1 in
        --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
        --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
        --destdir) DESTDIR="${2:?--destdir needs a directory}"; shift 2 ;;
        --destdir=*) DESTDIR="${1#--destdir=}"; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) say "unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $PREFIX == /* ]] || PREFIX="$(pwd)/$PREFIX"
PREFIX="${PREFIX%/}"
[[ -n $PREFIX ]] || PREFIX=/

SCRATCH="$ROOT/.build-static"
if ((BUILD)); then
    # The same flags for both products (a different flag set rebuilds everything).
    for product in swifttok-static swifttok-cli; do
        say "swift build -c release --static-swift-stdlib --product $product --scratch-path .build-static"
        swift build -c release --static-swift-stdlib --product "$product" --scratch-path "$SCRATCH"
    done
fi
BIN="$(swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)"
LIB="$BIN/libswifttok-static.so"
CLI="$BIN/swifttok-cli"
for f in "$LIB" "$CLI"; do
    [[ -f $f ]] || { say "ERROR: $f is missing (run without --no-build)" >&2; exit 1; }
done

VERSION="$(sed -n 's/^#define SWIFTTOK_VERSION_STRING "\(.*\)"$/\1/p' "$ROOT/include/swifttok.h")"
[[ -n $VERSION ]] || { say "ERROR: no SWIFTTOK_VERSION_STRING in include/swifttok.h" >&2; exit 1; }

DEST="$DESTDIR$PREFIX"
install -d "$DEST/include" "$DEST/lib/pkgconfig" "$DEST/bin"
install -m 644 "$ROOT/include/swifttok.h" "$DEST/include/swifttok.h"
install -m 755 "$LIB" "$DEST/lib/libswifttok.so"
install -m 755 "$CLI" "$DEST/bin/swifttok"

# Outside the loader's default directories a program also needs to find the library at run time.
RPATH=""
case $PREFIX in
    /usr|/usr/local) ;;
    *) RPATH=" -Wl,-rpath,\${libdir}" ;;
esac
cat > "$DEST/lib/pkgconfig/swifttok.pc" <<EOF
prefix=$PREFIX
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: swifttok
Description: Exact and fast tokenizer engine (Hugging Face tokenizer.json, tiktoken) with a C ABI
Version: $VERSION
Libs: -L\${libdir} -lswifttok$RPATH
Cflags: -I\${includedir}
EOF
say "installed swifttok $VERSION under $DEST: include/swifttok.h lib/libswifttok.so lib/pkgconfig/swifttok.pc bin/swifttok"

# Refresh the loader cache for system prefixes (so ctypes.util.find_library finds the library).
if [[ -z $DESTDIR && ( $PREFIX == /usr/local || $PREFIX == /usr ) && $(id -u) -eq 0 ]] && command -v ldconfig >/dev/null; then
    ldconfig
fi
case ":${PKG_CONFIG_PATH:-}:$(pkg-config --variable pc_path pkg-config 2>/dev/null || true):" in
    *":$PREFIX/lib/pkgconfig:"*) ;;
    *) say "NOTE: pkg-config needs PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig" ;;
esac
