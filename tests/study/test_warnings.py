"""Warnings that earn trust (issue 11.4): every warning `check` gives is a true alarm.

Measured on the shipped study and on tests/fixtures/nouvelle-etude/, a study as `prospective new`
scaffolds it, then filled in by a contributor of another domain (a library network in 2035) with
ages, clock times, dates, years, ordinals, list and room numbers in its texts: `check` gives
no warning on either. Every number of the fixture is listed below with what it is, so a change
of the rules that would turn one into an alarm shows here. Then the number classifier on its
own, with numbers that are figures and numbers that are not; the placeholders of the scaffold;
and the one narrative-length rule, which CONTRIBUTING.md and the scaffold quote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, ROOT, SHIPPED, copy_fixture, edit, run, warnings_of
from toolkit.errors import Problems
from toolkit.language import configure
from toolkit.study.load import load_study
from toolkit.study.loader import load_yaml
from toolkit.study.model import NARRATIVE_WORDS
from toolkit.study.review import NUMBER, _masked, _prose, mask_spans, narrative_words, number_kind, unsourced_figures

NEW_STUDY = FIXTURES / "nouvelle-etude"
BASELINE = "scenarios/si-rien-ne-change.yaml"
OPEN = "scenarios/bibliotheque-ouverte.yaml"


def numbers_of(path: Path) -> str:
    """Every number of a file's prose, in order, with what it is: 'figure', or why it is not one."""
    loaded = load_yaml(path, Problems())
    found = []
    for _key, text in _prose(loaded.data, ()):
        masked = _masked(text, mask_spans(text), same_length=True)
        found += [f"{m.group()} {number_kind(masked, m.start(), m.end()) or 'figure'}" for m in NUMBER.finditer(masked)]
    return ", ".join(found)


# --- the two studies: no false alarm ------------------------------------------------------------


def test_the_shipped_study_has_no_warning():
    assert warnings_of(SHIPPED, review=True) == []


def test_the_new_study_has_no_warning_and_passes_strict(tmp_path: Path):
    assert warnings_of(NEW_STUDY, review=True) == []
    result = run("check", "--strict", str(copy_fixture("nouvelle-etude", tmp_path)))
    assert result.exit_code == 0, result.output
    assert "ok (2 scenarios, 2 drivers, 1 workshop, 12 methods), 0 warnings" in result.stdout


def test_every_number_of_the_new_study_is_told_apart():
    """Before issue 11.4, 50 of these asked for a source; the figures are sourced or labelled."""
    assert numbers_of(NEW_STUDY / "study.yaml") == (
        "2035 year, 2035 year, 14 figure, 84 age, 10 time, 31 age, 2 date, 2031 year")
    assert numbers_of(NEW_STUDY / BASELINE) == (
        "2035 year, 10 time, 18 time, 30 time, 12 date, 2035 year, 9 time, 52 age, 2019 year, 10 time, 18 time, "
        "30 time, 4 age, 84 age, 2025 year, 2023 year, 38 figure, 38 figure, 31 age, 2 numbering, 16 time, 18 time, "
        "30 time, 2035 year, 2026 year, 2030 year, 10 time, 18 time, 30 time, 84 age, 10 time, 2029 year, 31 age")
    assert numbers_of(NEW_STUDY / OPEN) == (
        "2035 year, 22 time, 17 date, 2035 year, 14 time, 2031 year, 12 numbering, 31 age, 21 time, 3 numbering, "
        "2025 year, 17 time, 22 time, 40 figure, 18 time, 84 age, 10 time, 11 time, 9 time, 16 time, 15 time, "
        "22 time, 1 numbering, 2 numbering, 3 numbering, 18 time, 30 time, 22 time, 2028 year, 2029 year, 2031 year, "
        "2034 year, 17 time, 22 time, 84 age, 31 age")


def test_a_real_figure_in_the_new_study_is_still_an_alarm(tmp_path: Path):
    folder = copy_fixture("nouvelle-etude", tmp_path)
    edit(folder / OPEN, "  collections imprimées sont toujours là,",
         "  collections imprimées sont toujours là. Les 3 000 places accueillent 1,2 million de visites,\n"
         "  et 12 % des prêts sont numériques. Elles sont là,")
    edit(folder / BASELINE, "plus de retraités, plus d'étudiants, moins d'actifs.",
         "plus de retraités, plus d'étudiants, moins d'actifs : 45 ans d'âge moyen.")
    assert warnings_of(folder, review=True) == [
        "scenarios/bibliotheque-ouverte.yaml:53:47: figure '3 000' has no source and is not labelled as an assumption",
        "scenarios/bibliotheque-ouverte.yaml:53:72: figure '1,2' has no source and is not labelled as an assumption",
        "scenarios/bibliotheque-ouverte.yaml:54:6: figure '12' has no source and is not labelled as an assumption",
        "scenarios/si-rien-ne-change.yaml:40:57: figure '45' has no source and is not labelled as an assumption",
    ]


