#!/usr/bin/env bash
# Builds and runs the coverage-guided libFuzzer targets of Tests/fuzz:
#   fuzz_load    swifttok_tokenizer_from_bytes on arbitrary bytes (seeds: corpus/load, dictionary tokenizer.dict)
#   fuzz_encode  swifttok_encode & co. on arbitrary text (seeds: corpus/encode, short texts and generated
#                paragraphs of 1.5 and 6 KB) with, when ../shared is present, gpt2 (byte-level BPE, with
#                the round-trip property), bert-base-uncased (WordPiece), t5 spiece.model (SentencePiece
#                Unigram), llama2 tokenizer.json (BPE with byte fallback) and cl100k_base.tiktoken
#                (round trip too), the input's first byte choosing; else a tiny built-in one;
#                SWIFTTOK_FUZZ_TOKENIZER (see fuzz_encode.c) overrides. Inputs up to 8 KB (-max_len):
#                the fast paths cut long texts into pieces, which short inputs never reach
#   fuzz_model   SentencePiece .model bytes (protobuf) through swifttok_tokenizer_from_bytes, then encode,
#                n-best, sampling and decode (seeds: corpus/model, made by make_seeds.py)
# Usage: Tests/fuzz/run.sh [SECONDS per target, default 60] [target ...]
# Env: CLANG (default clang on PATH), SWIFTTOK_SHARED (default ../shared), JOBS (parallel fuzzing jobs per
#      target, default 1), FUZZ_OPT (-O by default; -Onone builds faster, runs slower),
#      LIBDIR (use that prebuilt libswifttok.so instead: no Swift coverage, a plain stress run).
# First replays every saved reproducer in Tests/fuzz/regressions (a failure there fails the run).
# New crashes are written to Tests/fuzz/regressions/<target>-crash-<sha1>; new corpus entries go to
# .build/fuzz/corpus/<target> (not the repository). Exits non-zero when a target crashes.
#
# How the Swift library is instrumented (so libFuzzer sees its edges and comparisons, cov in the thousands):
#   swift build --scratch-path .build/fuzz --product swifttok -Xswiftc -sanitize=fuzzer,address -Xswiftc -O
#               -Xswiftc -use-ld=lld -Xlinker -zundefs
# - its own scratch path: the normal .build/debug library is untouched.
# - -sanitize=fuzzer on the Swift side adds libFuzzer's instrumentation (inline 8-bit counters, pc-table,
#   trace-cmp) but, because the product is a shared library, links no libFuzzer runtime and no main:
#   the runtime is linked exactly once, into the C harness (clang -fsanitize=fuzzer). (-sanitize-coverage=
#   alone is refused by swiftc without a -sanitize=.) -sanitize=address instruments the Swift code's own
#   memory accesses; its runtime also comes from the harness (clang -fsanitize=address).
# - the .so then has undefined __sanitizer_cov_* / __asan_* symbols that the executable provides at load
#   time; the package links the library with --no-undefined, so -zundefs lifts that for this build
#   (lld: gold does not know -z undefs).
# - debug configuration + -O: the release configuration is -Ounchecked (no overflow or bounds traps, which
#   are exactly the crashes fuzzing should find); -O keeps those checks. Measured on 2 shared cores
#   (fuzz_load, -seed=1 -runs=30000, twice): -O 11-12 s, -Onone 18-23 s (1.6-1.9x more execs for -O);
#   the build costs 154 s of CPU with -O, 48 s with -Onone (wall on the shared machine: 232-313 s, 139 s).
# - check: `nm -D --defined-only libswifttok.so` has no libFuzzer/ASan runtime symbol and readelf lists no
#   sanitizer library as NEEDED; the __sanitizer_cov_* and __asan_* symbols are all undefined there.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(fuzz_load fuzz_encode fuzz_model)
CLANG="${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
SCRATCH="$ROOT/.build/fuzz"
OUT="$SCRATCH/harness"
mkdir -p "$OUT" "$HERE/regressions"
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
if [[ -z ${LIBDIR:-} ]]; then
    build=(swift build --scratch-path "$SCRATCH" --product swifttok -Xswiftc -sanitize=fuzzer,address
           -Xswiftc "${FUZZ_OPT:--O}" -Xswiftc -use-ld=lld -Xlinker -zundefs)
    echo "[fuzz] \$ ${build[*]}"
    t0=$SECONDS
    (cd "$ROOT" && "${build[@]}") || exit 1
    LIBDIR="$(cd "$ROOT" && swift build --scratch-path "$SCRATCH" --show-bin-path)"
    echo "[fuzz] instrumented library built in $((SECONDS - t0)) s: $LIBDIR/libswifttok.so"
