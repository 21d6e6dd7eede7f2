"""`prospective import`: ratings typed in a spreadsheet or exported from a form, into a results file.

The CSV file has a header row, then one of two shapes (docs/workshops.md shows how to set up a
form for each; docs/samples/ has an example of each for the shipped study):

- long: one row per person and scenario, as one types up a vote board:

      group,scenario,probability,desirability,participant
      table-a,le-social-en-plateforme,4,2,Awa
      Table B,Les communs de proximité,3,5,Léo

- wide: one row per respondent, one column per scenario and criterion, as form tools
  (Framaforms, Google Forms, Microsoft Forms, LimeSurvey) export a grid question:

      Horodateur;Adresse e-mail;Votre table;Probabilité [Le social en plateforme];Désirabilité [Le social en plateforme]
      11/06/2026 11:02:13;awa@example.org;Table A;4 - Très probable;2

The columns:

- the group: `group`, `groupe`, `table`, `votre table` or `votre groupe`; a cell names the
  group by its id (`table-a`), its name in the plan (`Table A`) or the title of the scenario
  the plan gives it. It may be left out when the workshop has a single group;
- the scenario (long shape): `scenario` or `scénario`; a cell names it by id or title;
- the criteria: the fields counted on a scale in the capture sheet of the method that fills
  the results' `ratings` (`capture: - results: ratings` in its method.yaml; the workshop's own
  vote first, else the study's method). With the library's vote these are `probability` and
  `desirability`, from 1 (not at all) to 5 (very: the field's `scale`). A criterion is named by
  the field's key or its label in any language (`Probabilité (gommettes bleues)`), the label
  also without its closing parenthesis (`Probabilité`). In the long shape a criterion is a
  column; in the wide shape a column's header names one criterion and one scenario (id or
  title), in either order, separated by brackets (`Probabilité [Le social en plateforme]`, as
  Google Forms and LimeSurvey write a grid's rows), a dash or an em dash
  (`Probabilité — Le social en plateforme`, `Probabilité - ...`), a colon or a dot
  (`Probabilité.Le social en plateforme`);
- every other column (the form's timestamp, `Horodateur`, recognised as such; an e-mail
  address, a name, `participant`...) is ignored, and the summary names the ignored columns
  in one line.

Names (headers, groups, scenarios) are matched ignoring case, accents, the kind of
apostrophe, repeated and surrounding spaces, and a closing `?`, `:` or `*` (forms add them to
questions); an id always wins, and a name that fits more than one group or scenario is an
error (type the id). A file whose header fits neither shape gets one problem that shows both.

A rating is a whole number from 1 to the field's scale, also written `4,0` or `4.0` (forms and
spreadsheets export numbers so), or followed by the label of the point of the scale, after a
space, a dash, a colon, a dot or a parenthesis (`4 - Très probable`, `4 : très probable`,
`4 (très probable)`): a form's linear scale with labelled points exports this way. A label
alone (`Très probable`) is refused: the form must show the numbers. An empty cell means that
person did not rate that scenario on that criterion, and is skipped.

A workshop whose agenda has no activity capturing ratings has nothing to import into, and
is refused before the file is read.

The separator is a comma or a semicolon (French spreadsheets export `;`), told apart by
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
through checks: a group or scenario cell must name a group of the plan or a scenario of the
study (its id is written, as the plan spells it), a rating must be a whole number from 1 to the
field's scale (the number is written), and every other column is ignored. The results file is
YAML, which no spreadsheet evaluates; cells only ever reach the terminal in problem messages,
with their control characters escaped and shortened to a few dozen characters.

The ratings of every group found in the file replace that group's `ratings` in
`results/<workshop-id>.yaml`, written as tallies (`{1: n, 2: n, 3: n, 4: n, 5: n}` on a scale of 5);
everything else in the results file (impacts, quotes, comments...) is kept, because it
is edited with a round-trip YAML parser. Importing the same file twice gives the same
results: an import replaces, it never adds up.
"""

from __future__ import annotations

import csv
import difflib
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
from toolkit.language import ENGLISH, N_, _, current, ngettext
from toolkit.paths import RESULTS_DIR
from toolkit.study.load import load_study
from toolkit.study.model import Capture, CaptureField, GroupResults, Study, Workshop

