"""`prospective import`: ratings typed in a spreadsheet or exported from a form, into a results file.

The CSV file has a header row, then one row per person and scenario:

    group,scenario,probability,desirability,participant
    table-a,plateformes,4,2,Awa
    table-a,communs,3,5,Awa
    table-b,communs,2,,Léo

- `group`: a group id of the workshop plan (`groupe` in French);
- `scenario`: a scenario id of the study (`scénario` or `scenario`);
- one column per rating of the vote: the fields counted on a scale in the capture sheet of
  the method that fills the results' `ratings` (`capture: - results: ratings` in its
  method.yaml; the workshop's own vote first, else the study's method). With the library's
  vote these are `probability` and `desirability`, whole numbers from 1 (not at all) to 5
  (very: the field's `scale`). A column is named by the field's key or its label in any
  language (`Probabilité (gommettes bleues)`), the label also without its closing
  parenthesis and without accents (`probabilité`, `probabilite`); an empty cell means that
  person did not rate that dimension, and is skipped;
- `participant` (optional, `participant·e`): the organiser's own bookkeeping, ignored.

A workshop whose agenda has no activity capturing ratings has nothing to import into, and
is refused before the file is read.

Header names are matched ignoring case and surrounding spaces; ids ignoring case. The
separator is a comma or a semicolon (French spreadsheets export `;`), told apart by
counting them in the header. The file is UTF-8, with or without a byte order mark
(spreadsheets call this "CSV UTF-8"); lines end in LF, CRLF or CR. Empty rows are skipped.

Every problem is reported at once, located as `FILE:ROW:COL` where ROW is the row number
a spreadsheet shows (the header is row 1) and COL the column number (A is 1); a problem
with the bytes of the file (not UTF-8, a NUL byte, a line too long) is located at its
line and column in the file. Nothing is written when there is any problem.

The file comes from elsewhere, so it is read as a stream, never whole, within the bounds
of toolkit.limits: at most MAX_CSV_BYTES bytes, MAX_CSV_ROWS rows and MAX_CSV_LINE_CHARS
characters a line (or a row, when a quoted cell runs over several lines). Only a regular
file is read: a pipe or a device (`/dev/zero`, a FIFO) could never end, and is refused
before a byte is read. A workbook, UTF-16 text or binary data is refused with the reason.

Cells are data, never formulas: a cell like `=HYPERLINK("http://...")` is not evaluated
here nor anywhere downstream. Nothing a cell holds is copied into the results file except
through checks: a group or scenario cell must name an id of the plan or the study (the
id is written, as the plan spells it), a rating must be a whole number from 1 to the
field's scale (the number is written), and the participant column is ignored. The results file is YAML,
which no spreadsheet evaluates; cells only ever reach the terminal in problem messages,
with their control characters escaped and shortened to a few dozen characters.

The ratings of every group found in the file replace that group's `ratings` in
`results/<workshop-id>.yaml`, written as tallies (`{1: n, 2: n, 3: n, 4: n, 5: n}` on a scale of 5);
everything else in the results file (impacts, quotes, comments...) is kept, because it
is edited with a round-trip YAML parser. Importing the same file twice gives the same
results: an import replaces, it never adds up.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from toolkit import limits
from toolkit.errors import BuildError, InputError, Location, Problem, Problems, did_you_mean, display_path, printable
from toolkit.files import atomic_file, write_text
from toolkit.paths import RESULTS_DIR
from toolkit.study.load import load_study
from toolkit.study.model import Capture, CaptureField, GroupResults, Study, Workshop

RATINGS = "ratings"  # the results section the vote's capture sheet fills
OPTIONAL = ("participant",)
# The headers of the columns every import has, written as they would be typed, and the column they name;
# the rating columns come from the vote's capture sheet (RatingColumns).
HEADERS = {
    "group": "group", "groupe": "group",
    "scenario": "scenario", "scénario": "scenario",
    "participant": "participant", "participant·e": "participant",
}
DELIMITERS = ",;"
WORKBOOK_MAGIC = b"PK\x03\x04"  # .xlsx and .ods files are zip archives
OLD_WORKBOOK_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls files (OLE2 compound documents)
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_HINT = ("save the sheet as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8; LibreOffice: "
             "Save As > Text CSV, character set Unicode (UTF-8))")
RATING_HINT = ("ratings are whole numbers from 1 (not at all) to {scale} (very); leave the cell empty when nobody "
               "rated")
CHUNK_BYTES = 64 * 1024  # read at a time
MAX_UTF8_BYTES = 4  # a character takes at most 4 bytes in UTF-8
SHOWN_CHARS = 40  # of a cell quoted in a message
_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class RatingColumns:
    """The rating columns of an import, as the vote's capture sheet counts them: key -> scale, in the sheet's order."""

    scales: dict[str, int]
    headers: dict[str, str]  # every accepted header, normalised -> the column it names (group, scenario... too)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.scales)

    @property
    def required(self) -> tuple[str, ...]:
        return ("group", "scenario", *self.scales)

    def values(self, dimension: str) -> range:
        """The ratings a cell may hold: 1 to the field's scale."""
        return range(1, self.scales[dimension] + 1)

    @classmethod
    def of(cls, capture: Capture) -> RatingColumns:
        fields = [f for f in capture.all_fields if f.scale]
        headers = {_normalise(header): name for header, name in HEADERS.items()}
        for field_ in fields:
            for header in _field_headers(field_):
                headers.setdefault(header, field_.key)
        return cls({f.key: f.scale for f in fields if f.scale}, headers)


