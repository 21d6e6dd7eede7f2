"""Print geometry, in millimetres: paper sizes, card grids, duplex backs, cut marks.

Worked out in Python (not in CSS) so that the templates place every card and mark
from the same numbers the tests check in the PDF: for duplex printing, the back of a
card must sit exactly behind its front once the sheet is turned over.
"""

from __future__ import annotations

from dataclasses import dataclass

PAPER_SIZES = {"A4": (210.0, 297.0), "letter": (215.9, 279.4), "A3": (297.0, 420.0), "tabloid": (279.4, 431.8)}
POSTER_PAPER = {"A4": "A3", "letter": "tabloid"}  # the large format a print shop has for each
CSS_PAGE_SIZES = {"A4": "A4", "letter": "letter", "A3": "A3", "tabloid": "11in 17in"}

CARD_WIDTH = 88.0
CARD_HEIGHT = 125.0
BLEED = 3.0
MARK_LENGTH = 5.0
MARK_GAP = 1.0  # between a mark and the bleed it points at

CARD_PAPER_WEIGHT = "250 g/m²"  # the card stock, stated on every card sheet and in the print guide

DUPLEX_MODES = ("long-edge", "short-edge", "fold")
PRINT_SHOP = "press"  # the print-shop edition: one card a page, trimmed by the shop (not a duplex mode)


@dataclass(frozen=True)
class Box:
    """A rectangle from the top-left corner of the page."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height



@dataclass(frozen=True)
class Mark:
    """A cut or fold mark: a line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    kind: str = "cut"  # "cut" or "fold"

    @property
    def box(self) -> Box:
        return Box(min(self.x1, self.x2), min(self.y1, self.y2), abs(self.x2 - self.x1), abs(self.y2 - self.y1))


@dataclass(frozen=True)
class Slot:
    """Where one card goes on a sheet: its trim box, and its back's trim box."""

    front: Box
    back: Box


@dataclass(frozen=True)
class CardSheet:
    """The layout of one card sheet for a paper size and a print mode."""

    paper: str
    mode: str
    slots: tuple[Slot, ...]
    marks: tuple[Mark, ...]

    @property
    def size(self) -> tuple[float, float]:
        return PAPER_SIZES[self.paper]

    @property
    def per_sheet(self) -> int:
        return len(self.slots)

    @property
    def css_size(self) -> str:
        return CSS_PAGE_SIZES[self.paper]

    @property
    def card_size(self) -> tuple[float, float]:
        """The trimmed card, as stated on the sheet."""
        return CARD_WIDTH, CARD_HEIGHT

    @property
    def paper_weight(self) -> str:
        return CARD_PAPER_WEIGHT

    @property
    def columns(self) -> tuple[Box, ...]:
        """The trims of the sheet's first row, left to right: the label is printed in halves under them,
        between the cut marks (a label across the sheet crosses the middle marks when the margin is short)."""
        first_row = [slot for slot in self.slots if slot.front.y == self.slots[0].front.y]
        sides = (lambda slot: (slot.front, slot.back)) if self.mode == "fold" else (lambda slot: (slot.front,))
        boxes = [box for slot in first_row for box in sides(slot)]
        return tuple(sorted(boxes, key=lambda box: box.x))

    @property
    def separate_backs(self) -> bool:
        """Duplex modes print backs on the next page; fold-over prints them beside the fronts."""
        return self.mode != "fold"


def card_sheet(paper: str, mode: str) -> CardSheet:
    """Cards of CARD_WIDTH x CARD_HEIGHT with bleed, centred on the sheet, with their backs."""
    if mode not in DUPLEX_MODES:
        raise ValueError(f"unknown print mode {mode!r}")
    width, height = PAPER_SIZES[paper]
    gutter = 2 * BLEED
    columns = 1 if mode == "fold" else 2
    pair = 2 * CARD_WIDTH if mode == "fold" else CARD_WIDTH
    left = (width - (columns * pair + (columns - 1) * gutter)) / 2
    top = (height - (2 * CARD_HEIGHT + gutter)) / 2
    slots = []
    for row in range(2):
        for column in range(columns):
            front = Box(left + column * (pair + gutter), top + row * (CARD_HEIGHT + gutter), CARD_WIDTH, CARD_HEIGHT)
            slots.append(Slot(front, _back_of(front, mode, width, height)))
    return CardSheet(paper, mode, tuple(slots), tuple(_marks(slots, mode, width, height)))


