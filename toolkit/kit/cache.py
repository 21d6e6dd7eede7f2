"""Incremental builds: reuse a PDF of the previous build when nothing it depends on changed.

A PDF depends on its HTML, on every file WeasyPrint fetched for it (CSS, images, colour
profiles), on the PDF variant, and on what turns HTML into PDF: the versions of the toolkit,
WeasyPrint, pydyf and pikepdf, the toolkit's own PDF stage (`toolkit/kit/pdf.py`) and the
system's fonts (fontconfig serves them, never the fetcher, so the font folders' listing
stands for them). All of it is written down, per document, in `.<lang>.builds.json` beside
the kit folder, together with the fingerprint of the PDF that was published.

A PDF is reused only when every one of these is the same again *and* the published PDF is
still the one that was written (same size, same SHA-256): a PDF deleted, truncated or edited
by hand since is rebuilt. Any doubt (no entry, an unreadable manifest, a file that cannot be
read) rebuilds. Each decision comes with the reason, for `build -v`.

One level up, a whole kit is left as it is, without rendering any HTML, when everything a build
reads is the same as for the kit on disk (`kit_inputs`: the study folder, the templates, the
toolkit's code, the installed packages, the fonts, the build's options) and every file of the
published kit is still the one that build wrote (`kit_files`): the no-op rebuild.
What none of this sees: a system library upgraded in place (Pango, HarfBuzz); `--force` is for that.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from toolkit import __version__
from toolkit.files import write_text
from toolkit.language import _
from toolkit.paths import BUILTIN_TEMPLATES

MANIFEST_KIND = "builds.json"
MAX_MANIFEST_BYTES = 8 << 20  # a kit of a thousand documents writes far less: a larger file is not ours
BASE = "./"  # prefix of a fetched file inside the document's own folder (the staging folder moves)
SHIPPED_PREFIX = "toolkit:"  # a colour profile shipped with the templates (`toolkit.kit.pdf.SHIPPED`)
PDF_STAGE = Path(__file__).with_name("pdf.py")
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                "/Library/Fonts", "~/Library/Fonts", "/System/Library/Fonts")
RENDERER_PACKAGES = ("weasyprint", "pydyf", "pikepdf")


@dataclass
class Entry:
    """What the last build knew of one published PDF."""

    html: str  # SHA-256 of the HTML
    variant: str
    renderer: dict[str, str]  # `renderer()` when it was written
    files: dict[str, str]  # every fetched file (`file_key`) -> SHA-256 of its content
    pdf: str  # SHA-256 of the PDF
    size: int
    pages: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long it took to write (the next build hands the longest out first)
    cpu_seconds: float = 0.0  # its CPU time (bench/ compares it with WeasyPrint's floor)


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- what turns HTML into PDF ----------------------------------------------------------------


def renderer() -> dict[str, str]:
    """The versions and files that make a PDF out of the same HTML: a change rebuilds every PDF."""
    versions = {"toolkit": __version__, **{name: _version(name) for name in RENDERER_PACKAGES}}
    versions["pdf-stage"] = _pdf_stage()
    versions["fonts"] = fonts_fingerprint()
    return versions


@cache
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


@cache
def _pdf_stage() -> str:
    return file_sha256(PDF_STAGE)[:16]


def fonts_fingerprint() -> str:
    """The font folders' listing (name, size, date of every file): installing or updating a font changes it."""
    digest = hashlib.sha256()
    for folder in FONT_FOLDERS:
        root = Path(os.path.expanduser(folder))
        for path, size, modified in sorted(_font_files(root)):
            digest.update(f"{path}\0{size}\0{modified}\n".encode())
    return digest.hexdigest()[:16]


def _font_files(root: Path) -> Iterator[tuple[str, int, int]]:
    for folder, _folders, names in os.walk(root):
        for name in names:
            with suppress(OSError):
                status = os.stat(os.path.join(folder, name))
                yield os.path.join(folder, name), status.st_size, status.st_mtime_ns


RENDERER_NAMES = {"toolkit": "prospective-toolkit", "weasyprint": "WeasyPrint", "pydyf": "pydyf",
                  "pikepdf": "pikepdf"}


def _renderer_change(before: dict[str, str], now: dict[str, str]) -> str | None:
    for name, value in now.items():
        if before.get(name) == value:
            continue
        if name == "fonts":
            return _("the installed fonts changed")
        if name == "pdf-stage":
            return _("the toolkit's PDF stage changed")
        return _("%(name)s %(before)s -> %(now)s", name=RENDERER_NAMES.get(name, name),
                 before=before.get(name, "?"), now=value)
    return None


