"""Indicator series and territories (issue 15): each projection recomputed by hand, every check located."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.helpers import SHIPPED, edit, problems_of, run, write
from toolkit.study.indicators import (
    Indicator,
    NotComputable,
    Point,
    project,
    projections,
    quantity_words,
    rate_text,
    rule_words,
)
from toolkit.study.load import load_study
from toolkit.study.model import Text

SOURCE = "  - id: source-a\n"  # the first source of the mini study
SECOND_SOURCE = """  - id: insee-projections
    author: Insee
    title: Projections de population
    year: 2022
"""

INDICATORS = """
indicators:
  - id: personnes-85-ans
    name: Personnes de 85 ans ou plus
    unit: personnes
    observed:
      - {year: 2018, value: 90, source: source-a}
      - {year: 2020, value: 100, source: source-a}
      - {year: 2022, value: 121, source: source-a}
    baseline:
      rule: growth
      years: 2
  - id: places
    name: Places en établissement
    unit: places
    observed:
      - {year: 2020, value: 10, source: source-a}
      - {year: 2021, value: 14, source: source-a}
      - {year: 2022, value: 15, source: source-a}
    baseline:
      rule: trend
      years: 5
  - id: population
    name: Population
    unit: habitants
    observed:
      - {year: 2018, value: 1000, source: source-a}
      - {year: 2020, value: 1040, source: source-a}
    baseline:
      rule: published
      values:
        - {year: 2030, value: 1100, source: insee-projections}
        - {year: 2035, value: 1150, source: insee-projections}
        - {year: 2040, value: 1180, source: insee-projections}
      low:
        - {year: 2035, value: 1080, source: insee-projections}
      high:
        - {year: 2035, value: 1200, source: insee-projections}
"""

TERRITORY = """
id: isere
name: Isère
kind: département
organisation: Département de l'Isère
logo: assets/logos/isere.svg
contact: Mission prospective, prospective@example.org
partners: [Société française de prospective]
indicators:
  - id: personnes-85-ans
    name: Personnes de 85 ans ou plus
    unit: personnes
    observed:
      - {year: 2019, value: 40, source: source-a}
      - {year: 2021, value: 44, source: source-a}
    baseline:
      rule: trend
      years: 2
"""

HORIZON_VALUES = """horizon_values:
  - indicator: personnes-85-ans
    value: 400
    note: Un choc démographique plus fort.
  - {indicator: personnes-85-ans, territory: isere, value: 50}
