"""The baseline « si rien ne change » in numbers: each indicator's chart, its rule and its value at the horizon.

A study's indicator series (and a territory's) are projected to the horizon by `toolkit.study.indicators`;
here each projection becomes what a page shows of it (issue 15): the chart (observed values solid, the
projection dashed, the band of a published projection's variants, the contrasted scenarios' own values
as assumptions), the rule in one sentence, the value at the horizon in words, and the sources of the
observed values. Every word goes through the edition's catalogue, so a study's translation of a message
wins as it does everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from gettext import NullTranslations

from toolkit.kit.i18n import N_
from toolkit.study.indicators import (
    Point,
    Projection,
    number_text,
    projections,
    quantity_words,
    rate_text,
    rounded,
    rule_words,
    signed_text,
)
from toolkit.study.model import Scenario, Source, Study, Text
from toolkit.synthesis.charts import LABEL_SIZE, Chart, indicator_chart

# The chart's words, as msgids of the catalogue (placeholders in braces: the chart fills them).
_CHART_WORDS = {
    "year": N_("Year"),
    "observed": N_("observed"),
    "projected": N_("projected"),
    "low": N_("low variant"),
    "high": N_("high variant"),
    "assumption": N_("scenario assumption"),
    "band": N_("range: low and high variants"),
    "desc": N_("{first_value} in {first_year}, {last_value} in {last_year}; if nothing changes, {horizon_value} in "
            "{horizon}."),
    "desc_band": N_("Range in {year}: from {low} to {high}."),
    "desc_scenarios": N_("Values of the scenarios in {horizon} ({assumption}): {values}."),
    "scenario_value": N_("{name}: {value}"),
}

# The rule in a few words, for a card (the chapter and the posters state it in a whole sentence: `rule_words`).
_SHORT_GROWTH = N_("Rule: the %(first)s–%(last)s growth extended (%(rate)s a year).")
_SHORT_TREND = N_("Rule: the %(first)s–%(last)s trend extended (%(slope)s %(unit)s a year).")
_SHORT_PUBLISHED = N_("Rule: the projection published by %(author)s.")
_SHORT_PUBLISHED_ANONYMOUS = N_("Rule: the published projection.")


@dataclass(frozen=True)
class Assumption:
    """A contrasted scenario's own value of an indicator at the horizon, as its chapter and its card print it."""

    scenario: str  # the scenario's id
    value: float
    words: str  # « 2,1 millions de foyers »
    note: Text | None = None


@dataclass(frozen=True)
class BaselineFigure:
    """One indicator as the baseline chapter prints it."""

    projection: Projection
    chart: Chart
    rule: str  # « Si rien ne change : la croissance annuelle moyenne observée de 2016 à 2021 (+0,9 % par an)… »
    at_horizon: str  # « 6,9 millions de personnes »
    sources: list[Source]  # of the observed (and published) values, in the order they are first used
    header: list[str]  # the data table printed under the chart
    rows: list[list[str]]
    short_rule: str = ""  # « Règle : la tendance 2019–2024 prolongée (−30 600 foyers par an). »
    short_sources: str = ""  # the sources' short names: « DREES ; Vie-publique.fr »
    assumptions: tuple[Assumption, ...] = ()  # the contrasted scenarios' own values at the horizon
    # (width_pt, height_pt, label_size, with the scenarios' values) -> the chart drawn to that size
    _draw: Callable[[float, float, float, bool], Chart] | None = field(default=None, repr=False, compare=False)
    _drawn: dict = field(default_factory=dict, repr=False, compare=False)

    def drawn(self, width_pt: float, height_pt: float, label_size: float = LABEL_SIZE,
              scenarios: bool = True, press: bool = False) -> Chart:
        """The chart drawn to another size than the chapter's (a card's fixed box, an A3 poster), once per size;
        without `scenarios`, the baseline alone (a card of the baseline); with `press`, its colours in CMYK (the
        print shop's PDF/X-4 has no RGB)."""
        key = (width_pt, height_pt, label_size, scenarios)
        if key not in self._drawn:
            self._drawn[key] = self._draw(*key) if self._draw else self.chart
        chart = self._drawn[key]
        return replace(chart, svg=_COLOUR.sub(_cmyk, chart.svg)) if press else chart

    def assumption_of(self, scenario: Scenario) -> Assumption | None:
        """The scenario's own value of this indicator at the horizon, if it gives one."""
        return next((given for given in self.assumptions if given.scenario == scenario.id), None)


def baseline_figures(study: Study, language: str, catalogue: NullTranslations,
                     territory: str | None = None) -> list[BaselineFigure]:
    """The figures of the study's own series (`territory` None) or of one territory's, in the files' order;
    `catalogue`: the edition's translations."""
    texts = {key: catalogue.gettext(message) for key, message in _CHART_WORDS.items()}
    authors = {source.id: source.short or source.author for source in study.meta.sources}
    figures = []
    for index, projection in enumerate(projections(study, territory)):
        draw = _drawer(study, language, texts, projection, f"indicator-{territory or 'study'}-{index}")
        sources = _sources(study, projection)
        figures.append(BaselineFigure(
            projection, draw(),
            rule_words(projection, language, sources=authors, catalogue=catalogue, study_language=study.meta.language),
            quantity_words(projection.at_horizon, projection.unit, language, catalogue, study.meta.language),
            sources, *_table(projection, texts, language, study),
            short_rule=_short_rule(projection, language, authors, catalogue, study.meta.language),
            short_sources=" ; ".join(dict.fromkeys(source.short or source.author for source in sources)),
            assumptions=tuple(_assumptions(study, projection, language, catalogue)),
            _draw=draw))
    return figures


