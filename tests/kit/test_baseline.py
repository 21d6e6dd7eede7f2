"""Issue 15.2: the baseline « si rien ne change » shows its numbers.

The shipped study's indicator series are read here as plain YAML and projected again by hand (not by
`toolkit.study.indicators`): the value at the horizon printed in the booklet's baseline chapter, in its
data table and in words, must be the one the stated rule gives. A study without indicators prints no
such section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import OTHER_DOMAIN, SHIPPED, pdf_pages, squash, write

HORIZON = 2040


def by_hand(indicator: dict, horizon: int = HORIZON) -> float:
    """The projection at the horizon, computed from the series as the rule says, independently of the toolkit."""
    observed = [(point["year"], float(point["value"])) for point in indicator["observed"]]
    rule = indicator["baseline"]
    if rule["rule"] == "published":
        return float(next(point["value"] for point in rule["values"] if point["year"] == horizon))
    last_year = observed[-1][0]
    window = [(year, value) for year, value in observed if year >= last_year - rule["years"]]
    if rule["rule"] == "growth":
        (first_year, first), (last_year, last) = window[0], window[-1]
        rate = (last / first) ** (1 / (last_year - first_year)) - 1
        return last * (1 + rate) ** (horizon - last_year)
    count = len(window)
    mean_year = sum(year for year, _ in window) / count
    mean_value = sum(value for _, value in window) / count
    slope = sum((year - mean_year) * (value - mean_value) for year, value in window) / \
        sum((year - mean_year) ** 2 for year, _ in window)
    return mean_value + slope * (horizon - mean_year)


def french_number(value: float) -> str:
    """Three significant digits, thousands grouped (the separator is normalised away by `squash`)."""
    return f"{float(f'{value:.3g}'):,.0f}".replace(",", "")


def shipped_indicators() -> list[dict]:
    return yaml.safe_load((SHIPPED / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]


def baseline_pages(kit: Path) -> str:
    """The text of the booklet's pages that hold the baseline in numbers, squashed (no spaces)."""
    pages = pdf_pages(kit / "livret-participant.pdf")
    return "".join(squash(page) for page in pages if "Siriennechange,enchiffres" in squash(page)
                   or "Donnéesdugraphique" in squash(page))


@pytest.mark.parametrize("indicator", shipped_indicators(), ids=lambda indicator: indicator["id"])
def test_the_booklet_prints_each_projection_as_its_rule_computes_it(shipped_kit: Path, indicator: dict):
    text = baseline_pages(shipped_kit)
    assert squash(indicator["name"]) in text
    horizon_value = by_hand(indicator)
    assert f"{HORIZON}{french_number(horizon_value)}" in text.replace("\u202f", "").replace("\xa0", ""), \
        (indicator["id"], horizon_value)
    for point in indicator["observed"]:
        assert f"{point['year']}{point['value']}" in text.replace("\u202f", "").replace("\xa0", "")


def test_the_rule_is_stated_in_words_with_its_years(shipped_kit: Path):
    text = baseline_pages(shipped_kit)
    for indicator in shipped_indicators():
        observed = indicator["observed"]
        last = observed[-1]["year"]
        first = min(point["year"] for point in observed if point["year"] >= last - indicator["baseline"]["years"])
        assert squash(f"de {first} à {last}") in text or squash(f"années {first} à {last}") in text


def test_a_study_without_indicators_prints_no_numbers_section(other_domain_kit: Path):
    assert not (OTHER_DOMAIN / "indicators.yaml").exists()
    pages = pdf_pages(other_domain_kit / "livret-participant.pdf")
    assert not any("Si rien ne change, en chiffres" in page for page in pages)


def test_a_scenario_value_at_the_horizon_is_shown_as_an_assumption(tmp_path: Path):
    """On a copy of the mini study: an indicator, and a contrasted scenario's own value at the horizon."""
    from tests.helpers import copy_fixture, run

    study = copy_fixture("mini", tmp_path)
    meta = yaml.safe_load((study / "study.yaml").read_text(encoding="utf-8"))
    source = meta["sources"][0]["id"]
    horizon = meta["horizon"]
    write(study / "indicators.yaml", f"""
        indicators:
          - id: places
            name: Places d'accueil
            unit: places
            observed:
              - {{year: 2020, value: 100, source: {source}}}
              - {{year: 2022, value: 121, source: {source}}}
            baseline: {{rule: growth, years: 2}}
        """)
    contrasted = next(path for path in sorted((study / "scenarios").glob("*.yaml"))
                      if "baseline: true" not in path.read_text(encoding="utf-8"))
    with contrasted.open("a", encoding="utf-8") as stream:
        stream.write("horizon_values:\n  - {indicator: places, value: 400}\n")
    result = run("build", str(study), "--lang", "fr", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    booklet = next((tmp_path / "out").rglob("livret-participant.pdf"))
    text = " ".join(pdf_pages(booklet))
    expected = 121 * 1.1 ** (horizon - 2022)
    assert re.search(r"\+10,0\s?% par an", text), "the growth rate in words"
    assert squash(f"{horizon} · Les communs territoriaux [hypothèse] 400") in squash(text)
    assert french_number(expected) in squash(text).replace("\u202f", "").replace("\xa0", "")
