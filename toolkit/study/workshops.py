"""The workshop layer of validation: the method library and workshop plans.

Methods are folders (`templates/methods/<id>/method.yaml` plus optional `worksheet.html.j2`
and `canvas.html.j2`): a study's own templates folder may add or override methods.
Workshop plans are `workshops/<id>.yaml` in a study; their checks are located like every
other problem, and the schedule (clock times) is worked out here once for every stage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit.errors import Location, Problems, did_you_mean
from toolkit.language import N_, _
from toolkit.limits import MAX_RESULTS_RATINGS, MAX_TALLY
from toolkit.paths import CANVAS_TEMPLATE, METHOD_FILE, METHODS_DIR, RESULTS_DIR, WORKSHEET_TEMPLATE, WORKSHOPS_DIR
from toolkit.study.loader import LoadedFile, load_yaml
from toolkit.study.model import (
    CAPTURE_SECTIONS,
    RATING_VALUES,
    SCALE,
    SLUG_PATTERN,
    Action,
    GroupResults,
    Method,
    MethodFile,
    ResultsFile,
    ScheduledActivity,
    Study,
    StudyFile,
    Workshop,
    WorkshopFile,
    activity_scenarios,
    clock_minutes,
    clock_text,
)
from toolkit.study.rules import attach_origins, check_texts, check_unique, dotted, iter_strings, parse_file
from toolkit.study.translations import method_translation, study_translation, translate
from toolkit.study.wording import PLACEHOLDER, PLACEHOLDERS

RATING_KEYS = {str(value) for value in RATING_VALUES}
# kind -> (message, hint) for an id that names nothing of the study
UNKNOWN = {
    "scenario": (N_("unknown scenario '%(id)s'%(suggestion)s"), N_("scenarios of this study: %(ids)s")),
    "persona": (N_("unknown persona '%(id)s'%(suggestion)s"), N_("personas of this study: %(ids)s")),
    "profession": (N_("unknown profession '%(id)s'%(suggestion)s"), N_("professions of this study: %(ids)s")),
    "actor": (N_("unknown actor '%(id)s'%(suggestion)s"), N_("actors of this study: %(ids)s")),
}


def load_methods(template_dirs: list[Path], problems: Problems) -> dict[str, Method]:
    """Every method folder of the lookup chain; an earlier folder overrides a later one."""
    methods: dict[str, Method] = {}
    for template_dir in reversed(template_dirs):
        for path in sorted((template_dir / METHODS_DIR).glob(f"*/{METHOD_FILE}")):
            folder = path.parent
            if not re.match(SLUG_PATTERN, folder.name):
                problems.add(Location(path), _("'%(id)s' is not a valid method id (the folder name is the id)",
                                               id=folder.name),
                             _("use lowercase letters, digits and hyphens"))
                continue
            loaded = load_yaml(path, problems)
            data = parse_file(MethodFile, loaded, problems) if loaded else None
            if data is None:
                continue
            _check_range(data.duration, ("duration",), loaded, problems)
            _check_range(data.group_size, ("group_size",), loaded, problems)
            _check_placeholders(loaded, problems)
            _check_captures(data, loaded, problems)
            attach_origins(data, loaded, ())
            prefix = f"{METHODS_DIR}/{folder.name}/"
            methods[folder.name] = Method(
                folder.name, folder, data,
                worksheet=prefix + WORKSHEET_TEMPLATE if (folder / WORKSHEET_TEMPLATE).is_file() else None,
                canvas=prefix + CANVAS_TEMPLATE if (folder / CANVAS_TEMPLATE).is_file() else None,
            )
    return methods


def translate_methods(study: Study, problems: Problems) -> None:
    """Every method's texts in each other language of the study (`translations.method_translation`)."""
    for language in study.other_languages:
        for method in study.methods.values():
            original = method.folder / METHOD_FILE
            translation = method_translation(original, language, study.folder)
            loaded = translate(method.data, original, translation, language, problems)
            if loaded is not None:
                _check_placeholders(loaded, problems)


