"""What the follow-up's documents print: the network handbook (« Carnet du réseau ») and the follow-up report
(`prospective suivi`), as the `context` of their registry entries (`toolkit.kit.plan.ARTEFACTS`).

Every number comes from `toolkit.synthesis.followup`; here the study's ids become the names a reader knows
(an organisation's name, a territory's, a scenario's title, a hypothesis's label, a workshop action's text),
and the people of the network become contacts: a person who is not `public` is only a role, their name,
e-mail and phone never reach a template.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date

from toolkit.kit.i18n import N_
from toolkit.language import formats_of
from toolkit.study.followup import STATUSES, ExperimentFile, ExperimentIndicator, Organisation
from toolkit.study.model import Driver, Hypothesis, Scenario, Study, Text
from toolkit.synthesis import charts
from toolkit.synthesis import followup as computed

KIND_LABELS = {
    "departement": N_("département"), "commune": N_("municipality"), "intercommunalite": N_("intermunicipality"),
    "ccas": N_("social action centre (CCAS, CIAS)"), "association": N_("association"),
    "etat": N_("State service"), "ecole": N_("school, training institute"), "recherche": N_("research, university"),
    "entreprise": N_("company"), "personnes-accompagnees": N_("group of people supported"), "autre": N_("other"),
}
STATUS_LABELS = {"idee": N_("idea"), "en-preparation": N_("in preparation"), "en-cours": N_("under way"),
                 "evaluee": N_("evaluated"), "arretee": N_("halted")}
FAR_FUTURE = datetime.date.max  # the handbook has no date: an indicator is read at its last measure


@dataclass(frozen=True)
class Contact:
    """A person as a document prints them: the role always; name, e-mail and phone only for a public person."""

    role: Text
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class OrganisationView:
    id: str
    name: str
    kind: str  # its label, in the edition's language
    territories: list[str]  # names
    themes: list[str]  # drivers' names
    brings: Text | None
    seeks: Text | None
    website: str | None
    contacts: list[Contact]


@dataclass
class ActionTaken:
    """A workshop action an experiment takes up: its text, quoted, and where it was proposed."""

    text: Text
    workshop: Text
    group: Text


@dataclass
class IndicatorView:
    indicator: ExperimentIndicator
    progress: computed.Progress
    words: str  # its state, in words
    chart: Any = None  # a `toolkit.synthesis.charts.Chart`, when the charts give one


@dataclass
class ExperimentView:
    id: str
    experiment: ExperimentFile
    status: str  # its label
    territory: str  # its name
    lead: OrganisationView | None
    partners: list[OrganisationView]
    actions: list[ActionTaken]
    scenarios: list[Scenario]
    hypotheses: list[tuple[Driver, Hypothesis]]
    indicators: list[IndicatorView] = field(default_factory=list)


class _Names:
    """The study's ids, as the edition names them."""

    def __init__(self, edition) -> None:
        self.edition = edition
        self.study: Study = edition.study
        self.gettext = edition.gettext
        self.organisations = {o.id: o for o in self.study.network.organisations} if self.study.network else {}
        self.views = {o.id: self.organisation(o) for o in self.organisations.values()}

    def territory(self, territory_id: str | None) -> str:
        found = self.study.territories.get(territory_id) if territory_id else None
        return found.name if found is not None else ""

    def hypothesis(self, reference: str) -> tuple[Driver, Hypothesis] | None:
        return self.study.hypothesis_of(reference)

    def hypothesis_words(self, reference: str) -> str:
        found = self.hypothesis(reference)
        if found is None:
            return ""
        driver, hypothesis = found
        return f"{self.edition.colon(self.edition.text(driver.name))} {self.edition.text(hypothesis.label)}"

    def organisation(self, organisation: Organisation) -> OrganisationView:
        drivers = {d.id: d for d in self.study.meta.drivers}
        contacts = [Contact(p.role, p.name, p.email, p.phone) if p.public else Contact(p.role)
                    for p in organisation.people]
        return OrganisationView(
            organisation.id, organisation.name, self.gettext(KIND_LABELS[organisation.kind]),
            [self.territory(t) for t in organisation.territories if t in self.study.territories],
            [self.edition.text(drivers[t].name) for t in organisation.themes if t in drivers],
            organisation.brings, organisation.seeks, organisation.website, contacts)

    def action(self, reference: str) -> ActionTaken | None:
        workshop_id, group_id, key = reference.split("/", 2)
        workshop = next((w for w in self.study.workshops if w.id == workshop_id), None)
        if workshop is None or workshop.results is None or group_id not in workshop.results.groups:
            return None
        action = workshop.results.groups[group_id].actions.get(key)
        group = next((g for g in workshop.data.groups if g.id == group_id), None)
        if action is None or group is None:
            return None
        return ActionTaken(action.text, workshop.data.title, group.name)

    def indicator_chart(self, experiment_id: str, indicator: ExperimentIndicator, as_of: datetime.date):
        """The indicator's chart: baseline, target and the measures taken on or before `as_of`."""
        _ = self.gettext
        texts = {
            "baseline": _("starting point"), "target": _("target"), "measures": _("measures"), "measure": _("measure"),
            "path": _("steady path to the target"), "date": _("Date"), "value": _("Value"), "kind": _("Point"),
            "desc": _("Starting point {baseline_value} on {baseline_date}; target {target_value} on {target_date}."),
            "desc_last": _("Measures taken: {count}, the last {value} on {date}."), "desc_none": _("No measure yet."),
        }

        def point(dated) -> tuple[datetime.date, float]:
            return dated.date, dated.value

        return charts.experiment_indicator_chart(
            f"indicator-{experiment_id}-{indicator.id}", self.edition.text(indicator.name),
            self.edition.text(indicator.unit), point(indicator.baseline), point(indicator.target),
            [point(m) for m in indicator.measures if m.date <= as_of], texts, self.edition.number,
            _short_date(self.edition))

    def experiment(self, experiment_id: str, experiment: ExperimentFile, as_of: datetime.date) -> ExperimentView:
        scenarios = {s.id: s for s in self.study.scenarios}
        indicators = []
        for indicator in experiment.indicators:
            progress = computed.indicator_progress(indicator, as_of)
            indicators.append(IndicatorView(indicator, progress, self.gettext(computed.PROGRESS_WORDS[progress.state]),
                                            self.indicator_chart(experiment_id, indicator, as_of)))
        return ExperimentView(
            experiment_id, experiment, self.gettext(STATUS_LABELS[experiment.status]),
            self.territory(experiment.territory), self.views.get(experiment.lead),
            [self.views[p] for p in experiment.partners if p in self.views],
            [taken for reference in experiment.actions if (taken := self.action(reference)) is not None],
            [scenarios[s] for s in experiment.scenarios if s in scenarios],
            [found for reference in experiment.hypotheses if (found := self.hypothesis(reference)) is not None],
            indicators)