RATINGS = "ratings"  # the results section the vote's capture sheet fills
LONG, WIDE = "long", "wide"  # the two shapes of a file: one row per person and scenario, or per respondent
TIMESTAMP = "timestamp"
IGNORED = ("participant", TIMESTAMP)  # columns known and ignored
# The headers of the columns a file may have besides the criteria, as they would be typed, and the column they name;
# they are compared folded (`_key`), so `Votre table ?` is `votre table`. The criteria come from the vote's capture
# sheet (RatingColumns).
HEADERS = {
    "group": "group", "groupe": "group", "table": "group", "votre table": "group", "votre groupe": "group",
    "your table": "group", "your group": "group",
    "scenario": "scenario", "scénario": "scenario",
    "participant": "participant", "participant·e": "participant",
    # what form tools call the time of an answer
    "horodateur": TIMESTAMP, "horodatage": TIMESTAMP, "timestamp": TIMESTAMP, "date de soumission": TIMESTAMP,
    "date d'envoi": TIMESTAMP, "date de réponse": TIMESTAMP, "submitdate": TIMESTAMP, "date submitted": TIMESTAMP,
    "submitted at": TIMESTAMP, "submission date": TIMESTAMP, "start time": TIMESTAMP, "completion time": TIMESTAMP,
    "heure de début": TIMESTAMP, "heure de fin": TIMESTAMP, "date": TIMESTAMP,
}
DELIMITERS = ",;"
WORKBOOK_MAGIC = b"PK\x03\x04"  # .xlsx and .ods files are zip archives
OLD_WORKBOOK_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls files (OLE2 compound documents)
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_HINT = N_("save the sheet as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8; LibreOffice: "
               "Save As > Text CSV, character set Unicode (UTF-8))")
CHUNK_BYTES = 64 * 1024  # read at a time
MAX_UTF8_BYTES = 4  # a character takes at most 4 bytes in UTF-8
SHOWN_CHARS = 40  # of a cell quoted in a message
SHOWN_COLUMNS = 10  # named in a message or a summary line, then "and N more"
MAX_WIDE_HEADER = 400  # characters: a criterion and a scenario title fit; longer headers are not split
_LINE_END = re.compile(rb"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# where a wide header is cut into a criterion and a scenario: `A [B]`, or around a separator
_BRACKETS = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]$")
_SEPARATOR = re.compile(r"\s*(?:[\u2014\u2013:.]|\s-\s)\s*")
# a rating followed by the label of its point: `4 - Très probable`, `4 : très`, `4 (très probable)`
_LABELLED = re.compile(r"^(\d{1,3})(?:[.,]0+)?(?:\s*[-\u2013\u2014:.=)]|\s+[-\u2013\u2014:(]?)\s*[^\W\d_]")


def _key(text: str) -> str:
    """A name as names are compared: no case, accents, apostrophe kinds, extra spaces nor closing `?`, `:`, `*`."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return _SPACES.sub(" ", _without_accents(text).casefold()).strip().rstrip("?:*! ")


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@dataclass(frozen=True)
class RatingColumns:
    """The criteria of an import, as the vote's capture sheet counts them: key -> scale, in the sheet's order."""

    scales: dict[str, int]
    headers: dict[str, str]  # every accepted header, as `_key` folds it -> the column it names (group, scenario too)
    example: str = "probability"  # a criterion as a form would word it: the first field's label, shortened

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.scales)

    @property
    def required(self) -> tuple[str, ...]:
        return ("group", "scenario", *self.scales)

    @property
    def criteria(self) -> dict[str, str]:
        """The headers that name a criterion -> its key."""
        return {header: name for header, name in self.headers.items() if name in self.scales}

    def values(self, dimension: str) -> range:
        """The ratings a cell may hold: 1 to the field's scale."""
        return range(1, self.scales[dimension] + 1)

    @classmethod
    def of(cls, capture: Capture, language: str = "fr") -> RatingColumns:
        fields = [f for f in capture.all_fields if f.scale]
        headers = {_key(header): name for header, name in HEADERS.items()}
        for field_ in fields:
            for header in _field_headers(field_):
                headers.setdefault(header, field_.key)
        example = _short_label(fields[0].label.get(language, language)) if fields else "probability"
        return cls({f.key: f.scale for f in fields if f.scale}, headers, example or fields[0].key)


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
    """The key and the label in every language, each also without a closing `(...)`, folded."""
    for text in (field_.key, *field_.label.values.values()):
        for variant in (text, _short_label(text)):
            if _key(variant):
                yield _key(variant)


