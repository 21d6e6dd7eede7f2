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
from toolkit.language import N_, _, translations
from toolkit.paths import ASSET_DIR, RESULTS_DIR, SCENARIO_DIR, STUDY_FILE, WORKSHOPS_DIR, template_dirs
from toolkit.study.folder import check_folder
from toolkit.study.followup import (
    EXPERIMENTS_DIR,
    NETWORK_FILE,
    WATCH_FILE,
    ExperimentFile,
    ExperimentIndicator,
    NetworkFile,
    WatchFile,
)
from toolkit.study.indicators import (
    INDICATORS_FILE,
    TERRITORIES_DIR,
    Indicator,
    IndicatorsFile,
    Territory,
    TerritoryFile,
    Value,
    window,
)
from toolkit.study.loader import LoadedFile, PathKey, load_yaml
from toolkit.study.model import (
    EDITION_SUFFIXES,
    SLUG_PATTERN,
    ResultsFile,
    Scenario,
    ScenarioFile,
    Study,
    StudyFile,
    WorkshopFile,
    shortened,
    suggest_slug,
)
from toolkit.study.review import StudyFiles, review_study
from toolkit.study.rules import (
    attach_origins,
    check_texts,
    check_unique,
    parse_file,
    parse_partly,
    salvage,
    unsafe_image_reason,
)
from toolkit.study.workshops import (
    hypothesis_ref_problem,
    load_methods,
    load_workshops,
    translate_methods,
    translate_study_file,
)


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
    series = _load_series(study, scenario_files, problems, gaps)
    sound = [(meta, study_file)] if not gaps.study else []  # a file written wrong: its translation waits for the fix
    sound += [(s.data, f) for s, f in _pairs(study, scenario_files) if not gaps.scenarios.get(f.path)]
    sound += series
    for model, loaded in sound:
        translate_study_file(study, model, loaded.path, problems)
    if listed:  # without the list of scenarios, every plan would only repeat "unknown scenario"
        study.scenarios = [*study.scenarios, *stubs]  # a scenario whose file is wrong is still known by its name
        _load_workshop_layer(study, problems)
        _load_followup(study, problems, gaps)
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
    for kind, model in ((WORKSHOPS_DIR, WorkshopFile), (RESULTS_DIR, ResultsFile), (TERRITORIES_DIR, TerritoryFile)):
        for path in sorted((folder / kind).glob("*.yaml")):
            loaded = load_yaml(path, problems)
            if loaded is not None:
                parse_file(model, loaded, problems)
    for path, model in ((folder / INDICATORS_FILE, IndicatorsFile), (folder / NETWORK_FILE, NetworkFile),
                        (folder / WATCH_FILE, WatchFile)):
        if path.is_file():
            loaded = load_yaml(path, problems)
            if loaded is not None:
                parse_file(model, loaded, problems)
    for path in sorted((folder / EXPERIMENTS_DIR).glob("*.yaml")):
        loaded = load_yaml(path, problems)
        if loaded is not None:
            parse_file(ExperimentFile, loaded, problems)


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


# --- indicator series and territories (toolkit.study.indicators) ---------------------------


_Entry = tuple[Indicator, LoadedFile, PathKey]  # an indicator, its file, its place in the file


class _Series:
    """The series files read: each valid file's indicators, and what is unknown because a file is wrong."""

    def __init__(self) -> None:
        self.national: dict[str, Indicator] = {}
        self.territories: dict[str, dict[str, Indicator]] = {}  # territory id -> its indicators by id
        self.national_unsure = False  # indicators.yaml there but not read whole: any indicator may be in it
        self.territories_unsure: set[str] = set()  # territory files not read whole (by file name)
        self.listing_unsure = False  # a territory file that could not be named: any territory may exist


