"""The checks every study file shares: shape (pydantic), unique ids, where each text was
written, citations and URLs in text.

`load` (study.yaml and scenarios), `workshops` (methods, plans, results) and `review`
use these on their own files; each problem is located at the file, line and column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from toolkit.errors import Location, Problems, did_you_mean, printable
from toolkit.language import N_, _
from toolkit.limits import MAX_ID_CHARS, MAX_MARKUP_CHARS, env_name
from toolkit.paths import ASSET_DIR, IMAGE_SUFFIXES
from toolkit.study.loader import LoadedFile, PathKey
from toolkit.study.markup import checking_parser
from toolkit.study.model import (
    DEFAULT_LANGUAGE,
    LANGUAGE_PATTERN,
    SLUG_PATTERN,
    MethodFile,
    Origin,
    ScenarioFile,
    Study,
    Text,
    WorkshopFile,
    shortened,
    suggest_slug,
)
from toolkit.study.walk import leaves, walk_texts

LINK_SCHEMES = ("http://", "https://", "mailto:", "#")


# --- shape (pydantic) -------------------------------------------------------------


# Files whose name (or folder's name) is the id of what they hold: it names files of the kit.
_NAMED_BY_FILE = {
    ScenarioFile: (N_("the scenario id '%(id)s' is %(length)s characters long, more than the %(max)s an id may have "
                      "(the file name is the id)"),
                   N_("rename the file to a shorter id: the id names the files and folders of the kit")),
    WorkshopFile: (N_("the workshop id '%(id)s' is %(length)s characters long, more than the %(max)s an id may have "
                      "(the file name is the id)"),
                   N_("rename the file to a shorter id: the id names the files and folders of the kit")),
    MethodFile: (N_("the method id '%(id)s' is %(length)s characters long, more than the %(max)s an id may have "
                    "(the folder name is the id)"),
                 N_("rename the folder to a shorter id: the id names the files and folders of the kit")),
}

# pydantic's error types -> (message, hint), in the user's words; `%(path)s` is the field, `%(value)s`
# what was written, the other names come from the error's context. A type not listed keeps pydantic's
# own (English) words.
_SHAPE_MESSAGES: dict[str, tuple[str, str]] = {
    "int_parsing": (N_("%(path)s: '%(value)s' is not a whole number"),
                    N_("write a whole number, without quotes, like %(example)s")),
    "int_type": (N_("%(path)s: expected a whole number, not %(kind)s"),
                 N_("write a whole number, without quotes, like %(example)s")),
    "int_from_float": (N_("%(path)s: %(value)s is not a whole number"), N_("write a whole number")),
    "finite_number": (N_("%(path)s: %(value)s is not a finite number"), N_("write a whole number")),
    "float_parsing": (N_("%(path)s: '%(value)s' is not a number"), N_("write a number, without quotes")),
    "float_type": (N_("%(path)s: expected a number, not %(kind)s"), N_("write a number, without quotes")),
    "string_type": (N_("%(path)s: expected a text, not %(kind)s"),
                    N_("write the text after the colon, in quotes if it looks like a number or a date")),
    "list_type": (N_("%(path)s: expected a list, not %(kind)s"),
                  N_("write one item per line below the field, each starting with '- '")),
    "dict_type": (N_("%(path)s: expected fields (`name: value` lines), not %(kind)s"),
                  N_("write the fields one per line, indented below this one")),
    "model_type": (N_("%(path)s: expected fields (`name: value` lines), not %(kind)s"),
                   N_("write the fields one per line, indented below this one")),
    "model_attributes_type": (N_("%(path)s: expected fields (`name: value` lines), not %(kind)s"),
                              N_("write the fields one per line, indented below this one")),
    "literal_error": (N_("%(path)s: '%(value)s' is not one of the accepted values (%(expected)s)"),
                      N_("write one of: %(expected)s")),
    "enum": (N_("%(path)s: '%(value)s' is not one of the accepted values (%(expected)s)"),
             N_("write one of: %(expected)s")),
    "too_short": (N_("%(path)s: at least %(min_length)s item(s) needed, %(actual_length)s given"),
                  N_("add the missing items, one per line starting with '- '")),
    "too_long": (N_("%(path)s: at most %(max_length)s item(s) allowed, %(actual_length)s given"),
                 N_("write at most %(max_length)s items")),
    "string_too_long": (N_("%(path)s: a text of at most %(max_length)s characters is expected"),
                        N_("write at most %(max_length)s characters")),
    "string_too_short": (N_("%(path)s: the text is empty"),
                         N_("write something, or remove the field if it is optional")),
    "string_pattern_mismatch": (N_("%(path)s: '%(value)s' is not written as expected"),
                                N_("write it like %(example)s")),
    "less_than_equal": (N_("%(path)s: %(value)s is more than %(le)s"), N_("write a number of at most %(le)s")),
    "less_than": (N_("%(path)s: %(value)s is not less than %(lt)s"), N_("write a number less than %(lt)s")),
    "greater_than_equal": (N_("%(path)s: %(value)s is less than %(ge)s"), N_("write a number of at least %(ge)s")),
    "greater_than": (N_("%(path)s: %(value)s is not more than %(gt)s"), N_("write a number more than %(gt)s")),
    "date_parsing": (N_("%(path)s: '%(value)s' is not a date"), N_("write the date like 2026-03-14")),
    "date_from_datetime_parsing": (N_("%(path)s: '%(value)s' is not a date"), N_("write the date like 2026-03-14")),
    "date_type": (N_("%(path)s: '%(value)s' is not a date"), N_("write the date like 2026-03-14")),
    "bool_type": (N_("%(path)s: '%(value)s' is not true or false"), N_("write `%(name)s: true` or `%(name)s: false`")),
}
_BOOLEAN_WORDS = {  # what people write for a yes or a no, in the languages of the catalogues
    "true": {"oui", "vrai", "o", "v", "yes", "y", "ja", "si", "sí", "1"},
    "false": {"non", "faux", "n", "f", "no", "nein", "0"},
}
# Examples of the expected form of a pattern-checked field, by pattern.
_PATTERN_EXAMPLES = {LANGUAGE_PATTERN: "fr, en, de", r"^https?://": "https://www.example.org/page"}
_KINDS = {bool: N_("true or false"), int: N_("a number"), float: N_("a number"), list: N_("a list"),
          dict: N_("fields (`name: value` lines)"), str: N_("a text"), type(None): N_("nothing")}
_ANY_KIND = N_("a value")


def parse_file(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> Any:
    """The file's data as `model`, or None with every problem of its shape reported."""
    parsed, _broken = parse_partly(model, loaded, problems)
    return parsed if not _broken else None


