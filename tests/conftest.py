"""Shared pytest fixtures; the plain helpers they use are in tests/helpers.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The suite reads the program's messages in English, whatever the machine's locale; the
# tests of French messages say so themselves (toolkit.language.configure).
os.environ["PROSPECTIVE_LANG"] = "en"

from tests.helpers import copy_fixture


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture study."""
    return copy_fixture("mini", tmp_path)


@pytest.fixture(scope="session")
def shipped_kit(tmp_path_factory) -> Path:
    """The French kit of the shipped study, built once per test session and shared by the xdist workers.

    The first worker to get here builds it under a lock (a folder made atomically); the others wait
    for the `done` mark and read the same files. Tests must not write into it.
    """
    import subprocess
    import sys
    import time

    from tests.helpers import SHIPPED

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this session's, common to its workers
    out, lock, done = shared / "shipped-kit", shared / "shipped-kit.lock", shared / "shipped-kit.done"
    try:
        lock.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 900
        while not done.exists():
            assert time.monotonic() < deadline, "the shared build of the shipped kit did not finish"
            time.sleep(0.5)
    else:
        # in a process of its own: a worker that built a whole kit stays large, and a test that measures
        # a child's memory (ru_maxrss) would count the worker's pages it was forked from
        built = subprocess.run([sys.executable, "-m", "toolkit", "-q", "build", str(SHIPPED), "--lang", "fr",
                                "--out", str(out)], capture_output=True, text=True, timeout=900, check=False)
        assert built.returncode == 0 and not built.stderr, built.stderr[-4000:]
        done.write_text("ok", encoding="utf-8")
    return out / SHIPPED.name / "fr"
