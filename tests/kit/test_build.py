"""Stages 3 to 6 on the small fixture: real PDFs, checked from their content."""

import os
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from tests.helpers import MINI, MM, box_mm, card_overflows, descendants, normalise, pdf_pages, pdf_text
from toolkit.errors import BuildError
from toolkit.kit.build import build_kit
from toolkit.kit.layout import BLEED, CARD_HEIGHT, CARD_PAPER_WEIGHT, CARD_WIDTH, PAPER_SIZES, card_sheet
from toolkit.study.load import load_study

PX = 96 / 25.4  # CSS pixels in a millimetre


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = build_kit(load_study(MINI), "fr", out)
    assert report.warnings == []
    return out / "mini" / "fr"


def test_the_kit_holds_three_pdfs_their_html_and_an_index(kit: Path):
    names = sorted(path.name for path in kit.iterdir())
    assert names == [
        "cartes-scenarios.html", "cartes-scenarios.pdf", "guide-animation.html", "guide-animation.pdf",
        "index.html", "livret-participant.html", "livret-participant.pdf"]
    index = (kit / "index.html").read_text()
    for name in ("guide-animation.pdf", "livret-participant.pdf", "cartes-scenarios.pdf"):
        assert f'href="{name}"' in index


def test_booklet_has_every_scenario_and_page_numbers(kit: Path):
    pages = pdf_pages(kit / "livret-participant.pdf")
    text = normalise("\n".join(pages))
    for title in ("Si rien ne change", "Le social en plateformes", "Les communs territoriaux"):
        assert title in text
    assert "Sommaire" in text
    for number, page in enumerate(pages[1:], start=2):  # the cover has no folio
        assert f"page {number} / {len(pages)}" in normalise(page)
    assert "page 1 /" not in normalise(pages[0])


def test_table_of_contents_gives_real_page_numbers(kit: Path):
    pages = [normalise(page) for page in pdf_pages(kit / "livret-participant.pdf")]
    toc = pages[1]
    chapter = next(i for i, page in enumerate(pages, start=1)
                   if page.startswith("SCÉNARIO 1 Le social en plateformes"))
    assert toc.split("Le social en plateformes")[1].strip(" .").split()[0] == str(chapter)


def test_citations_and_assumptions_are_rendered(kit: Path):
    text = normalise(pdf_text(kit / "livret-participant.pdf"))
    assert "des postes (IFT, 2024)" in text
    assert "40 % hypothèse" in text
    assert "Institut fictif des tests, Rapport de test, 2024." in text


def test_guide_has_the_baseline_comparison(kit: Path):
    reader = pypdf.PdfReader(kit / "guide-animation.pdf")
    pages = [normalise(page.extract_text()) for page in reader.pages]
    [comparison] = [i for i, page in enumerate(pages) if page.startswith("Comparaison avec la référence")
                    or "Comparaison avec la référence Chaque scénario" in page]
    page = pages[comparison]
    assert "≠ Plateformes algorithmiques" in page
    assert "≠ Société adaptée au grand âge" in page
    assert "≠ Numérique de proximité" in page
    assert "Variables modifiées 0 / 2 1 / 2 2 / 2" in page
    # the comparison is a landscape page, the others portrait A4
    width, height = box_mm(reader.pages[comparison].mediabox)[2:]
    assert (width, height) == (297.0, 210.0)
    assert box_mm(reader.pages[0].mediabox)[2:] == [210.0, 297.0]


def test_pdf_metadata_and_tags(kit: Path):
    reader = pypdf.PdfReader(kit / "livret-participant.pdf")
    assert reader.metadata.title == "Livret participant · Petite étude de test"
    assert reader.metadata.author == "Équipe de test"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root  # tagged PDF for screen readers
    assert root["/MarkInfo"]["/Marked"]


def card_trims(cards_html: Path) -> list[tuple[float, ...]]:
    """The trim box (x, y, width, height, in mm) of every scenario card, from WeasyPrint's own layout:
    its content box, the card being drawn with its bleed as padding all round."""
    from weasyprint import HTML

    document = HTML(filename=str(cards_html)).render()
    trims = []
    for page in document.pages:
        for box in descendants(page._page_box):
            if box.element_tag == "article" and "card" in (box.element.get("class") or "").split():
                assert [box.padding_top, box.padding_right, box.padding_bottom, box.padding_left] == \
                    pytest.approx([BLEED * PX] * 4, abs=0.01)
                trims.append(tuple(round(value / PX, 2) for value in (
                    box.content_box_x(), box.content_box_y(), box.width, box.height)))
    return trims