def ratings_capture(study: Study, workshop: Workshop) -> Capture | None:
    """The capture sheet that fills `ratings`: the workshop's own vote, else the study's (None when it has none).

    None when the workshop's agenda captures no ratings: there is nothing to import into.
    """
    if RATINGS not in workshop.captured_sections():
        return None
    for sheet in workshop.capture_sheets:
        if sheet.capture.results == RATINGS:
            return sheet.capture
    return None  # pragma: no cover - captured_sections() comes from the same sheets


def _field_headers(field_: CaptureField) -> Iterator[str]:
    """The key and the label in every language, each also without a closing `(...)` and without accents."""
    for text in (field_.key, *field_.label.values.values()):
        written = _normalise(text)
        short = re.sub(r"\s*\([^()]*\)$", "", written).strip()
        for variant in (written, short):
            if variant:
                yield variant
                yield _without_accents(variant)


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@dataclass(frozen=True)
class Column:
    """A recognised column: what it means, how the file wrote it, where it is."""

    name: str
    header: str
    number: int


@dataclass
class ImportedRatings:
    """What a CSV file says, already checked: group -> scenario -> dimension -> tally (rating -> people)."""

    source: Path
    columns: RatingColumns
    rows: int = 0
    ratings: dict[str, dict[str, dict[str, dict[int, int]]]] = field(default_factory=dict)

    def tally(self, group: str, scenario: str, dimension: str) -> dict[int, int]:
        by_scenario = self.ratings.setdefault(group, {})
        if scenario not in by_scenario:
            by_scenario[scenario] = {name: dict.fromkeys(self.columns.values(name), 0)
                                     for name in self.columns.dimensions}
        return by_scenario[scenario][dimension]

    def add(self, group: str, scenario: str, dimension: str, value: int) -> None:
        self.tally(group, scenario, dimension)[value] += 1

    def count(self, group: str) -> int:
        return sum(sum(tally.values()) for by_dimension in self.ratings[group].values()
                   for tally in by_dimension.values())


@dataclass
class ImportReport:
    """What an import did, for the one-screen summary the command prints."""

    imported: ImportedRatings
    target: Path
    created: bool

    def lines(self) -> list[str]:
        imported = self.imported
        total = sum(imported.count(group) for group in imported.ratings)
        lines = [f"{_one_line(display_path(imported.source))}: {_plural(imported.rows, 'row')}, "
                 f"{_plural(total, 'rating')}"]
        for group, by_scenario in imported.ratings.items():
            lines.append(f"  {group}: {_plural(imported.count(group), 'rating')} on "
                         f"{_plural(len(by_scenario), 'scenario')}")
        verb = "created" if self.created else "updated (the ratings of these groups replaced, the rest kept)"
        lines.append(f"{_one_line(display_path(self.target))}: {verb}")
        return lines


def _one_line(name: str) -> str:
    """A file name as one printable line: a name may hold any character, line breaks included."""
    return printable(name).replace("\n", "\\n")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("s" if count != 1 else "")


