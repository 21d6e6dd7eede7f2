"""Stage 2b, validate: turn loaded files into a `Study`, collecting every problem.

Shape errors come from the pydantic models; the rules that span fields and files
(ids, one baseline, picks, references, citations, safe URLs) are checked here.
All problems of a run are gathered before anything is reported.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from toolkit.errors import InputError, Location, Problems
from toolkit.loader import LoadedFile, PathKey, load_yaml
from toolkit.markdown import checking_parser
from toolkit.model import SLUG_PATTERN, Origin, Scenario, ScenarioFile, Study, StudyFile, Text, suggest_slug

STUDY_FILE = "study.yaml"
SCENARIO_DIR = "scenarios"
ASSET_DIR = "assets"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
CITATION = re.compile(r"\[@([^\]\s]*)\]")
LINK_SCHEMES = ("http://", "https://", "mailto:", "#")


def load_study(folder: Path, *, review: bool = False) -> Study:
    """Load and validate a study folder; raise `InputError` with every problem found.

    With `review`, a valid study is also reviewed for weak content (`toolkit.review`):
    those warnings join the others in `study.warnings`.
    """
    problems = Problems()
    study = _load(folder.resolve(), problems, review=review)
    if problems or study is None:
        raise InputError(problems)
    study.warnings = problems.warnings
    return study


def _load(folder: Path, problems: Problems, *, review: bool = False) -> Study | None:
    study_path = folder / STUDY_FILE
    if not study_path.is_file():
        problems.add(
            Location(study_path),
            f"no {STUDY_FILE} in {folder.name}/",
            "a study folder holds a study.yaml file and a scenarios/ folder",
        )
        return None
    study_file = load_yaml(study_path, problems)
    meta = parse_file(StudyFile, study_file, problems) if study_file else None
    scenario_files = _load_scenario_files(folder, problems)
    scenarios = []
    for loaded in scenario_files:
        data = parse_file(ScenarioFile, loaded, problems)
        if data is not None and _check_scenario_id(loaded, data, problems):
            scenarios.append(Scenario(loaded.path.stem, loaded.path, data))
    if meta is None:
        return None
    _check_study_ids(meta, study_file, problems)
    _check_incompatible(meta, study_file, problems)
    study = Study(id=folder.name, folder=folder, meta=meta, scenarios=scenarios)
    scenario_files = [f for f in scenario_files if any(s.path == f.path for s in scenarios)]
    study.scenarios.sort(key=lambda s: (not s.data.baseline, s.data.order, s.id))
    _check_baseline(study, scenario_files, problems)
    for scenario, loaded in _pairs(study, scenario_files):
        _check_references(study, scenario, loaded, problems)
    for loaded in [study_file, *scenario_files]:
        check_texts(study, loaded, problems)
    attach_origins(meta, study_file, ())
    for scenario, loaded in _pairs(study, scenario_files):
        attach_origins(scenario.data, loaded, ())
    _load_workshop_layer(study, problems)
    if review and not problems:  # only a valid study is reviewed
        from toolkit.review import StudyFiles, review_study

        files = StudyFiles(study_file, {scenario.id: loaded for scenario, loaded in _pairs(study, scenario_files)})
        review_study(study, files, problems)
    return study


def _load_workshop_layer(study: Study, problems: Problems) -> None:
    """Methods and workshop plans need the study, so they are checked after it."""
    from toolkit.paths import template_dirs
    from toolkit.workshops import load_methods, load_workshops

    study.methods = load_methods(template_dirs(study.folder), problems)
    study.workshops = load_workshops(study, problems)


def _load_scenario_files(folder: Path, problems: Problems) -> list[LoadedFile]:
    scenario_dir = folder / SCENARIO_DIR
    if not scenario_dir.is_dir():
        problems.add(
            Location(folder / STUDY_FILE),
            f"no {SCENARIO_DIR}/ folder beside study.yaml",
            "create scenarios/ with one <id>.yaml file per scenario",
        )
        return []
    for stray in sorted(scenario_dir.glob("*.yml")):
        problems.add(Location(stray), "scenario files must end in .yaml", f"rename it to {stray.stem}.yaml")
    files = [load_yaml(path, problems) for path in sorted(scenario_dir.glob("*.yaml"))]
    return [loaded for loaded in files if loaded is not None]


# --- shape (pydantic) -------------------------------------------------------------


def parse_file(model: type[BaseModel], loaded: LoadedFile, problems: Problems) -> Any:
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
        problems.add(loaded.locate(loc), f"{_dotted(loc)}: {message}")


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


def _dotted(loc: PathKey) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"field '{text}'" if text else "file"


# --- ids and the baseline ---------------------------------------------------------


def _check_study_ids(meta: StudyFile, loaded: LoadedFile, problems: Problems) -> None:
    for kind in ("drivers", "professions", "personas", "sources"):
        check_unique([item.id for item in getattr(meta, kind)], (kind,), loaded, problems)
    for index, driver in enumerate(meta.drivers):
        check_unique([h.id for h in driver.hypotheses], ("drivers", index, "hypotheses"), loaded, problems)
        trends = [i for i, h in enumerate(driver.hypotheses) if h.trend]
        if len(trends) != 1:
            where = ("drivers", index, "hypotheses", trends[1], "trend") if trends else ("drivers", index)
            problems.add(
                loaded.locate(where, at_key=bool(trends)),
                f"driver '{driver.id}' has {len(trends)} trend hypotheses, it needs exactly one",
                "mark the hypothesis that continues today's trends with `trend: true`",
            )


def _check_incompatible(meta: StudyFile, loaded: LoadedFile, problems: Problems) -> None:
    """Each side of an `incompatible` pair names an existing `driver.hypothesis`."""
    drivers = {d.id: d for d in meta.drivers}
    for index, rule in enumerate(meta.incompatible):
        sides = []
        for side, reference in enumerate(rule.pair):
            where = loaded.locate(("incompatible", index, "pair", side))
            driver_id, dot, hypothesis_id = reference.partition(".")
            driver = drivers.get(driver_id)
            if not dot or not driver_id or not hypothesis_id:
                problems.add(where, f"'{reference}' is not of the form driver.hypothesis",
                             "write the driver id, a dot and one of its hypothesis ids, like "
                             f"{meta.drivers[0].id}.{meta.drivers[0].hypotheses[0].id}")
            elif driver is None:
                problems.add(where, f"unknown driver '{driver_id}'{did_you_mean(driver_id, drivers)}",
                             f"drivers of this study: {', '.join(drivers)}")
            elif driver.hypothesis(hypothesis_id) is None:
                options = [h.id for h in driver.hypotheses]
                problems.add(where, f"driver '{driver_id}' has no hypothesis '{hypothesis_id}'"
                             f"{did_you_mean(hypothesis_id, options)}", f"choose one of: {', '.join(options)}")
            else:
                sides.append(driver_id)
        if len(sides) == 2 and sides[0] == sides[1]:
            problems.add(loaded.locate(("incompatible", index, "pair")),
                         f"both hypotheses of the pair belong to driver '{sides[0]}'",
                         "a scenario picks one hypothesis per driver, so these never go together anyway: "
                         "pair hypotheses of two different drivers")


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


def _check_scenario_id(loaded: LoadedFile, data: ScenarioFile, problems: Problems) -> bool:
    stem = loaded.path.stem
    if not re.match(SLUG_PATTERN, stem):
        problems.add(
            Location(loaded.path),
            f"'{stem}' is not a valid scenario id (the file name is the id)",
            f"rename the file to {suggest_slug(stem)}.yaml",
        )
        return False
    if data.id is not None and data.id != stem:
        problems.add(
            loaded.locate(("id",)),
            f"id '{data.id}' does not match the file name '{stem}.yaml'",
            "remove the id field (the file name is the id) or rename the file",
        )
    return True


def _check_baseline(study: Study, files: list[LoadedFile], problems: Problems) -> None:
    baselines = [s for s in study.scenarios if s.data.baseline]
    if not baselines and study.scenarios:
        problems.add(
            Location(study.folder / STUDY_FILE),
            "no baseline scenario: one scenario must say `baseline: true`",
            "the baseline is the 'si rien ne change' scenario every other one is compared with",
        )
    elif not study.scenarios and not problems:
        problems.add(
            Location(study.folder / SCENARIO_DIR),
            "the study has no scenario",
            "add a scenarios/<id>.yaml file",
        )
    for extra in baselines[1:]:
        loaded = _file_of(extra, files)
        problems.add(
            loaded.locate(("baseline",)),
            f"more than one baseline: '{baselines[0].id}' and '{extra.id}'",
            "keep `baseline: true` in exactly one scenario",
        )


def attach_origins(value: Any, loaded: LoadedFile, key: PathKey) -> None:
    """Remember where each text was written, so a build-time error can point at it."""
    if isinstance(value, Text):
        value.origin = Origin(loaded.locate_in_text(key, 0), _dotted(key))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            attach_origins(getattr(value, name), loaded, (*key, name))
    elif isinstance(value, dict):
        for name, item in value.items():
            attach_origins(item, loaded, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            attach_origins(item, loaded, (*key, index))


def _pairs(study: Study, files: list[LoadedFile]) -> Iterable[tuple[Scenario, LoadedFile]]:
    return ((scenario, _file_of(scenario, files)) for scenario in study.scenarios)


def _file_of(scenario: Scenario, files: list[LoadedFile]) -> LoadedFile:
    return next(f for f in files if f.path == scenario.path)


# --- references between files -----------------------------------------------------


def _check_references(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems) -> None:
    meta = study.meta
    drivers = {d.id: d for d in meta.drivers}
    picks = scenario.data.picks
    for driver_id, hypothesis_id in picks.items():
        driver = drivers.get(driver_id)
        if driver is None:
            problems.add(
                loaded.locate(("picks", driver_id), at_key=True),
                f"unknown driver '{driver_id}'{did_you_mean(driver_id, drivers)}",
                f"drivers of this study: {', '.join(drivers)}",
            )
            continue
        options = [h.id for h in driver.hypotheses]
        if hypothesis_id not in options:
            problems.add(
                loaded.locate(("picks", driver_id)),
                f"driver '{driver_id}' has no hypothesis '{hypothesis_id}'"
                f"{did_you_mean(hypothesis_id, options)}",
                f"choose one of: {', '.join(options)}",
            )
        elif scenario.data.baseline and driver.trend and hypothesis_id != driver.trend.id:
            problems.add(
                loaded.locate(("picks", driver_id)),
                f"the baseline must pick the trend hypothesis of every driver: "
                f"'{driver_id}' should be '{driver.trend.id}', not '{hypothesis_id}'",
                "the baseline continues today's trends ('si rien ne change')",
            )
    missing = [driver_id for driver_id in drivers if driver_id not in picks]
    if missing:
        problems.add(
            loaded.locate(("picks",), at_key=True),
            f"no pick for driver(s): {', '.join(missing)}",
            "every scenario picks exactly one hypothesis for every driver",
        )
    baseline_picks = next((s.data.picks for s in study.scenarios if s.data.baseline), {})
    changed = [driver_id for driver_id, pick in picks.items() if baseline_picks.get(driver_id) != pick]
    for index, driver_id in enumerate(scenario.data.key_picks):
        if driver_id not in drivers:
            problems.add(loaded.locate(("key_picks", index)),
                         f"unknown driver '{driver_id}'{did_you_mean(driver_id, drivers)}",
                         f"drivers of this study: {', '.join(drivers)}")
        elif driver_id not in changed:
            problems.add(loaded.locate(("key_picks", index)),
                         f"key pick '{driver_id}' is not a driver this scenario changes",
                         "key_picks lists drivers where the scenario departs from the baseline")
    for field_name, known in (("professions", meta.professions), ("personas", meta.personas)):
        ids = [item.id for item in known]
        for key in getattr(scenario.data, field_name):
            if key not in ids:
                problems.add(
                    loaded.locate((field_name, key), at_key=True),
                    f"unknown {field_name[:-1]} '{key}'{did_you_mean(key, ids)}",
                    f"{field_name} of this study: {', '.join(ids) or 'none'}",
                )
    sources = [s.id for s in meta.sources]
    for index, signal in enumerate(scenario.data.weak_signals):
        if signal.source not in sources:
            problems.add(
                loaded.locate(("weak_signals", index, "source")),
                f"unknown source '{signal.source}'{did_you_mean(signal.source, sources)}",
                "add it to the sources list of study.yaml, or fix the id",
            )


# --- text: citations and URLs -----------------------------------------------------

_markdown = checking_parser()


def check_texts(study: Study, loaded: LoadedFile, problems: Problems) -> None:
    sources = [s.id for s in study.meta.sources]
    for key, text in iter_strings(loaded.data, ()):
        for match in CITATION.finditer(text):
            if match.group(1) not in sources:
                problems.add(
                    loaded.locate_in_text(key, match.start()),
                    f"citation [@{match.group(1)}] names no source{did_you_mean(match.group(1), sources)}",
                    "add the source to study.yaml (author, title, year) or fix the id",
                )
        if "](" in text or "]:" in text or "<" in text:
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


def iter_strings(value: Any, key: PathKey) -> Iterable[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from iter_strings(item, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*key, index))


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when one option is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
