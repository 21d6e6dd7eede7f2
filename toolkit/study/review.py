"""Stage 2c, review: warnings about weak content in a valid study.

A study can be valid and still make a poor workshop: a text still reading « À écrire »,
two scenarios that are the same, a narrative too short or too long, a figure nobody can
check, a profession a scenario forgets, a driver that never moves, a scenario built on
hypotheses the study itself says cannot go together. `review_study` reports each as a
located warning with what to do; the study still builds (`prospective check --strict`
turns them into errors).

A warning must earn its reader's trust: a number that is not a figure (an age, a clock
time, a date, a year, a list or room number) is never asked for a source, nor is a figure
repeated after it was sourced (`number_kind`).

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
from toolkit.language import _, ngettext
from toolkit.study.followup import EXPERIMENTS_DIR, NETWORK_FILE, WATCH_FILE
from toolkit.study.loader import LoadedFile, PathKey, load_yaml
from toolkit.study.markup import MARKER
from toolkit.study.model import NARRATIVE_WORDS, Scenario, Study, shortened
from toolkit.study.rules import NextCharacter, RunEnd, iter_strings
from toolkit.study.translations import TRANSLATIONS_DIR, study_translation

MAX_NAMED = 10  # ids a warning names: the others are counted
# What `prospective new` writes where a text goes (« À écrire : titre de l'étude »): left in a file, it is a warning.
SCAFFOLD_PLACEHOLDER = "À écrire"
PLACEHOLDER_TEXT = re.compile(r"À[ \u00a0]écrire[ \u00a0\u202f]*:[^\n]*")
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
WEEKDAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
# After a number: "18 février 2022", "du 3 au 7 mars".
DAY_OF_MONTH = re.compile(rf"(?:\s*(?:au|et|à|-|–|and|to)\s*\d{{1,2}}(?:er)?)?\s*(?:{MONTHS})\b", re.IGNORECASE)
# Words that number what follows them, not count it: "n° 488", "salle 3", "étape 2", "page 12".
NUMBERING_WORDS = (
    r"n°|no\.|art\.|article|§|p\.|pp\.|page|pages|chapitre|chapter|étape|step|salle|room|table|bureau|guichet|"
    r"ligne|line|bus|tram|métro|quai|porte|gate|étage|floor|niveau|level|phase|version|saison|season|épisode|"
    r"episode|acte|act|scène|scene|tome|volume|vol\.|numéro|chambre|bâtiment|box|atelier|groupe|group"
)
_CONTEXT = 60  # characters read before a number of years for a word that makes it an average (half as many after)
_SENTENCE_MARKS = ".!?…;\n"  # where that reading stops
_WORDS_BEFORE = 30  # characters read before a number for the words that tell what it is
_SPACE = "[ \u00a0\u202f]"
# A word, a number or one mark: the words before a number, read once (not one expression per kind).
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]")
_DECADE = {"années", "years"}  # "les années 90"
_MONTHS_AND_DAYS = {*MONTHS.split("|"), *WEEKDAYS.split("|")}  # "March 12", "lundi 12"
_AT = {"à", "vers", "dès", "avant", "après", "jusqu'à", "jusqu’à", "entre", "at", "around", "by", "until", "from"}
_HOUR = {"h", "heure", "heures"}
_RANGE = {"-", "–", "à", "et", "to", "and"}  # "de 9 h à 12 h", "entre 14 h et 17 h"
_FOR = {"pendant", "durant", "en", "de", "sur", "for", "in", "of"}  # before a duration: "pendant 2 h"
_AGED = {"aged"}  # and "âgé de": see `number_kind`
# Phone lines called by their number, after an article or a verb: "le 115", "appeler le 119", "au 3919".
_HELPLINES = {"15", "17", "18", "112", "114", "115", "119", "196", "3114", "3919", "3977"}
_HELPLINE_BEFORE = {"le", "au", "du", "appeler", "appelle", "appellent", "composer", "compose", "call", "dial", "the"}
_PERCENT_AFTER = re.compile(rf"{_SPACE}*%")
_NUMERIC_DATE = re.compile(r"/\d{1,2}(?!\d)")  # "12/03", "12/03/2026"
_HOUR_MINUTES_AFTER = re.compile(rf"{_SPACE}?(?:h|heures?){_SPACE}?[0-5]\d(?!\w)")  # "18 h 30", "9 heures 15"
_HOUR_AFTER = re.compile(rf"{_SPACE}?(?:h|heures?)(?!\w)(?!\s+(?:par|per|de|d['’])\b)")  # "18 h", not "12 h par"
_H_AFTER = re.compile(rf"{_SPACE}?h(?!\w)")  # the abbreviation, not "heures"
_AM_PM_AFTER = re.compile(r"\s?(?:a\.m\.|p\.m\.|am|pm)(?!\w)|\s+o['’]clock", re.IGNORECASE)
_RANGE_START_AFTER = re.compile(rf"{_SPACE}?(?:h|heures?)(?:{_SPACE}?[0-5]\d)?\s*(?:-|–|à|to)\s*\d{{1,2}}{_SPACE}?"
                                r"(?:h|heures?)(?!\w)")
_YEARS_AFTER = re.compile(rf"{_SPACE}+ans?(?!\w)|(?:-|{_SPACE}+)years?(?:-|{_SPACE}+)old(?!\w)|{_SPACE}+years?(?!\w)",
                          re.IGNORECASE)
# Words that make a number of years a statistic again: "l'âge moyen, 52 ans", "un délai de 3 ans".
_AVERAGE = re.compile(r"(?<!\w)(?:moyen|moyenne|médian|médiane|espérance|délai|attente|average|median|mean|"
                      r"expectancy|waiting)(?!\w)", re.IGNORECASE)
_ADDRESS_AFTER = re.compile(rf"{_SPACE}+(?:(?:bis|ter){_SPACE}+)?(?:rue|avenue|av\.|boulevard|bd|place|allée|impasse|"
                            r"chemin|route|quai|cours|square|passage|street|road)(?!\w)", re.IGNORECASE)
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
_NUMBERING_WORD = re.compile(rf"(?<!\w)(?:{NUMBERING_WORDS})$", re.IGNORECASE)  # just before the spaces
_LONGEST_NUMBERING_WORD = max(len(word.replace("\\", "")) for word in NUMBERING_WORDS.split("|"))
_MARKER_LEAD = re.compile(r"[\s*_\"»)]*")  # what TRAILING_MARKER allows before the marker
_LABELS = ("[hypothèse]", "[assumption]")
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|\|))")
TRAILING_MARKER = re.compile(r"[\s*_\"»)]*(?:\[@[^\]]+\]|\[(?:hypothèse|assumption)\])")


@dataclass
class StudyFiles:
    """The loaded YAML of a valid study, kept for locating warnings."""

    study: LoadedFile
    scenarios: dict[str, LoadedFile] = field(default_factory=dict)  # by scenario id


def review_study(study: Study, files: StudyFiles, problems: Problems, *, easy_read: bool = False) -> None:
    """Add a warning to `problems` for every weakness of a valid study.

    With `easy_read` (the easy-to-read edition is asked for), also every scenario and persona
    without its `easy_read:` text.
    """
    translations = _translation_files(study)
    for loaded in [files.study, *files.scenarios.values(), *_workshop_files(study), *translations]:
        _placeholders_left(loaded, problems)
    _identical_scenarios(study, files, problems)
    incompatible = _incompatible_rules(study)
    bounds = _narrative_bounds(study, files.study, problems)
    for scenario in study.scenarios:
        loaded = files.scenarios[scenario.id]
        _narrative_length(scenario, bounds, loaded, problems)
        _silent_about(study, scenario, loaded, problems)
        _incompatible_picks(study, scenario, incompatible.get(scenario.id, []), loaded, problems)
    _drivers_never_moved(study, files.study, problems)
    for loaded in [files.study, *files.scenarios.values(), *translations]:
        _unsourced_figures(loaded, problems)  # a figure needs its source in every language
    if easy_read:
        _easy_read_missing(study, files, problems)
    _personal_data(study, problems)


# --- placeholders ---------------------------------------------------------------------


def _workshop_files(study: Study) -> list[LoadedFile]:
    """The workshop plans of a valid study, read again for their placeholders (they loaded once already)."""
    files = (load_yaml(workshop.path, Problems()) for workshop in study.workshops)
    return [loaded for loaded in files if loaded is not None]


def _translation_files(study: Study) -> list[LoadedFile]:
    """The study's translation files (translations/<lang>/...), read again for placeholders and figures."""
    files = (load_yaml(path, Problems()) for path in sorted((study.folder / TRANSLATIONS_DIR).rglob("*.yaml")))
    return [loaded for loaded in files if loaded is not None]