def import_ratings(study: Study, workshop_id: str, source: Path) -> ImportReport:
    """Check the whole CSV file first, then write the results file, then validate it again."""
    workshop = next(w for w in study.workshops if w.id == workshop_id)
    imported = read_ratings(source, study, workshop)
    target = study.folder / RESULTS_DIR / f"{workshop.id}.yaml"
    previous = target.read_bytes() if target.is_file() else None
    text = previous.decode("utf-8") if previous is not None else None
    write_text(target, merge_ratings(text, imported, study, workshop))
    _validate_or_restore(study, target, previous)
    return ImportReport(imported, target, created=previous is None)


# --- reading and checking the CSV file ---------------------------------------------


class _Unreadable(Exception):
    """The file cannot be read as a CSV table: one problem says why, and the rows found before do not matter."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def read_ratings(source: Path, study: Study, workshop: Workshop) -> ImportedRatings:
    """Every rating of the file, or an `InputError` listing every problem in it."""
    columns = rating_columns(study, workshop)
    problems = Problems()
    imported = ImportedRatings(source, columns)
    try:
        _check_rows(source, _Checker(source, study, workshop, columns), imported, problems)
    except _Unreadable as error:
        raise InputError([error.problem]) from None
    if problems:
        raise InputError(problems)
    plan_order = [g.id for g in workshop.data.groups]
    imported.ratings = {group: imported.ratings[group] for group in plan_order if group in imported.ratings}
    return imported


def rating_columns(study: Study, workshop: Workshop) -> RatingColumns:
    """The columns the vote's capture sheet counts, or an `InputError` when the agenda has no vote."""
    capture = ratings_capture(study, workshop)
    if capture is None:
        methods = sorted(m.id for m in study.methods.values() if any(c.results == RATINGS for c in m.data.capture))
        votes = ", ".join(methods) or "a method whose capture has 'results: ratings'"
        raise InputError([Problem(Location(workshop.path), f"no activity of the agenda of workshop '{workshop.id}' "
                                  "captures ratings: there is nothing to import them into",
                                  f"add a vote to the agenda ({votes}), or import into another workshop")])
    return RatingColumns.of(capture)


def _check_rows(source: Path, checker: _Checker, imported: ImportedRatings, problems: Problems) -> None:
    """Read the rows one by one: the header, then each row checked and counted, never kept."""
    with closing(_rows(source)) as rows:  # closed at once when the checks stop early
        _check_each(source, rows, checker, imported, problems)


def _check_each(source: Path, rows: Iterator[tuple[int, list[str]]], checker: _Checker, imported: ImportedRatings,
                problems: Problems) -> None:
    header_number = None
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header_number is None:
            header_number = number
            checker.header(number, cells, problems)
        elif checker.width_fits(number, cells, problems):
            imported.rows += 1
            checker.row(number, cells, imported, problems)
        if len(problems) >= limits.MAX_CSV_PROBLEMS:
            problems.add(Location(source, number), f"{len(problems)} problems up to row {number}: the rest of the "
                         "file was not checked", "fix these first: is it the right file, with the right header?")
            return
    if header_number is None:
        problems.add(Location(source), "the file is empty: it needs a header row, then one row per person and "
                     "scenario", "header: " + ",".join((*checker.columns_of_vote.required, *OPTIONAL)))
    elif not problems and not imported.ratings:  # importing nothing would only rewrite the file
        vote = checker.columns_of_vote
        problems.add(Location(source, header_number), "no rating in this file: after the header, one row per "
                     f"person and scenario gives {_and('a ' + name for name in vote.dimensions)} from 1 to "
                     f"{_and(sorted({str(scale) for scale in vote.scales.values()}), 'or')}")


# --- the bytes of the file: a regular file, bounded, UTF-8, line by line ----------------


def _rows(source: Path) -> Iterator[tuple[int, list[str]]]:
    """Every row (empty ones too) with its spreadsheet row number, read as a stream."""
    with _opened(source) as handle:
        lines = _lines(source, handle)
        skipped = 0  # blank lines before the header: rows of the sheet, with nothing to read
        for line in lines:
            if line.strip():
                break
            skipped += 1
            _check_row_count(source, skipped)
        else:
            return
        delimiter = max(DELIMITERS, key=line.count)  # the header's: a comma wins a tie
        feed = _Feed(source, itertools.chain([line], lines), skipped + 1)
        reader = csv.reader(feed, delimiter=delimiter)
        number = skipped
        try:
            for cells in reader:
                number += 1
                _check_row_count(source, number)
                feed.next_row(number + 1)
                yield number, cells
        except csv.Error as error:
            raise _Unreadable(Problem(Location(source, skipped + reader.line_num), f"not a readable CSV file: {error}",
                                      UTF8_HINT)) from None


