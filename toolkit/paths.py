"""Where the project's own templates live, and the lookup chain a study sees."""

from __future__ import annotations

from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_dirs(study_folder: Path) -> list[Path]:
    """Lookup chain: the study's own templates/ first, then the project's."""
    own = study_folder / "templates"
    return [own, BUILTIN_TEMPLATES] if own.is_dir() else [BUILTIN_TEMPLATES]
