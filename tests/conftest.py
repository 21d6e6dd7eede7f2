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