def parse_partly(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> tuple[Any, set[PathKey] | None]:
    """The file's data as `model`, and the paths of the fields found wrong (empty when it is valid).

    When some fields are wrong, what is valid is still built (`salvage`), so the rules that span
    files can check it; None (and None) when the file is not a mapping of fields at all.
    """
    _check_file_id(model, loaded, problems)
    if not isinstance(loaded.data, dict):
        problems.add(
            loaded.locate(()),
            _("the file must be a mapping of fields (`name: value`)"),
            _("see an existing %(name)s for the expected layout", name=loaded.path.name),
        )
        return None, None
    try:
        return model.model_validate(loaded.data), set()
    except ValidationError as error:
        items = error.errors()
    broken = {tuple(part for part in item["loc"] if part != "[key]") for item in items}
    renamed = _misspelt_fields(model, items)
    for item in items:
        _shape_problem(model, loaded, item, renamed, problems)
    return salvage(model, loaded.data), broken


def _misspelt_fields(model: type[BaseModel], items: list[dict]) -> dict[PathKey, str]:
    """Unknown fields that stand for a missing required field beside them: path of the unknown -> right name.

    `hypothèses` where `hypotheses` is required is one mistake, reported once (as the unknown field,
    with the name to write), not as an unknown field and a missing one.
    """
    missing: dict[PathKey, list[str]] = {}
    for item in items:
        loc = tuple(part for part in item["loc"] if part != "[key]")
        if item["type"] == "missing" and loc and isinstance(loc[-1], str):
            missing.setdefault(loc[:-1], []).append(loc[-1])
    renamed: dict[PathKey, str] = {}
    for item in items:
        loc = tuple(part for part in item["loc"] if part != "[key]")
        if item["type"] != "extra_forbidden" or not loc or loc[:-1] not in missing:
            continue
        close = _closest(str(loc[-1]), missing[loc[:-1]])
        if close:
            renamed[loc] = close
            missing[loc[:-1]].remove(close)
    return renamed


def _closest(word: str, options: list[str]) -> str | None:
    """The option `word` stands for: the same without accents and capitals, or a close spelling."""
    plain = suggest_slug(word).replace("-", "_")
    for option in options:
        if plain == option or plain.replace("_", "") == option.replace("_", ""):
            return option
    close = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.6)
    return close[0] if close else None