def _load_series(study: Study, scenario_files: list[LoadedFile], problems: Problems,
                 gaps: _Gaps) -> list[tuple[object, LoadedFile]]:
    """indicators.yaml and territories/*.yaml: read, checked (series, rules, sources, units), attached to the
    study; then the `horizon_values` of the scenarios against them. The sound files, for their translations."""
    folder = study.folder
    series = _Series()
    sound: list[tuple[object, LoadedFile]] = []
    entries: list[_Entry] = []
    path = folder / INDICATORS_FILE
    for stray in sorted(folder.glob("indicators.yml")):
        problems.add(Location(stray), _("the indicators file must be named %(name)s", name=INDICATORS_FILE),
                     _("rename it to %(name)s", name=INDICATORS_FILE))
    if path.is_file():
        loaded = load_yaml(path, problems)
        data, broken = parse_partly(IndicatorsFile, loaded, problems) if loaded else (None, None)
        if data is None or loaded is None:
            series.national_unsure = True
        else:
            indicators = _check_indicators(study, data.indicators, loaded, broken or set(), problems, gaps, entries)
            series.national = {indicator.id: indicator for indicator in indicators}
            series.national_unsure = bool(broken)
            if not broken:
                study.indicators = list(data.indicators)
                attach_origins(data, loaded, ())
                sound.append((data, loaded))
    territories_dir = folder / TERRITORIES_DIR
    for stray in sorted(territories_dir.glob("*.yml")):
        problems.add(Location(stray), _("territory files must end in .yaml"),
                     _("rename it to %(name)s.yaml", name=stray.stem))
    for path in sorted(territories_dir.glob("*.yaml")):
        territory = _load_territory(study, path, problems, gaps, series, entries)
        if territory is not None:
            study.territories[territory[0].id] = territory[0]
            sound.append(territory[1:])
    _check_units(study, entries, problems)
    for scenario, loaded in _pairs(study, scenario_files):
        if not gaps.in_scenario(scenario.path, "horizon_values"):
            _check_horizon_values(scenario, loaded, series, problems)
    return sound


def _edition_folder_word(study: Study, territory: str) -> str | None:
    """The edition whose folder `<lang>-<word>/` a territory's kit `<lang>-<territory>/` would be, in one of the
    study's languages (the word is translated per kit), else None."""
    for edition, word in EDITION_SUFFIXES.items():
        if territory in {word, *(translations(language).gettext(word) for language in study.languages)}:
            return edition
    return None


def _load_territory(study: Study, path: Path, problems: Problems, gaps: _Gaps, series: _Series,
                    entries: list[_Entry]) -> tuple[Territory, TerritoryFile, LoadedFile] | None:
    """A territory file, checked; the territory when the whole file is valid."""
    stem = path.stem
    if not re.match(SLUG_PATTERN, stem):
        problems.add(Location(path), _("'%(id)s' is not a valid territory id (the file name is the id)", id=stem),
                     _("rename the file to %(name)s.yaml", name=suggest_slug(stem)))
        series.listing_unsure = True
        return None
    edition = _edition_folder_word(study, stem)
    if edition:
        problems.add(Location(path), _("'%(id)s' names the folder of the %(edition)s edition: the territory's kit "
                                       "would take its place", id=stem, edition=edition),
                     _("rename the file, for example to %(name)s.yaml", name=f"territoire-{stem}"))
        series.listing_unsure = True
        return None
    loaded = load_yaml(path, problems)
    data, broken = parse_partly(TerritoryFile, loaded, problems) if loaded else (None, None)
    if data is None or loaded is None:
        series.territories_unsure.add(stem)
        return None
    broken = broken or set()
    if not _touches(broken, ("id",)) and data.id != stem:
        problems.add(loaded.locate(("id",)),
                     _("id '%(id)s' does not match the file name '%(name)s.yaml'", id=data.id, name=stem),
                     _("write `id: %(name)s` (the file name is the territory's id), or rename the file", name=stem))
    if data.logo and not _touches(broken, ("logo",)):
        reason = unsafe_image_reason(data.logo, study.folder)
        if reason:
            problems.add(loaded.locate(("logo",)), _("refused logo '%(path)s': %(reason)s", path=data.logo,
                                                      reason=reason),
                         _("put the logo in the study's %(folder)s/ folder and write its path like "
                           "%(folder)s/logos/%(id)s.svg", folder=ASSET_DIR, id=stem))
    indicators = _check_indicators(study, data.indicators, loaded, broken, problems, gaps, entries)
    series.territories[stem] = {indicator.id: indicator for indicator in indicators}
    if broken:
        series.territories_unsure.add(stem)
        return None
    attach_origins(data, loaded, ())
    return Territory.of(data, path, study.folder), data, loaded


