"""What a workshop needs on the tables: who works on what, how many copies, what to buy.

Everything here is computed from the plan, the study and the method library, so that
the checklist, the group packs and the tests agree on the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from string import ascii_uppercase
from typing import ClassVar

from toolkit.kit.i18n import N_
from toolkit.kit.plan import ARTEFACT_BY_ID
from toolkit.study.model import Material, Study, Text, Workshop, activity_scenarios


@dataclass(frozen=True)
class Kind:
    """How an item of the method library is counted.

    The method files' `Material` has no field for this yet (a `consumed: bool` and a `pack: int` would
    belong there); until it does, this table keyed by the library's French item name says it.
    """

    consumed: bool  # used up (sticky notes, dots, paper): adds up over the activities
    reserve: bool = True  # add RESERVE_PERCENT spares, rounded up
    pack: int = 1  # units per pack the item is sold in; the method files count units
    pack_label: str = ""  # how the item is sold, shown next to it: a msgid, `%(num)d` is `pack`
    per_scenario: bool = False  # the method's quantity is per scenario the activity works on


RESERVE_PERCENT = 10
DOTS_PER_SHEET = 40  # ASSUMPTION: a sheet of round 15 mm dots holds about 40; check the pack you buy
KINDS = {
    "Badges nominatifs": Kind(consumed=True),
    "Feutres noirs": Kind(consumed=False),  # reused from one activity to the next: the peak
    "Feutres de couleur (pochette)": Kind(consumed=False),
    "Minuteur": Kind(consumed=False),
    "Micro sans fil": Kind(consumed=False, reserve=False),  # equipment: no spare to buy
    "Vidéoprojecteur et écran": Kind(consumed=False, reserve=False),
    "Paperboard (feuilles)": Kind(consumed=True),
    "Pâte adhésive": Kind(consumed=True, reserve=False),  # one packet holds a vote board up
    "Post-it": Kind(consumed=True, pack=100, pack_label=N_("per pad of %(num)d")),  # method files count notes
    "Gommettes bleues (probabilité)": Kind(consumed=True, pack=DOTS_PER_SHEET, per_scenario=True,
                                           pack_label=N_("per sheet of %(num)d (assumption)")),
    "Gommettes orange (désirabilité)": Kind(consumed=True, pack=DOTS_PER_SHEET, per_scenario=True,
                                            pack_label=N_("per sheet of %(num)d (assumption)")),
}
UNKNOWN_KIND = Kind(consumed=True)  # an item missing from the table adds up: never too few


def kind(material: Material) -> Kind:
    return KINDS.get(material.item.get("fr", ""), UNKNOWN_KIND)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class MaterialLine:
    item: Text
    quantity: int  # to buy, in packs: need + reserve
    used_by: list[str] = field(default_factory=list)  # method ids
    need: int = 0  # packs needed, without the reserve
    reserve: int = 0  # spare packs
    units: int = 0  # units needed (notes, dots...), without the reserve
    per_table: int = 0  # units on one table at its busiest (reusable) or over the workshop (consumed); 0: room only
    kind: Kind = UNKNOWN_KIND
    reserve_percent: ClassVar[int] = RESERVE_PERCENT  # for the templates


def materials(study: Study, workshop: Workshop, language: str) -> list[MaterialLine]:
    """What to bring: reusable items at their peak over the agenda, used-up items added up, plus spares.

    Activities follow one another, so the need at one time is one activity's need: a reusable item
    (markers, timers) takes the largest, a used-up one (sticky notes, dots, paper) the sum.
    """
    groups = len(workshop.data.groups)
    people = workshop.data.participants.count
    table_size = workshop.group_size()
    needs: dict[str, list[tuple[int, int]]] = {}  # item -> (room total, per table) for each activity
    lines: dict[str, MaterialLine] = {}
    for item in workshop.schedule:
        in_groups = item.format == "groups"
        for material in item.method.data.materials:
            how = kind(material)
            times = {"group": groups if in_groups else 1, "participant": people, "workshop": 1}[material.per]
            on_table = {"group": 1, "participant": table_size, "workshop": 0}[material.per] if in_groups else 0
            if how.per_scenario:
                scenarios = len(activity_scenarios(study, item))
                times, on_table = times * scenarios, on_table * scenarios
            name = material.item.get(study.meta.language, study.meta.language)  # one line per item, however translated
            line = lines.setdefault(name, MaterialLine(material.item, 0, kind=how))
            needs.setdefault(name, []).append((material.quantity * times, material.quantity * on_table))
            if item.method.id not in line.used_by:
                line.used_by.append(item.method.id)
    for name, line in lines.items():
        add = sum if line.kind.consumed else max
        line.units = add(room for room, _ in needs[name])
        line.per_table = add(table for _, table in needs[name])
        spare = _ceil_div(line.units * RESERVE_PERCENT, 100) if line.kind.reserve else 0
        line.need = _ceil_div(line.units, line.kind.pack)
        line.quantity = _ceil_div(line.units + spare, line.kind.pack)
        line.reserve = line.quantity - line.need
    return sorted(lines.values(), key=lambda line: line.item.get(language, study.meta.language).lower())


COPY_COUNTS = {  # how many copies each rule of the ARTEFACTS registry asks for, from the plan
    "one": lambda workshop: 1,
    "participants": lambda workshop: workshop.data.participants.count,
    "groups": lambda workshop: len(workshop.data.groups),
    "groups-and-spare": lambda workshop: len(workshop.data.groups) + 1,
    "facilitators": lambda workshop: len(workshop.data.groups) + 1,  # one per table, plus the lead
}


def copies(workshop: Workshop, artefact: str) -> tuple[int, str]:
    """How many copies of one document, and why (an English msgid, translated where it is shown).

    The rule is the artefact's own, in its registry entry (`toolkit.kit.plan.ARTEFACTS`).
    """
    entry = ARTEFACT_BY_ID[artefact]
    return COPY_COUNTS[entry.copies](workshop), entry.copies_why


@dataclass(frozen=True)
class Card:
    deck: str  # "scenarios", "drivers", "personas" or "professions"
    code: str  # printed on both sides, to sort a deck and check a back against its front
    item: object
    figure: object = None  # a card of the baseline in numbers: its indicator (toolkit.kit.baseline.BaselineFigure)


# The letter of each deck's codes, the initial of its name in the edition's language (V for
# « variable », D for "driver"...); a language not listed takes the English letters.
DECK_PREFIXES = {
    "fr": {"scenarios": "S", "drivers": "V", "personas": "P", "professions": "M"},
    "en": {"scenarios": "S", "drivers": "D", "personas": "P", "professions": "J"},
}


def deck_prefixes(language: str) -> dict[str, str]:
    return DECK_PREFIXES.get(language.split("-")[0].split("_")[0].lower(), DECK_PREFIXES["en"])


def scenario_number(study: Study, scenario) -> int:
    """The number every document gives a scenario: 0 for the baseline, then 1, 2... as the kicker says."""
    return 0 if scenario.data.baseline else study.alternatives.index(scenario) + 1


def _letters(index: int) -> str:
    """A, B... Z, AA, AB...: the letter of the `index`-th (from 0) card of the baseline in numbers."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