def test_card_sheet_is_the_paper_with_the_decks_card_geometry(kit: Path):
    """The workshop decks' geometry (toolkit.kit.layout): the page is the A4 paper itself, with no sheet
    bleed and no corner crop marks; each 88 x 125 mm card has its own 3 mm bleed, the sheet its own cut marks."""
    reader = pypdf.PdfReader(kit / "cartes-scenarios.pdf")
    assert len(reader.pages) == 1  # three cards fit on one sheet
    page = reader.pages[0]
    paper = [0.0, 0.0, *PAPER_SIZES["A4"]]
    assert box_mm(page.mediabox) == box_mm(page.trimbox) == box_mm(page.bleedbox) == paper
    text = normalise(page.extract_text())
    assert "Le social en plateformes" in text
    assert "Qui décide ?" in text  # the card asks the first debate question
    assert f"Scénario · recto seul · cartes de 88 × 125 mm, sur papier de {CARD_PAPER_WEIGHT}" in text
    sheet = card_sheet("A4", "long-edge")
    with pdfplumber.open(kit / "cartes-scenarios.pdf") as pdf:  # every thin line is one of the sheet's cut marks
        lines = sorted(tuple(round(rect[key] / MM, 1) for key in ("x0", "top", "x1", "bottom"))
                       for rect in pdf.pages[0].rects if min(rect["width"], rect["height"]) < 0.3 * MM)
    assert lines == sorted((round(m.box.x, 1), round(m.box.y, 1), round(m.box.x + max(m.box.width, 0.1), 1),
                            round(m.box.y + max(m.box.height, 0.1), 1)) for m in sheet.marks)


def test_cards_are_88_by_125_mm_where_the_layout_puts_them(kit: Path):
    assert (CARD_WIDTH, CARD_HEIGHT) == (88.0, 125.0)
    slots = card_sheet("A4", "long-edge").slots
    expected = [(round(s.front.x, 2), round(s.front.y, 2), CARD_WIDTH, CARD_HEIGHT) for s in slots[:3]]
    assert card_trims(kit / "cartes-scenarios.html") == expected


def test_cards_stay_inside_their_trim(kit: Path):
    """No text past the drawn card: its body keeps 6 mm under the text, so the text stays 3 mm inside the trim."""
    assert card_overflows(kit / "cartes-scenarios.html") == []


def test_a_failed_build_keeps_the_previous_kit(mini: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_kit(load_study(mini), "fr", out)
    before = {p.name: p.read_bytes() for p in (out / "mini" / "fr").iterdir()}
    (mini / "templates").mkdir()
    (mini / "templates" / "cards.html.j2").write_text("{{ no_such_variable }}")
    with pytest.raises(Exception):  # noqa: B017 - the template error itself
        build_kit(load_study(mini), "fr", out)
    after = {p.name: p.read_bytes() for p in (out / "mini" / "fr").iterdir()}
    assert after == before
    left = sorted(p.name for p in (out / "mini").iterdir())
    assert left == [".fr.builds.json", ".fr.lock", "fr"]  # no staging left behind


def test_the_kit_is_locked_by_a_file_beside_it_that_names_the_last_builder(mini: Path, tmp_path: Path):
    """The lock file stays (removing it would let two builds lock two different files)."""
    build_kit(load_study(mini), "fr", tmp_path)
    assert (tmp_path / "mini" / ".fr.lock").read_text() == f"{os.getpid()}\n"
    build_kit(load_study(mini), "fr", tmp_path)  # the lock is released once a build ends


def test_a_study_template_overrides_the_project_one(mini: Path, tmp_path: Path):
    (mini / "templates").mkdir()
    (mini / "templates" / "index.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block title %}x{% endblock %}'
        "{% block body %}<p>Index maison : {{ study.meta.title|t }}</p>{% endblock %}")
    build_kit(load_study(mini), "fr", tmp_path)
    assert "Index maison" in (tmp_path / "mini" / "fr" / "index.html").read_text()


def test_refused_url_in_a_template_fails_the_build(mini: Path, tmp_path: Path):
    (mini / "templates").mkdir()
    (mini / "templates" / "cards.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<img src="file:///etc/passwd" alt="x">{% endblock %}')
    with pytest.raises(BuildError) as caught:
        build_kit(load_study(mini), "fr", tmp_path)
    assert "refused to load file:///etc/passwd" in str(caught.value)
    assert "cartes-scenarios.pdf" in str(caught.value)