def _check_indicators(study: Study, indicators: list[Indicator], loaded: LoadedFile, broken: set[PathKey],
                      problems: Problems, gaps: _Gaps, entries: list[_Entry]) -> list[Indicator]:
    """Every rule of one file's series; the indicators whose fields are all valid (for the references to them)."""
    check_unique([indicator.id for indicator in indicators], ("indicators",), loaded, problems)
    check_texts(study, loaded, problems)
    valid = []
    for index, indicator in enumerate(indicators):
        key: PathKey = ("indicators", index)
        if _touches(broken, key):
            if isinstance(indicator.id, str) and indicator.id and not _touches(broken, (*key, "id")):
                valid.append(indicator)  # its id is sure: references to it are not unknown
            continue
        if all(indicator.id != other.id for other in valid):  # a second one of an id (reported) has no unit to check
            entries.append((indicator, loaded, key))
        valid.append(indicator)
        _check_series(study, indicator, loaded, key, problems, gaps)
    return valid


def _check_units(study: Study, entries: list[_Entry], problems: Problems) -> None:
    """An indicator id counts one thing in one unit in every file: each unit differing from its first (the
    study's own series come first) is reported."""
    language = study.meta.language
    first: dict[str, tuple[Indicator, LoadedFile]] = {}
    for indicator, loaded, key in entries:
        known, known_file = first.setdefault(indicator.id, (indicator, loaded))
        if known is indicator or known.unit == indicator.unit:
            continue
        problems.add(loaded.locate((*key, "unit")),
                     _("the unit '%(unit)s' of '%(id)s' is not the one it has in %(file)s ('%(other)s')",
                       unit=indicator.unit.get(language, language), id=indicator.id,
                       file=known_file.path.relative_to(study.folder).as_posix(),
                       other=known.unit.get(language, language)),
                     _("an indicator id counts one thing in one unit in every file: write the same unit, or give "
                       "this indicator another id"))


