"""The checks every study file shares: shape (pydantic), unique ids, where each text was
written, citations and URLs in text.

`load` (study.yaml and scenarios), `workshops` (methods, plans, results) and `review`
use these on their own files; each problem is located at the file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from toolkit.errors import Location, Problems, did_you_mean
from toolkit.limits import MAX_ID_CHARS, MAX_MARKUP_CHARS, env_name
from toolkit.paths import ASSET_DIR, IMAGE_SUFFIXES
from toolkit.study.loader import LoadedFile, PathKey
from toolkit.study.markup import checking_parser
from toolkit.study.model import MethodFile, Origin, ScenarioFile, Study, Text, WorkshopFile, shortened

LINK_SCHEMES = ("http://", "https://", "mailto:", "#")


# --- shape (pydantic) -------------------------------------------------------------


# Files whose name (or folder's name) is the id of what they hold: it names files of the kit.
_NAMED_BY_FILE = {
    ScenarioFile: ("scenario", "file"),
    WorkshopFile: ("workshop", "file"),
    MethodFile: ("method", "folder"),
}

# Hints for pydantic's own errors of number and text bounds.
_BOUND_HINTS = {
    "less_than_equal": "write a number of at most {le}",
    "greater_than_equal": "write a number of at least {ge}",
    "string_too_long": "write at most {max_length} characters",
    "too_long": "write at most {max_length} items",
    "finite_number": "write a whole number",
    "int_from_float": "write a whole number",
    "int_parsing": "write a whole number",
}


def parse_file(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> Any:
    _check_file_id(model, loaded, problems)
    if not isinstance(loaded.data, dict):
        problems.add(
            loaded.locate(()),
            "the file must be a mapping of fields (`name: value`)",
            f"see an existing {loaded.path.name} for the expected layout",
        )
        return None
    try:
        return model.model_validate(loaded.data)
    except ValidationError as error:
        for item in error.errors():
            _shape_problem(model, loaded, item, problems)
        return None


def _shape_problem(model: type[BaseModel], loaded: LoadedFile, item: dict, problems: Problems) -> None:
    loc = tuple(part for part in item["loc"] if part != "[key]")
    name = str(loc[-1]) if loc else ""
    if item["type"] == "extra_forbidden":
        allowed = list(_model_at(model, loc[:-1]).model_fields) if _model_at(model, loc[:-1]) else []
        allowed = [field for field in allowed if field != "id" or model is not ScenarioFile]
        problems.add(
            loaded.locate(loc, at_key=True),
            f"unknown field '{name}'{did_you_mean(name, allowed)}",
            f"allowed fields here: {', '.join(allowed)}" if allowed else "",
        )
    elif item["type"] == "missing":
        problems.add(
            loaded.locate(loc[:-1]), f"missing required field '{name}'", f"add a line `{name}: ...` here"
        )
    else:
        message = item["msg"].removeprefix("Value error, ")
        context = item.get("ctx") or {}
        hint = context.get("hint") or _BOUND_HINTS.get(item["type"], "").format_map(context)
        problems.add(loaded.locate(loc), f"{dotted(loc)}: {message}", hint)


def _check_file_id(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> None:
    """The id a file's name gives (a scenario, a workshop, a method's folder) is short enough to name files."""
    if model not in _NAMED_BY_FILE:
        return
    kind, holder = _NAMED_BY_FILE[model]
    name = loaded.path.stem if holder == "file" else loaded.path.parent.name
    if len(name) > MAX_ID_CHARS:
        problems.add(Location(loaded.path),
                     f"the {kind} id '{shortened(name)}' is {len(name):,} characters long, more than the "
                     f"{MAX_ID_CHARS} an id may have (the {holder} name is the id)",
                     f"rename the {holder} to a shorter id: the id names the files and folders of the kit")


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


def dotted(loc: PathKey) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"field '{text}'" if text else "file"



def check_unique(ids: list[str], key: PathKey, loaded: LoadedFile, problems: Problems) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.add(
                loaded.locate((*key, index, "id")),
                f"duplicate id '{item_id}' in {key[-1]}",
                "every id must be unique: rename one of them",
            )
        seen.add(item_id)



def attach_origins(value: Any, loaded: LoadedFile, key: PathKey) -> None:
    """Remember where each text was written, so a build-time error can point at it."""
    if isinstance(value, Text):
        value.origin = Origin(loaded.locate_in_text(key, 0), dotted(key))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            attach_origins(getattr(value, name), loaded, (*key, name))
    elif isinstance(value, dict):
        for name, item in value.items():
            attach_origins(item, loaded, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            attach_origins(item, loaded, (*key, index))



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
            problems.add(loaded.locate(key), f"the texts of this file hold more than {MAX_MARKUP_CHARS:,} Markdown "
                         f"marks ({' '.join(MARKUP_CHARACTERS)})",
                         "a scenario holds about fifty, and each costs reading time: check the file; to raise the "
                         f"bound, set the environment variable {env_name('MAX_MARKUP_CHARS')}")
            return
        for offset, source_id in citations(text):
            if source_id not in known:
                if source_id not in suggestions:
                    close = did_you_mean(source_id, sources) if len(suggestions) < MAX_SUGGESTED else ""
                    suggestions[source_id] = close
                problems.add(
                    loaded.locate_in_text(key, offset),
                    f"citation [@{source_id}] names no source{suggestions[source_id]}",
                    "add the source to study.yaml (author, title, year) or fix the id",
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
                reason = None if safe else "links may only be http(s), mailto or #anchors"
            else:
                continue
            if reason:
                offset = max(text.find(url), 0)
                problems.add(
                    loaded.locate_in_text(key, offset),
                    f"refused URL '{url}': {reason}",
                    f"images must be files in the study's {ASSET_DIR}/ folder, "
                    f"written like ![description]({ASSET_DIR}/picture.png)",
                )


def unsafe_image_reason(url: str, study_folder: Path) -> str | None:
    """Why an image URL may not be loaded, or None when it is a study asset."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith(("/", "\\")):
        return "only relative paths to the study's assets are allowed"
    assets = (study_folder / ASSET_DIR).resolve()
    target = (study_folder / url).resolve()
    if not target.is_relative_to(assets):
        return f"the file is outside the study's {ASSET_DIR}/ folder"
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return f"not an image ({', '.join(sorted(IMAGE_SUFFIXES))})"
    if not target.is_file():
        return "no such file"
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
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from iter_strings(item, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*key, index))
