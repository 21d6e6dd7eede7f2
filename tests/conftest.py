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
    Tests must not write into it."""
    from tests.helpers import SHIPPED

    return shared_build(tmp_path_factory, "shipped-kit", ["--lang", "fr"]) / SHIPPED.name / "fr"


@pytest.fixture(scope="session")
def shipped_kit_en(tmp_path_factory) -> Path:
    """The English kit of the shipped study (issue 13.5), built once per session like the French one."""
    from tests.helpers import SHIPPED

    return shared_build(tmp_path_factory, "shipped-kit-en", ["--lang", "en"]) / SHIPPED.name / "en"


@pytest.fixture(scope="session")
def shipped_editions(tmp_path_factory) -> Path:
    """The large-print and easy-to-read booklets of the shipped study: `fr-gros-caracteres/`, `fr-facile-a-lire/`."""
    from tests.helpers import SHIPPED

    out = shared_build(tmp_path_factory, "shipped-large-print", ["--lang", "fr", "--edition", "gros-caracteres"])
    shared_build(tmp_path_factory, "shipped-large-print", ["--lang", "fr", "--edition", "facile-a-lire"], into=out)
    return out / SHIPPED.name


def shared_build(tmp_path_factory, name: str, options: list[str], into: Path | None = None) -> Path:
    """`prospective build` of the shipped study with `options`, once per test session for all xdist workers.

    The first worker to get here builds it under a lock (a folder made atomically); the others wait
    for the `done` mark and read the same files. The build runs in a process of its own: a worker that
    built a whole kit stays large, and a test that measures a child's memory would count the worker's
    pages it was forked from. Returns the output folder.
    """
    import subprocess
    import sys
    import time

    from tests.helpers import SHIPPED

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this session's, common to its workers
    mark = "-".join([name, *(option.lstrip("-") for option in options)])
    out, lock, done = into or shared / name, shared / f"{mark}.lock", shared / f"{mark}.done"
    try:
        lock.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 900
        while not done.exists():
            assert time.monotonic() < deadline, f"the shared build {mark} did not finish"
            time.sleep(0.5)
    else:
        built = subprocess.run([sys.executable, "-m", "toolkit", "-q", "build", str(SHIPPED), *options,
                                "--out", str(out)], capture_output=True, text=True, timeout=900, check=False)
        assert built.returncode == 0 and not built.stderr, built.stderr[-4000:]
        done.write_text("ok", encoding="utf-8")
    return out
