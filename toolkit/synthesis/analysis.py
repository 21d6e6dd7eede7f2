"""Stage 7, analyse: everything the synthesis report says, computed from the results file.

No number in a report is typed by hand: each comes from here. The rules (quartiles,
consensus, ranking, robustness classes) are stated in the docstrings below and printed in
the report's method section.

What a report may say follows from what the workshop's agenda captured
(`Workshop.captured_sections()`): `Synthesis.shows(section)` is true only for a results
section some activity of the agenda fills, so a report never draws a conclusion (a rating,
a robustness class) from a sheet that was never printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from toolkit.study.model import (
    IMPACTS,
    POWER,
    RINGS,
    VERDICTS,
    Action,
    ActorStance,
    Capture,
    Consequence,
    Moment,
    Persona,
    Scenario,
    Study,
    Text,
    Wheel,
    Workshop,
)

RATING_SCALE = (1, 2, 3, 4, 5)
CONSENSUS_IQR = 1.0  # Delphi's usual threshold on a five-point scale
PARTIAL_IQR = 2.0
MIN_RATINGS = 3  # fewer than this and spread says nothing
ROBUSTNESS = ("no-regret", "opt-out", "opt-in", "abandon")
KEY_MESSAGES = (3, 5)  # the report's first page says at least 3 things, at most 5
NEXT_STEPS = 5  # and names at most 5 next steps (the others are in the chapter on actions)


@dataclass
class KeyMessage:
    """One thing the report's first page says, and the numbers that support it.

    `kind` picks the sentence the template writes: desirable (`row`: the most desirable scenario), baseline
    (`row`), no-regret (`count` of `total` actions, tested in `scenarios` scenarios), actions (`total`,
    `experiments`, `territories`), profession (`profession` id, `change`, `count` answers of `total`),
    actor (`actor` id, `count` tables × scenarios of `total`), wheels (`total`, `plus`, `minus`), probable
    (`row`), divided (`rows`).
    """

    kind: str
    values: dict


class Tally(tuple):
    """How many people gave 1, 2, 3, 4 and 5: five whole numbers."""

    __slots__ = ()

    def __new__(cls, counts: Iterable[int] = (0, 0, 0, 0, 0)) -> Tally:
        counts = tuple(counts)
        if len(counts) != len(RATING_SCALE):
            raise ValueError(f"a tally has {len(RATING_SCALE)} counts, got {len(counts)}")
        return super().__new__(cls, counts)

    def __add__(self, other: tuple) -> Tally:  # type: ignore[override]
        return Tally(a + b for a, b in zip(self, other, strict=True))


def tally_of(ratings: Tally | Mapping | Iterable[int]) -> Tally:
    """The counts of 1 to 5 in `ratings`: a tally (`{1: 0, 2: 3, ...}`, keys as numbers or text) or values.

    A tally is read as it is, never expanded into one value per person: a group may count
    any number of people without costing memory.
    """
    if isinstance(ratings, Tally):
        return ratings
    if isinstance(ratings, Mapping):
        return Tally(int(ratings.get(value, ratings.get(str(value), 0))) for value in RATING_SCALE)
    counts = Counter(ratings)
    return Tally(counts[value] for value in RATING_SCALE)


@dataclass
class Stats:
    """Summary of the ratings of one scenario on one dimension, kept as a tally."""

    counts: Tally = field(default_factory=Tally)
    median: float | None = None
    mean: float | None = None
    q1: float | None = None
    q3: float | None = None

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1

    @property
    def distribution(self) -> list[int]:
        return list(self.counts)

    @property
    def consensus(self) -> str:
        """'consensus' (IQR <= 1), 'partial' (IQR <= 2), 'divided', or 'too few' ratings (< 3)."""
        if self.n < MIN_RATINGS or self.iqr is None:
            return "too few"
        if self.iqr <= CONSENSUS_IQR:
            return "consensus"
        return "partial" if self.iqr <= PARTIAL_IQR else "divided"


def describe(ratings: Tally | Mapping | Iterable[int]) -> Stats:
    """Median, mean and quartiles of values or of a tally (inclusive quartiles: Q1 and Q3 of [1, 2, 3, 4, 5]
    are 2 and 4).

    Worked out from the counts with whole numbers, exactly as `statistics.median`, `statistics.fmean`
    and `statistics.quantiles(method="inclusive")` would on the sorted values, without ever listing
    them: a tally of 10^15 people takes no more memory or time than a tally of 3, and nothing overflows
    (every division is of two whole numbers, rounded once).
    """
    counts = tally_of(ratings)
    n = sum(counts)
    if n == 0:
        return Stats(counts)

    def at(index: int) -> int:
        """The value at `index` (from 0) of the sorted values."""
        for value, count in zip(RATING_SCALE, counts, strict=True):
            if index < count:
                return value
            index -= count
        raise IndexError(index)  # pragma: no cover - index < n always

    if n == 1:
        q1 = q3 = float(at(0))
    else:
        q1, q3 = (_quantile(at, n, i) for i in (1, 3))
    half = n // 2
    median = float(at(half)) if n % 2 else (at(half - 1) + at(half)) / 2
    mean = sum(value * count for value, count in zip(RATING_SCALE, counts, strict=True)) / n
    return Stats(counts, median, mean, q1, q3)


def _quantile(at, n: int, i: int) -> float:
    """The i-th quartile, as `statistics.quantiles(n=4, method="inclusive")` interpolates it."""
    j, delta = divmod(i * (n - 1), 4)
    return (at(j) * (4 - delta) + at(j + 1) * delta) / 4


@dataclass
class ScenarioRatings:
    scenario: Scenario
    probability: Stats
    desirability: Stats
    rank_probability: int | None = None
    rank_desirability: int | None = None
    delta_probability: float | None = None  # median minus the baseline's median
    delta_desirability: float | None = None


def most_named(counts: Mapping[str, int]) -> str | None:
    """The key most groups named; None when nobody named any, or when two lead together (no majority to report)."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


