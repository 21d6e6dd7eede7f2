"""A study on another domain gets a kit with none of the shipped study's words, years or time of day.

tests/fixtures/petite-enfance-2035 is about early-childhood care, horizon 2035, with an afternoon
workshop (14:00-17:30, in 2026) running the same agenda as the shipped plan, so that every
method text of that agenda is printed. Its kit must not say "2040", "social", "la matinée" or
a social-work acronym: those can only come from templates and methods written for the shipped
study. The method library and the templates must not carry a literal year either.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, ROOT, normalise, pdf_text, squash
from toolkit.kit.wording import backcasting_years
from toolkit.study.load import load_study

STUDY = FIXTURES / "petite-enfance-2035"
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# words that belong to the shipped study (social work), never to the kit of another study
FOREIGN_WORDS = ("social", "personnes accompagnées", "matinée", "Odette", "Yanis", "Sabrina", "Malik",
                 "Département", "solidarités")
FOREIGN_ACRONYMS = ("RSA", "ASE", "CESF", "MDPH", "CCAS", "CAF")


@pytest.fixture(scope="module")
def study():
    return load_study(STUDY)


@pytest.fixture(scope="module")
def kit(other_domain_kit: Path) -> Path:
    """The session's build of the study of another domain: read only."""
    return other_domain_kit


@pytest.fixture(scope="module")
def texts(kit: Path) -> dict[str, str]:
    """Every document of the kit, PDF and HTML, as normalised text (HTML without its tags)."""
    found = {str(path.relative_to(kit)): normalise(pdf_text(path)) for path in sorted(kit.rglob("*.pdf"))}
    for path in sorted(kit.rglob("*.html")):
        found[str(path.relative_to(kit))] = normalise(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return found


def test_the_fixture_is_another_domain_in_the_afternoon(study):
    [workshop] = study.workshops
    assert study.meta.horizon == 2035
    assert (workshop.data.start, workshop.data.end, workshop.data.date.year) == ("14:00", "17:30", 2026)
    shipped = next(w for w in load_study(ROOT / "scenarios" / "metiers-du-social-2040").workshops
                   if w.id == "demi-journee-colloque")
    # every method of the shipped half-day (and more) is exercised in another domain
    assert {item.method.id for item in shipped.schedule} <= {item.method.id for item in workshop.schedule}


def test_the_kit_has_every_document(texts: dict[str, str]):
    names = set(texts)
    assert {"livret-participant.pdf", "guide-animation.pdf", "cartes-scenarios.pdf"} <= names
    assert {"apres-midi/guide-animation-atelier.pdf", "apres-midi/dossier-table-a.pdf"} <= names


def test_no_word_of_the_shipped_study(texts: dict[str, str]):
    found = []
    for name, text in texts.items():
        squashed = squash(text).lower()
        found += [(name, word) for word in FOREIGN_WORDS if squash(word).lower() in squashed]
        found += [(name, word) for word in FOREIGN_ACRONYMS if re.search(rf"\b{word}\b", text)]
    assert found == []


def test_every_placeholder_is_filled(texts: dict[str, str]):
    left = {(name, match) for name, text in texts.items()
            for match in re.findall(r"\{(?:horizon|period|field|people|professionals|sheet)\}", text)}
    assert left == set()


def test_no_year_but_the_study_s_own(study, texts: dict[str, str]):
    workshop_year = study.workshops[0].data.date.year
    allowed = ({study.meta.horizon, workshop_year} | set(backcasting_years(workshop_year, study.meta.horizon))
               | {source.year for source in study.meta.sources})
    found = {(name, int(year)) for name, text in texts.items() for year in YEAR.findall(text)}
    assert {(name, year) for name, year in found if year not in allowed} == set()
    assert any(year == 2035 for _name, year in found)


def test_the_afternoon_is_named_where_the_period_is(texts: dict[str, str]):
    guide = texts["apres-midi/guide-animation-atelier.pdf"]
    assert "le déroulé de l'après-midi" in guide  # accueil, step 1: {period}
    assert "pour le reste de l'après-midi" in guide  # accueil, tip: {period}
    assert "un mot pour qualifier les métiers de la petite enfance aujourd'hui" in guide  # {field}
    assert "entre les familles et les jeunes enfants et les professionnel·les de la petite enfance" in guide
    assert "En 2035, que regretterons-nous" in guide  # {horizon}


def test_the_study_guide_and_booklet_use_the_study_s_words(texts: dict[str, str]):
    assert "suit les familles et les jeunes enfants le temps d'une journée" in texts["livret-participant.pdf"]
    assert ("Mélanger à chaque table les professionnel·les de la petite enfance, les familles et les jeunes "
            "enfants") in texts["guide-animation.pdf"]


def test_the_backcasting_milestones_lie_between_the_workshop_and_the_horizon(kit: Path):
    html = (kit / "apres-midi" / "dossier-table-a.html").read_text(encoding="utf-8")
    table = html.split('class="backcasting"', 1)[1].split("</table>", 1)[0]
    rows = [normalise(re.sub(r"<[^>]+>", " ", cell)) for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)]
    years = [int(row) for row in rows if row.isdigit()]
    assert years == backcasting_years(2026, 2035) == [2033, 2031, 2028]
    assert all(2026 < year < 2035 for year in years)
    assert rows[-1] == "D'ici six mois"


# --- the templates and the method library carry no year ----------------------------------------

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
YAML_COMMENT = re.compile(r"(^|\s)#.*$", re.MULTILINE)


def template_files() -> list[Path]:
    templates = ROOT / "templates"
    return sorted(templates.rglob("*.j2")) + sorted(templates.glob("methods/*/method.yaml"))


def test_no_literal_year_in_the_templates_nor_the_methods():
    found = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        text = JINJA_COMMENT.sub("", text) if path.suffix == ".j2" else YAML_COMMENT.sub("", text)
        found += [f"{path.relative_to(ROOT)}: {year}" for year in YEAR.findall(text)]
    assert found == [], "write {horizon} (methods) or compute the year from the study (templates)"