def _short_label(label: str) -> str:
    """`Probabilité (gommettes bleues)` -> `Probabilité`."""
    return re.sub(r"\s*\([^()]*\)$", "", label.strip()).strip()


@dataclass(frozen=True)
class Column:
    """A recognised column: what it means, how the file wrote it, where it is (and, wide, the scenario it rates)."""

    name: str
    header: str
    number: int
    scenario: str | None = None


@dataclass
class ImportedRatings:
    """What a CSV file says, already checked: group -> scenario -> dimension -> tally (rating -> people)."""

    source: Path
    columns: RatingColumns
    rows: int = 0
    shape: str = LONG
    ignored: list[Column] = field(default_factory=list)  # the columns read past, in the file's order
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
        ratings = ngettext("%(num)d rating", "%(num)d ratings", total)
        if imported.shape == WIDE:
            rows = ngettext("%(num)d respondent", "%(num)d respondents", imported.rows)
        else:
            rows = ngettext("%(num)d row", "%(num)d rows", imported.rows)
        lines = [_("%(file)s: %(rows)s, %(ratings)s", file=_one_line(display_path(imported.source)), rows=rows,
                   ratings=ratings)]
        if imported.ignored:
            lines.append("  " + _("ignored columns: %(columns)s", columns=_column_list(imported.ignored)))
        for group, by_scenario in imported.ratings.items():
            lines.append("  " + _("%(group)s: %(ratings)s on %(scenarios)s", group=group,
                                  ratings=ngettext("%(num)d rating", "%(num)d ratings", imported.count(group)),
                                  scenarios=ngettext("%(num)d scenario", "%(num)d scenarios", len(by_scenario))))
        target = _one_line(display_path(self.target))
        if self.created:
            lines.append(_("%(file)s: created", file=target))
        else:
            lines.append(_("%(file)s: updated (the ratings of these groups replaced, the rest kept)", file=target))
        return lines


def _column_list(columns: list[Column]) -> str:
    """`Horodateur (the form's timestamp), Adresse e-mail, column 7 (no name)`, the first SHOWN_COLUMNS of them."""
    named = []
    for column in columns[:SHOWN_COLUMNS]:
        if not column.header:
            named.append(_("column %(number)d (no name)", number=column.number))
        elif column.name == TIMESTAMP:
            named.append(_("%(header)s (the form's timestamp)", header=_one_line(_shown(column.header))))
        else:
            named.append(_one_line(_shown(column.header)))
    return _and_more(named, len(columns))


def _and_more(named: list[str], total: int) -> str:
    """`a, b, c` or `a, b, c and 12 more`."""
    shown = ", ".join(named)
    return _("%(names)s and %(count)d more", names=shown, count=total - len(named)) if total > len(named) else shown


