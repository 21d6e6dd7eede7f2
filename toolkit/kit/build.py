"""Stage 6, build: render every planned document of a kit and publish it at once.

A kit is written into a staging folder beside its destination, then swapped in: a
failed or interrupted build leaves the previous kit exactly as it was.

What a build guarantees, whatever happens to it:

- One build at a time per kit folder `out/<study>/<lang>/` (workshop and report builds
  included): a lock file `out/<study>/.<lang>.lock` is held for the whole build (flock,
  released by the system even when a build is killed). A second build says that another
  one is running and waits for it, at most LOCK_WAIT_SECONDS, then stops without writing.
  (A file system without locks, some network ones, builds without: see `_locked`.)
- The kit folder is never missing, not even for an instant: the finished staging folder
  and the previous kit are exchanged by one system call (renameat2 RENAME_EXCHANGE on
  Linux, renamex_np RENAME_SWAP on macOS), then the previous kit is deleted. Where the
  system or the file system cannot exchange (old kernels, some network file systems), the
  previous kit is renamed aside and the new one renamed in: for the instant between the
  two renames the folder is missing, an error or Ctrl-C then puts the previous kit back,
  and should the build be killed right then, the next build of that kit puts it back
  before anything else.
- A killed build (kill -9, power cut) leaves the previous kit as it was and, at worst, a
  hidden staging folder `.<name>.building-*` beside it: the next build of the same folder
  removes it, while holding the lock.
- Any error of the system (read-only or full disk, permission denied, a folder removed
  meanwhile, a file where a folder should be, a name too long) stops the build with a
  BuildError that names the path and says what to do; the previous kit stays as it was
  and no staging folder is left.

Builds are incremental: beside the lock, `out/<study>/.<lang>.builds.json` keeps what each
published PDF depends on (`toolkit.kit.cache`), and a PDF whose HTML, fetched files, variant and
renderer are all unchanged, and whose published file is intact, is carried over to the new kit
instead of being written again (`force` writes them all). It also keeps the seconds each PDF
took, so that the next build hands the longest to the workers first
(`toolkit.kit.pdf.longest_first`).
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import os
import posixpath
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.errors import BuildError, Problem, display_path, os_problem
from toolkit.files import atomic_file, make_folder, new_folder, write_text
from toolkit.kit.cache import (
    MANIFEST_KIND,
    Entry,
    FileHashes,
    entry_for,
    expected_seconds,
    file_key,
    kit_files,
    kit_inputs,
    kit_unchanged,
    read_manifest,
    renderer,
    why_rebuild,
    write_manifest,
)
from toolkit.kit.pdf import PdfJob, PdfResult, Workers, batch_workers, located, write_pdfs
from toolkit.kit.plan import (
    FOLLOWUP_FOLDER,
    TERRITORIES_INDEX,
    KitPlan,
    WorkshopPlan,
    kit_folder,
    plan_followup,
    plan_kit,
)
from toolkit.kit.render import Edition, KitTerritory, kit_territory
from toolkit.kit.walk import (
    STUDY_IN_ZIP,
    Listed,
    Listing,
    Placed,
    edition_documents,
    folders,
    printed_study_documents,
    render_document,
    render_edition_index,
    render_workshop_index,
    report_documents,
    study_images,
    workshop_documents,
)
from toolkit.language import _, ngettext
from toolkit.paths import ASSET_DIR, PACKAGE_DIR, TEMPLATE_ASSETS
from toolkit.study.model import STANDARD_EDITION, Study

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same kit gives the same zip


@dataclass
class BuildReport(Listing):
    """What a build made: every document with its page count, the warnings, the time it took."""

    plan: KitPlan | None = None
    seconds: float = 0.0
    reused: int = 0  # documents carried over from the previous build, unchanged


# --- what a build tells while it works -------------------------------------------------------
#
# The kit never prints: a build hands these events to the `progress` callable its caller
# gives (the command line turns them into words, a line per document, a live counter...).
# Paths are relative to the edition folder `out/<study>/<lang>/`, with "/" between folders.


@dataclass(frozen=True)
class Started:
    """The build of an edition begins: its folder and how many documents it will make."""

    folder: Path
    total: int


@dataclass(frozen=True)
class Rendered:
    """The HTML of the `number`-th document (from 1) is written; its PDF comes later."""

    number: int
    total: int
    document: Placed
    seconds: float


@dataclass(frozen=True)
class Written:
    """The PDF of the `number`-th document is done: written, and `why` (a sentence for `-v`), or
    carried over unchanged from the previous build when `why` is None."""

    number: int
    total: int
    document: Listed
    seconds: float
    why: str | None = ""


@dataclass(frozen=True)
class UpToDate:
    """Nothing the kit is made of changed since its last build: it is left exactly as it is."""

    folder: Path


@dataclass(frozen=True)
class FileWritten:
    """A file that is no document: an index page or a workshop's zip."""

    path: str


