"""Faults and signals: a build killed, interrupted, refused by the system, or racing another one.

Whatever happens, the previous kit stays exactly as it was, no process outlives the build,
nothing is left beside the kit once the next build has run, and a fault of the machine is a
message with the path and what to do (exit 1), never a traceback.

Real processes run `python -m toolkit build` on the mini study; PROSPECTIVE_JOBS=2 makes it
write its three PDFs in worker processes. Each build carries a marker in its environment,
which its workers and the multiprocessing resource tracker inherit: scanning /proc for it
finds every process of the build, even once an orphan has been adopted by another parent.
Read-only and full disks are tmpfs mounted for the test, so these tests need root (they are
skipped otherwise). Timeouts only turn a hang into a failure; no speed is asserted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_fixture, edit, run, umask
from toolkit.errors import BuildError
from toolkit.kit import build as build_module
from toolkit.kit.build import build_kit
from toolkit.study.load import load_study

TIMEOUT = 120  # seconds: a safety net against a hang, far above a build of the mini study
MARKER = "PROSPECTIVE_TEST_MARKER"
OLD_TITLE = "title: Petite étude de test"
KIT_FILES = ["cartes-scenarios.html", "cartes-scenarios.pdf", "guide-animation.html", "guide-animation.pdf",
             "index.html", "livret-participant.html", "livret-participant.pdf"]

linux_only = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="scans /proc (Linux)")


# --- helpers ----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path: to compare a kit before and after."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Hidden staging or set-aside folders left anywhere under `out` (safe while a build renames them)."""
    return sorted(name for _, folders, _ in os.walk(out) for name in folders
                  if name.startswith(".") and (".building-" in name or ".old-" in name))