else
    echo "[fuzz] LIBDIR=$LIBDIR: the library is not instrumented, expect cov of the harness only"
fi
SHARED="${SWIFTTOK_SHARED:-$ROOT/../shared}"
LD=()
"$CLANG" -fuse-ld=lld -x c /dev/null -shared -o "$OUT/lld-probe.so" >/dev/null 2>&1 && LD=(-fuse-ld=lld)

if [[ -z ${SWIFTTOK_FUZZ_TOKENIZER:-} && -f $SHARED/vocab/gpt2/tokenizer.json ]]; then
    V="$SHARED/vocab"
    export SWIFTTOK_FUZZ_TOKENIZER="+$V/gpt2/tokenizer.json:$V/bert-base-uncased/tokenizer.json:$V/t5/spiece.model:$V/llama2/tokenizer.json:+$V/cl100k_base/cl100k_base.tiktoken"
fi
echo "[fuzz] encode tokenizers: ${SWIFTTOK_FUZZ_TOKENIZER:-built-in WordLevel}"

status=0
for target in "${TARGETS[@]}"; do
    echo "[fuzz] == $target"
    cmd=("$CLANG" "${LD[@]}" -g -O1 -fsanitize=fuzzer,address,undefined -I"$ROOT/include" "$HERE/$target.c"
         -L"$LIBDIR" -lswifttok -Wl,-rpath,"$LIBDIR" -o "$OUT/$target")
    echo "[fuzz] \$ ${cmd[*]}"
    "${cmd[@]}" || { status=1; continue; }
    seeds="$HERE/corpus/${target#fuzz_}"
    work="$SCRATCH/corpus/$target"
    mkdir -p "$work"
    opts=()
    [[ $target == fuzz_load ]] && opts=(-dict="$HERE/tokenizer.dict")
    # The BPE .model seed (256 byte pieces) is ~6 KB; so are the longest encode seeds.
    maxlen=4096
    [[ $target == fuzz_model ]] && maxlen=8192
    # Long encode seeds stay long when mutated (libFuzzer's mutation limit is at least the input's
    # size); the default -len_control still grows the short ones slowly, which keeps most inputs
    # fast. A 6 KB input costs ~0.2 s with the five tokenizers (12 KB seeds: ~12 exec/s in all).
    [[ $target == fuzz_encode ]] && maxlen=8192
    # Replay saved reproducers of this target.
    shopt -s nullglob
    repro=("$HERE/regressions/$target"-*)
    shopt -u nullglob
    if ((${#repro[@]})); then
        echo "[fuzz] replaying ${#repro[@]} reproducer(s)"
        "$OUT/$target" "${opts[@]}" "${repro[@]}" || { echo "[fuzz] $target: a saved reproducer still fails"; status=1; }
    fi
    run=("$OUT/$target" "${opts[@]}" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=4096 -max_len="$maxlen"
         -print_final_stats=1 -artifact_prefix="$HERE/regressions/$target-" "$work" "$seeds")
    ((${JOBS:-1} > 1)) && run+=(-jobs="$JOBS" -workers="$JOBS")
    echo "[fuzz] \$ ${run[*]}"
    # Progress lines and the recommended dictionary are dropped (INITED and DONE, with cov/ft/corp, stay);
    # the status is libFuzzer's (first element of the pipeline).
    "${run[@]}" 2>&1 | grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)|^\s+NEW_FUNC|^".*" # Uses: [0-9]+$'
    rc=${PIPESTATUS[0]}
    if ((rc != 0)); then
        echo "[fuzz] $target FAILED (exit $rc); reproducers in $HERE/regressions"
        status=1
    fi
done
exit $status
