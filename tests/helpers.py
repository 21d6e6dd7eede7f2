"""What the tests share: fixture paths, writable copies and edits of a study, the CLI, located problems, PDF text.

Plain functions and constants, imported as `from tests.helpers import ...`; the pytest fixtures
built on them are in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.study.load import load_study

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"  # the small study: three scenarios, two drivers
REVIEW = FIXTURES / "review"  # the mini study with full narratives and one incompatible pair: no review warning
WORKSHOP = FIXTURES / "workshop"  # the mini study with workshops/atelier.yaml and results/atelier.yaml
OTHER_DOMAIN = FIXTURES / "petite-enfance-2035"  # a study of early childhood, not social work (issue 10)
CSV = FIXTURES / "csv"  # ratings files for `prospective import`
SHIPPED = ROOT / "scenarios" / "metiers-du-social-2040"
MM = 72 / 25.4  # PDF points in a millimetre


# --- studies on disk ------------------------------------------------------------------------


def copy_fixture(name: str, folder: Path) -> Path:
    """A writable copy of tests/fixtures/<name> at folder/<name>."""
    target = folder / name
    shutil.copytree(FIXTURES / name, target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


NARRATIVE = "  Les plateformes gèrent **tout**.\n"  # the last line of the narrative of mini's plateformes.yaml


def with_narrative(mini: Path, extra: str) -> None:
    """Add a line of text at the end of the narrative of the mini study's plateformes.yaml (line 10)."""
    edit(mini / "scenarios/plateformes.yaml", NARRATIVE, NARRATIVE + "  " + extra + "\n")


# --- the command line -------------------------------------------------------------------------


def run(*args: str):
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, list(args), prog_name="prospective", catch_exceptions=False)


# --- located problems -------------------------------------------------------------------------


def located(problem, folder: Path) -> str:
    """`relative/path:line:col: message`, relative to the study folder; warnings marked `warning: `, hints left out."""
    location = problem.location
    relative = location.file.relative_to(folder.resolve())
    severity = "" if problem.severity == "error" else f"{problem.severity}: "
    return f"{relative}:{location.line}:{location.column}: {severity}{problem.message}"


def problems_of(folder: Path, review: bool = False) -> list[str]:
    """The study does not load: every problem, located, in file order."""
    with pytest.raises(InputError) as caught:
        load_study(folder, review=review)
    return [located(problem, folder) for problem in caught.value.problems.sorted()]


def warnings_of(folder: Path, review: bool = False) -> list[str]:
    """The study loads: its warnings, each with a hint, located (without the `warning: ` mark), in file order."""
    study = load_study(folder, review=review)
    assert all(w.severity == "warning" and w.hint for w in study.warnings)
    ordered = sorted(study.warnings, key=lambda w: (w.sort_key, w.message))
    return [located(w, folder).replace(": warning: ", ": ", 1) for w in ordered]


# --- PDF and HTML output ----------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


# PDFium's text marks a word broken at the end of a line with U+FFFE and joins its halves; pypdf, which the
# tests read with before (25 times slower), printed the hyphen and the line break: so do we.
PDFIUM_TEXT = str.maketrans({"\ufffe": "-\n"})


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, in reading order, as PDFium extracts it (lines end with a newline)."""
    return _each_page(path, _page_text)


def _each_page(path: Path, read):
    """`read(page)` for each page of the PDF, the document closed after."""
    document = pdfium.PdfDocument(path)
    try:
        return [read(document[index]) for index in range(len(document))]
    finally:
        document.close()


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range().replace("\r\n", "\n").translate(PDFIUM_TEXT)
    finally:
        textpage.close()
        page.close()


@dataclass(frozen=True)
class Char:
    """A character as printed: its font and size in points, its box in points from the page's top left (its
    advance width, from the font's descent up a font size: as pdfplumber measured, which the tests used before)."""

    text: str
    font: str
    size: float
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool


@dataclass(frozen=True)
class PrintedPage:
    width: float  # points
    height: float
    chars: list[Char]


