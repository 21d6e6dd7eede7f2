"""The study folder itself, as untrusted input: its name, its links, its own templates.

A study travels between organisations (docs/security.md). `check`, `build` and `serve`
all load it through `load_study`, so the rules here hold the same way for the three:
- the folder's name is the study's id, and becomes a folder of the kit: a slug;
- no symbolic link anywhere in it (a link could make the build read or publish any file);
- its own templates must parse, and its CSS may load nothing but its own assets.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError

from toolkit.errors import Location, Problems, printable
from toolkit.language import _
from toolkit.limits import MAX_ID_CHARS
from toolkit.paths import ASSET_DIR, STUDY_FILE, TEMPLATE_DIR
from toolkit.study.model import SLUG_PATTERN, suggest_slug

# url(...) and @import "..." in CSS: what a style sheet may ask the PDF writer to load.
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE | re.DOTALL)
TEMPLATE_SUFFIXES = (".j2", ".html", ".css", ".svg")


def check_folder(folder: Path, problems: Problems) -> None:
    """Every rule of the folder itself; each problem located at the file concerned."""
    _check_name(folder, problems)
    _check_links(folder, problems)
    templates = folder / TEMPLATE_DIR
    if templates.is_dir() and not templates.is_symlink():
        _check_templates(templates, problems)


def _check_name(folder: Path, problems: Problems) -> None:
    name = folder.name
    if not re.match(SLUG_PATTERN, name) or len(name) > MAX_ID_CHARS:
        problems.add(Location(folder / STUDY_FILE),
                     _("the study folder '%(name)s' is not a valid study id (the folder name is the id, and names "
                       "the kit's folder)", name=printable(name)),
                     _("rename the folder to %(slug)s: lowercase letters, digits and hyphens, at most %(max)s "
                       "characters", slug=suggest_slug(name)[:MAX_ID_CHARS] or "my-study", max=MAX_ID_CHARS))


def _check_links(folder: Path, problems: Problems) -> None:
    """Symbolic links, files or folders, anywhere in the study (never followed)."""
    for parent, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(parent) / name
            if path.is_symlink():
                problems.add(Location(path), _("symbolic links are not allowed in a study folder"),
                             _("a study travels between organisations: put the file or folder itself here, "
                               "not a link to it"))
        dirs[:] = [d for d in dirs if not (Path(parent) / d).is_symlink() and not d.startswith(".")]


def _check_templates(templates: Path, problems: Problems) -> None:
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    for path in sorted(templates.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.suffix not in TEMPLATE_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.add(Location(path), _("cannot read this template: %(reason)s", reason=error),
                         _("save it as UTF-8 text"))
            continue
        try:
            environment.parse(text, name=path.name, filename=str(path))
        except TemplateSyntaxError as error:
            problems.add(Location(path, error.lineno or 1),
                         _("template syntax error: %(reason)s", reason=printable(error.message or "")),
                         _("see the Jinja template documentation"))
        if path.suffix == ".css" or ".css" in path.suffixes:
            _check_css(templates, path, text, problems)


def _check_css(templates: Path, path: Path, text: str, problems: Problems) -> None:
    """A study's CSS may load files of its own templates/assets/ or the study's assets/, nothing else."""
    for match in CSS_URL.finditer(text):
        url = (match.group(2) if match.group(2) is not None else match.group(4) or "").strip()
        reason = _css_url_reason(url)
        if reason:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            problems.add(Location(path, line, column),
                         _("refused URL '%(url)s' in a style sheet: %(reason)s", url=printable(url), reason=reason),
                         _("a study's CSS may only use the study's own images, written like "
                           "url(%(folder)s/picture.png)", folder=ASSET_DIR))


# The colour profiles shipped with the toolkit (toolkit.kit.pdf serves them, from templates/icc/ alone):
# a study that copies the decks' CSS into its own templates keeps the print-shop output intent.
SHIPPED_PROFILE = re.compile(r"toolkit:icc/[A-Za-z0-9_-]+\.icc")


def _css_url_reason(url: str) -> str | None:
    if url.startswith("#") or SHIPPED_PROFILE.fullmatch(url):
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith(("/", "\\")):
        return _("only relative paths to the study's assets are allowed")
    if ".." in Path(url).parts:
        return _("the path climbs out of the assets folder")
    if Path(url).parts[:1] != (ASSET_DIR,):
        return _("the file is not in the %(folder)s/ folder", folder=ASSET_DIR)
    return None
