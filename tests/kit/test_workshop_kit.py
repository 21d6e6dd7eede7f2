"""Issue 3: the kit of one workshop, checked in its PDFs (sizes, boxes, duplex geometry, counts)."""

import zipfile
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from tests.helpers import MM, WORKSHOP, box_mm, card_overflows, copy_fixture, edit, normalise, pdf_pages, run
from toolkit.kit.build import build_kit
from toolkit.kit.layout import BLEED, CARD_HEIGHT, CARD_WIDTH, PAPER_SIZES, card_sheet
from toolkit.study.load import load_study


def build_workshop(folder: Path, out: Path) -> Path:
    report = build_kit(load_study(folder), "fr", out, workshop="atelier")
    assert report.warnings == []
    return out / folder.name / "fr" / "atelier"


@pytest.fixture(scope="module")
def kit(workshop_kit: Path) -> Path:
    """The workshop's kit, from the session's build of the fixture (no warning about a PDF): read only."""
    return workshop_kit / "atelier"


@pytest.fixture(scope="module")
def letter_kit(tmp_path_factory) -> Path:
    study = copy_fixture("workshop", tmp_path_factory.mktemp("letter"))
    edit(study / "workshops" / "atelier.yaml", "paper: A4", "paper: letter")
    return build_workshop(study, tmp_path_factory.mktemp("out"))


def test_the_kit_holds_every_document_and_a_zip(kit: Path):
    names = sorted(p.name for p in kit.glob("*.pdf"))
    assert names == [
        "affiches.pdf", "calibration-recto-verso.pdf", "cartes-a-plier.pdf", "cartes-imprimeur.pdf",
        "cartes-recto-verso-bord-court.pdf", "cartes-recto-verso-bord-long.pdf", "dossier-table-a.pdf",
        "dossier-table-b.pdf",
        "dossier-table-c.pdf", "guide-animation-atelier.pdf", "liste-materiel.pdf"]
    with zipfile.ZipFile(kit / "atelier.zip") as archive:
        zipped = archive.namelist()
    assert all(f"atelier/{name}" in zipped for name in names) and "atelier/index.html" in zipped
    index = (kit / "index.html").read_text()
    assert all(f'href="{name}"' in index for name in names)


def test_run_of_show_has_the_clock_times(kit: Path):
    text = normalise(" ".join(pdf_pages(kit / "guide-animation-atelier.pdf")))
    run_of_show = text.split("Déroulé", 2)[2]  # after the table of contents
    assert "13:30 30 min Installation" in run_of_show
    for clock, title in [("14:00", "Accueil"), ("14:10", "Et si rien ne changeait"), ("14:30", "Matrice des métiers"),
                         ("15:00", "Vote"), ("15:15", "Rétro-prospective"), ("15:45", "Soufflerie"),
                         ("16:15", "Restitution"), ("16:30", "Fin")]:
        assert f"{clock}" in run_of_show and title in run_of_show
    assert run_of_show.index("14:00") < run_of_show.index("14:10") < run_of_show.index("16:15")


def test_each_group_pack_carries_its_group_and_its_scenario(kit: Path):
    for group, scenario, other in [("Table A", "Le social en plateformes", "Les communs territoriaux"),
                                   ("Table B", "Les communs territoriaux", "Le social en plateformes")]:
        pages = [normalise(p) for p in pdf_pages(kit / f"dossier-table-{group[-1].lower()}.pdf")]
        assert all(group in page for page in pages), group  # the group's name on every page
        text = " ".join(pages)
        assert f"SCÉNARIO 1 {scenario}" in text or f"SCÉNARIO 2 {scenario}" in text
        assert f"{other} " not in text.split("Sources")[0].split("Relevé du vote")[0]  # the vote lists them all


def test_participant_sheets_use_at_least_10_pt(kit: Path):
    with pdfplumber.open(kit / "dossier-table-a.pdf") as pdf:
        sizes = {round(char["size"], 1) for page in pdf.pages[1:] for char in page.chars}
    assert min(sizes) >= 10.0, sorted(sizes)[:5]


@pytest.mark.parametrize(("kit_name", "paper", "poster"), [("kit", "A4", "A3"), ("letter_kit", "letter", "tabloid")])
def test_page_sizes_follow_the_plan(request, kit_name: str, paper: str, poster: str):
    folder = request.getfixturevalue(kit_name)
    for name, size in [("guide-animation-atelier.pdf", paper), ("dossier-table-a.pdf", paper),
                       ("liste-materiel.pdf", paper), ("affiches.pdf", poster),
                       ("cartes-recto-verso-bord-long.pdf", paper)]:
        width, height = PAPER_SIZES[size]
        for page in pypdf.PdfReader(folder / name).pages:
            trim = box_mm(page.trimbox)
            assert (round(trim[2] - trim[0]), round(trim[3] - trim[1])) == (round(width), round(height)), name


