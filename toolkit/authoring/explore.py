"""The scenario space of a study: every combination of one hypothesis per driver.

A morphological analysis in numbers: how many combinations there are, how many are
consistent (pick no pair declared `incompatible` in study.yaml), how far each scenario
is from the baseline, and the consistent combinations furthest from every existing
scenario, as ideas for a scenario the study is missing. Distances count the drivers
on which two combinations pick different hypotheses.

The space is enumerated with `itertools.product`. To keep that fast, each hypothesis is
turned into one integer holding, in separate bit fields, its distance to every scenario
(0 or 1) and its share of every incompatible pair (0 or 1): the sum over the drivers of
a combination holds its distance to each scenario and, per pair, 2 when it picks both.
Equal sums are counted once, and only distinct sums are decoded.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

from toolkit.study.model import Study

MAX_COMBINATIONS = 2_000_000  # above this, the space is counted, not enumerated
MAX_IDEAS = 5


@dataclass
class ScenarioPlace:
    """Where an existing scenario sits in the space."""

    id: str
    baseline: bool
    changed: int  # drivers on which it differs from the baseline
    nearest: list[str] = field(default_factory=list)  # the other scenarios closest to it
    nearest_distance: int | None = None


@dataclass
class Idea:
    """A consistent combination far from every existing scenario."""

    picks: dict[str, str]
    distance: int  # drivers changed from the nearest existing scenario
    nearest: list[str]
    changed: list[str]  # drivers on which it departs from the baseline


@dataclass
class Exploration:
    drivers: list[tuple[str, int]]  # (driver id, number of hypotheses), in study order
    combinations: int
    incompatible: int  # pairs declared in study.yaml
    scenarios: list[ScenarioPlace]
    limit: int = MAX_COMBINATIONS
    consistent: int | None = None  # None when the space is too large to enumerate
    furthest: int | None = None  # the largest distance from a consistent combination to its nearest scenario
    furthest_count: int = 0  # consistent combinations at that distance
    ideas: list[Idea] = field(default_factory=list)

    @property
    def enumerated(self) -> bool:
        return self.consistent is not None


def distance(first: dict[str, str], second: dict[str, str]) -> int:
    """The number of drivers on which two sets of picks differ."""
    return sum(first.get(driver) != pick for driver, pick in second.items())


def explore(study: Study, *, limit: int = MAX_COMBINATIONS, ideas: int = MAX_IDEAS) -> Exploration:
    drivers = study.meta.drivers
    combinations = math.prod(len(d.hypotheses) for d in drivers)
    baseline = study.baseline.data.picks
    places = []
    for scenario in study.scenarios:
        others = [(distance(scenario.data.picks, s.data.picks), s.id) for s in study.scenarios if s is not scenario]
        nearest = min((d for d, _ in others), default=None)
        places.append(ScenarioPlace(scenario.id, scenario.data.baseline, distance(scenario.data.picks, baseline),
                                    [i for d, i in others if d == nearest], nearest))
    result = Exploration([(d.id, len(d.hypotheses)) for d in drivers], combinations, len(study.meta.incompatible),
                         places, limit)
    if combinations <= limit:
        _enumerate(study, result, ideas)
    return result


def _enumerate(study: Study, result: Exploration, wanted: int) -> None:
    drivers = study.meta.drivers
    scenarios = study.scenarios
    pairs = [tuple(rule.pair) for rule in study.meta.incompatible]
    width = max(len(drivers), 2).bit_length()  # a distance field holds up to len(drivers)
    rule_shift = width * len(scenarios)

    def code(driver_id: str, hypothesis_id: str) -> int:
        value = sum((scenario.data.picks.get(driver_id) != hypothesis_id) << (width * index)
                    for index, scenario in enumerate(scenarios))
        reference = f"{driver_id}.{hypothesis_id}"
        value += sum((reference in pair) << (rule_shift + 2 * index) for index, pair in enumerate(pairs))
        return value

    codes = [[code(d.id, h.id) for h in d.hypotheses] for d in drivers]
    field_mask, rule_mask = (1 << width) - 1, 3
    consistent = 0
    reach: Counter[int] = Counter()  # nearest-scenario distance -> consistent combinations
    nearest_of: dict[int, tuple[int, list[str]]] = {}
    for total, count in Counter(map(sum, itertools.product(*codes))).items():
        if any((total >> (rule_shift + 2 * index)) & rule_mask == 2 for index in range(len(pairs))):
            continue
        distances = [(total >> (width * index)) & field_mask for index in range(len(scenarios))]
        nearest = min(distances)
        consistent += count
        reach[nearest] += count
        nearest_of[total] = (nearest, [s.id for s, d in zip(scenarios, distances, strict=True) if d == nearest])
    result.consistent = consistent
    if not reach or max(reach) == 0:
        return
    result.furthest = max(reach)
    result.furthest_count = reach[result.furthest]
    targets = {total for total, (nearest, _) in nearest_of.items() if nearest == result.furthest}
    baseline = study.baseline.data.picks
    choices = itertools.product(*[[h.id for h in d.hypotheses] for d in drivers])
    for picked, total in zip(choices, map(sum, itertools.product(*codes)), strict=True):
        if total not in targets:
            continue
        picks = dict(zip([d.id for d in drivers], picked, strict=True))
        changed = [driver for driver, hypothesis in picks.items() if baseline.get(driver) != hypothesis]
        result.ideas.append(Idea(picks, result.furthest, nearest_of[total][1], changed))
        if len(result.ideas) >= wanted:
            break


def report_lines(study: Study, exploration: Exploration) -> list[str]:
    """The exploration as text, for `prospective explore`."""
    count = len(exploration.drivers)
    sizes = " × ".join(str(size) for _, size in exploration.drivers)
    declared = f"{exploration.incompatible} incompatible pair{_s(exploration.incompatible)} declared in study.yaml"
    lines = [f"{study.id}: the scenario space",
             f"  {count} driver{_s(count)}: {sizes} hypotheses = {exploration.combinations:,} combinations"]
    if exploration.enumerated:
        lines.append(f"  consistent: {exploration.consistent:,} ({declared})")
    else:
        lines.append(f"  consistent: not counted, more than {exploration.limit:,} combinations are too many to "
                     f"enumerate ({declared})")
    lines.append("  scenarios: drivers changed from the baseline, and the nearest other scenario")
    width = max(len(place.id) for place in exploration.scenarios)
    for place in exploration.scenarios:
        mark = "baseline" if place.baseline else f"{place.changed} of {count}"
        nearest = (f"   nearest: {', '.join(place.nearest)} ({place.nearest_distance} apart)"
                   if place.nearest else "")
        lines.append(f"    {place.id:<{width}}  {mark:>8}{nearest}")
    if not exploration.enumerated:
        lines.append("  ideas for a missing scenario: not searched, the space is too large")
        return lines
    if exploration.furthest is None:
        lines.append("  ideas for a missing scenario: none, every consistent combination is already a scenario")
        return lines
    furthest, reached = exploration.furthest, exploration.furthest_count
    lines.append(f"  furthest from every scenario: {reached:,} consistent combination{_s(reached)} "
                 f"{furthest} driver{_s(furthest)} away from the nearest scenario")
    shown = len(exploration.ideas)
    which = "all of them" if shown == reached else f"the first {shown}"
    lines.append(f"  ideas for a missing scenario ({which}; * departs from the baseline):")
    driver_width = max(len(driver) for driver, _ in exploration.drivers)
    for number, idea in enumerate(exploration.ideas, 1):
        lines.append(f"    {number}. nearest: {', '.join(idea.nearest)}; "
                     f"{len(idea.changed)} of {count} drivers changed from the baseline")
        for driver, hypothesis in idea.picks.items():
            star = " *" if driver in idea.changed else ""
            lines.append(f"       {driver:<{driver_width}}  {hypothesis}{star}")
    return lines


def _s(number: int) -> str:
    return "" if number == 1 else "s"
