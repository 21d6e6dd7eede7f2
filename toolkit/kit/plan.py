"""Stage 3, plan the kit: which documents a study and its workshops produce, and where.

Adding an artefact type is one template plus one entry in `ARTEFACTS` (`toolkit.kit.walk`
places and renders it for the build and the preview alike). An artefact is
made once per study edition, once per workshop, once per group of a workshop, or once
per card print mode. A study-scope artefact may be made only for the studies that have what it
shows (`Artefact.wanted`: the network handbook, for a study with a `network.yaml`). The follow-up
report (`prospective suivi`) is an artefact of its own scope, planned by `plan_followup` in the
kit's `suivi/` folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.kit.i18n import N_
from toolkit.kit.layout import DUPLEX_MODES
from toolkit.study.model import EASY_READ, EDITION_SUFFIXES, LARGE_PRINT, STANDARD_EDITION, Study, Workshop
from toolkit.synthesis.report import report_context


def _has_network(study: Study) -> bool:
    """The carnet: for a study with a network (in every edition: the network's texts have their translations
    like every file of the study)."""
    return study.network is not None


def _carnet_context(edition, **document) -> dict[str, Any]:
    from toolkit.kit.followup import carnet_context  # the follow-up's computations load only for its documents

    return carnet_context(edition, **document)


def _followup_context(edition, **document) -> dict[str, Any]:
    from toolkit.kit.followup import followup_context

    return followup_context(edition, **document)


@dataclass(frozen=True)
class Artefact:
    """One kind of document in a kit."""

    id: str
    template: str
    filename: str  # an English msgid: the catalogue gives the edition's file name
    title: str  # an English msgid, translated for the edition
    audience: str  # "facilitators", "participants", "print shop" or "network" (the follow-up's readers)
    scope: str = "study"  # "study" (one per edition), "workshop", "report" (a workshop with results), "followup"
    per: str | None = None  # None, "group" (one per group) or "mode" (one per card print mode)
    pdf_variant: str | None = "pdf/ua-1"  # tagged PDF for screen readers
    context: Callable[..., dict[str, Any]] | None = None  # (edition, **document context) -> extra data
    copies: str = "one"  # how many to print for a workshop: a key of toolkit.kit.logistics.COPY_COUNTS
    copies_why: str = ""  # an English msgid: why that many, on the checklist
    wanted: Callable[[Study], bool] | None = None  # None: every study has it; else only those it says yes to

    def made_for(self, study: Study) -> bool:
        """Whether the kit of `study` has this document."""
        return self.wanted is None or self.wanted(study)


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("guide", "guide.html.j2", N_("facilitator-guide"), N_("Facilitator guide"), "facilitators",
             copies_why=N_("for the lead facilitator")),
    Artefact("booklet", "booklet.html.j2", N_("participant-booklet"), N_("Participant booklet"), "participants",
             copies="participants", copies_why=N_("one per participant")),
    Artefact("cards", "cards.html.j2", N_("scenario-cards"), N_("Scenario cards"), "participants",
             copies="groups", copies_why=N_("one sheet set per table")),
    Artefact("run-of-show", "workshop/guide.html.j2", N_("workshop-facilitator-guide"),
             N_("Workshop facilitator guide"), "facilitators", scope="workshop",
             copies="facilitators", copies_why=N_("one per table facilitator, plus the lead facilitator")),
    Artefact("group-pack", "workshop/pack.html.j2", N_("group-pack"), N_("Group pack"), "participants",
             scope="workshop", per="group", copies_why=N_("one for the group's table")),
    Artefact("posters", "workshop/posters.html.j2", N_("posters"), N_("Posters and canvases"), "participants",
             scope="workshop", copies_why=N_("one set, pinned up in the room")),
    Artefact("card-decks", "workshop/decks.html.j2", N_("cards"), N_("Card decks"), "print shop",
             scope="workshop", per="mode", copies="groups-and-spare", copies_why=N_("one set per table, plus a spare")),
    Artefact("print-shop-decks", "workshop/decks.html.j2", N_("cards-print-shop"), N_("Card decks for a print shop"), "print shop", scope="workshop", pdf_variant="pdf/x-4", context=lambda edition, **_: {"mode": "press"}, copies="groups-and-spare", copies_why=N_("one set per table, plus a spare")),  # noqa: E501
    Artefact("calibration", "workshop/calibration.html.j2", N_("duplex-calibration"),
             N_("Duplex calibration sheet"), "print shop", scope="workshop",
             copies_why=N_("one, to test the printer before the cards")),
    Artefact("checklist", "workshop/checklist.html.j2", N_("materials-checklist"),
             N_("Materials and print checklist"), "facilitators", scope="workshop",
             copies_why=N_("for the organiser")),
    Artefact("report", "report/report.html.j2", N_("synthesis-report"), N_("Synthesis report"), "participants",
             scope="report", context=report_context),
    Artefact("carnet", "followup/carnet.html.j2", N_("network-handbook"), N_("Network handbook"), "network",
             context=_carnet_context, wanted=_has_network),
    Artefact("followup", "followup/report.html.j2", N_("follow-up-report"), N_("Follow-up report"), "network",
             scope="followup", context=_followup_context),
)
ARTEFACT_BY_ID = {artefact.id: artefact for artefact in ARTEFACTS}
REPORT_FOLDER = N_("report")  # the sub-folder of a workshop's kit that holds its synthesis report
FOLLOWUP_FOLDER = N_("follow-up")  # the sub-folder of a kit that holds the follow-up report (`prospective suivi`)

# The editions for readers the standard booklet leaves out (issue 13.5): each is the participant booklet
# alone, in a folder of its own beside the standard kit, `<lang>-<suffix>/` (its own lock, built and
# replaced on its own: a standard build never removes it), its files named with the same suffix.
EDITION_TITLES = {LARGE_PRINT: N_("large print"), EASY_READ: N_("easy to read")}
EDITION_DOCUMENTS = ("booklet",)  # the participant documents an edition remakes
EDITION_TEMPLATES = {EASY_READ: {"booklet": "booklet-easy-read.html.j2"}}  # where an edition has its own template

MODE_NAMES = {"long-edge": N_("duplex-long-edge"), "short-edge": N_("duplex-short-edge"), "fold": N_("fold-over")}
MODE_TITLES = {"long-edge": N_("duplex, flip on long edge"), "short-edge": N_("duplex, flip on short edge"),
               "fold": N_("single-sided, fold over")}


@dataclass(frozen=True)
class PlannedDocument:
    artefact: Artefact
    title: str
    basename: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def pdf_name(self) -> str:
        return f"{self.basename}.pdf"

    @property
    def html_name(self) -> str:
        return f"{self.basename}.html"


@dataclass(frozen=True)
class WorkshopPlan:
    """The kit of one workshop: a sub-folder of the study's edition."""

    workshop: Workshop
    folder: Path
    documents: tuple[PlannedDocument, ...]
    report: tuple[PlannedDocument, ...] = ()  # only when the workshop has results
    report_folder: str = "report"

    @property
    def zip_name(self) -> str:
        return f"{self.workshop.id}.zip"


