"""Scenario text is untrusted: URLs that could read files or reach the network are refused by `check`."""

from pathlib import Path

import pytest

from tests.helpers import problems_of, with_narrative


@pytest.mark.parametrize(("markdown", "reason"), [
    ("![mot de passe](file:///etc/passwd)", "only relative paths to the study's assets are allowed"),
    ("![photo](http://example.org/photo.png)", "only relative paths to the study's assets are allowed"),
    ("![photo](/etc/passwd)", "only relative paths to the study's assets are allowed"),
    ("![photo](assets/../../../../etc/passwd)", "the file is outside the study's assets/ folder"),
    ("![photo](data:image/png;base64,AAAA)", "only relative paths to the study's assets are allowed"),
    ("[lien](file:///etc/passwd)", "links may only be http(s), mailto or #anchors"),
])
def test_unsafe_urls_are_rejected_with_their_location(mini: Path, markdown: str, reason: str):
    with_narrative(mini, markdown)
    url = markdown.split("](")[1].rstrip(")")
    column = 3 + markdown.index(url)
    assert problems_of(mini) == [f"scenarios/plateformes.yaml:10:{column}: refused URL '{url}': {reason}"]


def test_a_symlink_in_assets_cannot_reach_outside(mini: Path):
    (mini / "assets").mkdir()
    (mini / "assets" / "photo.png").symlink_to("/etc/passwd")
    with_narrative(mini, "![photo](assets/photo.png)")
    assert problems_of(mini) == [
        "assets/photo.png:1:1: symbolic links are not allowed in a study folder",
        "scenarios/plateformes.yaml:10:12: refused URL 'assets/photo.png': "
        "the file is outside the study's assets/ folder"]
