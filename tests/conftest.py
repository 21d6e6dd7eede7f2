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


@pytest.fixture(scope="session")
def workshop_kit(tmp_path_factory) -> Path:
    """The French kit of tests/fixtures/workshop (the study's documents and the `atelier/` workshop with its
    report), built once per session with no warning about a PDF. Tests must not write into it."""
    from tests.helpers import WORKSHOP

    out = shared_build(tmp_path_factory, "workshop-kit", ["--lang", "fr"], study=WORKSHOP, study_warnings=True)
    return out / WORKSHOP.name / "fr"


@pytest.fixture(scope="session")
def other_domain_kit(tmp_path_factory) -> Path:
    """The French kit of tests/fixtures/petite-enfance-2035, a study of another domain, built once per session."""
    from tests.helpers import OTHER_DOMAIN

    out = shared_build(tmp_path_factory, "other-domain-kit", ["--lang", "fr"], study=OTHER_DOMAIN, study_warnings=True)
    return out / OTHER_DOMAIN.name / "fr"


def shared_build(tmp_path_factory, name: str, options: list[str], into: Path | None = None, study: Path | None = None,
                 study_warnings: bool = False) -> Path:
    """`prospective build` of `study` (the shipped one by default) with `options`, once per test session for
    all xdist workers; without a warning, or (`study_warnings`) without one about a PDF.

    The first worker to get here builds it under a lock (a folder made atomically); the others wait
    for the `done` mark and read the same files. The build runs in a process of its own: a worker that
    built a whole kit stays large, and a test that measures a child's memory would count the worker's
    pages it was forked from. Returns the output folder.
    """
    import subprocess
    import sys
    import time

    from tests.helpers import SHIPPED

    study = study or SHIPPED
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
        built = subprocess.run([sys.executable, "-m", "toolkit", "-q", "build", str(study), *options,
                                "--out", str(out)], capture_output=True, text=True, timeout=900, check=False)
        # a warning about a PDF is indented under the summary; the study's own start with its file's path
        pdf_warnings = [line for line in built.stderr.splitlines() if line.startswith(("  warning", "  avertissement"))]
        assert built.returncode == 0 and not (pdf_warnings if study_warnings else built.stderr), built.stderr[-4000:]
        done.write_text("ok", encoding="utf-8")
    return out