def _back_of(front: Box, mode: str, width: float, height: float) -> Box:
    if mode == "long-edge":  # the sheet turns over its long (vertical) edge: columns swap
        return Box(width - front.right, front.y, front.width, front.height)
    if mode == "short-edge":  # it turns over its short (top) edge: rows swap
        return Box(front.x, height - front.bottom, front.width, front.height)
    return Box(front.right, front.y, front.width, front.height)  # fold: the back sits beside the front


def _marks(slots: list[Slot], mode: str, width: float, height: float) -> list[Mark]:
    """Marks in the sheet margins, in line with every trim edge, clear of the bleed."""
    pieces = [_piece(slot, mode) for slot in slots]
    xs = sorted({round(x, 3) for piece in pieces for x in (piece.x, piece.right)})
    ys = sorted({round(y, 3) for piece in pieces for y in (piece.y, piece.bottom)})
    top = min(p.y for p in pieces) - BLEED - MARK_GAP
    bottom = max(p.bottom for p in pieces) + BLEED + MARK_GAP
    left = min(p.x for p in pieces) - BLEED - MARK_GAP
    right = max(p.right for p in pieces) + BLEED + MARK_GAP
    marks = [Mark(x, max(top - MARK_LENGTH, 0), x, top) for x in xs]
    marks += [Mark(x, bottom, x, min(bottom + MARK_LENGTH, height)) for x in xs]
    marks += [Mark(max(left - MARK_LENGTH, 0), y, left, y) for y in ys]
    marks += [Mark(right, y, min(right + MARK_LENGTH, width), y) for y in ys]
    if mode == "fold":
        for slot in slots:
            fold = slot.front.right
            marks.append(Mark(fold, max(top - MARK_LENGTH, 0), fold, top, "fold"))
            marks.append(Mark(fold, bottom, fold, min(bottom + MARK_LENGTH, height), "fold"))
    return marks


def _piece(slot: Slot, mode: str) -> Box:
    """What is cut out: the card, or for fold-over the front and back together."""
    if mode == "fold":
        return Box(slot.front.x, slot.front.y, 2 * slot.front.width, slot.front.height)
    return slot.front


@dataclass(frozen=True)
class Placement:
    """A card drawn on a page: its trim box, the drawn box (trim plus bleed), and the side."""

    card: object
    trim: Box
    side: str  # "front" or "back"
    bleed: tuple[float, float, float, float]  # top, right, bottom, left

    @property
    def drawn(self) -> Box:
        top, right, bottom, left = self.bleed
        return Box(self.trim.x - left, self.trim.y - top, self.trim.width + left + right,
                   self.trim.height + top + bottom)


@dataclass(frozen=True)
class SheetPage:
    """One printed page of a deck: the cards on it, fronts or backs (or both, fold-over)."""

    side: str  # "front", "back" or "fold"
    placements: tuple[Placement, ...]
    sheet: CardSheet


def card_pages(cards: list, sheet: CardSheet) -> list[SheetPage]:
    """Pages for `cards`: front then back page per sheet (duplex), or one fold-over page."""
    pages = []
    all_sides = (BLEED, BLEED, BLEED, BLEED)
    for start in range(0, len(cards), sheet.per_sheet):
        chunk = list(zip(cards[start:start + sheet.per_sheet], sheet.slots, strict=False))
        if sheet.separate_backs:
            pages.append(SheetPage("front", tuple(Placement(c, s.front, "front", all_sides) for c, s in chunk), sheet))
            pages.append(SheetPage("back", tuple(Placement(c, s.back, "back", all_sides) for c, s in chunk), sheet))
        else:
            placements = []
            for card, slot in chunk:
                placements.append(Placement(card, slot.front, "front", (BLEED, 0.0, BLEED, BLEED)))
                placements.append(Placement(card, slot.back, "back", (BLEED, BLEED, BLEED, 0.0)))
            pages.append(SheetPage("fold", tuple(placements), sheet))
    return pages

