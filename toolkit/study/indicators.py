"""Indicator series of a study and of its territories, and the baseline's projection « si rien ne change ».

A study may give its own (national) indicator series in `indicators.yaml`, and each territory its
own in `territories/<id>.yaml`: values observed by year, each with a source id of the study, and
the rule that extends them to the study's horizon (issue 15):

- `growth`: the average annual growth of the last N observed years, kept up to the horizon;
- `trend`: the straight line fitted by least squares on the last N observed years;
- `published`: the values of a published projection (Insee...), taken as they are, with its
  low and high variants when it has them (a band).

Here: the file models (checked by `toolkit.study.load`, which adds the rules that span files),
the computed `Projection` and the rule stated in words. No file reading, no YAML, no drawing: the
kit and the charts import it. The words go through the toolkit's catalogue (`toolkit.language`),
or through the catalogue a caller passes (an edition's own).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from gettext import NullTranslations
from pathlib import Path
from typing import Annotated, Literal

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from pydantic import Field

from toolkit.language import N_, formats_of, translations
from toolkit.limits import MAX_YEAR, MIN_YEAR
from toolkit.study.model import LocalText, Number, Slug, Strict, Study, Text

INDICATORS_FILE = "indicators.yaml"
TERRITORIES_DIR = "territories"
RULES = ("growth", "trend", "published")
MAX_WINDOW = MAX_YEAR - MIN_YEAR

Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


# --- the files --------------------------------------------------------------------------


class Value(Strict):
    """One value of a series: its year, the value, the study's source it was read in."""

    year: Year
    value: Number
    source: Slug


class Baseline(Strict):
    """How the series is extended to the horizon « si rien ne change »."""

    rule: Literal["growth", "trend", "published"]
    years: int | None = Field(default=None, ge=1, le=MAX_WINDOW)  # growth and trend: the last N observed years
    values: list[Value] = Field(default_factory=list)  # published: the projection's values, reaching the horizon
    low: list[Value] = Field(default_factory=list)  # published: its low variant (at years of `values`)
    high: list[Value] = Field(default_factory=list)  # published: its high variant


class Indicator(Strict):
    """An indicator series: what is counted, in which unit, the values observed, the baseline's rule."""

    id: Slug
    name: LocalText
    unit: LocalText  # printed after numbers: « 1,9 million de personnes »
    observed: list[Value] = Field(min_length=1)
    baseline: Baseline


class IndicatorsFile(Strict):
    """`indicators.yaml`: the study's own (national) indicator series."""

    indicators: list[Indicator] = Field(min_length=1)


class TerritoryFile(Strict):
    """`territories/<id>.yaml`: a territory of the study (a département...), its identity and its series."""

    id: Slug  # the file name without .yaml
    name: str = Field(min_length=1, max_length=200)  # a proper name, printed as written in every edition
    kind: LocalText  # « département », free text
    organisation: str = Field(min_length=1, max_length=200)  # as a person's organisation: printed as written
    logo: str | None = None  # a file under the study's assets/
    contact: str | None = Field(default=None, max_length=300)  # printed on covers
    partners: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)


@dataclass
class Territory:
    """A checked territory of a study."""

    id: str
    path: Path
    name: str
    kind: Text
    organisation: str
    indicators: list[Indicator] = field(default_factory=list)
    logo: Path | None = None  # the file itself, under the study's assets/
    contact: str | None = None
    partners: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, data: TerritoryFile, path: Path, study_folder: Path) -> Territory:
        return cls(id=data.id, path=path, name=data.name, kind=data.kind, organisation=data.organisation,
                   indicators=list(data.indicators), logo=study_folder / data.logo if data.logo else None,
                   contact=data.contact, partners=list(data.partners))


# --- computed values -------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    source: str | None = None  # a source id of the study; None for a value the toolkit computed


@dataclass(frozen=True)
class Projection:
    """An indicator's observed values and its baseline to the horizon.

    `projected` starts at the last observed point (so that its line joins the observed one) and ends
    at the horizon: one computed point a year for growth and trend, the published values as given.
    `low` and `high` are the published variants as given (within the projection's years).
    """

    indicator_id: str
    name: Text
    unit: Text
    observed: tuple[Point, ...]
    projected: tuple[Point, ...]
    low: tuple[Point, ...] = ()
    high: tuple[Point, ...] = ()
    rule: str = "growth"
    years: int | None = None  # N of growth and trend
    rate: float | None = None  # growth: the annual rate; trend: the slope per year
    at_horizon: float = 0.0  # projected[-1].value
    territory: str | None = None  # None: the study's own (national) series

    @property
    def window(self) -> tuple[Point, ...]:
        """The observed values the rule was computed on (growth and trend; none for a published projection)."""
        return window(self.observed, self.years) if self.years is not None else ()

    @property
    def last_observed(self) -> Point:
        return self.observed[-1]

    @property
    def horizon(self) -> int:
        return self.projected[-1].year