# --- the number classifier ------------------------------------------------------------------------


def kinds(text: str) -> list[tuple[str, str | None]]:
    masked = _masked(text, mask_spans(text), same_length=True)
    return [(m.group(), number_kind(masked, m.start(), m.end())) for m in NUMBER.finditer(masked)]


@pytest.mark.parametrize(("text", "expected"), [
    # helplines called by their number are not figures; the same number as a quantity is
    ("Il appelle le 115 chaque soir.", [("115", "numbering")]),
    ("Appeler le 119 ou composer le 3919.", [("119", "numbering"), ("3919", "numbering")]),
    ("Le département compte 115 places.", [("115", None)]),
    ("le 15 % des ménages", [("15", None)]),
    ("On cold nights, the 115 emergency line is overwhelmed.", [("115", "numbering")]),
    ("The department has 115 places.", [("115", None)]),
    # ages, and numbers of years
    ("Jeanne, 84 ans, vit seule.", [("84", "age")]),
    ("Malik a 31 ans ; sa fille de 4 ans.", [("31", "age"), ("4", "age")]),
    ("Un homme âgé de 45 ans.", [("45", "age")]),
    ("A 31-year-old nurse, aged 52.", [("31", "age"), ("52", "age")]),
    ("Benefits are paid from the age of 18; the average age of 52.", [("18", "age"), ("52", None)]),
    # clock times
    ("Rendez-vous à 18 h 30, ou vers 9 h.", [("18", "time"), ("30", "time"), ("9", "time")]),
    ("De 9 h à 12 h, puis entre 14 heures et 17 heures.", [("9", "time"), ("12", "time"), ("14", "time"),
                                                           ("17", "time")]),
    ("Mardi 12 mars 2035, 9 h. Nadia ouvre.", [("12", "date"), ("2035", "year"), ("9", "time")]),
    ("Il est 9 am, ou 5 pm.", [("9", "time"), ("5", "time")]),
    ("Ouvert de 14:00 à 17:00, réservé à 8h, puis 9h30.", []),  # glued: never a number
    # dates and years
    ("Le 12 mars 2026, puis le 2026-06-11, du 3 au 7 mai.", [("12", "date"), ("2026", "year"), ("2026", "year"),
                                                            ("3", "date"), ("7", "date")]),
    ("Le 12/03/2026, lundi 12, March 12.", [("12", "date"), ("12", "date"), ("12", "date")]),
    ("Dans les années 90, puis en 2035.", [("90", "year"), ("2035", "year")]),
    # ordinals, lists, rooms, addresses
    ("Le 1er mai, la 3e vague, la deuxième fois.", []),
    ("1. Premier point\n2. Second point", []),
    ("Salle 3, étape 2, page 12, n° 488, au 12 rue des Lilas.", [("3", "numbering"), ("2", "numbering"),
                                                                 ("12", "numbering"), ("488", "numbering"),
                                                                 ("12", "numbering")]),
    ("Il a fallu (1) négocier et (2) former.", [("1", "numbering"), ("2", "numbering")]),
    # figures: quantities, shares, money, durations, averages
    ("12 % des places, 3 000 places, 1,2 million.", [("12", None), ("3 000", None), ("1,2", None)]),
    ("45 € par mois, 35 h par semaine, 12 heures par jour.", [("45", None), ("35", None), ("12", None)]),
    ("Une formation de 18 h, en 2 h, il reste 14 heures.", [("18", None), ("2", None), ("14", None)]),
    ("L'âge moyen est de 52 ans ; le délai d'attente atteint 3 ans.", [("52", None), ("3", None)]),
    ("Le 3 mars. 12 personnes attendent.", [("3", "date"), ("12", None)]),
    ("18 h, 30 personnes.", [("18", "time"), ("30", None)]),
    ("En 2100, 250 agents ; 1 200 dossiers.", [("2100", None), ("250", None), ("1 200", None)]),
])
def test_what_a_number_is(text: str, expected: list):
    assert kinds(text) == expected


def test_a_figure_sourced_once_needs_no_second_marker():
    text = "En 2023, 38 % des Français [@obs]. Dix ans plus tard, ces 38 % n'ont pas bougé. Mais 12 % ont changé."
    assert unsourced_figures(text) == [(text.index("12 %"), "12")]
    sourced: set[str] = set()  # across the texts of one file: the summary sources, the narrative repeats
    assert unsourced_figures("Un agent pour 1 200 dossiers [hypothèse].", sourced) == []
    assert unsourced_figures("Les 1 200 dossiers, puis 1 300.", sourced) == [(25, "1 300")]


def test_a_figure_never_sourced_is_flagged_each_time():
    text = "Un quart, soit 25 %. Encore 25 %."
    assert unsourced_figures(text) == [(15, "25"), (28, "25")]


