"""`prospective serve`: a live preview of a study kit, rebuilt and reloaded on every change.

The HTML is rendered in memory, from the same plan and templates as the build. Every
rebuild produces a complete new `Site` in memory, swapped in with one assignment: a
request sees either the previous site or the new one, never a half-built page. When the
study is invalid or a template fails, every page is an error page listing the problems;
the server itself never stops on a bad file.

After each HTML rebuild that succeeds, the PDFs follow in the background (`PdfBuilder`): the
real, incremental build (`toolkit.kit.build.build_kit`) into a folder of the preview, so only
the PDFs whose sources changed are written again. They are served at their paths in the kit;
a PDF not yet written for the page's version answers a page that says so and reloads itself,
and a PDF build that failed answers the error page. The HTML never waits for the PDFs.

The reload script is a constant of this module, served as its own file: nothing of the
study's text goes into it, and a page only carries the build counter (an integer). Every
answer carries a Content-Security-Policy that lets the browser load nothing but this
server's own files: no remote image, style, font or script written in a study or its
results ever reaches the browser (docs/security.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import ipaddress
import mimetypes
import multiprocessing
import os
import posixpath
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2

from toolkit.errors import BuildError, InputError, Location, Problem, did_you_mean, display_path, os_problem, printable
from toolkit.kit.build import build_kit
from toolkit.kit.plan import plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import (
    Listed,
    Listing,
    edition_documents,
    folders,
    render_document,
    render_edition_index,
    render_workshop_index,
    study_images,
)
from toolkit.language import N_, _, configure, current, decimal, ngettext
from toolkit.paths import ASSET_DIR, BUILTIN_TEMPLATES
from toolkit.study.load import load_study
from toolkit.study.notes import editor_notes

POLL_SECONDS = 0.5
VERSION_PATH = "/__version"
RELOAD_PATH = "/__reload.js"
# Inline styles stay (the kit's HTML carries its CSS inline); scripts only from this server.
CONTENT_POLICY = ("default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
                  "script-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; "
                  "form-action 'none'; base-uri 'none'")
NO_PAGES = "–"  # the preview's indexes count no pages: the PDFs come later
PDF_POLL_SECONDS = 0.2  # how often the PDF thread looks whether serve is stopping while a build runs
PDF_STOP_SECONDS = 5  # a stopped PDF build has this long to stop its workers and clean up, then is ended
WRITING, READY, FAILED = "writing", "ready", "failed"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
SKIPPED_DIRS = {"__pycache__", "node_modules"}

# Ours, constant, served at RELOAD_PATH. Polls every second, reloads when the build counter changes.
RELOAD_SCRIPT = """(function () {
  var version = document.currentScript.getAttribute("data-version");
  function poll() {
    fetch("VERSION_PATH", {cache: "no-store"}).then(function (response) { return response.text(); }).then(
      function (text) { if (text.trim() !== version) { location.reload(); } else { setTimeout(poll, 1000); } },
      function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
""".replace("VERSION_PATH", VERSION_PATH)
RELOAD_TAG = f'<script src="{RELOAD_PATH}" data-version="{{version}}"></script>\n'


@dataclass(frozen=True)
class Site:
    """One complete build of the preview: pages by path, or the problems that stopped it."""

    version: int
    files: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    pdfs: frozenset[str] = frozenset()  # the PDF of every document page, by path in the kit

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def kit_pdfs(files: Iterable[str]) -> frozenset[str]:
    """The PDF of each document among the kit's pages: every HTML page but the indexes has one."""
    return frozenset(f"{path[:-len('.html')]}.pdf" for path in files
                     if path.endswith(".html") and posixpath.basename(path) != "index.html"
                     and not path.startswith("__"))


def render_site(folder: Path, language: str | None) -> tuple[dict[str, bytes], list[Problem]]:
    """Every HTML page of the study's kit (and its workshops), by path in the kit; and the warnings.

    The same walk as the build (`toolkit.kit.walk`), without PDFs. Raises InputError,
    BuildError or a Jinja error like the build does.
    """
    study = load_study(folder)
    language = language or study.meta.language
    if language not in study.languages:  # --lang becomes no folder here, but is refused as in `build`
        raise BuildError(_("no '%(language)s' edition in %(study)s%(close)s", language=printable(language),
                           study=study.id, close=did_you_mean(language, study.languages)),
                         _("its languages: %(known)s (add one to `languages:` in study.yaml)",
                           known=", ".join(study.languages)))
    edition = Edition(study, language)
    plan = plan_kit(study, language, Path("preview"), edition.gettext)
    placed = edition_documents(plan)
    listing = Listing()
    files: dict[str, bytes] = {}
    assets = {name: source.read_bytes() for name, source in study_images(study.folder)}
    for kit_folder in folders(placed):
        for name, data in assets.items():
            files[posixpath.join(kit_folder, ASSET_DIR, name)] = data
    for item in placed:
        files[item.html_path] = render_document(edition, plan, item).encode("utf-8")
        listing.documents.append(Listed(item.planned, item.folder, NO_PAGES))
    for workshop_plan in plan.workshops:
        index = render_workshop_index(edition, plan, workshop_plan, listing)
        files[posixpath.join(workshop_plan.workshop.id, "index.html")] = index.encode("utf-8")
    files["index.html"] = render_edition_index(edition, plan, listing).encode("utf-8")
    notes = editor_notes(study)
    if notes:  # preview only: the editors' notes, on a page of their own, linked from the index
        files[NOTES_PAGE] = notes_page(notes)
        files["index.html"] = inject_notes_link(files["index.html"], len(notes))
    return files, list(study.warnings)


NOTES_PAGE = "__notes.html"  # no kit file starts with "__"


def notes_page(notes: list[Problem]) -> bytes:
    """The editors' notes (`editor_note:`), located: seen in the preview, never in a document."""
    items = "".join(f"<li><code class=\"where\">{escape(str(note.location))}</code> "
                    f"<span class=\"message\">{escape(note.message)}</span></li>" for note in notes)
    title = escape(ngettext("%(num)d editor's note", "%(num)d editor's notes", len(notes)))
    intro = escape(_("Notes written for the study's editors (editor_note): they are never printed in a document."))
    return (f"<!DOCTYPE html>\n<html lang=\"{escape(current())}\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head><body class=\"preview-notes\"><h1>{title}</h1><p>{intro}</p>"
            f"<ol class=\"notes\">{items}</ol></body></html>\n").encode()


def inject_notes_link(html: bytes, count: int) -> bytes:
    """The index with a link to the notes page at the top of its body (the preview's, not the kit's)."""
    label = escape(ngettext("%(num)d editor's note", "%(num)d editor's notes", count))
    link = f'<p class="preview-notes-link"><a href="/{NOTES_PAGE}">{label}</a></p>'.encode()
    at = html.lower().find(b"<body")
    end = html.find(b">", at) + 1 if at >= 0 else 0
    return html[:end] + link + html[end:]


def problems_of(error: BaseException) -> list[Problem]:
    """The located problems an exception of a rebuild stands for."""
    if isinstance(error, InputError):
        return error.problems.sorted()
    if isinstance(error, BuildError):
        return [error.problem]
    if isinstance(error, jinja2.TemplateSyntaxError):
        location = Location(Path(error.filename), error.lineno or 1) if error.filename else None
        return [Problem(location, _("template error: %(error)s", error=error.message),
                        _("fix the template; the page reloads"))]
    if isinstance(error, jinja2.TemplateError):
        return [Problem(None, _("template error: %(error)s", error=f"{type(error).__name__}: {error}"),
                        _("a template or the study's data does not fit; fix it and the page reloads"))]
    return [Problem(None, _("internal error: %(kind)s: %(error)s", kind=type(error).__name__, error=error),
                    _("this is a bug in prospective-toolkit: please report it (the preview keeps running)"))]


def error_page(problems: Iterable[Problem]) -> bytes:
    """The page every URL shows while the study cannot be built, in the user's language.

    Every piece of text is escaped, the translations included.
    """
    problems = list(problems)
    items = []
    for problem in problems:
        where = f"<code class=\"where\">{escape(str(problem.location))}</code>: " if problem.location else ""
        hint = _("hint: %(hint)s", hint=problem.hint) if problem.hint else ""
        hint = f"<br><span class=\"hint\">{escape(hint)}</span>" if hint else ""
        items.append(f"<li>{where}<strong>{escape(_(SEVERITIES.get(problem.severity, problem.severity)))}</strong>: "
                     f"<span class=\"message\">{escape(problem.message)}</span>{hint}</li>")
    count = len(problems)
    title = escape(ngettext("Preview: %(num)d problem", "Preview: %(num)d problems", count))
    heading = escape(ngettext("The kit cannot be built: %(num)d problem", "The kit cannot be built: %(num)d problems",
                              count))
    advice = escape(_("Fix the file and save it: this page reloads by itself."))
    return f"""<!DOCTYPE html>
<html lang="{escape(current())}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
h1 {{ color: #a40000; font-size: 1.4rem; }}
li {{ margin-bottom: .8rem; }}
code {{ background: #f3f3f3; padding: 0 .2em; }}
.hint {{ color: #555; }}
</style>
</head>
<body class="preview-error">
<h1>{heading}</h1>
<ol class="problems">
{"".join(items)}
</ol>
<p>{advice}</p>
</body>
</html>
""".encode()


SEVERITIES = {"error": N_("error"), "warning": N_("warning")}  # as the error page names them


def message_page(title: str, text: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html lang=\"{escape(current())}\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>\n").encode()


def inject_reload(html: bytes, version: int | str) -> bytes:
    """The page with our reload script before its last </body> (or at its end).

    `version` is what the page shows: the site's version, then the PDF builds' (`reload_token`).
    """
    return inject_before_body_end(html, RELOAD_TAG.format(version=escape(str(version))).encode())


def inject_before_body_end(html: bytes, tag: bytes) -> bytes:
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def reload_token(site: Site, pdfs: PdfState | None) -> str:
    """What a page shows, as the reload script compares it: a new site or a finished PDF build reloads it."""
    return f"{int(site.version)}.{int(pdfs.serial) if pdfs is not None else 0}"


# The PDF bar of the preview's pages: for contributors, discreet, never printed, every style reset.
PDF_BAR_STYLE = """<style>
.preview-pdf { all: initial; position: fixed; right: 6px; bottom: 6px; z-index: 2147483647; opacity: .9;
  font: 12px/1.4 system-ui, sans-serif; color: #333; background: #fff; border: 1px solid #bbb;
  border-radius: 3px; padding: 1px 6px; }
.preview-pdf a { all: unset; color: #1a4d8f; text-decoration: underline; cursor: pointer; font-weight: bold; }
.preview-pdf.failed { color: #a40000; border-color: #a40000; }
@media print { .preview-pdf { display: none; } }
</style>
"""
PDF_STATES = {WRITING: N_("being written"), READY: N_("up to date"), FAILED: N_("failed")}


def pdf_bar(relative: str, site: Site, pdfs: PdfState) -> bytes | None:
    """The bar of a page: its PDF and that PDF's state, or on an index the state of the PDFs it lists (those
    of its folder and below); else None."""
    if posixpath.basename(relative) == "index.html":
        folder = posixpath.dirname(relative)
        states = {pdfs.status(pdf, site.version) for pdf in site.pdfs if not folder or pdf.startswith(f"{folder}/")}
        if not states:
            return None
        state = FAILED if FAILED in states else WRITING if WRITING in states else READY
        link = "PDF"
    else:
        pdf = f"{relative[:-len('.html')]}.pdf" if relative.endswith(".html") else None
        if pdf not in site.pdfs:
            return None
        state = pdfs.status(pdf, site.version)
        link = f'<a href="/{escape(quote(pdf))}">PDF</a>'
    title = escape(_("The PDF the build writes, rebuilt in the background after each change (preview only)"))
    return (f'{PDF_BAR_STYLE}<div class="preview-pdf {state}" lang="{escape(current())}" title="{title}" '
            f'role="status">{link} · {escape(_(PDF_STATES[state]))}</div>\n').encode()


def waiting_page() -> bytes:
    """What a PDF's URL answers while that PDF is being written."""
    return message_page(_("The PDF is being written"),
                        _("It appears here as soon as it is written: this page reloads by itself."))


class Preview:
    """Builds the site of one study edition and holds the latest complete one."""

    def __init__(self, folder: Path, language: str | None = None, log: Callable[[str], None] | None = None,
                 alert: Callable[[str], None] | None = None):
        """`log` is told what the preview does; `alert` the problems and warnings (`log` when not given)."""
        self.folder = Path(folder).resolve()
        self.language = language
        self.log = log or (lambda message: None)
        self.alert = alert or self.log
        self._lock = threading.Lock()  # one rebuild at a time; readers never wait
        self._version = 0
        self.site = Site(0, problems=(Problem(None, _("the kit is being built"), _("wait a moment")),))
        self.pdfs: PdfBuilder | None = None  # builds the PDFs after each HTML rebuild that succeeds
        self.unwatched: tuple[Path, ...] = ()  # folders under the watched ones that are no source (the PDFs')

    def rebuild(self) -> Site:
        """Build a complete new site, then swap it in (a single assignment)."""
        with self._lock:
            started = time.perf_counter()
            try:
                files, warnings = render_site(self.folder, self.language)
                problems: list[Problem] = []
            except Exception as error:  # the preview outlives every bad file
                files, warnings, problems = {}, [], problems_of(error)
            self._version += 1
            site = Site(self._version, MappingProxyType(files), tuple(problems), time.perf_counter() - started,
                        kit_pdfs(files))
            self.site = site
            if self.pdfs is not None and not site.failed:
                self.pdfs.ask(site.version)  # never waits: the PDFs follow in the background
        for warning in warnings:
            self.alert(str(warning))
        if site.failed:
            self.alert(ngettext("%(num)d problem, shown in the browser:", "%(num)d problems, shown in the browser:",
                                len(problems)))
            for problem in problems:
                self.alert(f"  {problem}")
        else:
            self.log(_("rebuilt %(files)s in %(seconds)s s (version %(version)s)",
                       files=ngettext("%(num)d file", "%(num)d files", len(files)),
                       seconds=f"{site.seconds:.2f}", version=site.version))
        return site

    def watched_roots(self) -> list[Path]:
        roots = [self.folder, BUILTIN_TEMPLATES.resolve()]
        return [r for i, r in enumerate(roots) if not any(r.is_relative_to(o) for o in roots[:i])]


@dataclass(frozen=True)
class PdfState:
    """What the background PDF builds made so far: replaced whole, like the site, never changed in place."""

    serial: int = 0  # builds finished: a page reloads when it changes
    built: int = 0  # the site version after which the published PDFs were built (0: none yet)
    folder: Path | None = None  # the published kit folder, <out>/<study>/<lang>/
    documents: frozenset[str] = frozenset()  # its PDFs, by path in the kit
    failed: int = 0  # the site version after which the last build failed, if it came after the last one built
    problems: tuple[Problem, ...] = ()

    def status(self, pdf: str, version: int) -> str:
        """The state of a PDF for a page of site `version`: READY only when built from that version or a later one."""
        if self.failed > self.built and self.failed >= version:
            return FAILED
        if self.built >= version and pdf in self.documents:
            return READY
        return WRITING


@dataclass(frozen=True)
class PdfOutcome:
    """What one build of the child process made (sent back through the pipe)."""

    folder: Path | None = None
    documents: tuple[str, ...] = ()
    written: int = 0
    reused: int = 0
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


class PdfBuilder:
    """Builds the preview's PDFs with the real, incremental build, in the background, one build at a time.

    `ask(version)` after each HTML rebuild; the thread builds after the newest version asked,
    once the build under way is over: never more than one waits. The build runs in a child
    process, started by `start` and kept while serve runs (WeasyPrint and the fonts are loaded
    once), because a process can be stopped and a thread cannot: Ctrl-C reaches the main
    thread only. The child ignores SIGINT from its birth (the terminal sends Ctrl-C to the whole
    process group: the server alone decides; a spawned process keeps an ignored signal ignored,
    not a blocked one) and turns SIGTERM into KeyboardInterrupt, on which the build terminates
    its own workers and removes its staging folder; `stop` sends SIGTERM, waits, and kills only
    a child that does not end.
    """

    def __init__(self, folder: Path, language: str | None, out: Path, log: Callable[[str], None],
                 alert: Callable[[str], None]):
        self.folder, self.language, self.out = folder, language, out
        self.log, self.alert = log, alert
        self.state = PdfState()
        self._wake = threading.Condition()
        self._asked = self._started = 0  # the newest site version asked for, and the last one built after
        self._stopping = False
        self._process: Any = None
        self._connection: Any = None
        self._warnings: set[str] = set()
        self.thread = threading.Thread(target=self._run, name="prospective-pdf", daemon=True)

    def start(self) -> None:
        """Start the child process (from the main thread: see `_spawn`) and the thread."""
        with self._wake, contextlib.suppress(OSError):  # the first build tries again, and tells why it cannot
            self._spawn()
        self.thread.start()

    def ask(self, version: int) -> None:
        """Build the PDFs after site `version` (or a newer one), as soon as the build under way is over."""
        with self._wake:
            self._asked = max(self._asked, version)
            self._wake.notify_all()

    def stop(self) -> None:
        """Stop the build under way, if any, and the thread; start none."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
            process = self._process
        if process is not None:
            # The first SIGTERM stops the build cleanly; should it be lost (see `_interrupted`), the
            # second ends the child at once (its workers die with it), then SIGKILL if need be.
            for end in (process.terminate, process.terminate, process.kill):
                if not process.is_alive():
                    break
                end()
                process.join(PDF_STOP_SECONDS)
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(PDF_STOP_SECONDS)

    @property
    def process(self) -> Any:
        return self._process

    def _next(self) -> int | None:
        with self._wake:
            while not self._stopping and self._asked <= self._started:
                self._wake.wait()
            if self._stopping:
                return None
            self._started = self._asked
            return self._started

    def _run(self) -> None:
        try:
            while (version := self._next()) is not None:
                try:
                    outcome = self._build()
                except Exception as error:  # the thread never dies: the pages show the problem
                    outcome = PdfOutcome(problems=tuple(problems_of(error)))
                if outcome is None:  # stopping
                    return
                self._record(version, outcome)
        finally:
            if self._connection is not None:
                self._connection.close()

    def _child(self) -> Any:
        """The pipe to the child process, started again if it died; None when stopping."""
        with self._wake:
            if self._stopping:
                return None
            if self._process is None or not self._process.is_alive():
                self._spawn()
            return self._connection

    def _spawn(self) -> None:
        """Start the child process (holding `_wake`), SIGINT ignored from its birth when started from the
        main thread. Started again by the thread after the child died, it ignores SIGINT only once it runs."""
        if self._connection is not None:
            self._connection.close()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        # not a daemon: a daemonic process may not start the build's workers
        process = context.Process(target=pdf_child, name="prospective-pdf",
                                  args=(theirs, self.folder, self.language, self.out, current()))
        with _sigint_ignored():
            process.start()
        theirs.close()
        self._process, self._connection = process, ours

    def _discard_child(self) -> None:
        with self._wake:
            process, connection = self._process, self._connection
            self._process = self._connection = None
        with contextlib.suppress(OSError, ValueError):
            connection.close()
            if process.is_alive():
                process.kill()
            process.join(PDF_STOP_SECONDS)

    def _build(self) -> PdfOutcome | None:
        try:
            connection = self._child()
        except OSError as error:  # no process can be started: too many, or out of memory
            return PdfOutcome(problems=(Problem(None, _("cannot start the process that writes the PDFs: %(reason)s",
                                                        reason=error.strerror or error),
                                                _("close other programs, then save a file of the study again")),))
        if connection is None:
            return None
        try:
            connection.send(True)
            while True:
                while not connection.poll(PDF_POLL_SECONDS):
                    if self._stopping:
                        return None
                message = connection.recv()
                if isinstance(message, PdfOutcome):
                    return message
                self.alert(str(message))  # another build holds the kit folder: this one waits
        except (EOFError, OSError):  # the child ended: stopped, or died (out of memory, killed)
            if self._stopping:
                return None
            self._discard_child()  # the next build starts another
            return PdfOutcome(problems=(Problem(None, _("a process writing the PDFs stopped unexpectedly"),
                                                _("it may have run out of memory: close other programs, or build "
                                                  "with PROSPECTIVE_JOBS=1, then try again")),))

    def _record(self, version: int, outcome: PdfOutcome) -> None:
        """Say what the build made, then show it (the terminal never lags behind the browser)."""
        state = self.state
        if outcome.problems:
            self.alert(ngettext("the PDFs cannot be written: %(num)d problem, shown in the browser:",
                                "the PDFs cannot be written: %(num)d problems, shown in the browser:",
                                len(outcome.problems)))
            for problem in outcome.problems:
                self.alert(f"  {problem}")
            self.state = PdfState(state.serial + 1, state.built, state.folder, state.documents, version,
                                  outcome.problems)
            return
        for warning in outcome.warnings:
            if warning not in self._warnings:  # a document carried over brings its warnings again
                self.alert(_("warning: %(warning)s", warning=warning))
        self._warnings = set(outcome.warnings)
        self.log(_("PDF: %(written)s, %(unchanged)s, in %(seconds)s s (version %(version)s)",
                   written=ngettext("%(num)d written", "%(num)d written", outcome.written),
                   unchanged=ngettext("%(num)d unchanged", "%(num)d unchanged", outcome.reused),
                   seconds=decimal(outcome.seconds), version=version))
        self.state = PdfState(state.serial + 1, version, outcome.folder, frozenset(outcome.documents))


def pdf_child(connection: Any, folder: Path, language: str | None, out: Path, messages: str) -> None:
    """The child process of `PdfBuilder`: a build each time it is asked, until SIGTERM or the pipe closes."""
    try:
        signal.signal(signal.SIGTERM, _interrupted)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.unraisablehook = _quiet_lost_interrupts
        _end_with_parent()
        configure(messages)
        while connection.recv():
            connection.send(build_pdfs(folder, language, out, lambda text: connection.send(text)))
    except (KeyboardInterrupt, EOFError, OSError):  # stopped, or the server is gone
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process without a word
        connection.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C in this process for the instant a child is started, so that the child is born ignoring it.

    Only the main thread can change a handler; a Ctrl-C in that instant is lost (press it again)."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous in (None, signal.SIG_IGN):
        yield  # None: a handler set outside Python, left as it is
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupted(signum: int, frame: Any) -> None:
    """The first SIGTERM: stop the build as Ctrl-C stops `build`; the next one ends the process at once.

    A KeyboardInterrupt raised while Python runs a finalizer (WeasyPrint's font configurations
    have one) would be lost and the build would go on: there, the signal is sent again a moment later.
    """
    if _in_finalizer(frame):
        threading.Timer(FINALIZER_RETRY_SECONDS, os.kill, (os.getpid(), signum)).start()
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise KeyboardInterrupt


FINALIZER_RETRY_SECONDS = 0.05


def _in_finalizer(frame: Any) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _quiet_lost_interrupts(unraisable: Any) -> None:
    """Say nothing of a KeyboardInterrupt lost all the same (a weak reference's callback): the server then
    sends SIGTERM again, which ends the process."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def _end_with_parent() -> None:
    """On Linux, SIGTERM when the server is gone (even killed outright): the build still cleans up."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG


def build_pdfs(folder: Path, language: str | None, out: Path,
               waiting: Callable[[str], None] = lambda text: None) -> PdfOutcome:
    """The real build of the study's kit into `out` (incremental), as an outcome; never raises but to stop."""
    started = time.perf_counter()
    try:
        study = load_study(folder)
        report = build_kit(study, language or study.meta.language, out, waiting=waiting)
    except Exception as error:
        return PdfOutcome(problems=tuple(problems_of(error)), seconds=time.perf_counter() - started)
    return PdfOutcome(report.plan.folder if report.plan else None, tuple(d.pdf_path for d in report.documents),
                      len(report.documents) - report.reused, report.reused, report.seconds, tuple(report.warnings))


def snapshot(roots: Iterable[Path], skipped: Iterable[Path] = ()) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the roots but `skipped` folders: a change, an addition or a removal
    changes it."""
    state = {}
    skipped = {os.path.realpath(path) for path in skipped}
    for root in roots:
        for folder, dirs, names in os.walk(root, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                       and not (skipped and os.path.realpath(os.path.join(folder, d)) in skipped)]
            for name in names:
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:  # removed while we looked
                    continue
                state[path] = (info.st_mtime_ns, info.st_size)
    return state


class Watcher(threading.Thread):
    """Polls the study and templates folders; rebuilds the preview when anything changed."""

    def __init__(self, preview: Preview, interval: float = POLL_SECONDS):
        super().__init__(name="prospective-watcher", daemon=True)
        self.preview = preview
        self.interval = interval
        self.stopped = threading.Event()
        self.last = snapshot(preview.watched_roots(), preview.unwatched)

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                current = snapshot(self.preview.watched_roots(), self.preview.unwatched)
                if current != self.last:
                    self.last = current
                    self.preview.rebuild()
            except Exception as error:  # never let the watcher die
                self.preview.alert(_("watcher: %(kind)s: %(error)s", kind=type(error).__name__, error=error))

    def stop(self) -> None:
        self.stopped.set()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, preview: Preview, host: str, port: int):
        self.preview = preview
        self.loopback = is_loopback(host)
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "prospective-preview"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the page polls every second
        pass

    def _answer(self, body: bool) -> None:
        if self.server.loopback and not self._local_host_header():
            # a page of another site reaching us through DNS rebinding: refuse it
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"forbidden host\n", body)
            return
        path = unquote(urlsplit(self.path).path)
        site = self.server.preview.site  # one read: the whole request sees one build
        builder = self.server.preview.pdfs
        pdfs = builder.state if builder is not None else None  # one read too
        token = reload_token(site, pdfs)
        if path == VERSION_PATH:
            self._send(HTTPStatus.OK, "text/plain; charset=utf-8", token.encode(), body)
            return
        if path == RELOAD_PATH:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode(), body)
            return
        relative = _relative(path)
        if relative is None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8",
                       inject_reload(message_page(_("Not found"), path), token), body)
            return
        if site.failed:
            if _is_page(relative) or relative.endswith(".pdf"):
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                           inject_reload(error_page(site.problems), token), body)
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not built\n", body)
            return
        if relative in site.files:
            data = site.files[relative]
            kind = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            if kind == "text/html":
                bar = pdf_bar(relative, site, pdfs) if pdfs is not None else None
                page = inject_before_body_end(data, bar) if bar else data
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", inject_reload(page, token), body)
            else:
                self._send(HTTPStatus.OK, kind, data, body)
        elif pdfs is not None and relative in site.pdfs:
            self._pdf(relative, site, pdfs, token, body)
        elif f"{relative}/index.html" in site.files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", f"/{relative}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif relative.endswith(".pdf") and pdfs is None:
            page = message_page(_("No PDF in the preview"),
                                _("The preview renders HTML only. Run `prospective build` to make the PDFs."))
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", inject_reload(page, token), body)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8",
                       inject_reload(message_page(_("Not found"), relative), token), body)

    def _pdf(self, relative: str, site: Site, pdfs: PdfState, token: str, body: bool) -> None:
        """A document's PDF from the preview's build folder; or the page saying it is being written, or failed."""
        status = pdfs.status(relative, site.version)
        if status == READY:
            try:
                stream = _open_published(pdfs.folder, relative)
            except OSError:  # removed by a newer build meanwhile: that build's state comes next
                status = WRITING
            else:
                with stream:
                    size = os.fstat(stream.fileno()).st_size
                    self._headers(HTTPStatus.OK, "application/pdf", size)
                    if body:
                        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                            shutil.copyfileobj(stream, self.wfile)
                return
        if status == FAILED:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                       inject_reload(error_page(pdfs.problems), token), body)
        else:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                       inject_reload(waiting_page(), token), body)

    def _local_host_header(self) -> bool:
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
        return name.strip("[]").lower() in LOOPBACK_NAMES

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self._headers(status, kind, len(data))
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser went away: fine
                self.wfile.write(data)


    def _headers(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_POLICY)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()


def _open_published(folder: Path | None, relative: str):
    """The published PDF `relative` (a path of the plan, never one from a URL as such) inside `folder`, open."""
    if folder is None:
        raise FileNotFoundError(relative)
    root = folder.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or path.suffix != ".pdf":
        raise PermissionError(relative)
    return open(path, "rb")


def _relative(path: str) -> str | None:
    """The kit path a URL path asks for ("" or "x/" mean the index); None if it tries to climb out."""
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    relative = posixpath.join(*parts) if parts else ""
    if not relative or path.endswith("/"):
        relative = posixpath.join(relative, "index.html") if relative else "index.html"
    return relative


def _is_page(relative: str) -> bool:
    return relative.endswith((".html", ".htm")) or "." not in relative.rsplit("/", 1)[-1]


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(folder: Path, language: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          echo: Callable[[str], None] | None = None, alert: Callable[[str], None] | None = None,
          out: Path | None = None) -> None:
    """Build, serve and watch until Ctrl-C; `echo` says what it does, `alert` the problems (`echo` by default).

    The PDFs are built into `out` as `build --out` would, or into a temporary folder removed at the end.
    """
    echo = echo or (lambda message: print(message, flush=True))
    alert = alert or echo
    if not is_loopback(host):
        alert(_("warning: serving on %(host)s, not only on this computer: anyone who can reach it on the network "
                "can read the study (use --host 127.0.0.1 to keep it local)", host=host))
    preview = Preview(folder, language, log=echo, alert=alert)
    server = PreviewServer(preview, host.strip("[]"), port)  # OSError when the port is taken
    watcher = builder = temporary = None
    try:
        if out is None:
            try:
                out = temporary = Path(tempfile.mkdtemp(prefix="prospective-serve-"))
            except OSError as error:
                raise BuildError.of(os_problem(error, "create")) from None
        out = Path(out).resolve()
        builder = preview.pdfs = PdfBuilder(preview.folder, language, out, log=echo, alert=alert)
        preview.unwatched = (out,)  # the PDFs written there change no source
        echo(_("preview of %(study)s at %(url)s (the HTML, then the PDFs in %(folder)s; Ctrl-C to stop)",
               study=preview.folder.name, url=server.url, folder=display_path(out)))
        watcher = Watcher(preview)  # its first look comes before the build: no change is missed
        builder.start()
        preview.rebuild()
        watcher.start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        echo(_("stopped"))
    finally:
        if watcher is not None:
            watcher.stop()
        if builder is not None:
            builder.stop()
        server.server_close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
