"""Stage 2, model: the typed shape of a study and its scenarios.

Pydantic checks each file's shape (required fields, types, unknown fields); the
cross-file rules (one baseline, picks that exist...) live in `toolkit.study.load` and `toolkit.study.rules`.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from toolkit.limits import MAX_ID_CHARS, MAX_PARTICIPANTS, MAX_TALLY, MAX_YEAR, MIN_YEAR

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"
DEFAULT_LANGUAGE = "*"
MAX_KEY_PICKS = 4  # what fits on a scenario card
MINUTES_PER_DAY = 24 * 60
MAX_EDITOR_NOTE_CHARS = 2000


def N_(message: str) -> str:
    """Mark a msgid for the catalogue (as `toolkit.language.N_`, which the model may not import: it
    reads files). The model's messages are English msgids, translated where they are shown
    (`toolkit.study.rules`)."""
    return message


def refusal(kind: str, message: str, hint: str, **values: object) -> PydanticCustomError:
    """A validation error that carries its hint (`ctx["hint"]`) to the located problem.

    `message` and `hint` are msgids (`N_`) with `%(name)s` placeholders filled from `values`
    after translation, when the problem is reported.
    """
    return PydanticCustomError(kind, message, {"hint": hint, **values})


def shortened(value: str, length: int = 20) -> str:
    """`value`, cut to `length` characters for a message."""
    return value if len(value) <= length else f"{value[:length]}…"


@dataclass(frozen=True)
class Origin:
    """Where a text was written: shown when a build-time problem comes from it."""

    location: Any  # a `toolkit.errors.Location`: the model imports no message machinery (it reads no file)
    field: str


class Text:
    """Text in one or more languages. A plain YAML string is in the study's language."""

    __slots__ = ("origin", "values")

    def __init__(self, values: dict[str, str]):
        self.values = values
        self.origin: Origin | None = None  # where it was written, for build-time errors

    def get(self, language: str, study_language: str = "fr") -> str:
        """The text in `language`, else in the study's language, else any."""
        for key in (language, DEFAULT_LANGUAGE, study_language):
            if key in self.values:
                return self.values[key]
        return next(iter(self.values.values()), "")

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self.values.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and other.values == self.values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.values.items())))

    def __repr__(self) -> str:
        return f"Text({self.values!r})"


def _parse_text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise refusal("text_empty", N_("text is empty"), N_("write something, or remove the field if optional"))
        return Text({DEFAULT_LANGUAGE: value})
    if isinstance(value, dict) and value:
        bad = [key for key in value if not re.match(LANGUAGE_PATTERN, str(key))]
        words = str(bad[0]) if bad else ""
        if len(value) == 1 and isinstance(value.get(words), str) and (" " in words or not words.islower()):
            # `- Note : voir plus loin` unquoted: YAML reads a field `Note`
            raise refusal("text_colon", N_("'%(key)s: %(text)s' is read as a field '%(key)s', because of the ': '"),
                          N_("put the text in quotes: `\"%(key)s: %(text)s\"`"), key=str(bad[0]), text=value[bad[0]])
        if bad:
            raise refusal("language_code", N_("'%(code)s' is not a language code (expected e.g. fr, en, de)"),
                          N_("write the texts under language codes, like `fr: ...` and `en: ...`"), code=str(bad[0]))
        if not all(isinstance(text, str) and text.strip() for text in value.values()):
            raise refusal("text_empty", N_("every language needs a non-empty text"),
                          N_("write a text after each language code, or remove the empty one"))
        return Text(dict(value))
    raise refusal("text_type", N_("expected text, or a mapping of language codes to text like {fr: ..., en: ...}"),
                  N_("write the text after the colon, in quotes if it holds a colon followed by a space"))


LocalText = Annotated[
    Text,
    PlainValidator(_parse_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "propertyNames": {"pattern": LANGUAGE_PATTERN},
                    "minProperties": 1,
                },
            ],
        }
    ),
]


