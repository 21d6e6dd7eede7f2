"""Placeholders in method texts: the names `check` accepts, where it reports the others, and the substitution."""

from pathlib import Path

import pytest

from tests.helpers import copy_fixture, edit, problems_of, write
from toolkit.study.load import load_study
from toolkit.study.wording import PLACEHOLDERS, fill

METHOD = """
    name: Mon atelier
    summary: "Un atelier pour {people}, pendant {period}."
    purpose: Tester les mots de la bibliothèque de méthodes.
    when: Jamais en vrai.
    format: groups
    group_size: {min: 3, max: 8}
    duration: {min: 10, max: 20}
    steps:
      - title: Faire
        minutes: 10
        text: "En {horizon}, {professionals} et {people} parlent de {field}."
    tips:
      - |
        Parler de {horizn} au présent,
        pendant {perod}.
"""


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    return copy_fixture("mini", tmp_path)


def test_every_placeholder_is_accepted_and_the_unknown_ones_are_located(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD)
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:14:15: unknown placeholder {horizn} (did you mean 'horizon'?)",
        "templates/methods/mon-atelier/method.yaml:15:13: unknown placeholder {perod} (did you mean 'period'?)",
    ]


def test_a_method_with_known_placeholders_only_loads(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD.replace("horizn", "horizon")
          .replace("perod", "period"))
    assert "mon-atelier" in load_study(study_dir).methods


def test_the_names():  # {sheet} is accepted here; the capture checks say where it may be used
    assert set(PLACEHOLDERS) == {"horizon", "period", "field", "people", "professionals", "sheet"}


def test_fill_replaces_known_names_only_and_once():
    values = {"horizon": "2035", "people": "les familles {horizon}", "period": "l'après-midi"}
    assert fill("En {horizon}, {people} pendant {period}.", values) == (
        "En 2035, les familles {horizon} pendant l'après-midi.")
    assert fill("{inconnu} {sheet} {horizon.__class__} {{horizon}}", values) == (
        "{inconnu} {sheet} {horizon.__class__} {2035}")


def test_the_audience_is_optional_and_checked(study_dir: Path):
    assert load_study(study_dir).meta.audience.people is None
    edit(study_dir / "study.yaml", "horizon:",
         "audience:\n  people: les familles\n  feild: la petite enfance\nhorizon:")
    assert problems_of(study_dir) == [
        "study.yaml:5:3: unknown field 'feild' (did you mean 'field'?)"]
