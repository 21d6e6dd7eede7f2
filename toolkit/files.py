"""Writing files so that a reader never sees half of one.

Every file the toolkit writes goes to a temporary name beside its target and is renamed
over it only once complete: a failed or interrupted run leaves the previous file as it was.

Files and folders are created the way any program creates them (mode 0666 for a file,
0777 for a folder, less the umask: 0644 and 0755 with the usual umask 022), never with the
0600 / 0700 of `tempfile.mkstemp` / `mkdtemp`, so a kit copied to a shared drive or a web
server stays readable by the people it is meant for.

An OSError raised while writing names the file the caller asked for, never the temporary
one, so the message a user reads points at a path they know.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

_ATTEMPTS = 100  # random names tried before giving up (a clash is already one chance in four billion)


def make_folder(folder: Path) -> None:
    """Create `folder` and its parents; a file standing in the way is reported as ENOTDIR."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # mkdir(exist_ok=True) says EEXIST when the path is a file
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder `parent/<prefix><random>`, whose mode follows the umask."""
    for _ in range(_ATTEMPTS):
        folder = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir(0o777)
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent / prefix))


def _new_file(target: Path) -> Path:
    """A new, empty file beside `target`, hidden, whose mode follows the umask."""
    for _ in range(_ATTEMPTS):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return temporary
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    An OSError raised by the block or by the rename, if it names no file or the temporary
    one, is given `target` as its file name.
    """
    temporary = None
    try:
        make_folder(target.parent)
        temporary = _new_file(target)
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        if error.filename is None or (temporary is not None and error.filename in (temporary, str(temporary))):
            error.filename, error.filename2 = str(target), None
        raise
    finally:
        if temporary is not None:
            with suppress(OSError):  # the folder may be gone, or read-only now: the error above says why
                temporary.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    with atomic_file(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
