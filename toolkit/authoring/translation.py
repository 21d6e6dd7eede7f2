"""`prospective new translation STUDY LANG`: the translation files of a study, to fill.

For every file of the study with texts (study.yaml, each scenario, each workshop plan, the indicator
series and territories, the network, each experiment and the watch) and every method of the library
the study uses, that has no translation into LANG yet, a translation file
of the same shape (`toolkit.study.translations`), each text holding « À écrire : » and the
original text: the translator writes over it, reading the original in place. Every text left
so is a warning of `check` (an error under `--strict`), like the placeholders of `new`.
Ids (and a signal's date) are kept so the file reads like its original; other values are left out: a
contact's name, e-mail and phone are no texts, and never copied. Existing files
are never overwritten: running the command again adds only what a new scenario or plan needs.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InputError, Problem, Problems
from toolkit.language import _
from toolkit.paths import METHOD_FILE, SCENARIO_DIR, STUDY_FILE, WORKSHOPS_DIR, template_dirs
from toolkit.study.followup import EXPERIMENTS_DIR, NETWORK_FILE, WATCH_FILE, ExperimentFile, NetworkFile, WatchFile
from toolkit.study.indicators import INDICATORS_FILE, TERRITORIES_DIR, IndicatorsFile, TerritoryFile
from toolkit.study.loader import load_yaml
from toolkit.study.model import LANGUAGE_PATTERN, MethodFile, ScenarioFile, StudyFile, WorkshopFile
from toolkit.study.rules import parse_file
from toolkit.study.schema import modeline
from toolkit.study.translations import method_translation, study_translation
from toolkit.study.walk import walk_texts
from toolkit.study.workshops import load_methods

from .scaffold import TODO, _write

KEPT = ("id", "method", "date")  # what tells a translator which item of a list they are in


def new_translation(folder: Path, language: str) -> list[Path]:
    """Write every missing translation file of the study in `folder` into `language`; return their paths."""
    study_language = _check_language(folder, language)
    problems = Problems()
    originals = [(folder / STUDY_FILE, StudyFile, "study")]
    originals += [(path, ScenarioFile, "scenario") for path in sorted((folder / SCENARIO_DIR).glob("*.yaml"))]
    originals += [(path, WorkshopFile, "workshop") for path in sorted((folder / WORKSHOPS_DIR).glob("*.yaml"))]
    originals += [(path, IndicatorsFile, "indicators") for path in [folder / INDICATORS_FILE] if path.is_file()]
    originals += [(path, TerritoryFile, "territory") for path in sorted((folder / TERRITORIES_DIR).glob("*.yaml"))]
    originals += [(path, NetworkFile, "network") for path in [folder / NETWORK_FILE] if path.is_file()]
    originals += [(path, ExperimentFile, "experiment")
                  for path in sorted((folder / EXPERIMENTS_DIR).glob("*.yaml"))]
    originals += [(path, WatchFile, "watch") for path in [folder / WATCH_FILE] if path.is_file()]
    files: dict[Path, str] = {}
    for path, model, kind in originals:
        target = study_translation(folder, path, language)
        if not target.exists():
            text = _translation_of(path, model, kind, target, study_language, problems)
            if text is not None:
                files[target] = text
    for method in load_methods(template_dirs(folder), problems).values():
        original = method.folder / METHOD_FILE
        target = method_translation(original, language, folder)
        if not target.exists():
            text = _translation_of(original, MethodFile, "method", target, study_language, problems)
            if text is not None:
                files[target] = text
    if problems:
        raise InputError(problems)
    _write(files)
    return list(files)


def _check_language(folder: Path, language: str) -> str:
    """The study's own language; `language` must be a code, and another one."""
    if not re.match(LANGUAGE_PATTERN, language):
        raise InputError([Problem(None, _("'%(code)s' is not a language code (expected e.g. fr, en, de)",
                                          code=language),
                                  _("write the language as two or three lowercase letters, like en or de"))])
    loaded = load_yaml(folder / STUDY_FILE, problems := Problems())
    if loaded is None:
        raise InputError(problems)
    study_language = str(loaded.data.get("language", "fr")) if isinstance(loaded.data, dict) else "fr"
    if language == study_language:
        raise InputError([Problem(None, _("the study is written in '%(code)s': it needs no translation into it",
                                          code=language),
                                  _("name another language, like en or de"))])
    return study_language


def _translation_of(original: Path, model, kind: str, target: Path, study_language: str,
                    problems: Problems) -> str | None:
    """The text of the translation file of `original`: its shape, each text « À écrire : » + the original."""
    loaded = load_yaml(original, problems)
    data = parse_file(model, loaded, problems) if loaded else None
    if data is None:
        return None  # its problems are reported: the translation waits for the fix
    texts = {key: text.get(study_language, study_language) for key, text in walk_texts(data)}
    shaped = _shape(loaded.data, (), texts)
    if shaped is None:
        return None  # a file without texts needs no translation
    body = yaml.dump(shaped, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return f"{modeline(f'{kind}-translation', target)}\n{body}"


def _shape(value: Any, key: tuple, texts: dict[tuple, str]) -> Any:
    """The part of the original's data a translation holds: its texts (to write) and the ids that place them."""
    if key in texts:
        return TODO + texts[key]
    if isinstance(value, dict):
        kept = {name: _shape(item, (*key, name), texts) for name, item in value.items()}
        kept = {name: item for name, item in kept.items() if item is not None}
        if not kept:
            return None
        ids = {name: value[name] for name in KEPT if name in value and _is_id(value[name])}
        return {**ids, **kept}
    if isinstance(value, list):
        items = [_shape(item, (*key, index), texts) for index, item in enumerate(value)]
        if all(item is None for item in items):
            return None
        return [item if item is not None else _placeholder_item(value[index]) for index, item in enumerate(items)]
    return None


def _placeholder_item(item: Any) -> Any:
    """A list item without texts keeps its place (lists are matched by position): its id, or nothing."""
    if isinstance(item, dict):
        return {name: item[name] for name in KEPT if name in item and _is_id(item[name])}
    return item


def _is_id(value: Any) -> bool:
    return isinstance(value, str | datetime.date)


class _Dumper(yaml.SafeDumper):
    """Long texts as `|` blocks, as the originals write them."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    text = value.rstrip()
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_text)
