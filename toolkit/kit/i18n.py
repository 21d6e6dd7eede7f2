"""Translations of the templates' own strings (msgids in English, catalogues per language).

Catalogues are gettext `.po` files under `<templates>/locale/<lang>/LC_MESSAGES/`; they are
compiled in memory with Babel at run time, so no binary `.mo` file is committed or built.
A study's own templates folder may carry a catalogue that overrides the project's.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from toolkit.paths import LOCALE_DIR

DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for the translation catalogue; it is translated where it is shown."""
    return message


def catalogue_path(template_dir: Path, language: str) -> Path:
    return template_dir / LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(template_dirs: list[Path], language: str) -> gettext.NullTranslations:
    """Translations for `language`; earlier folders win over later ones."""
    result: gettext.NullTranslations = gettext.NullTranslations()
    for folder in reversed(template_dirs):
        path = catalogue_path(folder, language)
        if path.is_file():
            compiled = _compile(path, language)
            if isinstance(result, Translations):
                result.merge(compiled)
            else:
                result = compiled
    return result


def _compile(path: Path, language: str) -> Translations:
    with path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