def marked(marker: str) -> list[int]:
    """The live (not zombie) processes whose environment carries `marker`."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environment = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if needle in environment.split(b"\0") and state not in ("Z", "X"):
            found.append(int(entry))
    return found


def wait_until(condition, timeout: float = TIMEOUT, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Build:
    """`python -m toolkit build` in a real process, with a marker to find every process it starts."""

    def __init__(self, study: Path, out: Path, jobs: str = "2", *, group: bool = False, extra_env=None):
        self.marker = uuid.uuid4().hex
        self.stale = set(out.glob("mini/.fr.building-*"))  # left by a build killed before: not this one's
        env = {**os.environ, "PROSPECTIVE_JOBS": jobs, MARKER: self.marker, **(extra_env or {})}
        env.pop("PROSPECTIVE_DEBUG", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "toolkit", "build", str(study), "--out", str(out)], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=group)
        self.stderr_lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def processes(self) -> list[int]:
        return marked(self.marker)

    def wait_for_workers(self, count: int = 2) -> None:
        """Until the build starts its workers: itself, the resource tracker and `count` workers are up."""
        assert wait_until(lambda: len(self.processes()) >= 2 + count or self.process.poll() is not None)
        assert self.process.poll() is None, f"the build ended before its workers started:\n{self.stderr}"

    def wait_for_pdfs(self, out: Path) -> None:
        """Until the workers are well at work: one has written a PDF (at least), not all three are done."""
        def writing() -> bool:
            try:
                written = [p.name for p in out.glob("mini/.fr.building-*/*")
                           if ".pdf" in p.name and p.parent not in self.stale]
            except OSError:  # a folder renamed or removed while listed
                return False
            return bool(written) and sum(name.endswith(".pdf") for name in written) < 3
        assert wait_until(lambda: writing() or self.process.poll() is not None, step=0.005)
        assert self.process.poll() is None, f"the build ended before it was stopped:\n{self.stderr}"
        assert len(self.processes()) >= 3, "no worker process"

    def finish(self) -> int:
        try:
            self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self._reader.join(TIMEOUT)
        self.process.stdout.close()
        return self.process.returncode

    def assert_no_process_left(self) -> None:
        assert wait_until(lambda: not self.processes(), timeout=30), \
            f"processes left behind: {[_command(pid) for pid in self.processes()]}"


def _command(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return str(pid)


@pytest.fixture
def previous(mini: Path, tmp_path: Path):
    """A kit of the mini study in tmp_path/out, and the study changed since: a new build would differ."""
    out = tmp_path / "out"
    build_kit(load_study(mini), "fr", out)
    kit = out / "mini" / "fr"
    edit(mini / "study.yaml", OLD_TITLE, "title: Une autre étude")
    return out, kit, snapshot(kit)


# --- kill -9, Ctrl-C, SIGTERM -----------------------------------------------------------------


@linux_only
def test_kill_9_keeps_the_previous_kit_and_leaves_no_process(mini: Path, previous):
    out, kit, before = previous
    build = Build(mini, out)
    build.wait_for_pdfs(out)
    build.process.kill()
    assert build.finish() == -signal.SIGKILL
    build.assert_no_process_left()  # the workers and the resource tracker, adopted by init, are gone
    assert snapshot(kit) == before
    assert leftovers(out)  # killed while writing its PDFs: its staging folder is still there...
    build_kit(load_study(mini), "fr", out)  # ...until the next build of the same kit removes it
    assert leftovers(out) == []
    assert "Une autre étude" in (kit / "index.html").read_text()


@linux_only
@pytest.mark.parametrize("to", ["process", "group"])
def test_ctrl_c_stops_the_build_and_its_workers(mini: Path, previous, to: str):
    """SIGINT to the build alone (kill -INT), or to its whole process group (Ctrl-C in a terminal)."""
    out, kit, before = previous
    build = Build(mini, out, group=to == "group")
    build.wait_for_pdfs(out)
    if to == "group":
        os.killpg(build.process.pid, signal.SIGINT)
    else:
        build.process.send_signal(signal.SIGINT)
    assert build.finish() == 130, build.stderr
    assert "interrupted: the previous output is unchanged" in build.stderr
    assert "Traceback" not in build.stderr and "KeyboardInterrupt" not in build.stderr
    build.assert_no_process_left()
    assert snapshot(kit) == before
    assert leftovers(out) == []


@linux_only
def test_sigterm_stops_the_build_like_ctrl_c(mini: Path, previous):
    out, kit, before = previous
    build = Build(mini, out)
    build.wait_for_pdfs(out)
    build.process.terminate()
    assert build.finish() == 128 + signal.SIGTERM, build.stderr
    assert "stopped (SIGTERM): the previous output is unchanged" in build.stderr
    assert "Traceback" not in build.stderr
    build.assert_no_process_left()
    assert snapshot(kit) == before
    assert leftovers(out) == []


@linux_only
def test_ctrl_c_while_the_workers_start_shows_no_traceback(mini: Path, previous):
    """The workers inherit a blocked SIGINT and ignore it: a Ctrl-C as they start is the parent's alone."""
    out, kit, before = previous
    build = Build(mini, out, group=True)
    build.wait_for_workers(count=1)
    os.killpg(build.process.pid, signal.SIGINT)
    assert build.finish() == 130, build.stderr
    assert "Traceback" not in build.stderr
    build.assert_no_process_left()
    assert snapshot(kit) == before


def test_a_failing_document_stops_the_other_workers_at_once(mini: Path, tmp_path: Path, monkeypatch):
    import multiprocessing

    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    (mini / "templates").mkdir()
    (mini / "templates" / "cards.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<img src="file:///etc/passwd" alt="x">{% endblock %}')
    with pytest.raises(BuildError, match="refused to load file:///etc/passwd"):
        build_kit(load_study(mini), "fr", tmp_path / "out")
    assert multiprocessing.active_children() == []
    assert leftovers(tmp_path / "out") == []


def children(parent: int) -> list[int]:
    """The processes whose parent is `parent`."""
    found = []
    for entry in os.listdir("/proc"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if entry.isdigit() and int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry))
    return found


