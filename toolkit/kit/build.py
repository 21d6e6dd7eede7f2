"""Stage 6, build: render every planned document of a kit and publish it at once.

A kit is written into a staging folder beside its destination, then swapped in: a
failed or interrupted build leaves the previous kit exactly as it was.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from toolkit.files import atomic_file, write_text
from toolkit.kit.pdf import PdfJob, write_pdfs
from toolkit.kit.plan import KitPlan, WorkshopPlan, plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import (
    Listed,
    Listing,
    Placed,
    edition_documents,
    folders,
    render_document,
    render_edition_index,
    render_workshop_index,
    report_documents,
    study_images,
    workshop_documents,
)
from toolkit.paths import ASSET_DIR, TEMPLATE_ASSETS
from toolkit.study.model import Study

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same kit gives the same zip


@dataclass
class BuildReport(Listing):
    """What a build made: every document with its page count, the warnings, the time it took."""

    plan: KitPlan | None = None
    seconds: float = 0.0


def build_report(study: Study, language: str, out: Path, workshop: str) -> BuildReport:
    """Rebuild only the synthesis report of a workshop, e.g. after its results changed."""
    started = time.perf_counter()
    edition = Edition(study, language)
    plan = plan_kit(study, language, out, edition.gettext, [w for w in study.workshops if w.id == workshop])
    report = BuildReport(plan=plan)
    for workshop_plan in plan.workshops:
        placed = report_documents(workshop_plan)
        with _staged(workshop_plan.folder / workshop_plan.report_folder) as staging:
            _make(edition, plan, placed, _Target(staging, folders(placed)[0] if placed else ""), report)
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
    report = BuildReport(plan=plan)
    if workshop is None:
        with _staged(plan.folder) as staging:
            _make(edition, plan, edition_documents(plan), _Target(staging, ""), report)
            for workshop_plan in plan.workshops:
                _finish_workshop(edition, plan, workshop_plan, staging / workshop_plan.workshop.id, report)
            write_text(staging / "index.html", render_edition_index(edition, plan, report))
    else:
        for workshop_plan in plan.workshops:
            with _staged(workshop_plan.folder) as staging:
                _make(edition, plan, workshop_documents(workshop_plan),
                      _Target(staging, workshop_plan.workshop.id), report)
                _finish_workshop(edition, plan, workshop_plan, staging, report)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Target:
    """A staging folder on disk standing for the folder `base` of the edition."""

    staging: Path
    base: str

    def folder(self, relative: str) -> Path:
        """Where a folder of the edition lies inside the staging folder."""
        return self.staging / posixpath.relpath(relative, self.base) if self.base else self.staging / relative


def _make(edition: Edition, plan: KitPlan, placed: list[Placed], target: _Target, report: BuildReport) -> None:
    """Write the HTML of every placed document, then its PDF; list each in the report."""
    for folder in folders(placed):
        _copy_assets(plan.study, target.folder(folder))
    jobs = []
    for item in placed:
        folder = target.folder(item.folder)
        html = render_document(edition, plan, item)
        write_text(folder / item.planned.html_name, html)
        jobs.append(PdfJob(html, folder / item.planned.pdf_name, folder,
                           (folder / ASSET_DIR, *(d / TEMPLATE_ASSETS for d in edition.dirs)),
                           item.planned.artefact.pdf_variant, item.planned.pdf_name))
    bases = {job.base_url for job in jobs}

    def origin_of(url: str):
        return next((origin for base in bases if (origin := edition.origin_of(url, base))), None)

    results = write_pdfs(jobs, origin_of)
    for item, result in zip(placed, results, strict=True):
        report.documents.append(Listed(item.planned, item.folder, result.pages))
        report.warnings.extend(f"{item.planned.pdf_name}: {message}" for message in result.warnings)


def _finish_workshop(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, folder: Path,
                     report: BuildReport) -> None:
    """The workshop's index (with page counts) and the zip of the whole workshop kit."""
    write_text(folder / "index.html", render_workshop_index(edition, plan, workshop_plan, report))
    _write_zip(folder, folder / workshop_plan.zip_name, root=workshop_plan.workshop.id,
               leave_out=workshop_plan.report_folder)


def _copy_assets(study: Study, folder: Path) -> None:
    """Study images travel with the kit so the HTML files show them too."""
    for name, source in study_images(study.folder):
        target = folder / ASSET_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


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