def suggest_slug(value: str) -> str:
    """A slug close to `value`: lowercase ascii, hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "id"


def _check_slug(value: str) -> str:
    if len(value) > MAX_ID_CHARS:
        raise refusal("id_too_long", N_("'%(id)s' is %(length)s characters long, more than the %(max)s an id may have"),
                      N_("use a shorter id: ids name the files and folders of the kit"),
                      id=shortened(value), length=f"{len(value):,}", max=MAX_ID_CHARS)
    if not re.match(SLUG_PATTERN, value):
        slug = suggest_slug(value)
        if any(not character.isascii() for character in value):
            raise refusal("id_accents", N_("'%(id)s' is not a valid id: ids are written without accents"),
                          N_("write `%(slug)s`"), id=value, slug=slug)
        raise refusal("id_form", N_("'%(id)s' is not a valid id: use lowercase letters, digits and single hyphens"),
                      N_("write `%(slug)s`"), id=value, slug=slug)
    return value


Slug = Annotated[
    str, AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_ID_CHARS}),
]


_NUMBER_TEXT = re.compile(r"[+-]?[\d\s\u00a0\u202f.,']*\d[\d\s\u00a0\u202f.,']*")


def _parse_number(value: Any) -> float:
    """A number as YAML reads it; `1 894 000` or `1,9` (a text to YAML) is refused with the number to write."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise refusal("number_infinite", N_("%(value)s is not a finite number"), N_("write a number, like 1894000"),
                          value=str(value))
        return float(value)
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        plain = re.sub(r"[\s\u00a0\u202f']", "", value.strip())
        if "," in plain and "." not in plain:
            plain = plain.replace(",", ".") if plain.count(",") == 1 and len(plain.split(",")[1]) != 3 \
                else plain.replace(",", "")
        raise refusal("number_text", N_("'%(value)s' is read as a text, not as a number"),
                      N_("write %(number)s: digits only, no space between thousands, a dot before decimals"),
                      value=value, number=plain)
    raise refusal("number_type", N_("expected a number, not '%(value)s'"), N_("write a number, like 1894000"),
                  value=shortened(str(value), 40))


Number = Annotated[float, PlainValidator(_parse_number), WithJsonSchema({"type": "number"})]


class Strict(BaseModel):
    """Base for every file part: unknown fields are errors (typos must not pass silently).

    Every part may carry an `editor_note`: a note between the study's editors (what to verify,
    where a title comes from). It is shown by `prospective check -v` and never printed in a
    document, so that such notes have a place that is not a text participants read.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    editor_note: str | None = Field(default=None, max_length=MAX_EDITOR_NOTE_CHARS)


class Source(Strict):
    id: Slug
    author: str
    title: LocalText
    year: int = Field(ge=1800, le=2200)
    url: str | None = Field(default=None, pattern=r"^https?://")
    short: str | None = None
    note: LocalText | None = None

    @property
    def citation(self) -> str:
        """Short form used in the text: (Author, year)."""
        return f"{self.short or self.author}, {self.year}"


class Person(Strict):
    name: str
    organisation: str | None = None
    role: LocalText | None = None


class Hypothesis(Strict):
    id: Slug
    label: LocalText
    description: LocalText | None = None
    trend: bool = False


class Driver(Strict):
    id: Slug
    name: LocalText
    description: LocalText
    hypotheses: list[Hypothesis] = Field(min_length=2)

    @cached_property
    def trend(self) -> Hypothesis | None:
        return next((h for h in self.hypotheses if h.trend), None)

    @cached_property
    def hypotheses_by_id(self) -> dict[str, Hypothesis]:
        """Each id's first hypothesis: a lookup per reference, not a scan (a study may have thousands)."""
        found: dict[str, Hypothesis] = {}
        for hypothesis in self.hypotheses:
            found.setdefault(hypothesis.id, hypothesis)
        return found

    def hypothesis(self, hypothesis_id: str) -> Hypothesis | None:
        return self.hypotheses_by_id.get(hypothesis_id)


class Profession(Strict):
    id: Slug
    name: LocalText
    description: LocalText


class Persona(Strict):
    id: Slug
    name: LocalText
    situation: LocalText
    # The event a journey starts from (« Un soir de janvier, Odette tombe dans sa cuisine »), so that
    # the journey exercise imagines what follows in each future instead of paraphrasing the written day.
    turning_point: LocalText | None = None
    # Who the persona is, in easy-to-read words (short sentences, one idea each, no abbreviation):
    # what the easy-to-read edition of the booklet prints (`prospective build --edition facile-a-lire`).
    easy_read: LocalText | None = None


