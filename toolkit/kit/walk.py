"""The one walk over a kit plan: which document goes in which folder, and its HTML.

`build_kit` and `build_report` (HTML and PDF on disk) and the preview server (HTML in
memory) all go through here, so a new kind of document is one template plus one entry in
`toolkit.kit.plan.ARTEFACTS`, and nothing else: where it goes, what its template receives
and how the indexes list it are decided once, below.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.kit.i18n import N_
from toolkit.kit.plan import KitPlan, PlannedDocument, WorkshopPlan
from toolkit.kit.render import Edition
from toolkit.paths import ASSET_DIR, IMAGE_SUFFIXES


class _InFolder:
    """A planned document in a folder of the edition: its files, relative to the top of the edition."""

    planned: PlannedDocument
    folder: str

    @property
    def html_path(self) -> str:
        return posixpath.join(self.folder, self.planned.html_name)

    @property
    def pdf_path(self) -> str:
        return posixpath.join(self.folder, self.planned.pdf_name)


@dataclass(frozen=True)
class Placed(_InFolder):
    """A planned document in its folder of the edition ("", "<workshop>" or "<workshop>/<report>")."""

    planned: PlannedDocument
    folder: str
    workshop_plan: WorkshopPlan | None = None


@dataclass
class Listed(_InFolder):
    """A document as the indexes list it: its plan, its folder and its page count ("–" in the preview)."""

    planned: PlannedDocument
    folder: str
    pages: int | str


@dataclass
class Listing:
    """What the index templates list: every document made so far, and the warnings of the run."""

    documents: list[Listed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def in_folder(self, folder: str) -> list[Listed]:
        return [d for d in self.documents if d.folder == folder]


def study_documents(plan: KitPlan) -> list[Placed]:
    """The documents of the edition itself (guide, booklet, cards), at its top."""
    return [Placed(planned, "") for planned in plan.documents]


def report_documents(workshop_plan: WorkshopPlan) -> list[Placed]:
    """A workshop's synthesis report, in its own sub-folder (empty without results)."""
    folder = posixpath.join(workshop_plan.workshop.id, workshop_plan.report_folder)
    return [Placed(planned, folder, workshop_plan) for planned in workshop_plan.report]


def workshop_documents(workshop_plan: WorkshopPlan) -> list[Placed]:
    """A workshop's kit in its sub-folder, then its report."""
    folder = workshop_plan.workshop.id
    own = [Placed(planned, folder, workshop_plan) for planned in workshop_plan.documents]
    return own + report_documents(workshop_plan)


def edition_documents(plan: KitPlan) -> list[Placed]:
    """Every document of the edition: its own, then each workshop's."""
    placed = study_documents(plan)
    for workshop_plan in plan.workshops:
        placed += workshop_documents(workshop_plan)
    return placed


STUDY_IN_ZIP = N_("study-documents")  # the sub-folder of a workshop's zip holding the study documents it prints
PRINTED_STUDY_DOCUMENTS = ("booklet", "cards")  # the study's documents a workshop prints (on its print list)


def printed_study_documents(plan: KitPlan) -> list[Placed]:
    """The documents of the edition that a workshop prints too, and its zip carries."""
    return [item for item in study_documents(plan) if item.planned.artefact.id in PRINTED_STUDY_DOCUMENTS]


@dataclass(frozen=True)
class PrintSpec:
    """How one kind of document is printed: the facilitators' "start here" list reads it."""

    artefact: str
    weight: str  # paper weight, as printed on a ream
    colour: bool
    sides: str  # "long-edge", "short-edge", "single", "both" (calibration) or "mode" (one file per mode)
    print_shop: bool = False
    cut: str = ""  # an English msgid: what to cut, if anything
    poster: bool = False  # the large paper format (A3 / tabloid)


PRINT_ORDER: tuple[PrintSpec, ...] = (  # the order to print in: the test sheet first, the cards last
    PrintSpec("calibration", "80 g/m²", False, "both"),
    PrintSpec("checklist", "80 g/m²", False, "single"),
    PrintSpec("run-of-show", "80 g/m²", False, "long-edge"),
    PrintSpec("booklet", "80 g/m²", True, "long-edge", print_shop=True),
    PrintSpec("group-pack", "80 g/m²", True, "long-edge"),
    PrintSpec("posters", "120 g/m²", True, "single", print_shop=True, poster=True),
    PrintSpec("cards", "250 g/m²", True, "single", cut=N_("cut along the marks, four cards per sheet")),
    PrintSpec("card-decks", "250 g/m²", True, "mode", print_shop=True,
              cut=N_("cut along the marks; fold-over sheets are folded first")),
    PrintSpec("print-shop-decks", "250 g/m²", True, "long-edge", print_shop=True,
              cut=N_("one card a page, front then back: cards trimmed to 88 × 125 mm, 3 mm bleed on every side")),
)


@dataclass
class PrintStep:
    """One line of the print order: a kind of document, its files (href, planned) and how to print it."""

    spec: PrintSpec
    files: list[tuple[str, PlannedDocument]]


def print_steps(plan: KitPlan, workshop_plan: WorkshopPlan) -> list[PrintStep]:
    """The workshop's print order, with links relative to the workshop's folder."""
    steps = []
    for spec in PRINT_ORDER:
        files = [(posixpath.join("..", item.planned.pdf_name), item.planned)
                 for item in printed_study_documents(plan) if item.planned.artefact.id == spec.artefact]
        files += [(planned.pdf_name, planned) for planned in workshop_plan.documents
                  if planned.artefact.id == spec.artefact]
        if files:
            steps.append(PrintStep(spec, files))
    return steps


def folders(placed: Iterable[Placed]) -> list[str]:
    """The folders these documents go in, each once, in walk order (each gets the study's assets)."""
    return list(dict.fromkeys(item.folder for item in placed))


def study_images(study_folder: Path) -> list[tuple[str, Path]]:
    """The study's images that travel with every folder of the kit, by path inside `assets/`.

    Only regular image files: a symbolic link could point anywhere on disk.
    """
    root = study_folder / ASSET_DIR
    found = []
    for folder, _, names in os.walk(root, followlinks=False):
        for name in sorted(names):
            source = Path(folder) / name
            if not source.is_symlink() and source.suffix.lower() in IMAGE_SUFFIXES:
                found.append((source.relative_to(root).as_posix(), source))
    return sorted(found)


def render_document(edition: Edition, plan: KitPlan, placed: Placed) -> str:
    """The HTML of one document: its template with the plan, the document and the data it asks for."""
    planned = placed.planned
    context: dict[str, Any] = {"plan": plan, "document": planned, **planned.context}
    if placed.workshop_plan is not None:
        context["workshop_plan"] = placed.workshop_plan
    if planned.artefact.context is not None:  # extra data the registry entry asks for (the report's analysis)
        context.update(planned.artefact.context(edition, **planned.context))
    return edition.render(planned.artefact.template, **context)


def render_workshop_index(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, listing: Listing) -> str:
    """The index page of a workshop's folder, listing its documents with their page counts."""
    return edition.render("workshop/index.html.j2", plan=plan, workshop_plan=workshop_plan,
                          workshop=workshop_plan.workshop, report=listing,
                          documents=listing.in_folder(workshop_plan.workshop.id),
                          print_steps=print_steps(plan, workshop_plan))


def render_edition_index(edition: Edition, plan: KitPlan, listing: Listing) -> str:
    """The index page at the top of the edition."""
    return edition.render("index.html.j2", plan=plan, report=listing)