def _figure(value: float) -> str:
    """A value as the file writes it: 1894000, 2.5."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _check_series(study: Study, indicator: Indicator, loaded: LoadedFile, key: PathKey, problems: Problems,
                  gaps: _Gaps) -> None:
    """Years going up, sources that exist, a last observation before the horizon, a rule that can be computed."""
    baseline = indicator.baseline
    ordered = True
    for name, values in (("observed", indicator.observed), ("values", baseline.values), ("low", baseline.low),
                         ("high", baseline.high)):
        where = (*key, "baseline", name) if name != "observed" else (*key, name)
        ordered &= _check_years(values, where, loaded, problems)
        _check_sources(study, values, where, loaded, problems, gaps)
    horizon = study.meta.horizon
    if gaps.in_study("horizon") or not ordered:
        return  # the horizon is unknown, or the years mixed up (reported): the rule would repeat it
    last = indicator.observed[-1]
    if last.year >= horizon:
        problems.add(loaded.locate((*key, "observed", len(indicator.observed) - 1, "year")),
                     _("the last observed year, %(year)s, is not before the study's horizon (%(horizon)s)",
                       year=last.year, horizon=horizon),
                     _("a projection runs from the last observed year to the horizon: keep the values observed "
                       "before %(horizon)s", horizon=horizon))
        return
    rule = baseline.rule
    if rule == "published":
        _check_published(indicator, loaded, key, horizon, problems)
        return
    for name in ("values", "low", "high"):
        if getattr(baseline, name):
            problems.add(loaded.locate((*key, "baseline", name), at_key=True),
                         _("`%(field)s` is for a published projection, not for the rule '%(rule)s'", field=name,
                           rule=rule),
                         _("remove `%(field)s`, or write `rule: published`", field=name))
    if baseline.years is None:
        problems.add(loaded.locate((*key, "baseline", "rule")),
                     _("the rule '%(rule)s' needs `years`: the number of last observed years it is computed on",
                       rule=rule),
                     _("add a line `years: 5` under `rule:` (computed on the last five observed years)"))
        return
    values = window(indicator.observed, baseline.years)
    if len(values) < 2:
        problems.add(loaded.locate((*key, "baseline", "years")),
                     _("the rule '%(rule)s' over the last %(years)s years needs at least two observed values from "
                       "%(start)s to %(last)s; found: %(count)s", rule=rule, years=baseline.years,
                       start=last.year - baseline.years, last=last.year, count=len(values)),
                     _("give a larger `years`, or more observed values"))
    elif rule == "growth":
        first = len(indicator.observed) - len(values)
        for offset, value in enumerate(values):
            if value.value <= 0:
                problems.add(loaded.locate((*key, "observed", first + offset, "value")),
                             _("an annual growth rate needs values above zero: %(value)s in %(year)s",
                               value=_figure(value.value), year=value.year),
                             _("use `rule: trend` (a straight line) for a series that can be zero or negative"))


def _check_published(indicator: Indicator, loaded: LoadedFile, key: PathKey, horizon: int,
                     problems: Problems) -> None:
    baseline = indicator.baseline
    if baseline.years is not None:
        problems.add(loaded.locate((*key, "baseline", "years"), at_key=True),
                     _("`years` is for the rules growth and trend: a published projection is taken as it is"),
                     _("remove `years`"))
    if not baseline.values:
        problems.add(loaded.locate((*key, "baseline", "rule")),
                     _("a published projection needs its `values`, up to the horizon (%(horizon)s)", horizon=horizon),
                     _("add `values:` with the published values, each with its year and source"))
        return
    years = {value.year: value for value in baseline.values}
    if horizon not in years:
        problems.add(loaded.locate((*key, "baseline", "values"), at_key=True),
                     _("the published projection has no value for %(horizon)s, the study's horizon", horizon=horizon),
                     _("add the published value of %(horizon)s: the toolkit computes nothing between published "
                       "values", horizon=horizon))
    for name in ("low", "high"):
        for index, variant in enumerate(getattr(baseline, name)):
            where = (*key, "baseline", name, index)
            central = years.get(variant.year)
            values = {"year": variant.year, "field": name, "value": _figure(variant.value)}
            if central is None:
                problems.add(loaded.locate((*where, "year")),
                             _("`%(field)s` has a value for %(year)s, a year the projection's `values` do not have",
                               **values),
                             _("give the variants at years of `values`"))
            elif name == "low" and variant.value > central.value:
                problems.add(loaded.locate((*where, "value")),
                             _("in %(year)s the low variant (%(value)s) is above the projection (%(central)s)",
                               central=_figure(central.value), **values),
                             _("check the figures: low <= values <= high at each year"))
            elif name == "high" and variant.value < central.value:
                problems.add(loaded.locate((*where, "value")),
                             _("in %(year)s the high variant (%(value)s) is below the projection (%(central)s)",
                               central=_figure(central.value), **values),
                             _("check the figures: low <= values <= high at each year"))


def _check_years(values: list[Value], key: PathKey, loaded: LoadedFile, problems: Problems) -> bool:
    """The years of a list of values go up strictly; False (reported) when they do not."""
    ordered = True
    for index in range(1, len(values)):
        year, previous = values[index].year, values[index - 1].year
        if isinstance(year, int) and isinstance(previous, int) and year <= previous:
            problems.add(loaded.locate((*key, index, "year")),
                         _("%(year)s comes after %(previous)s: the years of a series go up, each once", year=year,
                           previous=previous),
                         _("write the values in the order of their years, one value a year"))
            ordered = False
    return ordered


def _check_sources(study: Study, values: list[Value], key: PathKey, loaded: LoadedFile, problems: Problems,
                   gaps: _Gaps) -> None:
    if gaps.unsure("sources"):
        return
    sources = [source.id for source in study.meta.sources]
    known = gaps.known(study.meta, "sources")
    for index, value in enumerate(values):
        if value.source not in known:
            problems.add(loaded.locate((*key, index, "source")),
                         _("unknown source '%(id)s'", id=value.source) + did_you_mean(value.source, sources),
                         _("add it to the sources list of study.yaml, or fix the id"))


def _check_horizon_values(scenario: Scenario, loaded: LoadedFile, series: _Series, problems: Problems) -> None:
    """A scenario's own values at the horizon name an indicator (of the study, or of a territory) that exists."""
    given = scenario.data.horizon_values
    if given and scenario.data.baseline:
        problems.add(loaded.locate(("horizon_values",), at_key=True),
                     _("the baseline scenario may not set values at the horizon: its values are the projections "
                       "of the indicator series"),
                     _("remove `horizon_values` here: they are for the contrasted scenarios"))
        return
    seen: set[tuple[str, str | None]] = set()
    for index, value in enumerate(given):
        where = ("horizon_values", index)
        if value.territory is None:
            indicators, unsure = series.national, series.national_unsure
            if value.indicator not in indicators and not unsure:
                problems.add(loaded.locate((*where, "indicator")),
                             _("unknown indicator '%(id)s'", id=value.indicator)
                             + did_you_mean(value.indicator, indicators),
                             _("indicators of %(file)s: %(ids)s", file=INDICATORS_FILE,
                               ids=", ".join(indicators) or _("none")))
        elif value.territory not in series.territories:
            if value.territory not in series.territories_unsure and not series.listing_unsure:
                problems.add(loaded.locate((*where, "territory")),
                             _("unknown territory '%(id)s'", id=value.territory)
                             + did_you_mean(value.territory, series.territories),
                             _("territories of this study (%(folder)s/<id>.yaml): %(ids)s", folder=TERRITORIES_DIR,
                               ids=", ".join(series.territories) or _("none")))
        elif value.indicator not in series.territories[value.territory] \
                and value.territory not in series.territories_unsure:
            indicators = series.territories[value.territory]
            problems.add(loaded.locate((*where, "indicator")),
                         _("territory '%(territory)s' has no indicator '%(id)s'", territory=value.territory,
                           id=value.indicator) + did_you_mean(value.indicator, indicators),
                         _("its indicators: %(ids)s", ids=", ".join(indicators) or _("none")))
        pair = (value.indicator, value.territory)
        if pair in seen:
            problems.add(loaded.locate(where),
                         _("a second value at the horizon for '%(id)s'", id=value.indicator),
                         _("give one value per indicator (and territory)"))
        seen.add(pair)


