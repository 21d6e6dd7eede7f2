"""Review warnings (weak content), incompatible hypotheses and `check --strict`.

Every warning is checked with its exact file:line:col and message against variants of
tests/fixtures/review/ (the mini study with full narratives, every profession and persona
covered in every scenario, and one incompatible pair): the fixture itself has no warning.
"""

from pathlib import Path

import pytest

from tests.helpers import REVIEW, copy_fixture, edit, problems_of, run, warnings_of
from toolkit.study.load import load_study
from toolkit.study.review import unsourced_figures

BASELINE = "scenarios/si-rien-ne-change.yaml"
PLATEFORMES = "scenarios/plateformes.yaml"
COMMUNS = "scenarios/communs.yaml"


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A writable copy of the review fixture study."""
    return copy_fixture("review", tmp_path)


def test_the_fixture_has_no_warning(study_dir: Path):
    assert warnings_of(study_dir, review=True) == []


def test_review_is_asked_for(study_dir: Path):
    edit(study_dir / PLATEFORMES, "summary: Les plateformes orientent les demandes.",
         "summary: Les plateformes orientent 60 % des demandes.")
    assert load_study(study_dir).warnings == []  # library callers get the old behaviour
    assert len(load_study(study_dir, review=True).warnings) == 1


# --- scenarios -------------------------------------------------------------------------


def test_a_scenario_identical_to_the_baseline(study_dir: Path):
    edit(study_dir / PLATEFORMES, "numerique: plateformes", "numerique: dematerialisation")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/plateformes.yaml:5:1: scenario 'plateformes' picks the same hypotheses as the baseline "
        "'si-rien-ne-change': it changes no driver"]


def test_a_scenario_identical_to_another_and_a_driver_never_moved(study_dir: Path):
    edit(study_dir / COMMUNS, "demographie: adaptation\n  numerique: proximite",
         "demographie: vieillissement\n  numerique: plateformes")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/communs.yaml:4:1: scenario 'communs' picks the same hypotheses as scenario 'plateformes'",
        "study.yaml:21:5: no scenario moves driver 'demographie' away from its trend 'vieillissement'",
    ]


def set_narrative(path: Path, narrative: str) -> None:
    """Replace the scenario's narrative (every line up to `professions:`) by `narrative`."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index("narrative:"), text.index("professions:")
    path.write_text(text[:start] + narrative + text[end:], encoding="utf-8")


def test_a_short_narrative_says_how_many_words(study_dir: Path):
    set_narrative(study_dir / COMMUNS, "narrative: |\n  Les maisons des solidarités sont des communs.\n")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/communs.yaml:7:1: the narrative is short: 7 words"]


def test_an_empty_narrative_and_a_short_one_in_one_language(study_dir: Path):
    set_narrative(study_dir / PLATEFORMES, 'narrative: "*…*"\n')
    long_text = (REVIEW / BASELINE).read_text(encoding="utf-8").split("narrative: |\n")[1].split("professions:")[0]
    set_narrative(study_dir / BASELINE, "narrative:\n  en: Nothing changes.\n  fr: |\n"
                  + long_text.replace("\n  ", "\n    ").replace("  ", "    ", 1))
    assert warnings_of(study_dir, review=True) == [
        "scenarios/plateformes.yaml:8:1: the narrative is empty",
        "scenarios/si-rien-ne-change.yaml:9:3: the narrative (en) is short: 2 words",
    ]


def test_a_scenario_silent_about_a_profession_or_a_persona(study_dir: Path):
    edit(study_dir / PLATEFORMES, "professions:\n  educateur: L'éducateur devient opérateur de parcours.\n", "")
    edit(study_dir / "study.yaml", "personas:\n", "  - id: aide-a-domicile\n    name: Aide à domicile\n"
         "    description: Intervient chez les personnes.\npersonas:\n  - id: malik\n    name: Malik\n"
         "    situation: Étudiant.\n")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/communs.yaml:21:1: the scenario says nothing about the profession 'aide-a-domicile'",
        "scenarios/communs.yaml:23:1: the scenario says nothing about the persona 'malik'",
        "scenarios/plateformes.yaml:1:1: the scenario says nothing about the professions 'educateur', "
        "'aide-a-domicile'",
        "scenarios/plateformes.yaml:23:1: the scenario says nothing about the persona 'malik'",
        "scenarios/si-rien-ne-change.yaml:23:1: the scenario says nothing about the profession 'aide-a-domicile'",
        "scenarios/si-rien-ne-change.yaml:25:1: the scenario says nothing about the persona 'malik'",
    ]


# --- figures ---------------------------------------------------------------------------


def test_figures_without_source_point_at_the_number(study_dir: Path):
    edit(study_dir / PLATEFORMES, "summary: Les plateformes orientent les demandes.",
         "summary: Les plateformes orientent 60 % des demandes.")  # plain scalar
    edit(study_dir / PLATEFORMES, "tagline: L'algorithme oriente", "tagline: \"Un agent pour 1 200 dossiers\"")
    edit(study_dir / BASELINE, "\n  personnes qu'ils accompagnent,",  # block scalar, line 15
         "\n  les 3,5 millions de personnes qu'ils accompagnent,")
    edit(study_dir / "study.yaml", "description: La place des outils numériques.",
         "description: La place des outils numériques, 12 heures par jour.")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/plateformes.yaml:3:25: figure '1 200' has no source and is not labelled as an assumption",
        "scenarios/plateformes.yaml:4:36: figure '60' has no source and is not labelled as an assumption",
        "scenarios/si-rien-ne-change.yaml:15:7: figure '3,5' has no source and is not labelled as an assumption",
        "study.yaml:32:50: figure '12' has no source and is not labelled as an assumption",
    ]


