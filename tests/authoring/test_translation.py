"""`prospective new translation STUDY LANG`: translation files to fill, of the shape `check` reads.

Each text holds « À écrire : » and the original, a warning until it is written over (an error
under --strict); existing files are never touched; a language code that is not one, or the
study's own language, is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers import copy_fixture, edit, run
from toolkit.study.load import load_study
from toolkit.study.walk import walk_texts


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """The workshop fixture (mini study plus a plan), in two languages."""
    folder = copy_fixture("workshop", tmp_path)
    edit(folder / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, de]\n")
    return folder


def test_every_file_with_texts_gets_its_translation_file(study: Path):
    result = run("new", "translation", str(study), "de")
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(study).as_posix() for p in (study / "translations").rglob("*.yaml"))
    assert "translations/de/study.yaml" in made
    assert "translations/de/scenarios/plateformes.yaml" in made
    assert "translations/de/workshops/atelier.yaml" in made
    assert "translations/de/methods/accueil.yaml" in made  # a library method, translated in the study
    assert len([p for p in made if p.startswith("translations/de/methods/")]) == 12


def test_the_study_then_loads_with_every_text_to_write(study: Path):
    run("new", "translation", str(study), "de")
    loaded = load_study(study, review=True)
    texts = [text for _key, text in walk_texts(loaded.meta)]
    assert all(text.get("de").startswith("À écrire : ") for text in texts)
    assert loaded.meta.title.get("de") == "À écrire : " + loaded.meta.title.get("fr")
    assert any("translations/de/study.yaml" in str(w.location) for w in loaded.warnings)
    strict = run("check", "--strict", str(study))
    assert strict.exit_code == 1 and "placeholder left by `prospective new`" in strict.stderr


def test_a_translation_keeps_ids_and_reads_like_its_original(study: Path):
    run("new", "translation", str(study), "de")
    text = (study / "translations/de/study.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "study-translation.schema.json" in text.splitlines()[0]
    data = yaml.safe_load(text)
    assert data["drivers"][0]["id"] == "demographie"
    assert "horizon" not in data and "year" not in str(data["sources"][0])  # only texts (and ids) are written


def test_existing_files_are_never_overwritten(study: Path):
    run("new", "translation", str(study), "de")
    path = study / "translations/de/study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("À écrire : Petite", "Kleine"), encoding="utf-8")
    before = path.read_bytes()
    again = run("new", "translation", str(study), "de")
    assert again.exit_code == 0
    assert path.read_bytes() == before
    assert "has its translation into 'de' already" in again.stdout


@pytest.mark.parametrize(("code", "message"), [("fr", "the study is written in 'fr'"),
                                               ("deutsch", "'deutsch' is not a language code")])
def test_a_wrong_language_is_refused_and_nothing_is_written(study: Path, code: str, message: str):
    result = run("new", "translation", str(study), code)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (study / "translations").exists()


def test_a_file_written_wrong_is_reported_and_nothing_is_written(study: Path):
    edit(study / "scenarios" / "communs.yaml", "title:", "titel:")
    result = run("new", "translation", str(study), "de")
    assert result.exit_code == 1
    assert "communs.yaml" in result.stderr
    assert not (study / "translations").exists()