# --- the follow-up: network, experiments, watch (toolkit.study.followup) -------------------


class _Known:
    """The ids the follow-up files may name, and those not to call unknown because their file is wrong."""

    def __init__(self, study: Study, gaps: _Gaps):
        folder = study.folder
        self.study, self.gaps = study, gaps
        self.territories = sorted(study.territories)
        # a territory file written wrong still names its territory: a reference to it repeats nothing
        self.territory_files = {path.stem for path in (folder / TERRITORIES_DIR).glob("*.yaml")}
        self.scenarios = [scenario.id for scenario in study.scenarios]  # the stubs of broken files included
        self.drivers = [driver.id for driver in study.meta.drivers]
        self.known_drivers = gaps.known(study.meta, "drivers")
        self.workshops = {workshop.id: workshop for workshop in study.workshops}
        self.plan_files = sorted(path.stem for path in (folder / WORKSHOPS_DIR).glob("*.yaml"))
        self.organisations: list[str] = []
        self.network_unsure = False  # network.yaml there but not read whole: any organisation may be in it
        self.has_network = False


def _load_followup(study: Study, problems: Problems, gaps: _Gaps) -> None:
    """network.yaml, experiments/*.yaml and watch.yaml: read when present, their references checked.

    Their texts (what an organisation brings and seeks, a role, an experiment's title, a signal...) are printed in
    every edition, so each sound file has its translation files like study.yaml's (`translations/<lang>/network.yaml`,
    `.../experiments/<id>.yaml`, `.../watch.yaml`); names, sources and ids are printed as written."""
    folder = study.folder
    known = _Known(study, gaps)
    sound: list[tuple[object, Path]] = []  # the files read whole, for their translations
    for name in (NETWORK_FILE, WATCH_FILE):
        for stray in sorted(folder.glob(f"{Path(name).stem}.yml")):
            problems.add(Location(stray), _("this file must be named %(name)s", name=name),
                         _("rename it to %(name)s", name=name))
    path = folder / NETWORK_FILE
    if path.is_file():
        known.has_network = True
        loaded = load_yaml(path, problems)
        data, broken = parse_partly(NetworkFile, loaded, problems) if loaded else (None, None)
        if data is None or loaded is None:
            known.network_unsure = True
        else:
            known.organisations = [organisation.id for organisation in data.organisations]
            known.network_unsure = bool(broken)
            _check_network(data, loaded, broken or set(), known, problems)
            check_texts(study, loaded, problems)
            attach_origins(data, loaded, ())
            study.network = data
            if not broken:
                sound.append((data, loaded.path))
    experiments_dir = folder / EXPERIMENTS_DIR
    for stray in sorted(experiments_dir.glob("*.yml")):
        problems.add(Location(stray), _("experiment files must end in .yaml"),
                     _("rename it to %(name)s.yaml", name=stray.stem))
    for path in sorted(experiments_dir.glob("*.yaml")):
        experiment = _load_experiment(path, known, problems)
        if experiment is not None:
            study.experiments[path.stem] = experiment
            sound.append((experiment, path))
    path = folder / WATCH_FILE
    if path.is_file():
        loaded = load_yaml(path, problems)
        data, broken = parse_partly(WatchFile, loaded, problems) if loaded else (None, None)
        if data is not None and loaded is not None:
            for index, signal in enumerate(data.signals):
                key: PathKey = ("signals", index)
                if _touches(broken or set(), key):
                    continue
                _check_territory(signal.territory, (*key, "territory"), loaded, known, problems)
                _check_hypotheses(signal.hypotheses, (*key, "hypotheses"), loaded, known, problems)
                if signal.seen_by is not None:
                    _check_organisation(signal.seen_by, (*key, "seen_by"), loaded, known, problems)
            check_texts(study, loaded, problems)
            attach_origins(data, loaded, ())
            study.watch = data
            if not broken:
                sound.append((data, loaded.path))
    for model, original in sound:
        translate_study_file(study, model, original, problems)


