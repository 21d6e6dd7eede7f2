"""toolkit.files: whole files or none, with the modes any program gives, and errors that name the real file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.helpers import umask
from toolkit.files import atomic_file, make_folder, new_folder, write_text


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"),
                         [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o002, 0o664, 0o775)])
def test_files_and_folders_follow_the_umask(tmp_path: Path, mask: int, file_mode: int, folder_mode: int):
    with umask(mask):
        write_text(tmp_path / "new" / "a.txt", "a")
        folder = new_folder(tmp_path, ".staging-")
        make_folder(tmp_path / "x" / "y")
    assert mode(tmp_path / "new" / "a.txt") == file_mode  # never mkstemp's 0600
    assert mode(folder) == folder_mode  # never mkdtemp's 0700
    assert folder.name.startswith(".staging-") and list(folder.iterdir()) == []
    assert mode(tmp_path / "new") == mode(tmp_path / "x" / "y") == folder_mode


def test_a_replaced_file_follows_the_umask_too(tmp_path: Path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o600)
    with umask(0o022):
        write_text(target, "new")
    assert target.read_text() == "new" and mode(target) == 0o644


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "a.txt"
    target.write_text("previous")
    with pytest.raises(RuntimeError), atomic_file(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_an_interrupted_write_keeps_the_previous_file(tmp_path: Path):
    target = tmp_path / "a.txt"
    target.write_text("previous")
    with pytest.raises(KeyboardInterrupt), atomic_file(target) as temporary:
        temporary.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_an_error_of_the_system_names_the_target_not_the_temporary_file(tmp_path: Path):
    target = tmp_path / "a.pdf"
    with pytest.raises(OSError) as caught, atomic_file(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write() says it: no file name
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(target))
    with pytest.raises(OSError) as caught, atomic_file(target) as temporary:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(temporary))
    assert caught.value.filename == str(target)
    with pytest.raises(OSError) as caught, atomic_file(target):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), "/some/source.png")  # another file: kept
    assert caught.value.filename == "/some/source.png"
    assert list(tmp_path.iterdir()) == []


def test_the_rename_failing_names_the_target(tmp_path: Path):
    target = tmp_path / "a"
    target.mkdir()
    (target / "inside").write_text("a folder cannot be replaced by a file")
    with pytest.raises(OSError) as caught, atomic_file(target) as temporary:
        temporary.write_text("x")
    assert caught.value.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST)
    assert (caught.value.filename, caught.value.filename2) == (str(target), None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_a_file_where_a_folder_should_be_is_not_a_directory(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    for path in (tmp_path / "file", tmp_path / "file" / "below"):
        with pytest.raises(NotADirectoryError) as caught:
            make_folder(path)
        assert caught.value.errno == errno.ENOTDIR
    with pytest.raises(NotADirectoryError) as caught:
        write_text(tmp_path / "file" / "a.txt", "x")
    assert caught.value.filename == str(tmp_path / "file")


def test_a_missing_folder_is_made(tmp_path: Path):
    write_text(tmp_path / "a" / "b" / "c.txt", "ü")
    assert (tmp_path / "a" / "b" / "c.txt").read_text(encoding="utf-8") == "ü"


def test_new_folders_never_collide(tmp_path: Path):
    names = {new_folder(tmp_path, ".x.building-").name for _ in range(50)}
    assert len(names) == 50
