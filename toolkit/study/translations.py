"""Editions in other languages: translation files beside the study's own.

A study is written in one language (`language:` in study.yaml); `languages:` lists the editions
it has. For each other language, every file with texts has a translation file of the same shape,
like OWASP Cornucopia's card texts per language:

    translations/<lang>/study.yaml              for study.yaml
    translations/<lang>/scenarios/<id>.yaml     for scenarios/<id>.yaml
    translations/<lang>/workshops/<id>.yaml     for workshops/<id>.yaml
    translations/<lang>/indicators.yaml         for indicators.yaml (and territories/<id>.yaml alike)
    translations/<lang>/network.yaml            for network.yaml (roles, what is brought and sought)
    translations/<lang>/experiments/<id>.yaml   for experiments/<id>.yaml
    translations/<lang>/watch.yaml              for watch.yaml (each signal's text)
    templates/methods/<id>/method.<lang>.yaml   for a method's method.yaml

A translation file has the keys of its original in the same places (lists in the same order);
each text in it is that text in the other language. Ids, numbers and other values may be copied
or left out: only texts are read. The original stays readable on its own, and a translator works
on a file that looks like the one they translate.

A text with no translation is a located error (never a silent fallback to the original, which
would print French in an English kit); a translation file that changes an id or holds a field its
original does not have is a located warning (it is ignored; often a translation left behind when
the original changed). A command that builds one language reads only that language's translations. A text may
also carry its translation inline (`{fr: ..., en: ...}`): then it needs none in the file.
Translations are untrusted text like the originals: the same checks of citations and links
apply to them (`rules.check_texts`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import Location, Problems, display_path
from toolkit.language import _, language_name
from toolkit.study.loader import LoadedFile, PathKey, load_yaml
from toolkit.study.walk import leaves, lookup, walk_texts

TRANSLATIONS_DIR = "translations"


def study_translation(folder: Path, original: Path, language: str) -> Path:
    """Where the translation of `original` (a file of the study folder) into `language` lives."""
    return folder / TRANSLATIONS_DIR / language / original.relative_to(folder)


def method_translation(method_file: Path, language: str, study_folder: Path | None = None) -> Path:
    """Where the translation of a method.yaml into `language` lives.

    Beside it (`method.<lang>.yaml`), as the library ships its own; else, for a study that
    translates a method it does not own (one of the library's, into a language the library
    lacks), in the study's translations: `translations/<lang>/methods/<id>.yaml`. When neither
    exists, the one a translator should create: beside a method of the study, in the study's
    translations for one of the library.
    """
    beside = method_file.with_name(f"{method_file.stem}.{language}{method_file.suffix}")
    if beside.is_file() or study_folder is None:
        return beside
    in_study = study_folder / TRANSLATIONS_DIR / language / "methods" / f"{method_file.parent.name}.yaml"
    if in_study.is_file() or not method_file.is_relative_to(study_folder):
        return in_study
    return beside


def translate(model: Any, original: Path, translation: Path, language: str, problems: Problems,
              checks: list | None = None) -> LoadedFile | None:
    """Give every text of `model` (read from `original`) its `language` text from `translation`.

    Returns the translation file read (for the checks every text of the study gets), or None.
    A text without translation is reported where it was written; a missing file once, for all
    its texts.
    """
    texts = dict(walk_texts(model))
    wanted = {key: text for key, text in texts.items() if language not in text.values}
    if not translation.is_file():
        if wanted:
            first = next(iter(wanted.values()))
            problems.add(first.origin.location if first.origin else Location(original),
                         _("%(count)s texts of this file have no %(language)s translation",
                           count=len(wanted), language=language_name(language)),
                         _("create %(file)s with the same keys as %(original)s and the texts in %(language)s",
                           file=display_path(translation), original=original.name,
                           language=language_name(language)))
        return None
    loaded = load_yaml(translation, problems)
    if loaded is None:
        return None
    for key, text in wanted.items():
        value = lookup(loaded.data, key)
        if isinstance(value, str) and value.strip():
            text.values[language] = value
            continue
        where = text.origin.location if text.origin else Location(original)
        field = text.origin.field if text.origin else ""
        problems.add(where, _("%(field)s has no %(language)s translation", field=field,
                              language=language_name(language)),
                     _("write it in %(file)s at %(path)s", file=display_path(translation), path=_path(key)))
    _check_extra(loaded, set(texts), original, problems)
    return loaded


def _check_extra(loaded: LoadedFile, text_keys: set[PathKey], original: Path, problems: Problems) -> None:
    """A value of the translation that is not a text of the original is ignored: say so (a warning: a
    translation left behind by a change of the original, a group removed, does not stop a build)."""
    original_data = _original_data(original)
    for key, value in leaves(loaded.data):
        if key in text_keys or any(key[:len(text_key)] == text_key for text_key in text_keys):
            continue
        if original_data is not None and lookup(original_data, key, missing=_MISSING) == value:
            continue  # an id or a number copied as it is
        problems.warn(loaded.locate(key), _("%(path)s is not a text of %(original)s, or differs from it",
                                            path=_path(key), original=original.name),
                     _("translate only texts: copy ids, numbers and codes as they are in %(original)s, or leave "
                       "them out", original=original.name))


_MISSING = object()


def _original_data(original: Path) -> Any:
    """The original's data, read again quietly (its problems are reported by its own reading); never
    kept between loads: `serve` reloads a study the contributor is editing."""
    loaded = load_yaml(original, Problems())
    return loaded.data if loaded else None


def _path(key: PathKey) -> str:
    """`drivers › 3 › name`: a path a translator finds in the file (list items counted from 1)."""
    return " › ".join(str(part + 1) if isinstance(part, int) else str(part) for part in key)
