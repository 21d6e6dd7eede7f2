"""`prospective import`: ratings typed in a spreadsheet or exported from a form, into a results file.

The CSV file has a header row, then one row per person and scenario:

    group,scenario,probability,desirability,participant
    table-a,plateformes,4,2,Awa
    table-a,communs,3,5,Awa
    table-b,communs,2,,Léo

- `group`: a group id of the workshop plan (`groupe` in French);
- `scenario`: a scenario id of the study (`scénario` or `scenario`);
- `probability` and `desirability`: whole numbers from 1 (not at all) to 5 (very)
  (`probabilité`/`probabilite`, `désirabilité`/`desirabilite`); an empty cell means
  that person did not rate that dimension, and is skipped;
- `participant` (optional, `participant·e`): the organiser's own bookkeeping, ignored.

Header names are matched ignoring case and surrounding spaces; ids ignoring case. The
separator is a comma or a semicolon (French spreadsheets export `;`), told apart by
counting them in the header. The file is UTF-8, with or without a byte order mark
(spreadsheets call this "CSV UTF-8"). Empty rows are skipped.

Every problem is reported at once, located as `FILE:ROW:COL` where ROW is the row number
a spreadsheet shows (the header is row 1) and COL the column number (A is 1); nothing is
written when there is any problem.

The ratings of every group found in the file replace that group's `ratings` in
`results/<workshop-id>.yaml`, written as tallies (`{1: n, 2: n, 3: n, 4: n, 5: n}`);
everything else in the results file (impacts, quotes, comments...) is kept, because it
is edited with a round-trip YAML parser. Importing the same file twice gives the same
results: an import replaces, it never adds up.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from toolkit.errors import BuildError, InputError, Location, Problems, did_you_mean, display_path
from toolkit.files import atomic_file, write_text
from toolkit.paths import RESULTS_DIR
from toolkit.study.load import load_study
from toolkit.study.model import RATING_VALUES, GroupResults, Study, Workshop

DIMENSIONS = ("probability", "desirability")
REQUIRED = ("group", "scenario", *DIMENSIONS)
OPTIONAL = ("participant",)
# Every accepted header, written as it would be typed, and the column it names.
HEADERS = {
    "group": "group", "groupe": "group",
    "scenario": "scenario", "scénario": "scenario",
    "probability": "probability", "probabilité": "probability", "probabilite": "probability",
    "desirability": "desirability", "désirabilité": "desirability", "desirabilite": "desirability",
    "participant": "participant", "participant·e": "participant",
}
DELIMITERS = ",;"
WORKBOOK_MAGIC = b"PK\x03\x04"  # .xlsx and .ods files are zip archives
UTF8_HINT = ("save the sheet as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8; LibreOffice: "
             "Save As > Text CSV, character set Unicode (UTF-8))")
RATING_HINT = "ratings are whole numbers from 1 (not at all) to 5 (very); leave the cell empty when nobody rated"


@dataclass(frozen=True)
class Column:
    """A recognised column: what it means, how the file wrote it, where it is."""

    name: str
    header: str
    number: int


@dataclass
class ImportedRatings:
    """What a CSV file says, already checked: group -> scenario -> dimension -> values."""

    source: Path
    rows: int = 0
    ratings: dict[str, dict[str, dict[str, list[int]]]] = field(default_factory=dict)

    def add(self, group: str, scenario: str, dimension: str, value: int) -> None:
        by_scenario = self.ratings.setdefault(group, {})
        by_dimension = by_scenario.setdefault(scenario, {name: [] for name in DIMENSIONS})
        by_dimension[dimension].append(value)

    def count(self, group: str) -> int:
        return sum(len(values) for by_dimension in self.ratings[group].values() for values in by_dimension.values())


@dataclass
class ImportReport:
    """What an import did, for the one-screen summary the command prints."""

    imported: ImportedRatings
    target: Path
    created: bool

    def lines(self) -> list[str]:
        imported = self.imported
        total = sum(imported.count(group) for group in imported.ratings)
        lines = [f"{display_path(imported.source)}: {_plural(imported.rows, 'row')}, {_plural(total, 'rating')}"]
        for group, by_scenario in imported.ratings.items():
            lines.append(f"  {group}: {_plural(imported.count(group), 'rating')} on "
                         f"{_plural(len(by_scenario), 'scenario')}")
        verb = "created" if self.created else "updated (the ratings of these groups replaced, the rest kept)"
        lines.append(f"{display_path(self.target)}: {verb}")
        return lines


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


def read_ratings(source: Path, study: Study, workshop: Workshop) -> ImportedRatings:
    """Every rating of the file, or an `InputError` listing every problem in it."""
    problems = Problems()
    rows = _read_rows(source, problems)
    imported = ImportedRatings(source)
    if rows:
        (header_number, header), *data = rows
        columns, width = _parse_header(source, header_number, header, problems)
        for number, cells in data:
            if _check_width(source, number, cells, width, problems):
                imported.rows += 1
                _read_row(source, number, cells, columns, study, workshop, imported, problems)
        if not problems and not imported.ratings:  # importing nothing would only rewrite the file
            problems.add(Location(source, header_number), "no rating in this file: after the header, one row per "
                         "person and scenario gives a probability and a desirability from 1 to 5")
    if problems:
        raise InputError(problems)
    plan_order = [g.id for g in workshop.data.groups]
    imported.ratings = {group: imported.ratings[group] for group in plan_order if group in imported.ratings}
    return imported


def _read_rows(source: Path, problems: Problems) -> list[tuple[int, list[str]]]:
    """Non-empty rows with their spreadsheet row number; the first one is the header."""
    text = _decode(source, problems)
    if text is None:
        return []
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    except csv.Error as error:
        problems.add(Location(source, reader.line_num), f"not a readable CSV file: {error}", UTF8_HINT)
        return []
    if not rows:
        problems.add(Location(source), "the file is empty: it needs a header row, then one row per person and "
                     "scenario", "header: " + ",".join((*REQUIRED, *OPTIONAL)))
    return rows


def _decode(source: Path, problems: Problems) -> str | None:
    """UTF-8 text (a spreadsheet's byte order mark dropped), or None with a located problem."""
    data = source.read_bytes()
    if data.startswith(WORKBOOK_MAGIC):
        problems.add(Location(source), "this is a spreadsheet workbook (.xlsx or .ods), not a CSV file", UTF8_HINT)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        problems.add(Location(source, line, column),
                     f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read)", UTF8_HINT)
        return None


def _delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header row uses more (French spreadsheets use `;`)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=header.count)


