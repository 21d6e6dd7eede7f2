"""`prospective import` reads what form tools export: the samples of docs/samples/, both shapes, names and titles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, SHIPPED, run, write
from toolkit import language

SAMPLES = ROOT / "docs" / "samples"
WORKSHOP = "demi-journee-colloque"
RESULTS = Path("study/results") / f"{WORKSHOP}.yaml"
PLAN = Path("study/workshops") / f"{WORKSHOP}.yaml"
SCALE = range(1, 6)


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the shipped study as `study/`, the samples beside it, run from there (short paths in messages)."""
    shutil.copytree(SHIPPED, tmp_path / "study")
    for sample in SAMPLES.glob("*.csv"):
        shutil.copy(sample, tmp_path / sample.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def import_csv(name: str):
    return run("import", "study", "--workshop", WORKSHOP, name)


def ratings() -> dict:
    return {group: entry.get("ratings") for group, entry in
            yaml.safe_load(RESULTS.read_text(encoding="utf-8"))["groups"].items()}


def tally(**counts: int) -> dict[int, int]:
    """`tally(_4=1, _5=1)` -> {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}."""
    return {value: counts.get(f"_{value}", 0) for value in SCALE}


def rated(probability: dict[int, int], desirability: dict[int, int]) -> dict:
    return {"probability": probability, "desirability": desirability}


# --- the two samples of docs/samples/ ------------------------------------------------------------


def test_the_long_sample_imports_with_names_titles_and_a_decimal_comma(shipped: Path):
    """One row per person and scenario, `;`, `Table A`, scenario titles (any accents, case and apostrophe), `4,0`."""
    before = ratings()
    result = import_csv("votes-long.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "votes-long.csv: 7 rows, 13 ratings",
        "  ignored columns: Horodateur (the form's timestamp), Adresse e-mail",
        "  table-a: 8 ratings on 2 scenarios",
        "  table-b: 5 ratings on 2 scenarios",
        f"{RESULTS}: updated (the ratings of these groups replaced, the rest kept)",
    ]
    after = ratings()
    assert after["table-a"] == {
        "si-rien-ne-change": rated(tally(_4=1, _5=1), tally(_1=1, _2=1)),
        "le-social-en-plateforme": rated(tally(_3=1, _4=1), tally(_1=1, _2=1)),
    }
    assert after["table-b"] == {
        "communs-de-proximite": rated(tally(_2=1, _3=1), tally(_5=1)),  # one person left desirability empty
        "le-pouvoir-d-agir-en-partage": rated(tally(_2=1), tally(_4=1)),
    }
    assert {group: after[group] for group in ("table-c", "table-d", "table-e")} == \
        {group: before[group] for group in ("table-c", "table-d", "table-e")}
    assert run("check", "study").exit_code == 0


def test_the_wide_sample_imports_one_row_per_respondent(shipped: Path):
    """Google Forms' grid export: `Probabilité [Titre]`, labelled points (`5 - Tout à fait`), extra columns."""
    raw = Path("votes-wide.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b'"Horodateur","Adresse e-mail","Votre table"' in raw
    before = ratings()
    result = import_csv("votes-wide.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "votes-wide.csv: 5 respondents, 48 ratings",
        "  ignored columns: Horodateur (the form's timestamp), Adresse e-mail, Un commentaire ?",
        "  table-a: 18 ratings on 5 scenarios",
        "  table-c: 20 ratings on 5 scenarios",
        "  table-e: 10 ratings on 5 scenarios",
        f"{RESULTS}: updated (the ratings of these groups replaced, the rest kept)",
    ]
    after = ratings()
    assert after["table-a"] == {  # the second person rated neither dimension of the last scenario
        "si-rien-ne-change": rated(tally(_4=1, _5=1), tally(_1=1, _2=1)),
        "le-social-en-plateforme": rated(tally(_3=1, _4=1), tally(_1=1, _2=1)),
        "communs-de-proximite": rated(tally(_2=1, _3=1), tally(_4=1, _5=1)),
        "le-tri-des-urgences": rated(tally(_2=1, _3=1), tally(_1=2)),
        "le-pouvoir-d-agir-en-partage": rated(tally(_2=1), tally(_4=1)),
    }
    assert after["table-c"] == {
        "si-rien-ne-change": rated(tally(_3=1, _4=1), tally(_1=1, _2=1)),
        "le-social-en-plateforme": rated(tally(_4=1, _5=1), tally(_1=1, _2=1)),
        "communs-de-proximite": rated(tally(_2=1, _3=1), tally(_4=1, _5=1)),
        "le-tri-des-urgences": rated(tally(_3=1, _4=1), tally(_1=1, _2=1)),
        "le-pouvoir-d-agir-en-partage": rated(tally(_1=1, _2=1), tally(_3=1, _5=1)),
    }
    assert after["table-e"] == {
        "si-rien-ne-change": rated(tally(_5=1), tally(_1=1)),
        "le-social-en-plateforme": rated(tally(_4=1), tally(_2=1)),
        "communs-de-proximite": rated(tally(_2=1), tally(_4=1)),
        "le-tri-des-urgences": rated(tally(_3=1), tally(_1=1)),
        "le-pouvoir-d-agir-en-partage": rated(tally(_2=1), tally(_4=1)),
    }
    assert {group: after[group] for group in ("table-b", "table-d")} == \
        {group: before[group] for group in ("table-b", "table-d")}
    assert run("check", "study").exit_code == 0


def test_the_summary_speaks_french(shipped: Path, monkeypatch):
    monkeypatch.setenv("PROSPECTIVE_LANG", "fr")
    result = import_csv("votes-wide.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "votes-wide.csv : 5 réponses, 48 notes",
        "  colonnes ignorées : Horodateur (l'horodatage du formulaire), Adresse e-mail, Un commentaire ?",
        "  table-a : 18 notes sur 5 scénarios",
    ]


# --- the wide shape: how headers may name a criterion and a scenario -------------------------------


@pytest.mark.parametrize("header", [
    "Probabilité [Le social en plateforme]",          # Google Forms, LimeSurvey
    "Probabilité — Le social en plateforme",
    "Probabilité – Le social en plateforme",
    "Probabilité - Le social en plateforme",
    "Probabilité : Le social en plateforme",
    "Probabilité.Le social en plateforme",            # Microsoft Forms
    "Le social en plateforme [Probabilité]",          # the other way round
    "Le social en plateforme — probabilite",
    "PROBABILITÉ (GOMMETTES BLEUES) [le social en plateforme]",
    "probability [le-social-en-plateforme]",          # keys and ids
    "Probabilité ? [ Le  social en plateforme ]",
])
def test_a_wide_header_names_a_criterion_and_a_scenario(shipped: Path, header: str):
    write(Path("form.csv"), f"""
        Votre table;{header};Désirabilité [Le social en plateforme]
        Table A;4;2
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 0, result.output
    assert ratings()["table-a"] == {"le-social-en-plateforme": rated(tally(_4=1), tally(_2=1))}


@pytest.mark.parametrize(("cell", "value"), [
    ("4", 4), ("4,0", 4), ("4.0", 4), ("4 - Très probable", 4), ("4 – très probable", 4), ("4 : très", 4),
    ("4. Très probable", 4), ("4 (très probable)", 4), ("1 - Pas du tout", 1),
])
def test_a_rating_may_carry_its_label(shipped: Path, cell: str, value: int):
    write(Path("form.csv"), f"""
        Votre table,Probabilité [Le tri des urgences]
        Table C,"{cell}"
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 0, result.output
    assert ratings()["table-c"] == {"le-tri-des-urgences": rated(tally(**{f"_{value}": 1}), tally())}


def test_a_label_alone_or_a_number_off_the_scale_is_refused(shipped: Path):
    write(Path("form.csv"), """
        Votre table,Probabilité [Le tri des urgences],Désirabilité [Le tri des urgences],Probabilité [Si rien ne change]
        Table C,Très probable,6 - Encore plus,4 5
    """)
    before = RESULTS.read_bytes()
    result = import_csv("form.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[::2] == [
        "form.csv:2:2: error: column 'Probabilité [Le tri des urgences]': 'Très probable' is not a whole number",
        "form.csv:2:3: error: column 'Désirabilité [Le tri des urgences]': '6 - Encore plus' is not a rating from "
        "1 to 5",
        "form.csv:2:4: error: column 'Probabilité [Si rien ne change]': '4 5' is not a whole number",
        "3 problem(s) found: nothing was written.",
    ]
    assert 'hint: ratings are whole numbers from 1 (not at all) to 5 (very), also written "4 - Very likely"' in \
        result.stderr
    assert RESULTS.read_bytes() == before


def test_groups_by_id_name_or_scenario_title(shipped: Path):
    write(Path("form.csv"), """
        Table;Probabilité [Le tri des urgences]
        table-a;1
        TABLE B;2
        Le tri des urgences;3
        le pouvoir d'agir en partage;4
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 0, result.output
    assert {group: ratings()[group]["le-tri-des-urgences"]["probability"] for group in
            ("table-a", "table-b", "table-c", "table-d")} == {
        "table-a": tally(_1=1), "table-b": tally(_2=1), "table-c": tally(_3=1), "table-d": tally(_4=1)}


def test_a_name_that_fits_two_groups_is_an_error(shipped: Path):
    """Table B's name is also table A's scenario title: the cell cannot say which group; an id always can."""
    plan = PLAN.read_text(encoding="utf-8")
    PLAN.write_text(plan.replace("name: Table B", "name: Le social en plateforme"), encoding="utf-8")
    write(Path("form.csv"), """
        Votre table;Probabilité [Si rien ne change]
        Le social en plateforme;3
        table-b;4
    """)
    before = RESULTS.read_bytes()
    result = import_csv("form.csv")
    assert result.exit_code == 1
    assert ("form.csv:2:1: error: column 'Votre table': 'Le social en plateforme' names several groups "
            "(table-a, table-b)") in result.stderr
    assert "hint: type the id of the one you mean: table-a, table-b" in result.stderr
    assert "form.csv:3" not in result.stderr
    assert RESULTS.read_bytes() == before


def test_a_title_that_fits_two_scenarios_is_an_error(shipped: Path):
    scenario = Path("study/scenarios/le-tri-des-urgences.yaml")
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("title: Le tri des urgences", "title: Le social en plateforme"), encoding="utf-8")
    write(Path("form.csv"), """
        group,scenario,probability,desirability
        table-a,LE SOCIAL EN PLATEFORME,3,3
        table-a,le-tri-des-urgences,3,3
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 1
    assert ("form.csv:2:2: error: column 'scenario': 'LE SOCIAL EN PLATEFORME' names several scenarios "
            "(le-social-en-plateforme, le-tri-des-urgences)") in result.stderr
    write(Path("form.csv"), """
        group,Probabilité [Le social en plateforme]
        table-a,3
    """)
    assert ("form.csv:1:2: error: column 'Probabilité [Le social en plateforme]' names several scenarios "
            "(le-social-en-plateforme, le-tri-des-urgences)") in import_csv("form.csv").stderr


# --- what neither shape fits -------------------------------------------------------------------------


def test_neither_shape_says_what_both_look_like(shipped: Path):
    write(Path("form.csv"), """
        Horodateur;Adresse e-mail;Votre table;Quel avenir préférez-vous ?
        11/06/2026 11:02:13;awa@example.org;Table A;Le social en plateforme
    """)
    before = RESULTS.read_bytes()
    result = import_csv("form.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "form.csv:1:1: error: this header fits neither shape of file that `prospective import` reads (columns "
        "found: Horodateur, Adresse e-mail, Votre table, Quel avenir préférez-vous ?)",
        "    hint: one row per person and scenario, with the columns group,scenario,probability,desirability,"
        "participant; or one row per respondent, as a form exports it: a group column, then one column per "
        "scenario and criterion, such as Horodateur;Votre table;Probabilité [Le social en plateforme];... "
        "(docs/workshops.md: « Ratings from a form »)",
        "1 problem(s) found: nothing was written.",
    ]
    assert RESULTS.read_bytes() == before


def test_neither_shape_in_french(shipped: Path, monkeypatch):
    monkeypatch.setenv("PROSPECTIVE_LANG", "fr")
    write(Path("form.csv"), """
        Nom;Avis
        Awa;Bien
    """)
    stderr = import_csv("form.csv").stderr
    assert ("form.csv:1:1: erreur" in stderr or "form.csv:1:1: error" in stderr)  # the severity is the CLI's word
    assert ("cette ligne d'en-tête ne correspond à aucune des deux formes de fichier que lit `prospective import` "
            "(colonnes trouvées : Nom, Avis)") in stderr
    assert "une ligne par personne et par scénario, avec les colonnes group,scenario,probability" in stderr


def test_a_wide_file_needs_a_group_column(shipped: Path):
    write(Path("form.csv"), """
        Horodateur;Nom de la table;Probabilité [Le social en plateforme]
        11/06/2026;Table A;4
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 1
    assert ("form.csv:1:1: error: missing group column (columns found: Horodateur, Nom de la table, Probabilité "
            "[Le social en plateforme])") in result.stderr
    assert "add the question « Votre table » to the form" in result.stderr


def test_a_wide_file_with_a_plain_criterion_or_both_shapes_at_once(shipped: Path):
    write(Path("form.csv"), """
        Votre table;Probabilité;Probabilité [Le social en plateforme]
        Table A;4;4
    """)
    result = import_csv("form.csv")
    assert ("form.csv:1:2: error: column 'Probabilité' names a criterion but no scenario: in a file with one row "
            "per respondent, each column names both") in result.stderr
    assert "hint: rename it like « Probabilité [Le social en plateforme] »" in result.stderr
    write(Path("form.csv"), """
        group;scenario;probability;desirability;Probabilité [Le social en plateforme]
        table-a;communs-de-proximite;4;4;4
    """)
    result = import_csv("form.csv")
    assert ("form.csv:1:5: error: column 'Probabilité [Le social en plateforme]' rates one scenario, as a form's "
            "export does, but this file has a scenario column, so one row per person and scenario") in result.stderr


def test_a_workshop_of_one_group_needs_no_group_column(shipped: Path):
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    plan["groups"] = plan["groups"][:1]
    PLAN.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    RESULTS.unlink()
    shutil.rmtree("study/experiments")  # they take up actions of the results just removed: a located error each
    write(Path("form.csv"), """
        Horodateur,Probabilité [Le social en plateforme],Désirabilité [Le social en plateforme]
        11/06/2026 11:02:13,4,2
        11/06/2026 11:02:40,3,
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 0, result.output
    assert ratings() == {"table-a": {"le-social-en-plateforme": rated(tally(_3=1, _4=1), tally(_2=1))}}


def test_french_messages_for_a_bad_cell(shipped: Path):
    write(Path("form.csv"), """
        Votre table;Probabilité [Le social en plateforme]
        Table Z;4
    """)
    language.configure("fr")
    try:
        from toolkit.errors import InputError
        from toolkit.study.load import load_study
        from toolkit.synthesis.importer import import_ratings

        study = load_study(Path("study"))
        with pytest.raises(InputError) as caught:
            import_ratings(study, WORKSHOP, Path("form.csv"))
    finally:
        language.configure(None)
    problem = caught.value.problems.items[0]
    assert problem.message.startswith("colonne « Votre table » : groupe inconnu « Table Z »")
    assert problem.hint.startswith("groupes de l'atelier « demi-journee-colloque » : table-a, table-b")
