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
from toolkit.language import N_, _
from toolkit.paths import RESULTS_DIR, SCENARIO_DIR, STUDY_FILE, WORKSHOPS_DIR, template_dirs
from toolkit.study.folder import check_folder
from toolkit.study.loader import LoadedFile, PathKey, load_yaml
from toolkit.study.model import (
    SLUG_PATTERN,
    ResultsFile,
    Scenario,
    ScenarioFile,
    Study,
    StudyFile,
    WorkshopFile,
    suggest_slug,
)
from toolkit.study.review import StudyFiles, review_study
from toolkit.study.rules import attach_origins, check_texts, check_unique, parse_file, parse_partly, salvage
from toolkit.study.workshops import load_methods, load_workshops, translate_methods, translate_study_file


def load_study(folder: Path, *, review: bool = False, easy_read: bool = False,
               languages: list[str] | None = None) -> Study:
    """Load and validate a study folder; raise `InputError` with every problem found.

    With `review`, a valid study is also reviewed for weak content (`toolkit.study.review`):
    those warnings join the others in `study.warnings`; with `easy_read` too, the review also
    names every scenario and persona without an easy-to-read text. `languages` limits the
    translations read to those editions (a French build does not wait for the English
    translation of a new scenario); None reads every language of the study.
    """
    problems = Problems()
    study = _load(folder.resolve(), problems, review=review, easy_read=easy_read, languages=languages)
    if problems or study is None:
        raise InputError(problems)
    study.warnings = problems.warnings
    return study


def _load(folder: Path, problems: Problems, *, review: bool = False, easy_read: bool = False,
          languages: list[str] | None = None) -> Study | None:
    """Every check that can be made, even when some files are wrong: one run reports every problem.

    A file that cannot be read, or a field written wrong, does not stop the others: what is valid
    is still checked against the rest (`rules.parse_partly`), and the checks that would only repeat
    the first mistake (a reference to a scenario whose file has a syntax error...) are left out.
    """
    study_path = folder / STUDY_FILE
    if not study_path.is_file():
        problems.add(
            Location(study_path),
            _("no %(file)s file in %(folder)s/", file=STUDY_FILE, folder=folder.name),
            _("a study folder holds a study.yaml file and a scenarios/ folder"),
        )
        return None
    check_folder(folder, problems)
    study_file = load_yaml(study_path, problems)
    meta, meta_broken = parse_partly(StudyFile, study_file, problems) if study_file else (None, None)
    scenario_files, unreadable, listed = _load_scenario_files(folder, problems)
    scenarios, broken, stubs = [], {}, []
    for loaded in scenario_files:
        data, spoilt = parse_partly(ScenarioFile, loaded, problems)
        if not _check_scenario_id(loaded, data, problems):
            continue
        if data is None:
            stubs.append(Scenario(loaded.path.stem, loaded.path, salvage(ScenarioFile, {})))
            continue
        scenarios.append(Scenario(loaded.path.stem, loaded.path, data))
        broken[loaded.path] = spoilt
    stubs += [Scenario(path.stem, path, salvage(ScenarioFile, {})) for path in unreadable
              if re.match(SLUG_PATTERN, path.stem)]
    if meta is None:
        _check_files_alone(folder, problems)
        return None
    gaps = _Gaps(meta_broken or set(), broken, complete=listed and not stubs and not unreadable)
    _check_study_ids(meta, study_file, problems, gaps)
    _check_incompatible(meta, study_file, problems, gaps)
    study = Study(id=folder.name, folder=folder, meta=meta, scenarios=scenarios, translated=languages)
    scenario_files = [f for f in scenario_files if any(s.path == f.path for s in scenarios)]
    study.scenarios.sort(key=lambda s: (not s.data.baseline, s.data.order, s.id))
    _check_baseline(study, scenario_files, problems, gaps)
    for scenario, loaded in _pairs(study, scenario_files):
        _check_references(study, scenario, loaded, problems, gaps)
    for loaded in [study_file, *scenario_files]:
        check_texts(study, loaded, problems)
    attach_origins(meta, study_file, ())
    for scenario, loaded in _pairs(study, scenario_files):
        attach_origins(scenario.data, loaded, ())
    sound = [(meta, study_file)] if not gaps.study else []  # a file written wrong: its translation waits for the fix
    sound += [(s.data, f) for s, f in _pairs(study, scenario_files) if not gaps.scenarios.get(f.path)]
    for model, loaded in sound:
        translate_study_file(study, model, loaded.path, problems)
    if listed:  # without the list of scenarios, every plan would only repeat "unknown scenario"
        study.scenarios = [*study.scenarios, *stubs]  # a scenario whose file is wrong is still known by its name
        _load_workshop_layer(study, problems)
        study.scenarios = [s for s in study.scenarios if s not in stubs]
    else:
        _check_files_alone(folder, problems)
    if review and not problems:  # only a valid study is reviewed
        files = StudyFiles(study_file, {scenario.id: loaded for scenario, loaded in _pairs(study, scenario_files)})
        review_study(study, files, problems, easy_read=easy_read)
    return study


