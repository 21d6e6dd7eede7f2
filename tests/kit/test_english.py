"""The English edition of the shipped kit (issue 13.5), on the real PDFs.

Every text is in English: no French left from the catalogue (a template string not marked for
translation, or marked and missed) nor from the study (a text printed with `get("fr")`); English
typography and dates; the same documents as the French kit. The tables' contributions in the
report are quoted as written, in French, and the report says so.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.helpers import ROOT, SHIPPED
from toolkit.kit import typography
from toolkit.study.load import load_study
from toolkit.study.walk import walk_texts

PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{[^}]*\}")
SOURCES = re.compile(r"\n\s*Sources\s*\n")  # the bibliography: French titles, kept as published
MIN_FRAGMENT = 24  # characters: shorter French fragments may be words English shares ("Document", "Table")


def documents(kit: Path) -> list[Path]:
    return sorted(kit.rglob("*.pdf"))


def flat(text: str) -> str:
    """PDF text as one line: words broken at a line end joined, every space one space."""
    text = re.sub(r"-\n(?=[a-zà-ÿ])", "", text)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


@pytest.fixture(scope="module")
def english(shipped_kit_en: Path) -> dict[str, str]:
    """Each English PDF's text, flattened, by its path in the kit; the bibliography left out (its French titles
    are kept as published)."""
    return {str(path.relative_to(shipped_kit_en)): flat(SOURCES.split(poppler_text(path))[0])
            for path in documents(shipped_kit_en)}


def poppler_text(path: Path) -> str:
    """The text of a PDF by poppler's pdftotext: ten times faster than pypdf on the 44 PDFs of a kit."""
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def catalogue_fragments() -> set[str]:
    """The French of the catalogue, cut at its placeholders and tags: the pieces long enough to be French only."""
    with (ROOT / "templates/locale/fr/LC_MESSAGES/messages.po").open("rb") as file:
        catalogue = read_po(file)
    fragments = set()
    for message in catalogue:
        if not message.id or not isinstance(message.string, str) or message.string == message.id:
            continue
        for piece in PLACEHOLDER_OR_TAG.split(typography.text(message.string, "en")):
            piece = flat(piece).strip(" .,:;«»“”()")
            if len(piece) >= MIN_FRAGMENT and " " in piece:
                fragments.add(piece)
    return fragments


def study_fragments() -> set[str]:
    """A plain stretch of each French text of the study, its scenarios, plans and methods, as an English
    document would print it had it been left untranslated."""
    study = load_study(SHIPPED)
    models = [study.meta, *(s.data for s in study.scenarios), *(w.data for w in study.workshops),
              *(m.data for m in study.methods.values())]
    texts = [text for model in models for _key, text in walk_texts(model)]
    # French the English quotes on purpose ("the TISF, technicien·ne de l’intervention sociale...") or that the
    # tables wrote in their results (quoted in the report as written)
    quoted = " ".join(flat(typography.text(text.values.get("en", ""), "en")) for text in texts)
    quoted += " ".join(flat(typography.text(path.read_text(encoding="utf-8"), "en"))
                       for path in sorted((SHIPPED / "results").glob("*.yaml")))
    fragments = set()
    for text in texts:
        french, english = text.get("fr"), text.values.get("en", "")
        if not french or french == english:
            continue  # names and titles that are the same in both languages
        plain = typography.text(re.sub(r"\[@[^\]]+\]|[*_`#>\[\]]", " ", french), "en")
        stretch = next(iter(re.findall(r"[A-Za-zÀ-ÿ’,]+(?: [A-Za-zÀ-ÿ’,]+){4,}", plain)), "")
        fragment = stretch[:40].rsplit(" ", 1)[0]
        if len(fragment) >= MIN_FRAGMENT and fragment not in quoted:
            fragments.add(fragment)
    return fragments


def test_the_english_kit_has_every_document_of_the_french_one(shipped_kit: Path, shipped_kit_en: Path):
    assert len(documents(shipped_kit_en)) == len(documents(shipped_kit)) > 30


def test_no_french_from_the_catalogue(english: dict[str, str]):
    fragments = catalogue_fragments()
    assert len(fragments) > 200
    found = {name: sorted(f for f in fragments if f in text) for name, text in english.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_no_study_text_left_in_french(english: dict[str, str]):
    fragments = study_fragments()
    assert len(fragments) > 500
    found = {name: sorted(f for f in fragments if f in text) for name, text in english.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


QUOTING_THE_TABLES = ("synthesis-report.pdf", "network-handbook.pdf")  # documents that quote the results files


def test_english_typography_outside_the_bibliography(english: dict[str, str]):
    """No French spacing nor « » in English, except in the French titles of the sources and the quotes of the
    report and of the network handbook (the tables wrote in French: results files have no translations)."""
    for name, text in english.items():
        if name.endswith(QUOTING_THE_TABLES):
            continue
        text = text.replace("assumption :", "assumption:").replace("assumption ;", "assumption;")  # a badge's box
        assert "«" not in text and " :" not in text and " ;" not in text, name
        assert "'" not in text, name  # curly apostrophes


def test_english_dates_and_card_codes(english: dict[str, str]):
    guide = english["journee-complete/workshop-facilitator-guide.pdf"]
    assert "Thursday, 24 September 2026" in guide  # British order: a European readership
    cards = english["journee-complete/cards-fold-over.pdf"]
    assert "D1" in cards and "J1" in cards and "V1" not in cards  # Driver, Job: the deck's English initials


def test_the_report_says_the_quotes_are_in_french(english: dict[str, str]):
    for name in ("journee-complete/report/synthesis-report.pdf", "network-handbook.pdf"):
        assert "The tables’ contributions are quoted as they were written, in French." in english[name], name


@pytest.mark.parametrize("mode", ["duplex-long-edge", "fold-over"])
def test_every_english_card_keeps_its_text_on_the_card(shipped_kit_en: Path, mode: str):
    """English runs longer than French: a text written for the card must still fit it (issue 14.1 took away
    the flex squeeze that hid a long one)."""
    from tests.helpers import card_overflows

    assert card_overflows(shipped_kit_en / "journee-complete" / f"cards-{mode}.html", selector="deck-card") == []
    assert card_overflows(shipped_kit_en / "scenario-cards.html") == []
