"""Reading a study folder into a checked `Study`: the entry point of the study package.

`load_study` loads study.yaml and every scenario, checks the rules that span fields and
files (ids, one baseline, picks, references), then the workshop layer (methods, plans,
results) and, when asked, reviews the content. Every problem of a run is gathered before
anything is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import InputError, Location, Problems, did_you_mean
from toolkit.paths import SCENARIO_DIR, STUDY_FILE, template_dirs
from toolkit.study.folder import check_folder
from toolkit.study.loader import LoadedFile, load_yaml
from toolkit.study.model import SLUG_PATTERN, Scenario, ScenarioFile, Study, StudyFile, suggest_slug
from toolkit.study.review import StudyFiles, review_study
from toolkit.study.rules import attach_origins, check_texts, check_unique, parse_file
from toolkit.study.workshops import load_methods, load_workshops


def load_study(folder: Path, *, review: bool = False) -> Study:
    """Load and validate a study folder; raise `InputError` with every problem found.

    With `review`, a valid study is also reviewed for weak content (`toolkit.study.review`):
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
    check_folder(folder, problems)
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
        files = StudyFiles(study_file, {scenario.id: loaded for scenario, loaded in _pairs(study, scenario_files)})
        review_study(study, files, problems)
    return study


def _load_workshop_layer(study: Study, problems: Problems) -> None:
    """Methods and workshop plans need the study, so they are checked after it."""
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
