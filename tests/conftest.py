"""Shared fixtures: small studies built in temporary folders, and PDF helpers."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from toolkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SHIPPED = ROOT / "scenarios" / "metiers-du-social-2040"
MM = 72 / 25.4


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture study."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run(*args: str):
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, list(args), prog_name="prospective", catch_exceptions=False)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def box_mm(box) -> list[float]:
    return [round(float(value) / MM, 1) for value in box]


def normalise(text: str) -> str:
    """Fold the no-break spaces and hyphenation PDF text extraction leaves in."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