def _placeholders_left(loaded: LoadedFile, problems: Problems) -> None:
    """Every « À écrire : ... » that `prospective new` wrote and nobody replaced, located."""
    for key, text in iter_strings(loaded.data, ()):
        if SCAFFOLD_PLACEHOLDER not in text and "À\u00a0écrire" not in text:
            continue
        place = None
        for match in PLACEHOLDER_TEXT.finditer(text):
            place = place or _TextPlace(loaded, key, text)
            problems.warn(place.locate(match.start()), _("placeholder left by `prospective new`: '%(text)s'",
                                                         text=shortened(match.group().strip(), 60)),
                          _("write your own text in its place: every « À écrire » marks a text to write, and "
                            "`prospective check --strict` fails while one is left"))


def has_placeholder(text: str) -> bool:
    """Whether `text` still holds a placeholder of the scaffold."""
    return PLACEHOLDER_TEXT.search(text) is not None


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
            problems.warn(location, _("scenario '%(id)s' picks the same hypotheses as the baseline "
                                      "'%(baseline)s': it changes no driver", id=scenario.id, baseline=twin.id),
                          _("pick at least one hypothesis other than the trend, or remove the scenario"))
        else:
            problems.warn(location, _("scenario '%(id)s' picks the same hypotheses as scenario '%(twin)s'",
                                      id=scenario.id, twin=twin.id),
                          _("contrasted scenarios differ in their picks: change at least one, or merge the two"))