def decks(study: Study, language: str = "fr", figures: Sequence = ()) -> list[tuple[str, list[Card]]]:
    """The four decks of a workshop kit, each card with its code (S0, S1, V3...).

    A scenario's code carries its number (S0 the baseline, S1 « Scénario 1 »...), the one the
    posters, the booklet and the report give it; the other decks count from 1. `figures`, the
    baseline's indicators in numbers (`toolkit.kit.baseline`), add a card each right after the
    baseline's, its item the baseline, its code the baseline's and a letter (S0A, S0B...).
    """
    prefixes = deck_prefixes(language)
    cards = []
    for scenario in study.scenarios:
        code = f"{prefixes['scenarios']}{scenario_number(study, scenario)}"
        cards.append(Card("scenarios", code, scenario))
        if scenario.data.baseline:
            cards += [Card("scenarios", f"{code}{_letters(index)}", scenario, figure)
                      for index, figure in enumerate(figures)]
    scenarios = ("scenarios", cards)
    items = {
        "drivers": study.meta.drivers,
        "personas": study.meta.personas,
        "professions": study.meta.professions,
    }
    return [scenarios] + [(deck, [Card(deck, f"{prefixes[deck]}{i}", item)
                                  for i, item in enumerate(things, start=1)])
                          for deck, things in items.items()]