def _one_line(name: str) -> str:
    """A file name as one printable line: a name may hold any character, line breaks included."""
    return printable(name).replace("\n", "\\n")


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
        _check_rows(source, _Checker(source, study, workshop, columns, problems), imported, problems)
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
        votes = ", ".join(methods) or _("a method whose capture has 'results: ratings'")
        raise InputError([Problem(Location(workshop.path),
                                  _("no activity of the agenda of workshop '%(workshop)s' captures ratings: there is "
                                    "nothing to import them into", workshop=workshop.id),
                                  _("add a vote to the agenda (%(methods)s), or import into another workshop",
                                    methods=votes))])
    return RatingColumns.of(capture, study.meta.language)


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
            checker.header(number, cells, imported, problems)
        elif checker.width_fits(number, cells, problems):
            imported.rows += 1
            checker.row(number, cells, imported, problems)
        if len(problems) >= limits.MAX_CSV_PROBLEMS:
            problems.add(Location(source, number),
                         _("%(count)d problems up to row %(row)d: the rest of the file was not checked",
                           count=len(problems), row=number),
                         _("fix these first: is it the right file, with the right header?"))
            return
    if header_number is None:
        problems.add(Location(source), _("the file is empty: it needs a header row, then one row per person and "
                                         "scenario or one row per respondent"), checker.shapes_hint())
    elif not problems and not imported.ratings:  # importing nothing would only rewrite the file
        vote = checker.columns_of_vote
        criteria = _and(vote.dimensions)
        scales = _and(sorted({str(scale) for scale in vote.scales.values()}), _("or"))
        if imported.shape == WIDE:
            message = _("no rating in this file: after the header, each respondent's row rates the scenarios "
                        "(%(criteria)s) from 1 to %(scales)s", criteria=criteria, scales=scales)
        else:
            message = _("no rating in this file: after the header, each row rates one scenario (%(criteria)s) "
                        "from 1 to %(scales)s", criteria=criteria, scales=scales)
        problems.add(Location(source, header_number), message)


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
            raise _Unreadable(Problem(Location(source, skipped + reader.line_num),
                                      _("not a readable CSV file: %(error)s", error=error), _(UTF8_HINT))) from None


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
            raise _Unreadable(Problem(Location(source),
                                      _("this is %(kind)s, not a file: `prospective import` reads a CSV file saved "
                                        "on disk (a pipe or a device may never end)", kind=_kind(mode)),
                                      _("save the ratings in a .csv file first (for example: your-command > "
                                        "ratings.csv), then import that file")))
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
        return _("a pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def _cannot_read(source: Path, error: OSError) -> Problem:
    reason = error.strerror or type(error).__name__
    return Problem(Location(source), _("cannot read the file: %(reason)s", reason=reason),
                   _("check that the file is there and that you may read it"))


def _too_large(source: Path, line: int) -> Problem:
    bound = limits.MAX_CSV_BYTES
    return Problem(Location(source, line),
                   _("the file is larger than %(bytes)s bytes (%(mib)s MiB): a workshop's ratings take a few "
                     "kilobytes", bytes=_thousands(bound), mib=_decimal(f"{bound / limits.MIB:.4g}")),
                   _("is it the right file? To import it anyway, set %(variable)s to a larger number of bytes",
                     variable=limits.env_name("MAX_CSV_BYTES")))


def _check_row_count(source: Path, number: int) -> None:
    if number > limits.MAX_CSV_ROWS:
        raise _Unreadable(Problem(Location(source, number),
                                  _("more than %(rows)s rows: a workshop's ratings take one row per person and "
                                    "scenario", rows=_thousands(limits.MAX_CSV_ROWS)),
                                  _("is it the right file? To import it anyway, set %(variable)s to a larger number "
                                    "of rows", variable=limits.env_name("MAX_CSV_ROWS"))))


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
        raise _Unreadable(Problem(Location(source),
                                  _("this is a spreadsheet workbook (.xlsx or .ods), not a CSV file"), _(UTF8_HINT)))
    if start.startswith(OLD_WORKBOOK_MAGIC):
        raise _Unreadable(Problem(Location(source), _("this is an Excel 97-2003 workbook (.xls), not a CSV file"),
                                  _(UTF8_HINT)))
    if start.startswith(UTF16_BOMS):
        raise _Unreadable(Problem(Location(source), _("the file is UTF-16 text (\"Unicode text\"), not UTF-8"),
                                  _(UTF8_HINT)))
    return start.removeprefix(UTF8_BOM)


def _decoded(source: Path, number: int, raw: bytes, ending: int) -> str:
    """One line as text; a byte that is not UTF-8, a NUL byte or a line too long is refused where it is."""
    nul = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if nul == -1 or error.start < nul:
            byte = f"0x{raw[error.start]:02x}"
            raise _Unreadable(Problem(Location(source, number, _column(raw, error.start)),
                                      _("the file is not UTF-8 text (byte %(byte)s cannot be read)", byte=byte),
                                      _(UTF8_HINT))) from None
    if nul != -1:
        raise _Unreadable(Problem(Location(source, number, _column(raw, nul)),
                                  _("the file holds a NUL byte (0x00), so it is not CSV text: binary data, or text "
                                    "saved as UTF-16 (\"Unicode text\")?"), _(UTF8_HINT)))
    if len(text) - ending > limits.MAX_CSV_LINE_CHARS:
        raise _Unreadable(_line_too_long(source, number))
    return text


def _column(raw: bytes, offset: int) -> int:
    """The column (from 1, in characters) of the byte at `offset` of a line."""
    return len(raw[:offset].decode("utf-8", errors="replace")) + 1


def _line_too_long(source: Path, number: int) -> Problem:
    bound = limits.MAX_CSV_LINE_CHARS
    return Problem(Location(source, number, bound + 1),
                   _("line %(line)d is longer than %(characters)s characters: a row of ratings takes a few dozen",
                     line=number, characters=_thousands(bound)),
                   _("is it the right file? (a table whose line breaks were lost, or no table at all)"))


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
                                      _("row %(row)d runs over %(lines)d lines and more than %(characters)s "
                                        "characters: a quote (\") opened and never closed?", row=self.row,
                                        lines=self.lines_read, characters=_thousands(limits.MAX_CSV_LINE_CHARS)),
                                      _("close the quote, or remove it: a cell in quotes may hold the separator or "
                                        "a line break")))
        return line

    def next_row(self, row: int) -> None:
        self.row, self.characters, self.lines_read = row, 0, 0