def test_a_figure_is_fine_with_a_source_or_an_assumption_label(study_dir: Path):
    edit(study_dir / PLATEFORMES, "summary: Les plateformes orientent les demandes.",
         "summary: Les plateformes orientent 60 % des demandes [@source-a]. Et 30 % des autres. [hypothèse]")
    edit(study_dir / COMMUNS, "summary: Les territoires s'organisent en communs.",
         "summary: En 2030, les territoires s'organisent en communs depuis la loi n° 412 du 18 février 2031.")
    assert warnings_of(study_dir, review=True) == []


@pytest.mark.parametrize(("text", "figures"), [
    ("En 2040, rien.", []),
    ("Entre 1900 et 2099, puis en 2100.", [(28, "2100")]),
    ("Soit 33 % [@source-a], et 40 % ; un tiers.", []),  # one citation covers its sentence
    ("Un tiers, soit 33 %. [@source-a] Et 40 %.", [(36, "40")]),
    ("Un taux de 12,5 %.\n\nUn autre de 7 %. [assumption]", [(11, "12,5")]),
    ("- 10 %\n- 20 % [hypothèse]", [(2, "10")]),
    ("Le 1er mai, la 3e vague, la 5G, COVID-19, 14:00 et 9h30.", []),
    ("1. Premier point\n2. Second point", []),
    ("Voir [le rapport](https://example.org/2023/rapport-42.html) et https://example.org/7.", []),
])
def test_what_counts_as_an_unsourced_figure(text: str, figures: list):
    assert unsourced_figures(text) == figures


# --- incompatible hypotheses ------------------------------------------------------------


def test_a_scenario_picking_an_incompatible_pair(study_dir: Path):
    edit(study_dir / "study.yaml", "pair: [demographie.adaptation, numerique.plateformes]",
         "pair: [numerique.proximite, demographie.adaptation]")
    assert warnings_of(study_dir, review=True) == [
        "scenarios/communs.yaml:4:1: picks 'numerique.proximite' and 'demographie.adaptation', which study.yaml "
        "says cannot go together: Une société adaptée au grand âge ne confie pas l'orientation à un algorithme."]


def test_incompatible_pairs_must_name_existing_hypotheses(study_dir: Path):
    edit(study_dir / "study.yaml", "  - pair: [demographie.adaptation, numerique.plateformes]\n",
         "  - pair: [demografie.adaptation, numerique.plateforme]\n"
         "    reason: x\n"
         "  - pair: [demographie, numerique.proximite]\n"
         "    reason: y\n"
         "  - pair: [numerique.proximite, numerique.plateformes]\n"
         )
    assert problems_of(study_dir, review=True) == [
        "study.yaml:50:12: unknown driver 'demografie' (did you mean 'demographie'?)",
        "study.yaml:50:35: driver 'numerique' has no hypothesis 'plateforme' (did you mean 'plateformes'?)",
        "study.yaml:52:12: 'demographie' is not of the form driver.hypothesis",
        "study.yaml:54:11: both hypotheses of the pair belong to driver 'numerique'",
    ]


def test_an_incompatible_pair_has_two_sides(study_dir: Path):
    edit(study_dir / "study.yaml", "pair: [demographie.adaptation, numerique.plateformes]",
         "pair: [demographie.adaptation]")
    assert problems_of(study_dir, review=True) == [
        "study.yaml:50:11: field 'incompatible › 1 › pair': at least 2 item(s) needed, 1 given"]


def test_no_review_while_the_study_has_errors(study_dir: Path):
    edit(study_dir / PLATEFORMES, "numerique: plateformes", "numerique: plateforme")
    edit(study_dir / PLATEFORMES, "summary: Les plateformes orientent les demandes.",
         "summary: Les plateformes orientent 60 % des demandes.")
    assert problems_of(study_dir, review=True) == [
        "scenarios/plateformes.yaml:7:14: driver 'numerique' has no hypothesis 'plateforme' "
        "(did you mean 'plateformes'?)"]


# --- prospective check [--strict] -------------------------------------------------------


def test_check_prints_warnings_and_exits_0(study_dir: Path):
    edit(study_dir / PLATEFORMES, "numerique: plateformes", "numerique: dematerialisation")
    result = run("check", str(study_dir))
    assert result.exit_code == 0
    assert "scenarios/plateformes.yaml:5:1: warning: scenario 'plateformes' picks the same hypotheses as the " \
        "baseline 'si-rien-ne-change': it changes no driver\n    hint: pick at least one" in result.stderr
    assert "ok (3 scenarios, 2 drivers, 0 workshops, 12 methods), 1 warning\n" in result.stdout


def test_check_strict_turns_warnings_into_errors(study_dir: Path):
    edit(study_dir / PLATEFORMES, "numerique: plateformes", "numerique: dematerialisation")
    edit(study_dir / COMMUNS, "summary: Les territoires s'organisent en communs.",
         "summary: Les territoires s'organisent en 40 communs.")
    result = run("check", "--strict", str(study_dir))
    assert result.exit_code == 1
    assert "scenarios/communs.yaml:3:42: warning: figure '40' has no source" in result.stderr
    assert "2 warning(s) treated as errors (--strict)" in result.stderr
    assert "ok (" not in result.stdout


def test_check_strict_passes_a_study_without_warnings(study_dir: Path):
    result = run("check", "--strict", str(study_dir))
    assert result.exit_code == 0, result.output
    assert "ok (3 scenarios, 2 drivers, 0 workshops, 12 methods), 0 warnings" in result.stdout
    assert result.stderr == ""
