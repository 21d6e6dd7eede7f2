"""The template sandbox: a study's own templates are untrusted, so every template is.

A study folder travels between organisations with its `templates/` overrides, so a template
may be hostile. It gets data and nothing else:
- attributes and items that are paths, modules or classes are refused (a `Path` would reach
  the file system through its methods), as are pydantic's `model_*` methods and everything
  Jinja's own sandbox refuses (private names, internals of functions and frames);
- `include`, `extend` and `import` find templates by name inside the lookup folders only,
  never through a symbolic link and never above a folder (`..`, absolute names);
- rendering is bounded in time and in size (`toolkit.limits`);
- every refusal and every template error becomes a `BuildError` located at the template
  file and line that caused it.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

from jinja2 import FileSystemLoader, Template, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from toolkit.errors import BuildError, Location, printable
from toolkit.language import _
from toolkit.limits import MAX_HTML_BYTES, MAX_RENDER_SECONDS, env_name

_HANDLES = (PurePath, ModuleType, io.IOBase, os.DirEntry)  # what reaches files or the interpreter
_OPAQUE = (*_HANDLES, type)  # classes too: a template calls only the ones Jinja gives it (namespace, dict...)


class TemplateRefused(TemplateError):
    """A template that exists but may not be read (a symbolic link): not a "not found", so the
    lookup chain stops there instead of quietly using the toolkit's template of that name."""

    def __init__(self, name: str, reason: str):
        super().__init__(reason)
        self.name = name


class RenderLimit(Exception):
    """A document took too long or grew too large to render."""


class ConfinedLoader(FileSystemLoader):
    """Finds a template by name inside one folder, never through a symbolic link."""

    def __init__(self, root: Path):
        super().__init__(str(root))
        self.root = Path(root)

    def get_source(self, environment, template: str):
        pieces = split_template_path(template)  # TemplateNotFound for `..`
        path = self.root.joinpath(*pieces)
        if not path.is_file():
            raise TemplateNotFound(template)
        if _through_link(self.root, pieces):
            raise TemplateRefused(template, _("it is a symbolic link, or inside one"))
        return super().get_source(environment, template)


def _through_link(root: Path, pieces: list[str]) -> bool:
    current = root
    if current.is_symlink():
        return True
    for piece in pieces:
        current = current / piece
        if current.is_symlink():
            return True
    return False


class DataSandbox(SandboxedEnvironment):
    """Jinja's sandbox, narrowed to data: no path, module or class is ever reachable."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, _OPAQUE) or isinstance(value, _OPAQUE):
            return False
        if isinstance(obj, BaseModel) and attr.startswith("model_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, _HANDLES) or isinstance(getattr(obj, "__self__", None), _HANDLES):
            return False
        return super().is_safe_callable(obj)

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if isinstance(value, _OPAQUE):
            return self.unsafe_undefined(obj, str(argument))
        return value


def render_bounded(template: Template, context: dict[str, Any]) -> str:
    """Render within MAX_RENDER_SECONDS and MAX_HTML_BYTES; template errors become located BuildErrors."""
    parts: list[str] = []
    size = 0
    deadline = time.monotonic() + MAX_RENDER_SECONDS
    try:
        with _alarm(MAX_RENDER_SECONDS):
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > MAX_HTML_BYTES:
                    raise RenderLimit(_("the page grew past %(size)s MiB of HTML",
                                        size=MAX_HTML_BYTES // (1024 * 1024)))
                if time.monotonic() > deadline:
                    raise RenderLimit(_("rendering took longer than %(seconds)s s", seconds=MAX_RENDER_SECONDS))
                parts.append(chunk)
    except (TemplateError, RenderLimit, RecursionError) as error:
        raise template_error(error, template.name or "", template.filename) from None
    return "".join(parts)


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """Interrupt a render that never yields (a loop with no output), where the system lets us."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise RenderLimit(_("rendering took longer than %(seconds)s s", seconds=seconds))

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def template_error(error: BaseException, name: str, filename: str | None = None) -> BuildError:
    """A template error in words, at the template file and line that caused it (else at `filename`)."""
    location = _location(error) or (Location(Path(filename)) if filename else None)
    if isinstance(error, TemplateRefused):
        message, hint = (_("the template asks for '%(name)s', which is refused: %(reason)s",
                           name=printable(str(error.name)), reason=error),
                         _("templates include or extend other templates by name, inside the study's templates/ "
                           "folder or the toolkit's; replace links by the files themselves"))
    elif isinstance(error, TemplateNotFound):
        message, hint = (_("the template asks for '%(name)s', which is no template of the study or the toolkit",
                           name=printable(str(error.name))),
                         _("include or extend templates by their name inside templates/, like "
                           "\"partials/macros.html.j2\"; absolute paths and .. are not allowed"))
    elif isinstance(error, SecurityError):
        message, hint = (_("the template tried something templates may not do (%(what)s)", what=printable(str(error))),
                         _("templates only read the study's data: remove that attribute or call"))
    elif isinstance(error, TemplateSyntaxError):
        message, hint = (_("template syntax error: %(error)s", error=printable(error.message or "")),
                         _("see the Jinja template documentation; the line is given above"))
    elif isinstance(error, UndefinedError):
        message, hint = (_("template error: %(error)s", error=printable(error.message or str(error))),
                         _("check the name of the variable or field in the template, or the data it reads"))
    elif isinstance(error, RenderLimit):
        message, hint = ((name or _("a template")) + f": {error}",
                         _("a template loops too much; if the study really is that large, raise "
                           "%(seconds)s or %(size)s", seconds=env_name("MAX_RENDER_SECONDS"),
                           size=env_name("MAX_HTML_BYTES")))
    elif isinstance(error, RecursionError):
        message, hint = (_("%(template)s includes or calls itself without end", template=name or _("a template")),
                         _("break the loop of includes, extends or macro calls"))
    else:
        message, hint = _("template error: %(error)s", error=printable(str(error))), _("fix the template")
    return BuildError(message, hint, location)


def _location(error: BaseException) -> Location | None:
    """The template file and line: from a syntax error, or the innermost template frame of the traceback."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return Location(Path(error.filename), error.lineno or 1)
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith((".j2", ".css", ".html", ".svg")) and Path(frame.filename).is_file()]
    if not frames:
        return None
    return Location(Path(frames[-1].filename), frames[-1].lineno or 1)