def _check_captures(data: MethodFile, loaded: LoadedFile, problems: Problems) -> None:
    """A capture sheet prints exactly the fields of its results section, with the marks that section accepts.

    The sheet is what gets typed into the results file: a column the file has no place for,
    or a field the sheet does not print, would lose what people wrote.
    """
    for index, capture in enumerate(data.capture):
        key = ("capture", index)
        expected = CAPTURE_SECTIONS[capture.results]
        fields = capture.all_fields
        for position, field in enumerate(fields):
            lead = capture.lead is not None and position == 0
            where = (*key, "lead") if lead else (*key, "fields", position - (capture.lead is not None))
            if field.key not in expected:
                problems.add(loaded.locate((*where, "key")),
                             _("'%(key)s' is not a field of the results section '%(section)s'%(suggestion)s",
                               key=field.key, section=capture.results, suggestion=did_you_mean(field.key, expected)),
                             _("the fields of '%(section)s' are: %(fields)s", section=capture.results,
                               fields=", ".join(expected)))
                continue
            _check_field_kind(field, expected[field.key], capture.results, where, loaded, problems)
        missing = [name for name in expected if name not in {f.key for f in fields}]
        if missing:
            problems.add(loaded.locate(key, at_key=True),
                         _("the sheet for '%(section)s' has no place for: %(fields)s", section=capture.results,
                           fields=", ".join(missing)),
                         _("add a field for each: what the results file holds must be written somewhere"))
    if data.format == "groups" and data.outputs and not data.capture:
        problems.add(loaded.locate(("outputs",), at_key=True),
                     _("this group method lists outputs but has no capture sheet to write them on"),
                     _("describe the sheet under 'capture:' (see CONTRIBUTING.md), or move the outputs to the notes"))
    for index, step in enumerate(data.steps):
        if not data.capture and any("{sheet}" in text for _, text in step.text.items()):
            problems.add(loaded.locate(("steps", index, "text")),
                         _("this step names the method's capture sheet ({sheet}) but the method has none"),
                         _("describe the sheet under 'capture:', or reword the step"))


def _check_field_kind(field, expected, section: str, where: tuple, loaded: LoadedFile, problems: Problems) -> None:
    if expected == SCALE:
        if not field.scale:
            problems.add(loaded.locate(where, at_key=True),
                         _("'%(key)s' of '%(section)s' is counted on a scale", key=field.key, section=section),
                         _("add 'scale: 5' (one box per value, to count the dots or strokes)"))
        return
    if field.scale:
        problems.add(loaded.locate((*where, "scale")),
                     _("'%(key)s' of '%(section)s' is not counted on a scale", key=field.key, section=section),
                     _("remove 'scale'"))
    marks = [mark.key for mark in field.marks]
    if expected is None and marks:
        problems.add(loaded.locate((*where, "marks")),
                     _("'%(key)s' of '%(section)s' is written, not ticked", key=field.key, section=section),
                     _("remove 'marks'"))
    elif expected is not None and sorted(marks) != sorted(expected):
        problems.add(loaded.locate((*where, "marks") if marks else where, at_key=not marks),
                     _("the boxes of '%(key)s' must be exactly: %(expected)s (found: %(found)s)", key=field.key,
                       expected=", ".join(expected), found=", ".join(marks) or _("none")),
                     _("one mark per value the results file accepts, each with the label the sheet prints"))


def _check_placeholders(loaded: LoadedFile, problems: Problems) -> None:
    """Every `{name}` of a method file must be a placeholder the kit replaces (`toolkit.study.wording`)."""
    for key, text in iter_strings(loaded.data, ()):
        for match in PLACEHOLDER.finditer(text):
            name = match.group(1)
            if name not in PLACEHOLDERS:
                problems.add(loaded.locate_in_text(key, match.start()),
                             _("unknown placeholder {%(name)s}%(suggestion)s", name=name,
                               suggestion=did_you_mean(name, PLACEHOLDERS)),
                             _("method texts may use %(placeholders)s",
                               placeholders=", ".join(f"{{{known}}}" for known in PLACEHOLDERS)))


def _check_range(value, key, loaded: LoadedFile, problems: Problems) -> None:
    if value.min > value.max:
        problems.add(loaded.locate(key), _("'%(field)s': min (%(min)s) is larger than max (%(max)s)", field=key[0],
                                           min=value.min, max=value.max))


def load_workshops(study: Study, problems: Problems) -> list[Workshop]:
    """Every `workshops/*.yaml` plan of a study, checked against the study and the methods."""
    folder = study.folder / WORKSHOPS_DIR
    workshops: list[Workshop] = []
    for path in sorted(folder.glob("*.yaml")):
        loaded = load_yaml(path, problems)
        data = parse_file(WorkshopFile, loaded, problems) if loaded else None
        if data is None:
            continue
        workshop = Workshop(path.stem, path, data)
        _check_workshop(study, workshop, loaded, problems)
        check_texts(study, loaded, problems)
        attach_origins(data, loaded, ())
        translate_study_file(study, data, path, problems)
        load_results(study, workshop, problems)
        workshops.append(workshop)
    _check_stray_results(study, [path.stem for path in sorted(folder.glob("*.yaml"))], problems)
    return workshops