def _check_network(data: NetworkFile, loaded: LoadedFile, broken: set[PathKey], known: _Known,
                   problems: Problems) -> None:
    check_unique([organisation.id for organisation in data.organisations], ("organisations",), loaded, problems)
    for index, organisation in enumerate(data.organisations):
        key: PathKey = ("organisations", index)
        if _touches(broken, key):
            continue
        for position, territory in enumerate(organisation.territories):
            _check_territory(territory, (*key, "territories", position), loaded, known, problems)
        for position, theme in enumerate(organisation.themes):
            if theme not in known.known_drivers and not known.gaps.unsure("drivers"):
                problems.add(loaded.locate((*key, "themes", position)),
                             _("unknown driver '%(id)s'", id=theme) + did_you_mean(theme, known.drivers),
                             _("the themes of an organisation are drivers of this study: %(ids)s",
                               ids=", ".join(known.drivers)))
        for position, person in enumerate(organisation.people):
            if person.email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", person.email):
                problems.add(loaded.locate((*key, "people", position, "email")),
                             _("'%(value)s' is not an e-mail address", value=shortened(person.email, 40)),
                             _("write it like prenom.nom@exemple.fr, or remove the line"))
            if person.public and person.name is None:
                problems.add(loaded.locate((*key, "people", position, "public")),
                             _("a public contact needs a name"),
                             _("add `name:` to print this contact, or remove `public: true` to print only the role"))


