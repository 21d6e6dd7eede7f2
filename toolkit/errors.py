"""Located problems: every message a user sees names a file, a line and a column.

Messages are written in the user's language (`toolkit.language`): the code that finds a
problem translates its message and hint; the labels (`error`, `warning`, `hint`) are
translated here, when a problem is shown.

Every text a message quotes from the input (ids, values, file names) may hold control
characters; `Problem.__str__` escapes them, so no input can drive the user's terminal.
"""

from __future__ import annotations

import difflib
import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.language import N_, _

# The labels of a shown problem: `error: ...`, `warning: ...`, then `    hint: ...`.
_SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "note": N_("editor's note")}
_HINT = N_("hint")
_LABELLED = N_("%(label)s: %(text)s")  # French puts a space before the colon


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file, 1-based like editors show it."""

    file: Path
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{printable(display_path(self.file))}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and what to do about it."""

    location: Location | None
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        label = _(_SEVERITIES.get(self.severity, self.severity))
        text = where + _(_LABELLED, label=label, text=printable(self.message))
        return f"{text}\n    {_(_LABELLED, label=_(_HINT), text=printable(self.hint))}" if self.hint else text

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (str(loc.file), loc.line, loc.column) if loc else ("", 0, 0)


@dataclass
class Problems:
    """Collects every problem of a run so they can be reported together."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location | None, message: str, hint: str = "") -> None:
        self.items.append(Problem(location, message, hint))

    def warn(self, location: Location | None, message: str, hint: str = "") -> None:
        """Something weak but buildable: reported, and an error only under --strict."""
        self.items.append(Problem(location, message, hint, severity="warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        """True when there is at least one error (warnings alone do not stop a build)."""
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.sort_key, p.message))


class InputError(Exception):
    """Raised when input is invalid; carries every problem found, never a traceback."""

    def __init__(self, problems: Problems | list[Problem]):
        items = problems.items if isinstance(problems, Problems) else list(problems)
        self.problems = Problems(items)
        super().__init__(f"{len(items)} problem(s)")


class BuildError(Exception):
    """Raised when rendering or writing fails for a reason the user can act on."""

    def __init__(self, message: str, hint: str = "", location: Location | None = None, url: str | None = None):
        self.problem = Problem(location, message, hint)
        self.url = url  # a refused URL, so the caller can say which text asked for it
        super().__init__(message)

    @classmethod
    def of(cls, problem: Problem) -> BuildError:
        """A build error carrying an existing problem (e.g. from `os_problem`)."""
        return cls(problem.message, problem.hint, problem.location)

    def __reduce__(self):  # keep every field when it crosses a process boundary
        return (BuildError, (self.problem.message, self.problem.hint, self.problem.location, self.url))


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is below it."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when one option is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return " " + _("(did you mean '%(option)s'?)", option=close[0]) if close else ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with control characters (escape sequences, bidi overrides) written as \\xNN / \\uNNNN."""
    def escape(match: re.Match) -> str:
        character = match.group()
        code = ord(character)
        if character in _NAMED:
            return _NAMED[character]
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _CONTROL.sub(escape, text)


_OS_ADVICE = {
    errno.EROFS: N_("the disk or folder is read-only: choose another folder (--out DIR) or make it writable"),
    errno.EACCES: N_("you may not write there: choose another folder (--out DIR) or change its permissions"),
    errno.EPERM: N_("the system refused: choose another folder (--out DIR) or change its permissions"),
    errno.ENOSPC: N_("the disk is full: free some space, or choose a folder on another disk (--out DIR)"),
    errno.EDQUOT: N_("your disk quota is used up: free some space, or choose another folder (--out DIR)"),
    errno.ENOENT: N_("a folder on the way does not exist (was it removed, or a drive unplugged?): check the path"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder: check the path"),
    errno.EISDIR: N_("a folder stands where a file is expected: rename or remove it"),
    errno.ENAMETOOLONG: N_("the path is too long for this system: use shorter ids or a shorter --out folder"),
    errno.EMFILE: N_("too many files are open: close other programs and try again"),
}

_ANY_ADVICE = N_("check the path and try again")

# What the program was doing, as callers name it (`os_problem(error, "write", path)`).
_DOING = {
    "use": N_("cannot use%(where)s: %(reason)s"),
    "read": N_("cannot read%(where)s: %(reason)s"),
    "write": N_("cannot write%(where)s: %(reason)s"),
    "create": N_("cannot create%(where)s: %(reason)s"),
}


def os_problem(error: OSError, doing: str, path: Path | None = None) -> Problem:
    """A problem, in words, for an error of the operating system while `doing` something with `path`."""
    target = path if path is not None else (Path(error.filename) if error.filename else None)
    reason = error.strerror or type(error).__name__
    where = f" {display_path(target)}" if target is not None else ""
    advice = _(_OS_ADVICE.get(error.errno or 0, _ANY_ADVICE))
    message = _(_DOING[doing], where=where, reason=reason) if doing in _DOING else f"cannot {doing}{where}: {reason}"
    return Problem(None, message, advice)