# --- placeholders of the scaffold -------------------------------------------------------------


def test_a_placeholder_left_is_a_located_warning(tmp_path: Path):
    folder = copy_fixture("nouvelle-etude", tmp_path)
    edit(folder / OPEN, "title: La bibliothèque ouverte", "title: \"À écrire : titre du scénario\"")
    edit(folder / BASELINE, "  Nadia connaît chaque habitué",
         "  À écrire : la fin du récit.\n\n  Nadia connaît chaque habitué")
    edit(folder / "workshops" / "atelier-mars.yaml", "place: Médiathèque des Tilleuls, salle 2",
         "place: \"À écrire : lieu de l'atelier\"")
    hint = "write your own text in its place"
    study = load_study(folder, review=True)
    assert all(hint in w.hint for w in study.warnings)
    left = "placeholder left by `prospective new`"
    assert warnings_of(folder, review=True) == [
        f"scenarios/bibliotheque-ouverte.yaml:13:8: {left}: 'À écrire : titre du scénario'",
        f"scenarios/si-rien-ne-change.yaml:60:3: {left}: 'À écrire : la fin du récit.'",
        f"workshops/atelier-mars.yaml:14:8: {left}: 'À écrire : lieu de l'atelier'",
    ]
    result = run("check", "--strict", str(folder))
    assert result.exit_code == 1
    assert "3 warning(s) treated as errors (--strict)" in result.stderr


def test_words_about_writing_are_not_placeholders(tmp_path: Path):
    folder = copy_fixture("nouvelle-etude", tmp_path)
    edit(folder / BASELINE, "  Nadia connaît chaque habitué", "  Un rapport à écrire, une lettre À écrire.\n\n"
         "  Nadia connaît chaque habitué")
    assert warnings_of(folder, review=True) == []


# --- one narrative-length rule ------------------------------------------------------------------


def test_contributing_quotes_the_narrative_length_rule():
    low, high = NARRATIVE_WORDS
    text = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert f"the narrative (Markdown, {low} to {high} words" in text
    assert f"no narrative shorter than {low} words or longer than {high}" in text
    assert "narrative_words" in text
    assert not re.search(r"\b(?:150|450) words", text)


def test_check_applies_the_rule_and_the_study_may_set_its_own(tmp_path: Path):
    folder = copy_fixture("nouvelle-etude", tmp_path)
    [words, other] = [narrative_words(text) for s in load_study(folder).scenarios for _lang, text in
                      s.data.narrative.items()]
    assert NARRATIVE_WORDS[0] <= words <= NARRATIVE_WORDS[1]
    edit(folder / "study.yaml", "incompatible: []",
         f"incompatible: []\nnarrative_words: {{min: {words + 1}, max: 900}}")
    [warning] = load_study(folder, review=True).warnings
    assert warning.message == f"the narrative is short: {words} words"
    assert warning.hint.startswith(f"tell the story of this future in {words + 1} to 900 words (narrative_words")
    edit(folder / "study.yaml", f"min: {words + 1}, max: 900", "min: 100, max: 450")
    assert sorted(w.message for w in load_study(folder, review=True).warnings) == [
        f"the narrative is long: {n} words" for n in sorted((words, other))]
    edit(folder / "study.yaml", "min: 100, max: 450", "min: 900, max: 100")
    assert warnings_of(folder, review=True) == [
        f"study.yaml:{len((folder / 'study.yaml').read_text(encoding='utf-8').splitlines())}:18: "
        "narrative_words: min (900) is larger than max (100)"]


def test_the_warnings_speak_french(tmp_path: Path):
    folder = copy_fixture("nouvelle-etude", tmp_path)
    edit(folder / OPEN, "title: La bibliothèque ouverte", "title: \"À écrire : titre du scénario\"")
    edit(folder / BASELINE, "plus de retraités, plus d'étudiants, moins d'actifs.",
         "plus de retraités, plus d'étudiants, moins d'actifs : 45 ans d'âge moyen.")
    edit(folder / "study.yaml", "incompatible: []", "incompatible: []\nnarrative_words: {min: 600, max: 800}")
    configure("fr")
    try:
        messages = sorted(w.message for w in load_study(folder, review=True).warnings)
        hints = {w.hint for w in load_study(folder, review=True).warnings}
    finally:
        configure(None)
    assert messages == [
        "le chiffre « 45 » n'a pas de source et n'est pas signalé comme une hypothèse",
        "le récit est court : 484 mots",
        "le récit est court : 485 mots",
        "texte provisoire laissé par `prospective new` : « À écrire : titre du scénario »",
    ]
    assert "racontez ce futur en 600 à 800 mots (narrative_words dans study.yaml) : une journée, qui fait quoi, " \
        "ce qui a changé depuis aujourd'hui" in hints
