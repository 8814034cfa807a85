"""Drives swifttok processes: each gets all its input lines on stdin (from a writer thread) and is read
line by line, so the oracle compares while swifttok and the reference both run."""
import subprocess
import threading

import orjson


def jsonl_text(item):
    """One stdin line for `swifttok encode --jsonl`: a JSON string, or {"text","pair"} for a pair."""
    if isinstance(item, tuple):
        return orjson.dumps({"text": item[0], "pair": item[1]}) + b"\n"
    return orjson.dumps(item) + b"\n"


def jsonl_ids(ids):
    """One stdin line for `swifttok decode --jsonl`."""
    return orjson.dumps(list(ids)) + b"\n"


class SwiftTokProcess:
    """One running swifttok command fed `lines` (bytes, each ending in a newline)."""

    def __init__(self, binary, args, lines):
        self.argv = [binary, *args]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=1 << 20)
        self._stderr = bytearray()
        self._writer = threading.Thread(target=self._write, args=(lines,), daemon=True)
        self._reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._writer.start()
        self._reader.start()
        self.lines_read = 0

    def _write(self, lines):
        try:
            buf = []
            size = 0
            for line in lines:
                buf.append(line)
                size += len(line)
                if size >= 1 << 16:
                    self.proc.stdin.write(b"".join(buf))
                    buf, size = [], 0
            if buf:
                self.proc.stdin.write(b"".join(buf))
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _drain_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.read(4096), b""):
            if len(self._stderr) < 1 << 16:
                self._stderr += chunk

    def readline(self):
        """The next output line, or None when swifttok's output has ended."""
        line = self.proc.stdout.readline()
        if not line:
            return None
        self.lines_read += 1
        return line

    def stderr_tail(self, n=2000):
        """The last n characters swifttok wrote to stderr."""
        return bytes(self._stderr[-n:]).decode("utf-8", "replace")

    def finish(self, timeout=120):
        """Waits for exit; returns (exit code, extra stdout lines count, stderr tail)."""
        extra = 0
        for _ in iter(self.proc.stdout.readline, b""):
            extra += 1
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._writer.join(5)
        self._reader.join(5)
        return code, extra, self.stderr_tail()

    def kill(self):
        """Stops this process (only this one)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def run_once(binary, args, stdin=b"", timeout=120):
    """Runs swifttok once to completion: (exit code, stdout, stderr)."""
    p = subprocess.run([binary, *args], input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr
