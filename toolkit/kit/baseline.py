"""The baseline « si rien ne change » in numbers: each indicator's chart, its rule and its value at the horizon.

A study's indicator series (and a territory's) are projected to the horizon by `toolkit.study.indicators`;
here each projection becomes what a page shows of it (issue 15): the chart (observed values solid, the
projection dashed, the band of a published projection's variants, the contrasted scenarios' own values
as assumptions), the rule in one sentence, the value at the horizon in words, and the sources of the
observed values. Every word goes through the edition's catalogue, so a study's translation of a message
wins as it does everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations

from toolkit.kit.i18n import N_
from toolkit.study.indicators import Point, Projection, number_text, projections, quantity_words, rounded, rule_words
from toolkit.study.model import Source, Study
from toolkit.synthesis.charts import Chart, indicator_chart

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


def baseline_figures(study: Study, language: str, catalogue: NullTranslations,
                     territory: str | None = None) -> list[BaselineFigure]:
    """The figures of the study's own series (`territory` None) or of one territory's, in the files' order;
    `catalogue`: the edition's translations."""
    texts = {key: catalogue.gettext(message) for key, message in _CHART_WORDS.items()}
    authors = {source.id: source.short or source.author for source in study.meta.sources}
    figures = []
    for index, projection in enumerate(projections(study, territory)):
        name = projection.name.get(language, study.meta.language)
        unit = projection.unit.get(language, study.meta.language)
        chart = indicator_chart(
            f"indicator-{territory or 'study'}-{index}", name, unit,
            [(point.year, point.value) for point in projection.observed],
            [(point.year, point.value) for point in projection.projected], projection.horizon, texts,
            low=[(point.year, point.value) for point in projection.low],
            high=[(point.year, point.value) for point in projection.high],
            scenarios=_scenario_values(study, projection, language),
            format_number=lambda value: number_text(rounded(value), language))
        figures.append(BaselineFigure(
            projection, chart,
            rule_words(projection, language, sources=authors, catalogue=catalogue, study_language=study.meta.language),
            quantity_words(projection.at_horizon, projection.unit, language, catalogue, study.meta.language),
            _sources(study, projection), *_table(projection, texts, language, study)))
    return figures


def _table(projection: Projection, texts: dict[str, str], language: str, study: Study) -> tuple[list, list]:
    """The chart's data as a reader checks it: every observed year as published, then the projection every five
    years and at the horizon, rounded as the text rounds it (a projection is not precise to the unit); the
    variants' columns only when the projection has them, a row per scenario value."""
    band = bool(projection.low or projection.high)
    header = [texts["year"], texts["observed"], texts["projected"]] + ([texts["low"], texts["high"]] if band else [])
    shown = [point for point in projection.projected[1:]
             if point.year % 5 == 0 or point.year == projection.horizon or projection.rule == "published"]
    low, high = _by_year(projection.low), _by_year(projection.high)
    rows = [[str(point.year), number_text(point.value, language), ""] + (["", ""] if band else [])
            for point in projection.observed]
    for point in shown:
        row = [str(point.year), "", number_text(rounded(point.value), language)]
        if band:
            row += [_number(low.get(point.year), language), _number(high.get(point.year), language)]
        rows.append(row)
    for name, value in _scenario_values(study, projection, language):
        rows.append([f"{projection.horizon} · {name} [{texts['assumption']}]", "", number_text(value, language)]
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
