"""Stage 2c, review: warnings about weak content in a valid study.

A study can be valid and still make a poor workshop: two scenarios that are the same,
a narrative of three lines, a figure nobody can check, a profession a scenario forgets,
a driver that never moves, a scenario built on hypotheses the study itself says cannot
go together. `review_study` reports each as a located warning with what to do; the study
still builds (`prospective check --strict` turns them into errors).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import Location, Problems
from toolkit.study.loader import LoadedFile, PathKey
from toolkit.study.markup import MARKER
from toolkit.study.model import Scenario, Study
from toolkit.study.rules import iter_strings

MIN_NARRATIVE_WORDS = 150
WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

# Fields whose strings are not prose: ids, picks, references, names, people.
NOT_PROSE = {"id", "picks", "key_picks", "sources", "source", "name", "authors", "partners", "pair", "url",
             "language", "languages"}

# A figure: digits, maybe grouped by thousands (10 000) and with decimals (1,5 / 3.2). Numbers glued to letters
# (2e, 1er, 5G, 9h30) or inside other tokens (COVID-19, 14:00, v1.2) are not figures.
NUMBER = re.compile(r"(?<![\w.,/:])(?<!\w-)(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+)(?:[.,]\d+)?(?![\w:]|[.,]\d)")
MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
DAY_OF_MONTH = re.compile(rf"\s*(?:{MONTHS})\b", re.IGNORECASE)  # after a number: "18 février 2022"
NUMBERING = re.compile(r"(?:\bn°|\bno\.|\bart\.|\barticle|§)\s*$", re.IGNORECASE)  # before: "n° 488"
# Spans that may hold digits but are not figures: citations and labels, URLs, link targets, list numbers.
MASKS = re.compile(
    r"\[@[^\]]*\]|\[[^\]]*\]\([^)]*\)|https?://\S+|<[^>]*>|&#?\w+;|^[ \t]*\d+[.)](?=\s)",
    re.MULTILINE,
)
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|\|))")
TRAILING_MARKER = re.compile(r"[\s*_\"»)]*(?:\[@[^\]]+\]|\[(?:hypothèse|assumption)\])")


@dataclass
class StudyFiles:
    """The loaded YAML of a valid study, kept for locating warnings."""

    study: LoadedFile
    scenarios: dict[str, LoadedFile] = field(default_factory=dict)  # by scenario id


def review_study(study: Study, files: StudyFiles, problems: Problems) -> None:
    """Add a warning to `problems` for every weakness of a valid study."""
    _identical_scenarios(study, files, problems)
    for scenario in study.scenarios:
        loaded = files.scenarios[scenario.id]
        _short_narrative(scenario, loaded, problems)
        _silent_about(study, scenario, loaded, problems)
        _incompatible_picks(study, scenario, loaded, problems)
    _drivers_never_moved(study, files.study, problems)
    for loaded in [files.study, *files.scenarios.values()]:
        _unsourced_figures(loaded, problems)


# --- scenarios ------------------------------------------------------------------------


def _identical_scenarios(study: Study, files: StudyFiles, problems: Problems) -> None:
    """A scenario with the same picks as the baseline or as an earlier scenario says nothing new."""
    for index, scenario in enumerate(study.scenarios):
        twin = next((s for s in study.scenarios[:index] if s.data.picks == scenario.data.picks), None)
        if twin is None:
            continue
        location = files.scenarios[scenario.id].locate(("picks",), at_key=True)
        if twin.data.baseline:
            problems.warn(location, f"scenario '{scenario.id}' picks the same hypotheses as the baseline "
                          f"'{twin.id}': it changes no driver",
                          "pick at least one hypothesis other than the trend, or remove the scenario")
        else:
            problems.warn(location, f"scenario '{scenario.id}' picks the same hypotheses as scenario '{twin.id}'",
                          "contrasted scenarios differ in their picks: change at least one, or merge the two")


def _short_narrative(scenario: Scenario, loaded: LoadedFile, problems: Problems) -> None:
    text = scenario.data.narrative
    several = len(text.values) > 1
    for language, value in text.items():
        words = len(WORD.findall(MASKS.sub(" ", value)))
        key = ("narrative", language) if several else ("narrative",)
        where = f" ({language})" if several else ""
        if words == 0:
            message = f"the narrative{where} is empty"
        elif words < MIN_NARRATIVE_WORDS:
            message = f"the narrative{where} is short: {words} word{'s' if words > 1 else ''}"
        else:
            continue
        problems.warn(loaded.locate(key, at_key=True), message,
                      f"tell the story of this future in at least {MIN_NARRATIVE_WORDS} words: a day in it, "
                      "who does what, what changed since today")


def _silent_about(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems) -> None:
    """Professions and personas of the study a scenario has no paragraph for."""
    for field_name, known in (("professions", study.meta.professions), ("personas", study.meta.personas)):
        written = getattr(scenario.data, field_name)
        missing = [item.id for item in known if item.id not in written]
        if not missing:
            continue
        data = loaded.data if isinstance(loaded.data, dict) else {}
        location = loaded.locate((field_name,), at_key=True) if field_name in data else Location(loaded.path)
        kind = field_name[:-1] if len(missing) == 1 else field_name
        problems.warn(location, f"the scenario says nothing about the {kind} {', '.join(repr(m) for m in missing)}",
                      f"add under `{field_name}:` a line `{missing[0]}: ...` saying what this future means "
                      f"for {'it' if field_name == 'professions' else 'them'}")


def _incompatible_picks(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems) -> None:
    picks = {f"{driver}.{hypothesis}" for driver, hypothesis in scenario.data.picks.items()}
    for rule in study.meta.incompatible:
        first, second = rule.pair
        if first in picks and second in picks:
            reason = rule.reason.get(study.meta.language, study.meta.language)
            problems.warn(loaded.locate(("picks",), at_key=True),
                          f"picks '{first}' and '{second}', which study.yaml says cannot go together: {reason}",
                          "change one of the two picks, or remove the pair from `incompatible` in study.yaml "
                          "if the scenario shows how they can go together")


# --- drivers --------------------------------------------------------------------------


def _drivers_never_moved(study: Study, loaded: LoadedFile, problems: Problems) -> None:
    for index, driver in enumerate(study.meta.drivers):
        trend = driver.trend
        if trend is None or any(s.data.picks.get(driver.id) != trend.id for s in study.scenarios):
            continue
        problems.warn(loaded.locate(("drivers", index)),
                      f"no scenario moves driver '{driver.id}' away from its trend '{trend.id}'",
                      "let at least one scenario pick another of its hypotheses, or drop the driver: "
                      "a driver that never changes does not tell the scenarios apart")


# --- figures --------------------------------------------------------------------------


def _unsourced_figures(loaded: LoadedFile, problems: Problems) -> None:
    lines: list[str] | None = None
    for key, text in _prose(loaded.data, ()):
        for offset, figure in unsourced_figures(text):
            if lines is None:
                lines = _source_lines(loaded.path)
            problems.warn(_locate_offset(loaded, key, text, offset, lines),
                          f"figure '{figure}' has no source and is not labelled as an assumption",
                          "cite a source of study.yaml in the same sentence with [@source-id], or mark it as "
                          "a scenario assumption with [hypothèse] ([assumption] in English)")


def unsourced_figures(text: str) -> list[tuple[int, str]]:
    """(offset, figure) of every number in `text` that is not a year and whose sentence has no marker."""
    masked = MASKS.sub(lambda match: " " * len(match.group()), text)
    found = []
    for match in NUMBER.finditer(masked):
        figure = match.group()
        if _is_year(figure) or DAY_OF_MONTH.match(masked, match.end()) or NUMBERING.search(masked, 0, match.start()):
            continue
        if not MARKER.search(_sentence(text, match.start())):
            found.append((match.start(), figure))
    return found


def _is_year(figure: str) -> bool:
    return figure.isdigit() and len(figure) == 4 and 1900 <= int(figure) <= 2099


def _sentence(text: str, offset: int) -> str:
    """The sentence around `offset`, with a citation or label written just after its full stop."""
    start = 0
    end = len(text)
    for match in SENTENCE_END.finditer(text):
        if match.end() <= offset:
            start = match.end()
            previous = TRAILING_MARKER.match(text, start)  # "… 33 %. [@source]" belongs to the sentence before
            if previous and match.group() != "\n" and previous.end() <= offset:
                start = previous.end()
        elif match.start() >= offset:
            end = match.end()
            break
    trailing = TRAILING_MARKER.match(text, end)
    if trailing and text[end - 1:end] in ".!?…":
        end = trailing.end()
    return text[start:end]


def _prose(value, key: PathKey) -> Iterable[tuple[PathKey, str]]:
    for item_key, text in iter_strings(value, key):
        if not any(isinstance(part, str) and part in NOT_PROSE for part in item_key):
            yield item_key, text


def _source_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _locate_offset(loaded: LoadedFile, key: PathKey, text: str, offset: int, lines: list[str]) -> Location:
    """Where character `offset` of a string value is: exact for block scalars and one-line scalars."""
    location = loaded.locate_in_text(key, offset)
    if tuple(key) in loaded.block_scalars or "\n" in text or not 0 < location.line <= len(lines):
        return location
    written = lines[location.line - 1][location.column - 1:]
    prefix = text[:offset]
    if written.startswith(prefix):
        shift = offset
    elif written[:1] in "\"'" and written[1:].startswith(prefix):
        shift = offset + 1
    else:  # escapes or a plain scalar folded over several lines: the start of the value
        return location
    return Location(location.file, location.line, location.column + shift)
