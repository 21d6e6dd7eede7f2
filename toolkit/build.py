"""Stage 6, build: render every planned document of a kit and publish it at once.

The kit is written into a staging folder beside its destination, then swapped in:
a failed or interrupted build leaves the previous kit exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.model import Study
from toolkit.pdf import atomic_file, write_pdf
from toolkit.plan import KitPlan, PlannedDocument, plan_kit
from toolkit.render import Edition
from toolkit.validate import ASSET_DIR, IMAGE_SUFFIXES


@dataclass
class BuiltDocument:
    planned: PlannedDocument
    pages: int


@dataclass
class BuildReport:
    plan: KitPlan
    documents: list[BuiltDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build_kit(study: Study, language: str, out: Path) -> BuildReport:
    """Build the kit of `study` in `language` into `out/<study>/<language>/`."""
    started = time.perf_counter()
    edition = Edition(study, language)
    plan = plan_kit(study, language, out, edition.gettext)
    report = BuildReport(plan)
    plan.folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=plan.folder.parent, prefix=f".{language}.building-"))
    try:
        _copy_assets(study, staging)
        for planned in plan.documents:
            report.documents.append(_build_document(edition, plan, planned, staging, report))
        _write_text(staging / "index.html", edition.render("index.html.j2", plan=plan, report=report))
        _publish(staging, plan.folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _build_document(
    edition: Edition, plan: KitPlan, planned: PlannedDocument, staging: Path, report: BuildReport
) -> BuiltDocument:
    html = edition.render(planned.artefact.template, plan=plan, document=planned)
    _write_text(staging / planned.html_name, html)
    result = write_pdf(
        html,
        staging / planned.pdf_name,
        base_url=staging,
        asset_roots=[staging / ASSET_DIR, *(d / "assets" for d in edition.dirs)],
        variant=planned.artefact.pdf_variant,
        document_name=planned.pdf_name,
        origin_of=lambda url: edition.origin_of(url, staging),
    )
    report.warnings.extend(f"{planned.pdf_name}: {message}" for message in result.warnings)
    return BuiltDocument(planned, result.pages)


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


def _publish(staging: Path, destination: Path) -> None:
    """Swap the finished kit in; the old one is removed only once the new one is in place."""
    retired = None
    if destination.exists():
        retired = destination.with_name(f".{destination.name}.old-{time.time_ns()}")
        destination.rename(retired)
    staging.rename(destination)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
