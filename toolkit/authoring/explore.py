"""The scenario space of a study: every combination of one hypothesis per driver.

A morphological analysis in numbers: how many combinations there are, how many are
consistent (pick no pair declared `incompatible` in study.yaml), how far each scenario
is from the baseline, and the consistent combinations furthest from every existing
scenario, as ideas for a scenario the study is missing. Distances count the drivers
on which two combinations pick different hypotheses.

Whatever the study, the work is bounded: no combination list is ever held, and each
figure below costs at most `limit` steps (MAX_COMBINATIONS, raised by the environment
variable PROSPECTIVE_MAX_COMBINATIONS), each step one operation on a packed integer.

- The combinations are counted arithmetically (a product).
- Each hypothesis is one integer holding, in separate bit fields, its distance to every
  scenario (0 or 1): the sum over the drivers of a combination holds its distance to each
  scenario. Whether every field reaches a threshold is one addition and one mask, so the
  nearest scenario is a binary search, not a loop over the scenarios.
- The exact figures come from a count over the drivers, one after the other, of how many
  partial combinations reach each (distance fields, half-picked incompatible pairs) state:
  equal states are counted once. Hypotheses no scenario picks and no pair names behave
  alike, so they are counted together. The ideas are then the first combinations, in
  study order, at the furthest distance, found by a depth-first walk that skips every
  branch that cannot reach it.
- When those states are too many for the bound, the consistent combinations are counted
  over the incompatible pairs alone, or else estimated from a fixed sample of random
  combinations, and the furthest combinations are searched for (a hill climb from random
  starts, the same on every run): the distance found is then a lower bound, and every
  figure says which it is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from toolkit.language import _, ngettext
from toolkit.limits import MAX_COMBINATIONS, env_name
from toolkit.study.model import Study

MAX_IDEAS = 5
MIN_SAMPLE = 1_000  # an estimate from fewer random combinations is too rough to print
MAX_SAMPLE = 100_000  # enough for an estimate within about 1 %
SEED = 2040  # the sample and the search are the same on every run
BYTES_PER_STEP = 32  # memory the exact count may hold, per step of the bound (64 MB for 2,000,000)
_BITS_PER_STEP = 4096  # an operation on a larger integer counts as several steps


@dataclass
class ScenarioPlace:
    """Where an existing scenario sits in the space."""

    id: str
    baseline: bool
    changed: int  # drivers on which it differs from the baseline
    nearest: list[str] = field(default_factory=list)  # the other scenarios closest to it
    nearest_distance: int | None = None  # None when there is no other scenario, or too many to compare


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
    consistent: int | None = None  # exact; None when the space is too large to count within the bound
    estimate: int | None = None  # consistent combinations estimated from a sample, when not counted
    sample: int = 0  # random combinations the estimate rests on
    sample_consistent: int = 0  # those of them that are consistent
    furthest: int | None = None  # the largest distance from a consistent combination to its nearest scenario
    furthest_count: int | None = 0  # consistent combinations at that distance; None when not searched exhaustively
    ideas: list[Idea] = field(default_factory=list)
    exhaustive: bool = False  # furthest, furthest_count and ideas come from the whole space
    searched: int = 0  # steps of the bounded search, when not exhaustive
    places_compared: bool = True  # the nearest scenario of each scenario was worked out

    @property
    def enumerated(self) -> bool:
        """Every figure is exact: the whole space was counted and searched."""
        return self.exhaustive


def distance(first: dict[str, str], second: dict[str, str]) -> int:
    """The number of drivers on which two sets of picks differ."""
    return sum(first.get(driver) != pick for driver, pick in second.items())


def explore(study: Study, *, limit: int = MAX_COMBINATIONS, ideas: int = MAX_IDEAS) -> Exploration:
    drivers = study.meta.drivers
    space = _Space(study, limit)
    baseline = study.baseline.data.picks
    places = [ScenarioPlace(s.id, s.data.baseline, distance(s.data.picks, baseline)) for s in study.scenarios]
    result = Exploration([(d.id, len(d.hypotheses)) for d in drivers], math.prod(len(d.hypotheses) for d in drivers),
                         len(study.meta.incompatible), places, limit)
    result.places_compared = space.packed and _place(space, places, limit)
    if space.packed and _exhaustive(space, result, limit, ideas):
        return result
    if not _count_pairs(space, result, limit):
        _estimate(space, result, limit)
    if space.packed:
        _search(space, result, limit, ideas)
    return result


# --- the packed space ------------------------------------------------------------------


class _Space:
    """The drivers, scenarios and pairs of a study as small integers and packed distance codes."""

    def __init__(self, study: Study, limit: int):
        self.study = study
        drivers = study.meta.drivers
        self.hypotheses = [[h.id for h in d.hypotheses] for d in drivers]
        self.scenarios = [s.id for s in study.scenarios]
        index = [{h: i for i, h in enumerate(hypotheses)} for hypotheses in self.hypotheses]
        self.picks = [[index[k][s.data.picks[d.id]] for k, d in enumerate(drivers)] for s in study.scenarios]
        count = len(drivers)
        self.width = (count + 1).bit_length() + 1  # a field holds up to count + 1, below its top bit
        self.ones = sum(1 << (self.width * j) for j in range(len(self.scenarios)))
        self.high = self.ones << (self.width - 1)
        self.cost = 1 + self.width * len(self.scenarios) // _BITS_PER_STEP
        self.pairs = self._pairs(study, index)
        self.pair_cost = 1 + len(self.pairs) // _BITS_PER_STEP
        # memory of one counted state: a tuple of two integers in a dictionary
        self.state_bytes = (self.width * len(self.scenarios) + len(self.pairs)) // 8 + 220
        self._masks()
        # codes[k][h]: the distance fields of hypothesis h of driver k (all ones for one no scenario picks)
        picked = sum(len({picks[k] for picks in self.picks}) for k in range(count))
        memory = picked * (self.width * len(self.scenarios) // 8 + 100)
        self.packed = len(self.scenarios) * count * self.cost <= limit and memory <= limit * BYTES_PER_STEP
        self.codes: list[dict[int, int]] = [{} for _unused in drivers]
        if self.packed:
            for j, picks in enumerate(self.picks):
                for k, h in enumerate(picks):
                    self.codes[k][h] = self.codes[k].get(h, 0) | (1 << (self.width * j))
            self.codes = [{h: self.ones - bits for h, bits in codes.items()} for codes in self.codes]
        # hypotheses that behave alike are counted together: (hypothesis, how many behave like it)
        self.classes = [self._classes(k, len(hypotheses)) for k, hypotheses in enumerate(self.hypotheses)]

    @staticmethod
    def _pairs(study: Study, index: list[dict[str, int]]) -> list[tuple[int, int, int, int]]:
        """(first driver, its hypothesis, second driver, its hypothesis), the first driver before the second."""
        drivers = {d.id: k for k, d in enumerate(study.meta.drivers)}
        pairs = set()
        for rule in study.meta.incompatible:
            (d1, _dot1, h1), (d2, _dot2, h2) = (reference.partition(".") for reference in rule.pair)
            k1, k2 = drivers[d1], drivers[d2]
            if k1 != k2:  # two hypotheses of one driver never go together anyway
                first, second = sorted([(k1, index[k1][h1]), (k2, index[k2][h2])])
                pairs.add((*first, *second))
        return sorted(pairs)

    def _masks(self) -> None:
        """Per driver and hypothesis, the pair bits it sets (first side) and those it must not meet (second)."""
        count = len(self.hypotheses)
        self.sets: list[dict[int, int]] = [{} for _unused in range(count)]
        self.blocks: list[dict[int, int]] = [{} for _unused in range(count)]
        self.done = [0] * count  # pairs settled once driver k is picked
        for bit, (k1, h1, k2, h2) in enumerate(self.pairs):
            self.sets[k1][h1] = self.sets[k1].get(h1, 0) | (1 << bit)
            self.blocks[k2][h2] = self.blocks[k2].get(h2, 0) | (1 << bit)
            self.done[k2] |= 1 << bit

    def _classes(self, k: int, size: int) -> list[tuple[int, int]]:
        named = set(self.codes[k]) | set(self.sets[k]) | set(self.blocks[k])
        classes = [(h, 1) for h in sorted(named)]
        others = [h for h in range(min(size, len(named) + 1)) if h not in named]
        if others:
            classes.append((others[0], size - len(named)))
        return classes

    def code(self, k: int, h: int) -> int:
        return self.codes[k].get(h, self.ones)

    def step(self, bits: int, k: int, h: int) -> int | None:
        """The pair bits after picking hypothesis h of driver k, or None when it completes a pair."""
        if bits & self.blocks[k].get(h, 0):
            return None
        return (bits & ~self.done[k]) | self.sets[k].get(h, 0)

    def at_least(self, fields: int, threshold: int) -> bool:
        """Whether every distance field reaches `threshold`."""
        offset = self.ones * ((1 << (self.width - 1)) - threshold)
        return (fields + offset) & self.high == self.high

    def nearest(self, fields: int) -> int:
        """The smallest distance field (a binary search on `at_least`)."""
        low, high = 0, len(self.hypotheses) + 1  # at_least(low) holds
        while low < high:
            middle = (low + high + 1) // 2
            if self.at_least(fields, middle):
                low = middle
            else:
                high = middle - 1
        return low

    def below(self, fields: int, threshold: int) -> Iterator[int]:
        """The scenarios (indexes, in order) whose field is below `threshold`."""
        offset = self.ones * ((1 << (self.width - 1)) - threshold)
        bits = self.high & ~(fields + offset)
        while bits:
            low = bits & -bits
            yield (low.bit_length() - 1) // self.width
            bits ^= low

    def nearest_ids(self, fields: int, distance: int) -> list[str]:
        return [self.scenarios[j] for j in self.below(fields, distance + 1)]

    def idea(self, combination: list[int], fields: int, distance: int) -> Idea:
        picks = {d.id: self.hypotheses[k][h] for k, (d, h) in enumerate(zip(self.study.meta.drivers, combination,
                                                                             strict=True))}
        baseline = self.study.baseline.data.picks
        changed = [driver for driver, hypothesis in picks.items() if baseline.get(driver) != hypothesis]
        return Idea(picks, distance, self.nearest_ids(fields, distance), changed)


# --- the scenarios among themselves ----------------------------------------------------


def _place(space: _Space, places: list[ScenarioPlace], limit: int) -> bool:
    """Each scenario's nearest others; False (and none worked out) when it would take more than `limit` steps."""
    count = len(space.hypotheses)
    if len(places) * (count + count.bit_length() + 2) * space.cost > limit:
        return False
    for j, (place, picks) in enumerate(zip(places, space.picks, strict=True)):
        fields = sum(space.code(k, h) for k, h in enumerate(picks)) + ((count + 1) << (space.width * j))
        if len(places) > 1:  # its own field, set above every distance, is never the nearest
            place.nearest_distance = space.nearest(fields)
            place.nearest = space.nearest_ids(fields, place.nearest_distance)
    return True


