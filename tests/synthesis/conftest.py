"""Fixtures of the synthesis tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import CSV, copy_fixture
from tests.synthesis.plans import capturing_everything


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the workshop study and of the CSV files, run from their folder (short paths in messages).

    Its agenda captures every section its results hold (tests/synthesis/plans.py).
    """
    capturing_everything(copy_fixture("workshop", tmp_path))
    for csv_file in CSV.glob("*.csv"):
        shutil.copy(csv_file, tmp_path / csv_file.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