def _parse_header(source: Path, number: int, cells: list[str], problems: Problems) -> tuple[dict[str, Column], int]:
    """The recognised columns and the table's width; unknown, repeated and missing columns are problems."""
    columns: dict[str, Column] = {}
    while cells and not cells[-1].strip():  # an empty column after the last one is harmless
        cells = cells[:-1]
    for position, cell in enumerate(cells, start=1):
        header = cell.strip()
        where = Location(source, number, position)
        name = HEADERS.get(_normalise(header))
        if not header:
            problems.add(where, f"column {position} has no name in the header", "name it, or delete the column")
        elif name is None:
            problems.add(where, f"unknown column '{header}'{did_you_mean(_normalise(header), HEADERS)}",
                         f"columns: {', '.join((*REQUIRED, *OPTIONAL))} "
                         "(or groupe, scénario, probabilité, désirabilité, participant·e)")
        elif name in columns:
            problems.add(where, f"column '{header}' repeats column '{columns[name].header}' "
                         f"(column {columns[name].number})", "keep one of them")
        else:
            columns[name] = Column(name, header, position)
    found = ", ".join(cell.strip() for cell in cells if cell.strip()) or "none"
    for name in REQUIRED:
        if name not in columns:
            problems.add(Location(source, number, 1), f"missing column '{name}' (columns found: {found})",
                         "the first row names the columns: " + ",".join((*REQUIRED, *OPTIONAL)))
    return columns, len(cells)


def _normalise(header: str) -> str:
    """Headers compare without case, surrounding spaces or Unicode composition differences."""
    return unicodedata.normalize("NFC", header).strip().casefold()


def _check_width(source: Path, number: int, cells: list[str], width: int, problems: Problems) -> bool:
    """A row with cells missing or too many is shifted: its values cannot be trusted."""
    extra = [cell for cell in cells[width:] if cell.strip()]
    if len(cells) >= width and not extra:
        return True
    if extra:
        problems.add(Location(source, number, width + 1),
                     f"this row has {width + len(extra)} cells but the header has {width}",
                     "a separator too many, or a decimal comma in a comma-separated file?")
    else:
        problems.add(Location(source, number, len(cells) + 1),
                     f"this row has {len(cells)} cells but the header has {width}",
                     "a separator is missing: keep one cell per column, even an empty one")
    return False


