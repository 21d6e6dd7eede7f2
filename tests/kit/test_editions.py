"""The large-print and easy-to-read editions of the participant booklet (issue 13.5), on real PDFs."""

from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import MINI, MM, SHIPPED, located, normalise, pdf_chars, pdf_text, run, squash, warnings_of
from toolkit.kit.build import build_kit
from toolkit.study.load import load_study
from toolkit.study.model import EASY_READ

NARRATIVE_OPENING = 40  # characters of a narrative that must not be in the easy-to-read booklet


@pytest.fixture(scope="module")
def shipped():
    return load_study(SHIPPED, review=True, easy_read=True)


@pytest.fixture(scope="module")
def large_print(shipped_editions: Path) -> Path:
    """Built once per session with no warning (tests/conftest.py)."""
    return shipped_editions / "fr-gros-caracteres"


@pytest.fixture(scope="module")
def easy_read(shipped_editions: Path) -> Path:
    return shipped_editions / "fr-facile-a-lire"


def test_the_shipped_study_has_every_easy_to_read_text(shipped):
    assert shipped.warnings == []
    assert all(scenario.easy_read for scenario in shipped.scenarios)
    assert all(persona.easy_read for persona in shipped.meta.personas)


def test_an_edition_is_the_booklet_alone_in_a_folder_of_its_own(large_print: Path, easy_read: Path):
    assert sorted(p.name for p in large_print.iterdir()) == [
        "index.html", "livret-participant-gros-caracteres.html", "livret-participant-gros-caracteres.pdf"]
    assert sorted(p.name for p in easy_read.iterdir()) == [
        "index.html", "livret-participant-facile-a-lire.html", "livret-participant-facile-a-lire.pdf"]
    assert not (large_print.parent / "fr").exists()  # the standard kit is not touched (nor built)


def _sizes(pdf: Path) -> Counter:
    """Characters of the text area by font size (to a tenth of a point), over the pages after the cover:
    the running heads and folios, in the 25 mm margins, are left out."""
    margin = 25 * MM
    sizes: Counter = Counter()
    for page in pdf_chars(pdf)[1:]:
        sizes.update(round(char.size, 1) for char in page.chars if not char.text.isspace()
                     and margin <= char.top and char.bottom <= page.height - margin)
    return sizes


def test_large_print_body_is_16_pt_or_more(large_print: Path):
    sizes = _sizes(large_print / "livret-participant-gros-caracteres.pdf")
    assert sizes.most_common(1)[0][0] >= 16  # the body
    assert min(sizes) >= 16, sorted(sizes.items())  # and nothing smaller: notes, badges, tables, citations


def test_large_print_keeps_the_whole_booklet(large_print: Path):
    text = squash(pdf_text(large_print / "livret-participant-gros-caracteres.pdf"))
    for scenario in load_study(SHIPPED).scenarios:
        assert squash(scenario.data.narrative.get("fr"))[:NARRATIVE_OPENING] in text


def test_easy_to_read_prints_each_text_and_no_narrative(shipped, easy_read: Path):
    pdf = easy_read / "livret-participant-facile-a-lire.pdf"
    text = squash(pdf_text(pdf))
    for scenario in shipped.scenarios:
        assert squash(scenario.easy_read.get("fr")) in text, scenario.id
        assert squash(scenario.narrative.get("fr"))[:NARRATIVE_OPENING] not in text, scenario.id
    for persona in shipped.meta.personas:
        assert squash(persona.easy_read.get("fr")) in text, persona.id
        assert squash(persona.situation.get("fr"))[:NARRATIVE_OPENING] not in text, persona.id
    sizes = _sizes(pdf)
    assert sizes.most_common(1)[0][0] >= 16


def test_easy_to_read_prints_one_sentence_a_line(easy_read: Path):
    html = (easy_read / "livret-participant-facile-a-lire.html").read_text()
    assert '<p class="easy-line">Dans ce futur, rien ne change vraiment.</p>' in html
    assert '<p class="easy-line">Les services sociaux existent toujours.</p>' in html


def test_check_names_every_scenario_and_persona_without_an_easy_to_read_text():
    assert not [w for w in warnings_of(MINI, review=True) if "easy-to-read" in w]  # only asked for that edition
    study = load_study(MINI, review=True, easy_read=True)
    warnings = sorted(located(w, MINI) for w in study.warnings if "easy-to-read" in w.message)
    assert len(warnings) == 4  # three scenarios, one persona
    assert [w.split(":")[0] for w in warnings] == [
        "scenarios/communs.yaml", "scenarios/plateformes.yaml", "scenarios/si-rien-ne-change.yaml", "study.yaml"]
    assert all(":" in w and w.split(":")[1].isdigit() for w in warnings)  # a line, the narrative's or the persona's
    assert "warning: scenario 'communs' has no easy-to-read text: the easy-to-read booklet prints its summary" \
        " instead" in warnings[0]
    assert "warning: persona 'odette' has no easy-to-read text" in warnings[3]


def test_check_with_the_edition_option_warns_and_strict_fails():
    result = run("check", str(MINI), "--edition", "facile-a-lire")
    assert result.exit_code == 0
    assert "scenario 'plateformes' has no easy-to-read text" in result.stderr
    assert "mini/scenarios/plateformes.yaml:" in result.stderr
    assert run("check", str(MINI), "--edition", "facile-a-lire", "--strict").exit_code == 1
    assert "easy-to-read" not in run("check", str(MINI)).stderr


def test_an_unknown_edition_or_one_with_a_workshop_is_a_usage_error(tmp_path: Path):
    assert run("build", str(MINI), "--edition", "braille", "--out", str(tmp_path)).exit_code == 2
    assert run("build", str(MINI), "--edition", "gros-caracteres", "--workshop", "x",
               "--out", str(tmp_path)).exit_code == 2
    assert not list(tmp_path.iterdir())


def test_an_easy_to_read_booklet_without_texts_prints_the_summaries(tmp_path: Path):
    report = build_kit(load_study(MINI), "fr", tmp_path, edition=EASY_READ)
    assert report.warnings == []
    text = normalise(pdf_text(tmp_path / "mini" / "fr-facile-a-lire" / "livret-participant-facile-a-lire.pdf"))
    for scenario in load_study(MINI).scenarios:
        assert normalise(scenario.data.summary.get("fr"))[:30] in text


def test_large_print_cover_leaves_no_narrow_column(large_print: Path):
    """The cover holds the band and the question; the authors and partners start page 2 at the full width of
    the page (the cover's own padding no longer adds to the page margins)."""
    page = pdf_chars(large_print / "livret-participant-gros-caracteres.pdf")[1]
    printed = [char for char in page.chars if not char.text.isspace() and char.top > 20 * MM]
    left = min(char.x0 for char in printed)
    right = max(char.x1 for char in printed)
    assert right - left > 150 * MM  # a full-width column (A4: 210 mm less the margins)


@pytest.mark.parametrize("name", ["fr-gros-caracteres/livret-participant-gros-caracteres.pdf",
                                  "fr-facile-a-lire/livret-participant-facile-a-lire.pdf"])
def test_no_text_at_the_edge_of_the_paper(shipped_editions: Path, name: str):
    """The cover's page has no margins: each of its texts keeps its own (a home printer leaves 5 mm blank)."""
    close = []
    for number, page in enumerate(pdf_chars(shipped_editions / name), start=1):
        for char in page.chars:
            if not char.text.isspace() and (char.x0 < 15 * MM or char.x1 > page.width - 15 * MM):
                close.append((number, char.text, round(char.x0 / MM)))
    assert close == []
