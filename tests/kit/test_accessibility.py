"""Issue 13.2: every PDF of the shipped kit is accessible as far as a machine can tell.

`pdfua check` (the PyPI package pdfua: the machine-checkable subset of PDF/UA-1 and WCAG 2.1)
finds no error; table headers carry their scope; the fonts printed are the ones the CSS chose,
never a fallback filling in for a missing glyph.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from toolkit.kit.pdf import _struct_elements

# the fonts the CSS names (templates/css/base.css): Open Sans for text, DejaVu Sans Mono for file names;
# the charts ask for DejaVu Sans for the symbols Open Sans lacks (toolkit/synthesis/charts.py)
CHOSEN_FONTS = ("Open-Sans", "DejaVu-Sans-Mono")
CHART_SYMBOLS = set("↑↓↻✚◦ ")


def every_pdf(kit: Path) -> list[Path]:
    return sorted(kit.rglob("*.pdf"))


def for_the_press(path: Path) -> bool:
    """The print-shop decks are PDF/X-4, which WeasyPrint cannot also tag (PDF/UA): they are files for a
    printing press, not for readers, and every card of them is in the tagged home-printer decks too."""
    with pikepdf.open(path) as pdf:
        return "GTS_PDFXVersion" in str(pdf.open_metadata())


def test_the_press_files_have_tagged_twins(shipped_kit: Path):
    press = [path for path in every_pdf(shipped_kit) if for_the_press(path)]
    assert press, "the print-shop decks are PDF/X"
    for path in press:
        assert [p for p in path.parent.glob("*.pdf") if p != path and not for_the_press(p)]


@pytest.mark.parametrize("edition", ["shipped_kit", "shipped_kit_en", "shipped_editions"])
def test_pdfua_finds_no_error_in_any_pdf_of_any_edition(edition: str, request):
    """The French and English kits, the large-print and easy-to-read booklets: every PDF a reader gets."""
    kit = request.getfixturevalue(edition)
    pdfs = [path for path in every_pdf(kit) if not for_the_press(path)]
    assert len(pdfs) > (1 if edition == "shipped_editions" else 30)
    checked = subprocess.run([sys.executable, "-m", "pdfua", "check", "--min-severity", "error",
                              *map(str, pdfs)], capture_output=True, text=True, timeout=900)
    errors = [line for line in checked.stdout.splitlines() if "[ERROR]" in line or "result: ERROR" in line]
    assert checked.returncode != 3 and not errors, checked.stdout[-4000:]


@pytest.mark.parametrize("edition", ["shipped_kit", "shipped_kit_en", "shipped_editions"])
def test_every_table_header_has_a_scope(edition: str, request):
    """Column headers in a table head, row headers in the body: the position the templates use."""
    missing = Counter()
    for path in every_pdf(request.getfixturevalue(edition)):
        with pikepdf.open(path) as pdf:
            root = pdf.Root.get("/StructTreeRoot")
            if root is None:
                continue
            for element in _struct_elements(root.get("/K")):
                if element.get("/S") == pikepdf.Name.TH and "/Scope" not in element.get("/A", {}):
                    missing[path.name] += 1
    assert not missing, missing


SAMPLED = [("shipped_kit", name) for name in (
    "livret-participant.pdf", "guide-animation.pdf", "journee-complete/guide-animation-atelier.pdf",
    "journee-complete/dossier-table-a.pdf", "journee-complete/affiches.pdf", "journee-complete/cartes-a-plier.pdf",
    "journee-complete/synthese/rapport-synthese.pdf")] + [("shipped_kit_en", name) for name in (
    "participant-booklet.pdf", "journee-complete/group-pack-table-a.pdf", "journee-complete/posters.pdf",
    "journee-complete/report/synthesis-report.pdf")] + [("shipped_editions", name) for name in (
    "fr-gros-caracteres/livret-participant-gros-caracteres.pdf",
    "fr-facile-a-lire/livret-participant-facile-a-lire.pdf")]


@pytest.mark.parametrize(("edition", "name"), SAMPLED)
def test_no_glyph_comes_from_a_fallback_font(edition: str, name: str, request):
    """A character the chosen font lacks is printed by another one (DejaVu): list them, there must be none
    but the charts' symbols."""
    fallback = Counter()
    with pdfplumber.open(request.getfixturevalue(edition) / name) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                font = char["fontname"].split("+")[-1]
                if not font.startswith(CHOSEN_FONTS) and not (font == "DejaVu-Sans" and char["text"] in CHART_SYMBOLS):
                    fallback[(font, char["text"])] += 1
    assert not fallback, fallback.most_common(20)


@pytest.mark.parametrize("edition", ["shipped_kit", "shipped_kit_en", "shipped_editions"])
def test_the_workshop_documents_print_only_chosen_fonts(edition: str, request):
    """Every PDF of the kit, by its font list: no font but Open Sans and DejaVu (no system fallback such as
    Liberation or Noto); which characters DejaVu prints is checked above, glyph by glyph."""
    foreign = {}
    shipped_kit = request.getfixturevalue(edition)
    for path in every_pdf(shipped_kit):
        with pikepdf.open(path) as pdf:  # every font object, pages' and drawings' (SVG) alike
            names = {str(obj.get("/BaseFont", "")).split("+")[-1] for obj in pdf.objects
                     if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font}
        others = sorted(name for name in names
                        if name and not name.lstrip("/").startswith((*CHOSEN_FONTS, "DejaVu-Sans")))
        if others:
            foreign[str(path.relative_to(shipped_kit))] = others
    assert not foreign, foreign