class _Gaps:
    """What the problems already reported leave unknown: the checks that would repeat them are left out.

    `study` holds the paths of study.yaml's fields found wrong; `scenarios` those of each scenario file;
    `complete` says every scenario file was read (so a missing baseline is a mistake of its own).
    """

    def __init__(self, study: set[PathKey], scenarios: dict[Path, set[PathKey]], complete: bool):
        self.study, self.scenarios, self.complete = study, scenarios, complete

    def in_study(self, *key: str | int) -> bool:
        """True when the field at `key` of study.yaml, or something in or around it, was written wrong."""
        return _touches(self.study, key)

    def hypotheses_unsure(self, driver: int, field: str = "id") -> bool:
        """True when the hypotheses of the `driver`-th driver, or their `field` (id, trend), were written wrong:
        a `trend: oui` leaves the hypothesis ids sure, a misspelt `hypotheses` leaves nothing sure."""
        key = ("drivers", driver, "hypotheses")
        return any(key[:len(path)] == path or (path[:3] == key and (len(path) == 4 or path[4] == field))
                   for path in self.study)

    def in_scenario(self, path: Path, *key: str | int) -> bool:
        return _touches(self.scenarios.get(path, set()), key)

    def known(self, meta: StudyFile, kind: str) -> set[str]:
        """Ids of `kind` (drivers, sources...) that a reference may use without being called unknown: the
        valid ones, and for one written wrong, what it was meant to be (`Démographie` -> `demographie`)."""
        items = getattr(meta, kind)
        known = {str(item.id) for item in items}
        return known | {suggest_slug(str(item.id)) for index, item in enumerate(items) if self.in_study(kind, index)}

    def unsure(self, kind: str) -> bool:
        """True when the list `kind` of study.yaml is not there as a list, so any id may be missing from it."""
        return any(path[:1] == (kind,) and (len(path) == 1 or not isinstance(path[1], int)) for path in self.study)


def _touches(broken: set[PathKey], key: PathKey) -> bool:
    return any(path[:len(key)] == key or key[:len(path)] == path for path in broken)


def _check_files_alone(folder: Path, problems: Problems) -> None:
    """Without a readable study.yaml (or list of scenarios), what can be checked alone: the shape of each plan
    and results file, and the method library. Their references wait for the study to be fixed."""
    load_methods(template_dirs(folder), problems)
    for kind, model in ((WORKSHOPS_DIR, WorkshopFile), (RESULTS_DIR, ResultsFile)):
        for path in sorted((folder / kind).glob("*.yaml")):
            loaded = load_yaml(path, problems)
            if loaded is not None:
                parse_file(model, loaded, problems)