@contextmanager
def _opened(source: Path) -> Iterator[BinaryIO]:
    """The file opened for reading, when it is a regular file within MAX_CSV_BYTES.

    Opened without waiting (a FIFO with no writer would block the open itself), then
    refused unless it is a regular file: a pipe or a device may never end.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(source, flags)
    except OSError as error:
        raise _Unreadable(_cannot_read(source, error)) from None
    with open(descriptor, "rb") as handle:
        mode, size = _status(source, descriptor)
        if not stat.S_ISREG(mode):
            raise _Unreadable(Problem(Location(source), f"this is {_kind(mode)}, not a file: `prospective import` "
                                      "reads a CSV file saved on disk (a pipe or a device may never end)",
                                      "save the ratings in a .csv file first (for example: your-command > "
                                      "ratings.csv), then import that file"))
        if size > limits.MAX_CSV_BYTES:
            raise _Unreadable(_too_large(source, 1))
        if os.name == "posix":
            os.set_blocking(descriptor, True)
        yield handle


def _status(source: Path, descriptor: int) -> tuple[int, int]:
    try:
        status = os.fstat(descriptor)
    except OSError as error:
        raise _Unreadable(_cannot_read(source, error)) from None
    return status.st_mode, status.st_size


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _cannot_read(source: Path, error: OSError) -> Problem:
    reason = error.strerror or type(error).__name__
    return Problem(Location(source), f"cannot read the file: {reason}",
                   "check that the file is there and that you may read it")


def _too_large(source: Path, line: int) -> Problem:
    bound = limits.MAX_CSV_BYTES
    return Problem(Location(source, line), f"the file is larger than {bound:,} bytes ({bound / limits.MIB:.4g} MiB): "
                   "a workshop's ratings take a few kilobytes",
                   f"is it the right file? To import it anyway, set {limits.env_name('MAX_CSV_BYTES')} to a larger "
                   "number of bytes")


def _check_row_count(source: Path, number: int) -> None:
    if number > limits.MAX_CSV_ROWS:
        raise _Unreadable(Problem(Location(source, number), f"more than {limits.MAX_CSV_ROWS:,} rows: a workshop's "
                                  "ratings take one row per person and scenario",
                                  f"is it the right file? To import it anyway, set "
                                  f"{limits.env_name('MAX_CSV_ROWS')} to a larger number of rows"))


def _lines(source: Path, handle: BinaryIO) -> Iterator[str]:
    """The file's lines, decoded one by one, each with its line ending; never more than a line in memory.

    A line ends with LF, CRLF or CR (old Mac spreadsheets); none of these bytes occurs inside
    a UTF-8 character, so each line decodes on its own and a bad byte is located exactly.
    """
    pending, number, size, first = b"", 1, 0, True
    while True:
        chunk = _read(source, handle)
        size += len(chunk)
        if size > limits.MAX_CSV_BYTES:  # the file grew since it was opened
            raise _Unreadable(_too_large(source, number))
        if first:
            chunk, first = _without_bom(source, chunk), False
        at_end = not chunk
        pending += chunk
        start = 0
        for match in _LINE_END.finditer(pending):
            if match.group() == b"\r" and match.end() == len(pending) and not at_end:
                break  # a CR at the end of the chunk: is the LF of a CRLF next?
            yield _decoded(source, number, pending[start : match.end()], len(match.group()))
            number += 1
            start = match.end()
        pending = pending[start:]
        if at_end:
            if pending:
                yield _decoded(source, number, pending, 0)
            return
        if len(pending) > limits.MAX_CSV_LINE_CHARS * MAX_UTF8_BYTES:
            raise _Unreadable(_line_too_long(source, number))


def _read(source: Path, handle: BinaryIO) -> bytes:
    try:
        return handle.read(CHUNK_BYTES)
    except OSError as error:
        raise _Unreadable(_cannot_read(source, error)) from None


def _without_bom(source: Path, start: bytes) -> bytes:
    """The first chunk without a UTF-8 byte order mark; a workbook or UTF-16 text is refused here."""
    if start.startswith(WORKBOOK_MAGIC):
        raise _Unreadable(Problem(Location(source), "this is a spreadsheet workbook (.xlsx or .ods), not a CSV file",
                                  UTF8_HINT))
    if start.startswith(OLD_WORKBOOK_MAGIC):
        raise _Unreadable(Problem(Location(source), "this is an Excel 97-2003 workbook (.xls), not a CSV file",
                                  UTF8_HINT))
    if start.startswith(UTF16_BOMS):
        raise _Unreadable(Problem(Location(source), "the file is UTF-16 text (\"Unicode text\"), not UTF-8",
                                  UTF8_HINT))
    return start.removeprefix(UTF8_BOM)


def _decoded(source: Path, number: int, raw: bytes, ending: int) -> str:
    """One line as text; a byte that is not UTF-8, a NUL byte or a line too long is refused where it is."""
    nul = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if nul == -1 or error.start < nul:
            raise _Unreadable(Problem(Location(source, number, _column(raw, error.start)),
                                      f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read)",
                                      UTF8_HINT)) from None
    if nul != -1:
        raise _Unreadable(Problem(Location(source, number, _column(raw, nul)),
                                  "the file holds a NUL byte (0x00), so it is not CSV text: binary data, or text "
                                  "saved as UTF-16 (\"Unicode text\")?", UTF8_HINT))
    if len(text) - ending > limits.MAX_CSV_LINE_CHARS:
        raise _Unreadable(_line_too_long(source, number))
    return text


def _column(raw: bytes, offset: int) -> int:
    """The column (from 1, in characters) of the byte at `offset` of a line."""
    return len(raw[:offset].decode("utf-8", errors="replace")) + 1


def _line_too_long(source: Path, number: int) -> Problem:
    bound = limits.MAX_CSV_LINE_CHARS
    return Problem(Location(source, number, bound + 1),
                   f"line {number} is longer than {bound:,} characters: a row of ratings takes a few dozen",
                   "is it the right file? (a table whose line breaks were lost, or no table at all)")


class _Feed:
    """The lines the CSV reader reads, counting the characters of the row being read.

    A quoted cell may hold line breaks, so one row may run over several lines: a quote
    opened and never closed would make the rest of the file one cell.
    """

    def __init__(self, source: Path, lines: Iterator[str], row: int):
        self.source, self.lines, self.row = source, lines, row
        self.characters = self.lines_read = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.characters += len(line)
        self.lines_read += 1
        if self.characters - len(line) + len(line.rstrip("\r\n")) > limits.MAX_CSV_LINE_CHARS:
            raise _Unreadable(Problem(Location(self.source, self.row),
                                      f"row {self.row} runs over {self.lines_read} lines and more than "
                                      f"{limits.MAX_CSV_LINE_CHARS:,} characters: a quote (\") opened and never "
                                      "closed?", "close the quote, or remove it: a cell in quotes may hold the "
                                      "separator or a line break"))
        return line

    def next_row(self, row: int) -> None:
        self.row, self.characters, self.lines_read = row, 0, 0


# --- the cells: header, width, ids and ratings ----------------------------------------


def _shown(text: str) -> str:
    """A cell as a message quotes it: at most SHOWN_CHARS characters."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


