"""What the tests share: fixture paths, writable copies and edits of a study, the CLI, located problems, PDF text.

Plain functions and constants, imported as `from tests.helpers import ...`; the pytest fixtures
built on them are in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import textwrap
from pathlib import Path

import pypdf
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
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


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
            for box in _descendants(card):
                box_bottom = box.position_y + box.margin_height()
                if box_bottom > bottom + 0.5:
                    problems.append(f"{card.element.get('class')}: content ends {box_bottom - bottom:.1f}px too low")
                    break
    return problems


def _descendants(box):
    for child in getattr(box, "children", []):
        yield child
        yield from _descendants(child)


def _boxes_with_class(box, name: str):
    for child in _descendants(box):
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