class AnswerCounts:
    """Counts of the answers groups gave for one cell (a profession's change, an actor's power)."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def dominant(self) -> str | None:
        """The answer most groups gave; None when nobody said anything or it is a tie."""
        return most_named(self.counts)


@dataclass
class ImpactCell(AnswerCounts):
    """What the groups said of one profession in one scenario."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPACTS, 0))
    comments: list[tuple[str, Text]] = field(default_factory=list)  # (group id, comment)


@dataclass
class ActorCell(AnswerCounts):
    """What the groups said of one actor in one scenario: how many saw it gain, keep or lose power, and why."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(POWER, 0))
    said: list[tuple[str, ActorStance]] = field(default_factory=list)  # (group id, stance) with words


@dataclass
class ActionResult:
    group: str
    id: str
    action: Action
    verdicts: dict[str, str]  # scenario id -> works / mixed / fails, in the study's order

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(self.verdicts.values())
        return {verdict: counts[verdict] for verdict in VERDICTS}

    @property
    def robustness(self) -> str | None:
        """UN Global Pulse's classes, from how the action fares across the scenarios tested:

        no-regret: works in at least half of them and fails in none;
        opt-out: works in at least half but fails in at least one (do it, watch for those futures);
        opt-in: works in at least one but fewer than half (prepare it, trigger it if those futures come);
        abandon: works in none. None when the action was tested in no scenario.
        """
        tested = len(self.verdicts)
        works, fails = self.counts["works"], self.counts["fails"]
        if tested == 0:
            return None
        if works == 0:
            return "abandon"
        if 2 * works >= tested:
            return "no-regret" if fails == 0 else "opt-out"
        return "opt-in"


@dataclass
class Journey:
    """One persona's journey, as one group told it in the scenario the plan gave that group."""

    group: str
    persona: Persona
    scenarios: list[Scenario]  # the group's scenarios in the plan (usually one)
    moments: list[Moment]