@dataclass
class _Checker:
    """Checks the header and the rows of one file against the study and the workshop plan."""

    source: Path
    study: Study
    workshop: Workshop
    columns_of_vote: RatingColumns
    columns: dict[str, Column] = field(default_factory=dict)
    width: int = 0

    def __post_init__(self) -> None:
        self.groups = [g.id for g in self.workshop.data.groups]
        self.scenarios = [s.id for s in self.study.scenarios]
        self.group_hint = f"groups of workshop '{self.workshop.id}': {', '.join(self.groups)}"
        self.scenario_hint = f"scenarios of this study: {', '.join(self.scenarios)}"
        self.group_ids = {item.casefold(): item for item in self.groups}
        self.scenario_ids = {item.casefold(): item for item in self.scenarios}

    def header(self, number: int, cells: list[str], problems: Problems) -> None:
        self.columns, self.width = _parse_header(self.source, number, cells, self.columns_of_vote, problems)

    def width_fits(self, number: int, cells: list[str], problems: Problems) -> bool:
        return _check_width(self.source, number, cells, self.width, problems)

    def row(self, number: int, cells: list[str], imported: ImportedRatings, problems: Problems) -> None:
        """Check one row and add its ratings; a row with any problem adds nothing."""
        source, columns = self.source, self.columns
        before = len(problems)
        group = _pick_id(source, number, cells, columns.get("group"), self.groups, "group", problems,
                         self.group_hint, self.group_ids)
        scenario = _pick_id(source, number, cells, columns.get("scenario"), self.scenarios, "scenario", problems,
                            self.scenario_hint, self.scenario_ids)
        vote = self.columns_of_vote
        values = {name: _rating(source, number, cells, columns[name], vote.scales[name], problems)
                  for name in vote.dimensions if name in columns}
        if len(problems) > before or group is None or scenario is None:
            return
        for dimension, value in values.items():
            if value is not None and imported.tally(group, scenario, dimension)[value] >= limits.MAX_TALLY:
                problems.add(Location(source, number, columns[dimension].number),
                             f"more than {limits.MAX_TALLY:,} people of group '{group}' rated '{scenario}' "
                             f"{value} for {dimension}: more than one group's tally may count",
                             "is it the right file? Split the group in the workshop plan")
                return
        for dimension, value in values.items():
            if value is not None:
                imported.add(group, scenario, dimension, value)


