"""The logistics of a workshop: materials, copies and card decks, computed from tests/fixtures/workshop/'s plan."""

from pathlib import Path

import pytest

from tests.helpers import copy_fixture
from toolkit.kit.layout import card_pages, card_sheet
from toolkit.kit.logistics import copies, decks, materials
from toolkit.study.load import load_study


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A writable copy of the workshop fixture study."""
    return copy_fixture("workshop", tmp_path)


def test_materials_are_summed_over_the_agenda(study_dir: Path):
    study = load_study(study_dir)
    [workshop] = study.workshops
    lines = materials(study, workshop, "fr")
    # 3 groups, 12 participants. Method files: accueil (plenary), et-si-rien-ne-changeait (groups),
    # matrice-metiers (groups), vote-probabilite-desirabilite (plenary), restitution (plenary).
    assert {line.item.get("fr"): line.quantity for line in lines} == {
        "Badges nominatifs": 12,  # accueil 1 x 12 participants
        "Feutres noirs": 28,  # et-si 1 x 12 participants + matrice 1 x 12 participants + vote 2 + restitution 2
        "Gommettes de couleur (planche)": 2,  # vote 2 x 1 (per group, but a plenary activity)
        "Micro sans fil": 2,  # restitution 2 x 1 workshop
        "Minuteur": 8,  # accueil 1 + et-si 1 x 3 groups + matrice 1 x 3 groups + restitution 1
        "Paperboard (feuilles)": 4,  # restitution 4 x 1 workshop
        "Post-it (bloc de 100)": 6,  # et-si 1 x 3 groups + matrice 1 x 3 groups
        "Pâte adhésive": 1,  # vote 1 x 1 workshop
        "Vidéoprojecteur et écran": 1,  # accueil 1 x 1 workshop
    }
    assert [line.item.get("fr") for line in lines] == sorted((line.item.get("fr") for line in lines), key=str.lower)
    minuteur = next(line for line in lines if line.item.get("fr") == "Minuteur")
    assert minuteur.used_by == ["accueil", "et-si-rien-ne-changeait", "matrice-metiers", "restitution"]


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