@dataclass
class Synthesis:
    study: Study
    workshop: Workshop
    ratings: list[ScenarioRatings]
    impacts: dict[str, dict[str, ImpactCell]]  # profession id -> scenario id -> cell
    actions: list[ActionResult]
    captured: frozenset[str] = frozenset()  # the results sections the agenda's sheets fill
    wheels: dict[str, list[tuple[str, Wheel]]] = field(default_factory=dict)  # scenario id -> (group id, wheel)
    journeys: list[Journey] = field(default_factory=list)  # persona by persona (study order), then group by group
    actors: dict[str, dict[str, ActorCell]] = field(default_factory=dict)  # actor id -> scenario id -> cell

    def shows(self, section: str) -> bool:
        """Whether the report speaks of `section` (ratings, verdicts...): only when the agenda captured it."""
        return section in self.captured

    def capture(self, section: str) -> Capture | None:
        """The capture sheet that fills `section` (its title heads the report's section), if any."""
        return next((s.capture for s in self.workshop.capture_sheets if s.capture.results == section), None)

    @property
    def consequences(self) -> list[Consequence]:
        """Every consequence of every futures wheel."""
        return [c for told in self.wheels.values() for _, wheel in told for c in wheel.consequences]

    @property
    def actor_scenarios(self) -> list[Scenario]:
        """The scenarios some group said something of an actor in, in the study's order (the actors table's columns)."""
        said = {s for cells in self.actors.values() for s, cell in cells.items() if cell.total or cell.said}
        return [s for s in self.study.scenarios if s.id in said]

    def journeys_of(self, persona_id: str) -> list[Journey]:
        return [j for j in self.journeys if j.persona.id == persona_id]

    @property
    def personas(self) -> list[Persona]:
        """The personas whose journey some group told, in the study's order."""
        told = {j.persona.id for j in self.journeys}
        return [p for p in self.study.meta.personas if p.id in told]

    @property
    def baseline(self) -> ScenarioRatings:
        return next(r for r in self.ratings if r.scenario.data.baseline)

    @property
    def results(self):
        return self.workshop.results

    def ranked(self, dimension: str) -> list[ScenarioRatings]:
        key = f"rank_{dimension}"
        return sorted((r for r in self.ratings if getattr(r, key)), key=lambda r: getattr(r, key))

    def by_class(self) -> dict[str, list[ActionResult]]:
        return {name: [a for a in self.actions if a.robustness == name] for name in ROBUSTNESS}

    def by_territory(self) -> dict[str, list[ActionResult]]:
        """Actions and experiments grouped by the territory written on the sheet (case and spaces folded)."""
        territories: dict[str, list[ActionResult]] = {}
        names: dict[str, str] = {}
        for result in self.actions:
            written = (result.action.territory or "").strip()
            key = " ".join(written.lower().split())
            names.setdefault(key, written)
            territories.setdefault(key, []).append(result)
        return {names[key]: territories[key] for key in sorted(territories, key=lambda k: (k == "", k))}

    def for_scenario(self, scenario: Scenario) -> dict:
        """What was said about one scenario, for its report section.

        Actions, quotes and signals come from the groups the plan gave that scenario to;
        `counts` says how all the workshop's actions fare in it.
        """
        groups = self.results.groups if self.results else {}
        assigned = [g.id for g in self.workshop.data.groups if scenario.id in g.scenarios and g.id in groups]
        counts = Counter(a.verdicts[scenario.id] for a in self.actions if scenario.id in a.verdicts)
        tested = self.shows("verdicts")
        return {
            "ratings": next(r for r in self.ratings if r.scenario.id == scenario.id),
            "impacts": {p: cells[scenario.id] for p, cells in self.impacts.items() if cells[scenario.id].total},
            # with the stress test, the actions tested in this scenario; without it, the ones its groups proposed
            "actions": [a for a in self.actions if a.group in assigned and (not tested or scenario.id in a.verdicts)],
            "counts": {verdict: counts[verdict] for verdict in VERDICTS},
            "groups": assigned,
            "wheels": self.wheels.get(scenario.id, []),
            "journeys": [j for j in self.journeys if scenario.id in {s.id for s in j.scenarios}],
            "actors": {a: cells[scenario.id] for a, cells in self.actors.items()
                       if cells[scenario.id].total or cells[scenario.id].said},
            "quotes": [(g, q) for g in assigned for q in groups[g].quotes],
            "signals": [(g, s) for g in assigned for s in groups[g].signals],
        }

    def professions_by_change(self, change: str) -> list[tuple[str, int]]:
        """Professions most often said to `change` (grows, shrinks...), across scenarios and groups."""
        counts = [(p, sum(cell.counts[change] for cell in cells.values())) for p, cells in self.impacts.items()]
        return sorted([item for item in counts if item[1]], key=lambda item: -item[1])

    def actors_by_power(self, power: str) -> list[tuple[str, int]]:
        """Actors most often said to `power` (gains, loses...), across scenarios and groups."""
        counts = [(a, sum(cell.counts[power] for cell in cells.values())) for a, cells in self.actors.items()]
        return sorted([item for item in counts if item[1]], key=lambda item: -item[1])

    def key_messages(self) -> list[KeyMessage]:
        """What the first page says, most telling first, each with its numbers; at most KEY_MESSAGES[1].

        The most desirable scenario, the baseline's place, the actions that hold in every future (or, without
        the stress test, what was proposed), the change of a profession most often named, the actor most often
        seen gaining power, the futures wheels' consequences, the most probable scenario, the divided views.
        Each needs its sheet on the agenda (`shows`) and something typed from it.
        """
        messages = []
        desirable = self.ranked("desirability") if self.shows("ratings") else []
        if desirable:
            messages.append(KeyMessage("desirable", {"row": desirable[0]}))
        if self.shows("ratings") and self.baseline.probability.n and self.baseline.desirability.n:
            messages.append(KeyMessage("baseline", {"row": self.baseline}))
        if self.shows("verdicts") and any(a.verdicts for a in self.actions):
            tested = {s for a in self.actions for s in a.verdicts}
            messages.append(KeyMessage("no-regret", {"count": len(self.by_class()["no-regret"]),
                                                     "total": len(self.actions), "scenarios": len(tested)}))
        elif self.shows("actions") and self.actions:
            messages.append(KeyMessage("actions", {"total": len(self.actions), "experiments": len(self.experiments),
                                                   "territories": len(self.by_territory())}))
        if self.shows("impacts"):
            named = [(p, change, count) for change in IMPACTS for p, count in self.professions_by_change(change)]
            if named:
                profession, change, count = max(named, key=lambda item: item[2])  # first of the ties: study order
                total = sum(cell.total for cell in self.impacts[profession].values())
                messages.append(KeyMessage("profession", {"profession": profession, "change": change,
                                                          "count": count, "total": total}))
        gaining = self.actors_by_power("gains") if self.shows("actors") else []
        if gaining:
            actor, count = gaining[0]
            total = sum(cell.total for cell in self.actors[actor].values())
            messages.append(KeyMessage("actor", {"actor": actor, "count": count, "total": total}))
        consequences = self.consequences if self.shows("wheels") else []
        if consequences:
            messages.append(KeyMessage("wheels", {"total": len(consequences),
                                                  "plus": sum(c.sign == "plus" for c in consequences),
                                                  "minus": sum(c.sign == "minus" for c in consequences)}))
        probable = self.ranked("probability") if self.shows("ratings") else []
        if probable and not probable[0].scenario.data.baseline:  # the baseline's line already says it
            messages.append(KeyMessage("probable", {"row": probable[0]}))
        divided = [r for r in self.ratings if r.desirability.consensus == "divided"] if self.shows("ratings") else []
        if divided:
            messages.append(KeyMessage("divided", {"rows": divided}))
        return messages[:KEY_MESSAGES[1]]

    @property
    def next_steps(self) -> list[ActionResult]:
        """The actions and experiments a table gave both a territory and an owner: who does what, where.

        With the stress test, the most robust first (no-regret, then opt-out, then opt-in) and never one to
        abandon; in the plan's order within a class.
        """
        ready = [a for a in self.actions if (a.action.territory or "").strip() and (a.action.owner or "").strip()]
        if not self.shows("verdicts"):
            return ready
        order = {name: index for index, name in enumerate(ROBUSTNESS)}
        kept = [a for a in ready if a.robustness not in ("abandon",)]
        return sorted(kept, key=lambda a: order.get(a.robustness or "", len(ROBUSTNESS)))

    @property
    def experiments(self) -> list[ActionResult]:
        return [a for a in self.actions if a.action.kind == "experiment"]

    @property
    def contributions(self) -> int:
        """Every line typed from the capture sheets (ratings count once per person and scenario)."""
        if not self.results:
            return 0
        total = 0
        for group in self.results.groups.values():
            total += sum(sum(tally_of(r.probability)) + sum(tally_of(r.desirability)) for r in group.ratings.values())
            total += sum(len(by_scenario) for by_scenario in group.impacts.values())
            total += sum(len(by_scenario) for by_scenario in group.actors.values())
            total += len(group.actions) + len(group.signals) + len(group.quotes)
            total += sum(bool(wheel.centre) + len(wheel.consequences) for wheel in group.wheels.values())
            total += sum(len(moments) for moments in group.journeys.values())
            if group.baseline:
                total += len(group.baseline.lose) + len(group.baseline.keep)
        return total