"""


@pytest.fixture
def study(mini: Path) -> Path:
    """The mini study (horizon 2035) with indicators.yaml, one territory and two values at the horizon."""
    edit(mini / "study.yaml", "sources:\n", "sources:\n" + SECOND_SOURCE)
    write(mini / "indicators.yaml", INDICATORS)
    write(mini / "territories/isere.yaml", TERRITORY)
    write(mini / "assets/logos/isere.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')
    edit(mini / "scenarios/plateformes.yaml", "questions:", HORIZON_VALUES + "questions:")
    return mini


def by_id(study_folder: Path, territory: str | None = None):
    return {p.indicator_id: p for p in projections(load_study(study_folder), territory)}


# --- the projections, recomputed by hand ---------------------------------------------


def test_growth_is_the_constant_annual_rate_of_the_window(study: Path):
    growth = by_id(study)["personnes-85-ans"]
    # window: the values of 2020 on (2022 - 2 years); 100 -> 121 in two years is 10 % a year; 2018 is left out
    assert [p.year for p in growth.window] == [2020, 2022]
    assert growth.rate == pytest.approx(0.10)
    assert growth.projected[0] == Point(2022, 121.0, "source-a")  # the dashed line starts at the last observation
    assert [p.year for p in growth.projected] == list(range(2022, 2036))
    assert all(p.source is None for p in growth.projected[1:])
    assert growth.projected[1].value == pytest.approx(133.1)  # 121 * 1.1
    assert growth.at_horizon == pytest.approx(121 * 1.1 ** 13) == growth.projected[-1].value
    assert growth.at_horizon == pytest.approx(417.7248, abs=1e-3)
    assert (growth.rule, growth.years, growth.territory) == ("growth", 2, None)
    assert growth.name == Text({"*": "Personnes de 85 ans ou plus"}) and growth.unit.get("fr") == "personnes"


def test_trend_is_the_least_squares_line_of_the_window(study: Path):
    trend = by_id(study)["places"]
    # (2020, 10), (2021, 14), (2022, 15): means 2021 and 13; slope ((-1)(-3) + 0 + (1)(2)) / 2 = 2.5 a year
    assert trend.rate == pytest.approx(2.5)
    assert trend.projected[0] == Point(2022, 15.0, "source-a")
    assert trend.projected[1].value == pytest.approx(18.0)  # 13 + 2.5 * (2023 - 2021): on the line, not from 15
    assert trend.at_horizon == pytest.approx(48.0)  # 13 + 2.5 * 14
    assert len(trend.projected) == 14


def test_published_values_are_taken_as_they_are_with_their_band(study: Path):
    published = by_id(study)["population"]
    assert published.projected == (Point(2020, 1040.0, "source-a"), Point(2030, 1100.0, "insee-projections"),
                                   Point(2035, 1150.0, "insee-projections"))  # 2040 is beyond the horizon
    assert published.low == (Point(2035, 1080.0, "insee-projections"),)
    assert published.high == (Point(2035, 1200.0, "insee-projections"),)
    assert (published.at_horizon, published.rate, published.years) == (1150.0, None, None)


def test_a_territory_has_its_own_series_and_identity(study: Path):
    loaded = load_study(study)
    isere = loaded.territories["isere"]
    assert (isere.name, isere.kind.get("fr"), isere.organisation) == ("Isère", "département", "Département de l'Isère")
    assert isere.logo == loaded.folder / "assets/logos/isere.svg" and isere.logo.is_file()
    assert isere.contact == "Mission prospective, prospective@example.org"
    assert isere.partners == ["Société française de prospective"]
    [own] = projections(loaded, "isere")
    # (2019, 40), (2021, 44): a line of slope 2 a year through both; 44 + 2 * 14 in 2035
    assert (own.territory, own.rule, own.rate) == ("isere", "trend", pytest.approx(2.0))
    assert own.at_horizon == pytest.approx(72.0)
    [first, second] = loaded.scenarios[1].data.horizon_values
    assert (first.indicator, first.value, first.territory) == ("personnes-85-ans", 400.0, None)
    assert (second.territory, second.value) == ("isere", 50.0)


def test_project_refuses_what_cannot_be_computed():
    def indicator(rule: dict, *values: tuple[int, float]) -> Indicator:
        return Indicator.model_validate({"id": "x", "name": "X", "unit": "u", "baseline": rule,
                                         "observed": [{"year": y, "value": v, "source": "s"} for y, v in values]})

    with pytest.raises(NotComputable):
        project(indicator({"rule": "growth", "years": 2}, (2020, 0), (2022, 5)), 2035)
    with pytest.raises(NotComputable):
        project(indicator({"rule": "trend", "years": 1}, (2020, 1), (2022, 5)), 2035)
    with pytest.raises(NotComputable):
        project(indicator({"rule": "trend", "years": 5}, (2020, 1), (2022, 5)), 2022)
    with pytest.raises(NotComputable):
        project(indicator({"rule": "published", "values": [{"year": 2030, "value": 1, "source": "s"}]}, (2020, 1)),
                2035)


# --- the rule in words --------------------------------------------------------------------


def test_the_rule_in_words_in_french_and_english(study: Path):
    found = by_id(study)
    sources = {"insee-projections": "Insee"}
    assert rule_words(found["personnes-85-ans"], "fr") == (
        "Si rien ne change : la croissance annuelle moyenne observée de 2020 à 2022 (+10,0\xa0% par an) est "
        "prolongée jusqu'en 2035.")
    assert rule_words(found["personnes-85-ans"], "en") == (
        "If nothing changes: the average annual growth observed from 2020 to 2022 (+10.0% a year) is extended "
        "to 2035.")
    assert rule_words(found["places"], "fr") == (
        "Si rien ne change : la droite ajustée sur les années 2020 à 2022 (+2,5 places par an) est prolongée "
        "jusqu'en 2035.")
    assert rule_words(found["population"], "fr", sources=sources) == (
        "Si rien ne change : la projection publiée (source : Insee), reprise telle quelle, jusqu'en 2035 ; "
        "fourchette : ses hypothèses basse et haute.")
    assert rule_words(found["population"], "en", sources={"insee-projections": "Insee"}) == (
        "If nothing changes: the projection published by Insee, taken as it is, up to 2035; range: its low and "
        "high variants.")


def test_numbers_in_words_follow_the_language():
    assert rate_text(0.0213, "fr") == "+2,1\xa0%"
    assert rate_text(-0.004, "en") == "−0.4%"
    people, inhabitants = Text({"*": "personnes"}), Text({"fr": "habitants", "en": "inhabitants"})
    assert quantity_words(1_894_000, people, "fr") == "1,9 million de personnes"
    assert quantity_words(2_300_000, inhabitants, "fr") == "2,3 millions d'habitants"
    assert quantity_words(2_300_000, inhabitants, "en") == "2.3 million inhabitants"
    assert quantity_words(86_866.4, people, "fr") == "86\u202f900 personnes"
    assert quantity_words(86_866.4, inhabitants, "en") == "86,900 inhabitants"


# --- loading: without the new files, nothing changes ----------------------------------------


def test_a_study_without_series_loads_as_before(mini: Path):
    loaded = load_study(mini)
    assert (loaded.indicators, loaded.territories) == ([], {})
    assert projections(loaded) == []


def test_the_shipped_study_checks():
    result = run("check", str(SHIPPED))
    assert result.exit_code == 0, result.stderr


def test_the_fixture_study_checks(study: Path):
    result = run("check", str(study))
    assert result.exit_code == 0, result.stderr
    loaded = load_study(study)
    assert [i.id for i in loaded.indicators] == ["personnes-85-ans", "places", "population"]
    assert list(loaded.territories) == ["isere"]


# --- every check, located -------------------------------------------------------------------


def test_years_must_go_up(study: Path):
    edit(study / "indicators.yaml", "{year: 2022, value: 121", "{year: 2020, value: 121")
    edit(study / "indicators.yaml", "{year: 2021, value: 14", "{year: 2022, value: 14")
    assert problems_of(study) == [
        "indicators.yaml:8:16: 2020 comes after 2020: the years of a series go up, each once",
        "indicators.yaml:18:16: 2022 comes after 2022: the years of a series go up, each once"]


def test_every_value_needs_a_known_source(study: Path):
    edit(study / "indicators.yaml", "{year: 2020, value: 100, source: source-a}", "{year: 2020, value: 100}")
    edit(study / "indicators.yaml", "{year: 2035, value: 1080, source: insee-projections}",
         "{year: 2035, value: 1080, source: insee-projection}")
    edit(study / "territories/isere.yaml", "{year: 2021, value: 44, source: source-a}",
         "{year: 2021, value: 44, source: source-b}")
    assert problems_of(study) == [
        "indicators.yaml:7:9: missing required field 'source'",
        "indicators.yaml:35:45: unknown source 'insee-projection' (did you mean 'insee-projections'?)",
        "territories/isere.yaml:14:41: unknown source 'source-b' (did you mean 'source-a'?)"]


def test_one_unit_per_indicator_id(study: Path):
    edit(study / "territories/isere.yaml", "unit: personnes", "unit: habitants")
    assert problems_of(study) == [
        "territories/isere.yaml:11:11: the unit 'habitants' of 'personnes-85-ans' is not the one it has in "
        "indicators.yaml ('personnes')"]


def test_growth_needs_two_positive_values_in_its_window(study: Path):
    edit(study / "indicators.yaml", "      years: 2\n", "      years: 1\n")
    assert problems_of(study) == [
        "indicators.yaml:11:14: the rule 'growth' over the last 1 years needs at least two observed values from "
        "2021 to 2022; found: 1"]
    edit(study / "indicators.yaml", "      years: 1\n", "      years: 2\n")
    edit(study / "indicators.yaml", "{year: 2020, value: 100,", "{year: 2020, value: 0,")
    assert problems_of(study) == ["indicators.yaml:7:29: an annual growth rate needs values above zero: 0 in 2020"]


def test_growth_and_trend_need_years_and_no_published_values(study: Path):
    edit(study / "indicators.yaml", "      rule: trend\n      years: 5\n",
         "      rule: trend\n      low:\n        - {year: 2035, value: 1, source: source-a}\n")
    assert problems_of(study) == [
        "indicators.yaml:20:13: the rule 'trend' needs `years`: the number of last observed years it is computed on",
        "indicators.yaml:21:7: `low` is for a published projection, not for the rule 'trend'"]


def test_a_published_projection_reaches_the_horizon_inside_its_band(study: Path):
    edit(study / "indicators.yaml", "{year: 2035, value: 1150,", "{year: 2034, value: 1150,")
    edit(study / "indicators.yaml", "{year: 2035, value: 1200,", "{year: 2030, value: 1090,")
    edit(study / "indicators.yaml", "      rule: published\n", "      rule: published\n      years: 3\n")
    assert problems_of(study) == [
        "indicators.yaml:30:7: `years` is for the rules growth and trend: a published projection is taken as it is",
        "indicators.yaml:31:7: the published projection has no value for 2035, the study's horizon",
        "indicators.yaml:36:18: `low` has a value for 2035, a year the projection's `values` do not have",
        "indicators.yaml:38:31: in 2030 the high variant (1090) is below the projection (1100)"]


def test_the_last_observation_comes_before_the_horizon(study: Path):
    edit(study / "territories/isere.yaml", "{year: 2021, value: 44,", "{year: 2035, value: 44,")
    assert problems_of(study) == [
        "territories/isere.yaml:14:16: the last observed year, 2035, is not before the study's horizon (2035)"]


def test_ids_are_unique_and_a_territory_is_named_by_its_file(study: Path):
    edit(study / "indicators.yaml", "  - id: places", "  - id: personnes-85-ans")
    edit(study / "territories/isere.yaml", "id: isere", "id: isere-38")
    assert problems_of(study) == [
        "indicators.yaml:12:9: duplicate id 'personnes-85-ans' in indicators",
        "territories/isere.yaml:1:5: id 'isere-38' does not match the file name 'isere.yaml'"]


@pytest.mark.parametrize("name", ["gros-caracteres", "large-print", "facile-a-lire"])
def test_a_territory_may_not_take_an_editions_folder(study: Path, name: str):
    """The kit of territory X is `<lang>-X/`, the large-print edition's `fr-gros-caracteres/`: one would replace the
    other, so the id is refused (in the study's languages and as the command's word)."""
    (study / "territories/isere.yaml").rename(study / f"territories/{name}.yaml")
    edit(study / f"territories/{name}.yaml", "id: isere", f"id: {name}")
    problems = problems_of(study)
    assert len(problems) == 1
    assert problems[0].startswith(f"territories/{name}.yaml:1:1: '{name}' names the folder of the")


def test_a_logo_is_a_file_of_the_study_assets(study: Path):
    edit(study / "territories/isere.yaml", "logo: assets/logos/isere.svg", "logo: ../logo.svg")
    assert problems_of(study) == [
        "territories/isere.yaml:5:7: refused logo '../logo.svg': the file is outside the study's assets/ folder"]
    edit(study / "territories/isere.yaml", "logo: ../logo.svg", "logo: assets/logos/isere.png")
    assert problems_of(study) == ["territories/isere.yaml:5:7: refused logo 'assets/logos/isere.png': no such file"]


def test_horizon_values_name_an_indicator_and_territory_that_exist(study: Path):
    edit(study / "scenarios/plateformes.yaml", "  - indicator: personnes-85-ans\n", "  - indicator: personnes-85\n")
    edit(study / "scenarios/plateformes.yaml", "territory: isere,", "territory: isre,")
    edit(study / "scenarios/communs.yaml", "questions:",
         "horizon_values:\n  - {indicator: places, territory: isere, value: 3}\n"
         "  - {indicator: places, value: 3}\n  - {indicator: places, value: 4}\nquestions:")
    assert problems_of(study) == [
        "scenarios/communs.yaml:10:17: territory 'isere' has no indicator 'places'",
        "scenarios/communs.yaml:12:5: a second value at the horizon for 'places'",
        "scenarios/plateformes.yaml:11:16: unknown indicator 'personnes-85' (did you mean 'personnes-85-ans'?)",
        "scenarios/plateformes.yaml:14:46: unknown territory 'isre' (did you mean 'isere'?)"]


def test_the_baseline_carries_no_horizon_values(study: Path):
    edit(study / "scenarios/si-rien-ne-change.yaml", "questions:",
         "horizon_values:\n  - {indicator: places, value: 3}\nquestions:")
    assert problems_of(study) == [
        "scenarios/si-rien-ne-change.yaml:17:1: the baseline scenario may not set values at the horizon: its "
        "values are the projections of the indicator series"]


def test_a_number_written_with_spaces_says_what_to_type(study: Path):
    edit(study / "indicators.yaml", "{year: 2018, value: 1000,", '{year: 2018, value: "1 000",')
    edit(study / "indicators.yaml", "{year: 2020, value: 1040,", '{year: 2020, value: "1,5",')
    study_problems = load_problems(study)
    assert [(p.location.line, p.message, p.hint) for p in study_problems] == [
        (26, "field 'indicators › population › observed › 1 › value': '1 000' is read as a text, not as a number",
         "write 1000: digits only, no space between thousands, a dot before decimals"),
        (27, "field 'indicators › population › observed › 2 › value': '1,5' is read as a text, not as a number",
         "write 1.5: digits only, no space between thousands, a dot before decimals")]


def load_problems(folder: Path) -> list:
    from toolkit.errors import InputError

    with pytest.raises(InputError) as caught:
        load_study(folder)
    return caught.value.problems.sorted()


def test_a_broken_series_file_does_not_make_references_unknown(study: Path):
    edit(study / "indicators.yaml", "    unit: places\n", "    unit: [places]\n")
    write(study / "territories/isere.yaml", "id: [isere\n")
    [first, second] = problems_of(study)
    assert first.startswith("indicators.yaml:14:11: field 'indicators › places › unit'")
    assert second.startswith("territories/isere.yaml:")
    assert "YAML syntax error" in second


# --- through `prospective check`, in English and in French -----------------------------------


def test_check_in_french(study: Path, french):
    edit(study / "indicators.yaml", "{year: 2022, value: 121, source: source-a}",
         "{year: 2022, value: 121, source: source-b}")
    edit(study / "indicators.yaml", "      years: 5\n", "      years: 0\n")
    edit(study / "territories/isere.yaml", "{year: 2021, value: 44,", "{year: 2019, value: 44,")
    result = run("check", str(study))
    assert result.exit_code == 1
    assert "indicators.yaml:8:42: erreur : source inconnue `source-b`" in result.stderr
    assert "territories/isere.yaml:14:16: erreur : 2019 vient après 2019 : les années d'une série vont croissant, " \
        "chacune une fois\n    conseil : écrivez les valeurs dans l'ordre de leurs années, une valeur par année" \
        in result.stderr
    assert "indicators.yaml:21:14: erreur : champ `indicators › places › baseline › years` : 0 est inférieur " \
        "à 1" in result.stderr
    assert "3 problèmes trouvés : rien n'a été écrit." in result.stderr


def test_check_in_english(study: Path):
    edit(study / "indicators.yaml", "{year: 2022, value: 121, source: source-a}",
         "{year: 2022, value: 121, source: source-b}")
    result = run("check", str(study))
    assert result.exit_code == 1
    assert "indicators.yaml:8:42: error: unknown source 'source-b' (did you mean 'source-a'?)" in result.stderr
    assert "hint: add it to the sources list of study.yaml, or fix the id" in result.stderr


def test_no_nan_in_projections(study: Path):
    assert all(math.isfinite(p.value) for projection in by_id(study).values() for p in projection.projected)


def test_series_are_translated_like_the_other_files(study: Path):
    edit(study / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, en]\n")
    found = problems_of(study)
    assert "indicators.yaml:3:11: 6 texts of this file have no English translation" in found
    assert "territories/isere.yaml:3:7: 3 texts of this file have no English translation" in found
    write(study / "translations/en/indicators.yaml", """
        indicators:
          - {name: People aged 85 or over, unit: people}
          - {name: Places in care homes, unit: places}
          - {name: Population, unit: inhabitants}
        """)
    found = problems_of(study)
    assert not [problem for problem in found if problem.startswith("indicators.yaml")]
    assert "territories/isere.yaml:3:7: 3 texts of this file have no English translation" in found