def _shape_problem(model: type[BaseModel], loaded: LoadedFile, item: dict, renamed: dict[PathKey, str],
                   problems: Problems) -> None:
    loc = tuple(part for part in item["loc"] if part != "[key]")
    name = str(loc[-1]) if loc else ""
    kind = item["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        fields = parent.model_fields if parent else {}
        allowed = [field for field in fields if field != "id" or model is not ScenarioFile]
        close = renamed.get(loc) or _closest(name, allowed)
        if close:
            message = _("unknown field '%(name)s' (did you mean '%(option)s'?)", name=name, option=close)
            hint = _("rename `%(name)s` to `%(option)s`", name=name, option=close)
        else:
            message = _("unknown field '%(name)s'", name=name)
            hint = _("allowed fields here: %(fields)s", fields=", ".join(allowed)) if allowed else ""
        problems.add(loaded.locate(loc, at_key=True), message, hint)
    elif kind == "missing":
        if name in renamed.values() and any(path[:-1] == loc[:-1] and right == name for path, right in renamed.items()):
            return  # reported as the misspelt field beside it
        problems.add(loaded.locate(loc[:-1]), _("missing required field '%(name)s'", name=name),
                     _("add a line `%(name)s: ...` here", name=name))
    else:
        message, hint = _shape_words(loaded, loc, item)
        problems.add(loaded.locate(loc), message, hint)


def _shape_words(loaded: LoadedFile, loc: PathKey, item: dict) -> tuple[str, str]:
    """The message and hint of a wrong value, in the user's words."""
    context = dict(item.get("ctx") or {})
    value = item.get("input")
    name = str(loc[-1]) if loc else ""
    values = {"path": dotted(loc, loaded.data), "value": _shown(value), "name": name, "kind": _kind(value)}
    values.update({key: item if isinstance(item, str) else _shown(item) for key, item in context.items()
                   if key not in ("hint", "error")})
    kind = item["type"]
    if "hint" in context:  # a refusal of the model's own validators: its words are msgids
        return (_("%(path)s: ", path=values["path"]) + _(item["msg"], **values), _(context["hint"], **values))
    if kind == "value_error":  # a validator's plain ValueError
        return _("%(path)s: ", path=values["path"]) + printable(str(context.get("error", item["msg"]))), ""
    if kind in ("bool_parsing", "bool_type"):
        return _boolean_words(values, value)
    if kind in ("literal_error", "enum"):
        accepted = re.findall(r"'([^']*)'|(-?\d+)", str(context.get("expected", "")))
        values["expected"] = ", ".join(text or number for text, number in accepted)
    if kind in ("int_parsing", "int_type"):
        values["example"] = "2040" if name in ("horizon", "year") else "12"
    if kind == "string_pattern_mismatch":
        values["example"] = _PATTERN_EXAMPLES.get(str(context.get("pattern")), str(context.get("pattern")))
    if kind not in _SHAPE_MESSAGES:
        return _("%(path)s: ", path=values["path"]) + item["msg"].removeprefix("Value error, "), ""
    message, hint = _SHAPE_MESSAGES[kind]
    return _(message, **values), _(hint, **values)


def _boolean_words(values: dict[str, Any], value: Any) -> tuple[str, str]:
    """`trend: oui` -> write `trend: true`: the yes or no people type, turned into YAML's words."""
    message = _("%(path)s: '%(value)s' is not true or false", **values)
    word = str(value).strip().lower()
    for answer, words in _BOOLEAN_WORDS.items():
        if word in words:
            return message, _("write `%(name)s: %(answer)s` (YAML writes yes and no as true and false)",
                              answer=answer, **values)
    return message, _("write `%(name)s: true` or `%(name)s: false`", **values)


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, with its own words for lists and mappings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) or value is None:
        return _(_KINDS[type(value)])
    text = str(value)
    return text if len(text) <= 40 else f"{text[:40]}…"