def analyse(study: Study, workshop: Workshop) -> Synthesis:
    """Aggregate a workshop's results over all its groups."""
    groups = workshop.results.groups if workshop.results else {}
    ratings = [_scenario_ratings(scenario, groups) for scenario in study.scenarios]
    _rank(ratings, "probability")
    _rank(ratings, "desirability")
    baseline = next(r for r in ratings if r.scenario.data.baseline)
    for row in ratings:
        row.delta_probability = _delta(row.probability, baseline.probability)
        row.delta_desirability = _delta(row.desirability, baseline.desirability)
    impacts = {p.id: {s.id: ImpactCell() for s in study.scenarios} for p in study.meta.professions}
    actions = []
    order = [s.id for s in study.scenarios]
    for group_id, group in groups.items():
        for profession, by_scenario in group.impacts.items():
            for scenario_id, impact in by_scenario.items():
                cell = impacts[profession][scenario_id]
                cell.counts[impact.change] += 1
                if impact.comment:
                    cell.comments.append((group_id, impact.comment))
        for action_id, action in group.actions.items():
            verdicts = {s: action.scenarios[s] for s in order if s in action.scenarios}
            actions.append(ActionResult(group_id, action_id, action, verdicts))
    wheels = {s.id: [(g, group.wheels[s.id]) for g, group in groups.items() if s.id in group.wheels]
              for s in study.scenarios}
    return Synthesis(study, workshop, ratings, impacts, actions, frozenset(workshop.captured_sections()),
                     {s: told for s, told in wheels.items() if told}, _journeys(study, workshop, groups),
                     _actors(study, groups))