@dataclass(frozen=True)
class Skipped:
    """A folder this build leaves as it was, and why: "not-asked" (--workshop chose another part of
    the kit) or "no-results" (a workshop without results has no report)."""

    path: str
    reason: str


Event = Started | Rendered | Written | FileWritten | Skipped | UpToDate


def _ignore(event: Event) -> None:
    pass


@dataclass
class _Progress:
    """Counts the documents of one build as they are made, and tells `progress`."""

    tell: Callable[[Event], None]
    total: int
    rendered: int = 0
    written: int = 0


def _tell(message: str) -> None:
    """Say something to the person waiting, on stderr (the command may pass its own)."""
    print(message, file=sys.stderr, flush=True)


def build_report(study: Study, language: str, out: Path, workshop: str, *,
                 waiting: Callable[[str], None] = _tell,
                 progress: Callable[[Event], None] = _ignore, force: bool = False) -> BuildReport:
    """Rebuild only the synthesis report of a workshop, e.g. after its results changed.

    `waiting` is told when another build of the same kit holds its folder; `progress` is told
    of every document as it is made (`Event`); `force` writes every PDF, even one unchanged.
    """
    started = time.perf_counter()
    edition = Edition(study, language)
    plan = plan_kit(study, language, out, edition.gettext, [w for w in study.workshops if w.id == workshop])
    report = BuildReport(plan=plan)
    placed_by_workshop = [(workshop_plan, report_documents(workshop_plan)) for workshop_plan in plan.workshops]
    counter = _Progress(progress, sum(len(placed) for _plan, placed in placed_by_workshop))
    progress(Started(plan.folder, counter.total))
    with _locked(plan.folder, waiting) as held:
        for workshop_plan, placed in placed_by_workshop:
            with _staged(workshop_plan.folder / workshop_plan.report_folder, clear=held) as staging:
                _make(edition, plan, placed, _Target(staging, folders(placed)[0] if placed else ""), report, counter,
                      force)
    report.seconds = time.perf_counter() - started
    return report


def build_followup(study: Study, language: str, out: Path, as_of: date, *,
                   waiting: Callable[[str], None] = _tell,
                   progress: Callable[[Event], None] = _ignore, force: bool = False) -> BuildReport:
    """`prospective suivi`: the follow-up report of the study at `as_of`, into the kit's `suivi/` folder
    (`out/<study>/<language>/<FOLLOWUP_FOLDER>/`), published on its own under the kit's lock, like a workshop's
    report (staged, swapped in; its PDF carried over when its HTML did not change, unless `force`). A whole build
    of the kit keeps the folder as it is (`_keep_followup`)."""
    started = time.perf_counter()
    edition = Edition(study, language)
    plan, folder = plan_followup(study, language, out, edition.gettext, as_of)
    if any(workshop.id == folder for workshop in study.workshops):
        raise BuildError(_("the workshop '%(workshop)s' has the folder the follow-up report goes in", workshop=folder),
                         _("rename the workshop's file (workshops/%(workshop)s.yaml)", workshop=folder))
    report = BuildReport(plan=plan)
    placed = [Placed(planned, folder) for planned in plan.documents]
    counter = _Progress(progress, len(placed))
    progress(Started(plan.folder, counter.total))
    with _locked(plan.folder, waiting) as held:
        with _staged(plan.folder / folder, clear=held) as staging:
            _make(edition, plan, placed, _Target(staging, folder), report, counter, force)
        _remember_part(plan.folder, folder)
    report.seconds = time.perf_counter() - started
    return report


