"""The follow-up of a study (issue 16): what its watch counts, which triggers fired, how its experiments go.

Pure computations over a loaded study (`toolkit.study.followup` holds the models: `study.network`,
`study.experiments`, `study.watch`, and `Action.trigger` in a workshop's results), each with an explicit
`as_of` date, so that a report printed today and the same report printed again next month say what they
said then. Every number the follow-up report and the carnet print comes from here; the rules are stated
in the docstrings below.

- `hypothesis_counts`: for each hypothesis, the signals dated on or before the as-of date, by quarter over
  the last four quarters (the as-of date's quarter and the three before it) and in total.
- `fired_triggers`: the stress-test actions whose trigger's hypotheses gather at least `threshold` signals
  within the `months` months before the as-of date (`watched_triggers`: every trigger, fired or not).
- `experiments_by_status`, `overdue_reviews`: the experiments, by status; those whose review is past.
- `indicator_progress`: an experiment's indicator at its last measure: how far from the baseline towards
  the target, against how much of the time between them had gone by.

Quarters are named through the catalogue (`QUARTER_NAME`: « 2026 T4 » in French), the states of an
indicator too (`PROGRESS_WORDS`): a report says them in words, never by a colour only.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.language import N_
from toolkit.study.followup import (
    CLOSED_STATUSES,
    STATUSES,
    Dated,
    ExperimentFile,
    ExperimentIndicator,
    WatchSignal,
)
from toolkit.study.model import Action, Driver, Hypothesis, Study, Text, Trigger

QUARTERS_SHOWN = 4  # the watch counts, by quarter, the as-of date's quarter and the three before it
QUARTER_NAME = N_("%(year)s Q%(quarter)s")  # « 2026 T4 »

# An indicator's state at its last measure, in words (a report never tells it by a colour only).
PROGRESS_WORDS = {
    "reached": N_("target reached"),
    "on-track": N_("on track: at least as far towards the target as the time gone by"),
    "behind": N_("behind: less far towards the target than the time gone by"),
    "no-measure": N_("no measure yet"),
}


# --- quarters ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a year: 1 (January to March) to 4 (October to December)."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def before(self, count: int = 1) -> Quarter:
        """The quarter `count` quarters earlier."""
        index = self.year * 4 + self.quarter - 1 - count
        return Quarter(index // 4, index % 4 + 1)

    def name(self, gettext: Callable[[str], str] = lambda message: message) -> str:
        """« 2026 T4 » through the catalogue (`gettext` of an edition); « 2026 Q4 » without one."""
        return gettext(QUARTER_NAME) % {"year": self.year, "quarter": self.quarter}


def last_quarters(as_of: datetime.date, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    """The `count` quarters up to the as-of date's own, oldest first."""
    current = Quarter.of(as_of)
    return [current.before(back) for back in range(count - 1, -1, -1)]


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier; the month's last day when it is shorter (31 March less one
    month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the watch: signals per hypothesis ---------------------------------------------------


def _signals(study: Study) -> list[WatchSignal]:
    """The watch's signals, by date (signals of the same day in the file's order)."""
    if study.watch is None:
        return []
    return sorted(study.watch.signals, key=lambda signal: signal.date)


def _split(reference: str) -> tuple[str, str]:
    driver, _, hypothesis = reference.partition("/")
    return driver, hypothesis


@dataclass(frozen=True)
class QuarterCount:
    """The signals of one quarter pointing to a hypothesis."""

    quarter: Quarter
    count: int


@dataclass
class HypothesisWatch:
    """What the watch saw of one hypothesis up to the as-of date."""

    driver: Driver
    hypothesis: Hypothesis
    quarters: list[QuarterCount]  # the last QUARTERS_SHOWN quarters up to the as-of date, oldest first
    total: int  # every signal dated on or before the as-of date, whatever its quarter
    signals: list[WatchSignal] = field(default_factory=list)  # those signals, by date

    @property
    def reference(self) -> str:
        return f"{self.driver.id}/{self.hypothesis.id}"


def hypothesis_counts(study: Study, as_of: datetime.date) -> list[HypothesisWatch]:
    """For each hypothesis of each driver the watch points to, the signals dated on or before `as_of`: by quarter
    over the last four quarters (the as-of date's quarter and the three before; signals of the as-of date's
    quarter dated after it are not counted) and in total (since the first signal).

    A driver is listed when some signal dated on or before `as_of` points to one of its hypotheses; it then comes
    with all its hypotheses, in the study's order, those no signal points to with zeros (a chart per driver
    compares them). Drivers come in the study's order. A signal counts once for a hypothesis even if it names
    it twice; a signal naming two hypotheses counts once for each.
    """
    quarters = last_quarters(as_of)
    seen: dict[str, list[WatchSignal]] = {}
    for signal in _signals(study):
        if signal.date > as_of:
            continue
        for reference in dict.fromkeys(signal.hypotheses):
            seen.setdefault(reference, []).append(signal)
    watched = {_split(reference)[0] for reference in seen}
    counts = []
    for driver in study.meta.drivers:
        if driver.id not in watched:
            continue
        for hypothesis in driver.hypotheses:
            signals = seen.get(f"{driver.id}/{hypothesis.id}", [])
            by_quarter = [QuarterCount(quarter, sum(1 for s in signals if Quarter.of(s.date) == quarter))
                          for quarter in quarters]
            counts.append(HypothesisWatch(driver, hypothesis, by_quarter, len(signals), signals))
    return counts


