"""Shared fixtures: small studies built in temporary folders, and PDF helpers."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from toolkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SHIPPED = ROOT / "scenarios" / "metiers-du-social-2040"
MM = 72 / 25.4


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture study."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run(*args: str):
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, list(args), prog_name="prospective", catch_exceptions=False)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def box_mm(box) -> list[float]:
    return [round(float(value) / MM, 1) for value in box]


def normalise(text: str) -> str:
    """Fold the no-break spaces and hyphenation PDF text extraction leaves in."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())




def squash(text: str) -> str:
    """Text without spaces or hyphens, to compare across line breaks and hyphenation."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-\u00ad\u2010")


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