def _keep_followup(edition: Edition, plan: KitPlan, staging: Path) -> None:
    """A whole build of the study's own kit keeps the follow-up report `prospective suivi` wrote (a hard link of
    each file where the file system allows, else a copy): the build does not make it, having no date to make it
    at."""
    name = edition.gettext(FOLLOWUP_FOLDER)
    previous = plan.folder / name
    if plan.territory is not None or not previous.is_dir() or previous.is_symlink() or (staging / name).exists():
        return
    shutil.copytree(previous, staging / name, symlinks=True, copy_function=_link_or_copy)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link where the file system allows (a file carried over costs no copy), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _remember_part(folder: Path, part: str) -> None:
    """After a part of a kit (`part`, a folder of it) was published on its own: its files as they are now in the
    kit's record of files, the rest as it was, so that the next whole build still finds the kit unchanged when it
    is (`toolkit.kit.cache.kit_unchanged`)."""
    path = _hidden(folder, MANIFEST_KIND)
    manifest = read_manifest(path)
    if not manifest.files:
        return
    try:
        files = {f"{part}/{name}": state for name, state in kit_files(folder / part).items()}
    except OSError:  # a file removed meanwhile: the next build will not trust this kit
        return
    kept = {name: state for name, state in manifest.files.items() if not name.startswith(f"{part}/")}
    manifest.files = kept | files
    write_manifest(path, manifest)


def build_kit(study: Study, language: str, out: Path, workshop: str | None = None, *,
              waiting: Callable[[str], None] = _tell,
              progress: Callable[[Event], None] = _ignore, edition: str = STANDARD_EDITION,
              force: bool = False, territory: str | None = None) -> BuildReport:
    """Build `study` in `language` into `out/<study>/<language>/`, workshops in sub-folders.

    With `workshop`, only that workshop's kit is built (and swapped in on its own).
    Another `edition` (large print, easy to read: `toolkit.study.model.EDITIONS`) builds its
    participant booklet alone into `out/<study>/<language>-<suffix>/` (`toolkit.kit.plan`),
    a kit folder of its own: the standard kit is left as it was (`workshop` must be None).
    HTML is rendered first, then every PDF is written (in parallel), then the indexes
    and archives that list them. `waiting` is told when another build of the same kit
    holds its folder (this one then waits for it); `progress` is told of every document
    as it is made, and of what the build leaves as it was (`Event`). A PDF whose sources did not
    change since the last build is carried over (`toolkit.kit.cache`); `force` writes them all.
    A `territory` (an id of `study.territories`) builds that territory's co-branded kit into
    `out/<study>/<language>-<territory id>/` instead (standard edition only), a kit of its own.
    """
    return _to_the_end(_kit_steps(study, language, out, workshop, waiting, progress, edition, force, territory))


def _to_the_end(steps: Generator[None, None, BuildReport]) -> BuildReport:
    """Run a kit's build (`_kit_steps`) through, its pause included."""
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


def _kit_steps(study: Study, language: str, out: Path, workshop: str | None, waiting: Callable[[str], None],
               progress: Callable[[Event], None], kind: str, force: bool, territory: str | None,
               workers: Workers | None = None) -> Generator[None, None, BuildReport]:
    """`build_kit` as a generator returning its report: it pauses once, holding the kit's lock and staging folder,
    when every HTML is written and every PDF to write is handed to `workers` (none: written when it resumes); a
    batch then prepares the next kit while the workers write (`build_territory_kits`). Closed while paused, it
    leaves the kit as it was, as any build stopped before its end."""
    started = time.perf_counter()
    edition = Edition(study, language, kind, territory)
    chosen = None if workshop is None else [w for w in study.workshops if w.id == workshop]
    plan = plan_kit(study, language, out, edition.gettext, chosen, edition=kind, territory=territory)
    report = BuildReport(plan=plan)
    if workshop is None:
        placed_by_workshop = [(None, edition_documents(plan))]
    else:
        placed_by_workshop = [(workshop_plan, workshop_documents(workshop_plan)) for workshop_plan in plan.workshops]
    counter = _Progress(progress, sum(len(placed) for _plan, placed in placed_by_workshop))
    progress(Started(plan.folder, counter.total))
    if workshop is not None:
        for path in ["", *(w.id for w in study.workshops if w.id != workshop)]:
            progress(Skipped(path, "not-asked"))
    for workshop_plan in plan.workshops:
        if not workshop_plan.report:
            progress(Skipped(posixpath.join(workshop_plan.workshop.id, workshop_plan.report_folder), "no-results"))
    inputs = _inputs(edition, plan, out, kind, territory) if workshop is None else ""
    with _locked(plan.folder, waiting) as held:
        if workshop is None and not force and _keep(plan, placed_by_workshop[0][1], inputs, report, counter):
            progress(UpToDate(plan.folder))
        elif workshop is None:
            with _staged(plan.folder, clear=held) as staging:
                finish = _begin(edition, plan, placed_by_workshop[0][1], _Target(staging, ""), report, counter, force,
                                workers)
                yield
                finish()
                for workshop_plan in plan.workshops:
                    _finish_workshop(edition, plan, workshop_plan, staging / workshop_plan.workshop.id, report, staging,
                                     progress)
                _keep_followup(edition, plan, staging)
                write_text(staging / "index.html", render_edition_index(edition, plan, report))
                progress(FileWritten("index.html"))
            _remember_kit(plan.folder, inputs)
        else:
            for workshop_plan, placed in placed_by_workshop:
                with _staged(workshop_plan.folder, clear=held) as staging:
                    finish = _begin(edition, plan, placed, _Target(staging, workshop_plan.workshop.id), report,
                                    counter, force, workers)
                    yield
                    finish()
                    _finish_workshop(edition, plan, workshop_plan, staging, report, plan.folder, progress)
    report.seconds = time.perf_counter() - started
    return report