def _load_workshop_layer(study: Study, problems: Problems) -> None:
    """Methods and workshop plans need the study, so they are checked after it."""
    study.methods = load_methods(template_dirs(study.folder), problems)
    translate_methods(study, problems)
    study.workshops = load_workshops(study, problems)


def _load_scenario_files(folder: Path, problems: Problems) -> tuple[list[LoadedFile], list[Path], bool]:
    """The scenario files read, those that could not be, and whether the folder was there to list."""
    scenario_dir = folder / SCENARIO_DIR
    if not scenario_dir.is_dir():
        problems.add(
            Location(folder / STUDY_FILE),
            _("no %(folder)s/ folder beside study.yaml", folder=SCENARIO_DIR),
            _("create scenarios/ with one <id>.yaml file per scenario"),
        )
        return [], [], False
    for stray in sorted(scenario_dir.glob("*.yml")):
        problems.add(Location(stray), _("scenario files must end in .yaml"),
                     _("rename it to %(name)s.yaml", name=stray.stem))
    paths = sorted(scenario_dir.glob("*.yaml"))
    files = {path: load_yaml(path, problems) for path in paths}
    return [loaded for loaded in files.values() if loaded is not None], [p for p, f in files.items() if f is None], True


# --- ids and the baseline ---------------------------------------------------------


def _check_study_ids(meta: StudyFile, loaded: LoadedFile, problems: Problems, gaps: _Gaps) -> None:
    for kind in ("drivers", "professions", "personas", "actors", "sources"):
        check_unique([item.id for item in getattr(meta, kind)], (kind,), loaded, problems)
    for index, driver in enumerate(meta.drivers):
        check_unique([h.id for h in driver.hypotheses], ("drivers", index, "hypotheses"), loaded, problems)
        if gaps.hypotheses_unsure(index, "trend"):
            continue  # a trend written wrong (`trend: oui`) is reported already
        trends = [i for i, h in enumerate(driver.hypotheses) if h.trend]
        if len(trends) != 1:
            where = ("drivers", index, "hypotheses", trends[1], "trend") if trends else ("drivers", index)
            problems.add(
                loaded.locate(where, at_key=bool(trends)),
                _("driver '%(driver)s' has %(count)s trend hypotheses, it needs exactly one", driver=driver.id,
                  count=len(trends)),
                _("mark the hypothesis that continues today's trends with `trend: true`"),
            )


def _check_incompatible(meta: StudyFile, loaded: LoadedFile, problems: Problems, gaps: _Gaps) -> None:
    """Each side of an `incompatible` pair names an existing `driver.hypothesis`."""
    drivers = {d.id: d for d in meta.drivers}
    known = gaps.known(meta, "drivers")
    for index, rule in enumerate(meta.incompatible):
        sides = []
        for side, reference in enumerate(rule.pair):
            where = loaded.locate(("incompatible", index, "pair", side))
            driver_id, dot, hypothesis_id = str(reference).partition(".")
            driver = drivers.get(driver_id)
            if not dot or not driver_id or not hypothesis_id:
                example = f"{meta.drivers[0].id}.{meta.drivers[0].hypotheses[0].id}" \
                    if meta.drivers and meta.drivers[0].hypotheses else "demographie.vieillissement"
                problems.add(where, _("'%(reference)s' is not of the form driver.hypothesis", reference=reference),
                             _("write the driver id, a dot and one of its hypothesis ids, like %(example)s",
                               example=example))
            elif driver is None:
                if driver_id not in known and not gaps.unsure("drivers"):
                    problems.add(where, _("unknown driver '%(id)s'", id=driver_id) + did_you_mean(driver_id, drivers),
                                 _("drivers of this study: %(ids)s", ids=", ".join(drivers)))
            elif driver.hypothesis(hypothesis_id) is None:
                if not gaps.hypotheses_unsure(meta.drivers.index(driver)):
                    options = [h.id for h in driver.hypotheses]
                    problems.add(where, _("driver '%(driver)s' has no hypothesis '%(id)s'", driver=driver_id,
                                          id=hypothesis_id) + did_you_mean(hypothesis_id, options),
                                 _("choose one of: %(ids)s", ids=", ".join(options)))
            else:
                sides.append(driver_id)
        if len(sides) == 2 and sides[0] == sides[1]:
            problems.add(loaded.locate(("incompatible", index, "pair")),
                         _("both hypotheses of the pair belong to driver '%(driver)s'", driver=sides[0]),
                         _("a scenario picks one hypothesis per driver, so these never go together anyway: "
                           "pair hypotheses of two different drivers"))