def _parse_header(source: Path, number: int, cells: list[str], vote: RatingColumns,
                  problems: Problems) -> tuple[dict[str, Column], int]:
    """The recognised columns and the table's width; unknown, repeated and missing columns are problems."""
    headers, required = vote.headers, vote.required
    columns: dict[str, Column] = {}
    while cells and not cells[-1].strip():  # an empty column after the last one is harmless
        cells = cells[:-1]
    for position, cell in enumerate(cells, start=1):
        header = cell.strip()
        where = Location(source, number, position)
        name = headers.get(_normalise(header))
        if name is None and len(problems) >= limits.MAX_CSV_PROBLEMS:
            continue  # enough said: the stop is reported after the header
        if not header:
            problems.add(where, f"column {position} has no name in the header", "name it, or delete the column")
        elif name is None:
            problems.add(where, f"unknown column '{_shown(header)}'{did_you_mean(_normalise(header)[:100], headers)}",
                         f"columns: {', '.join((*required, *OPTIONAL))} "
                         f"(or {', '.join(_aliases(headers, (*required, *OPTIONAL)))})")
        elif name in columns:
            problems.add(where, f"column '{header}' repeats column '{columns[name].header}' "
                         f"(column {columns[name].number})", "keep one of them")
        else:
            columns[name] = Column(name, header, position)
    named = [_shown(cell.strip()) for cell in cells if cell.strip()]
    found = ", ".join(named[:10]) + (f" and {len(named) - 10} more" if len(named) > 10 else "") or "none"
    for name in required:
        if name not in columns:
            problems.add(Location(source, number, 1), f"missing column '{name}' (columns found: {found})",
                         "the first row names the columns: " + ",".join((*required, *OPTIONAL)))
    return columns, len(cells)


def _aliases(headers: dict[str, str], names: Iterable[str]) -> list[str]:
    """One other spelling of each column, as a hint shows them: groupe, scénario, probabilité..."""
    shown = []
    for name in names:
        other = next((h for h, n in headers.items() if n == name and h != name and "(" not in h), None)
        if other:
            shown.append(other)
    return shown


def _and(items: Iterable[str], word: str = "and") -> str:
    items = list(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1] if len(items) > 1 else "".join(items)

def _normalise(header: str) -> str:
    """Headers compare without case, surrounding spaces or Unicode composition differences."""
    return unicodedata.normalize("NFC", header).strip().casefold()


def _check_width(source: Path, number: int, cells: list[str], width: int, problems: Problems) -> bool:
    """A row with cells missing or too many is shifted: its values cannot be trusted."""
    extra = sum(1 for cell in cells[width:] if cell.strip())
    if len(cells) >= width and not extra:
        return True
    if extra:
        problems.add(Location(source, number, width + 1),
                     f"this row has {width + extra} cells but the header has {width}",
                     "a separator too many, or a decimal comma in a comma-separated file?")
    else:
        problems.add(Location(source, number, len(cells) + 1),
                     f"this row has {len(cells)} cells but the header has {width}",
                     "a separator is missing: keep one cell per column, even an empty one")
    return False


