"""Stage 2c, review: warnings about weak content in a valid study.

A study can be valid and still make a poor workshop: two scenarios that are the same,
a narrative of three lines, a figure nobody can check, a profession a scenario forgets,
a driver that never moves, a scenario built on hypotheses the study itself says cannot
go together. `review_study` reports each as a located warning with what to do; the study
still builds (`prospective check --strict` turns them into errors).

Every rule takes time in proportion to the study's size: texts are read in one pass
(the masks, sentences and markers of a text are found once, not once per figure), and
scenarios are compared through an index, not pair by pair.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from toolkit.errors import Location, Problems
from toolkit.study.loader import LoadedFile, PathKey
from toolkit.study.markup import MARKER
from toolkit.study.model import Scenario, Study
from toolkit.study.rules import NextCharacter, RunEnd, iter_strings

MIN_NARRATIVE_WORDS = 150
MAX_NAMED = 10  # ids a warning names: the others are counted
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
# `mask_spans` finds what this expression finds, in one pass (the expression alone reads to the end of the
# text again from every `[` or `<` that is never closed).
MASKS = re.compile(
    r"\[@[^\]]*\]|\[[^\]]*\]\([^)]*\)|https?://\S+|<[^>]*>|&#?\w+;|^[ \t]*\d+[.)](?=\s)",
    re.MULTILINE,
)
_MASK_START = re.compile(r"[\[<&]|https?://|^[ \t]*\d", re.MULTILINE)  # where a mask can begin
_URL = re.compile(r"https?://\S+")
_ENTITY = re.compile(r"&#?\w+;")
_LIST_NUMBER = re.compile(r"[ \t]*\d+[.)](?=\s)")
_NUMBERING_WORD = re.compile(r"(?:\bn°|\bno\.|\bart\.|\barticle|§)$", re.IGNORECASE)  # NUMBERING, before spaces
_LONGEST_NUMBERING_WORD = len("article")
_MARKER_LEAD = re.compile(r"[\s*_\"»)]*")  # what TRAILING_MARKER allows before the marker
_LABELS = ("[hypothèse]", "[assumption]")
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
    incompatible = _incompatible_rules(study)
    for scenario in study.scenarios:
        loaded = files.scenarios[scenario.id]
        _short_narrative(scenario, loaded, problems)
        _silent_about(study, scenario, loaded, problems)
        _incompatible_picks(study, scenario, incompatible.get(scenario.id, []), loaded, problems)
    _drivers_never_moved(study, files.study, problems)
    for loaded in [files.study, *files.scenarios.values()]:
        _unsourced_figures(loaded, problems)


# --- scenarios ------------------------------------------------------------------------


def _identical_scenarios(study: Study, files: StudyFiles, problems: Problems) -> None:
    """A scenario with the same picks as the baseline or as an earlier scenario says nothing new."""
    first: dict[tuple, Scenario] = {}  # picks -> the first scenario making them
    for scenario in study.scenarios:
        picks = tuple(sorted(scenario.data.picks.items()))
        twin = first.setdefault(picks, scenario)
        if twin is scenario:
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
        words = len(WORD.findall(_masked(value, mask_spans(value), same_length=False)))
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
        named = ", ".join(repr(m) for m in missing[:MAX_NAMED])
        more = f" and {len(missing) - MAX_NAMED:,} more" if len(missing) > MAX_NAMED else ""
        problems.warn(location, f"the scenario says nothing about the {kind} {named}{more}",
                      f"add under `{field_name}:` a line `{missing[0]}: ...` saying what this future means "
                      f"for {'it' if field_name == 'professions' else 'them'}")


def _incompatible_rules(study: Study) -> dict[str, list[int]]:
    """Scenario id -> the `incompatible` rules (indexes, in order) whose two hypotheses it picks.

    Each rule looks at the scenarios picking the rarer of its two hypotheses only, so the work
    follows the picks and the rules, not every scenario times every rule.
    """
    holders: dict[str, set[str]] = {}
    for scenario in study.scenarios:
        for driver, hypothesis in scenario.data.picks.items():
            holders.setdefault(f"{driver}.{hypothesis}", set()).add(scenario.id)
    found: dict[str, list[int]] = {}
    for index, rule in enumerate(study.meta.incompatible):
        first, second = (holders.get(reference, set()) for reference in rule.pair)
        fewer, more = (first, second) if len(first) <= len(second) else (second, first)
        for scenario_id in fewer:
            if scenario_id in more:
                found.setdefault(scenario_id, []).append(index)
    return found


def _incompatible_picks(study: Study, scenario: Scenario, rules: list[int], loaded: LoadedFile,
                        problems: Problems) -> None:
    for index in rules:
        rule = study.meta.incompatible[index]
        first, second = rule.pair
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
    for key, text in _prose(loaded.data, ()):
        figures = unsourced_figures(text)
        if not figures:
            continue
        place = _TextPlace(loaded, key, text)
        for offset, figure in figures:
            problems.warn(place.locate(offset),
                          f"figure '{figure}' has no source and is not labelled as an assumption",
                          "cite a source of study.yaml in the same sentence with [@source-id], or mark it as "
                          "a scenario assumption with [hypothèse] ([assumption] in English)")


def unsourced_figures(text: str) -> list[tuple[int, str]]:
    """(offset, figure) of every number in `text` that is not a year and whose sentence has no marker.

    One pass over the text: the masks, the sentence ends and the marker after each are found
    once, each figure's sentence by a binary search, and each sentence searched for a marker once.
    """
    masked = _masked(text, mask_spans(text), same_length=True)
    sentences = _Sentences(text)
    found = []
    for match in NUMBER.finditer(masked):
        figure = match.group()
        if _is_year(figure) or DAY_OF_MONTH.match(masked, match.end()) or _numbered(masked, match.start()):
            continue
        if not sentences.marked(match.start()):
            found.append((match.start(), figure))
    return found


def mask_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every span `MASKS.finditer` finds in `text`, found in one pass."""
    spans = []
    close, paren, angle = NextCharacter(text, "]"), NextCharacter(text, ")"), NextCharacter(text, ">")
    position = 0
    while (candidate := _MASK_START.search(text, position)) is not None:
        start = candidate.start()
        end = _mask_at(text, start, close, paren, angle)
        if end is None:
            position = start + 1
        else:
            spans.append((start, end))
            position = end
    return spans


