"""Issue 15 (part C): the indicator chart, observed values solid, the baseline's projection dashed, the band of a
published projection, the contrasted scenarios' values at the horizon."""

import re
import xml.etree.ElementTree as ET

import pytest

from toolkit.synthesis.charts import MAX_WIDTH_PT, _spread, indicator_chart

SVG = "{http://www.w3.org/2000/svg}"
TEXTS = {"year": "Année", "observed": "observé", "projected": "projeté", "low": "hypothèse basse",
         "high": "hypothèse haute", "assumption": "hypothèse", "band": "fourchette : hypothèses basse et haute",
         "desc": "{first_value} en {first_year}, {last_value} en {last_year} ; si rien ne change, {horizon_value} "
                 "en {horizon}.",
         "desc_band": "Fourchette en {year} : de {low} à {high}.",
         "desc_scenarios": "Valeurs des scénarios en {horizon} ({assumption}) : {values}.",
         "scenario_value": "{name} : {value}"}
OBSERVED = [(2016, 6102610), (2017, 6145280), (2018, 6184396), (2019, 6269622), (2020, 6346155), (2021, 6379811)]
PUBLISHED = [(2021, 6379811), (2030, 8000000), (2040, 9300000)]
LOW, HIGH = [(2030, 7800000), (2040, 8700000)], [(2030, 8200000), (2040, 9900000)]
SCENARIOS = [("Scénario 1", 8400000), ("Scénario 2", 10500000)]


