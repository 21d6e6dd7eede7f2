"""Every folder and file name the toolkit knows, in one place, and where its own data lives.

The toolkit's templates (with the method library and the translation catalogues) and its
JSON Schemas sit at the top of the repository. A wheel carries them inside the package as
`toolkit/_data/` (mapped at build time, see pyproject.toml); a checkout finds them beside
the package. `importlib.resources` tells which.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# A study folder.
STUDY_FILE = "study.yaml"
SCENARIO_DIR = "scenarios"
WORKSHOPS_DIR = "workshops"
RESULTS_DIR = "results"
ASSET_DIR = "assets"
TEMPLATE_DIR = "templates"  # a study's own templates, overriding and extending the toolkit's

# Where studies are looked for when none is named: `<project>/scenarios/<study-id>/`.
STUDIES_DIR = "scenarios"

# A templates folder (the toolkit's, or a study's own).
METHODS_DIR = "methods"
METHOD_FILE = "method.yaml"
WORKSHEET_TEMPLATE = "worksheet.html.j2"
CANVAS_TEMPLATE = "canvas.html.j2"
LOCALE_DIR = "locale"
TEMPLATE_ASSETS = "assets"

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


PACKAGE_DIR = Path(__file__).resolve().parent  # the toolkit's code (a build's input, `toolkit.kit.cache`)
CHECKOUT = PACKAGE_DIR.parent  # the repository, when running from one
REFERENCE_DOC = CHECKOUT / "docs" / "reference.md"  # the field reference, kept in step with the schemas


def _shipped(name: str) -> Path:
    """A data folder of the toolkit: inside the installed package, else beside it in a checkout."""
    packaged = Path(str(resources.files("toolkit"))) / "_data" / name
    return packaged if packaged.is_dir() else CHECKOUT / name


BUILTIN_TEMPLATES = _shipped("templates")
SCHEMA_DIR = _shipped("schemas")


def template_dirs(study_folder: Path) -> list[Path]:
    """Lookup chain: the study's own templates/ first, then the toolkit's."""
    own = study_folder / TEMPLATE_DIR
    return [own, BUILTIN_TEMPLATES] if own.is_dir() else [BUILTIN_TEMPLATES]