# --- the files WeasyPrint fetched -----------------------------------------------------------


def file_key(url: str, base: Path) -> str:
    """How a fetched URL is written down: relative to the document's folder when inside it (the
    staging folder has another name at each build), else the file's absolute path."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return url  # `toolkit:icc/<name>.icc`
    path = Path(url2pathname(parsed.path)).resolve()
    base = base.resolve()
    if path.is_relative_to(base):
        return BASE + path.relative_to(base).as_posix()
    return str(path)


def file_of(key: str, base: Path) -> Path:
    """The file a `file_key` stands for, for a document written in `base`."""
    if key.startswith(BASE):
        return base / key[len(BASE):]
    if key.startswith(SHIPPED_PREFIX):
        return BUILTIN_TEMPLATES / url2pathname(urlparse(key).path)
    return Path(key)


class FileHashes:
    """SHA-256 of files, each read once per build (every document fetches the same stylesheet)."""

    def __init__(self) -> None:
        self.known: dict[Path, str | None] = {}

    def __call__(self, path: Path) -> str | None:
        if path not in self.known:
            try:
                self.known[path] = file_sha256(path)
            except OSError:
                self.known[path] = None
        return self.known[path]


# --- the decision ---------------------------------------------------------------------------


def why_rebuild(entry: Entry | None, html: str, variant: str | None, base: Path, published: Path,
                now: dict[str, str], hashes: FileHashes, force: bool = False) -> str | None:
    """None when the published PDF can be reused as it is; else why it must be written again."""
    if force:
        return _("--force")
    if entry is None:
        return _("not built before")
    if entry.html != sha256(html):
        return _("its HTML changed")
    if entry.variant != (variant or ""):
        return _("its PDF variant changed")
    if change := _renderer_change(entry.renderer, now):
        return change
    for key, digest in entry.files.items():
        if hashes(file_of(key, base)) != digest:
            return _("%(file)s changed", file=key.removeprefix(BASE))
    try:
        size = published.stat().st_size
    except OSError:
        return _("its PDF is missing")
    if size != entry.size or hashes(published) != entry.pdf:
        return _("its PDF was changed or damaged since")
    return None


def entry_for(html: str, variant: str | None, now: dict[str, str], fetched: dict[str, str], pdf: Path,
              pages: int, warnings: list[str], seconds: float, cpu_seconds: float = 0.0) -> Entry:
    """The entry of a PDF just written (`fetched`: `file_key` -> SHA-256, as the fetcher read them)."""
    return Entry(sha256(html), variant or "", dict(now), dict(sorted(fetched.items())), file_sha256(pdf),
                 pdf.stat().st_size, pages, list(warnings), round(seconds, 3), round(cpu_seconds, 3))


# --- the manifest beside the kit folder -----------------------------------------------------


@dataclass
class Manifest:
    """`.<lang>.builds.json`: an entry by published PDF (`folder/name.pdf`), and what the last whole
    build of the kit read and wrote (`kit_inputs`, `kit_files`), to leave an unchanged kit alone."""

    documents: dict[str, Entry] = field(default_factory=dict)
    inputs: str = ""
    files: dict[str, list] = field(default_factory=dict)  # path in the kit -> `file_state`


def read_manifest(path: Path) -> Manifest:
    """The manifest beside a kit folder; an empty one when missing, too large or not ours."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return Manifest()
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        return Manifest()
    entries = {}
    for key, value in data["documents"].items():
        with suppress(TypeError, ValueError):
            entries[str(key)] = _entry(value)
    kit = data.get("kit")
    if isinstance(kit, dict) and isinstance(kit.get("inputs"), str) and isinstance(kit.get("files"), dict):
        files = {str(key): value for key, value in kit["files"].items()
                 if isinstance(value, list) and len(value) == len(FILE_STATE)}
        return Manifest(entries, kit["inputs"], files)
    return Manifest(entries)


