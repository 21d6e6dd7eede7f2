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
    digits = text.replace("\u202f", "").replace("\xa0", "")
    if indicator["baseline"]["rule"] == "published":  # published values are printed as published, every one
        assert f"{HORIZON}{horizon_value:.0f}" in digits, (indicator["id"], horizon_value)
        for point in indicator["baseline"]["values"]:
            assert f"{point['year']}{point['value']}" in digits
    else:  # a computed projection is rounded to three significant digits
        assert f"{HORIZON}{french_number(horizon_value)}" in digits, (indicator["id"], horizon_value)
    for point in indicator["observed"]:
        assert f"{point['year']}{point['value']}" in digits


def test_the_rule_is_stated_in_words_with_its_years(shipped_kit: Path):
    text = baseline_pages(shipped_kit)
    for indicator in shipped_indicators():
        if indicator["baseline"]["rule"] == "published":
            continue  # a published projection has no years of its own (test_the_booklet_prints_each_projection...)
        observed = indicator["observed"]
        last = observed[-1]["year"]
        first = min(point["year"] for point in observed if point["year"] >= last - indicator["baseline"]["years"])
        assert squash(f"de {first} à {last}") in text or squash(f"années {first} à {last}") in text


def shipped_territory_series() -> list[tuple[str, dict]]:
    return [(path.stem, indicator) for path in sorted((SHIPPED / "territories").glob("*.yaml"))
            for indicator in yaml.safe_load(path.read_text(encoding="utf-8")).get("indicators", [])]


