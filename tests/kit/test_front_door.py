"""Issue 10.5, a front door: every index link resolves, each document has its own title, the workshop
index says what to print and how, and the workshop zip holds everything the print list asks for."""

import html
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.row_titles: list[str] = []
        self.tables: list[list[str]] = []  # the row titles of each table, apart
        self._in_row_title = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])
        if tag == "table":
            self.tables.append([])
        if tag == "th" and values.get("scope") == "row":
            self._in_row_title = True
            self.row_titles.append("")
            if self.tables:
                self.tables[-1].append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_row_title = False

    def handle_data(self, data):
        if self._in_row_title:
            self.row_titles[-1] += data
            if self.tables:
                self.tables[-1][-1] += data


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(out: Path) -> list[str]:
    """Every local link of every index.html under `out` whose target is missing."""
    broken = []
    indexes = sorted(out.rglob("index.html"))
    assert indexes
    for page in indexes:
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:  # web links, mailto:, #anchors
                continue
            if not (page.parent / unquote(parts.path)).exists():
                broken.append(f"{page.relative_to(out)} -> {link}")
    return broken


def duplicate_titles(edition: Path) -> list[str]:
    """Document titles listed twice in one table of the edition index.

    Each workshop has its own table under its own heading: two workshops of a study both have
    a « Dossier de table · Table A », and that is no confusion; two in one table would be.
    """
    duplicates: set[str] = set()
    for table in parse(edition / "index.html").tables:
        titles = [" ".join(title.split()) for title in table]
        duplicates |= {title for title in titles if titles.count(title) > 1}
    return sorted(duplicates)


@pytest.fixture(scope="module")
def edition(workshop_kit: Path) -> Path:
    """The session's build of the workshop fixture (no warning about a PDF): read only."""
    return workshop_kit


def test_every_index_link_resolves(edition: Path):
    assert broken_links(edition) == []
    index = (edition / "index.html").read_text(encoding="utf-8")
    assert 'href="atelier/dossier-table-a.pdf"' in index and 'href="atelier/index.html"' in index


def test_every_document_has_its_own_title(edition: Path):
    assert duplicate_titles(edition) == []
    index = html.unescape(" ".join((edition / "index.html").read_text(encoding="utf-8").split())).replace("’", "'")
    assert "Dossier de table · Table A" in index and "Dossier de table · Table B" in index
    assert "Guide d'animation</th>" in index and "Guide d'animation de l'atelier</th>" in index


def test_the_workshop_index_starts_with_what_to_print(edition: Path):
    page = html.unescape(" ".join((edition / "atelier" / "index.html").read_text(encoding="utf-8").split()))
    start = page.index("Commencez ici")
    assert start < page.index("<h2>Documents</h2>")
    order = page[start:page.index("<h2>Documents</h2>")]
    rows = order.split('<tr data-artefact="')[1:]
    assert [row.split('"')[0] for row in rows] == [
        "calibration", "checklist", "run-of-show", "booklet", "group-pack", "posters", "cards", "card-decks",
        "print-shop-decks"]
    booklet = rows[3]
    assert 'href="../livret-participant.pdf"' in booklet and ">12<" in booklet.replace(" ", "")  # 12 participants
    assert "A4, 80 g/m²" in booklet and "couleur" in booklet and "recto verso, bord long" in booklet.replace(
        "retourner sur le ", "")
    assert "imprimerie" in rows[7] and "traits de coupe" in rows[7] and ": 4" in rows[7]  # 3 tables and a spare
    assert "A3" in rows[5]
    for word in ("study-documents", "run-of-show", "group-pack", "Start here"):  # nothing left in English
        assert word not in order.replace('data-artefact="', "").replace(word + '"', "")


def test_the_zip_holds_everything_to_print(edition: Path):
    with zipfile.ZipFile(edition / "atelier" / "atelier.zip") as archive:
        names = set(archive.namelist())
    assert {"atelier/documents-etude/livret-participant.pdf", "atelier/documents-etude/cartes-scenarios.pdf"} <= names
    page = (edition / "atelier" / "index.html").read_text(encoding="utf-8")
    print_order = page[page.index('id="start-here"'):page.index("</section>", page.index('id="start-here"'))]
    printed = re.findall(r'href="([^"]+\.pdf)"', print_order)
    assert len(printed) >= 10
    for link in printed:
        name = link.removeprefix("../")
        assert (f"atelier/documents-etude/{name}" if link.startswith("../") else f"atelier/{name}") in names, link
    assert not any("synthese" in name or "rapport" in name for name in names)
