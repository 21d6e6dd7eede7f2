"""What a workshop needs on the tables: who works on what, how many copies, what to buy.

Everything here is computed from the plan, the study and the method library, so that
the checklist, the group packs and the tests agree on the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.kit.plan import ARTEFACT_BY_ID
from toolkit.study.model import Study, Text, Workshop


@dataclass
class MaterialLine:
    item: Text
    quantity: int
    used_by: list[str] = field(default_factory=list)  # method ids


def materials(study: Study, workshop: Workshop, language: str) -> list[MaterialLine]:
    """Consumables and kit to bring, summed over the agenda (same item name, same line)."""
    groups = len(workshop.data.groups)
    people = workshop.data.participants.count
    lines: dict[str, MaterialLine] = {}
    for item in workshop.schedule:
        for material in item.method.data.materials:
            times = {"group": groups, "participant": people, "workshop": 1}[material.per]
            if material.per == "group" and item.format == "plenary":
                times = 1
            name = material.item.get(language, study.meta.language)
            line = lines.setdefault(name, MaterialLine(material.item, 0))
            line.quantity += material.quantity * times
            if item.method.id not in line.used_by:
                line.used_by.append(item.method.id)
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


DECK_PREFIXES = {"scenarios": "S", "drivers": "V", "personas": "P", "professions": "M"}


def decks(study: Study) -> list[tuple[str, list[Card]]]:
    """The four decks of a workshop kit, each card with its code (S1, V3...)."""
    items = {
        "scenarios": study.scenarios,
        "drivers": study.meta.drivers,
        "personas": study.meta.personas,
        "professions": study.meta.professions,
    }
    return [(deck, [Card(deck, f"{DECK_PREFIXES[deck]}{i}", item) for i, item in enumerate(things, start=1)])
            for deck, things in items.items()]