KITS_AHEAD = 1  # kits of a batch prepared (HTML written, PDFs handed to the workers) while an earlier one finishes


def build_territory_kits(study: Study, language: str, out: Path, workshop: str | None = None, *,
                         waiting: Callable[[str], None] = _tell,
                         progress: Callable[[Event], None] = _ignore,
                         built: Callable[[BuildReport], None] = lambda report: None,
                         force: bool = False) -> tuple[list[BuildReport], Path]:
    """`build --territory all`: the study's own kit and each territory's (as `build_kit` builds each), then the index
    listing them (`write_territories_index`), in one batch.

    Each kit stays a kit of its own: its own lock, staging folder and manifest (incremental on its own, left
    as it is when nothing it reads changed), published on its own as soon as it is finished; a batch stopped
    part of the way leaves each kit either as it was or new, never a mix. The batch writes every PDF in one
    pool of worker processes (`toolkit.kit.pdf.batch_workers`, started at the first PDF to write, if any) and
    prepares the next kit (its HTML written, its PDFs handed to the workers: `KITS_AHEAD`) before it waits for
    the PDFs of the kit before, so that the workers go on to the next kit's documents rather than wait for
    one kit's last. `progress` is told of the kits' events kit after kit, as if they were built one after the
    other, and `built` of each kit's report once it is published. With `workshop`, only that workshop's kit
    is built in each. Returns the reports, in the order of the kits, and the index.
    """
    reports: list[BuildReport] = []
    in_turn = _InTurn(progress, lambda report: (reports.append(report), built(report)))
    in_flight: list[Generator[None, None, BuildReport] | BuildReport] = []
    with batch_workers() as workers:
        try:
            for number, territory in enumerate([None, *study.territories]):
                steps = _kit_steps(study, language, out, workshop, waiting, in_turn.teller(number), STANDARD_EDITION,
                                   force, territory, workers)
                try:
                    next(steps)
                    in_flight.append(steps)
                except StopIteration as end:  # an unchanged kit is done at once
                    in_flight.append(end.value)
                while len(in_flight) > KITS_AHEAD:
                    in_turn.finished(_finished(in_flight.pop(0)))
            while in_flight:
                in_turn.finished(_finished(in_flight.pop(0)))
        finally:
            for steps in in_flight:  # stopped part of the way: the kits not finished are left as they were
                if not isinstance(steps, BuildReport):
                    steps.close()
    return reports, write_territories_index(study, language, out)


def _finished(kit: Generator[None, None, BuildReport] | BuildReport) -> BuildReport:
    return kit if isinstance(kit, BuildReport) else _to_the_end(kit)


class _InTurn:
    """Tells `progress` the events of the kits of a batch in the order of the kits, whichever kit is at work: the
    events of a kit prepared while an earlier one finishes wait for that one's report (`finished`)."""

    def __init__(self, progress: Callable[[Event], None], built: Callable[[BuildReport], None]) -> None:
        self.progress, self.built = progress, built
        self.waiting: dict[int, list[Event]] = {}
        self.current = 0  # the kit whose events are told as they come

    def teller(self, number: int) -> Callable[[Event], None]:
        def tell(event: Event) -> None:
            if number == self.current:
                self.progress(event)
            else:
                self.waiting.setdefault(number, []).append(event)
        return tell

    def finished(self, report: BuildReport) -> None:
        """The current kit is published: its report is told, then what the next kit said meanwhile."""
        self.built(report)
        self.current += 1
        for event in self.waiting.pop(self.current, []):
            self.progress(event)


def _inputs(edition: Edition, plan: KitPlan, out: Path, kind: str, territory: str | None = None) -> str:
    """The fingerprint of all a whole build of this kit reads (`toolkit.kit.cache.kit_inputs`)."""
    options = {"language": plan.language, "edition": kind}
    if territory is not None:
        options["territory"] = territory
    return kit_inputs([plan.study.folder, *edition.dirs, PACKAGE_DIR], options, leave_out=out)