def _check_scenario_id(loaded: LoadedFile, data: ScenarioFile | None, problems: Problems) -> bool:
    stem = loaded.path.stem
    if not re.match(SLUG_PATTERN, stem):
        problems.add(
            Location(loaded.path),
            _("'%(id)s' is not a valid scenario id (the file name is the id)", id=stem),
            _("rename the file to %(name)s.yaml", name=suggest_slug(stem)),
        )
        return False
    if data is not None and data.id is not None and data.id != stem:
        problems.add(
            loaded.locate(("id",)),
            _("id '%(id)s' does not match the file name '%(name)s.yaml'", id=data.id, name=stem),
            _("remove the id field (the file name is the id) or rename the file"),
        )
    return True


def _check_baseline(study: Study, files: list[LoadedFile], problems: Problems, gaps: _Gaps) -> None:
    baselines = [s for s in study.scenarios if s.data.baseline]
    unsure = not gaps.complete or any(gaps.in_scenario(s.path, "baseline") for s in study.scenarios)
    if not baselines and study.scenarios and not unsure:
        problems.add(
            Location(study.folder / STUDY_FILE),
            _("no baseline scenario: one scenario must say `baseline: true`"),
            _("the baseline is the 'si rien ne change' scenario every other one is compared with"),
        )
    elif not study.scenarios and gaps.complete and not problems:
        problems.add(
            Location(study.folder / SCENARIO_DIR),
            _("the study has no scenario"),
            _("add a scenarios/<id>.yaml file"),
        )
    for extra in baselines[1:]:
        loaded = _file_of(extra, files)
        problems.add(
            loaded.locate(("baseline",)),
            _("more than one baseline: '%(first)s' and '%(other)s'", first=baselines[0].id, other=extra.id),
            _("keep `baseline: true` in exactly one scenario"),
        )


def _pairs(study: Study, files: list[LoadedFile]) -> Iterable[tuple[Scenario, LoadedFile]]:
    return ((scenario, _file_of(scenario, files)) for scenario in study.scenarios)


def _file_of(scenario: Scenario, files: list[LoadedFile]) -> LoadedFile:
    return next(f for f in files if f.path == scenario.path)


# --- references between files -----------------------------------------------------


