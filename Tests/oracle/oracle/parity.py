"""The parity engine: stream inputs to one swifttok process per configuration, compute the reference
for the same inputs chunk by chunk, and compare every line."""
import time

from . import summary
from .cli import SwiftTokProcess
from .compare import COMPARATORS, MAX_DETAILS, short


class Config:
    """One swifttok invocation compared against the shared reference; `vocab` labels the summary row."""

    def __init__(self, vocab, args, label=None):
        self.vocab = vocab
        self.args = list(args)
        self.label = label or " ".join(self.args)


class Report:
    """Outcome of a parity run; `ok` when every line matched and every process exited cleanly."""

    def __init__(self, input_set):
        self.input_set = input_set
        self.failures = []
        self.compared = 0
        self.seconds = 0.0

    @property
    def ok(self):
        return not self.failures

    def text(self):
        return "\n".join(self.failures)


def run_parity(binary, input_set, items, to_line, configs, reference, mode, chunk=2000):
    """Compares swifttok with the reference on every item for every config; returns a Report.

    items: the inputs; to_line: item -> stdin bytes; reference(list of items) -> list of expected
    values for the comparator of `mode` (encoding / ids / decode).
    """
    compare = COMPARATORS[mode]
    report = Report(input_set)
    report.vocab = configs[0].vocab
    start = time.time()
    lines = (to_line(x) for x in items)
    all_lines = list(lines)
    procs = [SwiftTokProcess(binary, c.args, all_lines) for c in configs]
    state = [{"mismatch": 0, "slow": 0, "details": [], "dead": None} for _ in configs]
    try:
        for lo in range(0, len(items), chunk):
            if all(st["dead"] is not None for st in state):
                # Every process has stopped: the rest cannot match; skip computing its reference.
                for st in state:
                    st["mismatch"] += len(items) - lo
                break
            batch = items[lo:lo + chunk]
            expected = reference(batch)
            assert len(expected) == len(batch)
            for p, c, st in zip(procs, configs, state):
                for j, exp in enumerate(expected):
                    idx = lo + j
                    if st["dead"] is not None:
                        st["mismatch"] += 1
                        continue
                    line = p.readline()
                    if line is None:
                        code, _, err = p.finish()
                        st["dead"] = idx
                        st["mismatch"] += 1
                        st["details"].append(
                            f"swifttok output ended after {idx} of {len(items)} lines (exit code {code}); "
                            f"stderr: {err.strip()[-800:]}")
                        continue
                    diff, fast = compare(line.rstrip(b"\n"), exp)
                    if not fast:
                        st["slow"] += 1
                    if diff:
                        st["mismatch"] += 1
                        if len(st["details"]) < MAX_DETAILS:
                            st["details"].append(f"input #{idx} {short(batch[j], 300)}\n      {diff}")
        for p, c, st in zip(procs, configs, state):
            if st["dead"] is None:
                code, extra, err = p.finish()
                if code != 0:
                    st["details"].append(f"swifttok exited with code {code}; stderr: {err.strip()[-800:]}")
                if extra:
                    st["details"].append(f"swifttok printed {extra} lines more than it was given inputs")
    finally:
        for p in procs:
            p.kill()
    for c, st in zip(configs, state):
        summary.record(c.vocab, input_set, len(items), st["mismatch"], st["slow"])
        report.compared += len(items)
        if st["details"]:
            report.failures.append(
                f"[{c.vocab}] {input_set}: {st['mismatch']} of {len(items)} differ — swifttok {c.label}\n  "
                + "\n  ".join(st["details"]))
    report.seconds = time.time() - start
    return report