def _kind(value: Any) -> str:
    return _(_KINDS.get(type(value), _ANY_KIND))


def _check_file_id(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> None:
    """The id a file's name gives (a scenario, a workshop, a method's folder) is short enough to name files."""
    if model not in _NAMED_BY_FILE:
        return
    message, hint = _NAMED_BY_FILE[model]
    name = loaded.path.stem if model is not MethodFile else loaded.path.parent.name
    if len(name) > MAX_ID_CHARS:
        problems.add(Location(loaded.path), _(message, id=shortened(name), length=f"{len(name):,}", max=MAX_ID_CHARS),
                     _(hint))


def _model_at(model: type[BaseModel], loc: PathKey) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current else None
        current = _model_in(field.annotation) if field else None
        if current is None:
            return None
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found:
            return found
    return None


def field_path(loc: PathKey, data: Any = None) -> str:
    """`drivers › naissances › hypotheses › 2`: a field as a user finds it in the file.

    An item of a list is named by its `id` when it has a valid one (read from `data`, the file's
    data), else by its rank counted from 1, as an editor counts lines.
    """
    parts = []
    value = data
    for part in loc:
        if isinstance(part, int):
            item = value[part] if isinstance(value, list) and 0 <= part < len(value) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            named = isinstance(item_id, str) and len(item_id) <= MAX_ID_CHARS and re.match(SLUG_PATTERN, item_id)
            parts.append(item_id if named else str(part + 1))
            value = item
        else:
            parts.append(str(part))
            value = value.get(part) if isinstance(value, dict) else None
    return " › ".join(parts)


def dotted(loc: PathKey, data: Any = None) -> str:
    """`field 'drivers › naissances › name'` (see `field_path`), or `file` for the file itself."""
    return _("field '%(path)s'", path=field_path(loc, data)) if loc else _("file")


def salvage(model: type[BaseModel], data: Any) -> Any:
    """`model` built from `data` field by field, each wrong field left at its default or a stand-in.

    Lists of parts keep every item, each salvaged: an id written wrong stays as written, so the
    references to it find it and no cascade of "unknown ..." follows the first mistake.
    Only for checks: a salvaged value is never built into a kit (its file has problems).
    """
    data = data if isinstance(data, dict) else {}
    values = {}
    for name, field in model.model_fields.items():
        if name not in data:
            if field.is_required():
                values[name] = _stand_in(field.annotation, None)
            continue
        values[name] = _salvage_value(model, name, data[name])
    return model.model_construct(**values)


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    """A validator of one field of `model` alone, its constraints included (made once: it costs a millisecond)."""
    field = model.model_fields[name]
    return TypeAdapter(Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation)


def _salvage_value(model: type[BaseModel], name: str, raw: Any) -> Any:
    field = model.model_fields[name]
    try:
        return _adapter(model, name).validate_python(raw)
    except (ValidationError, TypeError, ValueError):
        pass
    item_model = _list_of_models(field.annotation)
    if item_model is not None and isinstance(raw, list):
        return [salvage(item_model, item) for item in raw]
    inner = _model_in(field.annotation)
    if inner is not None and isinstance(raw, dict) and get_origin(field.annotation) not in (dict, list):
        return salvage(inner, raw)  # one part (not a list or a mapping of parts) written with a wrong field
    return _stand_in(field.annotation, raw)


def _list_of_models(annotation: Any) -> type[BaseModel] | None:
    for option in (annotation, *get_args(annotation)):
        if get_origin(option) is list:
            [item] = get_args(option) or [None]
            if isinstance(item, type) and issubclass(item, BaseModel):
                return item
    return None


def _stand_in(annotation: Any, raw: Any) -> Any:
    """A value of the field's type, for a field written wrong or missing: what was written when it fits."""
    options = [annotation, *get_args(annotation)]
    if type(None) in options:
        return None
    if bool in options:
        return str(raw).strip().lower() in _BOOLEAN_WORDS["true"]
    if str in options or any(get_origin(option) is Annotated and str in get_args(option) for option in options):
        return raw if isinstance(raw, str) else ""
    if int in options:
        return 0
    for option in options:
        origin = get_origin(option)
        if origin is list:
            return []
        if origin is dict:
            return {}
    return Text({DEFAULT_LANGUAGE: raw if isinstance(raw, str) else ""})


def check_unique(ids: list[str], key: PathKey, loaded: LoadedFile, problems: Problems) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.add(
                loaded.locate((*key, index, "id")),
                _("duplicate id '%(id)s' in %(field)s", id=item_id, field=key[-1]),
                _("every id must be unique: rename one of them"),
            )
        seen.add(item_id)



def attach_origins(value: Any, loaded: LoadedFile, key: PathKey) -> None:
    """Remember where each text was written, so a build-time error can point at it."""
    for path, text in walk_texts(value, key):
        text.origin = Origin(loaded.locate_in_text(path, 0), dotted(path, loaded.data))



# --- text: citations and URLs -----------------------------------------------------

_markdown = checking_parser()


# Where Markdown can make a link without `](` or `]:`: an autolink, `<scheme:...>` or `<name@...>` (raw
# HTML is off). A text with none of the three is not parsed: parsing costs up to 10 µs a character.
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.\-]{1,31}:|<[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@")
# The marks the Markdown parser works on: on text dense with them it spends up to 20 µs on each
# (0.15 µs a character of prose), at check and at build, so their number per file is bounded.
MARKUP_CHARACTERS = "[]*_<>!&`\\"
MAX_SUGGESTED = 100  # unknown citation ids offered a "did you mean" per file: each costs a comparison per source


def check_texts(study: Study, loaded: LoadedFile, problems: Problems) -> None:
    sources = [s.id for s in study.meta.sources]
    known = set(sources)
    suggestions: dict[str, str] = {}
    marks = 0
    for key, text in iter_strings(loaded.data, ()):
        marks += sum(text.count(character) for character in MARKUP_CHARACTERS)
        if marks > MAX_MARKUP_CHARS:
            problems.add(loaded.locate(key),
                         _("the texts of this file hold more than %(max)s Markdown marks (%(marks)s)",
                           max=f"{MAX_MARKUP_CHARS:,}", marks=" ".join(MARKUP_CHARACTERS)),
                         _("a scenario holds about fifty, and each costs reading time: check the file; to raise the "
                           "bound, set the environment variable %(variable)s", variable=env_name("MAX_MARKUP_CHARS")))
            return
        for offset, source_id in citations(text):
            if source_id not in known:
                if source_id not in suggestions:
                    close = did_you_mean(source_id, sources) if len(suggestions) < MAX_SUGGESTED else ""
                    suggestions[source_id] = close
                problems.add(
                    loaded.locate_in_text(key, offset),
                    _("citation [@%(id)s] names no source", id=source_id) + suggestions[source_id],
                    _("add the source to study.yaml (author, title, year) or fix the id"),
                )
        if "](" in text or "]:" in text or _AUTOLINK.search(text):
            _check_urls(study, loaded, key, text, problems)


def _check_urls(study: Study, loaded: LoadedFile, key: PathKey, text: str, problems: Problems) -> None:
    for token in _markdown.parse(text):
        for child in token.children or []:
            if child.type == "image":
                url = str(child.attrGet("src") or "")
                reason = unsafe_image_reason(url, study.folder)
            elif child.type == "link_open":
                url = str(child.attrGet("href") or "")
                safe = url.startswith(LINK_SCHEMES)
                reason = None if safe else _("links may only be http(s), mailto or #anchors")
            else:
                continue
            if reason:
                offset = max(text.find(url), 0)
                problems.add(
                    loaded.locate_in_text(key, offset),
                    _("refused URL '%(url)s': %(reason)s", url=url, reason=reason),
                    _("images must be files in the study's %(folder)s/ folder, written like "
                      "![description](%(folder)s/picture.png)", folder=ASSET_DIR),
                )


def unsafe_image_reason(url: str, study_folder: Path) -> str | None:
    """Why an image URL may not be loaded, or None when it is a study asset."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith(("/", "\\")):
        return _("only relative paths to the study's assets are allowed")
    assets = (study_folder / ASSET_DIR).resolve()
    target = (study_folder / url).resolve()
    if not target.is_relative_to(assets):
        return _("the file is outside the study's %(folder)s/ folder", folder=ASSET_DIR)
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return _("not an image (%(suffixes)s)", suffixes=", ".join(sorted(IMAGE_SUFFIXES)))
    if not target.is_file():
        return _("no such file")
    return None


# --- scanning text in one pass ---------------------------------------------------------
# A regular expression like `\[@([^\]\s]*)\]` tries again from every `[@` of a text, and from
# each may read to the end of it: on `[@[@[@…` that is quadratic. These helpers remember what
# they read, so that finding every match reads each character a bounded number of times.


class NextCharacter:
    """Where the next `character` is at or after a position (-1: none), for positions that mostly grow."""

    def __init__(self, text: str, character: str):
        self.text, self.character = text, character
        self.start, self.found = 0, -2  # the last search: from `start`, found at `found`

    def __call__(self, position: int) -> int:
        if self.found == -2 or position < self.start or 0 <= self.found < position:
            self.start, self.found = position, self.text.find(self.character, position)
        return self.found


class RunEnd:
    """Where the run of characters `pattern` (a class with `*`) matches from a position ends."""

    def __init__(self, text: str, pattern: re.Pattern):
        self.text, self.pattern = text, pattern
        self.start, self.end = 0, -1

    def __call__(self, position: int) -> int:
        if not self.start <= position <= self.end:
            self.start, self.end = position, self.pattern.match(self.text, position).end()
        return self.end


_CITATION_ID = re.compile(r"[^\]\s]*")


def citations(text: str) -> Iterable[tuple[int, str]]:
    """(offset, id) of every citation `markup.CITATION` finds in `text` (even of a malformed id), in one pass."""
    run = RunEnd(text, _CITATION_ID)
    position = 0
    while (start := text.find("[@", position)) >= 0:
        end = run(start + 2)
        if text.startswith("]", end):
            yield start, text[start + 2:end]
            position = end + 1
        else:
            position = start + 1


def iter_strings(value: Any, key: PathKey) -> Iterable[tuple[PathKey, str]]:
    return ((path, item) for path, item in leaves(value, key) if isinstance(item, str))