def _check_references(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems, gaps: _Gaps) -> None:
    meta = study.meta
    drivers = {d.id: d for d in meta.drivers}
    positions = {d.id: index for index, d in enumerate(meta.drivers)}
    path = scenario.path
    picks = scenario.data.picks
    changed: list[str] | None = None
    if not gaps.in_scenario(path, "picks"):
        _check_picks(study, scenario, loaded, problems, gaps)
        baseline = next((s for s in study.scenarios if s.data.baseline), None)
        if baseline is not None and not gaps.in_scenario(baseline.path, "picks"):
            changed = [driver_id for driver_id, pick in picks.items() if baseline.data.picks.get(driver_id) != pick]
    if not gaps.in_scenario(path, "key_picks"):
        known = gaps.known(meta, "drivers")
        for index, driver_id in enumerate(scenario.data.key_picks):
            if driver_id not in drivers:
                if driver_id not in known and not gaps.unsure("drivers"):
                    problems.add(loaded.locate(("key_picks", index)),
                                 _("unknown driver '%(id)s'", id=driver_id) + did_you_mean(driver_id, drivers),
                                 _("drivers of this study: %(ids)s", ids=", ".join(drivers)))
            elif changed is not None and driver_id not in changed \
                    and not gaps.in_study("drivers", positions[driver_id]):
                problems.add(loaded.locate(("key_picks", index)),
                             _("key pick '%(id)s' is not a driver this scenario changes", id=driver_id),
                             _("key_picks lists drivers where the scenario departs from the baseline"))
    for field_name, message, hint in (
            ("professions", N_("unknown profession '%(id)s'"), N_("professions of this study: %(ids)s")),
            ("personas", N_("unknown persona '%(id)s'"), N_("personas of this study: %(ids)s"))):
        if gaps.unsure(field_name) or gaps.in_scenario(path, field_name):
            continue
        ids = [item.id for item in getattr(meta, field_name)]
        known = gaps.known(meta, field_name)
        for key in getattr(scenario.data, field_name):
            if key not in known:
                problems.add(
                    loaded.locate((field_name, key), at_key=True),
                    _(message, id=key) + did_you_mean(key, ids),
                    _(hint, ids=", ".join(ids) or _("none")),
                )
    if gaps.unsure("sources"):
        return
    sources = [s.id for s in meta.sources]
    known = gaps.known(meta, "sources")
    for index, signal in enumerate(scenario.data.weak_signals):
        if isinstance(signal.source, str) and signal.source not in known \
                and not gaps.in_scenario(path, "weak_signals", index, "source"):
            problems.add(
                loaded.locate(("weak_signals", index, "source")),
                _("unknown source '%(id)s'", id=signal.source) + did_you_mean(signal.source, sources),
                _("add it to the sources list of study.yaml, or fix the id"),
            )


def _check_picks(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems, gaps: _Gaps) -> None:
    """One hypothesis of every driver, each one the driver has; the baseline's, the trend."""
    meta = study.meta
    drivers = {d.id: d for d in meta.drivers}
    positions = {d.id: index for index, d in enumerate(meta.drivers)}
    known = gaps.known(meta, "drivers")
    picks = scenario.data.picks
    for driver_id, hypothesis_id in picks.items():
        driver = drivers.get(driver_id)
        if driver is None:
            if driver_id not in known and not gaps.unsure("drivers"):
                problems.add(
                    loaded.locate(("picks", driver_id), at_key=True),
                    _("unknown driver '%(id)s'", id=driver_id) + did_you_mean(driver_id, drivers),
                    _("drivers of this study: %(ids)s", ids=", ".join(drivers)),
                )
            continue
        if gaps.hypotheses_unsure(positions[driver_id]):
            continue  # its hypotheses are written wrong: reported already
        options = [h.id for h in driver.hypotheses]
        if hypothesis_id not in options:
            problems.add(
                loaded.locate(("picks", driver_id)),
                _("driver '%(driver)s' has no hypothesis '%(id)s'", driver=driver_id, id=hypothesis_id)
                + did_you_mean(hypothesis_id, options),
                _("choose one of: %(ids)s", ids=", ".join(options)),
            )
        elif scenario.data.baseline and driver.trend and hypothesis_id != driver.trend.id \
                and not gaps.hypotheses_unsure(positions[driver_id], "trend"):
            problems.add(
                loaded.locate(("picks", driver_id)),
                _("the baseline must pick the trend hypothesis of every driver: '%(driver)s' should be "
                  "'%(trend)s', not '%(id)s'", driver=driver_id, trend=driver.trend.id, id=hypothesis_id),
                _("the baseline continues today's trends ('si rien ne change')"),
            )
    missing = [driver_id for driver_id in drivers if driver_id not in picks and driver_id]
    if missing and not gaps.unsure("drivers"):
        problems.add(
            loaded.locate(("picks",), at_key=True),
            _("no pick for driver(s): %(ids)s", ids=", ".join(missing)),
            _("every scenario picks exactly one hypothesis for every driver"),
        )