def _load_experiment(path: Path, known: _Known, problems: Problems) -> ExperimentFile | None:
    """An experiment file, checked; its data when the whole file is valid."""
    stem = path.stem
    if not re.match(SLUG_PATTERN, stem):
        problems.add(Location(path), _("'%(id)s' is not a valid experiment id (the file name is the id)", id=stem),
                     _("rename the file to %(name)s.yaml", name=suggest_slug(stem)))
        return None
    loaded = load_yaml(path, problems)
    data, broken = parse_partly(ExperimentFile, loaded, problems) if loaded else (None, None)
    if data is None or loaded is None:
        return None
    broken = broken or set()
    if data.id is not None and data.id != stem and not _touches(broken, ("id",)):
        problems.add(loaded.locate(("id",)),
                     _("id '%(id)s' does not match the file name '%(name)s.yaml'", id=data.id, name=stem),
                     _("remove the id field (the file name is the id) or rename the file"))
    if not _touches(broken, ("territory",)):
        _check_territory(data.territory, ("territory",), loaded, known, problems)
    if not _touches(broken, ("lead",)):
        _check_organisation(data.lead, ("lead",), loaded, known, problems)
    if not _touches(broken, ("partners",)):
        for index, partner in enumerate(data.partners):
            _check_organisation(partner, ("partners", index), loaded, known, problems)
    if not _touches(broken, ("actions",)):
        for index, reference in enumerate(data.actions):
            _check_action(reference, ("actions", index), loaded, known, problems)
    if not _touches(broken, ("scenarios",)):
        for index, scenario in enumerate(data.scenarios):
            if scenario not in known.scenarios:
                problems.add(loaded.locate(("scenarios", index)),
                             _("unknown scenario '%(id)s'%(suggestion)s", id=scenario,
                               suggestion=did_you_mean(scenario, known.scenarios)),
                             _("scenarios of this study: %(ids)s", ids=", ".join(known.scenarios) or _("none")))
    if not _touches(broken, ("hypotheses",)):
        _check_hypotheses(data.hypotheses, ("hypotheses",), loaded, known, problems)
    if data.started and data.ends and data.ends <= data.started \
            and not _touches(broken, ("started",)) and not _touches(broken, ("ends",)):
        problems.add(loaded.locate(("ends",)),
                     _("the experiment ends on %(ends)s, not after it starts (%(started)s)", ends=data.ends.isoformat(),
                       started=data.started.isoformat()),
                     _("check the dates: `ends` comes after `started`"))
    if not _touches(broken, ("indicators",)):
        check_unique([indicator.id for indicator in data.indicators], ("indicators",), loaded, problems)
    for index, indicator in enumerate(data.indicators):
        if not _touches(broken, ("indicators", index)):
            _check_experiment_indicator(indicator, ("indicators", index), loaded, problems)
    check_texts(known.study, loaded, problems)
    if broken:
        return None
    attach_origins(data, loaded, ())
    data.id = stem  # the file name is the id: the documents read `experiment.id`
    return data


def _check_experiment_indicator(indicator: ExperimentIndicator, key: PathKey, loaded: LoadedFile,
                                problems: Problems) -> None:
    """A target after the baseline; measures in the order of their dates, none before the baseline."""
    start = indicator.baseline.date
    if indicator.target.date <= start:
        problems.add(loaded.locate((*key, "target", "date")),
                     _("the target's date, %(date)s, is not after the baseline's (%(baseline)s)",
                       date=indicator.target.date.isoformat(), baseline=start.isoformat()),
                     _("a target is reached after the baseline: give a later date"))
    previous = None
    for index, measure in enumerate(indicator.measures):
        where = loaded.locate((*key, "measures", index, "date"))
        if measure.date < start:
            problems.add(where, _("the measure of %(date)s comes before the baseline's date (%(baseline)s)",
                                  date=measure.date.isoformat(), baseline=start.isoformat()),
                         _("measures are taken from the baseline on: check the date, or move the baseline"))
        elif previous is not None and measure.date <= previous:
            problems.add(where, _("%(date)s comes after %(previous)s: the measures go in the order of their dates, "
                                  "each date once", date=measure.date.isoformat(), previous=previous.isoformat()),
                         _("write the measures in the order of their dates"))
        previous = measure.date if previous is None or measure.date > previous else previous


def _check_territory(territory: str | None, key: PathKey, loaded: LoadedFile, known: _Known,
                     problems: Problems) -> None:
    if territory is None or territory in known.territories or territory in known.territory_files:
        return
    problems.add(loaded.locate(key),
                 _("unknown territory '%(id)s'", id=territory) + did_you_mean(territory, known.territory_files),
                 _("territories of this study (%(folder)s/<id>.yaml): %(ids)s", folder=TERRITORIES_DIR,
                   ids=", ".join(sorted(known.territory_files)) or _("none")))