@dataclass(frozen=True)
class KitLink:
    """A kit as the index of the territories lists it: its territory (None: the study's own kit) and the address
    of its index page, relative to the index of the territories."""

    territory: KitTerritory | None
    href: str


def write_territories_index(study: Study, language: str, out: Path) -> Path:
    """`out/<study>/<language>-<territories>.html`: one page listing the kit of each territory of the study and the
    study's own kit, each with a link to its index page (`build --territory all` writes it after the kits)."""
    edition = Edition(study, language)
    kits = [KitLink(None, posixpath.join(kit_folder(study, language, out).name, "index.html"))]
    kits += [KitLink(kit_territory(study, territory), posixpath.join(kit_folder(study, language, out, territory).name,
                                                                     "index.html"))
             for territory in study.territories]
    target = out / study.id / f"{language}-{edition.gettext(TERRITORIES_INDEX)}.html"
    try:
        make_folder(target.parent)
        write_text(target, edition.render("territories.html.j2", kits=kits))
    except OSError as error:
        raise _os_error(error, target, os.path.isfile(target)) from None
    return target


def _keep(plan: KitPlan, placed: list[Placed], inputs: str, report: BuildReport, counter: _Progress) -> bool:
    """Leave the kit as it is when it is exactly what these inputs make, listing its documents; else False."""
    manifest = read_manifest(_hidden(plan.folder, MANIFEST_KIND))
    keys = [item.pdf_path for item in placed]
    if not all(key in manifest.documents for key in keys) or not kit_unchanged(manifest, inputs, plan.folder):
        return False
    for item, key in zip(placed, keys, strict=True):
        entry = manifest.documents[key]
        listed = Listed(item.planned, item.folder, entry.pages)
        report.documents.append(listed)
        report.warnings.extend(f"{item.planned.pdf_name}: {message}" for message in entry.warnings)
        report.reused += 1
        counter.written += 1
        counter.tell(Written(counter.written, counter.total, listed, 0.0, None))
    return True


def _remember_kit(folder: Path, inputs: str) -> None:
    """Write down what the kit just published was made of, and its files, for the next build."""
    path = _hidden(folder, MANIFEST_KIND)
    manifest = read_manifest(path)
    try:
        manifest.inputs, manifest.files = inputs, kit_files(folder)
    except OSError:  # a file removed meanwhile: the next build will not trust this kit
        return
    write_manifest(path, manifest)


@dataclass(frozen=True)
class _Target:
    """A staging folder on disk standing for the folder `base` of the edition."""

    staging: Path
    base: str

    def folder(self, relative: str) -> Path:
        """Where a folder of the edition lies inside the staging folder."""
        return self.staging / posixpath.relpath(relative, self.base) if self.base else self.staging / relative


def _make(edition: Edition, plan: KitPlan, placed: list[Placed], target: _Target, report: BuildReport,
          counter: _Progress, force: bool = False) -> None:
    """Write the HTML of every placed document, then its PDF (or carry the unchanged PDF over from
    the previous build); list each in the report, telling `counter`."""
    _begin(edition, plan, placed, target, report, counter, force)()


