"""Issue 14.1: the workshop card decks are laid out without flex inside the cards (fixed-size boxes in
block layout: WeasyPrint spent most of a deck's time in the flex layout of the absolutely placed
cards), and with nothing to squeeze a long card's text no more: every front's text ends inside its
trim, on the home-printer sheets (absolutely placed cards) and in the print-shop edition (a page a card)."""

from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from tests.helpers import WORKSHOP, descendants
from toolkit.kit.pdf import make_fetcher
from toolkit.kit.plan import plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import render_document, workshop_documents
from toolkit.paths import TEMPLATE_ASSETS
from toolkit.study.load import load_study

PX_MM = 25.4 / 96
ROOM_MM = 1.0  # what the sheets' card_overflows allows: text 1 mm inside the trim, body padding in the bleed


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, list]:
    """Mode -> WeasyPrint pages of the fixture workshop's decks, in every print mode."""
    study = load_study(WORKSHOP)
    out = tmp_path_factory.mktemp("deck-layout")
    edition = Edition(study, "fr")
    plan = plan_kit(study, "fr", out, edition.gettext, [w for w in study.workshops if w.id == "atelier"])
    fetcher = make_fetcher([d / TEMPLATE_ASSETS for d in edition.dirs])
    pages = {}
    for item in workshop_documents(plan.workshops[0]):
        artefact = item.planned.artefact.id
        if artefact not in {"card-decks", "print-shop-decks"}:
            continue
        mode = "press" if artefact == "print-shop-decks" else item.planned.context["mode"]
        html = render_document(edition, plan, item)
        pages[mode] = HTML(string=html, base_url=Path(out).as_uri() + "/", url_fetcher=fetcher).render().pages
    assert set(pages) == {"long-edge", "short-edge", "fold", "press"}
    return pages


def _cards(page):
    for box in descendants(page._page_box):
        if box.element is not None and box.element_tag in {"article", "section"} \
                and "deck-card" in (box.element.get("class") or "").split():
            yield box


@pytest.mark.parametrize("mode", ["long-edge", "short-edge", "fold", "press"])
def test_deck_cards_have_no_flex_layout(decks, mode: str):
    cards = [card for page in decks[mode] for card in _cards(page)]
    assert cards
    for card in cards:
        assert not isinstance(card, boxes.FlexContainerBox), card.element.get("data-code")
        assert not any(isinstance(box, boxes.FlexContainerBox) for box in descendants(card)), \
            card.element.get("data-code")


@pytest.mark.parametrize("mode", ["long-edge", "short-edge", "fold", "press"])
def test_deck_fronts_keep_their_text_inside_the_trim(decks, mode: str):
    """The card's content box is its trim: on the sheets the card's padding is its bleed, in the
    print-shop edition the page is the card. Text less than 1 mm inside the trim is refused."""
    fronts = 0
    for page in decks[mode]:
        for card in _cards(page):
            if "front" not in card.element.get("class").split():
                continue
            fronts += 1
            trim_bottom = card.content_box_y() + card.height
            lowest = max(line.position_y + line.height for line in descendants(card)
                         if isinstance(line, boxes.LineBox))
            room = (trim_bottom - lowest) * PX_MM
            assert room >= ROOM_MM, f"{card.element.get('data-code')}: text {room:.1f} mm from the trim"
    assert fronts
