"""Editions in other languages: translation files beside the study's own (toolkit.study.translations).

The mini study is given `languages: [fr, en]` and translation files made from its own texts
("EN: " + the French), then spoilt one way at a time: each problem is located in the file a
translator has to open, and none is a silent fallback to French.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from tests.helpers import SHIPPED, edit, located
from toolkit.errors import InputError
from toolkit.study.load import load_study
from toolkit.study.model import MethodFile, ScenarioFile, StudyFile, WorkshopFile
from toolkit.study.walk import lookup, walk_texts

MODELS = {"study.yaml": StudyFile, "scenarios": ScenarioFile, "workshops": WorkshopFile}


def _model_of(path: Path, folder: Path):
    relative = path.relative_to(folder)
    return MODELS.get(relative.parts[0], MethodFile)


def translation_of(original: Path, model) -> dict:
    """The data of a complete translation of `original`: every text prefixed with "EN: "."""
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    translated = copy.deepcopy(data)
    for key, _text in walk_texts(model.model_validate(data)):
        parent = lookup(translated, key[:-1])
        parent[key[-1]] = "EN: " + lookup(data, key)
    return translated


def write_translations(folder: Path) -> None:
    """`languages: [fr, en]` and a complete translation of every study file."""
    edit(folder / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, en]\n")
    for original in [folder / "study.yaml", *sorted((folder / "scenarios").glob("*.yaml"))]:
        target = folder / "translations" / "en" / original.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = translation_of(original, _model_of(original, folder))
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def all_problems(folder: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_study(folder)
    return caught.value.problems.sorted()


def study_problems(folder: Path) -> list[str]:
    """The problems of the study's own files, located (the method library's are tested apart)."""
    return [located(p, folder) for p in all_problems(folder) if p.location and p.location.file.is_relative_to(folder)]


def test_a_complete_translation_gives_every_text_its_english(mini: Path):
    write_translations(mini)
    study = load_study(mini)
    scenario = study.scenarios[0]
    assert study.meta.title.get("en") == "EN: Petite étude de test"
    assert scenario.data.title.get("en").startswith("EN: ")
    assert study.meta.title.get("fr") == "Petite étude de test"
    assert all("en" in text.values for _key, text in walk_texts(study.meta))


def test_a_missing_translation_file_is_one_problem_in_the_original(mini: Path):
    write_translations(mini)
    (mini / "translations" / "en" / "scenarios" / "communs.yaml").unlink()
    problems = study_problems(mini)
    assert len(problems) == 1, problems
    assert problems[0].startswith("scenarios/communs.yaml:")
    assert "texts of this file have no English translation" in problems[0]


def test_a_missing_text_is_located_where_the_french_is_written(mini: Path):
    write_translations(mini)
    path = mini / "translations" / "en" / "study.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["drivers"][1]["hypotheses"][2]["label"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = study_problems(mini)
    line = next(number for number, text in enumerate((mini / "study.yaml").read_text().splitlines(), 1)
                if "Numérique de proximité" in text)
    assert problems == [f"study.yaml:{line}:16: field 'drivers › numerique › hypotheses › proximite › label' "
                        "has no English translation"], problems


def test_the_hint_names_the_translation_file_and_the_path(mini: Path):
    write_translations(mini)
    path = mini / "translations" / "en" / "study.yaml"
    edit(path, "EN: Petite étude de test", "")
    hints = [p.hint for p in all_problems(mini) if "title" in p.message]
    assert hints and "translations/en/study.yaml at title" in hints[0]


def test_a_changed_id_in_a_translation_is_a_warning_in_the_translation(mini: Path):
    """Ignored, so said: often a translation left behind when the original changed."""
    write_translations(mini)
    edit(mini / "translations" / "en" / "study.yaml", "id: vieillissement", "id: ageing")
    warnings = [located(w, mini) for w in load_study(mini).warnings if "translations/" in str(w.location)]
    assert len(warnings) == 1 and warnings[0].startswith("translations/en/study.yaml:"), warnings
    assert "is not a text of study.yaml, or differs from it" in warnings[0]


def test_a_citation_in_a_translation_is_checked_like_the_original(mini: Path):
    write_translations(mini)
    edit(mini / "translations" / "en" / "study.yaml", "[@source-a]", "[@source-b]")
    problems = study_problems(mini)
    assert len(problems) == 1 and problems[0].startswith("translations/en/study.yaml:"), problems
    assert "citation [@source-b] names no source" in problems[0]


def test_a_french_build_does_not_wait_for_the_english_translation(mini: Path):
    write_translations(mini)
    (mini / "translations" / "en" / "scenarios" / "communs.yaml").unlink()
    assert study_problems(mini)  # every language: the missing translation is an error
    study = load_study(mini, languages=["fr"])
    assert study.other_languages == []
    assert "en" in study.languages


def test_a_text_written_in_both_languages_needs_no_translation(mini: Path):
    write_translations(mini)
    edit(mini / "study.yaml", "title: Petite étude de test", "title: {fr: Petite étude de test, en: Small test study}")
    edit(mini / "translations" / "en" / "study.yaml", "title: 'EN: Petite étude de test'\n", "")
    study = load_study(mini)
    assert study.meta.title.get("en") == "Small test study"


def test_a_study_in_one_language_reads_no_translation(mini: Path):
    (mini / "translations" / "en").mkdir(parents=True)
    (mini / "translations" / "en" / "study.yaml").write_text("title: [not, read]\n", encoding="utf-8")
    assert load_study(mini).languages == ["fr"]


def test_every_method_of_the_library_is_translated_into_english(mini: Path):
    """The shipped study has an English edition: so does every method it can use."""
    write_translations(mini)
    study = load_study(mini)  # raises on any problem, the methods' included
    assert all("en" in text.values for method in study.methods.values() for _key, text in walk_texts(method.data))


def test_the_shipped_study_is_translated_completely():
    study = load_study(SHIPPED)
    assert "en" in study.languages
    untranslated = [text.origin.field for model in [study.meta, *(s.data for s in study.scenarios)]
                    for _key, text in walk_texts(model) if "en" not in text.values]
    assert untranslated == []


def test_a_problem_in_a_translation_points_at_its_line(mini: Path):
    write_translations(mini)
    path = mini / "translations" / "en" / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "title: [\n", encoding="utf-8")
    problems = study_problems(mini)
    assert any(p.startswith("translations/en/study.yaml:") for p in problems), problems


def test_located_reports_a_translation_relative_to_the_study(mini: Path):
    write_translations(mini)
    (mini / "translations" / "en" / "scenarios" / "communs.yaml").unlink()
    assert study_problems(mini)[0].startswith("scenarios/communs.yaml:")


def test_a_file_written_wrong_is_not_also_reported_untranslated(mini: Path):
    """The French file's mistake is the one problem: its translation is checked once it is fixed."""
    write_translations(mini)
    edit(mini / "scenarios" / "communs.yaml", "title:", "titel:")
    problems = study_problems(mini)
    assert problems and all(p.startswith("scenarios/communs.yaml:") for p in problems), problems
    assert not any("translation" in p for p in problems), problems


def test_the_library_names_each_material_one_way_in_english():
    """The materials checklist adds up an item over the methods: one French item, one English name."""
    study = load_study(SHIPPED)
    names: dict[str, set[str]] = {}
    for method in study.methods.values():
        for material in method.data.materials:
            names.setdefault(material.item.get("fr"), set()).add(material.item.get("en"))
    assert {french: english for french, english in names.items() if len(english) > 1} == {}
