#!/usr/bin/env bash
# Tests the C ABI (include/swifttok.h) through libswifttok.so with the C suite Tests/c/test_capi.c:
#   1. builds the library (`swift build --product swifttok`, debug; SWIFTTOK_C_CONFIG=release for release)
#   2. the suite compiled with gcc, then with clang (-std=c99 -Wall -Wextra -Werror -pedantic)
#   3. the suite with AddressSanitizer + UndefinedBehaviorSanitizer (clang; only the C side is
#      instrumented: the Swift library is not, but its heap goes through ASan's allocator, so the C
#      side's reads of borrowed arrays are checked against the real allocation sizes)
#   4. the suite under valgrind memcheck (whole process, the Swift library included), on a subset of
#      the parity texts because valgrind is ~50x slower; it fails on memory errors and on
#      "definitely lost" leaks only (the Swift runtime's metadata caches show up as "possibly lost" /
#      "still reachable" by design and are not errors)
#   5. the concurrency section under ThreadSanitizer (clang; the C side and the pthread/malloc
#      interceptors are checked, races inside the uninstrumented Swift library are not visible)
#   6. in CI (CI=true) or with FUZZ=1, the libFuzzer targets of Tests/fuzz for FUZZ_SECONDS each
#      (default 45; saved reproducers in Tests/fuzz/regressions are replayed first); FUZZ=0 skips it.
#      Tests/fuzz/run.sh builds its own coverage-instrumented library in .build/fuzz (not the one above)
# The parity and real-vocabulary parts need ../shared (or SWIFTTOK_SHARED); without it they are
# reported as SKIPPED, never as passed. Prints what it runs; exits non-zero when any step fails.
# Knobs: CC_GCC (default gcc), CLANG (default: clang on PATH, else /opt/swift/usr/bin/clang),
# STEPS (default "gcc clang asan valgrind tsan"), VALGRIND_LIMIT (texts, default 20).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[test-c] %s\n' "$*"; }
START=$SECONDS

CONFIG="${SWIFTTOK_C_CONFIG:-debug}"
CC_GCC="${CC_GCC:-gcc}"
CLANG="${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
STEPS="${STEPS:-gcc clang asan valgrind tsan}"
OUT="$ROOT/.build/c-tests"
mkdir -p "$OUT"
# A trap inside Swift prints its own message; the interactive backtracer only slows crash tests down.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

declare -A RESULT
ORDER=()
TIMES=""
record() {  # name, result, seconds
    RESULT[$1]="$2"
    ORDER+=("$1")
    TIMES+="$(printf '  %-10s %-24s %4ds' "$1" "$2" "$3")"$'\n'
}
run() {  # prints and runs a command
    printf '[test-c] $ %s\n' "$*"
    "$@"
}

# --- 1. the library ---------------------------------------------------------------------------
t0=$SECONDS
CONF_ARGS=()
[[ $CONFIG == release ]] && CONF_ARGS=(-c release)
if ! run swift build "${CONF_ARGS[@]}" --product swifttok; then
    say "building libswifttok.so failed"
    exit 1
fi
LIBDIR="$(swift build "${CONF_ARGS[@]}" --show-bin-path)"
[[ -f $LIBDIR/libswifttok.so ]] || { say "no $LIBDIR/libswifttok.so"; exit 1; }
# The train section compares swifttok_train with `swifttok-cli train` of the same build.
CLI_BIN="$LIBDIR/swifttok-cli"
[[ -x $CLI_BIN ]] || run swift build "${CONF_ARGS[@]}" --product swifttok-cli || say "building swifttok-cli failed"
CLI_ARGS=()
[[ -x $CLI_BIN ]] && CLI_ARGS=(--cli "$CLI_BIN")
record build passed $((SECONDS - t0))

# --- test data ----------------------------------------------------------------------------------
SHARED="${SWIFTTOK_SHARED:-$ROOT/../shared}"
DATA_ARGS=()
if [[ -f $SHARED/vocab/gpt2/tokenizer.json ]]; then
    DATA_ARGS=(--shared "$SHARED" --expected "$ROOT/Tests/c/expected_ids.txt")
else
    say "SKIP parity and real-vocabulary concurrency: no shared folder at $SHARED (set SWIFTTOK_SHARED)"
fi

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -I"$ROOT/include")
LINK=(-L"$LIBDIR" -lswifttok -Wl,-rpath,"$LIBDIR" -pthread -lm)
SRC="$ROOT/Tests/c/test_capi.c"
# The Swift toolchain's clang links with gold by default (noisy with sanitizers); prefer lld.
CLANG_LD=()
"$CLANG" -fuse-ld=lld -x c /dev/null -shared -o "$OUT/lld-probe.so" >/dev/null 2>&1 && CLANG_LD=(-fuse-ld=lld)

