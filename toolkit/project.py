"""Where studies live: `scenarios/<study-id>/` under the project, or any study folder."""

from __future__ import annotations

from pathlib import Path

from toolkit.validate import STUDY_FILE, did_you_mean

STUDIES_DIR = "scenarios"


class UnknownStudy(Exception):
    """The STUDY argument names neither a study id nor a study folder."""


def find_studies(project: Path) -> list[Path]:
    """Every study folder under the project's scenarios/ directory."""
    root = project / STUDIES_DIR
    return sorted(path.parent for path in root.glob(f"*/{STUDY_FILE}"))


def resolve_study(name: str, project: Path) -> Path:
    """A study id under scenarios/, or a path to a study folder."""
    candidate = Path(name)
    if (candidate / STUDY_FILE).is_file():
        return candidate
    by_id = project / STUDIES_DIR / name
    if (by_id / STUDY_FILE).is_file():
        return by_id
    known = [path.name for path in find_studies(project)]
    listing = f"known studies: {', '.join(known)}" if known else f"no study under {STUDIES_DIR}/"
    raise UnknownStudy(f"no study '{name}'{did_you_mean(name, known)}; {listing}")


def select_studies(name: str | None, project: Path) -> list[Path]:
    if name is not None:
        return [resolve_study(name, project)]
    studies = find_studies(project)
    if not studies:
        raise UnknownStudy(
            f"no study found under {project / STUDIES_DIR}/ "
            "(run from the project folder, or give a study folder)"
        )
    return studies