class Actor(Strict):
    """An actor who holds or seeks power over the field: a state agency, a funder, an operator, a group of people.

    The actors exercise (« qui décide ? ») lists them on its canvas and capture sheet; the study
    names them so that a study of another domain brings its own.
    """

    id: Slug
    name: LocalText
    role: LocalText | None = None  # one line on what it does today, for the canvas


class Incompatibility(Strict):
    """Two hypotheses (`driver.hypothesis`) that cannot go together in one scenario, and why."""

    pair: list[str] = Field(min_length=2, max_length=2)
    reason: LocalText


class Audience(Strict):
    """The domain words of a study, which method texts and templates use (`{field}`, `{people}`, `{professionals}`).

    Each is optional: the kit falls back on neutral words from the catalogue (in French « les
    métiers étudiés », « les personnes concernées », « les professionnel·les »), so that a study
    on any domain gets a kit without words borrowed from another study. Write them with their
    article, as they read mid-sentence after "pour" or "avec": `les personnes accompagnées`.
    """

    field: LocalText | None = None  # what the study is about: « les métiers du social »
    people: LocalText | None = None  # the people the services serve: « les personnes accompagnées »
    professionals: LocalText | None = None  # who works there: « les professionnel·les du social »


# The editions of the participant booklet (`prospective build --edition`): the standard one, large print,
# easy-to-read. Their names are the command's words, in French as the issue asked for them.
STANDARD_EDITION = "standard"
LARGE_PRINT = "gros-caracteres"
EASY_READ = "facile-a-lire"
EDITIONS = (STANDARD_EDITION, LARGE_PRINT, EASY_READ)
# The words that name an edition's files and its folder `<lang>-<word>/` beside the standard kit (msgids of the
# catalogue, translated in each kit's language): a territory's kit folder `<lang>-<territory id>/` must not be one.
EDITION_SUFFIXES = {LARGE_PRINT: N_("large-print"), EASY_READ: N_("easy-to-read")}

NARRATIVE_WORDS = (400, 800)  # a scenario's narrative, in words: the one rule of `check`, the scaffold, CONTRIBUTING


class NarrativeWords(Strict):
    """How long a scenario's narrative should be, in words: `prospective check` warns outside the bounds."""

    min: int = Field(default=NARRATIVE_WORDS[0], ge=0, le=100_000)
    max: int = Field(default=NARRATIVE_WORDS[1], ge=1, le=100_000)


class StudyFile(Strict):
    """The `study.yaml` file of a study folder."""

    title: LocalText
    subtitle: LocalText | None = None
    horizon: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    language: str = Field(default="fr", pattern=LANGUAGE_PATTERN)
    languages: list[Annotated[str, Field(pattern=LANGUAGE_PATTERN)]] | None = None
    scoping_question: LocalText
    summary: LocalText
    disclaimer: LocalText | None = None
    authors: list[Person] = Field(min_length=1)
    partners: list[Person] = []
    sources: list[Source] = []
    drivers: list[Driver] = Field(min_length=1)
    professions: list[Profession] = []
    personas: list[Persona] = []
    actors: list[Actor] = []
    incompatible: list[Incompatibility] = []
    # The study's method note: how it was built, what it leaves out and why. Printed in the booklet.
    method_note: LocalText | None = None
    audience: Audience = Field(default_factory=Audience)
    narrative_words: NarrativeWords = Field(default_factory=NarrativeWords)


class WeakSignal(Strict):
    text: LocalText
    source: Slug


class HorizonValue(Strict):
    """A contrasted scenario's own value of an indicator at the horizon: an assumption, shown against the
    baseline's projection (`toolkit.study.indicators`)."""

    indicator: Slug
    value: Number
    territory: Slug | None = None  # None: the study's own (national) indicator
    note: LocalText | None = None


class ScenarioFile(Strict):
    """One `scenarios/<id>.yaml` file; its id is the file name."""

    id: Slug | None = None
    title: LocalText
    baseline: bool = False
    order: int = 100
    tagline: LocalText | None = None
    summary: LocalText
    picks: dict[str, str]
    key_picks: list[str] = Field(default=[], max_length=MAX_KEY_PICKS)
    narrative: LocalText
    professions: dict[str, LocalText] = {}
    personas: dict[str, LocalText] = {}
    weak_signals: list[WeakSignal] = []
    questions: list[LocalText] = Field(min_length=1)
    # The scenario in easy-to-read words, printed instead of the narrative by the easy-to-read edition.
    easy_read: LocalText | None = None
    # Its own values of indicators at the horizon (never the baseline's: its value is the projection).
    horizon_values: list[HorizonValue] = []