def _begin(edition: Edition, plan: KitPlan, placed: list[Placed], target: _Target, report: BuildReport,
           counter: _Progress, force: bool = False, workers: Workers | None = None) -> Callable[[], None]:
    """`_make` in two steps: write the HTML of every placed document and carry the unchanged PDFs over, hand the
    PDFs to write to `workers` if any; return what writes them (without `workers`) or waits for them, then
    writes down the manifest."""
    for folder in folders(placed):
        _copy_assets(plan.study, target.folder(folder))
    manifest_path = _hidden(plan.folder, MANIFEST_KIND)
    manifest = read_manifest(manifest_path)
    entries = manifest.documents
    keys = [item.pdf_path for item in placed]
    jobs = [_render(edition, plan, item, target, counter) for item in placed]
    timings = {key: entry.seconds for key, entry in entries.items() if entry.seconds > 0}
    costs = expected_seconds(keys, [len(job.html) for job in jobs], timings)
    jobs = [dataclasses.replace(job, cost=cost) for job, cost in zip(jobs, costs, strict=True)]
    now, hashes = renderer(), FileHashes()
    reasons = [why_rebuild(entries.get(key), job.html, job.variant, job.base_url, plan.folder / key, now, hashes,
                           force) for key, job in zip(keys, jobs, strict=True)]

    def done(index: int, result: PdfResult, why: str | None) -> None:
        item = placed[index]
        listed = Listed(item.planned, item.folder, result.pages)
        report.documents.append(listed)
        report.warnings.extend(f"{item.planned.pdf_name}: {message}" for message in result.warnings)
        report.reused += why is None
        counter.written += 1
        counter.tell(Written(counter.written, counter.total, listed, result.seconds, why))
        if why is not None:
            fetched = {file_key(url, jobs[index].base_url): digest for url, digest in result.fetched.items()}
            entries[keys[index]] = entry_for(jobs[index].html, jobs[index].variant, now, fetched, result.path,
                                             result.pages, result.warnings, result.seconds, result.cpu_seconds)

    in_order = _InOrder(done)
    for index, why in enumerate(reasons):
        if why is None:
            carried = _carry_over(entries[keys[index]], plan.folder / keys[index], jobs[index].target)
            in_order.ready(index, carried, None)
    written = [index for index, why in enumerate(reasons) if why is not None]
    bases = {job.base_url for job in jobs}

    def origin_of(url: str):
        return next((origin for base in bases if (origin := edition.origin_of(url, base))), None)

    def ready(number: int, result: PdfResult) -> None:
        in_order.ready(written[number], result, reasons[written[number]])

    to_write = [jobs[index] for index in written]
    futures = workers.submit(to_write) if workers is not None and to_write else None

    def finish() -> None:
        if futures is None:
            write_pdfs(to_write, origin_of, ready)
        else:
            with located(origin_of):
                workers.results(futures, ready)
        write_manifest(manifest_path, manifest)

    return finish


def _render(edition: Edition, plan: KitPlan, item: Placed, target: _Target, counter: _Progress) -> PdfJob:
    """Write the HTML of one document; return the job that writes its PDF."""
    started = time.perf_counter()
    folder = target.folder(item.folder)
    html = render_document(edition, plan, item)
    write_text(folder / item.planned.html_name, html)
    counter.rendered += 1
    counter.tell(Rendered(counter.rendered, counter.total, item, time.perf_counter() - started))
    return PdfJob(html, folder / item.planned.pdf_name, folder,
                  (folder / ASSET_DIR, *(d / TEMPLATE_ASSETS for d in edition.dirs)),
                  item.planned.artefact.pdf_variant, item.planned.pdf_name)


def _carry_over(entry: Entry, published: Path, target: Path) -> PdfResult:
    """Put the previous build's PDF in the new kit: a hard link where the file system allows, else a copy."""
    started = time.perf_counter()
    _link_or_copy(published, target)
    return PdfResult(target, entry.pages, list(entry.warnings), time.perf_counter() - started)


class _InOrder:
    """Hands documents to `done` in plan order, whichever is ready first: carried over or written."""

    def __init__(self, done: Callable[[int, PdfResult, str | None], None]) -> None:
        self.done = done
        self.waiting: dict[int, tuple[PdfResult, str | None]] = {}
        self.next = 0

    def ready(self, index: int, result: PdfResult, why: str | None) -> None:
        self.waiting[index] = (result, why)
        while self.next in self.waiting:
            self.done(self.next, *self.waiting.pop(self.next))
            self.next += 1


def _finish_workshop(edition: Edition, plan: KitPlan, workshop_plan: WorkshopPlan, folder: Path,
                     report: BuildReport, edition_folder: Path, progress: Callable[[Event], None]) -> None:
    """The workshop's index (with page counts) and the zip of the whole workshop kit.

    The zip also carries the study's documents the workshop prints (booklet, scenario cards), in a
    sub-folder, from `edition_folder` (a workshop built on its own takes them from the last full build).
    """
    write_text(folder / "index.html", render_workshop_index(edition, plan, workshop_plan, report))
    progress(FileWritten(posixpath.join(workshop_plan.workshop.id, "index.html")))
    study_folder = posixpath.join(workshop_plan.workshop.id, edition.gettext(STUDY_IN_ZIP))
    extra = [(posixpath.join(study_folder, item.planned.pdf_name), edition_folder / item.planned.pdf_name)
             for item in printed_study_documents(plan)]
    _write_zip(folder, folder / workshop_plan.zip_name, root=workshop_plan.workshop.id,
               leave_out=workshop_plan.report_folder, extra=[(name, path) for name, path in extra if path.is_file()])
    progress(FileWritten(posixpath.join(workshop_plan.workshop.id, workshop_plan.zip_name)))


