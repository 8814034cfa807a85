#!/usr/bin/env bash
# Runs every swifttok test: sets up when needed (scripts/setup.sh), then the Swift unit tests
# (`swift build` + `swift test`), then the parity oracle (`pytest Tests/oracle`) against the freshly
# built release binary. Prints a summary; exits non-zero if any suite failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[test] %s\n' "$*"; }
START=$SECONDS

# setup.sh is idempotent and quick once done; it also rebuilds the release CLI the oracle drives.
bash "$ROOT/scripts/setup.sh" || { say "setup failed"; exit 1; }

declare -A RESULT
TIMES=""

run_suite() {   # name, command...
    local name="$1"; shift
    local t0=$SECONDS
    say "== $name: $*"
    if "$@"; then RESULT[$name]=passed; else RESULT[$name]="FAILED (exit $?)"; fi
    TIMES+="$(printf '  %-12s %-22s %4ds' "$name" "${RESULT[$name]}" $((SECONDS - t0)))"$'\n'
}

run_suite "swift build" swift build --build-tests
if [[ ${RESULT["swift build"]} == passed ]]; then
    run_suite "swift test" swift test --skip-build
else
    RESULT["swift test"]="not run"
fi

# The oracle drives the release binary built just now, not whatever `swifttok` is first on PATH.
export SWIFTTOK="${SWIFTTOK:-$(swift build -c release --show-bin-path)/swifttok-cli}"
# One pytest-xdist worker per core (ORACLE_WORKERS=1: one process): the reference side of a
# comparison is single-threaded Python, so one process leaves a core idle much of the time.
ORACLE_WORKERS="${ORACLE_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
oracle() {
    local par=()
    ((ORACLE_WORKERS > 1)) && par=(-n "$ORACLE_WORKERS" --dist worksteal)
    "$ROOT/.venv/bin/python" -m pytest "$ROOT/Tests/oracle" -q -p no:cacheprovider "${par[@]}" --durations=25 "$@"
    local rc=$?
    # Exit code 5 means no test ran: never a pass.
    [[ $rc -eq 5 ]] && say "pytest collected no tests"
    return $rc
}
run_suite "oracle" oracle ${PYTEST_ARGS:-}

# The C ABI from C: parity, misuse, threads; gcc, clang, ASan+UBSan, valgrind, TSan.
run_suite "c" bash "$ROOT/scripts/test-c.sh"

# The C library through the Python package (ctypes), against tokenizers/tiktoken.
run_suite "python" bash "$ROOT/scripts/test-python.sh" -q -p no:cacheprovider

# The self-contained libswifttok.so (scripts/install.sh to a temp prefix): C and Python tests with
# the Swift toolchain hidden, and a pkg-config build.
run_suite "static" bash "$ROOT/scripts/test-static.sh"

# Throughput smoke run (informational, never fails the run): on in CI, SWIFTTOK_BENCH=0 turns it off.
if [[ "${SWIFTTOK_BENCH:-${CI:-0}}" == 1 || "${SWIFTTOK_BENCH:-${CI:-}}" == true ]]; then
    say "== bench (quick, informational)"
    "$ROOT/.venv/bin/python" "$ROOT/Benchmarks/bench.py" --quick || say "bench failed (ignored)"
fi

passed=0; failed=0
for s in "swift build" "swift test" "oracle" "c" "python" "static"; do
    if [[ ${RESULT[$s]} == passed ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
say "summary ($((SECONDS - START)) s):"
printf '%s' "$TIMES"
echo "suites: $passed passed, $failed failed"
((failed == 0))
