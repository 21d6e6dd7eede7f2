"""Stage 5, write PDF: WeasyPrint with a fetcher that only serves known asset folders.

Any other URL (another file, http, data:) stops the build with an error that names it:
scenario text is untrusted, so a refused URL must never pass as a mere warning.
Files are written to a temporary name and renamed, so a failed build never leaves a
truncated PDF nor replaces a good one.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import logging
import mimetypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from toolkit.errors import BuildError
from toolkit.files import atomic_file
from toolkit.language import _, configure, current
from toolkit.paths import BUILTIN_TEMPLATES
from toolkit.study.model import Origin

PARALLEL_FROM = 3  # fewer documents than this are written in-process (no worker start-up)
RENEW_AFTER = 50  # documents a worker of a batch of kits writes, about, before new workers take over (`Workers`)
# `toolkit:icc/<name>.icc` is a colour profile shipped with the toolkit's templates (templates/icc/),
# wherever they are installed: the print-shop decks' CSS names its CMYK output profile so.
SHIPPED = "toolkit"
SHIPPED_PROFILES = "icc"


def _weasyprint():
    """Import WeasyPrint late, turning a missing system library into a clear error."""
    try:
        import weasyprint
    except OSError as error:  # Pango or its friends are missing
        raise BuildError(
            _("WeasyPrint cannot load its system libraries (%(error)s)", error=error),
            _("install Pango: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 "
              "(macOS: brew install pango)"),
        ) from None
    return weasyprint


def make_fetcher(roots: list[Path], fetched: dict[str, str] | None = None):
    """A WeasyPrint URL fetcher serving only files under `roots` (and the shipped `toolkit:icc/*.icc`).

    Any other URL raises WeasyPrint's `FatalURLFetchingError` with (url, reason): WeasyPrint
    re-raises that one instead of logging it, so a refused URL always stops the build.
    `fetched`, when given, receives the SHA-256 of every file served, by URL: what the PDF
    depends on besides its HTML (`toolkit.kit.cache`).
    """
    weasyprint = _weasyprint()
    # A root that is a link could stand for any folder: it serves nothing (`check` refuses links anyway).
    resolved = [root.resolve() for root in roots if not root.is_symlink()]

    refused = weasyprint.urls.FatalURLFetchingError  # WeasyPrint lets it stop the rendering

    class AssetFetcher(weasyprint.urls.URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

        def fetch(self, url: str, headers: dict | None = None):
            parsed = urlparse(url)
            if parsed.scheme == SHIPPED:
                return _shipped_profile(url, parsed.path)
            if parsed.scheme != "file":
                raise refused(url, _("only the study's own asset files may be loaded"))
            path = Path(url2pathname(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in resolved):
                raise refused(url, _("the file is outside the study's and templates' asset folders"))
            if not path.is_file():
                raise refused(url, _("no such file"))
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, _served(url, path), headers={"Content-Type": mime})

    def _served(url: str, path: Path) -> bytes:
        data = path.read_bytes()
        if fetched is not None:
            fetched[url] = hashlib.sha256(data).hexdigest()
        return data

    def _shipped_profile(url: str, name: str):
        folder = (BUILTIN_TEMPLATES / SHIPPED_PROFILES).resolve()
        path = (BUILTIN_TEMPLATES / url2pathname(name)).resolve()
        if path.parent != folder or path.suffix != ".icc":
            raise refused(url, _("the file is outside the study's and templates' asset folders"))
        if not path.is_file():
            raise refused(url, _("no such file"))
        return weasyprint.urls.URLFetcherResponse(url, _served(url, path),
                                                  headers={"Content-Type": "application/vnd.iccprofile"})

    return AssetFetcher()


def scope_table_headers(path: Path) -> None:
    """Give every table header cell of a tagged PDF its scope: column in a table head, row elsewhere.

    WeasyPrint tags `th` as /TH but does not carry the HTML `scope` into the structure tree, so a
    screen reader cannot tell which cells a header names (PDF/UA-1 7.5, checked by `pdfua`). Our
    templates put column headers in `thead` and row headers as the first cell of a body row, so
    the position says the scope.
    """
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        changed = False
        for element in _struct_elements(root.get("/K")):
            if element.get("/S") != pikepdf.Name.TH:
                continue
            row = element.get("/P")
            group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
            in_head = isinstance(group, pikepdf.Dictionary) and group.get("/S") == pikepdf.Name.THead
            element.A = pikepdf.Dictionary(O=pikepdf.Name.Table,
                                           Scope=pikepdf.Name.Column if in_head else pikepdf.Name.Row)
            changed = True
        if changed:
            try:
                pdf.save(path)
            except OSError as error:  # pikepdf names its own temporary file object: name the PDF being written
                raise OSError(error.errno, error.strerror, os.fspath(path)) from None


def _struct_elements(kids) -> Iterator:
    """Every structure element under `kids` (a dictionary, an array of them, or marked-content numbers)."""
    import pikepdf

    stack = [kids]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            yield item
            if "/K" in item:
                stack.append(item.K)


@dataclass
class PdfResult:
    path: Path
    pages: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the time this document took to write
    cpu_seconds: float = 0.0  # the CPU time it took: what the benchmark compares, whatever else the machine ran
    fetched: dict[str, str] = field(default_factory=dict)  # URL -> SHA-256 of every file WeasyPrint read


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings so the build can report (and tests can refuse) them."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector(level=logging.WARNING)
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@dataclass(frozen=True)
class PdfJob:
    """Everything needed to write one PDF, picklable so a worker process can do it."""

    html: str
    target: Path
    base_url: Path
    asset_roots: tuple[Path, ...]
    variant: str | None
    document_name: str
    cost: float = 0.0  # how long it should take to write, in any unit shared by the jobs of a build


def longest_first(jobs: list[PdfJob]) -> list[int]:
    """The order to hand jobs to the workers: the costliest first, ties in plan order.

    Handed out in plan order, the biggest decks came last and one core worked alone at the end
    (1.3x on 2 cores); costliest first, the short documents fill the gaps at the end.
    """
    return sorted(range(len(jobs)), key=lambda index: (-jobs[index].cost, index))


def write_pdf(job: PdfJob) -> PdfResult:
    """Render one document to its target atomically; return its page count and warnings.

    Memory (issue 14): a process's peak is its largest document's, and the laid-out pages are
    most of it (a 400-page booklet: some 230 MiB over the 70 MiB of a worker's imports).
    So nothing else is piled on top of them: the layout's cyclic garbage is collected
    before the PDF is written, so that writing reuses its memory; the laid-out document
    is let go before pikepdf reopens the PDF; and the memory freed is given back to the
    system afterwards (`_release_memory`), since a worker then waits or takes a smaller one.
    These collections skip what was alive before the document (`gc.freeze`): in a build that
    writes its PDFs in its own process, going over the whole study each time cost 5 % more CPU.
    """
    weasyprint = _weasyprint()
    started, cpu_started = time.perf_counter(), time.process_time()
    fetched: dict[str, str] = {}
    gc.freeze()  # what is alive already (imports, the caller's study) is left out of the collections below
    with _captured_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=job.html, base_url=job.base_url.resolve().as_uri() + "/",
                url_fetcher=make_fetcher(list(job.asset_roots), fetched),
            ).render()
            pages = len(document.pages)
            gc.collect()
            with atomic_file(job.target) as temporary:
                document.write_pdf(temporary, pdf_variant=job.variant)
                document = None
                if job.variant == "pdf/ua-1":
                    gc.collect()
                    scope_table_headers(temporary)
        except weasyprint.urls.FatalURLFetchingError as refused:
            url, reason = refused.args  # as our fetcher raised it
            raise BuildError(
                _("%(document)s: refused to load %(url)s (%(reason)s)",
                  document=job.document_name, url=url, reason=reason),
                _("images must be files in the study's assets/ folder"),
                url=url,
            ) from None
        finally:
            document = None
            _release_memory()
            gc.unfreeze()
    return PdfResult(job.target, pages, list(warnings), time.perf_counter() - started,
                     time.process_time() - cpu_started, fetched)


def _release_memory() -> None:
    """Collect the garbage of the document just written and give the free memory back to the system.

    Python gives back only its arenas left empty; the rest of the freed memory (Python's
    larger objects, Pango's and HarfBuzz's allocations) stays in the C heap, counted in the
    process's size, until glibc is asked to trim it: some 50 MiB after a 100-page report.
    """
    gc.collect()
    if _TRIM is not None:
        with suppress(Exception):
            _TRIM(0)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on other C libraries and systems."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl, or no C library to open
        return None


_TRIM = _malloc_trim()


def write_pdfs(jobs: list[PdfJob], origin_of: Callable[[str], Origin | None] | None = None,
               done: Callable[[int, PdfResult], None] | None = None) -> list[PdfResult]:
    """Write every PDF, in parallel processes when there are enough to be worth it.

    WeasyPrint uses one core per document; each worker imports it once (spawn, so no
    state is shared). PROSPECTIVE_JOBS=N writes them in N processes (1: in this one).
    `done(index, result)` is told of each document as soon as it and those before it
    are written, in the order of `jobs`.
    """
    workers, parallel = _workers(len(jobs))
    tell = done or (lambda index, result: None)
    with located(origin_of):
        if not parallel:
            results = []
            for index, job in enumerate(jobs):
                results.append(write_pdf(job))
                tell(index, results[-1])
            return results
        return _in_workers(jobs, workers, tell)


@contextmanager
def located(origin_of: Callable[[str], Origin | None] | None) -> Iterator[None]:
    """A refused URL's BuildError raised in the block names the field of the study that asked for it."""
    try:
        yield
    except BuildError as error:
        origin = origin_of(error.url) if origin_of and error.url else None
        if origin is None:
            raise
        raise BuildError(_("%(problem)s, asked for by %(field)s", problem=error.problem.message, field=origin.field),
                         error.problem.hint, origin.location, error.url) from None


class Workers:
    """Worker processes shared by the kits of a batch (`toolkit.kit.build.build_territory_kits`): one pool, started
    at the first document to write, kept from kit to kit, stopped with the batch (`batch_workers`).

    A kit hands its jobs over with `submit` as soon as its HTML is written and takes its results later with
    `results`: meanwhile the next kit's jobs may be handed over too, so that the workers, taking jobs in the
    order they were handed over, go on to the next kit's documents instead of waiting for one kit's last.
    """

    def __init__(self, count: int, renew_after: int | None = None) -> None:
        self.count = count
        self.renew_after = renew_after  # documents a pool writes before the next submit starts a new one
        self.pool: ProcessPoolExecutor | None = None
        self.submitted: list = []  # the futures of the current pool
        self.started = 0  # pools started

    def submit(self, jobs: list[PdfJob]) -> list:
        """Hand `jobs` to the workers, the costliest first (`longest_first`); their futures, in the order of `jobs`.

        With `renew_after`, a pool that has been handed that many documents is first let finish them, then
        ended, and new workers take the jobs: a process writing PDFs keeps some of the memory of each
        document it lays out (WeasyPrint's and Pango's, outside Python's heap: about 0.25 MiB a document of the
        small study, given back neither by the collector nor by malloc_trim), so that workers kept for a whole
        batch would grow with the number of its kits.
        """
        if self.pool is not None and self.renew_after is not None and len(self.submitted) >= self.renew_after:
            wait(self.submitted)  # their results stay with their futures; the workers end once idle
            self.pool.shutdown()
            self.pool, self.submitted = None, []
        futures: list = [None] * len(jobs)
        try:
            with _workers_starting():  # workers are started by submit
                if self.pool is None:
                    self.pool = _new_pool(self.count)
                    self.started += 1
                for index in longest_first(jobs):
                    futures[index] = self.pool.submit(write_pdf, jobs[index])
        except (BrokenProcessPool, OSError, ValueError) as error:
            raise self._failure(error) from None
        self.submitted += futures
        return futures

    def results(self, futures: list, done: Callable[[int, PdfResult], None]) -> list[PdfResult]:
        """The results of `futures` (from `submit`), `done` told of each in their order as soon as it is there."""
        results = []
        try:
            for index, future in enumerate(futures):
                results.append(future.result())
                done(index, results[-1])
        except (BrokenProcessPool, OSError, ValueError) as error:
            raise self._failure(error) from None
        return results

    def _failure(self, error: BaseException) -> BaseException:
        """A worker killed (out of memory, or by someone) says so; any other error is itself.

        A worker killed while the next one is being started: the pool's manager thread closes the queues
        the new worker was to inherit, and starting it fails with "bad value(s) in fds_to_keep" or
        "handle is closed" rather than BrokenProcessPool.
        """
        if isinstance(error, BrokenProcessPool) or (self.pool is not None and _is_broken(self.pool)):
            return _worker_died()
        return error

    def close(self) -> None:
        """Wait for the workers to finish what they have, and end them."""
        if self.pool is not None:
            self.pool.shutdown()

    def stop(self) -> None:
        """End the workers now (`_stop`): queued documents are cancelled, none is waited for."""
        if self.pool is not None:
            _stop(self.pool)


@contextmanager
def batch_workers() -> Iterator[Workers | None]:
    """The workers of a batch of kits, or None where documents are written in this process (PROSPECTIVE_JOBS=1,
    one core): then each kit writes its own as a single build does. Stopped at once when the block fails."""
    count, parallel = _workers(sys.maxsize)
    workers = Workers(count, RENEW_AFTER * count) if parallel else None
    try:
        yield workers
    except BaseException:
        if workers is not None:
            workers.stop()
        raise
    if workers is not None:
        workers.close()


def _workers(count: int) -> tuple[int, bool]:
    """How many worker processes for `count` documents, and whether to use any."""
    chosen = os.environ.get("PROSPECTIVE_JOBS", "").strip()
    if chosen.isdigit() and int(chosen) > 0:  # asked for: used even for a few documents
        workers = min(int(chosen), count)
        return workers, workers > 1
    workers = min(os.cpu_count() or 1, count)
    return workers, workers > 1 and count > PARALLEL_FROM


# --- worker processes ------------------------------------------------------------------------
#
# The workers never outlive the build. Ctrl-C (or SIGTERM, which the command turns into an
# exception), a refused URL or any error stops the build at once: queued documents are
# cancelled and the workers terminated, not waited for. A build killed outright (kill -9,
# out of memory) cannot stop its workers, so each worker watches its parent: on Linux the
# kernel kills it when the parent dies (prctl PR_SET_PDEATHSIG), elsewhere a thread notices
# the parent changed within a second. The multiprocessing resource tracker then exits on its
# own, its last user gone. Workers ignore SIGINT: a Ctrl-C in the terminal reaches the whole
# process group, and the parent alone decides what it means; SIGINT is even blocked from the
# moment a worker is started until it ignores it, and the parent acts on a signal only once
# every worker has started (see _workers_starting), so that a Ctrl-C while workers start
# never shows their tracebacks.

PARENT_POLL_SECONDS = 0.5
STOP_SECONDS = 5  # a terminated worker has this long to exit before it is killed
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _in_workers(jobs: list[PdfJob], workers: int, done: Callable[[int, PdfResult], None]) -> list[PdfResult]:
    pool = Workers(workers)
    try:
        results = pool.results(pool.submit(jobs), done)
    except BaseException:
        pool.stop()
        raise
    pool.close()
    return results


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_started, initargs=(os.getpid(), current()))