def _mask_at(text: str, start: int, close: NextCharacter, paren: NextCharacter, angle: NextCharacter) -> int | None:
    """Where the first alternative of MASKS that matches at `start` ends, or None."""
    character = text[start]
    if character == "[":
        bracket = close(start + 1)
        if bracket < 0:
            return None
        if text.startswith("@", start + 1):  # [@...]
            return bracket + 1
        if text.startswith("(", bracket + 1):  # [text](target)
            end = paren(bracket + 2)
            return end + 1 if end >= 0 else None
        return None
    if character == "<":
        end = angle(start + 1)
        return end + 1 if end >= 0 else None
    pattern = _URL if character == "h" else _ENTITY if character == "&" else _LIST_NUMBER
    match = pattern.match(text, start)
    return match.end() if match else None


def _masked(text: str, spans: list[tuple[int, int]], *, same_length: bool) -> str:
    """`text` with each span blanked: by as many spaces (offsets kept), or by one."""
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], " " * (end - start) if same_length else " "]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _numbered(masked: str, start: int) -> bool:
    """NUMBERING before the number at `start` ("n° 488"): read back over the spaces, then a few characters."""
    before = start
    while before > 0 and masked[before - 1].isspace():
        before -= 1
    return _NUMBERING_WORD.search(masked, max(0, before - _LONGEST_NUMBERING_WORD), before) is not None


def _is_year(figure: str) -> bool:
    return figure.isdigit() and len(figure) == 4 and 1900 <= int(figure) <= 2099


class _Sentences:
    """The sentences of a text, found once: which one holds an offset, and whether it has a marker.

    A sentence runs from the end of a SENTENCE_END to the end of the next one; a citation or a
    label written just after a full stop ("… 33 %. [@source]") belongs to the sentence before.
    """

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.breaks: list[bool] = []  # the end is a single line break (a list item follows)
        self.markers: list[int] = []  # where the marker written just after each end ends, or -1
        lead, close = RunEnd(text, _MARKER_LEAD), NextCharacter(text, "]")
        for match in SENTENCE_END.finditer(text):
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.breaks.append(match.group() == "\n")
            self.markers.append(_marker_end(text, match.end(), lead, close))
        self.found: dict[tuple[int, int], bool] = {}

    def marked(self, offset: int) -> bool:
        """Whether the sentence around `offset` holds a citation or a label."""
        start, end = self.span(offset)
        if (start, end) not in self.found:
            self.found[start, end] = MARKER.search(self.text, start, end) is not None
        return self.found[start, end]

    def span(self, offset: int) -> tuple[int, int]:
        text = self.text
        start, end = 0, len(text)
        before = bisect.bisect_right(self.ends, offset) - 1  # the last end at or before offset
        if before >= 0:
            start = self.ends[before]
            marker = self.markers[before]
            if marker >= 0 and not self.breaks[before] and marker <= offset:
                start = marker
        after = bisect.bisect_left(self.starts, offset)  # the first end starting at or after offset
        if after < len(self.starts):
            end = self.ends[after]
            if self.markers[after] >= 0 and text[end - 1:end] in ".!?…":
                end = self.markers[after]
        return start, end


def _marker_end(text: str, position: int, lead: RunEnd, close: NextCharacter) -> int:
    """Where TRAILING_MARKER, matched at `position`, ends; -1 when it does not match."""
    start = lead(position)
    if text.startswith("[@", start):
        bracket = close(start + 2)
        if bracket > start + 2:
            return bracket + 1
        return -1
    label = next((label for label in _LABELS if text.startswith(label, start)), None)
    return start + len(label) if label else -1


def _prose(value, key: PathKey) -> Iterable[tuple[PathKey, str]]:
    for item_key, text in iter_strings(value, key):
        if not any(isinstance(part, str) and part in NOT_PROSE for part in item_key):
            yield item_key, text


class _TextPlace:
    """Where each character of one string value was written: exact for block scalars and one-line scalars.

    What the file shows of a one-line scalar is compared with its text once, not once per figure.
    """

    def __init__(self, loaded: LoadedFile, key: PathKey, text: str):
        self.loaded, self.key = loaded, tuple(key)
        base = loaded.locate(key)
        lines = loaded.source_lines()
        self.exact_by_line = key in loaded.block_scalars or "\n" in text or not 0 < base.line <= len(lines)
        if self.exact_by_line:
            return
        written = lines[base.line - 1][base.column - 1:]
        self.plain = _common_prefix(written, text)  # the text is written as is up to here
        quoted = written[:1] in "\"'"
        self.quoted = _common_prefix(written[1:], text) if quoted else -1

    def locate(self, offset: int) -> Location:
        location = self.loaded.locate_in_text(self.key, offset)
        if self.exact_by_line:
            return location
        if offset <= self.plain:
            shift = offset
        elif offset <= self.quoted:
            shift = offset + 1
        else:  # escapes or a plain scalar folded over several lines: the start of the value
            return location
        return Location(location.file, location.line, location.column + shift)


def _common_prefix(first: str, second: str) -> int:
    """The length of the longest common prefix of two texts."""
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if one != other:
            return index
    return min(len(first), len(second))
