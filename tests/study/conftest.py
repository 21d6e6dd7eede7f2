"""Fixtures of the study tests."""

from __future__ import annotations

import pytest

from toolkit.language import configure


@pytest.fixture
def french(monkeypatch):
    """Messages in French for the test (the CLI resets `configure` after each run: the environment stays)."""
    monkeypatch.setenv("PROSPECTIVE_LANG", "fr")
    configure("fr")
    try:
        yield
    finally:
        configure(None)
