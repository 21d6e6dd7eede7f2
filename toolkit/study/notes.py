"""Notes between a study's editors (`editor_note:` on any part of any file), found for `check -v`.

They are never printed in a document (no template reads them); this module finds them again,
located, so that an editor sees what is left to verify. Only on demand: it reads the study's
files a second time, which a plain `check` or a build never does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit.errors import Problem, Problems
from toolkit.paths import RESULTS_DIR, SCENARIO_DIR, STUDY_FILE, WORKSHOPS_DIR
from toolkit.study.loader import load_yaml
from toolkit.study.model import Study

FIELD = "editor_note"
SEVERITY = "note"


def editor_notes(study: Study) -> list[Problem]:
    """Every `editor_note` of the study's own files, located, in file order."""
    notes: list[Problem] = []
    for path in _files(study.folder):
        loaded = load_yaml(path, Problems())  # the study was checked already: problems are not news here
        if loaded is None:
            continue
        for key, text in _notes_in(loaded.data, ()):
            notes.append(Problem(loaded.locate((*key, FIELD)), text, severity=SEVERITY))
    return notes


def _files(folder: Path) -> list[Path]:
    files = [folder / STUDY_FILE]
    for sub in (SCENARIO_DIR, WORKSHOPS_DIR, RESULTS_DIR):
        files += sorted((folder / sub).glob("*.yaml"))
    return [path for path in files if path.is_file()]


def _notes_in(data: Any, key: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        if isinstance(data.get(FIELD), str):
            yield key, data[FIELD]
        for name, value in data.items():
            if name != FIELD:
                yield from _notes_in(value, (*key, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _notes_in(value, (*key, index))