def _worker_died() -> BuildError:
    return BuildError(_("a process writing the PDFs stopped unexpectedly"),
                      _("it may have run out of memory: close other programs, or build with "
                        "PROSPECTIVE_JOBS=1, then try again"))


def _is_broken(pool: ProcessPoolExecutor) -> bool:
    """Whether a worker of the pool died: the pool says so, or a worker has an exit code."""
    if getattr(pool, "_broken", False):  # no public API: set by the pool when a worker dies
        return True
    processes = (getattr(pool, "_processes", None) or {}).values()
    return any(process.exitcode not in (None, 0) for process in list(processes))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now, without waiting for their documents."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with suppress(OSError, ValueError):  # already gone, or already closed
            process.terminate()
    for process in processes:
        with suppress(OSError, ValueError):
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join(STOP_SECONDS)


@contextmanager
def _workers_starting() -> Iterator[None]:
    """While workers are started: Ctrl-C and SIGTERM wait until they are all started, and only then act.

    A worker reads what to run from a pipe the parent writes right after starting it; a
    parent interrupted between the two leaves the worker to print a traceback. So for this
    short while, in the main thread, the Python handlers of SIGINT and SIGTERM (Ctrl-C's
    KeyboardInterrupt, and whatever the command installed) are replaced by one that notes
    the signal, then put back, and the first signal noted is handed to its own handler.
    SIGINT is also blocked in this thread, so that the workers start with it blocked (they
    inherit the mask) until they ignore it.
    """
    noted: list[tuple[int, object]] = []
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(number)
            if callable(handler):  # SIG_DFL and SIG_IGN act in the system, never in Python code
                handlers[number] = handler
                signal.signal(number, lambda signum, frame: noted.append((signum, frame)))
    mask = getattr(signal, "pthread_sigmask", None)
    blocked = mask(signal.SIG_BLOCK, {signal.SIGINT}) if mask is not None else None
    try:
        yield
    finally:
        if mask is not None:
            mask(signal.SIG_SETMASK, blocked)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for signum, frame in noted[:1]:
            handlers[signum](signum, frame)


def _worker_started(parent: int, language: str) -> None:
    """Initializer of each worker: ignore Ctrl-C, die with the parent, speak the parent's language."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards a Ctrl-C pending since the start
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    configure(language)
    if sys.platform.startswith("linux"):
        with suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit as soon as the parent is gone (an orphan is adopted by another process)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
