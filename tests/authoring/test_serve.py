"""`prospective serve`: the live preview, over real HTTP and in a real headless Chromium; its PDFs,
built in the background by the real build into a folder of the preview."""

from __future__ import annotations

import contextlib
import http.client
import io
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest

from tests.helpers import ROOT, edit, run
from toolkit.authoring import serve as serve_module
from toolkit.authoring.serve import (
    PdfBuilder,
    PdfState,
    Preview,
    PreviewServer,
    Watcher,
    error_page,
    inject_reload,
)
from toolkit.errors import Location, Problem
from toolkit.language import configure

BROWSER_INSTALL = "apt-get install -y chromium chromium-driver && pip install selenium"
OLD_TITLE = "Les communs territoriaux"
NEW_TITLE = "Les communs réinventés"
BROKEN_TITLE = "title: [Les communs"  # an unclosed flow sequence: YAML syntax error at 2:6
TIMEOUT = 20


class Running:
    """A preview server on a free loopback port, with its watcher, in background threads; with `out`, its PDF
    builder too (`start_pdfs=False`: made but never started, so every PDF stays to be written)."""

    def __init__(self, folder: Path, interval: float = serve_module.POLL_SECONDS, out: Path | None = None,
                 start_pdfs: bool = True):
        self.log: list[str] = []
        self.preview = Preview(folder, log=self.log.append)
        self.builder = None
        if out is not None:
            self.builder = self.preview.pdfs = PdfBuilder(self.preview.folder, None, out, self.log.append,
                                                          self.log.append)
            self.preview.unwatched = (out,)
            # only the study: an edit of the project's templates elsewhere would start builds these tests count
            self.preview.watched_roots = lambda: [self.preview.folder]
            if start_pdfs:
                self.builder.start()
        self.server = PreviewServer(self.preview, "127.0.0.1", 0)
        self.watcher = Watcher(self.preview, interval)
        self.preview.rebuild()
        self.watcher.start()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = self.server.url

    def stop(self) -> None:
        self.watcher.stop()
        if self.builder is not None:
            self.builder.stop()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self.watcher.join(5)

    def get(self, path: str = "/", headers: dict | None = None) -> tuple[int, str]:
        status, data, _kind = self.get_bytes(path, headers)
        return status, data.decode("utf-8")

    def get_bytes(self, path: str, headers: dict | None = None) -> tuple[int, bytes, str]:
        request = urllib.request.Request(self.url.rstrip("/") + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read(), error.headers.get("Content-Type", "")

    def token(self) -> tuple[int, int]:
        """(site version, PDF builds finished), as the reload script reads them."""
        site, pdfs = self.get("/__version")[1].split(".")
        return int(site), int(pdfs)

    def version(self) -> int:
        return self.token()[0]

    def wait_version(self, above: int) -> int:
        return self._wait(0, above, "rebuild")

    def wait_pdfs(self, above: int) -> int:
        return self._wait(1, above, "PDF build")

    def _wait(self, part: int, above: int, what: str) -> int:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if (value := self.token()[part]) > above:
                return value
            time.sleep(0.05)
        raise AssertionError(f"no {what} after {above}; log: {self.log}")


@pytest.fixture
def served(mini: Path):
    running = Running(mini)
    yield running
    running.stop()


def communs(study: Path) -> Path:
    return study / "scenarios" / "communs.yaml"


def script_version(page: str) -> int:
    """The site version a page shows (its reload script holds it, then the PDF builds' count)."""
    return int(re.search(r'<script src="/__reload.js" data-version="(\d+)\.\d+"></script>', page).group(1))


# --- plain HTTP -------------------------------------------------------------------------------


def test_index_is_the_kit_index_with_the_reload_script(served: Running):
    status, page = served.get("/")
    assert status == 200
    assert "Petite étude de test" in page and OLD_TITLE in page
    assert page.count("/__reload.js") == 1
    assert page.index("/__reload.js") < page.rindex("</body>")
    assert script_version(page) == served.version() == 1
    assert served.get("/index.html")[1] == page
    for name in ("guide-animation.html", "livret-participant.html", "cartes-scenarios.html"):
        status, document = served.get(f"/{name}")
        assert status == 200 and "/__reload.js" in document


def test_paths_outside_the_kit_and_pdfs_are_not_found(served: Running):
    assert served.get("/nothing.html")[0] == 404
    status, page = served.get("/guide-animation.pdf")
    assert status == 404 and "prospective build" in page
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"):
        connection = http.client.HTTPConnection(*served.server.server_address[:2], timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 404, path
        assert b"root:" not in response.read()
        connection.close()


def test_a_foreign_host_name_is_refused(served: Running):
    """A page of another site reaching the preview through DNS rebinding gets nothing."""
    assert served.get("/", {"Host": "evil.example:8000"})[0] == 403
    assert served.get("/", {"Host": "localhost:8000"})[0] == 200


def test_an_invalid_study_shows_located_problems_on_every_page(served: Running):
    edit(communs(served.preview.folder), f"title: {OLD_TITLE}", BROKEN_TITLE)
    served.wait_version(1)
    for path in ("/", "/index.html", "/guide-animation.html", "/anything/"):
        status, page = served.get(path)
        assert status == 500
        assert "communs.yaml:2:6" in page and "YAML syntax error" in page
        assert "hint: check indentation" in page
        assert script_version(page) == 2
    edit(communs(served.preview.folder), BROKEN_TITLE, f"title: {NEW_TITLE}")
    served.wait_version(2)
    status, page = served.get("/")
    assert status == 200 and NEW_TITLE in page and "YAML syntax error" not in page


def test_study_text_in_a_problem_is_escaped(served: Running):
    edit(communs(served.preview.folder), "  numerique: proximite", '  "<img src=x onerror=alert(1)>": proximite')
    served.wait_version(1)
    status, page = served.get("/")
    assert status == 500
    assert "unknown driver &#x27;&lt;img src=x onerror=alert(1)&gt;&#x27;" in page
    assert "<img" not in page
    assert page.count("<script") == 1 and page.count('<script src="/__reload.js"') == 1  # ours, and only ours


def test_error_page_escapes_everything():
    problem = Problem(Location(Path("<b>.yaml"), 3, 4), "<script>alert(1)</script>", 'use "&"')
    page = error_page([problem]).decode()
    assert "&lt;b&gt;.yaml:3:4" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "use &quot;&amp;&quot;" in page
    assert "<script>" not in page


def test_reload_script_goes_before_the_last_body_end_and_holds_only_the_counter():
    page = inject_reload(b"<html><body><p>&lt;/body&gt;</p></body></html>", 7).decode()
    assert page.endswith("</script>\n</body></html>")
    assert '<script src="/__reload.js" data-version="7"></script>' in page
    assert inject_reload(b"no body", 1).startswith(b"no body<script")


def test_every_answer_lets_the_browser_load_only_this_server(served: Running):
    """No remote image, style, font or script written in a study reaches the browser."""
    for path in ("/", "/livret-participant.html", "/__version", "/__reload.js", "/nothing.html", "/x.pdf"):
        connection = http.client.HTTPConnection("127.0.0.1", served.server.server_address[1], timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        policy = response.getheader("Content-Security-Policy") or ""
        response.read()
        connection.close()
        assert "default-src 'self'" in policy and "img-src 'self'" in policy and "script-src 'self'" in policy, path
    status, script = served.get("/__reload.js")
    assert status == 200 and "/__version" in script and "data-version" in script


def test_a_template_error_is_shown_and_the_server_survives(served: Running, monkeypatch):
    import jinja2

    def broken(folder, language):
        raise jinja2.TemplateSyntaxError("unexpected '}'", 12, "guide.html.j2", "/x/templates/guide.html.j2")

    monkeypatch.setattr(serve_module, "render_site", broken)
    served.preview.rebuild()
    status, page = served.get("/")
    assert status == 500 and "guide.html.j2:12:1" in page and "unexpected &#x27;}&#x27;" in page
    monkeypatch.undo()
    served.preview.rebuild()
    assert served.get("/")[0] == 200


def test_a_page_is_never_half_built_during_a_rebuild(served: Running, monkeypatch):
    """While a rebuild runs, requests get the previous complete site; then the whole new one at once."""
    original = serve_module.render_site
    rendering, release = threading.Event(), threading.Event()

    def slow(folder, language):
        files = original(folder, language)
        rendering.set()
        assert release.wait(TIMEOUT)
        return files

    monkeypatch.setattr(serve_module, "render_site", slow)
    edit(communs(served.preview.folder), OLD_TITLE, NEW_TITLE)  # the watcher starts the slow rebuild
    assert rendering.wait(TIMEOUT)
    for _ in range(5):
        status, page = served.get("/")
        assert status == 200 and OLD_TITLE in page and NEW_TITLE not in page
        assert script_version(page) == served.version() == 1
    release.set()
    served.wait_version(1)
    status, page = served.get("/")
    assert NEW_TITLE in page and script_version(page) == 2


def test_pages_stay_whole_under_requests_while_rebuilding(served: Running):
    failures, stop = [], threading.Event()

    def hammer():
        while not stop.is_set():
            status, page = served.get("/")
            if status != 200 or not page.rstrip().endswith("</html>") or "Petite étude de test" not in page:
                failures.append((status, page[-200:]))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(4):
            served.preview.rebuild()
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not failures
    assert served.version() == 5


def test_the_site_cannot_be_changed_in_place(served: Running):
    with pytest.raises(TypeError):
        served.preview.site.files["index.html"] = b"x"


def test_templates_of_the_study_are_watched(served: Running):
    folder = served.preview.folder / "templates"
    folder.mkdir()
    shutil.copy(ROOT / "templates" / "index.html.j2", folder / "index.html.j2")
    edit(folder / "index.html.j2", '<main>', '<main><p id="own">own template</p>')
    deadline = time.monotonic() + TIMEOUT
    while "own template" not in served.get("/")[1]:
        assert time.monotonic() < deadline, served.log
        time.sleep(0.1)


# --- the PDFs, built in the background ---------------------------------------------------------

NARRATIVE_OLD = "Les maisons des solidarités sont des communs."
NARRATIVE_NEW = "Les maisons des solidarités deviennent des communs."  # only the booklet tells the narrative


@pytest.fixture
def with_pdfs(mini: Path, tmp_path: Path):
    running = Running(mini, out=tmp_path / "preview-pdfs")
    yield running
    running.stop()


def bar_of(page: str) -> tuple[str, str]:
    """The state and the text of a page's PDF bar."""
    found = re.search(r'<div class="preview-pdf (\w+)"[^>]*>(.*?)</div>', page)
    assert found, page[-500:]
    return found.group(1), found.group(2)


def page_count(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_pdfs_follow_the_html_and_an_edit_rewrites_only_its_pdf(with_pdfs: Running):
    served = with_pdfs
    assert served.version() == 1  # the HTML is there at once
    served.wait_pdfs(0)
    first_html = next((i for i, line in enumerate(served.log) if line.startswith("rebuilt ")), None)
    first_pdfs = next((i for i, line in enumerate(served.log) if line.startswith("PDF: ")), None)
    assert first_pdfs is not None and first_html < first_pdfs, served.log
    assert served.log[first_pdfs].startswith("PDF: 3 written, 0 unchanged"), served.log
    status, booklet, kind = served.get_bytes("/livret-participant.pdf")
    assert status == 200 and kind == "application/pdf" and booklet.startswith(b"%PDF-")
    assert page_count(booklet) > 1
    status, guide, kind = served.get_bytes("/guide-animation.pdf")
    assert status == 200 and page_count(guide) > 1
    state, text = bar_of(served.get("/livret-participant.html")[1])
    assert state == "ready" and text == '<a href="/livret-participant.pdf">PDF</a> · up to date'
    assert bar_of(served.get("/")[1]) == ("ready", "PDF · up to date")  # the index: every PDF at once
    connection = http.client.HTTPConnection("127.0.0.1", served.server.server_address[1], timeout=10)
    connection.request("GET", "/livret-participant.pdf")
    response = connection.getresponse()
    assert "object-src 'none'" in response.getheader("Content-Security-Policy")  # the same policy as any answer
    response.read()
    connection.close()

    edit(communs(served.preview.folder), NARRATIVE_OLD, NARRATIVE_NEW)
    assert served.wait_version(1) == 2
    assert served.token()[1] == 1  # the HTML reloaded without waiting for the PDFs
    page = served.get("/livret-participant.html")[1]
    if 'data-version="2.1"' in page:  # the new page, its PDF not built yet (the usual case)
        assert bar_of(page)[0] == "writing"
        status, waiting = served.get("/livret-participant.pdf")
        assert (status == 503 and "The PDF is being written" in waiting) or served.token()[1] > 1
    served.wait_pdfs(1)
    status, rebuilt, kind = served.get_bytes("/livret-participant.pdf")
    assert status == 200 and rebuilt.startswith(b"%PDF-") and rebuilt != booklet
    assert served.get_bytes("/guide-animation.pdf")[1] == guide  # carried over, as it was
    assert any(line.startswith("PDF: 1 written, 2 unchanged") for line in served.log), served.log


def test_a_pdf_not_yet_written_answers_a_page_that_reloads_itself(mini: Path, tmp_path: Path):
    served = Running(mini, out=tmp_path / "pdfs", start_pdfs=False)  # asked for, never built
    try:
        status, page = served.get("/livret-participant.pdf")
        assert status == 503
        assert "The PDF is being written" in page and "this page reloads by itself" in page
        assert '<script src="/__reload.js" data-version="1.0"></script>' in page
        assert bar_of(served.get("/livret-participant.html")[1]) == (
            "writing", '<a href="/livret-participant.pdf">PDF</a> · being written')
        assert bar_of(served.get("/")[1]) == ("writing", "PDF · being written")
        assert served.get("/autre-document.pdf")[0] == 404  # no document of the kit
        configure("fr")
        status, page = served.get("/cartes-scenarios.pdf")
        assert status == 503 and "Le PDF est en cours d&#x27;écriture" in page and 'lang="fr"' in page
        page = served.get("/cartes-scenarios.html")[1]
        assert bar_of(page)[1] == '<a href="/cartes-scenarios.pdf">PDF</a> · en cours d&#x27;écriture'
        assert 'class="preview-pdf writing" lang="fr"' in page
        assert not served.builder.thread.is_alive() and served.builder.process is None
    finally:
        configure(None)
        served.stop()


def test_a_failed_pdf_build_answers_its_problem(mini: Path, tmp_path: Path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    served = Running(mini, out=blocked)  # the real build fails: its folder cannot be made
    try:
        served.wait_pdfs(0)
        status, page = served.get("/livret-participant.pdf")
        assert status == 500 and "preview-error" in page
        assert "cannot write" in page and "Not a directory" in page and "check the path" in page
        assert bar_of(served.get("/guide-animation.html")[1])[0] == "failed"
        assert bar_of(served.get("/")[1])[0] == "failed"
        assert any("the PDFs cannot be written: 1 problem" in line for line in served.log), served.log
        # a located problem, as a refused image would give, is shown with its place in the study
        where = Location(communs(served.preview.folder), 7, 3)
        served.builder.state = PdfState(serial=2, failed=1, problems=(
            Problem(where, "livret-participant.pdf: refused to load <http://x.example/a.png>", "use assets/"),))
        status, page = served.get("/livret-participant.pdf")
        assert status == 500 and "communs.yaml:7:3" in page and "&lt;http://x.example/a.png&gt;" in page
        assert "<http" not in page
    finally:
        served.stop()


def test_the_pdf_thread_outlives_a_process_that_cannot_start(mini: Path, tmp_path: Path, monkeypatch):
    served = Running(mini, out=tmp_path / "pdfs", start_pdfs=False)
    try:
        def refused(self):
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(PdfBuilder, "_child", refused)
        served.builder.thread.start()  # the build asked for by the first rebuild
        served.wait_pdfs(0)
        status, page = served.get("/livret-participant.pdf")
        assert status == 500
        assert "cannot start the process that writes the PDFs: Resource temporarily unavailable" in page
        assert served.builder.thread.is_alive()  # and the next change is built again
        served.preview.rebuild()
        served.wait_pdfs(1)
    finally:
        served.stop()


def test_a_stop_signal_inside_a_finalizer_is_told_as_such():
    """A KeyboardInterrupt raised in a `__del__` would be lost: the child's handler waits for its end."""
    frames = []

    class Finalized:
        def __del__(self):
            frames.append(sys._getframe())

    Finalized()
    assert serve_module._in_finalizer(frames[0])
    assert not serve_module._in_finalizer(sys._getframe())


def test_pdfs_are_served_from_the_kit_only_and_stopping_ends_the_build(mini: Path, tmp_path: Path):
    out = tmp_path / "preview-pdfs"
    served = Running(mini, out=out)
    builder = served.builder
    try:
        served.wait_pdfs(0)
        kit = builder.state.folder
        assert kit == out.resolve() / "mini" / "fr"
        secret = b"%PDF- TOP SECRET, NOT OF THE KIT"
        for place in (kit / "secret.pdf", kit.parent / "secret.pdf", out / "secret.pdf"):
            place.write_bytes(secret)
        for path in ("/secret.pdf", "/../secret.pdf", "/%2e%2e/secret.pdf", "/..%2fsecret.pdf", "/../../secret.pdf",
                     "/..%5csecret.pdf", "/../.fr.builds.json", "/%2e%2e/.fr.lock", "/fr/livret-participant.pdf",
                     "/mini/fr/livret-participant.pdf", "/livret-participant.pdf%00.html", "/livret-participant.html/"):
            connection = http.client.HTTPConnection("127.0.0.1", served.server.server_address[1], timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            data = response.read()
            connection.close()
            assert response.status == 404, path
            assert b"TOP SECRET" not in data and b'"documents"' not in data, path
        # a PDF of the kit replaced by a link to a file elsewhere: the link is not followed
        elsewhere = tmp_path / "elsewhere.pdf"
        elsewhere.write_bytes(secret)
        (kit / "guide-animation.pdf").unlink()
        (kit / "guide-animation.pdf").symlink_to(elsewhere)
        status, data, _kind = served.get_bytes("/guide-animation.pdf")
        assert status == 503 and b"TOP SECRET" not in data
        process = builder.process
        assert process.is_alive()
        edit(communs(served.preview.folder), NARRATIVE_OLD, NARRATIVE_NEW)  # a build starts; stop it
        served.wait_version(1)
    finally:
        served.stop()
    assert not builder.thread.is_alive()
    assert process.exitcode == 0  # it ended on its own (SIGTERM: the build cleaned up), not killed
    assert builder.process is process  # none started after the stop
    builder.ask(99)
    assert builder.process is process and not process.is_alive()
    assert not [path for path in (out / "mini").iterdir() if ".building-" in path.name]


# --- the command ------------------------------------------------------------------------------


def test_serve_command_prints_the_url_and_stops_on_ctrl_c(mini: Path, monkeypatch):
    def interrupted(self, poll_interval=0.5):
        raise KeyboardInterrupt

    monkeypatch.setattr(PreviewServer, "serve_forever", interrupted)
    result = run("serve", str(mini), "--port", "0")
    assert result.exit_code == 0, result.output
    assert re.search(r"at http://127\.0\.0\.1:\d+/", result.stdout)
    assert "stopped" in result.stdout
    assert "warning" not in result.output
    # the PDFs' temporary folder is gone, and so are the thread and the process that build them
    folder = Path(re.search(r"then the PDFs in (.+?); Ctrl-C", result.stdout).group(1))
    assert folder.name.startswith("prospective-serve-") and not folder.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "prospective-pdf"]
    assert not [child for child in multiprocessing.active_children() if child.name == "prospective-pdf"]


def test_serve_builds_the_pdfs_into_out_and_leaves_them_there(mini: Path, tmp_path: Path, monkeypatch):
    def until_the_pdfs(self, poll_interval=0.5):
        deadline = time.monotonic() + TIMEOUT
        while self.preview.pdfs.state.serial == 0:
            assert time.monotonic() < deadline, "no PDF"
            time.sleep(0.05)
        raise KeyboardInterrupt

    monkeypatch.setattr(PreviewServer, "serve_forever", until_the_pdfs)
    out = tmp_path / "out"
    result = run("serve", str(mini), "--port", "0", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "PDF: 3 written, 0 unchanged" in result.stdout
    assert (out / "mini" / "fr" / "livret-participant.pdf").read_bytes().startswith(b"%PDF-")
    build = run("build", str(mini), "--out", str(out))  # finds them as it would have written them
    assert "(3 unchanged since the last build)" in build.stdout, build.output


def test_serve_warns_when_not_only_on_loopback(mini: Path, monkeypatch):
    monkeypatch.setattr(PreviewServer, "serve_forever", lambda self, poll_interval=0.5: None)
    result = run("serve", str(mini), "--port", "0", "--host", "0.0.0.0")
    assert result.exit_code == 0
    assert "warning: serving on 0.0.0.0" in result.output


def test_a_taken_port_is_a_clear_error(mini: Path):
    with PreviewServer(Preview(mini), "127.0.0.1", 0) as taken:
        result = run("serve", str(mini), "--port", str(taken.server_address[1]))
    assert result.exit_code == 1
    assert "cannot listen on 127.0.0.1:" in result.output and "Traceback" not in result.output


def test_ctrl_c_stops_the_real_process_without_traceback(mini: Path):
    """Ctrl-C as a terminal sends it, to the whole process group, while the PDFs are being built."""
    process = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "serve", str(mini), "--port", "0"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        url = folder = None
        deadline = time.monotonic() + TIMEOUT
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if found := re.search(r"(http://127\.0\.0\.1:\d+/) \(the HTML, then the PDFs in (.+?);", line):
                url, folder = found.group(1), Path(found.group(2))
        assert url, "no URL printed"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert OLD_TITLE in response.read().decode()
        group = _processes_of_group(process.pid)
        assert len(group) >= 2  # the server, and the process that builds the PDFs
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err and "Traceback" not in out
    assert not folder.exists()
    deadline = time.monotonic() + TIMEOUT
    while _processes_of_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_of_group(process.pid)


def _processes_of_group(group: int) -> list[int]:
    """The live processes of a process group (zombies left out: they wait for whoever adopted them)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc here")
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


# --- in a real browser ------------------------------------------------------------------------


def _find(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.fixture
def browser(tmp_path: Path):
    """Headless Chromium driven by Selenium through chromedriver; skipped when missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(f"selenium is not installed: {BROWSER_INSTALL}")
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    chromedriver = _find("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.skip(f"no {'chromium' if chromium is None else 'chromedriver'} on this machine: {BROWSER_INSTALL}")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # no network look-ups: the tests run offline and Chromium hangs without these
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    driver.set_page_load_timeout(TIMEOUT)
    yield driver
    driver.quit()


def _wait(driver, condition, what: str, timeout: float = TIMEOUT) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message=f"the page never showed {what}")


def _body(driver) -> str:
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def _mark(driver) -> None:
    """A flag that only survives as long as the page is not reloaded."""
    driver.execute_script("window.__notReloaded = true")


def _reloaded(driver) -> bool:
    return not driver.execute_script("return window.__notReloaded === true")


def test_browser_reloads_when_a_scenario_title_changes(served: Running, browser):
    browser.get(served.url)
    assert OLD_TITLE in _body(browser)
    _mark(browser)
    edit(communs(served.preview.folder), OLD_TITLE, NEW_TITLE)
    _wait(browser, lambda d: NEW_TITLE in _body(d), NEW_TITLE)
    assert _reloaded(browser)  # the page reloaded itself: the test never navigated
    assert OLD_TITLE not in _body(browser)
    assert browser.current_url == served.url


def test_browser_shows_the_located_error_then_the_kit_again(served: Running, browser):
    browser.get(served.url + "guide-animation.html")
    assert OLD_TITLE in _body(browser)
    _mark(browser)
    edit(communs(served.preview.folder), f"title: {OLD_TITLE}", BROKEN_TITLE)
    _wait(browser, lambda d: "communs.yaml:2:6" in _body(d), "the located YAML error")
    assert _reloaded(browser)
    text = _body(browser)
    assert "YAML syntax error" in text and "hint: check indentation" in text
    assert browser.find_element("css selector", "body.preview-error")
    _mark(browser)
    edit(communs(served.preview.folder), BROKEN_TITLE, f"title: {NEW_TITLE}")
    _wait(browser, lambda d: NEW_TITLE in _body(d), "the fixed kit")
    assert _reloaded(browser)
    assert "YAML syntax error" not in _body(browser)
    assert not browser.find_elements("css selector", "body.preview-error")


def test_browser_waiting_page_turns_into_the_pdf(mini: Path, tmp_path: Path, browser):
    served = Running(mini, out=tmp_path / "preview-pdfs")
    try:
        browser.get(served.url + "livret-participant.pdf")
        if browser.execute_script("return document.contentType") == "text/html":  # not written yet: it says so
            assert "The PDF is being written" in _body(browser)
        _wait(browser, lambda d: d.execute_script("return document.contentType") == "application/pdf",
              "the PDF", timeout=3 * TIMEOUT)  # the page reloaded itself once the PDF was written
        assert browser.current_url == served.url + "livret-participant.pdf"
        assert served.token()[1] == 1
    finally:
        served.stop()