def _narrative_bounds(study: Study, loaded: LoadedFile, problems: Problems) -> tuple[int, int]:
    """The study's narrative length in words, (min, max): `narrative_words` of study.yaml, else NARRATIVE_WORDS."""
    bounds = study.meta.narrative_words
    if bounds.min > bounds.max:
        problems.warn(loaded.locate(("narrative_words",)),
                      _("narrative_words: min (%(min)d) is larger than max (%(max)d)", min=bounds.min, max=bounds.max),
                      _("write the shortest length a narrative may have, then the longest; "
                        "without narrative_words, %(min)d to %(max)d words", min=NARRATIVE_WORDS[0],
                        max=NARRATIVE_WORDS[1]))
        return bounds.max, bounds.min
    return bounds.min, bounds.max


def narrative_words(text: str) -> int:
    """The words of a narrative, as `check` counts them: citations, links and list numbers are not words."""
    return len(WORD.findall(_masked(text, mask_spans(text), same_length=False)))


def _narrative_length(scenario: Scenario, bounds: tuple[int, int], loaded: LoadedFile, problems: Problems) -> None:
    """A narrative outside the study's bounds (a placeholder is reported as such, not as a short text)."""
    text = scenario.data.narrative
    several = len(text.values) > 1
    low, high = bounds
    for language, value in text.items():
        if has_placeholder(value):
            continue
        words = narrative_words(value)
        key = ("narrative", language) if several else ("narrative",)
        if words == 0:
            message = (_("the narrative (%(language)s) is empty", language=language) if several
                       else _("the narrative is empty"))
        elif words < low:
            message = (ngettext("the narrative (%(language)s) is short: %(num)d word",
                                "the narrative (%(language)s) is short: %(num)d words", words, language=language)
                       if several else ngettext("the narrative is short: %(num)d word",
                                                "the narrative is short: %(num)d words", words))
        elif words > high:
            message = (_("the narrative (%(language)s) is long: %(num)d words", language=language, num=words)
                       if several else _("the narrative is long: %(num)d words", num=words))
        else:
            continue
        hint = (_("tell the story of this future in %(min)d to %(max)d words (narrative_words in study.yaml): "
                  "a day in it, who does what, what changed since today", min=low, max=high) if words <= high
                else _("keep it to %(min)d to %(max)d words (narrative_words in study.yaml), read in a few "
                       "minutes: move details to the professions and personas", min=low, max=high))
        problems.warn(loaded.locate(key, at_key=True), message, hint)


def _silent_about(study: Study, scenario: Scenario, loaded: LoadedFile, problems: Problems) -> None:
    """Professions and personas of the study a scenario has no paragraph for."""
    for field_name, known in (("professions", study.meta.professions), ("personas", study.meta.personas)):
        written = getattr(scenario.data, field_name)
        missing = [item.id for item in known if item.id not in written]
        if not missing:
            continue
        data = loaded.data if isinstance(loaded.data, dict) else {}
        location = loaded.locate((field_name,), at_key=True) if field_name in data else Location(loaded.path)
        named = ", ".join(repr(m) for m in missing[:MAX_NAMED])
        if len(missing) > MAX_NAMED:
            more = format(len(missing) - MAX_NAMED, ",")
            named = _("%(named)s and %(count)s more", named=named, count=more)
        if field_name == "professions":
            message = ngettext("the scenario says nothing about the profession %(named)s",
                               "the scenario says nothing about the professions %(named)s", len(missing), named=named)
            hint = _("add under `professions:` a line `%(id)s: ...` saying what this future means for it",
                     id=missing[0])
        else:
            message = ngettext("the scenario says nothing about the persona %(named)s",
                               "the scenario says nothing about the personas %(named)s", len(missing), named=named)
            hint = _("add under `personas:` a line `%(id)s: ...` saying what this future means for them",
                     id=missing[0])
        problems.warn(location, message, hint)