def _check_organisation(organisation: str, key: PathKey, loaded: LoadedFile, known: _Known,
                        problems: Problems) -> None:
    if organisation in known.organisations or known.network_unsure:
        return
    if not known.has_network:
        problems.add(loaded.locate(key),
                     _("unknown organisation '%(id)s': the study has no %(file)s", id=organisation, file=NETWORK_FILE),
                     _("describe the organisations of the network in %(file)s (id, name, kind)", file=NETWORK_FILE))
        return
    problems.add(loaded.locate(key),
                 _("unknown organisation '%(id)s'", id=organisation) + did_you_mean(organisation, known.organisations),
                 _("organisations of %(file)s: %(ids)s", file=NETWORK_FILE,
                   ids=", ".join(known.organisations) or _("none")))


def _check_hypotheses(references: list[str], key: PathKey, loaded: LoadedFile, known: _Known,
                      problems: Problems) -> None:
    for index, reference in enumerate(references):
        if known.gaps.unsure("drivers"):
            return
        problem = hypothesis_ref_problem(known.study.meta, reference, known.known_drivers, known.gaps.hypotheses_unsure)
        if problem:
            problems.add(loaded.locate((*key, index)), *problem)


def _check_action(reference: str, key: PathKey, loaded: LoadedFile, known: _Known, problems: Problems) -> None:
    """`<workshop>/<group>/<action key>` names an action typed in the results of a workshop of the study."""
    where = loaded.locate(key)
    parts = str(reference).split("/")
    if len(parts) != 3 or not all(parts):
        example = "/".join(_first_action(known)) or "demi-journee-colloque/table-a/a1"
        problems.add(where, _("'%(reference)s' is not of the form workshop/group/action", reference=reference),
                     _("write the workshop id, its group's id and the action's key in the results file, separated "
                       "by slashes, like %(example)s", example=example))
        return
    workshop_id, group_id, action_key = parts
    workshop = known.workshops.get(workshop_id)
    if workshop is None:
        if workshop_id not in known.plan_files:
            problems.add(where, _("unknown workshop '%(id)s'", id=workshop_id)
                         + did_you_mean(workshop_id, known.plan_files),
                         _("workshops of this study (%(folder)s/<id>.yaml): %(ids)s", folder=WORKSHOPS_DIR,
                           ids=", ".join(known.plan_files) or _("none")))
        return  # a plan written wrong: reported already
    results_path = known.study.folder / RESULTS_DIR / f"{workshop_id}.yaml"
    if workshop.results is None:
        if not results_path.is_file():
            problems.add(where, _("workshop '%(id)s' has no results: no file %(file)s", id=workshop_id,
                                  file=f"{RESULTS_DIR}/{workshop_id}.yaml"),
                         _("type the capture sheets of the workshop into %(file)s, then name one of its actions",
                           file=f"{RESULTS_DIR}/{workshop_id}.yaml"))
        return  # a results file written wrong: reported already
    group = workshop.results.groups.get(group_id)
    if group is None:
        groups = list(workshop.results.groups)
        problems.add(where, _("the results of workshop '%(workshop)s' have no group '%(id)s'", workshop=workshop_id,
                              id=group_id) + did_you_mean(group_id, groups),
                     _("groups in %(file)s: %(ids)s", file=f"{RESULTS_DIR}/{workshop_id}.yaml",
                       ids=", ".join(groups) or _("none")))
        return
    if action_key not in group.actions:
        actions = list(group.actions)
        problems.add(where, _("group '%(group)s' of workshop '%(workshop)s' has no action '%(id)s'", group=group_id,
                              workshop=workshop_id, id=action_key) + did_you_mean(action_key, actions),
                     _("its actions in %(file)s: %(ids)s", file=f"{RESULTS_DIR}/{workshop_id}.yaml",
                       ids=", ".join(actions) or _("none")))


def _first_action(known: _Known) -> tuple[str, ...]:
    """The reference of the study's first typed action, as an example of the form; () when there is none."""
    for workshop in known.study.workshops:
        for group_id, group in (workshop.results.groups.items() if workshop.results else ()):
            for action_key in group.actions:
                return workshop.id, group_id, action_key
    return ()