@dataclass(frozen=True)
class KitPlan:
    """Everything one edition (study x language) of a kit will contain."""

    study: Study
    language: str
    folder: Path
    documents: tuple[PlannedDocument, ...]
    workshops: tuple[WorkshopPlan, ...] = ()
    edition: str = STANDARD_EDITION  # or LARGE_PRINT, EASY_READ: the booklet alone, for other readers
    territory: str | None = None  # a territory's co-branded kit (`study.territories`); None: the study's own


TERRITORIES_INDEX = N_("territories")  # `out/<study>/<language>-<this>.html`: the index of the territories' kits


def kit_folder(study: Study, language: str, out: Path, territory: str | None = None) -> Path:
    """The folder of the standard kit: `out/<study>/<language>/`, or `<language>-<territory id>/` for a
    territory's kit (a kit folder of its own, like an edition's: its own lock and manifest)."""
    return out / study.id / (language if territory is None else f"{language}-{territory}")


def plan_kit(study: Study, language: str, out: Path, gettext, workshops: list[Workshop] | None = None,
             edition: str = STANDARD_EDITION, territory: str | None = None) -> KitPlan:
    """Lay out the kit of `study` in `language` under `out/<study>/<language>/`.

    `workshops` defaults to every workshop of the study; each goes in its own sub-folder.
    Another `edition` than the standard one (large print, easy to read) is its participant
    booklet alone, under `out/<study>/<language>-<suffix>/` (`EDITION_SUFFIXES`).
    A `territory` (an id of `study.territories`) has the whole standard kit, co-branded, under
    `out/<study>/<language>-<territory id>/`.
    """
    if edition != STANDARD_EDITION:
        return _edition_plan(study, language, out, gettext, edition)
    folder = kit_folder(study, language, out, territory)
    study_documents = tuple(
        PlannedDocument(a, gettext(a.title), gettext(a.filename)) for a in ARTEFACTS
        if a.scope == "study" and a.made_for(study))
    chosen = study.workshops if workshops is None else workshops
    workshop_plans = tuple(
        WorkshopPlan(w, folder / w.id, tuple(_workshop_documents(w, gettext, "workshop")),
                     tuple(_workshop_documents(w, gettext, "report")) if w.results else (), gettext(REPORT_FOLDER))
        for w in chosen)
    return KitPlan(study, language, folder, study_documents, workshop_plans, territory=territory)


