"""Issue 13.1: press-ready card decks: the print-shop edition (PDF/X-4, one card a page with its
TrimBox and BleedBox), home-printer sheets on plain paper that state card size and weight, one
numbering of scenarios, and deck colours apart in greyscale."""

import re
from itertools import pairwise
from pathlib import Path

import pikepdf
import pypdf
import pytest

from tests.helpers import ROOT, WORKSHOP, box_mm, normalise, pdf_pages
from toolkit.kit.layout import BLEED, CARD_HEIGHT, CARD_PAPER_WEIGHT, CARD_WIDTH, PAPER_SIZES
from toolkit.kit.logistics import decks
from toolkit.kit.pdf import PdfJob, write_pdf
from toolkit.kit.plan import plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import render_document, workshop_documents
from toolkit.paths import TEMPLATE_ASSETS
from toolkit.study.load import load_study


@pytest.fixture(scope="module")
def study():
    return load_study(WORKSHOP)


@pytest.fixture(scope="module")
def made(study, tmp_path_factory) -> dict[str, Path]:
    """The print-shop decks, the long-edge sheets and the calibration sheet of the fixture's workshop."""
    out = tmp_path_factory.mktemp("decks")
    edition = Edition(study, "fr")
    plan = plan_kit(study, "fr", out, edition.gettext, [w for w in study.workshops if w.id == "atelier"])
    files = {}
    for item in workshop_documents(plan.workshops[0]):
        artefact = item.planned.artefact.id
        if artefact not in {"print-shop-decks", "card-decks", "calibration"}:
            continue
        if artefact == "card-decks" and item.planned.context["mode"] != "long-edge":
            continue
        target = out / item.planned.pdf_name
        html = render_document(edition, plan, item)
        target.with_suffix(".html").write_text(html)
        result = write_pdf(PdfJob(html, target, out,
                                  tuple(d / TEMPLATE_ASSETS for d in edition.dirs),
                                  item.planned.artefact.pdf_variant, item.planned.pdf_name))
        assert result.warnings == [], artefact
        files[artefact] = target
    return files


def test_each_print_shop_page_is_one_card_with_bleed(study, made):
    reader = pypdf.PdfReader(made["print-shop-decks"])
    cards = sum(len(cards) for _deck, cards in decks(study))
    assert len(reader.pages) == 2 * cards  # front then back of every card
    for page in reader.pages:
        assert box_mm(page.trimbox) == [0.0, 0.0, CARD_WIDTH, CARD_HEIGHT]
        assert box_mm(page.bleedbox) == [-BLEED, -BLEED, CARD_WIDTH + BLEED, CARD_HEIGHT + BLEED]
        assert box_mm(page.mediabox) == box_mm(page.bleedbox)


def test_print_shop_decks_are_pdf_x4_in_cmyk(made):
    path = made["print-shop-decks"]
    reader = pypdf.PdfReader(path)
    assert reader.pdf_header == "%PDF-1.6"
    assert reader.metadata["/Trapped"] == "/False"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    for page in reader.pages[:6]:  # the colours are written as CMYK, not RGB
        content = page.get_contents().get_data().decode("latin-1")
        assert " scn" in content or " sc" in content
        assert not re.search(r"\b(?!0 0 0 )[\d.]+ [\d.]+ [\d.]+ rg\b", content)


def test_print_shop_decks_declare_their_output_intent_and_home_printer_decks_none(made):
    """PDF/X-4 names the printing condition its CMYK is for: our naive CMYK profile (templates/icc/)."""
    with pikepdf.open(made["print-shop-decks"]) as pdf:
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in pdf.Root.Metadata.read_bytes().decode()
        [intent] = pdf.Root.OutputIntents
        assert intent.Type == pikepdf.Name.OutputIntent
        assert intent.S == pikepdf.Name.GTS_PDFX
        name = "prospective-toolkit naive CMYK (assumption, not a characterised printing condition)"
        assert str(intent.OutputConditionIdentifier) == name
        assert str(intent.Info) == name
        destination = intent.DestOutputProfile
        assert destination.N == 4
        embedded = destination.read_bytes()  # as littlecms writes it back: the same CMYK output profile
        assert embedded[12:24] == b"prtrCMYKLab " and name.encode() in embedded
        content = pdf.pages[1].Contents.read_bytes().decode("latin-1")  # a back: the deck's colour
        assert "/DeviceCMYK cs" in content  # the colours are still plain CMYK values, not converted
    with pikepdf.open(made["card-decks"]) as pdf:  # tagged RGB for the home printer: no press condition
        assert "/OutputIntents" not in pdf.Root
        assert "GTS_PDFXVersion" not in str(pdf.open_metadata())


def test_front_and_back_carry_the_same_code_and_the_deck_icon(made):
    pages = [normalise(text) for text in pdf_pages(made["print-shop-decks"])]
    html = made["print-shop-decks"].with_suffix(".html").read_text()
    assert html.count('class="deck-icon"') == len(pages)  # in the header of a front, in the middle of a back
    for front, back in zip(pages[0::2], pages[1::2], strict=True):
        code = next(w for w in back.split() if re.fullmatch(r"[SVPM]\d+", w))
        assert code in front


