"""Template strings are translatable, and the French catalogue is complete."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.helpers import ROOT
from toolkit.kit.i18n import catalogue_path, load_translations
from toolkit.kit.typography import text as typography
from toolkit.paths import BUILTIN_TEMPLATES


def extracted_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords)
    }


def test_every_template_string_has_a_french_translation():
    with catalogue_path(BUILTIN_TEMPLATES, "fr").open("rb") as po_file:
        catalogue = read_po(po_file, locale="fr")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0]): m.string
        for m in catalogue if m.id and not m.fuzzy
    }
    used = extracted_messages()
    missing = sorted(m for m in used if not translated.get(m))
    assert not missing, f"translate these in {catalogue_path(BUILTIN_TEMPLATES, 'fr')}: {missing}"
    unused = sorted(set(translated) - used)
    assert not unused, f"obsolete entries to remove: {unused}"


def test_catalogue_is_compiled_at_run_time():
    translations = load_translations([BUILTIN_TEMPLATES], "fr")
    assert translations.gettext("Participant booklet") == "Livret participant"
    assert translations.ngettext("%(num)d driver of %(total)d departs from “%(baseline)s”.",
                                 "%(num)d drivers of %(total)d depart from “%(baseline)s”.", 2) == (
        "%(num)d variables sur %(total)d s'écartent de «\u00a0%(baseline)s\u00a0».")


def test_a_study_catalogue_overrides_the_project_one(tmp_path: Path):
    po = catalogue_path(tmp_path, "fr")
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Participant booklet"\nmsgstr "Cahier des participants"\n', encoding="utf-8")
    translations = load_translations([tmp_path, BUILTIN_TEMPLATES], "fr")
    assert translations.gettext("Participant booklet") == "Cahier des participants"
    assert translations.gettext("Facilitator guide") == "Guide d'animation"


def test_unknown_language_falls_back_to_the_msgids():
    assert load_translations([BUILTIN_TEMPLATES], "de").gettext("Participant booklet") == "Participant booklet"


def test_french_typography():
    assert typography("Que faire ? « Rien » : voilà ; non !", "fr") == (
        "Que faire\u202f? «\u202fRien\u202f»\u00a0: voilà\u202f; non\u202f!")
    assert typography("https://exemple.fr", "fr") == "https://exemple.fr"
