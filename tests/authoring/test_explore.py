"""`prospective explore`: the scenario space, counted by hand on tests/fixtures/review/.

The fixture has 2 drivers: demographie (vieillissement*, adaptation) and numerique
(dematerialisation*, plateformes, proximite), * the trend: 2 × 3 = 6 combinations.
Its scenarios: si-rien-ne-change (v, d), plateformes (v, p), communs (a, x). One pair is
incompatible: adaptation with plateformes, so 5 combinations are consistent.
The two consistent combinations that are not scenarios, (v, x) and (a, d), are both one
driver away from their nearest scenarios: (v, x) from all three, (a, d) from the baseline
and communs (plateformes is 2 away).
"""

from pathlib import Path

import pytest

from tests.helpers import REVIEW, SHIPPED, copy_fixture, edit, run
from toolkit.authoring.explore import distance, explore
from toolkit.study.load import load_study


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A writable copy of the review fixture study."""
    return copy_fixture("review", tmp_path)


def without_pairs(folder: Path) -> None:
    path = folder / "study.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("incompatible:")], encoding="utf-8")


def test_distance_counts_changed_drivers():
    assert distance({"a": "x", "b": "y"}, {"a": "x", "b": "z"}) == 1
    assert distance({"a": "x", "b": "y"}, {"a": "w", "b": "z"}) == 2


def test_counts_and_distances_by_hand():
    result = explore(load_study(REVIEW))
    assert result.drivers == [("demographie", 2), ("numerique", 3)]
    assert result.combinations == 6
    assert result.incompatible == 1
    assert result.consistent == 5
    assert [(p.id, p.baseline, p.changed) for p in result.scenarios] == [
        ("si-rien-ne-change", True, 0), ("plateformes", False, 1), ("communs", False, 2)]
    assert [(p.id, p.nearest, p.nearest_distance) for p in result.scenarios] == [
        ("si-rien-ne-change", ["plateformes"], 1),
        ("plateformes", ["si-rien-ne-change"], 1),
        ("communs", ["si-rien-ne-change", "plateformes"], 2),
    ]
    assert result.furthest == 1
    assert result.furthest_count == 2
    assert [(i.picks, i.distance, i.nearest, i.changed) for i in result.ideas] == [
        ({"demographie": "vieillissement", "numerique": "proximite"}, 1,
         ["si-rien-ne-change", "plateformes", "communs"], ["numerique"]),
        ({"demographie": "adaptation", "numerique": "dematerialisation"}, 1,
         ["si-rien-ne-change", "communs"], ["demographie"]),
    ]


def test_without_the_incompatible_pair(study_dir: Path):
    without_pairs(study_dir)
    result = explore(load_study(study_dir))
    assert (result.combinations, result.consistent, result.furthest, result.furthest_count) == (6, 6, 1, 3)
    assert result.ideas[2].picks == {"demographie": "adaptation", "numerique": "plateformes"}
    assert result.ideas[2].nearest == ["plateformes", "communs"]
    assert len(explore(load_study(study_dir), ideas=2).ideas) == 2


def test_a_third_driver_makes_a_far_idea(study_dir: Path):
    without_pairs(study_dir)
    edit(study_dir / "study.yaml", "professions:\n", (
        "  - id: finances\n    name: Finances\n    description: Les moyens.\n    hypotheses:\n"
        "      - id: austerite\n        label: Austérité\n        trend: true\n"
        "      - id: relance\n        label: Relance\n"
        "professions:\n"))
    for name in ("si-rien-ne-change", "plateformes", "communs"):
        edit(study_dir / "scenarios" / f"{name}.yaml", "picks:\n", "picks:\n  finances: austerite\n")
    result = explore(load_study(study_dir))
    # 2 × 3 × 2 = 12; every scenario picks austerite, so a combination with relance is at least 1 away from each:
    # (v, x, relance), (a, d, relance) and (a, p, relance) are 2 away from their nearest scenarios
    assert (result.combinations, result.consistent, result.furthest, result.furthest_count) == (12, 12, 2, 3)
    assert [list(i.picks.values()) for i in result.ideas] == [
        ["vieillissement", "proximite", "relance"],
        ["adaptation", "dematerialisation", "relance"],
        ["adaptation", "plateformes", "relance"],
    ]
    assert result.ideas[2].changed == ["demographie", "numerique", "finances"]
    assert result.ideas[2].nearest == ["plateformes", "communs"]


def test_a_space_too_large_is_counted_not_enumerated():
    result = explore(load_study(REVIEW), limit=5)
    assert result.combinations == 6
    assert not result.enumerated
    assert result.consistent is None and result.ideas == []


def test_the_shipped_study_space():
    result = explore(load_study(SHIPPED))
    assert result.combinations == 4 ** 9 == 262144
    assert result.consistent <= result.combinations
    if not result.incompatible:
        assert result.consistent == result.combinations
    assert 0 < len(result.ideas) <= 5
    assert all(i.distance == result.furthest for i in result.ideas)


def test_the_explore_command():
    result = run("explore", str(REVIEW))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "review: the scenario space",
        "  2 drivers: 2 × 3 hypotheses = 6 combinations",
        "  consistent: 5 (1 incompatible pair declared in study.yaml)",
        "  scenarios: drivers changed from the baseline, and the nearest other scenario",
        "    si-rien-ne-change  baseline   nearest: plateformes (1 apart)",
        "    plateformes          1 of 2   nearest: si-rien-ne-change (1 apart)",
        "    communs              2 of 2   nearest: si-rien-ne-change, plateformes (2 apart)",
        "  furthest from every scenario: 2 consistent combinations 1 driver away from the nearest scenario",
        "  ideas for a missing scenario (all of them; * departs from the baseline):",
        "    1. nearest: si-rien-ne-change, plateformes, communs; 1 of 2 drivers changed from the baseline",
        "       demographie  vieillissement",
        "       numerique    proximite *",
        "    2. nearest: si-rien-ne-change, communs; 1 of 2 drivers changed from the baseline",
        "       demographie  adaptation *",
        "       numerique    dematerialisation",
    ]


def test_explore_needs_a_valid_study(study_dir: Path):
    edit(study_dir / "study.yaml", "numerique.plateformes", "numerique.plateforme")
    result = run("explore", str(study_dir))
    assert result.exit_code == 1
    assert "error: driver 'numerique' has no hypothesis 'plateforme' (did you mean 'plateformes'?)" in result.stderr