def _read_row(source: Path, number: int, cells: list[str], columns: dict[str, Column], study: Study,
              workshop: Workshop, imported: ImportedRatings, problems: Problems) -> None:
    """Check one row and add its ratings; a row with any problem adds nothing."""
    groups = [g.id for g in workshop.data.groups]
    scenarios = [s.id for s in study.scenarios]
    before = len(problems)
    group = _pick_id(source, number, cells, columns.get("group"), groups, "group", problems,
                     f"groups of workshop '{workshop.id}': {', '.join(groups)}")
    scenario = _pick_id(source, number, cells, columns.get("scenario"), scenarios, "scenario", problems,
                        f"scenarios of this study: {', '.join(scenarios)}")
    values = {name: _rating(source, number, cells, columns[name], problems) for name in DIMENSIONS if name in columns}
    if len(problems) > before or group is None or scenario is None:
        return
    for dimension, value in values.items():
        if value is not None:
            imported.add(group, scenario, dimension, value)


def _pick_id(source: Path, number: int, cells: list[str], column: Column | None, known: list[str], kind: str,
             problems: Problems, hint: str) -> str | None:
    """The id a cell names, matched ignoring case; people type `Table-A` as often as `table-a`."""
    if column is None:
        return None
    typed = cells[column.number - 1].strip()
    where = Location(source, number, column.number)
    if not typed:
        problems.add(where, f"column '{column.header}' is empty: every row names its {kind}", hint)
        return None
    by_folded = {item.casefold(): item for item in known}
    if typed.casefold() in by_folded:
        return by_folded[typed.casefold()]
    problems.add(where, f"column '{column.header}': unknown {kind} '{typed}'{did_you_mean(typed, known)}", hint)
    return None


def _rating(source: Path, number: int, cells: list[str], column: Column, problems: Problems) -> int | None:
    """A rating from 1 to 5, or None for an empty cell (that person did not rate it)."""
    typed = cells[column.number - 1].strip()
    if not typed:
        return None
    where = Location(source, number, column.number)
    value = _whole_number(typed)
    if value is None:
        problems.add(where, f"column '{column.header}': '{typed}' is not a whole number", RATING_HINT)
    elif value not in RATING_VALUES:
        problems.add(where, f"column '{column.header}': '{typed}' is not a rating from 1 to 5", RATING_HINT)
        return None
    return value


def _whole_number(typed: str) -> int | None:
    """`4`, and also `4.0` or `4,0` as some spreadsheets and forms export numbers."""
    whole, _, decimals = typed.replace(",", ".").partition(".")
    digits = whole.removeprefix("-").removeprefix("+")
    if not digits.isdecimal() or not digits.isascii() or decimals.strip("0"):
        return None
    return int(whole)


# --- writing the results file --------------------------------------------------------


def tally(values: Iterable[int]) -> dict[int, int]:
    """Value -> number of people, always with the five keys so the file reads like the paper sheet."""
    values = list(values)
    return {value: values.count(value) for value in RATING_VALUES}


def merge_ratings(text: str | None, imported: ImportedRatings, study: Study, workshop: Workshop) -> str:
    """The results file's new text: the imported groups' ratings replaced, all the rest as it was."""
    yaml = _round_trip_yaml(text)
    document = yaml.load(text) if text is not None else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
        document.yaml_set_start_comment(f"Ratings imported from {imported.source.name} by prospective import")
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
            _replace(entry, "ratings", _ratings_map(imported.ratings[group_id], scenario_order))
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


def _ratings_map(by_scenario: dict[str, dict[str, list[int]]], scenario_order: list[str]) -> CommentedMap:
    """`{scenario: {probability: {1: n, ...}, desirability: {...}}}`, the tallies on one line each."""
    ratings = CommentedMap()
    for scenario in scenario_order:
        if scenario in by_scenario:
            dimensions = CommentedMap()
            for dimension in DIMENSIONS:
                counts = CommentedMap(tally(by_scenario[scenario][dimension]))
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