def translate_study_file(study: Study, model: object, path: Path, problems: Problems) -> None:
    """The texts of one file of the study (study.yaml, a scenario, a plan) in each other language of the
    study, from its translation files (`translations`), checked like the original's texts."""
    for language in study.other_languages:
        translated = translate(model, path, study_translation(study.folder, path, language), language, problems)
        if translated is not None:
            check_texts(study, translated, problems)


def _check_stray_results(study: Study, plans: list[str], problems: Problems) -> None:
    """A results file must be named after a workshop plan, or it would be silently ignored."""
    for path in sorted((study.folder / RESULTS_DIR).glob("*")):
        if path.suffix != ".yaml":
            if path.is_file() and path.suffix in (".yml", ".YAML"):
                problems.add(Location(path), _("results files must end in .yaml"),
                             _("rename it to %(name)s.yaml", name=path.stem))
            continue
        if path.stem not in plans:
            problems.add(Location(path), _("no workshop plan '%(id)s' for these results%(suggestion)s", id=path.stem,
                                           suggestion=did_you_mean(path.stem, plans)),
                         _("a results file is named after its plan in %(folder)s/: %(plans)s", folder=WORKSHOPS_DIR,
                           plans=", ".join(plans) or _("none")))


def _check_workshop(study: Study, workshop: Workshop, loaded: LoadedFile, problems: Problems) -> None:
    data = workshop.data
    if not re.match(SLUG_PATTERN, workshop.id):
        problems.add(Location(loaded.path), _("'%(id)s' is not a valid workshop id (the file name is the id)",
                                              id=workshop.id),
                     _("use lowercase letters, digits and hyphens"))
    check_unique([g.id for g in data.groups], ("groups",), loaded, problems)
    _check_groups(study, workshop, loaded, problems)
    _check_agenda(study, workshop, loaded, problems)
    _check_participants(workshop, loaded, problems)
    _check_baseline_used(study, workshop, loaded, problems)


def _check_groups(study: Study, workshop: Workshop, loaded: LoadedFile, problems: Problems) -> None:
    scenarios = [s.id for s in study.scenarios]
    personas = [p.id for p in study.meta.personas]
    for index, group in enumerate(workshop.data.groups):
        _check_ids(group.scenarios, scenarios, "scenario", ("groups", index, "scenarios"), loaded, problems)
        _check_ids(group.personas, personas, "persona", ("groups", index, "personas"), loaded, problems)


def _check_ids(ids, known: list[str], kind: str, key, loaded: LoadedFile, problems: Problems) -> None:
    if isinstance(ids, str):
        return
    for position, item in enumerate(ids):
        if item not in known:
            _unknown(kind, item, known, loaded.locate((*key, position)), problems)


def _unknown(kind: str, item: str, known: list[str], location: Location, problems: Problems) -> None:
    """`item` names no `kind` of the study (a scenario, a persona, a profession)."""
    message, hint = UNKNOWN[kind]
    problems.add(location, _(message, id=item, suggestion=did_you_mean(item, known)),
                 _(hint, ids=", ".join(known) or _("none")))


def _check_agenda(study: Study, workshop: Workshop, loaded: LoadedFile, problems: Problems) -> None:
    data = workshop.data
    scenarios = [s.id for s in study.scenarios]
    personas = [p.id for p in study.meta.personas]
    clock = clock_minutes(data.start)
    for index, activity in enumerate(data.agenda):
        key = ("agenda", index)
        method = study.methods.get(activity.method)
        if method is None:
            problems.add(loaded.locate((*key, "method")),
                         _("unknown method '%(id)s'%(suggestion)s", id=activity.method,
                           suggestion=did_you_mean(activity.method, study.methods)),
                         _("methods in the library: %(ids)s", ids=", ".join(sorted(study.methods))))
        else:
            if activity.duration not in method.data.duration:
                problems.warn(loaded.locate((*key, "duration")),
                              _("%(minutes)s min is outside the usual duration of '%(method)s' (%(min)s-%(max)s min)",
                                minutes=activity.duration, method=method.id, min=method.data.duration.min,
                                max=method.data.duration.max),
                              _("check the timing, or adjust the method's duration range"))
            workshop.schedule.append(ScheduledActivity(index, activity, method, clock, clock + activity.duration))
            _check_rows_named(study, method, (*key, "method"), loaded, problems)
        clock += activity.duration
        _check_ids(activity.scenarios, scenarios, "scenario", (*key, "scenarios"), loaded, problems)
        _check_ids(activity.personas, personas, "persona", (*key, "personas"), loaded, problems)
    _check_length(workshop, clock, loaded, problems)


