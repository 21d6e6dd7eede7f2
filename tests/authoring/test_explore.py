"""`prospective explore`: the scenario space, counted by hand on tests/fixtures/review/.

The fixture has 2 drivers: demographie (vieillissement*, adaptation) and numerique
(dematerialisation*, plateformes, proximite), * the trend: 2 × 3 = 6 combinations.
Its scenarios: si-rien-ne-change (v, d), plateformes (v, p), communs (a, x). One pair is
incompatible: adaptation with plateformes, so 5 combinations are consistent.
The two consistent combinations that are not scenarios, (v, x) and (a, d), are both one
driver away from their nearest scenarios: (v, x) from all three, (a, d) from the baseline
and communs (plateformes is 2 away).
"""

import itertools
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import REVIEW, ROOT, SHIPPED, copy_fixture, edit, run, write
from toolkit.authoring.explore import distance, explore, report_lines
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
    assert result.combinations == 4 ** 9 * 5 == 1310720  # nine drivers of four hypotheses, child protection of five
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


# --- any study: exact against a brute force, bounded when the space is too large -----------------


def space_study(folder: Path, drivers: int, hypotheses: int, scenarios: int, pairs: int = 0, seed: int = 1) -> Path:
    """A generated study: drivers d0.. of hypotheses h0 (the trend).., a baseline s0 and random scenarios s1..,
    `pairs` random incompatible pairs."""
    rng = random.Random(seed)
    lines = ["title: Espace", "horizon: 2040", "scoping_question: Quoi ?", "summary: Un espace.",
             "authors:", "  - name: Test", "drivers:"]
    for d in range(drivers):
        lines += [f"  - id: d{d}", f"    name: D{d}", f"    description: D{d}.", "    hypotheses:"]
        for h in range(hypotheses):
            lines += [f"      - id: h{h}", f"        label: H{h}"] + (["        trend: true"] if h == 0 else [])
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < pairs:
        a, b = rng.sample(range(drivers), 2)
        chosen.add((f"d{a}.h{rng.randrange(1, hypotheses)}", f"d{b}.h{rng.randrange(1, hypotheses)}"))
    if chosen:
        lines.append("incompatible:")
        for first, second in sorted(chosen):
            lines += [f"  - pair: [{first}, {second}]", "    reason: Non."]
    write(folder / "study.yaml", "\n".join(lines) + "\n")
    for s in range(scenarios):
        picks = [0] * drivers if s == 0 else [rng.randrange(hypotheses) for _ in range(drivers)]
        text = ["baseline: true"] if s == 0 else []
        text += [f"title: S{s}", "summary: Un futur.", "narrative: Un futur.", "questions:", "  - Quoi ?", "picks:"]
        text += [f"  d{d}: h{p}" for d, p in enumerate(picks)]
        write(folder / "scenarios" / f"s{s}.yaml", "\n".join(text) + "\n")
    return folder


def brute_force(study, wanted: int = 5) -> tuple:
    """Every combination, one by one: (consistent, furthest, furthest_count, ideas as (picks, nearest))."""
    ids = [d.id for d in study.meta.drivers]
    pairs = [tuple(rule.pair) for rule in study.meta.incompatible]
    reach: Counter[int] = Counter()
    found = []
    for combination in itertools.product(*[[h.id for h in d.hypotheses] for d in study.meta.drivers]):
        picks = dict(zip(ids, combination, strict=True))
        chosen = {f"{driver}.{hypothesis}" for driver, hypothesis in picks.items()}
        if any(first in chosen and second in chosen for first, second in pairs):
            continue
        distances = [(distance(picks, s.data.picks), s.id) for s in study.scenarios]
        nearest = min(d for d, _ in distances)
        reach[nearest] += 1
        found.append((nearest, picks, [i for d, i in distances if d == nearest]))
    furthest = max(reach) if reach and max(reach) > 0 else None
    ideas = [(picks, nearest) for d, picks, nearest in found if d == furthest][:wanted]
    return sum(reach.values()), furthest, reach[furthest] if furthest else 0, ideas


@pytest.mark.parametrize(("drivers", "hypotheses", "scenarios", "pairs"), [
    (1, 3, 1, 0), (2, 2, 4, 1), (3, 4, 3, 4), (4, 3, 6, 6), (5, 2, 2, 3), (6, 3, 5, 8), (7, 2, 9, 0), (3, 5, 2, 10),
])
def test_exact_figures_are_those_of_a_brute_force(tmp_path: Path, drivers, hypotheses, scenarios, pairs):
    study = load_study(space_study(tmp_path / "space", drivers, hypotheses, scenarios, pairs, seed=drivers))
    result = explore(study)
    assert result.exhaustive and result.enumerated
    consistent, furthest, count, ideas = brute_force(study)
    assert (result.consistent, result.furthest, result.furthest_count) == (consistent, furthest, count or 0)
    assert [(idea.picks, idea.nearest) for idea in result.ideas] == ideas
    for place in result.scenarios:
        others = [(distance(s.data.picks, study.scenarios[[p.id for p in result.scenarios].index(place.id)].data.picks),
                   s.id) for s in study.scenarios if s.id != place.id]
        if others:
            assert place.nearest_distance == min(d for d, _ in others)
            assert place.nearest == [i for d, i in others if d == place.nearest_distance]