# --- the cells: header, shape, width, names and ratings ----------------------------------------


def _shown(text: str) -> str:
    """A cell as a message quotes it: at most SHOWN_CHARS characters."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _thousands(number: int) -> str:
    """`10,000` in English, `10 000` in French (a narrow no-break space)."""
    text = f"{number:,}"
    return text if current() == ENGLISH else text.replace(",", "\u202f")


def _decimal(text: str) -> str:
    """`0.5` in English, `0,5` in French."""
    return text if current() == ENGLISH else text.replace(".", ",")


# What a group or a scenario cell may say, and what the messages about it say; translated where they are shown.
KIND_TEXTS = {
    "group": {
        "empty": N_("column '%(header)s' is empty: every row names its group"),
        "unknown": N_("column '%(header)s': unknown group '%(typed)s'%(suggestion)s"),
        "several": N_("column '%(header)s': '%(typed)s' names several groups (%(ids)s)"),
        "hint": N_("groups of workshop '%(workshop)s': %(ids)s; or their names (%(names)s), or the title of their "
                   "scenario"),
    },
    "scenario": {
        "empty": N_("column '%(header)s' is empty: every row names its scenario"),
        "unknown": N_("column '%(header)s': unknown scenario '%(typed)s'%(suggestion)s"),
        "several": N_("column '%(header)s': '%(typed)s' names several scenarios (%(ids)s)"),
        "hint": N_("scenarios of this study: %(ids)s; or their titles (%(names)s)"),
    },
}
SEVERAL_HINT = N_("type the id of the one you mean: %(ids)s")
RATING_HINT = N_("ratings are whole numbers from 1 (not at all) to %(scale)d (very), also written \"4 - Very "
                 "likely\"; leave the cell empty when nobody rated")


@dataclass(frozen=True)
class _Names:
    """What a cell may call the groups (or the scenarios): their ids, and names that fold to the same `_key`."""

    ids: tuple[str, ...]
    names: tuple[str, ...]  # as written in the plan or the study, for hints and "did you mean"
    by_key: dict[str, tuple[str, ...]]  # folded name -> the ids it may mean

    @classmethod
    def of(cls, ids: Iterable[str], named: Iterable[tuple[str, str]]) -> _Names:
        ids = tuple(ids)
        found: dict[str, list[str]] = {}
        names: list[str] = []
        for name, id_ in named:
            if name not in names:
                names.append(name)
            meant = found.setdefault(_key(name), [])
            if id_ not in meant:
                meant.append(id_)
        for id_ in ids:  # an id always means itself
            found[_key(id_)] = [id_]
        order = {id_: position for position, id_ in enumerate(ids)}  # several ids are named in the plan's order
        return cls(ids, tuple(names), {key: tuple(sorted(meant, key=order.__getitem__)) for key, meant in found.items()
                                       if key})

    def find(self, typed: str) -> tuple[str, ...]:
        return self.by_key.get(_key(typed), ())


@dataclass
class _Layout:
    """What the header says: the shape of the file and where each column is."""

    shape: str | None = None  # LONG or WIDE; None when the header fits neither
    columns: dict[str, Column] = field(default_factory=dict)  # group, scenario and the criteria (long shape)
    rated: list[Column] = field(default_factory=list)  # wide shape: one column per scenario and criterion
    ignored: list[Column] = field(default_factory=list)
    width: int = 0


@dataclass
class _Checker:
    """Checks the header and the rows of one file against the study and the workshop plan."""

    source: Path
    study: Study
    workshop: Workshop
    columns_of_vote: RatingColumns
    problems: Problems
    layout: _Layout = field(default_factory=_Layout)

    def __post_init__(self) -> None:
        titles = {s.id: tuple(s.data.title.values.values()) for s in self.study.scenarios}
        groups = self.workshop.data.groups
        self.groups = _Names.of(
            (g.id for g in groups),
            [*((name, g.id) for g in groups for name in g.name.values.values()),
             *((title, g.id) for g in groups for scenario in g.scenarios for title in titles.get(scenario, ()))])
        self.scenarios = _Names.of(titles, ((title, id_) for id_, texts in titles.items() for title in texts))
        self.single_group = groups[0].id if len(groups) == 1 else None
        self.hints = {
            "group": _(KIND_TEXTS["group"]["hint"], workshop=self.workshop.id, ids=", ".join(self.groups.ids),
                       names=", ".join(g.name.get(self.study.meta.language) for g in groups)),
            "scenario": _(KIND_TEXTS["scenario"]["hint"], ids=", ".join(self.scenarios.ids),
                          names=", ".join(s.data.title.get(self.study.meta.language) for s in self.study.scenarios)),
        }

    def shapes_hint(self) -> str:
        """Both shapes, with the header each would have for this workshop."""
        vote = self.columns_of_vote
        long = ",".join((*vote.required, "participant"))
        wide = ";".join(("Horodateur", "Votre table", _wide_header(vote, self), "..."))
        return _("one row per person and scenario, with the columns %(long)s; or one row per respondent, as a form "
                 "exports it: a group column, then one column per scenario and criterion, such as %(wide)s "
                 "(docs/workshops.md: « Ratings from a form »)", long=long, wide=wide)

    def header(self, number: int, cells: list[str], imported: ImportedRatings, problems: Problems) -> None:
        self.layout = _parse_header(self, number, cells, problems)
        imported.shape = self.layout.shape or LONG
        imported.ignored = self.layout.ignored

    def width_fits(self, number: int, cells: list[str], problems: Problems) -> bool:
        return _check_width(self.source, number, cells, self.layout.width, problems)

    def row(self, number: int, cells: list[str], imported: ImportedRatings, problems: Problems) -> None:
        """Check one row and add its ratings; a row with any problem adds nothing."""
        layout, vote = self.layout, self.columns_of_vote
        if layout.shape is None:
            return
        before = len(problems)
        group = self.pick(number, cells, layout.columns.get("group"), "group") if "group" in layout.columns \
            else self.single_group
        if layout.shape == LONG:
            scenario = self.pick(number, cells, layout.columns.get("scenario"), "scenario")
            rated = [layout.columns[name] for name in vote.dimensions if name in layout.columns]
            values = [(scenario, column, self.rating(number, cells, column)) for column in rated]
        else:
            values = [(column.scenario, column, self.rating(number, cells, column)) for column in layout.rated]
        if len(problems) > before or group is None or any(scenario is None for scenario, _c, _v in values):
            return
        for scenario, column, value in values:
            if value is not None and scenario and imported.tally(group, scenario, column.name)[value] >= \
                    limits.MAX_TALLY:
                problems.add(Location(self.source, number, column.number),
                             _("more than %(count)s people of group '%(group)s' rated '%(scenario)s' %(value)d for "
                               "%(criterion)s: more than one group's tally may count",
                               count=_thousands(limits.MAX_TALLY), group=group, scenario=scenario, value=value,
                               criterion=column.name),
                             _("is it the right file? Split the group in the workshop plan"))
                return
        for scenario, column, value in values:
            if value is not None and scenario:
                imported.add(group, scenario, column.name, value)

    def pick(self, number: int, cells: list[str], column: Column | None, kind: str) -> str | None:
        """The group or scenario a cell names: by id, name or title, ignoring case and accents."""
        if column is None:
            return None
        names = self.groups if kind == "group" else self.scenarios
        texts = KIND_TEXTS[kind]
        typed = cells[column.number - 1].strip()
        meant = names.find(typed)
        if len(meant) == 1:
            return meant[0]
        where = Location(self.source, number, column.number)
        if not typed:
            self.problems.add(where, _(texts["empty"], header=column.header), self.hints[kind])
        elif meant:
            self.problems.add(where, _(texts["several"], header=column.header, typed=_shown(typed),
                                       ids=", ".join(meant)), _(SEVERAL_HINT, ids=", ".join(meant)))
        else:
            self.problems.add(where, _(texts["unknown"], header=column.header, typed=_shown(typed),
                                       suggestion=did_you_mean(typed[:100], (*names.ids, *names.names))),
                              self.hints[kind])
        return None

    def rating(self, number: int, cells: list[str], column: Column) -> int | None:
        """A rating from 1 to the field's scale, or None for an empty cell (that person did not rate it)."""
        scale = self.columns_of_vote.scales[column.name]
        typed = cells[column.number - 1].strip()
        if not typed:
            return None
        value = _whole_number(typed)
        if value is None and (labelled := _LABELLED.match(typed)):
            value = int(labelled.group(1))
        if value is not None and 1 <= value <= scale:
            return value
        where = Location(self.source, number, column.number)
        hint = _(RATING_HINT, scale=scale)
        if value is None:
            self.problems.add(where, _("column '%(header)s': '%(typed)s' is not a whole number",
                                       header=column.header, typed=_shown(typed)), hint)
        else:
            self.problems.add(where, _("column '%(header)s': '%(typed)s' is not a rating from 1 to %(scale)d",
                                       header=column.header, typed=_shown(typed), scale=scale), hint)
        return None