def _check_rows_named(study: Study, method, key, loaded: LoadedFile, problems: Problems) -> None:
    """A sheet with a row per profession or per actor is empty if the study names none."""
    for capture in method.data.capture:
        if capture.rows in ("professions", "actors") and not getattr(study.meta, capture.rows):
            problems.add(loaded.locate(key),
                         _("the method '%(method)s' prints a row per item of '%(list)s', but study.yaml has none",
                           method=method.id, list=capture.rows),
                         _("add `%(list)s:` to study.yaml, or choose another method", list=capture.rows))


def _check_length(workshop: Workshop, agenda_end: int, loaded: LoadedFile, problems: Problems) -> None:
    data = workshop.data
    length = workshop.length
    if length <= 0:
        problems.add(loaded.locate(("end",)),
                     _("the session must end after it starts (%(start)s to %(end)s)", start=data.start, end=data.end),
                     _("sessions run within one day"))
        return
    planned = agenda_end - clock_minutes(data.start)
    if planned != length:
        gap = length - planned
        times = {"planned": planned, "length": length, "start": data.start, "end": data.end, "gap": abs(gap)}
        message = (_("the agenda lasts %(planned)s min but the session lasts %(length)s min (%(start)s to %(end)s): "
                     "%(gap)s min are not planned", **times) if gap > 0 else
                   _("the agenda lasts %(planned)s min but the session lasts %(length)s min (%(start)s to %(end)s): "
                     "the agenda overruns by %(gap)s min", **times))
        problems.add(loaded.locate(("agenda",), at_key=True), message,
                     _("make the durations add up, or set end: \"%(end)s\"", end=clock_text(agenda_end)))


def _check_participants(workshop: Workshop, loaded: LoadedFile, problems: Problems) -> None:
    participants = workshop.data.participants
    groups = workshop.data.groups
    if participants.profiles:
        total = sum(p.count for p in participants.profiles)
        if total != participants.count:
            problems.add(loaded.locate(("participants", "profiles"), at_key=True),
                         _("the profiles add up to %(total)s people but participants.count is %(count)s",
                           total=total, count=participants.count),
                         _("make the profile counts add up to the number of participants"))
    if len(groups) > participants.count:
        problems.add(loaded.locate(("groups",), at_key=True),
                     _("%(groups)s groups for %(count)s participants", groups=len(groups), count=participants.count),
                     _("a group needs people: fewer groups or more participants"))
        return
    size = workshop.group_size()
    for item in workshop.schedule:
        own_format = item.method.data.format == "groups"  # a plenary method's range is a room size
        if item.format == "groups" and own_format and size not in item.method.data.group_size:
            bounds = item.method.data.group_size
            problems.warn(loaded.locate(("agenda", item.index, "method")),
                          _("groups of about %(size)s people for '%(method)s', which works with %(min)s-%(max)s people",
                            size=size, method=item.method.id, min=bounds.min, max=bounds.max),
                          _("change the number of groups or the method"))


def _check_baseline_used(study: Study, workshop: Workshop, loaded: LoadedFile, problems: Problems) -> None:
    """The baseline must be in front of participants at least once ('what if nothing changes?')."""
    baseline = next((s for s in study.scenarios if s.data.baseline), None)
    if baseline is None:
        return
    for item in workshop.schedule:
        groups = workshop.data.groups if item.format == "groups" else [None]
        if any(baseline in activity_scenarios(study, item, group) for group in groups):
            return
    if len(workshop.schedule) == len(workshop.data.agenda):  # unknown methods are reported already
        problems.add(loaded.locate(("agenda",), at_key=True),
                     _("the baseline '%(id)s' is used by no activity", id=baseline.id),
                     _("confront participants with 'what if nothing changes?': add it to an activity's "
                       "scenarios, or give it to a group"))