def _easy_read_missing(study: Study, files: StudyFiles, problems: Problems) -> None:
    """Scenarios and personas without an easy-to-read text: the easy-to-read booklet prints their summary
    (a scenario) or nothing (a persona) in its place. Only asked for that edition: the texts are optional."""
    for scenario in study.scenarios:
        if scenario.data.easy_read is None:
            problems.warn(files.scenarios[scenario.id].locate(("narrative",), at_key=True),
                          _("scenario '%(id)s' has no easy-to-read text: the easy-to-read booklet prints its "
                            "summary instead", id=scenario.id),
                          _("add at the end of the file `easy_read: ...`, the scenario in 60 to 100 words: short "
                            "sentences, one idea each, common words, no abbreviations, no figures, in the present"))
    for index, persona in enumerate(study.meta.personas):
        if persona.easy_read is None:
            problems.warn(files.study.locate(("personas", index, "id")),
                          _("persona '%(id)s' has no easy-to-read text: the easy-to-read booklet leaves them out",
                            id=persona.id),
                          _("add after `turning_point:` a line `easy_read: ...`, who this person is in 60 to 100 "
                            "words: short sentences, one idea each, common words, no abbreviations"))


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
                      _("picks '%(first)s' and '%(second)s', which study.yaml says cannot go together: %(reason)s",
                        first=first, second=second, reason=reason),
                      _("change one of the two picks, or remove the pair from `incompatible` in study.yaml "
                        "if the scenario shows how they can go together"))


# --- drivers --------------------------------------------------------------------------


def _drivers_never_moved(study: Study, loaded: LoadedFile, problems: Problems) -> None:
    for index, driver in enumerate(study.meta.drivers):
        trend = driver.trend
        if trend is None or any(s.data.picks.get(driver.id) != trend.id for s in study.scenarios):
            continue
        problems.warn(loaded.locate(("drivers", index)),
                      _("no scenario moves driver '%(driver)s' away from its trend '%(trend)s'",
                        driver=driver.id, trend=trend.id),
                      _("let at least one scenario pick another of its hypotheses, or drop the driver: "
                        "a driver that never changes does not tell the scenarios apart"))


# --- figures --------------------------------------------------------------------------


def _unsourced_figures(loaded: LoadedFile, problems: Problems) -> None:
    sourced: set[str] = set()  # the figures of this file cited or labelled so far: a repeat needs no new marker
    for key, text in _prose(loaded.data, ()):
        figures = unsourced_figures(text, sourced)
        if not figures:
            continue
        place = _TextPlace(loaded, key, text)
        for offset, figure in figures:
            problems.warn(place.locate(offset),
                          _("figure '%(figure)s' has no source and is not labelled as an assumption", figure=figure),
                          _("cite a source of study.yaml in the same sentence with [@source-id], or mark it as "
                            "a scenario assumption with [hypothèse] ([assumption] in English)"))


def unsourced_figures(text: str, sourced: set[str] | None = None) -> list[tuple[int, str]]:
    """(offset, figure) of every figure in `text` whose sentence has no marker and that was not sourced before.

    A number that is not a figure (`number_kind`) is skipped. `sourced` holds the figures cited
    or labelled earlier (in the same file): it is read, and grows with the marked figures of `text`.
    One pass over the text: the masks, the sentence ends and the marker after each are found
    once, each figure's sentence by a binary search, and each sentence searched for a marker once.
    """
    sourced = set() if sourced is None else sourced
    masked = _masked(text, mask_spans(text), same_length=True)
    sentences = _Sentences(text)
    found = []
    for match in NUMBER.finditer(masked):
        if number_kind(masked, match.start(), match.end()) is not None:
            continue
        figure = " ".join(match.group().split())  # "1 200", whatever the space
        if sentences.marked(match.start()):
            sourced.add(figure)
        elif figure not in sourced:
            found.append((match.start(), match.group()))
    return found