def _parse_header(checker: _Checker, number: int, cells: list[str], problems: Problems) -> _Layout:
    """The shape of the file and its columns; repeated, ambiguous and missing columns are problems."""
    source, vote = checker.source, checker.columns_of_vote
    layout = _Layout()
    while cells and not cells[-1].strip():  # an empty column after the last one is harmless
        cells = cells[:-1]
    layout.width = len(cells)
    known = ("group", "scenario", *vote.dimensions)
    by_pair: dict[tuple[str, str], Column] = {}
    for position, cell in enumerate(cells, start=1):
        if len(problems) >= limits.MAX_CSV_PROBLEMS:
            break  # enough said: the stop is reported after the header
        header = cell.strip()
        where = Location(source, number, position)
        name = vote.headers.get(_key(header)) if header else None
        if name in known:
            if name in layout.columns:
                problems.add(where, _("column '%(header)s' repeats column '%(other)s' (column %(number)d)",
                                      header=_shown(header), other=_shown(layout.columns[name].header),
                                      number=layout.columns[name].number), _("keep one of them"))
            else:
                layout.columns[name] = Column(name, header, position)
            continue
        rated = _rated(header, vote, checker.scenarios) if header and name is None else set()
        if not rated:
            if name != "participant":  # the organiser's own bookkeeping: documented, not listed
                layout.ignored.append(Column(name or "", header, position))
        elif len(rated) > 1:
            problems.add(where, _("column '%(header)s' may be read as more than one criterion and scenario",
                                  header=_shown(header)),
                         _("name one criterion and one scenario, such as %(example)s",
                           example=_example(vote, checker)))
        else:
            dimension, meant = next(iter(rated))
            if len(meant) > 1:
                problems.add(where, _("column '%(header)s' names several scenarios (%(ids)s)", header=_shown(header),
                                      ids=", ".join(meant)), _(SEVERAL_HINT, ids=", ".join(meant)))
            elif (dimension, meant[0]) in by_pair:
                first = by_pair[dimension, meant[0]]
                problems.add(where, _("column '%(header)s' repeats column '%(other)s' (column %(number)d)",
                                      header=_shown(header), other=_shown(first.header), number=first.number),
                             _("keep one of them"))
            else:
                by_pair[dimension, meant[0]] = Column(dimension, header, position, meant[0])
                layout.rated.append(by_pair[dimension, meant[0]])
    _choose_shape(checker, number, cells, layout, problems)
    return layout