def french(value) -> str:
    """As the caller's babel formatter writes thousands in French (a narrow no-break space)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def published(**extra):
    return indicator_chart("chart-ind", "Personnes de 75 ans ou plus", "personnes", OBSERVED, PUBLISHED, 2040, TEXTS,
                           low=LOW, high=HIGH, scenarios=SCENARIOS, format_number=french, **extra)


def decreasing():
    observed = [(2016, 24762), (2017, 23838), (2018, 23404), (2019, 23037)]
    rate = (23037 / 24762) ** (1 / 3) - 1
    projected = [(year, 23037 * (1 + rate) ** (year - 2019)) for year in range(2019, 2041)]
    return indicator_chart("chart-rsa", "Foyers allocataires du RSA", "foyers", observed, projected, 2040, TEXTS,
                           format_number=french)


def paths(chart):
    return list(ET.fromstring(chart.svg).iter(f"{SVG}path"))


def points(path) -> int:
    return len(re.findall(r"[ML]", path.get("d", "")))


def test_well_formed_titled_deterministic_without_style():
    for draw in (published, decreasing):
        chart = draw()
        assert chart.svg == draw().svg  # deterministic
        root = ET.fromstring(chart.svg)
        assert root.find(f"{SVG}title").text == chart.title and root.find(f"{SVG}desc").text == chart.description
        assert root.get("role") == "img" and "<image" not in chart.svg
        assert float(root.get("width").removesuffix("pt")) <= MAX_WIDTH_PT
        assert root.find(f"{SVG}metadata") is None and not list(root.iter(f"{SVG}style"))
        assert all(element.get("style") is None for element in root.iter())
        assert all(text.get("font-size") for text in root.iter(f"{SVG}text"))


def test_the_projection_is_dashed_and_the_observed_line_is_not():
    for chart, observed, projected in ((published(), 6, 3), (decreasing(), 4, 22)):
        dashed = [path for path in paths(chart) if path.get("stroke-dasharray")]
        assert [points(path) for path in dashed] == [projected]  # one dashed line, through every projected point
        solid = [path for path in paths(chart) if path.get("fill") == "none" and not path.get("stroke-dasharray")]
        assert [points(path) for path in solid].count(observed) == 1  # the observed line, solid


def test_the_band_only_with_low_and_high():
    def bands(chart):
        return [path for path in paths(chart) if path.get("fill") == "#d9d9d9"]
    assert bands(published())
    assert not bands(decreasing())
    plain = indicator_chart("c", "t", "personnes", OBSERVED, PUBLISHED, 2040, TEXTS, format_number=french)
    assert not bands(plain) and "fourchette" not in plain.svg and "Fourchette" not in plain.description


def test_table_rows_are_the_input_values():
    chart = published()
    assert chart.header == ["Année", "observé", "projeté", "hypothèse basse", "hypothèse haute"]
    assert chart.rows == [[2016, 6102610, "", "", ""], [2017, 6145280, "", "", ""], [2018, 6184396, "", "", ""],
                          [2019, 6269622, "", "", ""], [2020, 6346155, "", "", ""], [2021, 6379811, 6379811, "", ""],
                          [2030, "", 8000000, 7800000, 8200000], [2040, "", 9300000, 8700000, 9900000],
                          ["2040 · Scénario 1 (hypothèse)", "", 8400000, "", ""],
                          ["2040 · Scénario 2 (hypothèse)", "", 10500000, "", ""]]
    rows = decreasing().rows
    assert [row[0] for row in rows] == list(range(2016, 2041))
    assert rows[-1][2] == pytest.approx(23037 * (23037 / 24762) ** 7) and rows[-1][3:] == ["", ""]


def test_the_description_and_the_chart_name_the_values():
    chart = published()
    assert chart.description == (
        "6\u202f102\u202f610 personnes en 2016, 6\u202f379\u202f811 personnes en 2021 ; si rien ne change, "
        "9\u202f300\u202f000 personnes en 2040. Fourchette en 2040 : de 8\u202f700\u202f000 personnes à "
        "9\u202f900\u202f000 personnes. Valeurs des scénarios en 2040 (hypothèse) : Scénario 1 : "
        "8\u202f400\u202f000 personnes, Scénario 2 : 10\u202f500\u202f000 personnes.")
    words = [text.text for text in ET.fromstring(chart.svg).iter(f"{SVG}text")]
    assert "9\u202f300\u202f000 personnes" in words  # the value at the horizon, at the end of the dashed line
    assert "Scénario 1 : 8\u202f400\u202f000 (hypothèse)" in words and "observé" in words and "projeté" in words
    assert "2\u202f000\u202f000" in words and "0" in words  # thousands as the caller writes them, from 0
    assert "13\u202f897 foyers en 2040" in decreasing().description


def test_no_word_but_the_callers_and_no_chart_wider_than_the_column():
    chart = published(width_pt=300, height_pt=160)
    words = {text.text for text in ET.fromstring(chart.svg).iter(f"{SVG}text")}
    numbers = re.compile(r"[\d\u202f]+")
    assert {w for w in words if not numbers.fullmatch(w)} == {  # on a narrow chart, labels on two lines
        "personnes", "projeté", "fourchette : hypothèses basse et haute", "(hypothèse)",
        "Scénario 1 : 8\u202f400\u202f000", "Scénario 2 : 10\u202f500\u202f000"}
    assert float(ET.fromstring(chart.svg).get("width").removesuffix("pt")) <= 300


def test_observed_is_written_only_where_it_does_not_run_over_the_y_axis():
    """Six observed years on a 300 pt chart leave less room left of the last one than « observé » takes: the
    word would cross the axis and its numbers (seen on the numbers cards), so it is left out there."""
    def words(chart):
        return {text.text for text in ET.fromstring(chart.svg).iter(f"{SVG}text")}
    assert "observé" in words(published()) and "projeté" in words(published())
    assert "observé" not in words(published(width_pt=300, height_pt=160))


def test_the_y_axis_keeps_zero_unless_every_value_is_negative():
    def ticks(chart):
        return [t.text for t in ET.fromstring(chart.svg).iter(f"{SVG}text") if re.fullmatch(r"-?[\d\u202f]+", t.text)]
    negative = indicator_chart("n", "t", "", [(2020, -50), (2021, -60)], [(2021, -60), (2030, -90)], 2030, TEXTS)
    assert "0" in ticks(negative) and "-80" in ticks(negative) and "20" not in ticks(negative)
    assert next(tick for tick in ticks(published()) if len(tick) != 4) == "0"  # y ticks, after the years


def test_labels_at_the_horizon_are_spread_without_overlap():
    assert _spread([10, 11, 12], [10, 10, 10], 100) == [10, 20, 30]
    assert _spread([99, 98], [10, 10], 100) == [95, 85]  # kept under the top, in the order of their values
    assert _spread([50, 50, 50], [40, 40, 40], 100) == [20, 60, 100]  # no room: from the bottom up
