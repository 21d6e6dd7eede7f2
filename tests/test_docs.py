"""The documentation's examples are what they say they are: every ```yaml block of docs/*.md and README.md parses."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.helpers import ROOT

BLOCK = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)
PAGES = sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md"])


def yaml_blocks() -> list[tuple[str, int, str]]:
    """(page, line of the block's first line, text) for every YAML block."""
    blocks = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            blocks.append((page.relative_to(ROOT).as_posix(), text.count("\n", 0, match.start(1)) + 1,
                           match.group(1)))
    return blocks


def test_the_pages_have_yaml_examples():
    assert any(page == "docs/workshops.md" for page, _line, _text in yaml_blocks())


@pytest.mark.parametrize(("page", "line", "text"), yaml_blocks(), ids=lambda value: str(value)[:40])
def test_every_yaml_example_parses(page: str, line: int, text: str):
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as error:
        pytest.fail(f"{page}:{line}: the example is not valid YAML: {error}")