@dataclass
class Scenario:
    """A validated scenario with the id and file it came from."""

    id: str
    path: Path
    data: ScenarioFile

    def __getattr__(self, name: str) -> Any:
        # Templates read scenario.title etc. directly.
        return getattr(self.data, name)


@dataclass
class Difference:
    """One driver where a scenario departs from the baseline."""

    driver: Driver
    baseline: Hypothesis
    scenario: Hypothesis

    @property
    def changed(self) -> bool:
        return self.baseline.id != self.scenario.id


@dataclass
class Study:
    """A whole study: the study file, its scenarios and where they live."""

    id: str
    folder: Path
    meta: StudyFile
    scenarios: list[Scenario] = field(default_factory=list)
    methods: dict[str, Method] = field(default_factory=dict)
    workshops: list[Workshop] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    translated: list[str] | None = None  # the languages whose translations were read (None: every one)
    # indicators.yaml's series (`toolkit.study.indicators.Indicator`), and the territories by id
    # (`toolkit.study.indicators.Territory`): typed there, which imports this module.
    indicators: list = field(default_factory=list)
    territories: dict = field(default_factory=dict)
    # The follow-up, typed in `toolkit.study.followup` (which imports this module): network.yaml (`NetworkFile`),
    # the experiments by id (`ExperimentFile` of experiments/<id>.yaml, in file order) and watch.yaml (`WatchFile`).
    network: Any = None
    experiments: dict = field(default_factory=dict)
    watch: Any = None

    @property
    def languages(self) -> list[str]:
        return self.meta.languages or [self.meta.language]

    @property
    def other_languages(self) -> list[str]:
        """The languages of the study's editions other than the one it is written in, whose translations
        are read: all of them, or those a command asked for (`load_study(languages=...)`)."""
        return [language for language in self.languages if language != self.meta.language
                and (self.translated is None or language in self.translated)]

    @property
    def baseline(self) -> Scenario:
        return next(s for s in self.scenarios if s.data.baseline)

    @property
    def alternatives(self) -> list[Scenario]:
        return [s for s in self.scenarios if not s.data.baseline]

    def driver(self, driver_id: str) -> Driver:
        return next(d for d in self.meta.drivers if d.id == driver_id)

    def hypothesis_of(self, reference: str) -> tuple[Driver, Hypothesis] | None:
        """The driver and hypothesis a « driver/hypothesis » reference names (the follow-up files' and the triggers'
        form, checked by `toolkit.study.workshops.hypothesis_ref_problem`), or None."""
        driver_id, _, hypothesis_id = reference.partition("/")
        driver = next((d for d in self.meta.drivers if d.id == driver_id), None)
        hypothesis = driver.hypothesis(hypothesis_id) if driver is not None else None
        return (driver, hypothesis) if hypothesis is not None else None

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.meta.sources if s.id == source_id), None)

    def pick(self, scenario: Scenario, driver: Driver) -> Hypothesis:
        return driver.hypothesis(scenario.data.picks[driver.id])

    def comparison(self, scenario: Scenario) -> list[Difference]:
        """Every driver: the baseline's hypothesis beside the scenario's."""
        return [Difference(d, self.pick(self.baseline, d), self.pick(scenario, d)) for d in self.meta.drivers]

    def changes(self, scenario: Scenario) -> list[Difference]:
        return [diff for diff in self.comparison(scenario) if diff.changed]

    def key_changes(self, scenario: Scenario) -> list[Difference]:
        """The changes a card shows: the scenario's `key_picks`, else its first changes."""
        changes = self.changes(scenario)
        chosen = [d for d in changes if d.driver.id in scenario.data.key_picks]
        return chosen or changes[:MAX_KEY_PICKS]


# --- the workshop layer: methods, plans, results ------------------------------------

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
Minutes = Annotated[int, Field(ge=1, le=MINUTES_PER_DAY)]


