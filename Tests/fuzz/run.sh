#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Tests/fuzz against libswifttok.so:
#   fuzz_load    swifttok_tokenizer_from_bytes on arbitrary bytes (seeds: corpus/load, dictionary tokenizer.dict)
#   fuzz_encode  swifttok_encode & co. on arbitrary text with one tokenizer (seeds: corpus/encode); the
#                tokenizer is ../shared/vocab/gpt2/tokenizer.json when present (with the round-trip
#                property), else a tiny built-in one; SWIFTTOK_FUZZ_TOKENIZER overrides
# Usage: Tests/fuzz/run.sh [SECONDS per target, default 60] [target ...]
# Env: CLANG (default clang on PATH), LIBDIR (default: `swift build --show-bin-path`, after building),
#      SWIFTTOK_SHARED (default ../shared), JOBS (parallel fuzzing jobs per target, default 1).
# First replays every saved reproducer in Tests/fuzz/regressions (a failure there fails the run).
# New crashes are written to Tests/fuzz/regressions/<target>-crash-<sha1>; new corpus entries go to
# .build/fuzz/corpus/<target> (not the repository). Exits non-zero when a target crashes.
# Only the C harness is coverage-instrumented (the Swift library is not), so libFuzzer's guidance
# is weak: treat it as a long random/dictionary-driven stress run, not a coverage-guided search.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(fuzz_load fuzz_encode)
CLANG="${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
if [[ -z ${LIBDIR:-} ]]; then
    (cd "$ROOT" && swift build --product swifttok) || exit 1
    LIBDIR="$(cd "$ROOT" && swift build --show-bin-path)"
fi
SHARED="${SWIFTTOK_SHARED:-$ROOT/../shared}"
OUT="$ROOT/.build/fuzz"
mkdir -p "$OUT" "$HERE/regressions"
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
LD=()
"$CLANG" -fuse-ld=lld -x c /dev/null -shared -o "$OUT/lld-probe.so" >/dev/null 2>&1 && LD=(-fuse-ld=lld)

if [[ -z ${SWIFTTOK_FUZZ_TOKENIZER:-} && -f $SHARED/vocab/gpt2/tokenizer.json ]]; then
    export SWIFTTOK_FUZZ_TOKENIZER="$SHARED/vocab/gpt2/tokenizer.json"
    export SWIFTTOK_FUZZ_ROUNDTRIP=1
fi
echo "[fuzz] encode tokenizer: ${SWIFTTOK_FUZZ_TOKENIZER:-built-in WordLevel}"

status=0
for target in "${TARGETS[@]}"; do
    echo "[fuzz] == $target"
    cmd=("$CLANG" "${LD[@]}" -g -O1 -fsanitize=fuzzer,address,undefined -I"$ROOT/include" "$HERE/$target.c"
         -L"$LIBDIR" -lswifttok -Wl,-rpath,"$LIBDIR" -o "$OUT/$target")
    echo "[fuzz] \$ ${cmd[*]}"
    "${cmd[@]}" || { status=1; continue; }
    seeds="$HERE/corpus/${target#fuzz_}"
    work="$OUT/corpus/$target"
    mkdir -p "$work"
    dict=()
    [[ $target == fuzz_load ]] && dict=(-dict="$HERE/tokenizer.dict")
    # Replay saved reproducers of this target.
    shopt -s nullglob
    repro=("$HERE/regressions/$target"-*)
    shopt -u nullglob
    if ((${#repro[@]})); then
        echo "[fuzz] replaying ${#repro[@]} reproducer(s)"
        "$OUT/$target" "${dict[@]}" "${repro[@]}" || { echo "[fuzz] $target: a saved reproducer still fails"; status=1; }
    fi
    run=("$OUT/$target" "${dict[@]}" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=4096 -max_len=4096
         -print_final_stats=1 -artifact_prefix="$HERE/regressions/$target-" "$work" "$seeds")
    ((${JOBS:-1} > 1)) && run+=(-jobs="$JOBS" -workers="$JOBS")
    echo "[fuzz] \$ ${run[*]}"
    # Progress lines are dropped; the status is libFuzzer's (first element of the pipeline).
    "${run[@]}" 2>&1 | grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)'
    rc=${PIPESTATUS[0]}
    if ((rc != 0)); then
        echo "[fuzz] $target FAILED (exit $rc); reproducers in $HERE/regressions"
        status=1
    fi
done
exit $status