@pytest.mark.parametrize("error", [ValueError("bad value(s) in fds_to_keep"), OSError("handle is closed")])
def test_a_worker_killed_while_the_next_starts_is_the_same_clear_error(tmp_path: Path, monkeypatch, error):
    """Seen in CI: a worker killed while the pool starts the next one; the pool's manager closes the queues the
    new worker was to inherit, and starting it fails with an OSError or ValueError, not BrokenProcessPool."""
    from concurrent.futures import ProcessPoolExecutor

    from toolkit.kit import pdf

    def broken_submit(self, *args, **kwargs):
        self._broken = "A child process terminated abruptly"  # what the manager thread sets first
        raise error

    monkeypatch.setattr(ProcessPoolExecutor, "submit", broken_submit)
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    jobs = [pdf.PdfJob("<p>x</p>", tmp_path / f"{n}.pdf", tmp_path, (tmp_path,), None, f"{n}.pdf") for n in range(2)]
    with pytest.raises(BuildError) as caught:
        pdf.write_pdfs(jobs)
    assert caught.value.problem.message == "a process writing the PDFs stopped unexpectedly"


def test_an_error_starting_a_worker_of_a_sound_pool_is_not_hidden(tmp_path: Path, monkeypatch):
    """Only a pool that lost a worker turns the error into "stopped unexpectedly": anything else is a bug to see."""
    from concurrent.futures import ProcessPoolExecutor

    from toolkit.kit import pdf

    def failing_submit(self, *args, **kwargs):
        raise ValueError("something else")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", failing_submit)
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    jobs = [pdf.PdfJob("<p>x</p>", tmp_path / f"{n}.pdf", tmp_path, (tmp_path,), None, f"{n}.pdf") for n in range(2)]
    with pytest.raises(ValueError, match="something else"):
        pdf.write_pdfs(jobs)