def _copy_assets(study: Study, folder: Path) -> None:
    """Study images travel with the kit so the HTML files show them too."""
    for name, source in study_images(study.folder):
        target = folder / ASSET_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _write_zip(folder: Path, target: Path, root: str, leave_out: str, extra: list[tuple[str, Path]] = ()) -> None:
    """One archive of the workshop kit, to send to a print shop or a co-facilitator (not the report).

    `extra`: more files, each with its name in the archive.
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p != target and not p.name.startswith(".")
                   and p.relative_to(folder).parts[0] != leave_out)
    named = [(f"{root}/{path.relative_to(folder).as_posix()}", path) for path in files] + list(extra)
    with atomic_file(target) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in named:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


# --- one build at a time per kit ------------------------------------------------------------

LOCK_WAIT_SECONDS = 15 * 60  # the shipped study builds in about 30 s: far longer means something is stuck
LOCK_POLL_SECONDS = 0.2

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, builds are not serialised
    fcntl = None


@contextmanager
def _locked(folder: Path, waiting: Callable[[str], None]) -> Iterator[bool]:
    """Hold the lock of the kit folder `folder`, waiting (and saying so) while another build holds it.

    The lock is `flock` on `.<name>.lock` beside the folder: the system releases it when the
    holder ends, however it ends, so it can never be left stale. The file stays (removing it
    would let two builds lock two different files); it holds the number of the last process
    that held it, to name it in the message.

    Yields whether the lock is really held: not where the file system has no locks (some
    network file systems) nor on Windows; builds are then not serialised, and they leave
    the leftovers of killed builds where they are, since they might be another's.
    """
    lock = _hidden(folder, "lock")
    existed = os.path.isdir(folder)
    try:
        make_folder(folder.parent)
        handle = _open_lock(lock)
    except OSError as error:
        raise _os_error(error, folder, existed) from None
    try:
        held = _wait_for(handle, folder, waiting)
        with suppress(OSError):  # only a courtesy for the next one waiting (the file may be read-only)
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield held
    finally:
        os.close(handle)  # releases the lock


def _wait_for(handle: int, folder: Path, waiting: Callable[[str], None]) -> bool:
    """Take the lock, saying once that this build waits for another if it must, at most LOCK_WAIT_SECONDS.

    True once held; False when the file system has no locks.
    """
    try:
        if (held := _try_lock(handle)) is not False:
            return held is True
        holder = _holder(handle)
        waiting(_("another build of %(folder)s is running%(holder)s: "
                  "this one waits for it to finish (Ctrl-C to give up)", folder=display_path(folder), holder=holder))
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while (held := _try_lock(handle)) is False:
            if time.monotonic() > deadline:
                raise BuildError(
                    _("another build of %(folder)s is still running%(holder)s after %(duration)s: "
                      "this one stopped without writing anything",
                      folder=display_path(folder), holder=holder, duration=_duration(LOCK_WAIT_SECONDS)),
                    _("wait until it has finished, or stop it, then build again"))
            time.sleep(LOCK_POLL_SECONDS)
    except OSError as error:
        raise _os_error(error, folder, os.path.isdir(folder)) from None
    return held is True


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return ngettext("%(amount)s minute", "%(amount)s minutes", int(seconds // 60), amount=f"{seconds / 60:g}")
    return ngettext("%(amount)s second", "%(amount)s seconds", int(seconds), amount=f"{seconds:g}")


def _open_lock(lock: Path) -> int:
    """The lock file, opened for writing when we may, else for reading (enough to lock it)."""
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not os.path.isfile(lock):
            raise
    return os.open(lock, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))


def _try_lock(handle: int) -> bool | None:
    """True: locked; False: another holds it; None: no lock to be had here."""
    if fcntl is None:  # pragma: no cover
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):  # a file system without locks
            return None
        raise
    return True


def _holder(handle: int) -> str:
    """' (process N)', read from the lock file, or '' when it names no running process."""
    with suppress(OSError, ValueError, OverflowError):
        pid = int(os.pread(handle, 32, 0).decode().strip())
        with suppress(PermissionError):  # someone else's process: it runs
            os.kill(pid, 0)  # raises when there is no such process (the holder has not written its own yet)
        return _(" (process %(pid)s)", pid=pid)
    return ""


# --- staging and publishing ------------------------------------------------------------------


def _hidden(destination: Path, kind: str) -> Path:
    """`.<name>.<kind>` beside `destination`: its lock, or the prefix of its staging folders."""
    return destination.with_name(f".{destination.name}.{kind}")


@contextmanager
def _staged(destination: Path, clear: bool = True) -> Iterator[Path]:
    """A staging folder that replaces `destination` only if the block succeeds.

    With `clear` (only with the kit's lock held), it first clears what a killed build of
    `destination` left. Any OSError of the block becomes a BuildError naming the path the user knows
    (inside `destination`, not inside the staging folder).
    """
    existed = os.path.isdir(destination)
    staging = None
    try:
        make_folder(destination.parent)
        if os.path.lexists(destination) and not os.path.isdir(destination):
            raise NotADirectoryError(errno.ENOTDIR, _("a file stands where the kit folder should be"),
                                     str(destination))
        if clear:
            _clear_leftovers(destination)
        existed = os.path.isdir(destination)
        staging = new_folder(destination.parent, _hidden(destination, "building-").name)
        made = _identity(staging)
        yield staging
        if _identity(staging) != made:  # removed meanwhile, then made again by a write: not the whole kit
            raise FileNotFoundError(errno.ENOENT, _("the folder was removed during the build"), str(staging))
        _publish(staging, destination)
    except OSError as error:
        raise _os_error(error, destination, existed, staging) from None
    finally:
        if staging is not None:
            _remove(staging)


def _identity(folder: Path) -> tuple[int, int] | None:
    with suppress(OSError):
        status = os.stat(folder)
        return status.st_dev, status.st_ino
    return None


def _clear_leftovers(destination: Path) -> None:
    """Remove the staging folders a killed build left; put back a kit it had set aside."""
    building = _hidden(destination, "building-").name
    retired = _hidden(destination, "old-").name
    leftovers = sorted(path for path in destination.parent.iterdir()
                       if path.name.startswith((building, retired)))
    if not os.path.lexists(destination):  # killed between the two renames of the fallback publish
        set_aside = [path for path in leftovers if path.name.startswith(retired) and os.path.isdir(path)]
        if set_aside:
            set_aside[-1].rename(destination)
            leftovers.remove(set_aside[-1])
    for path in leftovers:
        _remove(path)


def _publish(staging: Path, destination: Path) -> None:
    """Swap the finished kit in; the old one is removed only once the new one is in place."""
    if not os.path.lexists(destination):
        staging.rename(destination)
        return
    if _exchange(staging, destination):
        _remove(staging)  # now the previous kit
        return
    retired = destination.with_name(f"{_hidden(destination, 'old-').name}{time.time_ns()}")
    destination.rename(retired)
    try:
        staging.rename(destination)
    except BaseException:
        retired.rename(destination)
        raise
    _remove(retired)


AT_FDCWD = -100  # <fcntl.h>
RENAME_EXCHANGE = 2  # <linux/fs.h>
RENAME_SWAP = 2  # <stdio.h> on macOS
_CANNOT_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two existing paths atomically; False when the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # pragma: no cover - no C library to ask (Windows)
        return False
    names = (os.fsencode(first), os.fsencode(second))
    if (renameat2 := getattr(libc, "renameat2", None)) is not None:  # Linux 3.15, glibc 2.28
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = renameat2(AT_FDCWD, names[0], AT_FDCWD, names[1], RENAME_EXCHANGE)
    elif (renamex_np := getattr(libc, "renamex_np", None)) is not None:  # pragma: no cover - macOS 10.12
        renamex_np.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = renamex_np(names[0], names[1], RENAME_SWAP)
    else:  # pragma: no cover
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _CANNOT_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


def _remove(path: Path) -> None:
    """Delete a staging or retired folder, as far as possible (what remains goes next time)."""
    if os.path.islink(path) or not os.path.isdir(path):
        with suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def _os_error(error: OSError, destination: Path, existed: bool, staging: Path | None = None) -> BuildError:
    """The BuildError for an error of the system while building `destination`, naming a path the user knows."""
    path = Path(os.fsdecode(error.filename)) if isinstance(error.filename, (str, bytes)) else None
    doing = "write"
    if path is None:
        path = destination
    elif staging is not None and path.is_relative_to(staging):
        path = destination / path.relative_to(staging)
    elif path.parent == destination.parent and path.name.startswith(f".{destination.name}."):
        path = destination  # its lock, a staging or a retired folder
    elif not (path.is_relative_to(destination.parent) or destination.is_relative_to(path)):
        doing = "read"  # a file of the study, an image
    problem = os_problem(error, doing, path)
    if not existed:
        kept = _(" (nothing was written)")
    elif os.path.isdir(destination):
        kept = _(" (%(folder)s was left as it was)", folder=display_path(destination))
    else:
        kept = ""  # someone removed it meanwhile
    return BuildError.of(Problem(None, problem.message + kept, problem.hint))