_COLOUR = re.compile(r'(fill|stroke)="#([0-9a-fA-F]{6})"')


def _cmyk(match: re.Match) -> str:
    """An SVG colour attribute in CMYK: a grey (every colour of an indicator chart) in black ink alone."""
    red, green, blue = (int(match.group(2)[i:i + 2], 16) / 255 for i in (0, 2, 4))
    black = 1 - max(red, green, blue)
    cyan, magenta, yellow = ((0.0, 0.0, 0.0) if black >= 1 else
                             tuple((1 - value - black) / (1 - black) for value in (red, green, blue)))
    return f'{match.group(1)}="device-cmyk({cyan:.3g} {magenta:.3g} {yellow:.3g} {black:.3g})"'


def _drawer(study: Study, language: str, texts: dict[str, str], projection: Projection,
            chart_id: str) -> Callable[..., Chart]:
    """Draws the projection's chart: at the chapter's size by default, else to the size asked for (its id then
    names the size: a document may print both)."""

    def draw(width_pt: float | None = None, height_pt: float = 200, label_size: float = LABEL_SIZE,
             scenarios: bool = True) -> Chart:
        size = {} if width_pt is None else {"width_pt": width_pt, "height_pt": height_pt, "label_size": label_size}
        suffix = "" if width_pt is None else f"-{round(width_pt)}x{round(height_pt)}"
        return indicator_chart(
            chart_id + suffix, projection.name.get(language, study.meta.language),
            projection.unit.get(language, study.meta.language),
            [(point.year, point.value) for point in projection.observed],
            [(point.year, point.value) for point in projection.projected], projection.horizon, texts,
            low=[(point.year, point.value) for point in projection.low],
            high=[(point.year, point.value) for point in projection.high],
            scenarios=_scenario_values(study, projection, language) if scenarios else [],
            format_number=lambda value: number_text(rounded(value), language), **size)

    return draw


def _short_rule(projection: Projection, language: str, authors: dict[str, str], catalogue: NullTranslations,
                study_language: str) -> str:
    if projection.rule == "published":
        ids = [point.source for point in projection.projected[1:] if point.source]
        author = authors.get(ids[-1]) if ids else None
        if author:
            return catalogue.gettext(_SHORT_PUBLISHED) % {"author": author}
        return catalogue.gettext(_SHORT_PUBLISHED_ANONYMOUS)
    first, last = projection.window[0].year, projection.window[-1].year
    if projection.rule == "growth":
        return catalogue.gettext(_SHORT_GROWTH) % {"first": first, "last": last,
                                                   "rate": rate_text(projection.rate or 0.0, language)}
    return catalogue.gettext(_SHORT_TREND) % {"first": first, "last": last,
                                              "slope": signed_text(rounded(projection.rate or 0.0), language),
                                              "unit": projection.unit.get(language, study_language)}


def _assumptions(study: Study, projection: Projection, language: str, catalogue: NullTranslations):
    for scenario in study.scenarios:
        if scenario.baseline:
            continue
        for given in scenario.data.horizon_values:
            if given.indicator == projection.indicator_id and given.territory == projection.territory:
                yield Assumption(scenario.id, given.value, quantity_words(
                    given.value, projection.unit, language, catalogue, study.meta.language), given.note)


def _table(projection: Projection, texts: dict[str, str], language: str, study: Study) -> tuple[list, list]:
    """The chart's data as a reader checks it: every observed year as published, then the projection every five
    years and at the horizon, rounded as the text rounds it (a computed projection is not precise to the unit; a
    published one is printed as published); the variants' columns only when the projection has them, a row per
    scenario value."""
    band = bool(projection.low or projection.high)
    header = [texts["year"], texts["observed"], texts["projected"]] + ([texts["low"], texts["high"]] if band else [])
    shown = [point for point in projection.projected[1:]
             if point.year % 5 == 0 or point.year == projection.horizon or projection.rule == "published"]
    low, high = _by_year(projection.low), _by_year(projection.high)
    rows = [[str(point.year), number_text(point.value, language), ""] + (["", ""] if band else [])
            for point in projection.observed]
    for point in shown:
        given = projection.rule == "published"  # a published value is printed as published, a computed one rounded
        row = [str(point.year), "", number_text(point.value if given else rounded(point.value), language)]
        if band:
            row += [_number(low.get(point.year), language), _number(high.get(point.year), language)]
        rows.append(row)
    for name, value in _scenario_values(study, projection, language):
        rows.append([f"{projection.horizon} · {name} ({texts['assumption']})", "", number_text(value, language)]
                    + (["", ""] if band else []))
    return header, rows


def _by_year(points: tuple[Point, ...]) -> dict[int, float]:
    return {point.year: point.value for point in points}


def _number(value: float | None, language: str) -> str:
    return "" if value is None else number_text(value, language)


def _scenario_values(study: Study, projection: Projection, language: str) -> list[tuple[str, float]]:
    """Each contrasted scenario's own value of this indicator at the horizon (its title, the value)."""
    return [(scenario.title.get(language, study.meta.language), given.value)
            for scenario in study.scenarios if not scenario.baseline
            for given in scenario.data.horizon_values
            if given.indicator == projection.indicator_id and given.territory == projection.territory]


def _sources(study: Study, projection: Projection) -> list[Source]:
    ids = dict.fromkeys(point.source for point in (*projection.observed, *projection.projected, *projection.low,
                                                   *projection.high) if point.source)
    return [source for source in (study.source(id_) for id_ in ids) if source is not None]
