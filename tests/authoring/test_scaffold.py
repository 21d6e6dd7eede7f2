"""`prospective new`: scaffolds that pass `prospective check` as written, and never overwrite.

Every « À écrire » placeholder left is a located warning (an error under --strict), and the
lengths the comments give are the rules `check` applies.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, copy_fixture, edit, run
from toolkit.language import configure
from toolkit.study.load import load_study
from toolkit.study.model import NARRATIVE_WORDS, ScenarioFile, StudyFile, WorkshopFile, clock_minutes
from toolkit.study.schema import SCHEMA_DIR, modeline, schema_for


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """An empty project folder as the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fields(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def assert_schema_valid(path: Path, kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = fields(path)
    data = {**data, "date": str(data["date"])} if kind == "workshop" else data
    errors = [error.message for error in jsonschema.Draft7Validator(schema_for(kind)).iter_errors(data)]
    assert errors == []


def test_a_new_scenario_starts_from_the_baseline_and_builds(mini: Path, tmp_path: Path):
    from toolkit.kit.build import build_kit

    result = run("new", "scenario", str(mini), "metropoles")
    assert result.exit_code == 0, result.output
    path = mini / "scenarios" / "metropoles.yaml"
    assert f"created {path}" in result.stdout or "metropoles.yaml" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == modeline("scenario", path)
    assert (path.parent / text.splitlines()[0].split("$schema=")[1]).resolve() == SCHEMA_DIR / "scenario.schema.json"
    data = fields(path)
    # the id is the file name; the easy-to-read text is written when an edition needs it; values at the horizon
    # (issue 15) only for a study with indicator series, which the mini study has not
    assert set(data) == set(ScenarioFile.model_fields) - {"id", "editor_note", "easy_read", "horizon_values"}
    assert data["picks"] == fields(mini / "scenarios" / "si-rien-ne-change.yaml")["picks"]
    assert data["baseline"] is False
    assert set(data["professions"]) == {"educateur"} and set(data["personas"]) == {"odette"}
    hints = ("[@id-de-la-source]", "[hypothèse]", "80 caractères", "au choix : vieillissement (tendance), adaptation")
    assert all(hint in text for hint in hints)
    assert_schema_valid(path, "scenario")

    study = load_study(mini)  # valid as written
    assert "metropoles" in [s.id for s in study.scenarios]
    report = build_kit(study, "fr", tmp_path / "out")
    assert (tmp_path / "out" / "mini" / "fr" / "cartes-scenarios.pdf").is_file()
    assert report.documents


def test_a_new_study_with_a_scenario_and_a_workshop(project: Path):
    result = run("new", "study", "ma-premiere-etude")
    assert result.exit_code == 0, result.output
    folder = project / "scenarios" / "ma-premiere-etude"
    study_path, baseline_path = folder / "study.yaml", folder / "scenarios" / "si-rien-ne-change.yaml"
    assert study_path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=" + str(Path(*[".."] * 2)))
    # in comments: languages, narrative_words; editor_note is for editors' remarks, written when needed;
    # actors and method_note are written once the study has them (CONTRIBUTING.md)
    optional = {"languages", "narrative_words", "editor_note", "actors", "method_note"}
    assert set(fields(study_path)) == set(StudyFile.model_fields) - optional
    study = load_study(folder)
    assert study.baseline.id == "si-rien-ne-change"
    assert all(study.pick(study.baseline, d).trend for d in study.meta.drivers)
    assert study.warnings == []
    assert_schema_valid(baseline_path, "scenario")

    assert run("new", "scenario", "ma-premiere-etude", "rupture").exit_code == 0
    result = run("new", "workshop", "ma-premiere-etude", "atelier")
    assert result.exit_code == 0, result.output
    result = run("check", "ma-premiere-etude")
    assert result.exit_code == 0, result.output
    assert "figure" not in result.stderr and "narrative is" not in result.stderr  # only the placeholders say so
    study = load_study(folder)
    assert [s.id for s in study.scenarios] == ["si-rien-ne-change", "rupture"]
    [workshop] = study.workshops
    assert workshop.id == "atelier" and study.warnings == []
    assert sum(a.duration for a in workshop.data.agenda) == workshop.length


def test_every_placeholder_left_is_a_warning_and_an_error_under_strict(project: Path):
    assert run("new", "study", "etude").exit_code == 0
    assert run("new", "workshop", "etude", "atelier").exit_code == 0
    folder = project / "scenarios" / "etude"
    files = [folder / "study.yaml", folder / "scenarios" / "si-rien-ne-change.yaml",
             folder / "workshops" / "atelier.yaml"]
    texts = [path.read_text(encoding="utf-8") for path in files]
    written = sum(text.count("\"À écrire : ") + text.count("  À écrire : ") for text in texts)
    warnings = load_study(folder, review=True).warnings
    placeholders = [w for w in warnings if w.message.startswith("placeholder left by `prospective new`")]
    assert len(placeholders) == written > 20
    title = next(w for w in placeholders if w.location.line == 12 and w.location.file == files[0])
    assert title.message == "placeholder left by `prospective new`: 'À écrire : titre de l'étude'"
    assert "every « À écrire » marks a text to write" in title.hint
    assert {w.location.file for w in placeholders} == set(files)

    result = run("check", "--strict", "etude")
    assert result.exit_code == 1
    assert "study.yaml:12:8: warning: placeholder left by `prospective new`: 'À écrire : titre de l'étude'" \
        in result.stderr

    for path in files:  # every placeholder replaced: the placeholder warnings go
        path.write_text(path.read_text(encoding="utf-8").replace("À écrire : ", "Écrit : "), encoding="utf-8")
    assert [w for w in load_study(folder, review=True).warnings if "placeholder" in w.message] == []


def test_the_narrative_length_in_the_comments_is_the_rule_check_applies(mini: Path, project: Path):
    assert run("new", "study", "etude").exit_code == 0
    folder = project / "scenarios" / "etude"
    low, high = NARRATIVE_WORDS
    baseline = (folder / "scenarios" / "si-rien-ne-change.yaml").read_text(encoding="utf-8")
    assert f"une journée en {datetime.date.today().year + 15}, {low} à {high} mots," in baseline
    assert f"#   narrative_words: {{min: {low}, max: {high}}}" in (folder / "study.yaml").read_text(encoding="utf-8")

    edit(mini / "study.yaml", "horizon: 2035\n", "horizon: 2035\nnarrative_words: {min: 100, max: 300}\n")
    assert run("new", "scenario", str(mini), "courte").exit_code == 0
    assert "une journée en 2035, 100 à 300 mots," in (mini / "scenarios" / "courte.yaml").read_text(encoding="utf-8")


def test_a_new_workshop_uses_the_library_and_the_baseline(tmp_path: Path):
    folder = copy_fixture("workshop", tmp_path)
    result = run("new", "workshop", str(folder), "deuxieme-atelier")
    assert result.exit_code == 0, result.output
    path = folder / "workshops" / "deuxieme-atelier.yaml"
    assert path.read_text(encoding="utf-8").splitlines()[0] == modeline("workshop", path)
    data = fields(path)
    assert set(data) >= set(WorkshopFile.model_fields) - {"scoping_question", "editor_note"}
    assert data["date"] > datetime.date.today()
    study = load_study(folder)
    workshop = next(w for w in study.workshops if w.id == "deuxieme-atelier")
    assert [item.method.id for item in workshop.schedule][:2] == ["accueil", "et-si-rien-ne-changeait"]
    assert workshop.schedule[-1].end == clock_minutes(workshop.data.end)
    assert all(item.activity.duration in item.method.data.duration for item in workshop.schedule)
    group_scenarios = {s for g in workshop.data.groups for s in g.scenarios}
    assert group_scenarios == {s.id for s in study.alternatives}
    assert_schema_valid(path, "workshop")


@pytest.mark.parametrize("command", [
    ("new", "scenario", "{mini}", "communs"),
    ("new", "scenario", "{mini}", "si-rien-ne-change"),
    ("new", "workshop", "{mini}", "atelier"),
])
def test_an_existing_file_is_never_overwritten(mini: Path, command):
    (mini / "workshops").mkdir()
    (mini / "workshops" / "atelier.yaml").write_text("# mon plan\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in mini.rglob("*") if p.is_file()}
    result = run(*(part.format(mini=mini) for part in command))
    assert result.exit_code == 1
    assert f"{command[-1]}.yaml already exists: it was left as it is" in result.stderr
    assert "nothing was written" in result.stderr
    assert {p: p.read_bytes() for p in mini.rglob("*") if p.is_file()} == before


def test_a_new_study_never_overwrites(project: Path):
    assert run("new", "study", "etude").exit_code == 0
    study_path = project / "scenarios" / "etude" / "study.yaml"
    study_path.write_text(study_path.read_text(encoding="utf-8") + "# mes notes\n", encoding="utf-8")
    result = run("new", "study", "etude")
    assert result.exit_code == 1
    assert "study.yaml already exists" in result.stderr and "si-rien-ne-change.yaml already exists" in result.stderr
    assert study_path.read_text(encoding="utf-8").endswith("# mes notes\n")


@pytest.mark.parametrize(("kind", "bad", "suggestion"), [
    ("scenario", "Métropoles Connectées", "metropoles-connectees"),
    ("workshop", "atelier_2026", "atelier-2026"),
    ("study", "Mon--Étude", "mon-etude"),
])
def test_bad_ids_are_refused_with_a_suggestion(mini: Path, project: Path, kind, bad, suggestion):
    args = ("new", kind, bad) if kind == "study" else ("new", kind, str(mini), bad)
    before = sorted(p for p in [*mini.rglob("*"), *project.rglob("*")])
    result = run(*args)
    assert result.exit_code == 1
    assert f"'{bad}' is not a valid {kind} id" in result.stderr
    assert f"for example '{suggestion}'" in result.stderr
    assert sorted(p for p in [*mini.rglob("*"), *project.rglob("*")]) == before


def test_the_scaffold_speaks_french(mini: Path, project: Path, monkeypatch):
    monkeypatch.setenv("PROSPECTIVE_LANG", "fr")
    configure(None)
    result = run("new", "scenario", str(mini), "Métropoles")
    assert "« Métropoles » n'est pas un identifiant de scénario valide" in result.stderr
    assert "par exemple « metropoles »" in result.stderr
    result = run("new", "scenario", str(mini), "communs")
    assert "communs.yaml existe déjà : il a été laissé tel quel" in result.stderr


def test_an_invalid_study_gets_no_scaffold(mini: Path):
    (mini / "study.yaml").write_text("title: Sans rien\n", encoding="utf-8")
    result = run("new", "scenario", str(mini), "nouveau")
    assert result.exit_code == 1
    assert "missing required field" in result.stderr
    assert not (mini / "scenarios" / "nouveau.yaml").exists()


def test_the_scaffolds_point_at_the_committed_schemas():
    assert all((ROOT / "schemas" / f"{kind}.schema.json").is_file() for kind in ("study", "scenario", "workshop"))