def pdf_chars(path: Path) -> list[PrintedPage]:
    """Every character of every page, with its font, size and box (PDFium: fifteen times faster than pdfplumber)."""
    return _each_page(path, _page_chars)


@dataclass(frozen=True)
class Word:
    text: str
    size: float  # points, the size of all its characters


def pdf_words(path: Path) -> list[list[Word]]:
    """The words of each page: printed characters between spaces, on one line, of one size (as pdfplumber's
    `extract_words(extra_attrs=["size"])`, which the tests used before)."""
    pages = []
    for page in pdf_chars(path):
        words, current = [], []
        for char in page.chars:
            ends = current and (char.size != current[-1].size or abs(char.bottom - current[-1].bottom) > 1
                                or char.x0 < current[-1].x0)
            if char.text.isspace() or ends:
                if current:
                    words.append(Word("".join(c.text for c in current), current[0].size))
                current = []
            if not char.text.isspace():
                current.append(char)
        if current:
            words.append(Word("".join(c.text for c in current), current[0].size))
        pages.append(words)
    return pages


def _page_chars(page) -> PrintedPage:
    import ctypes
    import math

    import pypdfium2.raw as raw

    height = page.get_height()
    textpage = page.get_textpage()
    matrix, box, name, flags = raw.FS_MATRIX(), raw.FS_RECTF(), ctypes.create_string_buffer(256), ctypes.c_int()
    chars = []
    try:
        for index in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage.raw, index) == 1:
                continue  # a space or line break PDFium infers: not printed
            code = raw.FPDFText_GetUnicode(textpage.raw, index)
            raw.FPDFText_GetLooseCharBox(textpage.raw, index, ctypes.byref(box))
            raw.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix))
            raw.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), ctypes.byref(flags))
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            size = raw.FPDFText_GetFontSize(textpage.raw, index) * scale
            bottom = height - box.bottom  # from the font's descent; the top is a font size above (as pdfplumber)
            hyphen = code in (0x02, 0xFFFE) or raw.FPDFText_IsHyphen(textpage.raw, index) == 1  # PDFium's mark
            chars.append(Char("-" if hyphen else chr(code), name.value.decode(errors="replace"), size,
                              box.left, box.right, bottom - size, bottom, matrix.b == 0 and matrix.c == 0))
    finally:
        textpage.close()
    printed = PrintedPage(page.get_width(), height, chars)
    page.close()
    return printed


def box_mm(box) -> list[float]:
    return [round(float(value) / MM, 1) for value in box]


# What toolkit.kit.typography sets in a document, folded back to what a study's text is typed with.
TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u00a0": " ", "\u202f": " "})


def normalise(text: str) -> str:
    """Fold the no-break spaces and typographic apostrophes of a document into what was typed."""
    return " ".join(text.translate(TYPOGRAPHY).split())


def squash(text: str) -> str:
    """Text without spaces or hyphens, apostrophes typed straight: to compare across line breaks and hyphenation."""
    return "".join(ch for ch in text.translate(TYPOGRAPHY) if not ch.isspace() and ch not in "-\u00ad\u2010")


def card_overflows(cards_html: Path, selector: str = "card") -> list[str]:
    """Cards whose content runs past the card's trim, found from WeasyPrint's own layout."""
    from weasyprint import HTML

    document = HTML(filename=str(cards_html)).render()
    problems = []
    for page in document.pages:
        for card in _boxes_with_class(page._page_box, selector):
            bottom = card.position_y + card.margin_height()
            for box in descendants(card):
                box_bottom = box.position_y + box.margin_height()
                if box_bottom > bottom + 0.5:
                    problems.append(f"{card.element.get('class')}: content ends {box_bottom - bottom:.1f}px too low")
                    break
    return problems


def descendants(box):
    """Every box under `box` in WeasyPrint's layout, depth first."""
    for child in getattr(box, "children", []):
        yield child
        yield from descendants(child)


def _boxes_with_class(box, name: str):
    for child in descendants(box):
        element = child.element
        if element is not None and child.element_tag == "article" and name in (element.get("class") or "").split():
            yield child


@contextlib.contextmanager
def umask(value: int):
    """The process umask set to `value` for the block."""
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)