def test_a_bounded_search_says_its_figures_are_bounds(tmp_path: Path):
    study = load_study(space_study(tmp_path / "space", 10, 3, 6, 3))
    exact = explore(study)  # 3 ** 10 combinations: exact within the default bound
    assert exact.exhaustive and exact.furthest is not None
    bounded = explore(study, limit=3_000)
    assert not bounded.exhaustive and not bounded.enumerated
    assert bounded.consistent == exact.consistent  # counted over the pairs alone
    assert bounded.furthest is not None and bounded.furthest <= exact.furthest and bounded.furthest_count is None
    assert 0 < len(bounded.ideas) <= 5 and 0 < bounded.searched <= 3_000 + 1_000
    for idea in bounded.ideas:
        assert min(distance(idea.picks, s.data.picks) for s in study.scenarios) == bounded.furthest
    lines = report_lines(study, bounded)
    assert lines[2] == f"  consistent: {exact.consistent:,} (3 incompatible pairs declared in study.yaml)"
    assert [line for line in lines if line.startswith("  furthest")] == [
        f"  furthest from every scenario: at least {bounded.furthest} drivers away from the nearest scenario, "
        f"found by a search of {bounded.searched:,} steps (the space is too large to search all of it: there may "
        "be combinations further away)"]
    assert "  ideas for a missing scenario (found by the search; * departs from the baseline):" in lines
    assert lines[-1] == ("  to count and search further, set the environment variable PROSPECTIVE_MAX_COMBINATIONS "
                         "to a larger bound")


def test_an_estimate_says_it_is_one(tmp_path: Path):
    study = load_study(space_study(tmp_path / "space", 30, 4, 10, 40, seed=3))
    result = explore(study)
    assert result.consistent is None and result.estimate and result.sample == 66_666
    line = report_lines(study, result)[2]
    assert line == (f"  consistent: about {result.estimate:,}, an estimate from 66,666 random combinations: "
                    "counting them exactly takes more than 2,000,000 steps (40 incompatible pairs declared in "
                    "study.yaml)")
    assert re.fullmatch(r"\d\d0*", str(result.estimate))  # two significant digits


def test_a_rare_consistent_combination_is_bounded_from_above(tmp_path: Path):
    study = load_study(space_study(tmp_path / "space", 40, 3, 30, 200, seed=4))
    result = explore(study)
    assert result.consistent is None and result.sample and result.sample_consistent == 0
    assert report_lines(study, result)[2].startswith("  consistent: fewer than about ")


def test_twenty_drivers_and_300_scenarios_in_bounded_time_and_memory(tmp_path: Path):
    """The campaign's case (a minute and 564 MB before): bounded, in a process of its own."""
    folder = space_study(tmp_path / "space", 20, 2, 300)
    # VmHWM: this process's peak since it started its own program (ru_maxrss would also count the pages of
    # the test worker it was forked from, however large other tests made it)
    command = [sys.executable, "-c", "import sys\nfrom toolkit.cli import main\n"
               "try:\n    main(['explore', sys.argv[1]])\nexcept SystemExit as stop:\n    code = stop.code\n"
               "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')]\n"
               "print(peak[0].split()[1], file=sys.stderr)\nsys.exit(code)",
               str(folder)]
    process = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert lines[1].endswith("hypotheses = 1,048,576 combinations")
    assert lines[2] == "  consistent: 1,048,576 (0 incompatible pairs declared in study.yaml)"
    assert any(line.startswith("  furthest from every scenario: at least ") for line in lines)
    assert int(process.stderr.split()[-1]) < 512 * 1024  # KiB: a safety net (564 MB before), the target is in bench/


def test_many_drivers_exact_without_holding_the_space(tmp_path: Path):
    study = load_study(space_study(tmp_path / "space", 60, 2, 3))
    result = explore(study)  # 2 ** 60 combinations, 3 scenarios: few distinct states
    assert result.exhaustive and result.combinations == 2 ** 60 == result.consistent
    assert len(result.ideas) == 5 and all(idea.distance == result.furthest for idea in result.ideas)