def _choose_shape(checker: _Checker, number: int, cells: list[str], layout: _Layout, problems: Problems) -> None:
    """Long when there is a scenario column or plain criteria, wide when columns name a criterion and a scenario."""
    source, vote, columns = checker.source, checker.columns_of_vote, layout.columns
    where = Location(source, number, 1)
    named = [_shown(cell.strip()) for cell in cells if cell.strip()]
    found = _and_more(named[:SHOWN_COLUMNS], len(named)) or _("none")
    group_needed = "group" not in columns and checker.single_group is None
    plain = [columns[name] for name in vote.dimensions if name in columns]
    if "scenario" in columns or (plain and not layout.rated):
        layout.shape = LONG
        for column in layout.rated:
            problems.add(Location(source, number, column.number),
                         _("column '%(header)s' rates one scenario, as a form's export does, but this file has a "
                           "scenario column, so one row per person and scenario", header=_shown(column.header)),
                         _("keep one shape: delete this column, or the column '%(scenario)s'",
                           scenario=columns["scenario"].header if "scenario" in columns else "scenario"))
        header = ",".join((*vote.required, "participant"))
        for name in vote.required:
            if name not in columns and (name != "group" or group_needed):
                problems.add(where, _("missing column '%(name)s' (columns found: %(found)s)%(close)s", name=name,
                                      found=found, close=_close(name, layout, vote)),
                             _("the first row names the columns: %(header)s", header=header))
    elif layout.rated:
        layout.shape = WIDE
        example = _example(vote, checker)
        for column in plain:
            problems.add(Location(source, number, column.number),
                         _("column '%(header)s' names a criterion but no scenario: in a file with one row per "
                           "respondent, each column names both", header=_shown(column.header)),
                         _("rename it like %(example)s", example=example))
        if group_needed:
            problems.add(where, _("missing group column (columns found: %(found)s)%(close)s", found=found,
                                  close=_close("group", layout, vote)),
                         _("with one row per respondent, a column says the table of each: add the question "
                           "« Votre table » to the form, or name the column « group »"))
    else:
        problems.add(where, _("this header fits neither shape of file that `prospective import` reads (columns "
                              "found: %(found)s)", found=found), checker.shapes_hint())