def number_kind(text: str, start: int, end: int) -> str | None:
    """What the number `text[start:end]` (a NUMBER match) is when it is not a figure, or None for a figure.

    Not figures: a year (`"year"`: 1900-2099, "les années 90"), a date (`"date"`: "12 mars",
    "12/03/2026", "lundi 12"), a clock time (`"time"`: "18 h 30", "à 9 h", "9 am"), an age or a
    number of years (`"age"`: "84 ans", "31-year-old", unless an average: "l'âge moyen, 52 ans"),
    an address or a number in a series (`"numbering"`: "n° 488", "salle 3", "12 rue ...", "(2)"), a
    helpline called by its number ("le 115", "appeler le 119").
    Glued forms (1er, 3e, 9h30, 14:00, COVID-19) and list numbers never reach here: NUMBER and the
    masks leave them out. Everything else is a figure: "12 %", "3 000 places", "1,2 million".
    The context read is a few words on each side, so a text costs time in proportion to its length.
    """
    figure = text[start:end]
    if _numbered(text, start) or _ADDRESS_AFTER.match(text, end) or (
            end - start <= 2 and text[start - 1:start] == "(" and text[end:end + 1] == ")"):
        return "numbering"
    if not figure.isdigit() or len(figure) > 4:  # grouped or decimal: a quantity
        return None
    value = int(figure)
    words = [word.lower() for word in _TOKEN.findall(text, max(0, start - _WORDS_BEFORE), start)[-3:]]
    words[:0] = [""] * (3 - len(words))  # words[-1] is the word just before the number
    if _is_year(figure) or words[-1] in _DECADE:
        return "year"
    if value <= 31 and (DAY_OF_MONTH.match(text, end) or _NUMERIC_DATE.match(text, end)
                        or words[-1] in _MONTHS_AND_DAYS):
        return "date"
    if value <= 24 and _is_clock(text, end, words, value):
        return "time"
    if value <= 59 and words[-1] in _HOUR and words[-2].isdigit() and int(words[-2]) <= 24:  # the 30 of "18 h 30"
        return "time"
    if figure in _HELPLINES and words[-1] in _HELPLINE_BEFORE and not _PERCENT_AFTER.match(text, end):
        return "numbering"
    aged = words[-1] in _AGED or (words[-1] == "de" and words[-2] in {"âgé", "âgée", "âgés", "âgées"}) or (
        words[-1] == "of" and words[-2] == "age")  # "from the age of 18"
    if value <= 130 and (aged or _YEARS_AFTER.match(text, end)):
        return None if _average(text, start, end) else "age"
    return None