@linux_only
def test_a_worker_killed_is_a_clear_error(mini: Path, previous, monkeypatch):
    """A worker that dies (out of memory, killed by someone): exit 1 and a message, not a traceback."""
    import multiprocessing

    out, kit, before = previous
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    before_children = set(children(os.getpid()))

    def kill_a_worker():
        def worker():
            return [pid for pid in children(os.getpid()) if pid not in before_children
                    and b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        if wait_until(lambda: worker(), step=0.01):
            os.kill(worker()[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    try:
        result = run("build", str(mini), "--out", str(out))
    finally:
        killer.join(TIMEOUT)
    assert result.exit_code == 1, result.output
    assert "error: a process writing the PDFs stopped unexpectedly" in result.stderr
    assert "hint: it may have run out of memory" in result.stderr
    # the other worker is stopped, not left behind; on a loaded machine it may take a moment to exit
    assert wait_until(lambda: multiprocessing.active_children() == []), multiprocessing.active_children()
    assert snapshot(kit) == before
    assert leftovers(out) == []


# --- two builds of one kit --------------------------------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from toolkit.kit.build import _locked
with _locked(Path(sys.argv[1]), print):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_second_build_waits_for_the_first(mini: Path, tmp_path: Path):
    """One process holds the kit's lock; a real build says it waits, does nothing, then builds once it is free."""
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out / "mini" / "fr")], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        build = Build(mini, out, jobs="1")
        assert wait_until(lambda: "another build of" in build.stderr or build.process.poll() is not None)
        assert (f"another build of {out / 'mini' / 'fr'} is running (process {holder.pid}): "
                "this one waits for it to finish (Ctrl-C to give up)") in build.stderr
        time.sleep(0.5)
        assert build.process.poll() is None
        assert not (out / "mini" / "fr").exists() and leftovers(out) == []  # it waits before writing anything
        holder.communicate("go\n", timeout=TIMEOUT)
        assert build.finish() == 0, build.stderr
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert (out / "mini" / "fr" / "livret-participant.pdf").is_file()
    assert leftovers(out) == []


def test_two_builds_at_once_never_overlap(mini: Path, tmp_path: Path):
    out = tmp_path / "out"
    builds = [Build(mini, out, jobs="1"), Build(mini, out, jobs="1")]
    stagings_at_once = 0
    while any(build.process.poll() is None for build in builds):
        if (out / "mini").is_dir():
            stagings_at_once = max(stagings_at_once, len(leftovers(out / "mini")))
        time.sleep(0.005)
    assert [build.finish() for build in builds] == [0, 0], [build.stderr for build in builds]
    assert stagings_at_once <= 1
    assert sorted(p.name for p in (out / "mini" / "fr").iterdir()) == KIT_FILES
    assert leftovers(out) == []


def test_a_build_gives_up_after_a_bounded_wait(mini: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(build_module, "LOCK_WAIT_SECONDS", 0.5)
    out = tmp_path / "out"
    kit = out / "mini" / "fr"
    told = []
    with build_module._locked(kit, print), pytest.raises(BuildError) as caught:  # flock: another open file
        build_kit(load_study(mini), "fr", out, waiting=told.append)
    assert told == [f"another build of {kit} is running (process {os.getpid()}): "
                    "this one waits for it to finish (Ctrl-C to give up)"]
    assert str(caught.value) == (f"another build of {kit} is still running (process {os.getpid()}) after "
                                 "0.5 seconds: this one stopped without writing anything")
    assert caught.value.problem.hint == "wait until it has finished, or stop it, then build again"
    assert not kit.exists()


def test_without_locks_builds_still_work_and_leave_others_staging_alone(mini: Path, tmp_path: Path, monkeypatch):
    """A file system without locks (some network ones): no waiting, and no clearing of what may be another's."""
    monkeypatch.setattr(build_module, "_try_lock", lambda handle: None)
    out = tmp_path / "out"
    (out / "mini" / ".fr.building-other").mkdir(parents=True)
    build_kit(load_study(mini), "fr", out, waiting=pytest.fail)
    assert (out / "mini" / "fr" / "index.html").is_file()
    assert leftovers(out) == [".fr.building-other"]


# --- publishing -------------------------------------------------------------------------------


def _small_kit(folder: Path, text: str) -> None:
    (folder / "sub").mkdir()
    (folder / "index.html").write_text(text)
    (folder / "sub" / "a.txt").write_text(text)


def _publish_while_watching(destination: Path, times: int) -> int:
    """Publish `times` new versions of a small folder while a thread looks for it; how often it was missing."""
    missing = 0
    stop = threading.Event()

    def watch():
        nonlocal missing
        while not stop.is_set():
            if not os.path.isdir(destination):
                missing += 1

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for number in range(times):
            with build_module._staged(destination) as staging:
                _small_kit(staging, f"version {number}")
    finally:
        stop.set()
        watcher.join()
    assert (destination / "index.html").read_text() == f"version {times - 1}"
    return missing


def test_the_kit_folder_exists_at_every_moment_of_a_publish(tmp_path: Path):
    destination = tmp_path / "out" / "fr"
    with build_module._staged(destination) as staging:
        _small_kit(staging, "first")
    assert _publish_while_watching(destination, 300) == 0
    assert sorted(p.name for p in destination.parent.iterdir()) == ["fr"]


def test_without_an_atomic_exchange_the_publish_still_never_loses_the_kit(tmp_path: Path, monkeypatch):
    """The fallback (rename aside, rename in) has a gap, but an error in it puts the previous kit back."""
    monkeypatch.setattr(build_module, "_exchange", lambda first, second: False)
    destination = tmp_path / "fr"
    with build_module._staged(destination) as staging:
        _small_kit(staging, "first")
    _publish_while_watching(destination, 20)  # the gap is allowed here, losing the kit is not
    original = Path.rename

    def failing(self, target):
        if ".building-" in self.name:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return original(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(BuildError, match=r"cannot write .*fr: Input/output error"), \
            build_module._staged(destination) as staging:
        _small_kit(staging, "never")
    assert (destination / "index.html").read_text() == "version 19"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr"]


def test_a_kit_set_aside_by_a_killed_publish_is_put_back_by_the_next_build(mini: Path, tmp_path: Path):
    """Killed between the two renames of the fallback: the next build restores the kit before anything else."""
    out = tmp_path / "out"
    build_kit(load_study(mini), "fr", out)
    kit = out / "mini" / "fr"
    before = snapshot(kit)
    kit.rename(kit.with_name(".fr.old-1234"))
    (out / "mini" / ".fr.building-dead").mkdir()
    (mini / "templates").mkdir()
    (mini / "templates" / "cards.html.j2").write_text("{{ no_such_variable }}")
    with pytest.raises(Exception):  # noqa: B017 - the template error itself
        build_kit(load_study(mini), "fr", out)
    assert snapshot(kit) == before
    assert leftovers(out) == []


# --- modes follow the umask -------------------------------------------------------------------


def _modes(folder: Path) -> set[tuple[str, str]]:
    return {("dir" if p.is_dir() else "file", oct(p.stat().st_mode & 0o777)) for p in [folder, *folder.rglob("*")]}


@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"), [(0o022, "0o644", "0o755"), (0o077, "0o600", "0o700")])
def test_files_and_folders_follow_the_umask(mini: Path, tmp_path: Path, mask: int, file_mode: str, folder_mode: str):
    out = tmp_path / "out"
    with umask(mask):
        build_kit(load_study(mini), "fr", out)
    assert _modes(out / "mini") == {("dir", folder_mode), ("file", file_mode)}  # the lock file included


def test_a_workshop_kit_follows_the_umask_and_its_zip_keeps_0644(tmp_path: Path):
    workshop = copy_fixture("workshop", tmp_path)
    out = tmp_path / "out"
    with umask(0o077):
        build_kit(load_study(workshop), "fr", out, "atelier")  # a workshop build publishes a sub-folder
    assert _modes(out / "workshop") == {("dir", "0o700"), ("file", "0o600")}
    [archive] = (out / "workshop" / "fr" / "atelier").glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        assert {info.external_attr >> 16 for info in opened.infolist()} == {0o644}  # whatever the umask


# --- the machine says no ----------------------------------------------------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"),
                                reason="mounting a tmpfs needs root (chmod does not stop root)")


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A tmpfs of `size` mounted at `folder`, always unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


@needs_root
def test_a_read_only_output_folder(mini: Path, tmp_path: Path):
    with tmpfs(tmp_path / "disk", "20m") as disk:
        out = disk / "out"
        build_kit(load_study(mini), "fr", out)
        kit = out / "mini" / "fr"
        before = snapshot(kit)
        read_only(disk)
        unchanged = run("build", str(mini), "--out", str(out))  # nothing to write: the kit is up to date
        assert unchanged.exit_code == 0 and "nothing it is made of changed" in unchanged.stdout, unchanged.output
        result = run("build", str(mini), "--out", str(out), "--force")
        assert result.exit_code == 1, result.output
        assert (f"error: cannot write {kit}: Read-only file system ({kit} was left as it was)\n"
                "    hint: the disk or folder is read-only: choose another folder (--out DIR) or make it writable"
                ) in result.stderr
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert snapshot(kit) == before
        assert leftovers(out) == []
        result = run("build", str(mini), "--out", str(disk / "elsewhere"))  # no kit there yet
        assert result.exit_code == 1, result.output
        assert (f"error: cannot write {disk / 'elsewhere'}: Read-only file system (nothing was written)"
                ) in result.stderr


@needs_root
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk(mini: Path, tmp_path: Path, monkeypatch, jobs: str):
    """The disk fills up while the PDFs are written (in this process, or in workers): exit 1, space given back."""
    monkeypatch.setenv("PROSPECTIVE_JOBS", jobs)
    with tmpfs(tmp_path / "disk", "2m") as disk:
        out = disk / "out"
        build_kit(load_study(mini), "fr", out)
        kit = out / "mini" / "fr"
        before = snapshot(kit)
        html = sum(len(data) for name, data in before.items() if not name.endswith(".pdf"))
        pdf = sum(len(data) for name, data in before.items() if name.endswith(".pdf"))
        # room for the HTML, not for the PDFs
        (disk / "filler").write_bytes(b"\0" * (_free(disk) - html - 64 * 1024 - pdf // 4))
        free = _free(disk)
        result = run("build", str(mini), "--out", str(out), "--force")  # unchanged PDFs would be carried over
        assert result.exit_code == 1, result.output
        assert f"error: cannot write {kit}/" in result.stderr
        assert f".pdf: No space left on device ({kit} was left as it was)\n" in result.stderr  # by a worker with 2
        assert ("hint: the disk is full: free some space, or choose a folder on another disk (--out DIR)"
                in result.stderr)
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert snapshot(kit) == before
        assert leftovers(out) == []
        assert _free(disk) == free  # the staging folder is gone, and the space with it


def _free(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


@needs_root
@pytest.mark.skipif(not shutil.which("setpriv"), reason="runs a build as another user with setpriv")
def test_permission_denied(tmp_path: Path):
    """As a user who may not write into the output folder (root may write anywhere, so: nobody)."""
    shared = Path(tempfile.mkdtemp(prefix="prospective-permission-"))  # tmp_path's parents are private to root
    try:
        shared.chmod(0o755)
        study = copy_fixture("mini", shared)
        out = shared / "out"
        build_kit(load_study(study), "fr", out)
        kit = out / "mini" / "fr"
        before = snapshot(kit)
        process = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "toolkit",
             "build", str(study), "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False,
            env={**os.environ, "HOME": str(shared), "PYTHONDONTWRITEBYTECODE": "1"})
        assert process.returncode == 1, process.stderr
        assert (f"error: cannot write {kit}: Permission denied ({kit} was left as it was)\n"
                "    hint: you may not write there: choose another folder (--out DIR) or change its permissions"
                ) in process.stderr
        assert snapshot(kit) == before
        assert leftovers(out) == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_a_file_where_a_folder_should_be(mini: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mini").write_text("not a folder")
    result = run("build", str(mini), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert (f"error: cannot write {out / 'mini'}: Not a directory (nothing was written)\n"
            "    hint: part of the path is a file, not a folder: check the path") in result.stderr
    (out / "mini").unlink()
    (out / "mini").mkdir()
    (out / "mini" / "fr").write_text("not a folder")
    result = run("build", str(mini), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert (f"error: cannot write {out / 'mini' / 'fr'}: a file stands where the kit folder should be "
            "(nothing was written)\n    hint: part of the path is a file, not a folder") in result.stderr
    assert (out / "mini" / "fr").read_text() == "not a folder"
    assert leftovers(out) == []


def test_a_name_too_long(mini: Path, tmp_path: Path):
    out = tmp_path / ("o" * 300)
    result = run("build", str(mini), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert f"error: cannot write {out / 'mini'}: File name too long (nothing was written)" in result.stderr
    assert "hint: the path is too long for this system: use shorter ids or a shorter --out folder" in result.stderr


def test_an_output_folder_removed_during_the_build(mini: Path, previous, monkeypatch):
    """Someone deletes the output folder (or unplugs the drive) while the PDFs are written."""
    out, kit, _ = previous
    original = build_module.write_pdfs

    def then_removed(*args, **kwargs):
        results = original(*args, **kwargs)
        shutil.rmtree(out)
        return results

    monkeypatch.setattr(build_module, "write_pdfs", then_removed)
    result = run("build", str(mini), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert f"error: cannot write {kit}: the folder was removed during the build\n" in result.stderr
    assert "hint: a folder on the way does not exist (was it removed, or a drive unplugged?)" in result.stderr
    assert not kit.exists()  # never half a kit
    assert leftovers(out) == []


# --- `prospective new` ------------------------------------------------------------------------


@needs_root
def test_new_study_on_a_full_or_read_only_disk(tmp_path: Path):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        (disk / "filler").write_bytes(b"\0" * (_free(disk) - 4096))
        result = run("--studies", str(disk), "new", "study", "ma-etude")
        assert result.exit_code == 1, result.output
        assert f"error: cannot create {disk / 'ma-etude'}/" in result.stderr
        assert ": No space left on device (nothing was created)\n    hint: the disk is full" in result.stderr
        assert not list((disk / "ma-etude").rglob("*.yaml"))  # no half study: a rerun starts afresh
        (disk / "filler").unlink()
        read_only(disk)
        result = run("--studies", str(disk), "new", "study", "autre")
        assert result.exit_code == 1, result.output
        assert (f"error: cannot create {disk / 'autre'}: Read-only file system (nothing was created)\n"
                "    hint: the disk or folder is read-only") in result.stderr


def test_new_study_where_a_file_stands(tmp_path: Path):
    (tmp_path / "ma-etude").write_text("a file")
    result = run("--studies", str(tmp_path), "new", "study", "ma-etude")
    assert result.exit_code == 1, result.output
    assert (f"error: cannot create {tmp_path / 'ma-etude'}: Not a directory (nothing was created)\n"
            "    hint: part of the path is a file, not a folder: check the path") in result.stderr
    assert (tmp_path / "ma-etude").read_text() == "a file"