class NotComputable(ValueError):
    """The rule cannot be computed on these values (`prospective check` says why, located)."""


def window(observed: Sequence[Point] | Sequence[Value], years: int) -> tuple:
    """The observed values of the last `years` years: those whose year >= the last observed year - `years`."""
    if not observed:
        return ()
    start = observed[-1].year - years
    return tuple(value for value in observed if value.year >= start)


def growth_rate(values: Sequence[Point]) -> float:
    """The constant annual growth from the first to the last of `values` (all > 0, two years at least apart)."""
    first, last = values[0], values[-1]
    if len(values) < 2 or last.year <= first.year:
        raise NotComputable("growth needs two observed values of different years")
    if any(point.value <= 0 for point in values):
        raise NotComputable("growth needs positive values")
    return (last.value / first.value) ** (1 / (last.year - first.year)) - 1


def fitted_line(values: Sequence[Point]) -> tuple[float, float]:
    """(a, b) of the least-squares line value = a + b * year through `values` (two years at least)."""
    if len({point.year for point in values}) < 2:
        raise NotComputable("a line needs two observed values of different years")
    count = len(values)
    mean_year = sum(point.year for point in values) / count
    mean_value = sum(point.value for point in values) / count
    spread = sum((point.year - mean_year) ** 2 for point in values)
    slope = sum((point.year - mean_year) * (point.value - mean_value) for point in values) / spread
    return mean_value - slope * mean_year, slope


def project(indicator: Indicator, horizon: int, territory: str | None = None) -> Projection:
    """The baseline of `indicator` from its last observed year to `horizon`; `NotComputable` if it cannot be."""
    observed = tuple(Point(value.year, value.value, value.source) for value in indicator.observed)
    if not observed:
        raise NotComputable("no observed value")
    last = observed[-1]
    if last.year >= horizon:
        raise NotComputable("the last observed year is not before the horizon")
    baseline = indicator.baseline
    common = {"indicator_id": indicator.id, "name": indicator.name, "unit": indicator.unit, "observed": observed,
              "rule": baseline.rule, "territory": territory}
    if baseline.rule == "published":
        def given(values: list[Value]) -> tuple[Point, ...]:
            return tuple(Point(v.year, v.value, v.source) for v in values if last.year < v.year <= horizon)

        published = given(baseline.values)
        if not published or published[-1].year != horizon:
            raise NotComputable("the published projection does not reach the horizon")
        return Projection(**common, projected=(last, *published), low=given(baseline.low), high=given(baseline.high),
                          at_horizon=published[-1].value)
    if baseline.years is None:
        raise NotComputable("growth and trend need `years`")
    values = window(observed, baseline.years)
    if len(values) < 2:
        raise NotComputable("fewer than two observed values in the window")
    if baseline.rule == "growth":
        rate = growth_rate(values)

        def at(year: int) -> float:
            return last.value * (1 + rate) ** (year - last.year)
    else:
        intercept, rate = fitted_line(values)

        def at(year: int) -> float:
            return intercept + rate * year
    projected = (last, *(Point(year, at(year)) for year in range(last.year + 1, horizon + 1)))
    return Projection(**common, projected=projected, years=baseline.years, rate=rate, at_horizon=projected[-1].value)


def projections(study: Study, territory: str | None = None) -> list[Projection]:
    """The projections of the study's own series (None), or of a territory's (its id), in the files' order."""
    indicators = study.indicators if territory is None else study.territories[territory].indicators
    return [project(indicator, study.meta.horizon, territory) for indicator in indicators]


# --- in words --------------------------------------------------------------------------

_GROWTH = N_("If nothing changes: the average annual growth observed from %(first)s to %(last)s (%(rate)s a year) "
             "is extended to %(horizon)s.")
_TREND = N_("If nothing changes: the straight line fitted on the years %(first)s to %(last)s (%(slope)s %(unit)s a "
            "year) is extended to %(horizon)s.")
_PUBLISHED = N_("If nothing changes: the projection published by %(author)s, taken as it is, up to %(horizon)s.")
_PUBLISHED_BAND = N_("If nothing changes: the projection published by %(author)s, taken as it is, up to "
                     "%(horizon)s; range: its low and high variants.")
