"""Line comparison: byte-equal fast path against the canonical expected JSON, else a structural diff
that names the first differing position with both sides."""
import orjson

MAX_DETAILS = 5


def short(x, n=300):
    """repr of x cut to about n characters."""
    r = repr(x)
    return r if len(r) <= n else r[:n] + f"... ({len(r)} chars)"


def _window(seq, i, k=3):
    return seq[max(0, i - k): i + k + 1]


def first_difference(exp, got, path=""):
    """Where got first differs from exp (exp's keys only), as text; None when equal."""
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            return f"{path or 'value'}: expected an object, got {short(got)}"
        for k, v in exp.items():
            if k not in got:
                if k == "overflowing" and v == [] and path:
                    continue   # an overflowing part may leave out its own (empty) overflowing list
                return f"{path}{k}: missing (expected {short(v, 120)})"
            d = first_difference(v, got[k], f"{path}{k}")
            if d:
                return d
        return None
    if isinstance(exp, list):
        if not isinstance(got, list):
            return f"{path}: expected a list, got {short(got)}"
        for i, (a, b) in enumerate(zip(exp, got)):
            if a != b:
                if isinstance(a, dict):
                    return first_difference(a, b, f"{path}[{i}].")
                return (f"{path}[{i}]: expected {short(a, 120)}, got {short(b, 120)}; "
                        f"around it expected {short(_window(exp, i), 200)} got {short(_window(got, i), 200)}")
        if len(exp) != len(got):
            i = min(len(exp), len(got))
            return (f"{path}: length {len(got)}, expected {len(exp)}; from [{i}] expected "
                    f"{short(exp[i:i + 4], 200)} got {short(got[i:i + 4], 200)}")
        return None
    if exp != got:
        if isinstance(exp, str) and isinstance(got, str):
            i = next((j for j, (a, b) in enumerate(zip(exp, got)) if a != b), min(len(exp), len(got)))
            return (f"{path or 'text'}: first difference at char {i}: expected {short(exp[i:i + 40], 120)}, "
                    f"got {short(got[i:i + 40], 120)} (lengths {len(exp)} / {len(got)})")
        return f"{path or 'value'}: expected {short(exp, 120)}, got {short(got, 120)}"
    return None


def _parse(line):
    try:
        return orjson.loads(line), None
    except orjson.JSONDecodeError as e:
        return None, f"output line is not JSON ({e}): {short(line)}"


def compare_encoding(line, expected):
    """expected: canonical JSON bytes of the reference encoding, or None when the reference raised.
    Returns (difference text or None, whether the fast path decided)."""
    if line == expected:
        return None, True
    got, err = _parse(line)
    if err:
        return err, False
    if expected is None:
        ok = isinstance(got, dict) and "error" in got
        return (None if ok else f"the reference raised an error; swifttok gave {short(got)}"), False
    if isinstance(got, dict) and "error" in got:
        return f"swifttok error: {short(got['error'])}", False
    return first_difference(orjson.loads(expected), got), False


def compare_ids(line, expected):
    """expected: the reference id list (tiktoken); only `ids` is compared."""
    prefix = b'{"ids":' + orjson.dumps(expected)
    if line.startswith(prefix) and line[len(prefix):len(prefix) + 1] in (b",", b"}"):
        return None, True
    got, err = _parse(line)
    if err:
        return err, False
    if isinstance(got, dict) and "error" in got:
        return f"swifttok error: {short(got['error'])}", False
    if not isinstance(got, dict) or "ids" not in got:
        return f"no ids in output: {short(got)}", False
    return first_difference(expected, got["ids"], "ids"), False


def compare_decode(line, expected):
    """expected: the reference decoded text."""
    if line == orjson.dumps(expected):
        return None, True
    got, err = _parse(line)
    if err:
        return err, False
    if isinstance(got, dict) and "error" in got:
        return f"swifttok error: {short(got['error'])}", False
    return first_difference(expected, got, "decoded"), False


COMPARATORS = {"encoding": compare_encoding, "ids": compare_ids, "decode": compare_decode}