def _edition_plan(study: Study, language: str, out: Path, gettext, edition: str) -> KitPlan:
    suffix = gettext(EDITION_SUFFIXES[edition])
    templates = EDITION_TEMPLATES.get(edition, {})
    documents = tuple(
        PlannedDocument(replace(a, template=templates.get(a.id, a.template)),
                        f"{gettext(a.title)} ({gettext(EDITION_TITLES[edition])})", f"{gettext(a.filename)}-{suffix}")
        for a in ARTEFACTS if a.id in EDITION_DOCUMENTS)
    return KitPlan(study, language, out / study.id / f"{language}-{suffix}", documents, edition=edition)


def _workshop_documents(workshop: Workshop, gettext, scope: str) -> list[PlannedDocument]:
    documents = []
    for artefact in (a for a in ARTEFACTS if a.scope == scope):
        title, name = gettext(artefact.title), gettext(artefact.filename)
        if artefact.per == "group":
            for group in workshop.data.groups:
                context = {"workshop": workshop, "group": group}
                documents.append(PlannedDocument(artefact, title, f"{name}-{group.id}", context))
        elif artefact.per == "mode":
            for mode in DUPLEX_MODES:
                context = {"workshop": workshop, "mode": mode}
                documents.append(PlannedDocument(
                    artefact, f"{title} ({gettext(MODE_TITLES[mode])})", f"{name}-{gettext(MODE_NAMES[mode])}",
                    context))
        else:
            documents.append(PlannedDocument(artefact, title, name, {"workshop": workshop}))
    return documents


def has_followup(study: Study) -> bool:
    """Whether the study has anything to follow up: experiments or a watch."""
    return bool(study.experiments) or study.watch is not None


def plan_followup(study: Study, language: str, out: Path, gettext, as_of: date) -> tuple[KitPlan, str]:
    """The follow-up report of `study` at `as_of`: the kit it belongs to (its own documents and workshops left out)
    and the folder of the kit it goes in (`FOLLOWUP_FOLDER`, in the edition's language)."""
    documents = tuple(PlannedDocument(a, gettext(a.title), gettext(a.filename), {"as_of": as_of})
                      for a in ARTEFACTS if a.scope == "followup")
    return KitPlan(study, language, kit_folder(study, language, out), documents), gettext(FOLLOWUP_FOLDER)