def _average(text: str, start: int, end: int) -> bool:
    """Whether a word of `_AVERAGE` is near the number, in its sentence: "l'âge moyen, 52 ans", "45 ans en moyenne"."""
    low = max(0, start - _CONTEXT)
    low = max([low, *(text.rfind(mark, low, start) + 1 for mark in _SENTENCE_MARKS)])
    high = min(len(text), end + _CONTEXT // 2)
    high = min([high, *(found for mark in _SENTENCE_MARKS if (found := text.find(mark, end, high)) >= 0)])
    return _AVERAGE.search(text, low, start) is not None or _AVERAGE.search(text, end, high) is not None


def _is_clock(text: str, end: int, words: list[str], value: int) -> bool:
    """An hour: "18 h 30", "9 am", "18 h" or "18 heures" after "à", "vers", "dès"... or in a range, "18 h" alone.

    "N heures" alone, or "N h" after "pendant", "en", "de"..., is a duration, which may be a figure.
    """
    if _HOUR_MINUTES_AFTER.match(text, end) or (value <= 12 and _AM_PM_AFTER.match(text, end)):
        return True
    if not _HOUR_AFTER.match(text, end):
        return False
    range_end = words[-1] in _RANGE and (words[-2] in _HOUR or (words[-2].isdigit() and words[-3] in _HOUR))
    if words[-1] in _AT or range_end or _RANGE_START_AFTER.match(text, end):
        return True
    return _H_AFTER.match(text, end) is not None and words[-1] not in _FOR  # "Mardi, 9 h.", not "en 2 h"


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
    """NUMBERING before the number at `start` ("n° 488", "salle 3"): read back over the spaces, then a few words."""
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


# --- personal data in what is printed (the follow-up files) -----------------------------

# Personal e-mail providers: an address there is a person's own, not their organisation's.
PERSONAL_DOMAINS = re.compile(
    r"(?:gmail\.com|yahoo\.[a-z.]+|hotmail\.[a-z.]+|outlook\.[a-z.]+|live\.[a-z.]+|orange\.fr|wanadoo\.fr|free\.fr|"
    r"sfr\.fr|laposte\.net|icloud\.com|me\.com|aol\.com|gmx\.[a-z.]+|protonmail\.[a-z.]+|proton\.me)", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+'-]+@((?:[\w-]+\.)+[\w-]+)")
# A French phone number: 0X XX XX XX XX with spaces, dots, hyphens or nothing between pairs, or +33 X ...
PHONE = re.compile(r"(?<![\w+])(?:\+33[ .\u00a0]?(?:\(0\)[ .\u00a0]?)?|0)[1-9](?:[ .\-\u00a0]?\d{2}){4}(?![\w])")


def _personal_data(study: Study, problems: Problems) -> None:
    """A personal e-mail address or a phone number in a field that the carnet or the follow-up report prints.

    Printed: every text of the network but the people's own fields (a contact's name, e-mail and phone are
    printed only when `public: true`; the role always), every text of an experiment and of the watch, in the files
    and in their translations. A public contact's e-mail on a personal domain is named too. Nothing of a private
    contact is looked at: it is never printed."""
    folder = study.folder
    if study.network is not None:
        loaded = load_yaml(folder / NETWORK_FILE, Problems())
        if loaded is not None:
            _personal_in_network(study, loaded, problems)
        for translated in _translations(study, folder / NETWORK_FILE):  # its texts: what an organisation brings,
            _personal_in(translated, [(key, text) for key, text in iter_strings(translated.data, ())  # a role...
                                      if "people" not in key or key[-1] == "role"], problems)
    originals = sorted((folder / EXPERIMENTS_DIR).glob("*.yaml")) if study.experiments else []
    for path in [*originals, *([folder / WATCH_FILE] if study.watch is not None else [])]:
        for loaded in [load_yaml(path, Problems()), *_translations(study, path)]:
            if loaded is not None:
                _personal_in(loaded, iter_strings(loaded.data, ()), problems)


def _translations(study: Study, original) -> list[LoadedFile]:
    """The translation files of `original` in the study's other languages, read (those that exist)."""
    found = []
    for language in study.other_languages:
        path = study_translation(study.folder, original, language)
        loaded = load_yaml(path, Problems()) if path.is_file() else None
        if loaded is not None:
            found.append(loaded)
    return found


def _personal_in_network(study: Study, loaded: LoadedFile, problems: Problems) -> None:
    data = loaded.data
    printed = [(key, text) for key, text in iter_strings(data, ()) if "people" not in key]
    for index, organisation in enumerate(study.network.organisations):
        for position, person in enumerate(organisation.people):
            key = ("organisations", index, "people", position)
            fields = ("name", "role") if person.public else ("role",)
            printed += [(path, text) for path, text in iter_strings(loaded.get(key), key)
                        if path[len(key)] in fields]
            if person.public and person.email:
                domain = person.email.rpartition("@")[2]
                if PERSONAL_DOMAINS.fullmatch(domain):
                    problems.warn(loaded.locate((*key, "email")),
                                  _("the public contact's e-mail is on a personal domain (%(domain)s)", domain=domain),
                                  _("`public: true` prints it in every document: give a professional or service "
                                    "address, or remove `public: true`"))
    _personal_in(loaded, printed, problems)


def _personal_in(loaded: LoadedFile, texts: Iterable[tuple[PathKey, str]], problems: Problems) -> None:
    for key, text in texts:
        place = None
        for match in EMAIL.finditer(text):
            if PERSONAL_DOMAINS.fullmatch(match.group(1)):
                place = place or _TextPlace(loaded, key, text)
                problems.warn(place.locate(match.start()),
                              _("a personal e-mail address (%(address)s) in a printed text", address=match.group()),
                              _("the documents of the network circulate: write the address of a service or of the "
                                "organisation, or put the person under `people:`, where only the role is printed"))
        for match in PHONE.finditer(text):
            place = place or _TextPlace(loaded, key, text)
            problems.warn(place.locate(match.start()),
                          _("a phone number (%(number)s) in a printed text", number=match.group()),
                          _("the documents of the network circulate: put the number under `people:` (`phone:`), "
                            "printed only for a contact with `public: true`"))


def _common_prefix(first: str, second: str) -> int:
    """The length of the longest common prefix of two texts."""
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if one != other:
            return index
    return min(len(first), len(second))