def _actors(study: Study, groups: dict) -> dict[str, dict[str, ActorCell]]:
    """Every actor of the study in every scenario, with what each group said of it there."""
    cells = {a.id: {s.id: ActorCell() for s in study.scenarios} for a in study.meta.actors}
    for group_id, group in groups.items():
        for actor_id, by_scenario in group.actors.items():
            for scenario_id, stance in by_scenario.items():
                cell = cells[actor_id][scenario_id]
                if stance.power:
                    cell.counts[stance.power] += 1
                if stance.wants or stance.ties:
                    cell.said.append((group_id, stance))
    return cells


def by_ring(wheel: Wheel) -> list:
    """A wheel's consequences from the centre outwards (1st ring, 2nd, 3rd, then those with no ring), as written
    within a ring."""
    return sorted(wheel.consequences, key=lambda c: RINGS.index(str(c.ring)) if c.ring else len(RINGS))


def _journeys(study: Study, workshop: Workshop, groups: dict) -> list[Journey]:
    """Every journey told, persona by persona in the study's order, then group by group in the plan's order."""
    plan = {g.id: g for g in workshop.data.groups}
    scenarios = {s.id: s for s in study.scenarios}
    journeys = []
    for persona in study.meta.personas:
        for group_id in [g for g in plan if g in groups] + [g for g in groups if g not in plan]:
            moments = groups[group_id].journeys.get(persona.id)
            if moments:
                told_in = [scenarios[s] for s in plan[group_id].scenarios if s in scenarios] if group_id in plan else []
                journeys.append(Journey(group_id, persona, told_in, moments))
    return journeys


def _scenario_ratings(scenario: Scenario, groups: dict) -> ScenarioRatings:
    """The ratings of every group, added up as tallies."""
    probability = desirability = Tally()
    for group in groups.values():
        rating = group.ratings.get(scenario.id)
        if rating:
            probability += tally_of(rating.probability)
            desirability += tally_of(rating.desirability)
    return ScenarioRatings(scenario, describe(probability), describe(desirability))


def _rank(ratings: list[ScenarioRatings], dimension: str) -> None:
    """Rank 1 is the highest median, ties broken by the mean; scenarios with no rating get no rank."""
    rated = [r for r in ratings if getattr(r, dimension).n]
    ordered = sorted(rated, key=lambda r: (-getattr(r, dimension).median, -getattr(r, dimension).mean))
    for rank, row in enumerate(ordered, start=1):
        setattr(row, f"rank_{dimension}", rank)


def _delta(stats: Stats, baseline: Stats) -> float | None:
    if stats.median is None or baseline.median is None:
        return None
    return stats.median - baseline.median
