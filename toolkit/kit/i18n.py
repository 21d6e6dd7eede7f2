"""Translations of the templates' own strings (msgids in English, catalogues per language).

Catalogues are gettext `.po` files under `<templates>/locale/<lang>/LC_MESSAGES/`; they are
compiled in memory with Babel at run time, so no binary `.mo` file is committed or built.
A study's own templates folder may carry a catalogue that overrides the project's.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from toolkit.language import DOMAIN, catalogue_path, compile_catalogue


def N_(message: str) -> str:
    """Mark a string for the translation catalogue; it is translated where it is shown."""
    return message


def load_translations(template_dirs: list[Path], language: str) -> gettext.NullTranslations:
    """Translations for `language`; earlier folders win over later ones."""
    result: gettext.NullTranslations = gettext.NullTranslations()
    for folder in reversed(template_dirs):
        path = catalogue_path(folder, language)
        if path.is_file():
            compiled = compile_catalogue(path, language)
            if isinstance(result, gettext.GNUTranslations):
                result.merge(compiled)
            else:
                result = compiled
    return result


__all__ = ["DOMAIN", "N_", "catalogue_path", "load_translations"]