# --- exact: every combination, counted by state ------------------------------------------


def _exhaustive(space: _Space, result: Exploration, limit: int, wanted: int) -> bool:
    """Count and search the whole space; False when it would take more than `limit` steps or too much memory.

    The states of every driver are kept while memory allows, so that the ideas can then be
    walked to without a wrong turn.
    """
    cost = space.cost + space.pair_cost
    room = max(1, limit * BYTES_PER_STEP // space.state_bytes)  # states the memory allows
    states = {(0, 0): 1}  # (distance fields, pair bits) -> partial combinations
    layers: list[set[tuple[int, int]]] | None = [{(0, 0)}]  # the states before each driver
    kept = 1
    work = 0
    for k, classes in enumerate(space.classes):
        work += len(states) * len(classes) * cost
        if work > limit:
            return False
        following: dict[tuple[int, int], int] = {}
        for (fields, bits), count in states.items():
            for h, alike in classes:
                after = space.step(bits, k, h)
                if after is not None:
                    state = (fields + space.code(k, h), after)
                    following[state] = following.get(state, 0) + count * alike
        kept += len(following)
        if layers is not None and len(states) + kept <= room:
            layers.append(set(following))
        else:
            layers = None
        if len(states) + len(following) > room:
            return False
        states = following
    work += len(states) * space.cost * len(space.hypotheses).bit_length()
    if work > limit:
        return False
    reach: dict[int, int] = {}  # nearest-scenario distance -> consistent combinations
    for (fields, _pairs), count in states.items():
        nearest = space.nearest(fields)
        reach[nearest] = reach.get(nearest, 0) + count
    result.consistent = sum(reach.values())
    result.exhaustive = True
    if reach and max(reach) > 0:
        result.furthest = max(reach)
        result.furthest_count = reach[result.furthest]
        if layers is not None:
            _keep_leading(space, layers, result.furthest)
        result.ideas = _first_ideas(space, result.furthest, wanted, limit, layers)
    return True


def _keep_leading(space: _Space, layers: list[set[tuple[int, int]]], furthest: int) -> None:
    """Keep in each layer only the states from which some combination ends `furthest` from every scenario."""
    last = len(layers) - 1
    layers[last] = {state for state in layers[last] if space.nearest(state[0]) == furthest}
    for k in range(last - 1, -1, -1):
        good, ahead = set(), layers[k + 1]
        for fields, bits in layers[k]:
            for h, _count in space.classes[k]:
                after = space.step(bits, k, h)
                if after is not None and (fields + space.code(k, h), after) in ahead:
                    good.add((fields, bits))
                    break
        layers[k] = good


def _first_ideas(space: _Space, furthest: int, wanted: int, limit: int,
                 layers: list[set[tuple[int, int]]] | None) -> list[Idea]:
    """The first consistent combinations, in study order, `furthest` from every scenario (within `limit` steps).

    A depth-first walk over the drivers, without recursion: `path` holds, per driver picked
    so far, the hypothesis tried and the fields and pair bits before it. With the `layers`
    that lead to such a combination it never takes a wrong turn; without, it skips the
    branches where even changing every remaining driver cannot get that far.
    """
    drivers = len(space.hypotheses)
    ideas: list[Idea] = []
    path: list[list[int]] = []  # [hypothesis, fields before, bits before]
    fields, bits, work = 0, 0, 0
    descend = True  # whether the walk may go below the current node
    while work <= limit and len(ideas) < wanted:
        work += space.cost
        k = len(path)
        if layers is not None:
            promising = (fields, bits) in layers[k]
        else:
            promising = space.at_least(fields + space.ones * (drivers - k), furthest)
        if descend and promising:
            if k == drivers:
                ideas.append(space.idea([entry[0] for entry in path], fields, furthest))
            else:
                path.append([-1, fields, bits])
        # the next hypothesis of the deepest driver that has one left, going up as drivers run out
        descend = False
        while path and not descend and work <= limit:
            entry = path[-1]
            k = len(path) - 1
            entry[0] += 1
            work += 1
            if entry[0] == len(space.hypotheses[k]):
                path.pop()
                continue
            after = space.step(entry[2], k, entry[0])
            if after is not None:
                fields, bits, descend = entry[1] + space.code(k, entry[0]), after, True
        if not descend:
            break
    return ideas


# --- bounded: count over the pairs alone, or estimate; search -----------------------------


def _count_pairs(space: _Space, result: Exploration, limit: int) -> bool:
    """The exact consistent count, over the pair bits alone; False when it needs more than `limit` steps."""
    room = max(1, limit * BYTES_PER_STEP // (space.pair_cost * 8 + 120))
    states = {0: 1}
    work = 0
    for k, size in enumerate(len(hypotheses) for hypotheses in space.hypotheses):
        named = sorted(set(space.sets[k]) | set(space.blocks[k]))
        classes = [(h, 1) for h in named] + ([(-1, size - len(named))] if size > len(named) else [])
        work += len(states) * len(classes) * space.pair_cost
        if work > limit:
            return False
        following: dict[int, int] = {}
        for bits, count in states.items():
            for h, alike in classes:
                after = space.step(bits, k, h)
                if after is not None:
                    following[after] = following.get(after, 0) + count * alike
        if len(following) > room:
            return False
        states = following
    result.consistent = sum(states.values())
    return True


def _estimate(space: _Space, result: Exploration, limit: int) -> None:
    """The share of consistent combinations in a fixed random sample, when it can be large enough."""
    size = min(MAX_SAMPLE, limit // max(1, len(space.hypotheses) * space.pair_cost))
    if size < MIN_SAMPLE:
        return
    generator = random.Random(SEED)
    consistent = 0
    for _unused in range(size):
        bits: int | None = 0
        for k, hypotheses in enumerate(space.hypotheses):
            bits = space.step(bits, k, generator.randrange(len(hypotheses)))
            if bits is None:
                break
        consistent += bits is not None
    result.estimate = _rounded(result.combinations * consistent // size)
    result.sample, result.sample_consistent = size, consistent


def _rounded(number: int) -> int:
    """`number` to two significant digits, as an estimate deserves."""
    if number < 100:
        return number
    scale = 10 ** (len(str(number)) - 2)
    return round(number / scale) * scale


def _search(space: _Space, result: Exploration, limit: int, wanted: int) -> None:
    """Consistent combinations far from every scenario, by hill climbing from random starts, in `limit` steps.

    A move changes one driver's hypothesis (one of each class of alike hypotheses); it is
    kept when it breaks fewer pairs, or moves further from the nearest scenario, or leaves
    fewer scenarios at that distance. The best distance found is a lower bound.
    """
    drivers = len(space.hypotheses)
    if not drivers or limit < MIN_SAMPLE:
        return
    generator = random.Random(SEED)
    conflicts = _conflicts(space)
    found: dict[tuple[int, ...], int] = {}  # combinations at the best distance -> their fields
    best = 0
    work = 0
    step = space.cost * (2 + drivers.bit_length())

    def score(combination: list[int], fields: int, broken: int) -> tuple[int, int, int]:
        nearest = space.nearest(fields)
        return -broken, nearest, -sum(1 for _unused in space.below(fields, nearest + 1))

    while work + step * drivers <= limit:
        combination = [generator.randrange(len(hypotheses)) for hypotheses in space.hypotheses]
        fields = sum(space.code(k, h) for k, h in enumerate(combination))
        broken = sum(combination[k2] == h2 for (k1, h1, k2, h2) in space.pairs if combination[k1] == h1)
        current = score(combination, fields, broken)
        work += step + len(space.pairs)
        improved = True
        while improved and work <= limit:
            improved = False
            for k in range(drivers):
                for h, _count in space.classes[k]:
                    old = combination[k]
                    if h == old:
                        continue
                    work += step + len(conflicts[k].get(h, ())) + len(conflicts[k].get(old, ()))
                    moved = fields - space.code(k, old) + space.code(k, h)
                    combination[k] = h
                    change = (sum(combination[k2] == h2 for k2, h2 in conflicts[k].get(h, ()))
                              - sum(combination[k2] == h2 for k2, h2 in conflicts[k].get(old, ())))
                    candidate = score(combination, moved, broken + change)
                    if candidate > current:
                        fields, broken, current, improved = moved, broken + change, candidate, True
                    else:
                        combination[k] = old
        if broken == 0 and current[1] > 0 and current[1] >= best:
            if current[1] > best:
                best, found = current[1], {}
            if len(found) < wanted:
                found.setdefault(tuple(combination), fields)
    result.searched = work
    if best:
        result.furthest, result.furthest_count = best, None
        result.ideas = [space.idea(list(combination), fields, best) for combination, fields in sorted(found.items())]


def _conflicts(space: _Space) -> list[dict[int, list[tuple[int, int]]]]:
    """Per driver and hypothesis, the (driver, hypothesis) picks it cannot go with."""
    conflicts: list[dict[int, list[tuple[int, int]]]] = [{} for _unused in space.hypotheses]
    for k1, h1, k2, h2 in space.pairs:
        conflicts[k1].setdefault(h1, []).append((k2, h2))
        conflicts[k2].setdefault(h2, []).append((k1, h1))
    return conflicts


# --- the report ---------------------------------------------------------------------------


def report_lines(study: Study, exploration: Exploration) -> list[str]:
    """The exploration as text, for `prospective explore`, in the user's language: every figure says whether
    it is exact."""
    count = len(exploration.drivers)
    sizes = " × ".join(str(size) for _driver, size in exploration.drivers)
    declared = ngettext("%(num)d incompatible pair declared in study.yaml",
                        "%(num)d incompatible pairs declared in study.yaml", exploration.incompatible)
    bound = _("%(count)s steps", count=f"{exploration.limit:,}")
    raise_it = _("set the environment variable %(name)s to a larger bound", name=env_name("MAX_COMBINATIONS"))
    lines = [_("%(study)s: the scenario space", study=study.id),
             "  " + _("%(drivers)s: %(sizes)s hypotheses = %(combinations)s combinations",
                      drivers=ngettext("%(num)d driver", "%(num)d drivers", count), sizes=sizes,
                      combinations=f"{exploration.combinations:,}")]
    if exploration.consistent is not None:
        lines.append("  " + _("consistent: %(count)s (%(declared)s)", count=f"{exploration.consistent:,}",
                              declared=declared))
    elif exploration.estimate is not None and exploration.sample_consistent:
        lines.append("  " + _("consistent: about %(count)s, an estimate from %(sample)s random combinations: "
                              "counting them exactly takes more than %(bound)s (%(declared)s)",
                              count=f"{exploration.estimate:,}", sample=f"{exploration.sample:,}", bound=bound,
                              declared=declared))
    elif exploration.estimate is not None:  # the rule of three: below 3 in `sample`, 95 times in 100
        below = _rounded(-(-3 * exploration.combinations // exploration.sample))
        lines.append("  " + _("consistent: fewer than about %(count)s, as none of %(sample)s random combinations "
                              "is: counting them exactly takes more than %(bound)s (%(declared)s)",
                              count=f"{below:,}", sample=f"{exploration.sample:,}", bound=bound, declared=declared))
    else:
        lines.append("  " + _("consistent: not counted, the space is too large to count in %(bound)s (%(declared)s)",
                              bound=bound, declared=declared))
    lines.append("  " + _("scenarios: drivers changed from the baseline, and the nearest other scenario"))
    width = max(len(place.id) for place in exploration.scenarios)
    for place in exploration.scenarios:
        mark = _("baseline") if place.baseline else _("%(changed)s of %(count)s", changed=place.changed, count=count)
        nearest = ("   " + _("nearest: %(scenarios)s (%(distance)s apart)", scenarios=", ".join(place.nearest),
                                distance=place.nearest_distance)
                   if place.nearest else "")
        lines.append(f"    {place.id:<{width}}  {mark:>8}{nearest}")
    if not exploration.places_compared:
        lines.append("  " + _("nearest scenarios: not worked out, comparing %(count)s scenarios takes more than "
                              "%(bound)s", count=f"{len(exploration.scenarios):,}", bound=bound))
    if exploration.exhaustive:
        _exact_ideas(exploration, lines)
    else:
        _searched_ideas(exploration, lines, bound)
    if not exploration.exhaustive:
        lines.append("  " + _("to count and search further, %(advice)s", advice=raise_it))
    return lines


def _exact_ideas(exploration: Exploration, lines: list[str]) -> None:
    if exploration.furthest is None:
        lines.append("  " + _("ideas for a missing scenario: none, every consistent combination is already a "
                              "scenario"))
        return
    furthest, reached = exploration.furthest, exploration.furthest_count or 0
    lines.append("  " + _("furthest from every scenario: %(combinations)s %(distance)s away from the nearest "
                          "scenario",
                          combinations=ngettext("%(amount)s consistent combination",
                                                "%(amount)s consistent combinations", reached, amount=f"{reached:,}"),
                          distance=ngettext("%(num)d driver", "%(num)d drivers", furthest)))
    shown = len(exploration.ideas)
    if not shown:
        lines.append("  " + _("ideas for a missing scenario: none listed, the walk to the first one takes more than "
                              "%(count)s steps", count=f"{exploration.limit:,}"))
        return
    which = _("all of them") if shown == reached else _("the first %(count)s", count=shown)
    lines.append("  " + _("ideas for a missing scenario (%(which)s; * departs from the baseline):", which=which))
    _idea_lines(exploration, lines)


def _searched_ideas(exploration: Exploration, lines: list[str], bound: str) -> None:
    if not exploration.searched:
        lines.append("  " + _("ideas for a missing scenario: not searched, the space is too large to search in "
                              "%(bound)s", bound=bound))
        return
    if exploration.furthest is None:
        lines.append("  " + _("ideas for a missing scenario: none found by a search of %(count)s steps (the space "
                              "is too large to search all of it)", count=f"{exploration.searched:,}"))
        return
    furthest = exploration.furthest
    lines.append("  " + _("furthest from every scenario: at least %(distance)s away from the nearest scenario, found "
                          "by a search of %(count)s steps (the space is too large to search all of it: there may be "
                          "combinations further away)",
                          distance=ngettext("%(num)d driver", "%(num)d drivers", furthest),
                          count=f"{exploration.searched:,}"))
    lines.append("  " + _("ideas for a missing scenario (found by the search; * departs from the baseline):"))
    _idea_lines(exploration, lines)


def _idea_lines(exploration: Exploration, lines: list[str]) -> None:
    count = len(exploration.drivers)
    driver_width = max(len(driver) for driver, _size in exploration.drivers)
    for number, idea in enumerate(exploration.ideas, 1):
        lines.append(f"    {number}. " + _("nearest: %(scenarios)s; %(changed)s of %(count)s drivers changed from "
                                           "the baseline", scenarios=", ".join(idea.nearest),
                                           changed=len(idea.changed), count=count))
        for driver, hypothesis in idea.picks.items():
            star = " *" if driver in idea.changed else ""
            lines.append(f"       {driver:<{driver_width}}  {hypothesis}{star}")
