"""Messages a beginner can act on (issue 11): the classic mistakes, each located, each with what
to type; every problem of a study in one pass; the same messages in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_fixture, edit, problems_of, run, write
from toolkit.errors import InputError, Problems
from toolkit.study.load import load_study
from toolkit.study.loader import load_yaml

TREND = "        trend: true\n      - id: adaptation"  # the trend of the first driver of the mini study, line 28


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A writable copy of the mini study with a workshop plan and its results."""
    return copy_fixture("workshop", tmp_path)


def problems(folder: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_study(folder)
    return caught.value.problems.sorted()


def yaml_problem(tmp_path: Path, text: str):
    path = write(tmp_path / "f.yaml", text)
    found = Problems()
    assert load_yaml(path, found) is None
    [problem] = found.items
    return problem


# --- the classic mistakes, in English (the suite's language) -----------------------------------


def test_a_tab_that_indents(tmp_path: Path):
    problem = yaml_problem(tmp_path, "title: A\ndrivers:\n  - id: x\n\tname: y\n")
    assert (problem.location.line, problem.location.column) == (4, 1)
    assert problem.message == "YAML syntax error: a tab indents this line, and YAML indents with spaces only"
    assert problem.hint == "replace the tab with spaces"


def test_an_unquoted_value_holding_a_colon(tmp_path: Path):
    problem = yaml_problem(tmp_path, "title: Le social: demain\nhorizon: 2040\n")
    assert (problem.location.line, problem.location.column) == (1, 17)
    assert problem.message == ("YAML syntax error: the value of 'title' holds ': ', which YAML reads as the start "
                               "of a field")
    assert problem.hint == 'put the value in quotes: `title: "Le social: demain"`'


def test_a_quotation_mark_never_closed_is_shown_where_it_opens(tmp_path: Path):
    problem = yaml_problem(tmp_path, 'title: "Le social\nhorizon: 2040\n')
    assert (problem.location.line, problem.location.column) == (1, 8)
    assert problem.message == 'YAML syntax error: the quotation mark " opened here is never closed'


def test_a_value_starting_with_a_character_yaml_reserves(tmp_path: Path):
    problem = yaml_problem(tmp_path, "source: @drees\n")
    assert problem.message == "YAML syntax error: a value cannot start with '@'"
    assert problem.hint == 'put the value in quotes: `source: "@drees"`'


def test_a_line_out_of_its_list(tmp_path: Path):
    problem = yaml_problem(tmp_path, "drivers:\n  - id: x\n  name: y\n")
    assert (problem.location.line, problem.location.column) == (3, 3)
    assert problem.message == "YAML syntax error: this line is not aligned with the list above it"


def test_oui_for_a_boolean(mini: Path):
    edit(mini / "study.yaml", TREND, TREND.replace("true", "oui"))
    [problem] = problems(mini)
    assert str(problem.location).endswith("study.yaml:27:16")
    assert problem.message == ("field 'drivers › demographie › hypotheses › vieillissement › trend': 'oui' is not "
                               "true or false")
    assert problem.hint == "write `trend: true` (YAML writes yes and no as true and false)"


def test_non_for_a_boolean_says_false(mini: Path):
    edit(mini / "scenarios/si-rien-ne-change.yaml", "baseline: true", "baseline: non")
    [problem] = problems(mini)
    assert problem.hint == "write `baseline: false` (YAML writes yes and no as true and false)"


def test_a_misspelt_field_is_one_mistake(mini: Path):
    edit(mini / "study.yaml", "    hypotheses:\n      - id: dematerialisation",
         "    hypothèses:\n      - id: dematerialisation")
    assert problems_of(mini) == [
        "study.yaml:33:5: unknown field 'hypothèses' (did you mean 'hypotheses'?)"]
    [problem] = problems(mini)
    assert problem.hint == "rename `hypothèses` to `hypotheses`"


def test_an_id_with_accents(mini: Path):
    edit(mini / "study.yaml", "  - id: educateur", "  - id: éducateur")
    [problem] = problems(mini)  # and no "unknown profession" where the scenarios name it `educateur`
    assert problem.message == ("field 'professions › 1 › id': 'éducateur' is not a valid id: ids are written "
                               "without accents")
    assert problem.hint == "write `educateur`"


def test_list_items_are_counted_from_1_or_named_by_id(mini: Path):
    edit(mini / "study.yaml", "        label: Plateformes algorithmiques\n",
         "        label: Plateformes algorithmiques\n        description: [a, b]\n")
    assert problems_of(mini)[0].startswith(
        "study.yaml:39:22: field 'drivers › numerique › hypotheses › plateformes › description': expected text")
    edit(mini / "study.yaml", "  - name: Équipe de test", "  - name: [Équipe de test]")
    assert "study.yaml:12:11: field 'authors › 1 › name': expected a text, not a list" in problems_of(mini)


def test_a_whole_number_written_as_a_word(mini: Path):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: bientôt")
    [problem] = problems(mini)
    assert problem.message == "field 'horizon': 'bientôt' is not a whole number"
    assert problem.hint == "write a whole number, without quotes, like 2040"


def test_an_unknown_study_says_where_it_looked(tmp_path: Path):
    (tmp_path / "scenarios").mkdir()
    result = run("--studies", str(tmp_path / "scenarios"), "check", "mon-etude")
    assert result.exit_code != 0
    assert "no study 'mon-etude'" in result.stderr
    assert "scenarios/: run from the project folder, give --studies DIR" in result.stderr


# --- every problem in one pass ---------------------------------------------------------------------


def test_six_mistakes_in_four_files_make_six_messages(workshop: Path):
    """Syntax errors in one file hide nothing of the others, and a wrong field hides none of the checks
    across files that can still be made; nothing is reported twice."""
    edit(workshop / "study.yaml", TREND, TREND.replace("true", "oui"))
    edit(workshop / "study.yaml", "    hypotheses:\n      - id: dematerialisation",
         "    hypothèses:\n      - id: dematerialisation")
    edit(workshop / "scenarios/plateformes.yaml", "tagline: L'algorithme oriente", "tagline: L'algorithme: il oriente")
    edit(workshop / "scenarios/communs.yaml", "demographie: adaptation", "demographie: adaptatoin")
    edit(workshop / "scenarios/communs.yaml", "order: 2", "order: 2\nbaseline: non")
    edit(workshop / "workshops/atelier.yaml", 'start: "14:00"', "start: 14h")
    assert problems_of(workshop) == [
        "scenarios/communs.yaml:3:11: field 'baseline': 'non' is not true or false",
        "scenarios/communs.yaml:6:16: driver 'demographie' has no hypothesis 'adaptatoin' (did you mean 'adaptation'?)",
        "scenarios/plateformes.yaml:3:22: YAML syntax error: the value of 'tagline' holds ': ', which YAML reads as "
        "the start of a field",
        "study.yaml:27:16: field 'drivers › demographie › hypotheses › vieillissement › trend': 'oui' is not true "
        "or false",
        "study.yaml:33:5: unknown field 'hypothèses' (did you mean 'hypotheses'?)",
        "workshops/atelier.yaml:3:8: field 'start': '14h' is not a time: write it like \"09:00\"",
    ]


def test_an_unreadable_study_file_hides_no_other_file(workshop: Path):
    edit(workshop / "study.yaml", "horizon: 2035", "horizon: 2035\n\tlanguage: fr")
    edit(workshop / "scenarios/communs.yaml", "title:", "titre:")
    edit(workshop / "workshops/atelier.yaml", 'start: "14:00"', "start: 14h")
    assert problems_of(workshop) == [
        "scenarios/communs.yaml:1:1: unknown field 'titre' (did you mean 'title'?)",
        "study.yaml:4:1: YAML syntax error: a tab indents this line, and YAML indents with spaces only",
        "workshops/atelier.yaml:3:8: field 'start': '14h' is not a time: write it like \"09:00\"",
    ]


def test_a_missing_scenario_folder_is_one_message(workshop: Path):
    for path in (workshop / "scenarios").iterdir():
        path.unlink()
    (workshop / "scenarios").rmdir()
    assert problems_of(workshop) == ["study.yaml:1:1: no scenarios/ folder beside study.yaml"]


def test_a_broken_scenario_is_still_known_to_the_plans(workshop: Path):
    edit(workshop / "scenarios/communs.yaml", "title: Les communs territoriaux", "title: [Les communs")
    edit(workshop / "scenarios/si-rien-ne-change.yaml", "baseline: true", "baseline: oui")
    found = problems_of(workshop)
    assert len(found) == 2 and not any("unknown scenario" in p or "no baseline" in p for p in found), found


# --- in French --------------------------------------------------------------------------------------


def test_the_classic_mistakes_in_french(mini: Path, french):
    edit(mini / "study.yaml", TREND, TREND.replace("true", "oui"))
    edit(mini / "study.yaml", "    hypotheses:\n      - id: dematerialisation",
         "    hypothèses:\n      - id: dematerialisation")
    edit(mini / "study.yaml", "  - id: educateur", "  - id: éducateur")
    edit(mini / "scenarios/plateformes.yaml", "tagline: L'algorithme oriente", "tagline: L'algorithme: il oriente")
    edit(mini / "scenarios/communs.yaml", "order: 2", "order: 2\n\tbaseline: false")
    result = run("check", str(mini))
    assert result.exit_code == 1
    stderr = result.stderr
    assert ("study.yaml:27:16: erreur : champ `drivers › demographie › hypotheses › vieillissement › trend` : "
            "« oui » n'est ni true ni false\n"
            "    conseil : écrivez `trend: true` (en YAML, oui et non s'écrivent true et false)") in stderr
    assert ("study.yaml:33:5: erreur : champ inconnu `hypothèses` (vouliez-vous dire `hypotheses` ?)\n"
            "    conseil : renommez `hypothèses` en `hypotheses`") in stderr
    assert ("erreur : champ `professions › 1 › id` : « éducateur » n'est pas un identifiant valide : les "
            "identifiants s'écrivent sans accent\n    conseil : écrivez `educateur`") in stderr
    assert ("plateformes.yaml:3:22: erreur : erreur de syntaxe YAML : la valeur de `tagline` contient « : », que "
            "YAML lit comme le début d'un champ\n"
            "    conseil : écrivez la valeur entre guillemets : `tagline: \"L'algorithme: il oriente\"`") in stderr
    assert ("communs.yaml:3:1: erreur : erreur de syntaxe YAML : une tabulation indente cette ligne, et YAML "
            "n'indente qu'avec des espaces\n    conseil : remplacez la tabulation par des espaces") in stderr
    assert "5 problèmes trouvés" in stderr or "5 problème" in stderr


def test_an_unknown_study_in_french(tmp_path: Path, french):
    (tmp_path / "scenarios").mkdir()
    result = run("--studies", str(tmp_path / "scenarios"), "check", "mon-etude")
    assert "pas d'étude « mon-etude »" in result.stderr
    assert "aucune étude dans" in result.stderr and "indiquez --studies DOSSIER" in result.stderr


def test_pydantic_words_never_reach_a_french_user(mini: Path, french):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: bientôt")
    edit(mini / "study.yaml", "language: fr", "language: [fr]")
    edit(mini / "scenarios/communs.yaml", "questions:\n  - Qui anime les communs ?", "questions: []")
    messages = [str(problem) for problem in problems(mini)]
    assert not any("Input should" in text or "List should" in text for text in messages), messages
    assert any("« bientôt » n'est pas un nombre entier" in text for text in messages), messages