def _pick_id(source: Path, number: int, cells: list[str], column: Column | None, known: list[str], kind: str,
             problems: Problems, hint: str, by_folded: dict[str, str]) -> str | None:
    """The id a cell names, matched ignoring case; people type `Table-A` as often as `table-a`."""
    if column is None:
        return None
    typed = cells[column.number - 1].strip()
    found = by_folded.get(typed.casefold())
    if found is not None:
        return found
    where = Location(source, number, column.number)
    if not typed:
        problems.add(where, f"column '{column.header}' is empty: every row names its {kind}", hint)
        return None
    problems.add(where, f"column '{column.header}': unknown {kind} '{_shown(typed)}'"
                 f"{did_you_mean(typed[:100], known)}", hint)
    return None


def _rating(source: Path, number: int, cells: list[str], column: Column, scale: int,
            problems: Problems) -> int | None:
    """A rating from 1 to the field's scale, or None for an empty cell (that person did not rate it)."""
    typed = cells[column.number - 1].strip()
    if not typed:
        return None
    value = _whole_number(typed)
    if value is not None and 1 <= value <= scale:
        return value
    where = Location(source, number, column.number)
    hint = RATING_HINT.format(scale=scale)
    if value is None:
        problems.add(where, f"column '{column.header}': '{_shown(typed)}' is not a whole number", hint)
    else:
        problems.add(where, f"column '{column.header}': '{_shown(typed)}' is not a rating from 1 to {scale}", hint)
    return None


def _whole_number(typed: str) -> int | None:
    """`4`, and also `4.0` or `4,0` as some spreadsheets and forms export numbers; `+4` is 4.

    Any length is read without cost: a number of more than 18 significant digits (far from
    1 to 5, and Python refuses to convert more than 4,300) comes back as plus or minus 10^18.
    """
    if typed.isdigit() and typed.isascii() and len(typed) == 1:  # nearly every cell: 1 to 5
        return int(typed)
    whole, _, decimals = typed.replace(",", ".").partition(".")
    digits = whole.removeprefix("-").removeprefix("+")
    if not digits.isdecimal() or not digits.isascii() or decimals.strip("0"):
        return None
    sign = -1 if whole.startswith("-") else 1
    significant = digits.lstrip("0") or "0"
    return sign * (10**18 if len(significant) > 18 else int(significant))


# --- writing the results file --------------------------------------------------------


def tally(values: Iterable[int], scale: int = 5) -> dict[int, int]:
    """Value -> number of people, always with a key per value of the scale so the file reads like the paper sheet."""
    counts = Counter(values)
    return {value: counts[value] for value in range(1, scale + 1)}


def merge_ratings(text: str | None, imported: ImportedRatings, study: Study, workshop: Workshop) -> str:
    """The results file's new text: the imported groups' ratings replaced, all the rest as it was."""
    yaml = _round_trip_yaml(text)
    document = yaml.load(text) if text is not None else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
        document.yaml_set_start_comment(f"Ratings imported from {_one_line(imported.source.name)} by prospective "
                                        "import")
    groups = document.get("groups")
    if not isinstance(groups, CommentedMap):
        groups = CommentedMap()
        document["groups"] = groups
    groups.fa.set_block_style()
    plan_order = [g.id for g in workshop.data.groups]
    scenario_order = [s.id for s in study.scenarios]
    for group_id in plan_order:
        if group_id in imported.ratings:
            entry = _group_entry(groups, group_id, plan_order)
            _replace(entry, "ratings", _ratings_map(imported.ratings[group_id], scenario_order, imported.columns))
    output = io.StringIO()
    yaml.dump(document, output)
    return output.getvalue()