def test_scenarios_are_numbered_as_the_kicker_numbers_them(study):
    scenarios = dict(decks(study))["scenarios"]
    for card in scenarios:
        if card.item.data.baseline:
            assert card.code == "S0"
        else:
            assert card.code == f"S{study.alternatives.index(card.item) + 1}"


def test_home_printer_sheets_are_the_paper_and_state_card_size_and_weight(made):
    width, height = PAPER_SIZES["A4"]
    reader = pypdf.PdfReader(made["card-decks"])
    for page in reader.pages:
        assert box_mm(page.mediabox) == [0.0, 0.0, width, height]  # no sheet bleed: nothing to scale
        text = normalise(page.extract_text())
        assert "88 × 125 mm" in text and CARD_PAPER_WEIGHT.replace("²", "") in text.replace("²", "")
    calibration = pypdf.PdfReader(made["calibration"])
    assert {tuple(box_mm(p.mediabox)) for p in calibration.pages} == {(0.0, 0.0, width, height)}


def test_calibration_rulers_are_numbered(made):
    backs = [normalise(text) for text in pdf_pages(made["calibration"])[1::2]]
    for text in backs:
        for number in ["−4", "−2", "+2", "+4"]:
            assert text.count(number) >= 8, number  # across and down, under each of the four crosses


def _lightness(colour: str) -> float:
    """CIE L* of an sRGB colour #rrggbb."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def test_scenario_tones_differ_in_greyscale_and_carry_white_text():
    css = (ROOT / "templates" / "css" / "base.css").read_text()
    tones = dict(re.findall(r"\.tone-(\d) \{ --tone: (#[0-9a-f]{6}); \}", css))
    assert len(tones) == 8
    lightness = {int(k): _lightness(v) for k, v in tones.items()}
    for a in lightness:
        assert lightness[a] <= 50.5, a  # white text keeps a 4.5:1 contrast
        for b in lightness:
            if a < b:
                assert abs(lightness[a] - lightness[b]) >= 2.75, (a, b)  # tones 5-7 only fill the gaps
                if b < 5:  # the first five (most studies' scenarios) are far apart
                    assert abs(lightness[a] - lightness[b]) >= 6.5, (a, b)


def test_deck_backs_are_apart_from_scenario_backs_in_greyscale():
    css = (ROOT / "templates" / "css" / "decks.css").read_text()
    tints = re.findall(r"\.deck-\w+ \{ --tone: #[0-9a-f]{6}; --tint: (#[0-9a-f]{6});", css)
    assert len(tints) == 3
    lightness = sorted(_lightness(t) for t in tints)
    assert lightness[0] >= 70  # light backs, while scenario backs are dark (L* 50 at most)
    assert all(b - a >= 7 for a, b in pairwise(lightness))


def test_home_printer_fronts_run_their_band_into_the_bleed(study, made):
    """A cut a little off the line leaves no white edge on a front's coloured band: above the trim and beside
    it, in the bleed, the pixels have the band's colour (every card of the first sheet, at 100 dpi)."""
    import subprocess
    import tempfile

    from PIL import Image

    from toolkit.kit.layout import card_sheet

    dpi = 100
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(made["card-decks"]),
                        f"{folder}/p"], check=True)
        image = Image.open(next(Path(folder).glob("*.png"))).convert("RGB")

    def pixel(x_mm: float, y_mm: float) -> tuple[int, int, int]:
        return image.getpixel((round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi)))

    scenarios = len(dict(decks(study))["scenarios"])
    for slot in card_sheet("A4", "long-edge").slots[:scenarios]:  # the first sheet: the scenario fronts
        trim = slot.front
        inside = pixel(trim.x + 20, trim.y + 1.5)  # the band, inside the trim
        assert sum(inside) < 600, inside  # coloured, not white
        for outside in (pixel(trim.x + 20, trim.y - 1.5), pixel(trim.x - 1.5, trim.y + 4),
                        pixel(trim.right + 1.5, trim.y + 4)):
            assert max(abs(a - b) for a, b in zip(outside, inside, strict=True)) < 24, (outside, inside)


@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("mode", ["long-edge", "short-edge", "fold"])
def test_the_sheet_label_halves_sit_between_the_cut_marks(paper: str, mode: str):
    """The label is printed in two halves, each under a column of cards: no cut or fold mark runs through
    either (on letter paper the bottom margin is too short for a label across the sheet to clear them)."""
    from toolkit.kit.layout import card_sheet

    sheet = card_sheet(paper, mode)
    assert len(sheet.columns) == 2
    upright = [mark for mark in sheet.marks if mark.x1 == mark.x2]
    for column in sheet.columns:
        inside = [mark.x1 for mark in upright if column.x + 1 < mark.x1 < column.right - 1]
        assert inside == [], (column, inside)