def _short_date(edition):
    def short(value: datetime.date | None) -> str:
        return "" if value is None else format_date(value, format="medium", locale=formats_of(edition.language))
    return short


def _month(edition):
    def month(value: datetime.date | None) -> str:
        return "" if value is None else format_date(value, format="MMM y", locale=formats_of(edition.language))
    return month


def carnet_context(edition, **_document) -> dict[str, Any]:
    """The network handbook: organisations by territory and by theme, an entry per experiment, a timeline, the
    territories against the scenarios."""
    names = _Names(edition)
    study = names.study
    views = list(names.views.values())
    by_territory = []
    for territory in study.territories.values():
        here = [names.views[o.id] for o in names.organisations.values() if territory.id in o.territories]
        if here:
            by_territory.append((territory, here))
    nowhere = [names.views[o.id] for o in names.organisations.values()
               if not any(t in study.territories for t in o.territories)]
    by_theme = []
    for driver in study.meta.drivers:
        here = [names.views[o.id] for o in names.organisations.values() if driver.id in o.themes]
        if here:
            by_theme.append((driver, here))
    experiments = [names.experiment(eid, e, FAR_FUTURE) for eid, e in study.experiments.items()]
    return {
        "network": study.network, "organisations": views, "by_territory": by_territory, "nowhere": nowhere,
        "by_theme": by_theme, "experiments": experiments, "timeline": timeline(study),
        "grid": territory_grid(study, experiments), "short_date": _short_date(edition), "month": _month(edition),
        "hypothesis_words": names.hypothesis_words,
    }


@dataclass
class TimelineRow:
    experiment: ExperimentView | None
    id: str
    title: Text
    started: datetime.date | None
    ends: datetime.date | None
    next_review: datetime.date | None
    left: float  # where its bar starts, in % of the timeline's width
    width: float
    review: float | None  # where its next review is, in %


@dataclass
class Timeline:
    first: datetime.date
    last: datetime.date
    years: list[tuple[int, float]]  # each 1 January within, and where it is, in %
    rows: list[TimelineRow]


