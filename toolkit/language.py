"""The language the program speaks to its user: messages, hints, summaries and help texts.

This is not the language of a kit's documents (an edition's, `toolkit.kit.i18n`): a French
facilitator may build an English edition and still read French messages. The user's
language is, in order: `PROSPECTIVE_LANG`, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`),
else English; a command's `--lang` sets it too (`configure`). Messages are English msgids
in the code, translated by the same catalogue as the templates
(`templates/locale/<lang>/LC_MESSAGES/messages.po`, compiled in memory with Babel), so one
completeness test covers both.

Write a message as `_("unknown scenario '%(id)s'", id=scenario_id)`: the msgid is extracted
by `make messages`, the values are put in after translation. `N_` marks a msgid kept in a
table and translated where it is shown, with `_(table[key])`.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from toolkit.paths import BUILTIN_TEMPLATES, LOCALE_DIR

DOMAIN = "messages"
ENGLISH = "en"
ENVIRONMENT = ("PROSPECTIVE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def N_(message: str) -> str:
    """Mark a msgid for the catalogue; it is translated where it is shown."""
    return message


def configure(language: str | None = None) -> str:
    """Speak `language` from now on (None: what the environment says); the language in use."""
    global _chosen
    _chosen = _supported(language) if language else None
    return current()


def current() -> str:
    """The language messages are written in: a two-letter code the catalogues have, or English."""
    if _chosen:
        return _chosen
    for name in ENVIRONMENT:
        value = os.environ.get(name, "")
        if value:
            return _supported(value)
    return ENGLISH


def _(message: str, **values: object) -> str:
    """`message` in the user's language, with `%(name)s` filled from `values`."""
    text = translations(current()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
    """The singular or plural form for `count`, in the user's language; `%(num)d` is the count."""
    text = translations(current()).ngettext(singular, plural, count)
    return text % {"num": count, **values}


@cache
def _supported(value: str) -> str:
    """`fr_FR.UTF-8` -> `fr` when there is a French catalogue; anything else -> English.

    Cached: every message asks for the current language, and the answer costs a look at the disk.
    """
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code != ENGLISH and catalogue_path(BUILTIN_TEMPLATES, code).is_file() else ENGLISH


def spoken(language: str) -> bool:
    """Whether `language` is a language code (`fr`: lower-case letters) the program's messages exist in."""
    return language.isascii() and language.isalpha() and language.islower() and _supported(language) == language


def catalogue_path(template_dir: Path, language: str) -> Path:
    return template_dir / LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The toolkit's own catalogue for `language` (English: the msgids themselves)."""
    path = catalogue_path(BUILTIN_TEMPLATES, language)
    return compile_catalogue(path, language) if language != ENGLISH and path.is_file() else gettext.NullTranslations()


def compile_catalogue(path: Path, language: str) -> Translations:
    """A `.po` file compiled in memory: no binary `.mo` is committed or built."""
    with path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


# The conventions of dates and numbers for a bare language code: English editions address a
# European readership (public labs across Europe), so "Thursday 24 September 2026", not the
# United States' "Thursday, September 24, 2026"; a study may still ask for en-US.
FORMATS = {"en": "en_GB"}


def formats_of(language: str) -> str:
    """The babel locale whose date and number formats an edition in `language` uses."""
    return FORMATS.get(language, language.replace("-", "_"))


def decimal(value: float, digits: int = 1) -> str:
    """A number as the user's language writes it: 9,7 in French, 9.7 in English."""
    return format_decimal(value, format="0." + "0" * digits, locale=current())


def language_name(language: str, in_language: str | None = None) -> str:
    """`English`, `anglais`: the name of a language in `in_language` (a babel locale; default: the
    language of the messages)."""
    try:
        return Locale.parse(language.replace("-", "_")).get_display_name(in_language or current()) or language
    except (ValueError, LookupError):
        return language