def _close(name: str, layout: _Layout, vote: RatingColumns) -> str:
    """` (is column 3, 'probabilty', meant to be it?)` when an ignored column looks like the missing one."""
    spellings = [header for header, meant in vote.headers.items() if meant == name]
    for column in layout.ignored:
        if column.header and difflib.get_close_matches(_key(column.header)[:100], spellings, n=1, cutoff=0.75):
            return _(" (is column %(number)d, '%(header)s', meant to be it?)", number=column.number,
                     header=_shown(column.header))
    return ""


def _example(vote: RatingColumns, checker: _Checker) -> str:
    return f"« {_wide_header(vote, checker)} »"


def _wide_header(vote: RatingColumns, checker: _Checker) -> str:
    """A wide header as a form would write it: `Probabilité [Le social en plateforme]`."""
    groups = checker.workshop.data.groups
    scenario = next((s for s in checker.study.scenarios if s.id in groups[0].scenarios), checker.study.scenarios[0])
    return f"{vote.example} [{scenario.data.title.get(checker.study.meta.language)}]"


def _rated(header: str, vote: RatingColumns, scenarios: _Names) -> set[tuple[str, tuple[str, ...]]]:
    """Every way `header` names one criterion and one scenario: `Probabilité [Titre]`, `Titre — Probabilité`..."""
    if len(header) > MAX_WIDE_HEADER:
        return set()
    criteria = vote.criteria
    halves = [(match.start(), match.end()) for match in _SEPARATOR.finditer(header)]
    cuts = [(header[:start], header[end:]) for start, end in halves]
    bracket = _BRACKETS.match(header)
    if bracket:
        cuts.insert(0, (bracket.group(1), bracket.group(2)))
    found = set()
    for left, right in cuts:
        for criterion, scenario in ((left, right), (right, left)):
            dimension = criteria.get(_key(criterion))
            meant = scenarios.find(scenario) if dimension else ()
            if dimension and meant:
                found.add((dimension, meant))
    return found


def _and(items: Iterable[str], word: str | None = None) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + (word or _("and")) + " " + items[-1]


def _check_width(source: Path, number: int, cells: list[str], width: int, problems: Problems) -> bool:
    """A row with cells missing or too many is shifted: its values cannot be trusted."""
    extra = sum(1 for cell in cells[width:] if cell.strip())
    if len(cells) >= width and not extra:
        return True
    if extra:
        problems.add(Location(source, number, width + 1),
                     _("this row has %(cells)d cells but the header has %(width)d", cells=width + extra, width=width),
                     _("a separator too many, or a decimal comma in a comma-separated file?"))
    else:
        problems.add(Location(source, number, len(cells) + 1),
                     _("this row has %(cells)d cells but the header has %(width)d", cells=len(cells), width=width),
                     _("a separator is missing: keep one cell per column, even an empty one"))
    return False


def _whole_number(typed: str) -> int | None:
    """`4`, and also `4.0` or `4,0` as some spreadsheets and forms export numbers; `+4` is 4.

    Any length is read without cost: a number of more than 18 significant digits (far from
    1 to 5, and Python refuses to convert more than 4,300) comes back as plus or minus 10^18.
    """
    if typed.isdigit() and typed.isascii() and len(typed) == 1:  # nearly every cell: 1 to 5
        return int(typed)
    whole, _point, decimals = typed.replace(",", ".").partition(".")
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
        raise BuildError(_("the imported results did not pass validation, so %(file)s was left as it was: "
                           "%(details)s", file=display_path(target), details=details),
                         _("this is a bug in prospective import: please report it with the CSV file")) from None
