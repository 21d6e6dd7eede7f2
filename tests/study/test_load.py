"""Stage 2: every kind of problem is reported with its exact file:line:col and message."""

from pathlib import Path

from tests.helpers import edit, problems_of
from toolkit.study.load import load_study


def test_the_fixture_is_valid(mini: Path):
    study = load_study(mini)
    assert [s.id for s in study.scenarios] == ["si-rien-ne-change", "plateformes", "communs"]
    assert study.baseline.id == "si-rien-ne-change"
    assert [d.driver.id for d in study.changes(study.scenarios[1])] == ["numerique"]


def test_unknown_field_suggests_the_right_one(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "tagline:", "tagilne:")
    assert problems_of(mini) == [
        "scenarios/plateformes.yaml:3:1: unknown field 'tagilne' (did you mean 'tagline'?)"]


def test_missing_required_field(mini: Path):
    edit(mini / "study.yaml", "    name: Numérique\n", "")
    assert problems_of(mini) == ["study.yaml:30:5: missing required field 'name'"]


def test_wrong_type(mini: Path):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: bientôt")
    assert problems_of(mini) == ["study.yaml:3:10: field 'horizon': 'bientôt' is not a whole number"]


def test_id_not_slug_safe(mini: Path):
    edit(mini / "study.yaml", "  - id: educateur", "  - id: Éducateur")
    assert problems_of(mini) == [
        "study.yaml:42:9: field 'professions › 1 › id': 'Éducateur' is not a valid id: ids are written without accents"]
    edit(mini / "study.yaml", "  - id: Éducateur", "  - id: Educateur_specialise")
    assert "study.yaml:42:9: field 'professions › 1 › id': 'Educateur_specialise' is not a valid id: use lowercase " \
        "letters, digits and single hyphens" in problems_of(mini)


def test_scenario_file_name_is_its_id(mini: Path):
    (mini / "scenarios/communs.yaml").rename(mini / "scenarios/Les communs.yaml")
    assert problems_of(mini) == [
        "scenarios/Les communs.yaml:1:1: 'Les communs' is not a valid scenario id (the file name is the id)"]


def test_duplicate_ids(mini: Path):
    edit(mini / "study.yaml", "      - id: adaptation", "      - id: vieillissement")
    assert "study.yaml:28:13: duplicate id 'vieillissement' in hypotheses" in problems_of(mini)


def test_no_baseline(mini: Path):
    edit(mini / "scenarios/si-rien-ne-change.yaml", "baseline: true", "baseline: false")
    assert problems_of(mini) == [
        "study.yaml:1:1: no baseline scenario: one scenario must say `baseline: true`"]


def test_two_baselines(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "order: 1", "order: 1\nbaseline: true")
    assert "scenarios/si-rien-ne-change.yaml:2:11: more than one baseline: 'plateformes' and " \
        "'si-rien-ne-change'" in problems_of(mini)


def test_baseline_must_take_every_trend(mini: Path):
    edit(mini / "scenarios/si-rien-ne-change.yaml", "numerique: dematerialisation", "numerique: proximite")
    assert problems_of(mini) == [
        "scenarios/si-rien-ne-change.yaml:7:14: the baseline must pick the trend hypothesis of every "
        "driver: 'numerique' should be 'dematerialisation', not 'proximite'"]


def test_each_driver_needs_one_trend(mini: Path):
    edit(mini / "study.yaml", "        label: Société adaptée au grand âge",
         "        label: Société adaptée au grand âge\n        trend: true")
    assert "study.yaml:30:9: driver 'demographie' has 2 trend hypotheses, it needs exactly one" in problems_of(mini)


def test_unknown_hypothesis_with_suggestion(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "numerique: plateformes", "numerique: plateforme")
    assert problems_of(mini) == [
        "scenarios/plateformes.yaml:7:14: driver 'numerique' has no hypothesis 'plateforme' "
        "(did you mean 'plateformes'?)"]


def test_unknown_driver_and_missing_pick(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "  numerique: plateformes", "  numerik: plateformes")
    assert problems_of(mini) == [
        "scenarios/plateformes.yaml:5:1: no pick for driver(s): numerique",
        "scenarios/plateformes.yaml:7:3: unknown driver 'numerik' (did you mean 'numerique'?)",
    ]


def test_unknown_profession_and_persona(mini: Path):
    path = mini / "scenarios/plateformes.yaml"
    path.write_text(path.read_text() + "professions:\n  educatrice: x\npersonas:\n  odete: y\n")
    assert problems_of(mini) == [
        "scenarios/plateformes.yaml:14:3: unknown profession 'educatrice' (did you mean 'educateur'?)",
        "scenarios/plateformes.yaml:16:3: unknown persona 'odete' (did you mean 'odette'?)",
    ]


def test_unknown_source_in_weak_signal_and_citation(mini: Path):
    edit(mini / "scenarios/si-rien-ne-change.yaml", "source: source-a", "source: source-b")
    edit(mini / "scenarios/plateformes.yaml", "gèrent **tout**.", "gèrent **tout** [@source-z].")
    assert problems_of(mini) == [
        "scenarios/plateformes.yaml:9:35: citation [@source-z] names no source (did you mean 'source-a'?)",
        "scenarios/si-rien-ne-change.yaml:16:13: unknown source 'source-b' (did you mean 'source-a'?)",
    ]


def test_duplicate_key_and_every_problem_at_once(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "order: 1", "order: 1\ntitle: Encore")
    edit(mini / "scenarios/communs.yaml", "title:", "titre:")
    edit(mini / "study.yaml", "horizon: 2035", "horizon: 2035\nhorizon: 2040")
    assert problems_of(mini) == [
        "scenarios/communs.yaml:1:1: unknown field 'titre' (did you mean 'title'?)",
        "scenarios/plateformes.yaml:3:1: duplicate key 'title' (already defined on line 1)",
        "study.yaml:4:1: duplicate key 'horizon' (already defined on line 3)",
    ]


def test_missing_study_file(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert problems_of(tmp_path / "empty") == ["study.yaml:1:1: no study.yaml file in empty/"]


def test_file_that_is_not_a_mapping(mini: Path):
    (mini / "scenarios/communs.yaml").write_text("- juste\n- une liste\n")
    assert problems_of(mini) == [
        "scenarios/communs.yaml:1:1: the file must be a mapping of fields (`name: value`)"]


def test_multilingual_text(mini: Path):
    edit(mini / "scenarios/communs.yaml", "title: Les communs territoriaux",
         "title:\n  fr: Les communs territoriaux\n  en: Territorial commons")
    study = load_study(mini)
    title = study.scenarios[2].data.title
    assert (title.get("fr"), title.get("en"), title.get("de")) == (
        "Les communs territoriaux", "Territorial commons", "Les communs territoriaux")


def test_bad_language_code(mini: Path):
    edit(mini / "scenarios/communs.yaml", "title: Les communs territoriaux", "title:\n  french: Les communs")
    assert problems_of(mini) == [
        "scenarios/communs.yaml:2:3: field 'title': 'french' is not a language code (expected e.g. fr, en, de)"]


def test_a_list_of_parts_written_as_a_mapping_is_one_problem_and_no_crash(mini: Path):
    """Found by tests/study/test_properties.py: `weak_signals:` given a mapping instead of a list."""
    edit(mini / "scenarios/si-rien-ne-change.yaml", "weak_signals:", "weak_signals:\n  als: un signal\nold_signals:")
    problems = problems_of(mini)  # located problems, never a traceback
    assert any("weak_signals" in problem for problem in problems), problems
