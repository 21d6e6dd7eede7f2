"""The new user's path in French, and the same path in English, as real processes.

A French facilitator (LANG=fr_FR.UTF-8) starts a study, makes the classic mistakes, checks,
builds, imports the sample form exports and makes the report: every line the program prints
is French. With LANG=C the same path speaks English. The processes get a clean environment,
so the suite's own PROSPECTIVE_LANG does not leak in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, SHIPPED

# English words that never belong in a French message (whole words, any case); ids, keys,
# paths and quoted values are cut out first.
ENGLISH = {"the", "is", "are", "not", "unknown", "missing", "should", "found", "nothing", "written", "error",
           "errors", "warning", "warnings", "hint", "cannot", "must", "with", "and", "or", "of", "to", "from",
           "file", "line", "column", "field", "value", "did", "you", "mean", "problem", "problems", "was",
           "were", "be", "this", "that", "which", "write", "use", "add", "remove", "rename", "show",
           "message", "built", "folder", "created", "placeholder", "placeholders"}  # not the command names
FRENCH = {"le", "la", "les", "est", "pas", "une", "des", "du", "dans", "fichier", "ligne", "erreur"}
# a quoted value runs to the last quote of its line: values hold apostrophes (« d'accroche »)
QUOTED = re.compile(r"`[^`\n]*`|'[^\n]*'|« [^»]* »|\"[^\"\n]*\"|\S*[/\\]\S*|\S+\.(?:yaml|csv|pdf|html|zip)\b")
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
SAMPLES = ROOT / "docs" / "samples"


def prospective(*args: str, lang: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "PROSPECTIVE_"))}
    env.update(LANG=lang, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def english_words(text: str) -> set[str]:
    """The English words of `text` once ids, paths, keys and quoted values are cut out."""
    return {word.lower() for word in WORD.findall(QUOTED.sub(" ", text))} & ENGLISH


def french_words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(QUOTED.sub(" ", text))} & FRENCH


def mistakes(study: Path) -> None:
    """The classic mistakes of issue 11, in independent places: `oui` for a boolean, an id with
    accents and a misspelt field in study.yaml; a tab in the baseline; an unquoted « : » in a
    second scenario."""
    study_file = study / "study.yaml"
    text = study_file.read_text(encoding="utf-8")
    text = text.replace("        trend: true", "        trend: oui", 1).replace("- id: rupture", "- id: rupturé", 1)
    study_file.write_text(text.replace("\nhorizon:", "\nhorizn:", 1), encoding="utf-8")
    baseline = study / "scenarios" / "si-rien-ne-change.yaml"
    text = baseline.read_text(encoding="utf-8")
    baseline.write_text(text.replace("\ntitle: Si rien ne change", "\n\ttitle: Si rien ne change"), encoding="utf-8")
    other = study / "scenarios" / "autre.yaml"
    other.write_text(text.replace("title: Si rien ne change", "title: Demain : autrement")
                     .replace("baseline: true", "baseline: false"), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory, shipped_kit: Path, shipped_kit_en: Path) -> Path:
    """A project folder with the shipped study, as a facilitator's working copy, and its kits as the last
    `make kit` left them (the session's builds): its builds are incremental, as a facilitator's are."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(SHIPPED, root / "scenarios" / SHIPPED.name)
    for kit in (shipped_kit, shipped_kit_en):
        shutil.copytree(kit.parent, root / "output" / SHIPPED.name, dirs_exist_ok=True)
    return root


@pytest.mark.parametrize(("lang", "words"), [("fr_FR.UTF-8", english_words), ("C", french_words)])
def test_help_and_a_new_study_speak_the_user_language(lang: str, words, tmp_path: Path):
    outputs = [prospective("--help", lang=lang, cwd=tmp_path), prospective("check", "--help", lang=lang, cwd=tmp_path),
               prospective("new", "study", "ma-etude", lang=lang, cwd=tmp_path),
               prospective("check", "ma-etude", lang=lang, cwd=tmp_path)]
    for result in outputs:
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        assert words(result.stdout + result.stderr) == set(), result.stdout + result.stderr


@pytest.mark.parametrize(("lang", "words"), [("fr_FR.UTF-8", english_words), ("C", french_words)])
def test_classic_mistakes_are_told_in_the_user_language(lang: str, words, tmp_path: Path):
    assert prospective("new", "study", "ma-etude", lang="C", cwd=tmp_path).returncode == 0
    mistakes(tmp_path / "scenarios" / "ma-etude")
    result = prospective("check", "ma-etude", lang=lang, cwd=tmp_path)
    assert result.returncode == 1
    located = [line for line in result.stderr.splitlines() if line.startswith("scenarios/ma-etude/")]
    assert len(located) == 5, result.stderr  # the five mistakes, in one pass
    assert words(result.stdout + result.stderr) == set(), result.stderr


def test_build_import_and_report_in_french(project: Path):
    study = SHIPPED.name
    results = [prospective("build", study, "--workshop", "demi-journee-colloque", "--out", "output",
                           lang="fr_FR.UTF-8", cwd=project)]
    for sample in sorted(SAMPLES.glob("*.csv")):
        results.append(prospective("import", study, "--workshop", "demi-journee-colloque", str(sample),
                                   lang="fr_FR.UTF-8", cwd=project))
    results.append(prospective("report", study, "--workshop", "demi-journee-colloque", "--out", "output",
                               lang="fr_FR.UTF-8", cwd=project))
    assert len(results) >= 4, "the sample exports of docs/samples/ are missing"
    for result in results:
        assert result.returncode == 0, result.stderr
        assert english_words(result.stdout + result.stderr) == set(), result.stdout + result.stderr
