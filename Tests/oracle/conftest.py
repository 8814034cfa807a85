"""pytest setup for the parity oracle: fixtures for ../shared, the swifttok binary and the
vocabularies, and the parity summary table printed at the end of the run."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RUST_BACKTRACE", "0")

from oracle import summary  # noqa: E402
from oracle.paths import SHARED, shared_missing_reason, swifttok_binary  # noqa: E402


@pytest.fixture(scope="session")
def shared():
    """../shared, or a skip naming where it was looked for."""
    reason = shared_missing_reason()
    if reason:
        pytest.skip(reason)
    return SHARED


@pytest.fixture(scope="session")
def swifttok():
    """Path of the swifttok executable under test."""
    path = swifttok_binary()
    if path is None:
        msg = ("swifttok binary not found: run scripts/setup.sh (installs it on PATH), or set SWIFTTOK=path "
               "(the release build is .build/release/swifttok-cli)")
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def vocabs(shared, tmp_path_factory):
    """name -> vocabulary object (reference tokenizers load once per run)."""
    from oracle.reference import build_gpt2_from_vocab_merges
    from oracle.vocabs import all_vocabs
    built = build_gpt2_from_vocab_merges(tmp_path_factory.mktemp("gpt2-built"))
    return {v.name: v for v in all_vocabs(built)}


@pytest.fixture(scope="session")
def documents(shared):
    """All corpus documents (see oracle/corpus.py for the split)."""
    from oracle.corpus import load_documents
    return load_documents()


@pytest.fixture(scope="session")
def vector_texts(shared):
    """Every input text of ../shared/testvectors."""
    from oracle.vectors import all_texts
    return all_texts()


# Parity counts travel with each test's report, so the table is whole when the oracle runs on
# several pytest-xdist workers (scripts/test.sh runs it with -n 2): the worker drains what the test
# recorded into the teardown report, and the process that prints the table merges every report.
_SUMMARY_KEY = "swifttok_parity_summary"
_IS_XDIST_WORKER = False


def pytest_configure(config):
    global _IS_XDIST_WORKER
    _IS_XDIST_WORKER = hasattr(config, "workerinput")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown":
        share = summary.drain()
        if share["rows"] or share["notes"]:
            report.user_properties.append((_SUMMARY_KEY, share))


def pytest_runtest_logreport(report):
    if _IS_XDIST_WORKER:   # the controller merges; merging here too would count the share twice
        return
    for key, value in getattr(report, "user_properties", ()):
        if key == _SUMMARY_KEY:
            summary.merge(value)


def pytest_terminal_summary(terminalreporter):
    lines = summary.table()
    if lines:
        terminalreporter.section("swifttok parity summary")
        for line in lines:
            terminalreporter.write_line(line)
