"""Capture sheets made for handwriting: the grid of one sheet, worked out from its capture.

A method's `capture` (toolkit.study.model.Capture) says what a group writes down; this
module turns it into a grid with fixed sizes, in millimetres, so that WeasyPrint lays the
sheet out without measuring content (fixed boxes are cheap; min-content sizing is not):

- every writing row is at least MIN_ROW_MM high (handwriting, not typing);
- the main answer takes the width the other columns leave, so it is the widest column;
- the rows grow (free lines: more of them; named rows: taller) until the page is full,
  so no sheet ends with an empty third of a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.kit.layout import PAPER_SIZES
from toolkit.study.model import (
    Capture,
    CaptureField,
    CaptureSheet,
    Group,
    Persona,
    Scenario,
    Study,
    Text,
    Workshop,
    activity_personas,
    activity_scenarios,
)

PAGE_MARGINS_MM = (22.0, 20.0, 20.0, 18.0)  # top, bottom, left, right: templates/css/base.css @page
MIN_ROW_MM = 15.0  # a handwritten answer needs this much height
FREE_ROW_MM = 20.0  # the height aimed at when the sheet adds free lines to fill the page
HEAD_MM = 52.0  # group line, title on up to two lines, the instruction, the column headings
LEAD_MM = 30.0  # the lead line (the wheel's central change) and its label
PERSONA_MM = 42.0  # the persona's situation and the journey's starting point, above a journey
SAFETY_MM = 6.0  # what rounding and borders take
NUMBER_MM = 8.0  # the column that numbers free lines
ROW_LABEL_MM = 46.0  # the column that names a row (a profession, a scenario)
TEXT_MM = 34.0  # a written column that is not the main answer
SHORT_MARK_MM = 10.0  # a box per mark when every mark is a sign or a digit ("+", "1")
LONG_MARK_MM = 36.0  # a column of boxes with words ("se développe")
MARK_LINE_MM = 5.5  # the height of one boxed word in a column of them
SCALE_MM = 10.0  # one count box per value of a scale


@dataclass(frozen=True)
class Column:
    """One column of a capture grid."""

    field: CaptureField
    width: float | None  # millimetres; None for the main answer (takes what is left)
    heading: Text | str
    scenario: object | None = None  # the scenario a column `across: scenarios` stands for
    value: int | None = None  # the value of a scale column
    stacked: bool = False  # boxes one above the other (words, or a column too narrow to line them up)


@dataclass(frozen=True)
class Grid:
    """The table of one capture sheet, with its sizes."""

    capture: Capture
    rows_by: str | None  # "professions" or "scenarios" when rows are named, None for numbered lines
    rows: list  # the names of the rows (Text) or the line numbers
    columns: list[Column]
    row_height: float
    width: float  # of the whole table, in millimetres

    @property
    def scales(self) -> list[CaptureField]:
        """Fields counted on a scale, each once, for the table's first heading row."""
        seen: list[CaptureField] = []
        for column in self.columns:
            if column.value is not None and column.field not in seen:
                seen.append(column.field)
        return seen


def capture_grid(capture: Capture, named_rows: list | None, scenarios: list, paper: str) -> Grid:
    """The grid of `capture` on `paper`.

    `named_rows` are the professions or scenarios it rows by (None for numbered free lines);
    `scenarios` are the study's, for the fields written once per scenario.
    """
    width = _content_width(paper)
    columns = _columns(capture, scenarios, width - (ROW_LABEL_MM if named_rows is not None else NUMBER_MM))
    body = _body_height(capture, paper)
    minimum = max([MIN_ROW_MM] + [_stack_height(column.field) for column in columns if column.stacked])
    if named_rows is not None:
        rows = list(named_rows)
        height = body / max(1, len(rows))
    else:
        count = max(int(capture.rows), int(body // FREE_ROW_MM))
        rows = list(range(1, count + 1))
        height = body / count
    rows_by = str(capture.rows) if named_rows is not None else None
    return Grid(capture, rows_by, rows, columns, round(max(minimum, height), 1), width)


def _content_width(paper: str) -> float:
    _, _, left, right = PAGE_MARGINS_MM
    return PAPER_SIZES[paper][0] - left - right


def _body_height(capture: Capture, paper: str) -> float:
    top, bottom, _, _ = PAGE_MARGINS_MM
    height = PAPER_SIZES[paper][1] - top - bottom - HEAD_MM - SAFETY_MM
    if any(field.kind == "choice" and field.across for field in capture.fields):
        height -= 8.0  # scenario titles head their columns on up to three lines
    if capture.per == "persona":
        height -= PERSONA_MM
    return height - (LEAD_MM if capture.lead else 0.0)


def _columns(capture: Capture, scenarios: list, room: float) -> list[Column]:
    """The columns of a grid; `room` is the width left once the row labels are placed."""
    columns: list[Column] = []
    for field in capture.fields:
        if field.across == "scenarios":  # the scenarios share the width; their boxes stack when it is short
            share = min(_choice_width(field), int(room / max(1, len(scenarios)) * 10) / 10)
            stacked = not _short(field) or share < _choice_width(field)
            columns += [Column(field, share, scenario.title, scenario=scenario, stacked=stacked)
                        for scenario in scenarios]
        elif field.kind == "scale":
            columns += [Column(field, SCALE_MM, str(value), value=value) for value in range(1, field.scale + 1)]
        elif field.kind == "choice":
            columns.append(Column(field, _choice_width(field), field.label, stacked=not _short(field)))
        else:
            columns.append(Column(field, None if _is_main(field, capture) else TEXT_MM, field.label))
    return columns


def _is_main(field: CaptureField, capture: Capture) -> bool:
    mains = [f for f in capture.fields if f.main] or [f for f in capture.fields if f.kind == "text"][:1]
    return field in mains


def _short(field: CaptureField) -> bool:
    return all(len(text) <= 2 for mark in field.marks for _, text in mark.label.items())


def _choice_width(field: CaptureField) -> float:
    return SHORT_MARK_MM * len(field.marks) + 4.0 if _short(field) else LONG_MARK_MM


def _stack_height(field: CaptureField) -> float:
    return MARK_LINE_MM * len(field.marks) + 3.0


@dataclass(frozen=True)
class CapturePage:
    """One printed capture sheet of a group: a sheet of the agenda, for one scenario or persona if it says so."""

    sheet: CaptureSheet
    group: Group
    subject: Scenario | Persona | None
    grid: Grid

    @property
    def subject_name(self) -> Text | None:
        if isinstance(self.subject, Scenario):
            return self.subject.title
        return self.subject.name if self.subject is not None else None


def capture_pages(study: Study, workshop: Workshop, group: Group) -> list[CapturePage]:
    """Every capture sheet a group's pack holds, in agenda order."""
    pages: list[CapturePage] = []
    for sheet in workshop.capture_sheets:
        capture = sheet.capture
        named = {"professions": [profession.name for profession in study.meta.professions],
                 "scenarios": [scenario.title for scenario in study.scenarios],
                 "actors": [actor.name for actor in study.meta.actors]}.get(str(capture.rows))
        grid = capture_grid(capture, named, study.scenarios, workshop.data.paper)
        pages += [CapturePage(sheet, group, subject, grid) for subject in _subjects(study, sheet, group)]
    return pages


def _subjects(study: Study, sheet: CaptureSheet, group: Group) -> list:
    if sheet.capture.per == "scenario":
        return activity_scenarios(study, sheet.item, group)
    if sheet.capture.per == "persona":
        return activity_personas(study, sheet.item, group)
    return [None]