@pytest.mark.parametrize("name", ["cartes-recto-verso-bord-long.pdf", "cartes-recto-verso-bord-court.pdf",
                                  "cartes-a-plier.pdf"])
def test_card_sheets_have_bleed_and_crop_marks(kit: Path, name: str):
    for page in pypdf.PdfReader(kit / name).pages:  # the sheet is the paper: each card has its own bleed and marks
        assert box_mm(page.mediabox) == box_mm(page.trimbox) == [0.0, 0.0, 210.0, 297.0]
    assert card_overflows(kit / name.replace(".pdf", ".html"), selector="deck-card") == []


def card_boxes(page) -> dict[str, tuple[float, ...]]:
    """Card code -> drawn box (mm) of every card on a pdfplumber page, found from its background."""
    boxes = {}
    for rect in page.rects:
        width, height = rect["width"] / MM, rect["height"] / MM
        if abs(width - (CARD_WIDTH + 2 * BLEED)) < 0.2 and abs(height - (CARD_HEIGHT + 2 * BLEED)) < 0.2:
            inside = page.crop((rect["x0"], rect["top"], rect["x1"], rect["bottom"]))
            code = next(word["text"] for word in inside.extract_words() if word["text"][:1] in "SVPM"
                        and word["text"][1:].isdigit())
            boxes[code] = (rect["x0"] / MM, rect["top"] / MM, rect["x1"] / MM, rect["bottom"] / MM)
    return boxes


@pytest.mark.parametrize(("name", "axis"), [("cartes-recto-verso-bord-long.pdf", "x"),
                                            ("cartes-recto-verso-bord-court.pdf", "y")])
def test_each_back_sits_exactly_behind_its_front(kit: Path, name: str, axis: str):
    with pdfplumber.open(kit / name) as pdf:
        assert len(pdf.pages) % 2 == 0
        checked = 0
        for front_page, back_page in zip(pdf.pages[0::2], pdf.pages[1::2], strict=True):
            x0, top, x1, bottom = (value / MM for value in front_page.bbox)
            fronts, backs = card_boxes(front_page), card_boxes(back_page)
            assert fronts.keys() == backs.keys() and fronts
            for code, (fx0, ftop, fx1, fbottom) in fronts.items():
                if axis == "x":  # turned over the long edge: mirrored left-right, same row
                    expected = (x0 + x1 - fx1, ftop, x0 + x1 - fx0, fbottom)
                else:  # turned over the short edge: mirrored top-bottom, same column
                    expected = (fx0, top + bottom - fbottom, fx1, top + bottom - ftop)
                assert backs[code] == pytest.approx(expected, abs=0.05), code
                checked += 1
    assert checked == 3 + 2 + 1 + 1  # scenarios, drivers, personas, professions of the fixture


def test_long_edge_backs_swap_columns():
    sheet = card_sheet("A4", "long-edge")
    first, second = sheet.slots[0], sheet.slots[1]
    assert first.back.x == pytest.approx(second.front.x) and first.back.y == first.front.y


def test_fold_over_puts_the_back_beside_the_front(kit: Path):
    with pdfplumber.open(kit / "cartes-a-plier.pdf") as pdf:
        words = pdf.pages[0].extract_words()
    codes = [w for w in words if w["text"] == "S1"]
    assert len(codes) == 2  # front and back on the same page
    front, back = sorted(codes, key=lambda w: w["x0"])
    assert back["x0"] > 105 * MM > front["x0"]  # either side of the fold line


def test_calibration_sheet(kit: Path):
    pages = pdf_pages(kit / "calibration-recto-verso.pdf")
    assert len(pages) == 4
    assert "bord long" in normalise(pages[0]) and "bord court" in normalise(pages[2])


def test_checklist_counts_match_the_plan(kit: Path):
    text = normalise(" ".join(pdf_pages(kit / "liste-materiel.pdf")))
    assert "12 participant·es, 3 groupes" in text
    assert "Livret participant ../livret-participant.pdf 12" in text  # one per participant
    assert "Dossier de table · Table A dossier-table-a.pdf 1" in text
    assert "cartes-recto-verso-bord-long.pdf" in text and ": 4" in text  # one deck per table plus a spare


def test_build_one_workshop_from_the_command_line(tmp_path: Path):
    result = run("build", str(WORKSHOP), "--workshop", "atelier", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "atelier/" in result.output and "atelier.zip" in result.output
    result = run("build", str(WORKSHOP), "--workshop", "ateleir", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "no workshop 'ateleir' in workshop (did you mean 'atelier'?)" in result.stderr
