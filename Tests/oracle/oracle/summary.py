"""Parity counts collected during the run and printed as a table at the end (conftest hook)."""
from collections import OrderedDict

RESULTS = OrderedDict()   # (vocabulary, input set) -> [compared, mismatches, slow-path lines]
NOTES = []


def record(vocab, input_set, compared, mismatches, slow=0):
    """Adds counts for one vocabulary and input set."""
    r = RESULTS.setdefault((vocab, input_set), [0, 0, 0])
    r[0] += compared
    r[1] += mismatches
    r[2] += slow


def drain():
    """Takes the counts and notes recorded since the last call (a test's share, sent from a
    pytest-xdist worker to the controller); RESULTS and NOTES are empty afterwards."""
    rows = [[v, i, c, m, sl] for (v, i), (c, m, sl) in RESULTS.items()]
    notes = list(NOTES)
    RESULTS.clear()
    NOTES.clear()
    return {"rows": rows, "notes": notes}


def merge(share):
    """Adds a share made by drain() (in the process that prints the table)."""
    for v, i, c, m, sl in share["rows"]:
        record(v, i, c, m, sl)
    NOTES.extend(share["notes"])


def table():
    """The summary as text lines."""
    if not RESULTS:
        return []
    w = max(len(v) for v, _ in RESULTS) + 2
    s = max(len(i) for _, i in RESULTS) + 2
    lines = [f"{'vocabulary':<{w}}{'input set':<{s}}{'compared':>10}{'mismatches':>12}",
             "-" * (w + s + 22)]
    tc = tm = slow = 0
    for (v, i), (c, m, sl) in RESULTS.items():
        lines.append(f"{v:<{w}}{i:<{s}}{c:>10}{m:>12}")
        tc += c
        tm += m
        slow += sl
    lines.append("-" * (w + s + 22))
    lines.append(f"{'total':<{w + s}}{tc:>10}{tm:>12}")
    if slow:
        lines.append(f"({slow} output lines differed from the canonical JSON form and were parsed; "
                     "same values count as matches)")
    lines += NOTES
    return lines