_PUBLISHED_ANONYMOUS = N_("If nothing changes: the published projection, taken as it is, up to %(horizon)s.")
_PUBLISHED_ANONYMOUS_BAND = N_("If nothing changes: the published projection, taken as it is, up to %(horizon)s; "
                               "range: its low and high variants.")
_QUANTITY = N_("%(number)s %(unit)s")
_VOWELS = "aeiouyhàâäéèêëîïôöùûüœæ"
MILLION = 1_000_000


def _catalogue(language: str, catalogue: NullTranslations | None) -> NullTranslations:
    return catalogue if catalogue is not None else translations(language.split("-")[0])


def rounded(value: float) -> float:
    """A computed value to three significant digits from a thousand on: a projection is not precise to the unit."""
    return float(f"{value:.3g}") if abs(value) >= 1000 else value


def number_text(value: float, language: str) -> str:
    """A number as the language writes it, with the precision it deserves: 1 894 000, 12,5, 0,42."""
    size = abs(value)
    pattern = "#,##0" if size >= 100 else "#,##0.#" if size >= 10 else "#,##0.##"
    return format_decimal(value, format=pattern, locale=formats_of(language))


def signed_text(value: float, language: str) -> str:
    """A change with its sign: +12 300, −1,5 (a minus sign, not a hyphen), 0."""
    text = number_text(abs(value), language)
    return text if not re.search(r"[1-9]", text) else ("+" if value > 0 else "−") + text


def rate_text(rate: float, language: str) -> str:
    """An annual rate with its sign and one decimal, as the language writes a percentage: +2,1 %, −0,4 %."""
    locale = formats_of(language)
    pattern = Locale.parse(locale).percent_formats[None].pattern
    one_decimal = re.sub(r"0(?![0#,.])", "0.0", pattern, count=1)
    text = format_percent(abs(rate), format=one_decimal, locale=locale)
    shown_zero = not re.search(r"[1-9]", text)
    return text if shown_zero else ("+" if rate > 0 else "−") + text


def quantity_words(value: float, unit: Text, language: str, catalogue: NullTranslations | None = None,
                   study_language: str = "fr") -> str:
    """A value and its unit in words: « 86 900 personnes », « 1,9 million de personnes ».

    From a million on, the number is written in words with one decimal; below, rounded to three significant
    digits (a projection is not precise to the unit). `catalogue`: the translations to use (an edition's;
    default: the toolkit's own catalogue for `language`).
    """
    words = _catalogue(language, catalogue)
    unit_text = unit.get(language, study_language)
    if abs(value) < MILLION:
        return words.gettext(_QUANTITY) % {"number": number_text(rounded(value), language), "unit": unit_text}
    number = format_compact_decimal(value, format_type="long", locale=formats_of(language), fraction_digits=1)
    if unit_text[:1].lower() in _VOWELS:  # French: « 1,9 million d'habitants »
        message = words.pgettext("a million or more, before a vowel", "%(number)s %(unit)s")
    else:  # French: « 1,9 million de personnes »
        message = words.pgettext("a million or more", "%(number)s %(unit)s")
    return message % {"number": number, "unit": unit_text}


def rule_words(projection: Projection, language: str, *, sources: Mapping[str, str] | None = None,
               catalogue: NullTranslations | None = None, study_language: str = "fr") -> str:
    """The baseline's rule in one sentence of `language`, with its numbers.

    « Si rien ne change : la croissance annuelle moyenne observée de 2019 à 2024 (+2,1 % par an) est
    prolongée jusqu'en 2040. » `sources` names the publisher of a published projection by source id (a
    source's short name or author: « l'Insee »); `catalogue`: the translations to use (an edition's;
    default: the toolkit's own catalogue for `language`).
    """
    translate = _catalogue(language, catalogue).gettext
    horizon = projection.horizon
    if projection.rule == "published":
        band = bool(projection.low or projection.high)
        ids = [point.source for point in projection.projected[1:] if point.source]
        author = (sources or {}).get(ids[-1]) if ids else None
        if author:
            return translate(_PUBLISHED_BAND if band else _PUBLISHED) % {"author": author, "horizon": horizon}
        return translate(_PUBLISHED_ANONYMOUS_BAND if band else _PUBLISHED_ANONYMOUS) % {"horizon": horizon}
    values = projection.window
    first, last = values[0].year, values[-1].year
    if projection.rule == "growth":
        return translate(_GROWTH) % {"first": first, "last": last, "rate": rate_text(projection.rate or 0.0, language),
                                     "horizon": horizon}
    slope = signed_text(rounded(projection.rate or 0.0), language)
    return translate(_TREND) % {"first": first, "last": last, "slope": slope,
                                "unit": projection.unit.get(language, study_language), "horizon": horizon}
