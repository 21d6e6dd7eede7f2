"""Capture sheets: one description per method, seen from the sheet, the guide and the packs.

The grid is checked twice: as numbers (toolkit.kit.sheets, every capture of the library on
every paper) and on the printed PDFs of two studies of different domains (the workshop
fixture and tests/fixtures/petite-enfance-2035): row pitch, page filled, codes in the footer,
and the guide naming exactly the sheets the packs hold.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pdfplumber
import pytest

from tests.helpers import FIXTURES, MM, SHIPPED, WORKSHOP, normalise, pdf_pages
from toolkit.kit.layout import PAPER_SIZES
from toolkit.kit.sheets import MIN_ROW_MM, PAGE_MARGINS_MM, capture_grid, capture_pages
from toolkit.study.load import load_study

STUDIES = {"workshop": (WORKSHOP, "atelier"), "petite-enfance": (FIXTURES / "petite-enfance-2035", None)}
CODE = re.compile(r"\b(F\d+) · ([^\n]+?)\s*(?:page|\n|$)")


@pytest.fixture(scope="module", params=sorted(STUDIES))
def built(request):
    """(study, workshop, kit folder) for each study, from the session's builds of their kits (read only)."""
    folder, workshop_id = STUDIES[request.param]
    study = load_study(folder)
    workshop = next(w for w in study.workshops if workshop_id in (None, w.id))
    kit = request.getfixturevalue("workshop_kit" if folder == WORKSHOP else "other_domain_kit")
    return study, workshop, kit / workshop.id


def _pack(kit: Path, group) -> Path:
    return kit / f"dossier-{group.id}.pdf"  # the French file name of a group pack is dossier-<group id>


# --- as numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_every_capture_of_the_library_is_made_for_handwriting(paper: str):
    study = load_study(SHIPPED)
    named = {"professions": [p.name for p in study.meta.professions], "scenarios": [s.title for s in study.scenarios],
             "actors": [a.name for a in study.meta.actors]}
    width = PAPER_SIZES[paper][0] - PAGE_MARGINS_MM[2] - PAGE_MARGINS_MM[3]
    for method in study.methods.values():
        for capture in method.data.capture:
            grid = capture_grid(capture, named.get(str(capture.rows)), study.scenarios, paper)
            assert grid.row_height >= MIN_ROW_MM, (method.id, grid.row_height)
            label = 46 if grid.rows_by else 8
            fixed = [column.width for column in grid.columns if column.width is not None]
            mains = [column for column in grid.columns if column.width is None]
            if mains:  # the main answer takes what the others leave: the widest column
                main = (width - label - sum(fixed)) / len(mains)
                assert all(main > other for other in [*fixed, label]), (method.id, main, fixed)
            else:  # counts only (the vote): the boxes and the row names fit the width
                assert label + sum(fixed) <= width, method.id
            if not grid.rows_by:  # free lines: as many as fill the page, never fewer than the method asks
                assert len(grid.rows) >= capture.rows, method.id


# --- on paper --------------------------------------------------------------------------------


def test_the_guide_names_exactly_the_sheets_every_pack_holds(built):
    _, workshop, kit = built
    guide = normalise(" ".join(pdf_pages(kit / "guide-animation-atelier.pdf")))
    named = set(re.findall(r"fiche (F\d+) «", guide))
    assert named == {sheet.code for sheet in workshop.capture_sheets}
    for group in workshop.data.groups:
        codes = _footer_codes(_pack(kit, group))
        assert {code for code, _ in codes} == named, group.id
        assert {name for _, name in codes} == {group.name.get("fr")}, group.id  # the code names the table


def test_capture_rows_are_at_least_15_mm_and_fill_the_page(built):
    study, workshop, kit = built
    group = workshop.data.groups[0]
    expected = capture_pages(study, workshop, group)
    with pdfplumber.open(_pack(kit, group)) as pdf:
        pages = [page for page in pdf.pages if CODE.search(page.extract_text() or "")]
        assert len(pages) == len(expected)
        for page, planned in zip(pages, expected, strict=True):
            lines = _row_lines(page)
            pitches = [round(b - a, 1) for a, b in itertools.pairwise(lines)]
            rows = [pitch for pitch in pitches if pitch >= MIN_ROW_MM - 0.3]
            where = f"{planned.sheet.code} page {page.page_number}"
            assert len(rows) >= len(planned.grid.rows), (where, pitches)
            bottom_of_content = page.height / MM - PAGE_MARGINS_MM[1]
            assert lines[-1] >= 0.75 * bottom_of_content, (where, lines[-1])  # no empty third of a page


def test_participant_sheets_carry_no_results_key(built):
    """The keys are for the typist's guide; the sheets print the method's labels."""
    _, workshop, kit = built
    text = normalise(" ".join(pdf_pages(_pack(kit, workshop.data.groups[0]))))
    for key in ("probability", "desirability", "grows", "shrinks", "transforms", "appears", "works", "fails",
                "territory", "owner", "groups.", "results/"):
        assert key not in text, key


def _footer_codes(path: Path) -> set[tuple[str, str]]:
    return {(m.group(1), m.group(2).strip()) for page in pdf_pages(path) for m in CODE.finditer(page)}


def _row_lines(page) -> list[float]:
    """The tops, in mm, of the horizontal rules that cross most of the page: the grid's row lines.

    Each cell draws its own border, so the rules at one height are added up before they are
    compared with the page's width; tick boxes are too short to count.
    """
    widths: dict[float, float] = {}
    for edge in page.edges:
        if edge["orientation"] == "h":
            top = round(edge["top"] / MM * 2) / 2
            widths[top] = widths.get(top, 0.0) + (edge["x1"] - edge["x0"])
    tops = sorted(top for top, width in widths.items() if width >= 0.6 * page.width)
    lines: list[float] = []
    for top in tops:
        if not lines or top - lines[-1] > 1.0:
            lines.append(top)
    return lines