def hypothesis_ref_problem(meta: StudyFile, reference: str, known_drivers: set[str] | None = None,
                           unsure: Callable[[int], bool] | None = None) -> tuple[str, str] | None:
    """What is wrong with a reference `<driver id>/<hypothesis id>` (a trigger's, an experiment's, a signal's of the
    watch): (message, hint), or None when it names a hypothesis of the study. `known_drivers` are driver ids that are
    not unknown even when missing (written wrong, reported already); `unsure(index)` says the hypotheses of the
    index-th driver were written wrong (reported already)."""
    drivers = {driver.id: driver for driver in meta.drivers}
    driver_id, slash, hypothesis_id = str(reference).partition("/")
    if not slash or not driver_id or not hypothesis_id or "/" in hypothesis_id:
        first = meta.drivers[0] if meta.drivers else None
        example = f"{first.id}/{first.hypotheses[0].id}" if first and first.hypotheses else "demographie/vieillissement"
        return (_("'%(reference)s' is not of the form driver/hypothesis", reference=reference),
                _("write the driver id, a slash and one of its hypothesis ids, like %(example)s", example=example))
    driver = drivers.get(driver_id)
    if driver is None:
        if known_drivers is not None and driver_id in known_drivers:
            return None
        return (_("unknown driver '%(id)s'", id=driver_id) + did_you_mean(driver_id, drivers),
                _("drivers of this study: %(ids)s", ids=", ".join(drivers)))
    if driver.hypothesis(hypothesis_id) is None and not (unsure and unsure(meta.drivers.index(driver))):
        options = [h.id for h in driver.hypotheses]
        return (_("driver '%(driver)s' has no hypothesis '%(id)s'", driver=driver_id, id=hypothesis_id)
                + did_you_mean(hypothesis_id, options), _("choose one of: %(ids)s", ids=", ".join(options)))
    return None


def _check_trigger(study: Study, action: Action, key: tuple, loaded: LoadedFile, problems: Problems) -> None:
    """The hypotheses of an action's trigger (`À activer si...`) are hypotheses of the study."""
    if action.trigger is None:
        return
    for index, reference in enumerate(action.trigger.hypotheses):
        problem = hypothesis_ref_problem(study.meta, reference)
        if problem:
            problems.add(loaded.locate((*key, "trigger", "hypotheses", index)), *problem)


def load_results(study: Study, workshop: Workshop, problems: Problems) -> None:
    """Read `results/<workshop-id>.yaml` if it exists; every id must be one the plan or study knows.

    Its text reaches the synthesis report, so it goes through the study's own text checks
    (citations, links, images): every string of the file, whatever its field, as the report
    renders notes, actions, signals and the baseline as Markdown and the rest as plain text.
    """
    path = study.folder / RESULTS_DIR / f"{workshop.id}.yaml"
    if not path.is_file():
        return
    loaded = load_yaml(path, problems)
    if loaded is None:
        return
    check_texts(study, loaded, problems)
    if not _check_tallies(loaded, problems):
        return
    data = parse_file(ResultsFile, loaded, problems)
    if data is None:
        return
    groups = [g.id for g in workshop.data.groups]
    scenarios = [s.id for s in study.scenarios]
    professions = [p.id for p in study.meta.professions]
    personas = [p.id for p in study.meta.personas]
    actors = [a.id for a in study.meta.actors]
    captured = workshop.captured_sections() if len(workshop.schedule) == len(workshop.data.agenda) else None
    for group_id, results in data.groups.items():
        if captured is not None:
            _check_captured(study, group_id, results, captured, loaded, problems)
        key = ("groups", group_id)
        if group_id not in groups:
            problems.add(loaded.locate(key, at_key=True),
                         _("unknown group '%(id)s'%(suggestion)s", id=group_id,
                           suggestion=did_you_mean(group_id, groups)),
                         _("groups of workshop '%(workshop)s': %(ids)s", workshop=workshop.id, ids=", ".join(groups)))
        _check_ids(results.scenarios, scenarios, "scenario", (*key, "scenarios"), loaded, problems)
        _check_keys(results.ratings, scenarios, "scenario", (*key, "ratings"), loaded, problems)
        _check_keys(results.impacts, professions, "profession", (*key, "impacts"), loaded, problems)
        _check_keys(results.wheels, scenarios, "scenario", (*key, "wheels"), loaded, problems)
        _check_keys(results.journeys, personas, "persona", (*key, "journeys"), loaded, problems)
        for profession, by_scenario in results.impacts.items():
            _check_keys(by_scenario, scenarios, "scenario", (*key, "impacts", profession), loaded, problems)
        _check_keys(results.actors, actors, "actor", (*key, "actors"), loaded, problems)
        for actor, by_scenario in results.actors.items():
            _check_keys(by_scenario, scenarios, "scenario", (*key, "actors", actor), loaded, problems)
        for action_id, action in results.actions.items():
            if not re.match(SLUG_PATTERN, action_id):
                problems.add(loaded.locate((*key, "actions", action_id), at_key=True),
                             _("'%(id)s' is not a valid action id", id=action_id),
                             _("use the id printed on the sheet, like a1"))
            _check_keys(action.scenarios, scenarios, "scenario", (*key, "actions", action_id, "scenarios"),
                        loaded, problems)
            _check_trigger(study, action, (*key, "actions", action_id), loaded, problems)
    attach_origins(data, loaded, ())
    workshop.results = data


