"""Where studies live: `<studies>/<study-id>/` (by default `./scenarios/`), or any study folder."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import did_you_mean, display_path
from toolkit.language import _
from toolkit.paths import STUDIES_DIR, STUDY_FILE


class UnknownStudy(Exception):
    """The STUDY argument names neither a study id nor a study folder."""


def default_studies_dir() -> Path:
    """`./scenarios/`: where a project keeps its studies when `--studies` names no other folder."""
    return Path.cwd() / STUDIES_DIR


def find_studies(studies: Path) -> list[Path]:
    """Every study folder directly under `studies`."""
    return sorted(path.parent for path in studies.glob(f"*/{STUDY_FILE}"))


def resolve_study(name: str, studies: Path) -> Path:
    """A study id under `studies`, or a path to a study folder."""
    candidate = Path(name)
    if (candidate / STUDY_FILE).is_file():
        return candidate
    by_id = studies / name
    if (by_id / STUDY_FILE).is_file():
        return by_id
    known = [path.name for path in find_studies(studies)]
    if known:
        listing = _("studies in %(folder)s/: %(ids)s", folder=display_path(studies), ids=", ".join(known))
    elif studies.is_dir():
        listing = _("no study in %(folder)s/: run from the project folder, give --studies DIR, or give the path of "
                    "a study folder (the one that holds study.yaml)", folder=display_path(studies))
    else:
        listing = _("there is no folder %(folder)s/: run from the project folder, give --studies DIR, or give the "
                    "path of a study folder (the one that holds study.yaml)", folder=display_path(studies))
    raise UnknownStudy(_("no study '%(name)s'", name=name) + did_you_mean(name, known) + "; " + listing)


def select_studies(name: str | None, studies: Path) -> list[Path]:
    """The study named, or every study under `studies` when none is."""
    if name is not None:
        return [resolve_study(name, studies)]
    found = find_studies(studies)
    if not found:
        raise UnknownStudy(_("no study found under %(folder)s/ (run from the project folder, give --studies DIR, or "
                             "give a study folder)", folder=display_path(studies)))
    return found
