"""The logistics of a workshop: materials, copies and card decks, computed from tests/fixtures/workshop/'s plan."""

from pathlib import Path

import pytest

from tests.helpers import SHIPPED, copy_fixture, edit
from toolkit.kit.layout import card_pages, card_sheet
from toolkit.kit.logistics import copies, decks, materials
from toolkit.study.load import load_study


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A writable copy of the workshop fixture study."""
    return copy_fixture("workshop", tmp_path)


def _counts(study, workshop) -> dict[str, tuple[int, int, int]]:
    """Item -> (units needed, packs to buy, of which spare packs)."""
    return {line.item.get("fr"): (line.units, line.quantity, line.reserve) for line in materials(study, workshop, "fr")}


def test_materials_take_the_peak_of_reusable_items_and_add_up_used_up_ones(study_dir: Path):
    study = load_study(study_dir)
    [workshop] = study.workshops
    lines = materials(study, workshop, "fr")
    # 12 participants, 3 groups of 4, 3 scenarios. Agenda: accueil (plenary), et-si-rien-ne-changeait (groups),
    # matrice-metiers (groups), vote-probabilite-desirabilite (plenary, all 3 scenarios), retro-prospective
    # (groups), soufflerie (groups), restitution (plenary).
    # Spares: ceil(10 % of the units), none for equipment (microphones, projector, adhesive putty).
    assert _counts(study, workshop) == {
        "Badges nominatifs": (12, 14, 2),  # 1 x 12, used up; spare ceil(1.2) = 2
        "Feutres de couleur (pochette)": (3, 4, 1),  # soufflerie 1 per group = 3; spare ceil(0.3) = 1
        "Feutres noirs": (12, 14, 2),  # reused: peak of et-si, matrice, retro, soufflerie 12, vote 2 = 12; +2
        "Gommettes bleues (probabilité)": (36, 1, 0),  # 12 x 3 scenarios = 36 dots -> 1 sheet of 40; 36 + 4 = 40: 1
        "Gommettes orange (désirabilité)": (36, 1, 0),  # the same, the other colour
        "Micro sans fil": (2, 2, 0),  # restitution 2, equipment: no spare
        "Minuteur": (3, 4, 1),  # peak of accueil 1, each group activity 3 groups, restitution 1 = 3; +1
        "Paperboard (feuilles)": (4, 5, 1),  # restitution 4, used up; spare ceil(0.4) = 1
        "Post-it": (240, 3, 0),  # 5 x 12 in each of the 4 group activities = 240 notes -> 3 blocks of 100;
        # 264 with the 10 % still fits in 3
        "Pâte adhésive": (1, 1, 0),  # vote 1 packet, no spare
        "Vidéoprojecteur et écran": (1, 1, 0),  # accueil 1, equipment
    }
    assert [line.item.get("fr") for line in lines] == sorted((line.item.get("fr") for line in lines), key=str.lower)
    by_item = {line.item.get("fr"): line for line in lines}
    assert by_item["Minuteur"].used_by == ["accueil", "et-si-rien-ne-changeait", "matrice-metiers", "retro-prospective",
                                           "soufflerie", "restitution"]
    assert by_item["Feutres noirs"].per_table == 4  # 12 participants / 3 tables, reused
    assert by_item["Post-it"].per_table == 80  # 5 x 4 people x 4 group activities
    assert by_item["Minuteur"].per_table == 1


def test_materials_of_the_shipped_plan():
    study = load_study(SHIPPED)
    workshop = next(w for w in study.workshops if w.id == "demi-journee-colloque")
    # 30 participants, 5 tables of 6, 5 scenarios. Group activities: roue-des-futurs, parcours-usager,
    # retro-prospective; plenary: accueil, vote (all 5 scenarios), restitution; pause and cloture need nothing.
    assert _counts(study, workshop) == {
        "Badges nominatifs": (30, 33, 3),  # 1 x 30; spare 3
        "Feutres de couleur (pochette)": (5, 6, 1),  # 1 per table in roue and parcours: peak 5, not 10; +1
        "Feutres noirs": (30, 33, 3),  # 1 per participant in each group activity: peak 30, not 154; +3
        "Gommettes bleues (probabilité)": (150, 5, 1),  # 30 x 5 scenarios = 150 -> 4 sheets of 40 (160);
        "Gommettes orange (désirabilité)": (150, 5, 1),  # with 10 %: 165 -> 5 sheets (200), so 1 spare sheet
        "Micro sans fil": (2, 2, 0),
        "Minuteur": (5, 6, 1),  # 1 per table: peak 5, not 27; +1
        "Paperboard (feuilles)": (4, 5, 1),
        "Post-it": (600, 7, 1),  # per person roue 10 + parcours 5 + retro 5 = 20 notes x 30 = 600 -> 6 blocks;
        # with 10 %: 660 -> 7 blocks, so 1 spare block
        "Pâte adhésive": (1, 1, 0),
        "Vidéoprojecteur et écran": (1, 1, 0),
    }
    by_item = {line.item.get("fr"): line for line in materials(study, workshop, "fr")}
    assert by_item["Post-it"].per_table == 120  # 20 notes x 6 people: 2 blocks a table
    assert by_item["Feutres noirs"].per_table == 6


def test_another_group_activity_adds_sticky_notes_but_no_markers(study_dir: Path):
    plan = study_dir / "workshops" / "atelier.yaml"
    edit(plan, 'end: "16:30"', 'end: "17:00"')
    edit(plan, "  - method: restitution\n",
         "  - method: roue-des-futurs\n    duration: 30\n    scenarios: groups\n  - method: restitution\n")
    study = load_study(study_dir)
    [workshop] = study.workshops
    counts = _counts(study, workshop)
    assert counts["Post-it"] == (360, 4, 0)  # 240 + roue 10 x 12 = 360 notes -> 4 blocks; 396 still fits in 4
    assert counts["Feutres noirs"] == (12, 14, 2)  # still the peak of 12: markers pass from one activity to the next
    assert counts["Minuteur"] == (3, 4, 1)
    assert counts["Feutres de couleur (pochette)"] == (3, 4, 1)  # roue and soufflerie 1 per table: peak 3


def test_copies_follow_the_plan(study_dir: Path):
    [workshop] = load_study(study_dir).workshops
    assert copies(workshop, "booklet")[0] == 12  # participants
    assert copies(workshop, "card-decks")[0] == 4  # 3 groups + a spare
    assert copies(workshop, "group-pack")[0] == 1


def test_card_decks_fit_the_plan_paper(study_dir: Path):
    study = load_study(study_dir)
    [workshop] = study.workshops
    sheet = card_sheet(workshop.data.paper, "long-edge")
    assert sheet.per_sheet == 4
    sizes = {deck: len(cards) for deck, cards in decks(study)}
    assert sizes == {"scenarios": 3, "drivers": 2, "personas": 1, "professions": 1}
    for deck, cards in decks(study):
        pages = card_pages(cards, sheet)
        assert [page.side for page in pages] == ["front", "back"], deck  # fewer than 4 cards: one sheet
        assert [p.card.code for p in pages[0].placements] == [c.code for c in cards]
