"""`prospective serve`: a live HTML preview of a study kit, rebuilt and reloaded on every change.

Only HTML is rendered (no PDF), from the same plan and templates as the build. Every
rebuild produces a complete new `Site` in memory, swapped in with one assignment: a
request sees either the previous site or the new one, never a half-built page. When the
study is invalid or a template fails, every page is an error page listing the problems;
the server itself never stops on a bad file.

The reload script is a constant of this module, served as its own file: nothing of the
study's text goes into it, and a page only carries the build counter (an integer). Every
answer carries a Content-Security-Policy that lets the browser load nothing but this
server's own files: no remote image, style, font or script written in a study or its
results ever reaches the browser (docs/security.md).
"""

from __future__ import annotations

import contextlib
import ipaddress
import mimetypes
import os
import posixpath
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from toolkit.errors import BuildError, InputError, Location, Problem, did_you_mean, printable
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
from toolkit.language import N_, _, current, ngettext
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
NO_PAGES = "–"  # the preview counts no pages: it makes no PDF
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

    @property
    def failed(self) -> bool:
        return bool(self.problems)


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


def inject_reload(html: bytes, version: int) -> bytes:
    """The page with our reload script before its last </body> (or at its end)."""
    script = RELOAD_TAG.format(version=int(version)).encode()
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


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
            site = Site(self._version, MappingProxyType(files), tuple(problems), time.perf_counter() - started)
            self.site = site
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


def snapshot(roots: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the roots: a change, an addition or a removal changes it."""
    state = {}
    for root in roots:
        for folder, dirs, names in os.walk(root, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
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
        self.last = snapshot(preview.watched_roots())

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                current = snapshot(self.preview.watched_roots())
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
        if path == VERSION_PATH:
            self._send(HTTPStatus.OK, "text/plain; charset=utf-8", str(site.version).encode(), body)
            return
        if path == RELOAD_PATH:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode(), body)
            return
        relative = _relative(path)
        if relative is None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8",
                       inject_reload(message_page(_("Not found"), path), site.version), body)
            return
        if site.failed:
            if _is_page(relative):
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                           inject_reload(error_page(site.problems), site.version), body)
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not built\n", body)
            return
        if relative in site.files:
            data = site.files[relative]
            kind = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            if kind == "text/html":
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", inject_reload(data, site.version), body)
            else:
                self._send(HTTPStatus.OK, kind, data, body)
        elif f"{relative}/index.html" in site.files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", f"/{relative}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif relative.endswith(".pdf"):
            page = message_page(_("No PDF in the preview"),
                                _("The preview renders HTML only. Run `prospective build` to make the PDFs."))
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", inject_reload(page, site.version), body)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8",
                       inject_reload(message_page(_("Not found"), relative), site.version), body)

    def _local_host_header(self) -> bool:
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
        return name.strip("[]").lower() in LOOPBACK_NAMES

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_POLICY)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser went away: fine
                self.wfile.write(data)


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
          echo: Callable[[str], None] | None = None, alert: Callable[[str], None] | None = None) -> None:
    """Build, serve and watch until Ctrl-C; `echo` says what it does, `alert` the problems (`echo` by default)."""
    echo = echo or (lambda message: print(message, flush=True))
    alert = alert or echo
    if not is_loopback(host):
        alert(_("warning: serving on %(host)s, not only on this computer: anyone who can reach it on the network "
                "can read the study (use --host 127.0.0.1 to keep it local)", host=host))
    preview = Preview(folder, language, log=echo, alert=alert)
    server = PreviewServer(preview, host.strip("[]"), port)  # OSError when the port is taken
    watcher = None
    try:
        echo(_("preview of %(study)s at %(url)s (HTML only; Ctrl-C to stop)", study=preview.folder.name,
               url=server.url))
        watcher = Watcher(preview)  # its first look comes before the build: no change is missed
        preview.rebuild()
        watcher.start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        echo(_("stopped"))
    finally:
        if watcher is not None:
            watcher.stop()
        server.server_close()
