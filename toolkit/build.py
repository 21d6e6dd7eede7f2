"""Stage 6, build: render every planned document of a kit and publish it at once.

A kit is written into a staging folder beside its destination, then swapped in: a
failed or interrupted build leaves the previous kit exactly as it was.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.model import Study
from toolkit.pdf import PdfJob, atomic_file, write_pdfs
from toolkit.plan import KitPlan, PlannedDocument, WorkshopPlan, plan_kit
from toolkit.render import Edition
from toolkit.validate import ASSET_DIR, IMAGE_SUFFIXES

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same kit gives the same zip


@dataclass
class BuiltDocument:
    planned: PlannedDocument
    pages: int
    folder: str = ""  # relative to the edition folder: "" or the workshop id


@dataclass
class BuildReport:
    plan: KitPlan
    documents: list[BuiltDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def in_folder(self, folder: str) -> list[BuiltDocument]:
        return [d for d in self.documents if d.folder == folder]


def build_report(study: Study, language: str, out: Path, workshop: str) -> BuildReport:
    """Rebuild only the synthesis report of a workshop, e.g. after its results changed."""
    started = time.perf_counter()
    edition = Edition(study, language)
    plan = plan_kit(study, language, out, edition.gettext, [w for w in study.workshops if w.id == workshop])
    report = BuildReport(plan)
    for workshop_plan in plan.workshops:
        folder = workshop_plan.folder / workshop_plan.report_folder
        with _staged(folder) as staging:
            _write_pdfs(edition, _render_report(edition, plan, workshop_plan, staging), report)
    report.seconds = time.perf_counter() - started
    return report


def build_kit(study: Study, language: str, out: Path, workshop: str | None = None) -> BuildReport:
    """Build `study` in `language` into `out/<study>/<language>/`, workshops in sub-folders.

    With `workshop`, only that workshop's kit is built (and swapped in on its own).
    HTML is rendered first, then every PDF is written (in parallel), then the indexes
    and archives that list them.
    """
    started = time.perf_counter()
    edition = Edition(study, language)
    chosen = None if workshop is None else [w for w in study.workshops if w.id == workshop]
    plan = plan_kit(study, language, out, edition.gettext, chosen)
    report = BuildReport(plan)
    if workshop is None:
        with _staged(plan.folder) as staging:
            _copy_assets(study, staging)
            pending = [_render(edition, plan, planned, staging, "") for planned in plan.documents]
            for workshop_plan in plan.workshops:
                pending += _render_workshop(edition, plan, workshop_plan, staging / workshop_plan.workshop.id)
            _write_pdfs(edition, pending, report)
            for workshop_plan in plan.workshops:
                _finish_workshop(edition, plan, workshop_plan, staging / workshop_plan.workshop.id, report)
            _write_text(staging / "index.html", edition.render("index.html.j2", plan=plan, report=report))
    else:
        for workshop_plan in plan.workshops:
            with _staged(workshop_plan.folder) as staging:
                _write_pdfs(edition, _render_workshop(edition, plan, workshop_plan, staging), report)
                _finish_workshop(edition, plan, workshop_plan, staging, report)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Pending:
    """A document whose HTML is written and whose PDF is still to come."""

    planned: PlannedDocument
    folder: str
    job: PdfJob


def _render(edition: Edition, plan: KitPlan, planned: PlannedDocument, folder: Path, name: str,
            **context) -> _Pending:
    extra = _artefact_context(planned, edition)
    html = edition.render(planned.artefact.template, plan=plan, document=planned, **planned.context, **context,
                          **extra)
    _write_text(folder / planned.html_name, html)
    job = PdfJob(html, folder / planned.pdf_name, folder,
                 (folder / ASSET_DIR, *(d / "assets" for d in edition.dirs)),
                 planned.artefact.pdf_variant, planned.pdf_name)
    return _Pending(planned, name, job)


def _artefact_context(planned: PlannedDocument, edition: Edition) -> dict:
    """Extra data an artefact asks for in the registry (e.g. the report's analysis)."""
    if not planned.artefact.context:
        return {}
    module, function = planned.artefact.context.split(":")
    return getattr(importlib.import_module(module), function)(edition, **planned.context)


def _render_workshop(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, folder: Path) -> list[_Pending]:
    folder.mkdir(parents=True, exist_ok=True)
    _copy_assets(plan.study, folder)
    name = workshop_plan.workshop.id
    pending = [_render(edition, plan, planned, folder, name, workshop_plan=workshop_plan)
               for planned in workshop_plan.documents]
    if workshop_plan.report:
        pending += _render_report(edition, plan, workshop_plan, folder / workshop_plan.report_folder)
    return pending


def _render_report(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, folder: Path) -> list[_Pending]:
    folder.mkdir(parents=True, exist_ok=True)
    _copy_assets(plan.study, folder)
    name = f"{workshop_plan.workshop.id}/{workshop_plan.report_folder}"
    return [_render(edition, plan, planned, folder, name, workshop_plan=workshop_plan)
            for planned in workshop_plan.report]


def _write_pdfs(edition: Edition, pending: list[_Pending], report: BuildReport) -> None:
    bases = {item.job.base_url for item in pending}

    def origin_of(url: str):
        return next((origin for base in bases if (origin := edition.origin_of(url, base))), None)

    results = write_pdfs([item.job for item in pending], origin_of)
    for item, result in zip(pending, results, strict=True):
        report.documents.append(BuiltDocument(item.planned, result.pages, item.folder))
        report.warnings.extend(f"{item.planned.pdf_name}: {message}" for message in result.warnings)


def _finish_workshop(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, folder: Path,
                     report: BuildReport) -> None:
    """The workshop's index (with page counts) and the zip of the whole workshop kit."""
    name = workshop_plan.workshop.id
    index = edition.render("workshop/index.html.j2", plan=plan, workshop_plan=workshop_plan,
                           workshop=workshop_plan.workshop, report=report, documents=report.in_folder(name))
    _write_text(folder / "index.html", index)
    _write_zip(folder, folder / workshop_plan.zip_name, root=name, leave_out=workshop_plan.report_folder)


def _copy_assets(study: Study, staging: Path) -> None:
    """Study images travel with the kit so the HTML files show them too.

    Only regular image files are copied: a symbolic link could point anywhere on disk.
    """
    assets = study.folder / ASSET_DIR
    for folder, _, names in os.walk(assets, followlinks=False):
        for name in names:
            source = Path(folder) / name
            if source.is_symlink() or source.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            target = staging / ASSET_DIR / source.relative_to(assets)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def _write_text(target: Path, text: str) -> None:
    with atomic_file(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _write_zip(folder: Path, target: Path, root: str, leave_out: str) -> None:
    """One archive of the workshop kit, to send to a print shop or a co-facilitator (not the report)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p != target and not p.name.startswith(".")
                   and p.relative_to(folder).parts[0] != leave_out)
    with atomic_file(target) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{root}/{path.relative_to(folder).as_posix()}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


@contextmanager
def _staged(destination: Path) -> Iterator[Path]:
    """A staging folder that replaces `destination` only if the block succeeds."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.building-"))
    try:
        yield staging
        _publish(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, destination: Path) -> None:
    """Swap the finished kit in; the old one is removed only once the new one is in place."""
    retired = None
    if destination.exists():
        retired = destination.with_name(f".{destination.name}.old-{time.time_ns()}")
        destination.rename(retired)
    staging.rename(destination)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