@pytest.fixture(scope="module")
def territory_booklets() -> dict[str, str]:
    """The text of each shipped territory's booklet, as its HTML says it (rendered, not printed: the PDFs of one
    territory's kit are looked at in test_territories; here every territory's figures are checked)."""
    from toolkit.kit.plan import plan_kit
    from toolkit.kit.render import Edition
    from toolkit.kit.walk import render_document, study_documents
    from toolkit.study.load import load_study

    study = load_study(SHIPPED)
    texts = {}
    for territory in study.territories:
        edition = Edition(study, "fr", territory=territory)
        plan = plan_kit(study, "fr", Path("unused"), edition.gettext, territory=territory)
        booklet = next(item for item in study_documents(plan) if item.planned.artefact.id == "booklet")
        html = render_document(edition, plan, booklet)
        texts[territory] = squash(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", "").replace("\xa0", "")
    return texts


@pytest.mark.parametrize("territory, indicator", shipped_territory_series(),
                         ids=lambda value: value if isinstance(value, str) else value["id"])
def test_each_territory_s_booklet_prints_its_projection_as_its_rule_computes_it(territory_booklets, territory: str,
                                                                               indicator: dict):
    """Issue 15, done when: every number of a territory's kit traceable to a source or to the stated rule."""
    text = territory_booklets[territory]
    assert squash(indicator["name"]) in text
    assert f"{HORIZON}{french_number(by_hand(indicator))}" in text, (territory, indicator["id"], by_hand(indicator))
    for point in indicator["observed"]:
        assert f"{point['year']}{point['value']}" in text, (territory, point)


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
    assert squash(f"{horizon} · Les communs territoriaux (hypothèse) 400") in squash(text)
    assert french_number(expected) in squash(text).replace("\u202f", "").replace("\xa0", "")


# --- the baseline's numbers on its cards and posters, the scenarios' own values (issue 15.2, part F) -------------

WORKSHOP_INDICATORS = """
indicators:
  - id: places
    name: Places d'accueil
    unit: places
    observed:
      - {year: 2020, value: 100, source: source-a}
      - {year: 2022, value: 121, source: source-a}
    baseline: {rule: growth, years: 2}
  - id: population
    name: Population du territoire
    unit: habitants
    observed:
      - {year: 2018, value: 1000, source: source-a}
      - {year: 2020, value: 1040, source: source-a}
    baseline:
      rule: published
      values:
        - {year: 2030, value: 1100, source: projections-b}
        - {year: 2035, value: 1150, source: projections-b}
      low:
        - {year: 2035, value: 1080, source: projections-b}
      high:
        - {year: 2035, value: 1200, source: projections-b}
"""

WORKSHOP_TERRITORY = """
id: val-de-test
name: Val-de-Test
kind: département
organisation: Département du Val-de-Test
indicators:
  - id: places
    name: Places d'accueil
    unit: places
    observed:
      - {year: 2020, value: 2000, source: source-a}
      - {year: 2022, value: 2420, source: source-a}
    baseline: {rule: growth, years: 2}
"""

SECOND_SOURCE = """  - id: projections-b
    author: Office des projections fictives
    short: OPF
    title: Projections de test
    year: 2024
"""

# The fixture's horizon is 2035; +10 % a year from 2022: 121 -> 418 places, 2 420 -> 8 350 places (three digits).
NATIONAL_PLACES, TERRITORY_PLACES, POPULATION = "418 places", "8 350 places", "1 150 habitants"


@pytest.fixture(scope="module")
def numbers_kits(tmp_path_factory) -> dict[str, Path]:
    """The workshop fixture with two national indicators (one a published projection with its band), a territory's
    series, « Le social en plateformes » giving its own national value at the horizon (with a note) and « Les communs
    territoriaux » the territory's: the study's kit and the territory's."""
    from tests.helpers import copy_fixture, edit, run

    base = tmp_path_factory.mktemp("numbers")
    study = copy_fixture("workshop", base)
    edit(study / "study.yaml", "\ndrivers:", "\n" + SECOND_SOURCE + "drivers:")
    write(study / "indicators.yaml", WORKSHOP_INDICATORS)
    write(study / "territories" / "val-de-test.yaml", WORKSHOP_TERRITORY)
    edit(study / "scenarios" / "plateformes.yaml", "questions:",
         "horizon_values:\n  - {indicator: places, value: 900, note: Une note d'essai sur cette valeur.}\nquestions:")
    edit(study / "scenarios" / "communs.yaml", "questions:",
         "horizon_values:\n  - {indicator: places, territory: val-de-test, value: 5000}\nquestions:")
    out = base / "out"
    for extra in ([], ["--territory", "val-de-test"]):
        built = run("build", str(study), "--lang", "fr", "--out", str(out), *extra)
        assert built.exit_code == 0, built.output
    return {"study": study, "national": out / "workshop" / "fr", "territory": out / "workshop" / "fr-val-de-test"}


def plain(path: Path) -> str:
    """A PDF's text, squashed, its no-break spaces gone."""
    return squash(" ".join(pdf_pages(path)))


def test_the_baseline_s_cards_print_each_indicator_s_value_at_the_horizon(numbers_kits):
    from toolkit.kit.logistics import decks
    from toolkit.study.load import load_study

    kit = numbers_kits["national"]
    for cards in (kit / "cartes-scenarios.pdf", kit / "atelier" / "cartes-recto-verso-bord-long.pdf"):
        text = plain(cards)
        for value in (NATIONAL_PLACES, POPULATION):
            assert squash(f"En 2035, si rien ne change : {value}.") in text, (cards.name, value)
        assert squash("Règle : la croissance de 2020 à 2022, prolongée (+10,0 % par an).") in text
        assert squash("Règle : la projection publiée (source : OPF).") in text
        assert squash("Sources : IFT ; OPF") in text  # the sources' short names
        assert squash(TERRITORY_PLACES) not in text
    # the numbers' cards follow the baseline's (S0A, S0B), then the contrasted scenarios keep their codes
    html = (kit / "atelier" / "cartes-recto-verso-bord-long.html").read_text(encoding="utf-8")
    codes = re.findall(r'deck-scenarios front[^"]*" data-code="([^"]+)"', html)
    assert codes == ["S0", "S0A", "S0B", "S1", "S2"]
    assert len(pdf_pages(kit / "cartes-scenarios.pdf")) == 2  # five cards, four a sheet
    study = load_study(numbers_kits["study"])
    assert sum(len(cards) for _deck, cards in decks(study)) + 2 == \
        len(pdf_pages(kit / "atelier" / "cartes-imprimeur.pdf")) // 2  # front and back of each, two cards more


def test_the_numbers_cards_fit_their_card(numbers_kits):
    from tests.helpers import card_overflows

    for kit in (numbers_kits["national"], numbers_kits["territory"]):
        assert card_overflows(kit / "cartes-scenarios.html") == []
        for mode in ("recto-verso-bord-long", "recto-verso-bord-court", "a-plier"):
            assert card_overflows(kit / "atelier" / f"cartes-{mode}.html", selector="deck-card") == [], mode


def test_the_print_shop_s_numbers_cards_are_in_cmyk(numbers_kits):
    """The chart on a print-shop card is drawn in CMYK like the rest of the PDF/X-4 (black text aside)."""
    import pypdf

    reader = pypdf.PdfReader(numbers_kits["national"] / "atelier" / "cartes-imprimeur.pdf")
    fronts = [page for page in reader.pages if "siriennechange,enchiffres" in squash(page.extract_text()).lower()]
    assert len(fronts) == 2
    for page in fronts:
        content = page.get_contents().get_data().decode("latin-1")
        assert not re.search(r"\b(?!0 0 0 )[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", content)


def test_a_territory_s_cards_and_posters_print_its_figures(numbers_kits):
    kit = numbers_kits["territory"]
    cards = plain(kit / "cartes-scenarios.pdf")
    assert squash(f"En 2035, si rien ne change : {TERRITORY_PLACES}.") in cards
    assert squash("Val-de-Test").lower() in cards.lower()  # after « Si rien ne change, en chiffres », in capitals
    assert squash(NATIONAL_PLACES) not in cards and squash(POPULATION) not in cards  # nothing national on a card
    posters = [squash(page) for page in pdf_pages(kit / "atelier" / "affiches.pdf")]
    territory = next(i for i, page in enumerate(posters) if squash(f"si rien ne change : {TERRITORY_PLACES}") in page)
    national = next(i for i, page in enumerate(posters) if squash(f"si rien ne change : {NATIONAL_PLACES}") in page)
    assert territory < national
    assert squash("Si rien ne change, en chiffres : Val-de-Test").lower() in posters[territory].lower()
    assert squash(POPULATION) in " ".join(posters)  # the study's figures follow, for comparison


def test_a_contrasted_scenario_s_own_value_is_printed_in_its_chapter_only_when_set(numbers_kits):
    line = "En 2035 dans ce scénario : {value} hypothèse — si rien ne change : {baseline}."
    pages = [squash(page) for page in pdf_pages(numbers_kits["national"] / "livret-participant.pdf")]
    given = [page for page in pages if squash("dans ce scénario") in page]
    assert len(given) == 1  # « Les communs territoriaux » gives the territory's value only: not in the study's kit
    assert squash(line.format(value="900 places", baseline=NATIONAL_PLACES)) in given[0]
    assert squash("Une note d'essai sur cette valeur.") in given[0]
    assert squash("Le social en plateformes") in given[0]
    pages = [squash(page) for page in pdf_pages(numbers_kits["territory"] / "livret-participant.pdf")]
    text = "".join(pages)
    assert squash(line.format(value="5 000 places", baseline=TERRITORY_PLACES)) in text
    assert squash(line.format(value="900 places", baseline=NATIONAL_PLACES)) in text


def test_the_numbers_pass_pdfua_in_a_territory_s_kit(numbers_kits):
    """The charts (a band, scenario values), the numbers cards and posters of a territory's kit, and its co-branded
    covers: `pdfua check` finds no error in any PDF a reader gets (the print shop's PDF/X decks are not tagged)."""
    import subprocess
    import sys

    from tests.kit.test_accessibility import every_pdf, for_the_press

    pdfs = [path for path in every_pdf(numbers_kits["territory"]) if not for_the_press(path)]
    assert len(pdfs) > 5
    checked = subprocess.run([sys.executable, "-m", "pdfua", "check", "--min-severity", "error", *map(str, pdfs)],
                             capture_output=True, text=True, timeout=600)
    errors = [line for line in checked.stdout.splitlines() if "[ERROR]" in line or "result: ERROR" in line]
    assert checked.returncode != 3 and not errors, checked.stdout[-4000:]