def timeline(study: Study) -> Timeline | None:
    """The experiments from their start to their end, their next review marked, on one scale of time."""
    dates = [d for e in study.experiments.values() for d in (e.started, e.ends, e.next_review) if d is not None]
    if not dates:
        return None
    first = datetime.date(min(dates).year, 1, 1)
    last = datetime.date(max(dates).year + 1, 1, 1)
    span = (last - first).days

    def at(day: datetime.date) -> float:
        return round(100 * (day - first).days / span, 2)

    rows = []
    for experiment_id, experiment in study.experiments.items():
        start = experiment.started or experiment.next_review or experiment.ends
        end = experiment.ends or experiment.next_review or start
        left = at(start) if start else 0.0
        width = max(0.8, at(end) - left) if start and experiment.started and experiment.ends else 0.0
        rows.append(TimelineRow(None, experiment_id, experiment.title, experiment.started, experiment.ends,
                                experiment.next_review, left, width,
                                at(experiment.next_review) if experiment.next_review else None))
    years = [(year, at(datetime.date(year, 1, 1))) for year in range(first.year, last.year + 1)]
    return Timeline(first, last, years, rows)


@dataclass
class GridRow:
    territory: Any
    cells: list[list[ExperimentView]]  # by scenario of the study


def territory_grid(study: Study, experiments: list[ExperimentView]) -> list[GridRow]:
    """Territories (those with an experiment) against the study's scenarios: the experiments preparing for each
    scenario on each territory."""
    rows = []
    for territory in study.territories.values():
        here = [e for e in experiments if e.experiment.territory == territory.id]
        if here:
            rows.append(GridRow(territory, [[e for e in here if scenario in e.scenarios]
                                            for scenario in study.scenarios]))
    return rows


def followup_context(edition, as_of: datetime.date, **_document) -> dict[str, Any]:
    """The follow-up report at `as_of`: experiments by status, their indicators, the reviews overdue, the watch by
    hypothesis (a chart per driver), the triggers, fired or not."""
    names = _Names(edition)
    study = names.study
    views = {eid: names.experiment(eid, e, as_of) for eid, e in study.experiments.items()}
    by_id = {id(e): views[eid] for eid, e in study.experiments.items()}
    grouped = computed.experiments_by_status(study)
    by_status = [(status, edition.gettext(STATUS_LABELS[status]), [by_id[id(e)] for e in grouped[status]])
                 for status in STATUSES]
    counts = computed.hypothesis_counts(study, as_of)
    watch_by_driver: list[tuple[Driver, list[computed.HypothesisWatch]]] = []
    for row in counts:
        if not watch_by_driver or watch_by_driver[-1][0] is not row.driver:
            watch_by_driver.append((row.driver, []))
        watch_by_driver[-1][1].append(row)
    quarters = [q.name(edition.gettext) for q in computed.last_quarters(as_of)]
    _ = edition.gettext
    texts = {"hypothesis": _("Hypothesis"), "signals": _("signals"), "total": _("In all"),
             "desc": _("Signals per quarter, from {first} to {last}, for each hypothesis of this driver: {counts}."),
             "count": _("{name}, {count}")}
    watch_charts = {
        driver.id: charts.watch_chart(f"watch-chart-{driver.id}", edition.text(driver.name), quarters,
                                      [(edition.text(row.hypothesis.label), [c.count for c in row.quarters])
                                       for row in rows], texts, [row.total for row in rows])
        for driver, rows in watch_by_driver}
    triggers = computed.watched_triggers(study, as_of)
    workshops = {w.id: w for w in study.workshops}

    def group_name(trigger: computed.FiredTrigger) -> Text | None:
        workshop = workshops[trigger.workshop]
        return next((g.name for g in workshop.data.groups if g.id == trigger.group), None)

    return {
        "as_of": as_of, "network": study.network, "watch": study.watch, "experiments": list(views.values()),
        "by_status": by_status, "overdue": [by_id[id(e)] for e in computed.overdue_reviews(study, as_of)],
        "watch_by_driver": watch_by_driver, "quarters": quarters, "watch_charts": watch_charts,
        "signals": sorted((s for s in study.watch.signals if s.date <= as_of), key=lambda s: s.date)
        if study.watch else [],
        "fired": [t for t in triggers if t.fired], "waiting": [t for t in triggers if not t.fired],
        "workshop_title": lambda trigger: workshops[trigger.workshop].data.title, "group_name": group_name,
        "short_date": _short_date(edition), "hypothesis_words": names.hypothesis_words,
        "territory_name": names.territory,
        "organisation_name": lambda oid: names.views[oid].name if oid in names.views else "",
    }