def _check_captured(study: Study, group_id: str, results: GroupResults, captured: set[str], loaded: LoadedFile,
                    problems: Problems) -> None:
    """Results no activity of the agenda captures would come from nowhere: a sheet nobody printed."""
    for section in CAPTURE_SECTIONS:
        if section in captured:
            continue
        for key in _filled(results, section):
            methods = sorted(m.id for m in study.methods.values() if any(c.results == section for c in m.data.capture))
            hint = (_("remove these results, or add an activity that captures them (%(methods)s)",
                      methods=", ".join(methods)) if methods else _("remove these results"))
            problems.add(loaded.locate(("groups", group_id, *key), at_key=True),
                         _("%(field)s holds results of a sheet that no activity of the agenda prints (%(section)s)",
                           field=dotted(key), section=section), hint)


def _filled(results: GroupResults, section: str) -> Iterator[tuple[str, ...]]:
    """The keys under which a group's results hold something for `section`."""
    if section == "verdicts":  # typed in each action, against each scenario
        yield from (("actions", name, "scenarios") for name, action in results.actions.items() if action.scenarios)
    elif section == "triggers":  # typed in each action: when to activate it
        yield from (("actions", name, "trigger") for name, action in results.actions.items() if action.trigger)
    elif getattr(results, section, None):
        yield (section,)


def _check_tallies(loaded: LoadedFile, problems: Problems) -> bool:
    """Tallies no group could have counted are refused before the model sees them.

    A tally is a count per rating (`{1: 0, 2: 3, ...}`): one count above MAX_TALLY, or more
    than MAX_RESULTS_RATINGS marks in the whole file, is a typing slip (or a hostile file), and
    must not cost memory or time further on. True when every tally is within bounds.
    """
    total, fine = 0, True
    groups = loaded.data.get("groups") if isinstance(loaded.data, dict) else None
    for key, count in _tally_counts(groups):
        field = dotted(key[:-1])
        if count > MAX_TALLY:
            people, most = format(count, ","), format(MAX_TALLY, ",")
            problems.add(loaded.locate(key), _("%(field)s: %(count)s people gave the rating %(rating)s, more than one "
                                               "group's tally may count (%(most)s)", field=field, count=people,
                                               rating=key[-1], most=most),
                         _("a tally counts the marks of one group's sheet: check the number (a digit typed twice?)"))
            fine = False
        total += count
        if fine and total > MAX_RESULTS_RATINGS:
            most = format(MAX_RESULTS_RATINGS, ",")
            problems.add(loaded.locate(key), _("%(field)s: the tallies of this file count more than %(most)s ratings "
                                               "in all", field=field, most=most),
                         _("a results file holds one workshop's ratings: check the counts"))
            return False
    return fine


def _tally_counts(groups) -> Iterator[tuple[tuple, int]]:
    """(key, count) for every whole-number count of every tally under `groups` (other shapes: the model's job)."""
    for group_id, group in groups.items() if isinstance(groups, dict) else ():
        ratings = group.get("ratings") if isinstance(group, dict) else None
        for scenario_id, by_dimension in ratings.items() if isinstance(ratings, dict) else ():
            for dimension, tally in by_dimension.items() if isinstance(by_dimension, dict) else ():
                for value, count in tally.items() if isinstance(tally, dict) else ():
                    if str(value) in RATING_KEYS and isinstance(count, int) and not isinstance(count, bool):
                        yield ("groups", group_id, "ratings", scenario_id, dimension, value), count


def _check_keys(mapping: dict, known: list[str], kind: str, key, loaded: LoadedFile, problems: Problems) -> None:
    for name in mapping:
        if name not in known:
            _unknown(kind, name, known, loaded.locate((*key, name), at_key=True), problems)