def _round_trip_yaml(text: str | None) -> YAML:
    """A ruamel parser that writes the file back with the indentation it was written with."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the long lines people typed
    sequence, offset = 4, 2  # the layout of docs/workshops.md
    if text:
        _, guessed, guessed_offset = load_yaml_guess_indent(text)
        if guessed is not None:
            sequence, offset = guessed, guessed_offset or 0
    yaml.indent(mapping=_mapping_indent(text or ""), sequence=sequence, offset=offset)
    return yaml


def _mapping_indent(text: str) -> int:
    """The indentation of the first nested key (2 when there is none)."""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if line != stripped and stripped and not stripped.startswith(("-", "#")):
            return len(line) - len(stripped)
    return 2


def _group_entry(groups: CommentedMap, group_id: str, plan_order: list[str]) -> CommentedMap:
    """The group's mapping, created at its place in the plan's order when it is missing."""
    entry = groups.get(group_id)
    if isinstance(entry, CommentedMap):
        return entry
    new = CommentedMap()
    if group_id in groups:  # `table-a:` with nothing under it
        groups[group_id] = new
        return new
    later = plan_order[plan_order.index(group_id) + 1 :]
    position = next((i for i, key in enumerate(groups) if key in later), len(groups))
    groups.insert(position, group_id, new)
    return new


def _replace(mapping: CommentedMap, key: str, value: CommentedMap) -> None:
    """Set `key`, keeping the comments that follow the old value (they belong to what comes next)."""
    if key in mapping:
        trailing = _trailing_comment(mapping, key)
        mapping[key] = value
        if trailing:
            _attach_trailing(value, trailing)
        return
    fields = list(GroupResults.model_fields)
    later = fields[fields.index(key) + 1 :] if key in fields else []
    position = next((i for i, name in enumerate(mapping) if name in later), len(mapping))
    mapping.insert(position, key, value)


def _trailing_comment(mapping: Any, key: Any) -> str:
    """Full-line comments after the last value of `mapping[key]`'s subtree.

    ruamel hangs them on the last value of the subtree (as the tail of its end-of-line
    comment), so replacing the subtree would drop them although they are about what follows.
    """
    value = mapping[key]
    if isinstance(value, CommentedMap) and value:  # a comment on the `key:` line stays with `mapping`
        return _trailing_comment(value, list(value)[-1])
    if isinstance(value, list) and value and hasattr(value, "ca"):
        index = len(value) - 1
        item = value.ca.items.get(index)
        item_line = value.lc.item(index)[0] if index in value.lc.data else -1
        if item and item[0] is not None:
            return _tail(item[0], item_line)
        if isinstance(value[index], (CommentedMap, list)):
            return _trailing_comment(value, index)
    token = _comment_token(mapping, key)
    if token is None and hasattr(value, "ca") and value.ca.comment:
        token = value.ca.comment[0]
    return _tail(token, mapping.lc.value(key)[0] if key in mapping.lc.data else -1)


def _comment_token(node: Any, key: Any) -> CommentToken | None:
    item = node.ca.items.get(key)
    if not item:
        return None
    return item[0] if isinstance(node, list) else item[2]


def _tail(token: CommentToken | None, value_line: int) -> str:
    """A comment token's text without its end-of-line part (which described the old value)."""
    if not isinstance(token, CommentToken):
        return ""
    text, mark = token.value, token.start_mark
    if mark is not None and mark.line == value_line:
        text = text.partition("\n")[2]
    elif mark is not None:  # a full line: its indentation is kept in the mark, not in the text
        text = " " * mark.column + text
    return text if text.strip() else ""


def _attach_trailing(value: CommentedMap, trailing: str) -> None:
    """Hang the kept comment lines after the last value of the new subtree, as ruamel expects."""
    node: Any = value
    while isinstance(node, CommentedMap) and node:
        last = list(node)[-1]
        if not isinstance(node[last], CommentedMap) or node[last].fa.flow_style():
            node.ca.items[last] = [None, None, CommentToken("\n" + trailing, CommentMark(0), None), None]
            return
        node = node[last]


def _ratings_map(by_scenario: dict[str, dict[str, dict[int, int]]], scenario_order: list[str],
                 columns: RatingColumns) -> CommentedMap:
    """`{scenario: {probability: {1: n, ...}, desirability: {...}}}`, the tallies on one line each."""
    ratings = CommentedMap()
    for scenario in scenario_order:
        if scenario in by_scenario:
            dimensions = CommentedMap()
            for dimension in columns.dimensions:
                counts = CommentedMap((value, by_scenario[scenario][dimension][value])
                                      for value in columns.values(dimension))
                counts.fa.set_flow_style()
                dimensions[dimension] = counts
            ratings[scenario] = dimensions
    return ratings


def _validate_or_restore(study: Study, target: Path, previous: bytes | None) -> None:
    """Load the study again with the new file; should that fail, put the old file back."""
    try:
        load_study(study.folder)
    except InputError as error:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            with atomic_file(target) as temporary:
                temporary.write_bytes(previous)
        details = "; ".join(str(problem) for problem in error.problems.sorted())
        raise BuildError(f"the imported results did not pass validation, so {display_path(target)} was left "
                         f"as it was: {details}",
                         "this is a bug in prospective import: please report it with the CSV file") from None