step() {  # name, command... (compile and run; the result is the command's)
    local name="$1"; shift
    local t=$SECONDS
    say "== $name"
    if "$@"; then record "$name" passed $((SECONDS - t)); else record "$name" "FAILED" $((SECONDS - t)); fi
}

suite_gcc() {
    run "$CC_GCC" "${CFLAGS[@]}" -O1 "$SRC" "${LINK[@]}" -o "$OUT/test_capi_gcc" || return 1
    run "$OUT/test_capi_gcc" "${DATA_ARGS[@]}" "${CLI_ARGS[@]}"
}

suite_clang() {
    run "$CLANG" "${CLANG_LD[@]}" "${CFLAGS[@]}" -O1 "$SRC" "${LINK[@]}" -o "$OUT/test_capi_clang" || return 1
    run "$OUT/test_capi_clang" "${DATA_ARGS[@]}" "${CLI_ARGS[@]}"
}

suite_asan() {
    run "$CLANG" "${CLANG_LD[@]}" "${CFLAGS[@]}" -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
        -fno-sanitize-recover=all "$SRC" "${LINK[@]}" -o "$OUT/test_capi_asan" || return 1
    ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
        run "$OUT/test_capi_asan" "${DATA_ARGS[@]}" "${CLI_ARGS[@]}"
}

suite_valgrind() {
    command -v valgrind >/dev/null || { say "valgrind is not installed"; return 1; }
    [[ -x $OUT/test_capi_gcc ]] || run "$CC_GCC" "${CFLAGS[@]}" -O1 "$SRC" "${LINK[@]}" -o "$OUT/test_capi_gcc" || return 1
    # gpt2 (byte-level BPE) and bert (WordPiece) on the first texts: loading a vocabulary under
    # valgrind costs ~20-40 s with the debug library.
    run valgrind --suppressions="$ROOT/Tests/c/valgrind.supp" --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
        --track-origins=no -q "$OUT/test_capi_gcc" "${DATA_ARGS[@]}" "${CLI_ARGS[@]}" --limit "${VALGRIND_LIMIT:-20}" \
        --only gpt2,bert --rounds 1
}

suite_tsan() {
    # The toolchain's TSan runtime carries libdispatch interceptors: it links only with the
    # toolchain's libdispatch and BlocksRuntime.
    local swiftlib
    swiftlib="$(cd "$(dirname "$(readlink -f "$CLANG")")/../lib/swift/linux" 2>/dev/null && pwd)"
    local extra=()
    [[ -n $swiftlib && -f $swiftlib/libdispatch.so ]] && extra=(-L"$swiftlib" -ldispatch -lBlocksRuntime -Wl,-rpath,"$swiftlib")
    run "$CLANG" "${CLANG_LD[@]}" "${CFLAGS[@]}" -O1 -fsanitize=thread "$SRC" "${LINK[@]}" "${extra[@]}" \
        -o "$OUT/test_capi_tsan" || return 1
    TSAN_OPTIONS="halt_on_error=1:${TSAN_OPTIONS:-}" run "$OUT/test_capi_tsan" "${DATA_ARGS[@]}" concurrency
}

for s in $STEPS; do
    case $s in
        gcc) step gcc suite_gcc ;;
        clang) step clang suite_clang ;;
        asan) step asan+ubsan suite_asan ;;
        valgrind) step valgrind suite_valgrind ;;
        tsan) step tsan suite_tsan ;;
        *) say "unknown step $s"; record "$s" FAILED 0 ;;
    esac
done

# In CI (CI=true or 1) the short fuzz run is on by default; FUZZ=0 turns it off, FUZZ=1 on anywhere.
FUZZ_DEFAULT=0
[[ ${CI:-} == true || ${CI:-} == 1 ]] && FUZZ_DEFAULT=1
if [[ ${FUZZ:-$FUZZ_DEFAULT} == 1 ]]; then
    step fuzz env CLANG="$CLANG" bash "$ROOT/Tests/fuzz/run.sh" "${FUZZ_SECONDS:-45}"
fi

passed=0; failed=0
for s in "${ORDER[@]}"; do
    # Not `&& ((passed++)) || ((failed++))`: ((passed++)) is false when passed was 0.
    if [[ ${RESULT[$s]} == passed ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
say "summary ($((SECONDS - START)) s):"
printf '%s' "$TIMES"
((${#DATA_ARGS[@]})) || say "parity SKIPPED (no shared folder)"
echo "steps: $passed passed, $failed failed"
((failed == 0))