def _parse_clock(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 14:00 unquoted as a number
        raise refusal("clock_number", N_('write the time in quotes, like "14:00"'),
                      N_("unquoted, YAML reads 14:00 as a number of minutes"))
    if not isinstance(value, str) or not re.match(TIME_PATTERN, value):
        raise refusal("clock_form", N_("'%(value)s' is not a time: write it like \"09:00\""),
                      N_("hours from 00 to 23, a colon, minutes from 00 to 59, in quotes"), value=str(value))
    return value


Clock = Annotated[str, PlainValidator(_parse_clock), WithJsonSchema({"type": "string", "pattern": TIME_PATTERN})]


class Range(Strict):
    """From `min` to `max` people."""

    min: int = Field(ge=0, le=MAX_PARTICIPANTS)
    max: int = Field(ge=0, le=MAX_PARTICIPANTS)

    def __contains__(self, value: int) -> bool:
        return self.min <= value <= self.max


class MinutesRange(Range):
    """From `min` to `max` minutes, within a day."""

    min: int = Field(ge=0, le=MINUTES_PER_DAY)
    max: int = Field(ge=0, le=MINUTES_PER_DAY)


class Step(Strict):
    title: LocalText
    minutes: Minutes
    text: LocalText


class Material(Strict):
    item: LocalText
    per: Literal["group", "participant", "workshop"]
    quantity: int = Field(default=1, ge=1, le=MAX_PARTICIPANTS)



# --- captures: what a method's groups write down, described once ---------------------
# A method's `capture` says which section of the results file its sheet fills, and how the
# sheet reads: titles, labels, marks and rows come from the method's YAML; the keys and the
# accepted marks of each section are the results file's vocabulary, fixed here because the
# synthesis knows how to analyse each section.

IMPACTS = ("grows", "shrinks", "transforms", "appears")
VERDICTS = ("works", "mixed", "fails")
RINGS = ("1", "2", "3")
SIGNS = ("plus", "minus")
KINDS = ("action", "experiment")
POWER = ("gains", "keeps", "loses")  # what an actor's power becomes in a scenario (the actors exercise)
SCALE = "scale"  # a field counted per value of a scale (dots, strokes), not chosen nor written

# section -> its fields -> None (free text), SCALE, or the mark keys a choice accepts
CAPTURE_SECTIONS: dict[str, dict[str, tuple[str, ...] | str | None]] = {
    "baseline": {"lose": None, "keep": None},
    "wheels": {"centre": None, "text": None, "ring": RINGS, "sign": SIGNS},
    "journeys": {"moment": None, "text": None, "helps": None, "hinders": None},
    "impacts": {"change": IMPACTS, "comment": None},
    "actors": {"power": POWER, "wants": None, "ties": None},
    "ratings": {"probability": SCALE, "desirability": SCALE},
    "actions": {"text": None, "kind": KINDS, "territory": None, "owner": None},
    "verdicts": {"verdict": VERDICTS},
    "triggers": {"when": None},
    "signals": {"text": None, "where": None},
    "quotes": {"text": None, "who": None},
}
# every section is a field of a group's results, but `verdicts`: `actions.<id>.scenarios`, and `triggers`:
# `actions.<id>.trigger.when` (the signal that should set the action off; its `hypotheses` are typed in too)
MAX_CAPTURE_ROWS = 40


class Mark(Strict):
    """One box to tick in a choice: the key typed in the results file, and what the sheet prints."""

    key: str = Field(max_length=MAX_ID_CHARS)
    label: LocalText


class CaptureField(Strict):
    """One column of a capture sheet (or its lead line)."""

    key: str = Field(max_length=MAX_ID_CHARS)
    label: LocalText
    marks: list[Mark] = []  # a choice: one box per mark
    scale: int | None = Field(default=None, ge=2, le=10)  # a count per value 1..scale (dots, strokes)
    main: bool = False  # the main answer: the widest column
    across: Literal["scenarios"] | None = None  # repeated once per scenario of the study

    @property
    def kind(self) -> str:
        return "scale" if self.scale else "choice" if self.marks else "text"


class Capture(Strict):
    """A capture sheet: what a group writes down during an activity, for the results file."""

    results: Literal[tuple(CAPTURE_SECTIONS)]  # type: ignore[valid-type]
    title: LocalText
    intro: LocalText
    per: Literal["group", "scenario", "persona"] = "group"
    rows: Annotated[int, Field(ge=1, le=MAX_CAPTURE_ROWS)] | Literal["professions", "scenarios", "actors"] = 5
    lead: CaptureField | None = None  # one line written above the table (the wheel's central change)
    fields: list[CaptureField] = Field(min_length=1)

    @property
    def all_fields(self) -> list[CaptureField]:
        return ([self.lead] if self.lead else []) + list(self.fields)


class MethodFile(Strict):
    """`templates/methods/<id>/method.yaml`: a workshop method, in the spirit of a toolkit's tool page."""

    name: LocalText
    summary: LocalText
    purpose: LocalText
    when: LocalText
    format: Literal["groups", "plenary"]
    group_size: Range
    duration: MinutesRange
    steps: list[Step] = Field(min_length=1)
    materials: list[Material] = []
    tips: list[LocalText] = []
    pitfalls: list[LocalText] = []
    outputs: list[LocalText] = []
    debrief: list[LocalText] = []
    capture: list[Capture] = []  # the sheets its groups fill in, one per entry


@dataclass
class Method:
    """A method from the library, with the templates its folder provides."""

    id: str
    folder: Path
    data: MethodFile
    worksheet: str | None = None  # template name of the A4 group worksheet, if any
    canvas: str | None = None  # template name of the A3 canvas, if any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)


class Profile(Strict):
    label: LocalText
    count: int = Field(ge=0, le=MAX_PARTICIPANTS)


class Participants(Strict):
    count: int = Field(ge=1, le=MAX_PARTICIPANTS)
    profiles: list[Profile] = []


class Group(Strict):
    id: Slug
    name: LocalText
    scenarios: list[str] = Field(min_length=1)
    personas: list[str] = []
    facilitator: LocalText | None = None  # a role as much as a name ("Animatrice du laboratoire"): translated


class Activity(Strict):
    method: str
    duration: Minutes
    title: LocalText | None = None
    format: Literal["groups", "plenary"] | None = None
    scenarios: list[str] | Literal["all", "groups"] = []
    personas: list[str] | Literal["groups"] = []
    facilitator: LocalText | None = None
    notes: LocalText | None = None


def _check_year(value: datetime.date) -> datetime.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise refusal("year_out_of_range", N_("the year %(year)s is not between %(min)s and %(max)s"),
                      N_("write the date of the workshop like 2026-03-14"), year=value.year, min=MIN_YEAR, max=MAX_YEAR)
    return value


Day = Annotated[datetime.date, AfterValidator(_check_year)]


class WorkshopFile(Strict):
    """`workshops/<id>.yaml`: the plan of one workshop of a study."""

    title: LocalText
    date: Day
    start: Clock
    end: Clock
    place: LocalText
    organisers: list[Person] = Field(min_length=1)
    partners: list[Person] = []
    scoping_question: LocalText | None = None
    paper: Literal["A4", "letter"] = "A4"
    participants: Participants
    groups: list[Group] = Field(min_length=1)
    agenda: list[Activity] = Field(min_length=1)


def clock_minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def clock_text(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass
class ScheduledActivity:
    """An agenda item with its computed clock times and what it works on."""

    index: int
    activity: Activity
    method: Method
    start: int  # minutes since midnight
    end: int

    @property
    def start_text(self) -> str:
        return clock_text(self.start)

    @property
    def end_text(self) -> str:
        return clock_text(self.end)

    @property
    def title(self) -> Text:
        return self.activity.title or self.method.data.name

    @property
    def format(self) -> str:
        return self.activity.format or self.method.data.format

    def step_minutes(self) -> list[int]:
        """The method's step timings scaled to this slot, so that they add up to it."""
        planned = [step.minutes for step in self.method.data.steps]
        total, slot = sum(planned), self.activity.duration
        if total == slot:
            return planned
        scaled = [max(1, round(minutes * slot / total)) for minutes in planned]
        longest = scaled.index(max(scaled))
        scaled[longest] += slot - sum(scaled)
        return scaled


@dataclass(frozen=True)
class CaptureSheet:
    """One capture sheet of a workshop: its code (`F3`), the activity and what it captures."""

    code: str
    item: ScheduledActivity
    capture: Capture


@dataclass
class Workshop:
    """A validated workshop plan, with its schedule worked out."""

    id: str
    path: Path
    data: WorkshopFile
    schedule: list[ScheduledActivity] = field(default_factory=list)
    results: ResultsFile | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)

    @property
    def length(self) -> int:
        return clock_minutes(self.data.end) - clock_minutes(self.data.start)

    @property
    def methods(self) -> list[Method]:
        """Methods of the agenda, each once, in order of first use."""
        seen: dict[str, Method] = {}
        for item in self.schedule:
            seen.setdefault(item.method.id, item.method)
        return list(seen.values())

    @property
    def capture_sheets(self) -> list[CaptureSheet]:
        """Every capture sheet of the agenda, numbered in order: the guide and the packs share the codes."""
        sheets: list[CaptureSheet] = []
        for item in self.schedule:
            for capture in item.method.data.capture:
                sheets.append(CaptureSheet(f"F{len(sheets) + 1}", item, capture))
        return sheets

    def captured_sections(self) -> set[str]:
        """The sections of the results file that some activity of the agenda fills."""
        return {sheet.capture.results for sheet in self.capture_sheets}

    def group_size(self) -> int:
        """People per group, rounded up."""
        return -(-self.data.participants.count // len(self.data.groups))


# --- results: what the groups wrote on the capture sheets ----------------------------

RATING_VALUES = range(1, 6)


def _parse_ratings(value: Any) -> list[int]:
    """One value per participant (`[3, 4, 2]`) or a tally (`{1: 0, 2: 3, 3: 1}`)."""
    if isinstance(value, list):
        if not all(isinstance(v, int) and not isinstance(v, bool) and v in RATING_VALUES for v in value):
            raise refusal("rating", N_("ratings are whole numbers from 1 to 5, got %(value)s"),
                          N_("write one value from 1 to 5 per participant, like [3, 4, 2]"), value=str(value))
        return sorted(value)
    if isinstance(value, dict):
        ratings: list[int] = []
        for key, count in value.items():
            if str(key) not in {str(v) for v in RATING_VALUES}:
                raise refusal("rating", N_("'%(key)s' is not a rating: a tally counts the marks for 1, 2, 3, 4 and 5"),
                              N_("write a tally like {1: 0, 2: 3, 3: 4, 4: 1, 5: 0}"), key=str(key))
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise refusal("rating", N_("the count for %(key)s must be a whole number >= 0, got %(count)s"),
                              N_("write how many people gave this rating: 0, 1, 2..."), key=str(key), count=repr(count))
            if count > MAX_TALLY:
                raise refusal("tally_too_large", N_("%(count)s people gave the rating %(key)s, more than one group's "
                                                    "tally may count (%(max)s)"),
                              N_("a tally counts the marks of one group's sheet: check the number (a digit typed "
                                 "twice?)"), count=f"{count:,}", key=str(key), max=f"{MAX_TALLY:,}")
            ratings.extend([int(key)] * count)
        return sorted(ratings)
    raise refusal("rating", N_("ratings are a list of values from 1 to 5, or a tally like "
                               "{1: 0, 2: 3, 3: 4, 4: 1, 5: 0}"),
                  N_("write one value per participant, like [3, 4, 2], or a tally"))


Ratings = Annotated[
    list[int],
    PlainValidator(_parse_ratings),
    WithJsonSchema({"anyOf": [
        {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 5}},
        {"type": "object", "propertyNames": {"enum": ["1", "2", "3", "4", "5"]},
         "additionalProperties": {"type": "integer", "minimum": 0, "maximum": MAX_TALLY}},
    ]}),
]
class RatingSet(Strict):
    probability: Ratings = []
    desirability: Ratings = []


class Impact(Strict):
    change: Literal["grows", "shrinks", "transforms", "appears"]
    comment: LocalText | None = None


# References of the follow-up files (`toolkit.study.followup`): a hypothesis, a workshop action.
HYPOTHESIS_REF_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$"  # "<driver id>/<hypothesis id>"
ACTION_REF_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*/[^/\s]+$"  # "<workshop>/<group>/<action key>"
MAX_REF_CHARS = 3 * MAX_ID_CHARS + 2
# The form of a reference is checked by `toolkit.study.load` (a located message that shows the form); the schema
# gives the pattern to editors.
HypothesisRef = Annotated[str, Field(min_length=1, max_length=MAX_REF_CHARS),
                          WithJsonSchema({"type": "string", "pattern": HYPOTHESIS_REF_PATTERN})]
ActionRef = Annotated[str, Field(min_length=1, max_length=MAX_REF_CHARS),
                      WithJsonSchema({"type": "string", "pattern": ACTION_REF_PATTERN})]
MAX_TRIGGER_SIGNALS = 1000
MAX_TRIGGER_MONTHS = 120


class Trigger(Strict):
    """When a stress-tested action should be activated: enough signals of the watch (`watch.yaml`) pointing to
    its hypotheses within the last months (`toolkit.synthesis.followup.fired_triggers`)."""

    when: LocalText  # « À activer si ... »
    hypotheses: list[HypothesisRef] = Field(min_length=1)
    threshold: int = Field(default=3, ge=1, le=MAX_TRIGGER_SIGNALS)  # signals needed...
    months: int = Field(default=12, ge=1, le=MAX_TRIGGER_MONTHS)  # ...within this many months before the as-of date


class Action(Strict):
    text: LocalText
    kind: Literal["action", "experiment"] = "action"
    territory: str | None = None
    owner: str | None = None
    scenarios: dict[str, Literal["works", "mixed", "fails"]] = {}
    trigger: Trigger | None = None


class Signal(Strict):
    text: LocalText
    where: str | None = None


class Quote(Strict):
    text: LocalText
    who: str | None = None


class BaselineCapture(Strict):
    lose: list[LocalText] = []
    keep: list[LocalText] = []


class Consequence(Strict):
    text: LocalText
    ring: Literal[1, 2, 3] | None = None
    sign: Literal["plus", "minus"] | None = None


class Wheel(Strict):
    """A futures wheel, as copied onto the capture sheet: its central change and key consequences."""

    centre: LocalText | None = None
    consequences: list[Consequence] = []


class Moment(Strict):
    """One moment of a persona's journey."""

    moment: str | None = None
    text: LocalText
    helps: LocalText | None = None
    hinders: LocalText | None = None


class ActorStance(Strict):
    """What a group said of one actor in one scenario: its power, what it wants, its allies and conflicts."""

    power: Literal["gains", "keeps", "loses"] | None = None
    wants: LocalText | None = None
    ties: LocalText | None = None  # allies and conflicts, as written on the sheet


class GroupResults(Strict):
    scenarios: list[str] = []
    baseline: BaselineCapture | None = None
    wheels: dict[str, Wheel] = {}  # by scenario
    journeys: dict[str, list[Moment]] = {}  # by persona
    ratings: dict[str, RatingSet] = {}
    impacts: dict[str, dict[str, Impact]] = {}
    actors: dict[str, dict[str, ActorStance]] = {}  # by actor, then by scenario
    actions: dict[str, Action] = {}
    signals: list[Signal] = []
    quotes: list[Quote] = []


class ResultsFile(Strict):
    """`results/<workshop-id>.yaml`: the capture sheets typed up, group by group."""

    example: bool = False
    note: LocalText | None = None
    groups: dict[str, GroupResults]


# --- who works on what: queries the checks, the logistics and the templates share ---


def activity_scenarios(study: Study, activity: ScheduledActivity, group: Group | None = None) -> list[Scenario]:
    """The scenarios an activity works on; `groups` means the group's own ones."""
    wanted = activity.activity.scenarios
    if wanted == "all" or (wanted == "groups" and group is None):
        return list(study.scenarios)
    ids = group.scenarios if wanted == "groups" else wanted
    return [s for s in study.scenarios if s.id in ids]


def activity_personas(study: Study, activity: ScheduledActivity, group: Group | None = None) -> list[Persona]:
    wanted = activity.activity.personas
    personas = study.meta.personas
    if wanted == "groups":
        ids = group.personas if group and group.personas else [p.id for p in personas]
        return [p for p in personas if p.id in ids]
    return [p for p in personas if p.id in wanted]


def group_scenarios(study: Study, group: Group) -> list[Scenario]:
    return [s for s in study.scenarios if s.id in group.scenarios]
