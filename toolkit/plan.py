"""Stage 3, plan the kit: which documents a study produces, and where they go.

Adding an artefact type is one template plus one entry in `ARTEFACTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.model import Study


@dataclass(frozen=True)
class Artefact:
    """One kind of document in a kit."""

    id: str
    template: str
    filename: str  # an English msgid: the catalogue gives the edition's file name
    title: str  # an English msgid, translated for the edition
    audience: str  # "facilitators" or "participants"
    pdf_variant: str | None = "pdf/ua-1"  # tagged PDF for screen readers


def N_(message: str) -> str:
    """Mark a string for the translation catalogue; it is translated when a kit is planned."""
    return message


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("guide", "guide.html.j2", N_("facilitator-guide"), N_("Facilitator guide"), "facilitators"),
    Artefact(
        "booklet", "booklet.html.j2", N_("participant-booklet"), N_("Participant booklet"), "participants"
    ),
    Artefact("cards", "cards.html.j2", N_("scenario-cards"), N_("Scenario cards"), "participants"),
)


@dataclass(frozen=True)
class PlannedDocument:
    artefact: Artefact
    title: str
    basename: str

    @property
    def pdf_name(self) -> str:
        return f"{self.basename}.pdf"

    @property
    def html_name(self) -> str:
        return f"{self.basename}.html"


@dataclass(frozen=True)
class KitPlan:
    """Everything one edition (study x language) of a kit will contain."""

    study: Study
    language: str
    folder: Path
    documents: tuple[PlannedDocument, ...]


def plan_kit(study: Study, language: str, out: Path, gettext) -> KitPlan:
    """Lay out the kit of `study` in `language` under `out/<study>/<language>/`."""
    documents = tuple(PlannedDocument(a, gettext(a.title), gettext(a.filename)) for a in ARTEFACTS)
    return KitPlan(study, language, out / study.id / language, documents)