# --- triggers ----------------------------------------------------------------------------


@dataclass
class FiredTrigger:
    """A stress-test action's trigger as of a date: the signals that count for it, and whether it fired.

    `fired_triggers` gives only those that fired; `watched_triggers` every one (`fired` tells them apart).
    """

    workshop: str  # the workshop's id
    group: str  # the group's id in the results file
    key: str  # the action's key in the group's results
    action: Action
    when: Text  # « À activer si ... »
    hypotheses: list[str]  # "<driver>/<hypothesis>", as the trigger names them
    count: int  # distinct signals within the window pointing to at least one of the hypotheses
    signals: list[WatchSignal]  # those signals, by date
    threshold: int
    months: int
    since: datetime.date  # the window: signals dated after this day, up to the as-of date

    @property
    def text(self) -> Text:
        return self.action.text

    @property
    def fired(self) -> bool:
        return self.count >= self.threshold


def _trigger_count(workshop: str, group: str, key: str, action: Action, trigger: Trigger,
                   signals: list[WatchSignal], as_of: datetime.date) -> FiredTrigger:
    since = months_before(as_of, trigger.months)
    wanted = set(trigger.hypotheses)
    counted = [s for s in signals if since < s.date <= as_of and wanted.intersection(s.hypotheses)]
    return FiredTrigger(workshop, group, key, action, trigger.when, list(trigger.hypotheses), len(counted), counted,
                        trigger.threshold, trigger.months, since)


def watched_triggers(study: Study, as_of: datetime.date) -> list[FiredTrigger]:
    """Every action of the workshops' results that carries a trigger, with the signals that count for it as of
    `as_of` (rule of `fired_triggers`); workshops in the study's order, groups and actions in the file's."""
    signals = _signals(study)
    found = []
    for workshop in study.workshops:
        if workshop.results is None:
            continue
        for group_id, group in workshop.results.groups.items():
            for key, action in group.actions.items():
                if action.trigger is not None:
                    found.append(_trigger_count(workshop.id, group_id, key, action, action.trigger, signals, as_of))
    return found


def fired_triggers(study: Study, as_of: datetime.date) -> list[FiredTrigger]:
    """The triggers whose hypotheses gather at least `threshold` signals dated within the `months` months before
    `as_of`: after the same day `months` calendar months earlier, up to and including `as_of`
    (`as_of - months < date <= as_of`). A signal counts once even when it points to several of the trigger's
    hypotheses."""
    return [trigger for trigger in watched_triggers(study, as_of) if trigger.fired]


# --- experiments -------------------------------------------------------------------------


def experiments_by_status(study: Study) -> dict[str, list[ExperimentFile]]:
    """The experiments under each status, every status in the order of an experiment's life (`STATUSES`), an
    empty list for a status no experiment has; experiments in the study's order."""
    grouped: dict[str, list[ExperimentFile]] = {status: [] for status in STATUSES}
    for experiment in study.experiments.values():
        grouped[experiment.status].append(experiment)
    return grouped


def overdue_reviews(study: Study, as_of: datetime.date) -> list[ExperimentFile]:
    """The experiments whose next review was due before `as_of` (a review due on the as-of date is not late yet)
    and that are still open (neither evaluated nor stopped), earliest review first."""
    late = [experiment for experiment in study.experiments.values()
            if experiment.next_review is not None and experiment.next_review < as_of
            and experiment.status not in CLOSED_STATUSES]
    return sorted(late, key=lambda experiment: experiment.next_review)


@dataclass(frozen=True)
class Progress:
    """An indicator at its last measure on or before the as-of date.

    `share` is how far the value went from the baseline towards the target, (value − baseline) / (target −
    baseline): 0 at the baseline, 1 at the target, below 0 when it went the other way, above 1 beyond the
    target (a falling target works the same way). `shown` is it clamped to [0, 1], for a bar. `elapsed` is the
    share of the time from the baseline's date to the target's that had gone by at the measure's date (clamped
    to [0, 1]): the measure is compared with the time when it was taken, and the report prints that date.
    `state`: reached (share >= 1), on-track (share >= elapsed), behind, or no-measure. A target equal to the
    baseline is reached while the value stays there (share 1), behind otherwise (share 0).
    """

    indicator: ExperimentIndicator
    measure: Dated | None
    share: float | None
    shown: float | None
    elapsed: float | None
    state: str  # a key of PROGRESS_WORDS

    @property
    def on_track(self) -> bool:
        return self.state in ("reached", "on-track")


def indicator_progress(indicator: ExperimentIndicator, as_of: datetime.date) -> Progress:
    """The indicator's progress at its last measure dated on or before `as_of` (rules: `Progress`)."""
    measures = [measure for measure in indicator.measures if measure.date <= as_of]
    if not measures:
        return Progress(indicator, None, None, None, None, "no-measure")
    measure = max(measures, key=lambda m: m.date)  # dates increase in a checked file; the last, whatever the order
    baseline, target = indicator.baseline, indicator.target
    if target.value == baseline.value:
        share = 1.0 if measure.value == target.value else 0.0
    else:
        share = (measure.value - baseline.value) / (target.value - baseline.value)
    span = (target.date - baseline.date).days
    elapsed = 1.0 if span <= 0 else min(1.0, max(0.0, (measure.date - baseline.date).days / span))
    state = "reached" if share >= 1 else "on-track" if share >= elapsed else "behind"
    return Progress(indicator, measure, share, min(1.0, max(0.0, share)), elapsed, state)