def _entry(value: object) -> Entry:
    if not isinstance(value, dict):
        raise TypeError(value)
    entry = Entry(**value)
    text = (entry.html, entry.variant, entry.pdf)
    if not all(isinstance(item, str) for item in text) or not isinstance(entry.files, dict) \
            or not isinstance(entry.renderer, dict) or not isinstance(entry.warnings, list):
        raise TypeError(value)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in {**entry.files, **entry.renderer}.items()):
        raise TypeError(value)
    entry.size, entry.pages, entry.seconds = int(entry.size), int(entry.pages), float(entry.seconds)
    entry.cpu_seconds = float(entry.cpu_seconds)
    entry.warnings = [str(warning) for warning in entry.warnings]
    return entry


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Keep what this build made for the next; a manifest that cannot be written only costs a full rebuild."""
    data = {"documents": {key: asdict(entry) for key, entry in sorted(manifest.documents.items())},
            "kit": {"inputs": manifest.inputs, "files": dict(sorted(manifest.files.items()))}}
    with suppress(OSError):
        write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


# --- the whole kit: left alone when nothing it was made of changed ----------------------------


def kit_inputs(folders: Iterable[Path], options: dict[str, str], leave_out: Path) -> str:
    """One fingerprint of everything a build reads: every file of `folders` (the study, the templates,
    the toolkit's code) but hidden ones and those under `leave_out` (the kits), the build's `options`,
    Python, the installed packages and `renderer()`."""
    digest = hashlib.sha256()
    context = {"options": options, "python": sys.version, "platform": platform.platform(),
               "packages": installed_packages(), "renderer": renderer()}
    digest.update(json.dumps(context, sort_keys=True).encode())
    leave_out = leave_out.resolve()
    for number, folder in enumerate(dict.fromkeys(folder.resolve() for folder in folders)):
        for path in _files(folder, leave_out):  # relative: a study moved elsewhere makes the same kit
            digest.update(f"\n{number}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def _files(root: Path, leave_out: Path | None = None) -> list[Path]:
    """Every file under `root`, sorted, but hidden ones, compiled Python and anything under `leave_out`."""
    found = []
    for folder, folders, names in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name != "__pycache__"
                            and not (leave_out and (here / name).is_relative_to(leave_out)))
        found.extend(here / name for name in sorted(names) if not name.startswith(".") and not name.endswith(".pyc"))
    return found


def installed_packages() -> list[str]:
    """The distributions installed where Python looks for packages, with their versions (`name-1.2.dist-info`).

    Only the package folders (`site-packages`, `dist-packages`): the other entries of `sys.path` depend on
    how the command was started (the script's folder, the current one), not on what is installed.
    """
    names = []
    for entry in sys.path:
        if Path(entry).name not in ("site-packages", "dist-packages"):
            continue
        with suppress(OSError):
            names.extend(name for name in os.listdir(entry) if name.endswith((".dist-info", ".egg-info")))
    return sorted(names)


FILE_STATE = ("sha256", "size", "modified", "inode")


def file_state(path: Path) -> list:
    """What says a file is still the one written: its SHA-256, and its size, date (ns) and inode."""
    status = path.stat()
    return [file_sha256(path), status.st_size, status.st_mtime_ns, status.st_ino]


def kit_files(folder: Path) -> dict[str, list]:
    """Every file of a published kit, by its path in the kit, with its `file_state`."""
    return {path.relative_to(folder).as_posix(): file_state(path) for path in _files(folder)}


def kit_unchanged(manifest: Manifest, inputs: str, folder: Path) -> bool:
    """Whether the kit on disk is exactly what a build of these inputs wrote: nothing to do.

    The same files, each with the same size, date and inode, or else the same content: like git's index,
    a file whose size, date to the nanosecond and inode are the ones recorded is not read again (a kit
    of a thousand pages has 40 MB of PDF to hash).
    """
    if not manifest.inputs or manifest.inputs != inputs or not manifest.files:
        return False
    try:
        paths = {path.relative_to(folder).as_posix(): path for path in _files(folder)}
        if paths.keys() != manifest.files.keys():
            return False
        return all(_same_file(paths[name], manifest.files[name]) for name in paths)
    except OSError:
        return False


def _same_file(path: Path, recorded: list) -> bool:
    status = path.stat()
    digest, size, modified, inode = recorded
    if status.st_size != size:
        return False
    return (status.st_mtime_ns, status.st_ino) == (modified, inode) or file_sha256(path) == digest


def expected_seconds(keys: list[str], sizes: list[int], timings: dict[str, float]) -> list[float]:
    """How long each document should take: its time at the last build, else its HTML's size at the
    rate of the documents whose time is known (at the first build, the size alone orders them)."""
    known = [(timings[key], size) for key, size in zip(keys, sizes, strict=True) if key in timings and size]
    rate = sum(seconds for seconds, _ in known) / sum(size for _, size in known) if known else 1.0
    return [timings[key] if key in timings else size * rate for key, size in zip(keys, sizes, strict=True)]
