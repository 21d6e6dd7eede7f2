"""Issue 13.2: every PDF of the shipped kit is accessible as far as a machine can tell.

`pdfua check` (the PyPI package pdfua: the machine-checkable subset of PDF/UA-1 and WCAG 2.1)
finds no error; table headers carry their scope; the fonts printed are the ones the CSS chose,
never a fallback filling in for a missing glyph.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

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


@cache
def printed_characters(path: Path) -> dict[str, set[str]]:
    """The characters each font of a PDF prints, by font name (the subset prefix left out).

    WeasyPrint embeds a subset of each font holding exactly the glyphs the document prints, with a
    ToUnicode map from each glyph to its characters: the map lists what that font printed. (Reading
    every character's font with pdfplumber said the same, a hundred times slower.)
    """
    printed: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
                    and "/ToUnicode" in obj):
                continue
            name = str(obj.get("/BaseFont", "")).split("+")[-1]
            cmap = obj.ToUnicode.read_bytes().decode("latin-1")
            characters = printed.setdefault(name, set())
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                characters.update(bytes.fromhex(target).decode("utf-16-be")
                                  for target in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block))
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for low, high, first in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    start = ord(bytes.fromhex(first).decode("utf-16-be")[-1])
                    characters.update(chr(start + step) for step in range(int(high, 16) - int(low, 16) + 1))
    return printed


@pytest.mark.parametrize("edition", ["shipped_kit", "shipped_kit_en", "shipped_editions"])
def test_no_glyph_comes_from_a_fallback_font(edition: str, request):
    """A character the chosen font lacks is printed by another one (DejaVu): list them, there must be none
    but the charts' symbols, in any PDF of the kit."""
    kit = request.getfixturevalue(edition)
    fallback = {}
    for path in every_pdf(kit):
        for font, characters in printed_characters(path).items():
            foreign = characters - CHART_SYMBOLS if font == "DejaVu-Sans" else set()
            if not font.startswith(CHOSEN_FONTS) and (foreign or font != "DejaVu-Sans"):
                fallback[(str(path.relative_to(kit)), font)] = "".join(sorted(foreign or characters))[:40]
    assert not fallback, fallback


def test_the_fallback_check_reads_what_each_font_prints(shipped_kit: Path):
    """The check above sees the charts' symbols in DejaVu and the text in Open Sans: it reads real fonts."""
    report = printed_characters(shipped_kit / "journee-complete" / "synthese" / "rapport-synthese.pdf")
    assert set("↑↓") <= report["DejaVu-Sans"] <= CHART_SYMBOLS
    assert set("Synthèse") <= report["Open-Sans-Bold"] | report["Open-Sans"]


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
