"""End to end: the shipped study builds into a kit whose PDFs say what the study says."""

import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from tests.helpers import ROOT, SHIPPED, box_mm, card_overflows, normalise, pdf_pages, run, squash
from toolkit.study.indicators import projections
from toolkit.study.load import load_study


@pytest.fixture(scope="module")
def study():
    return load_study(SHIPPED)


@pytest.fixture(scope="module")
def kit(shipped_kit: Path) -> Path:
    """The French kit built once per session (tests/conftest.py), without a warning: read, never written."""
    return shipped_kit


def fr(text) -> str:
    return text.get("fr")


def test_the_shipped_study_is_valid_and_complete(study):
    assert run("check", str(SHIPPED)).exit_code == 0
    meta = study.meta
    assert meta.horizon == 2040
    assert len(meta.drivers) >= 8 and len(meta.professions) >= 6 and len(meta.personas) >= 4
    assert all(3 <= len(d.hypotheses) <= 5 for d in meta.drivers)
    assert [s.id for s in study.scenarios if s.data.baseline] == ["si-rien-ne-change"]
    assert len(study.alternatives) >= 4
    for scenario in study.scenarios:
        assert len(fr(scenario.data.narrative).split()) >= 400, scenario.id
        assert set(scenario.data.professions) == {p.id for p in meta.professions}, scenario.id
        assert set(scenario.data.personas) == {p.id for p in meta.personas}, scenario.id
        assert len(scenario.data.weak_signals) >= 2 and len(scenario.data.questions) >= 3, scenario.id


def test_the_booklet_has_every_chapter_and_numbered_pages(study, kit: Path):
    pages = pdf_pages(kit / "livret-participant.pdf")
    text = normalise("\n".join(pages))
    for scenario in study.scenarios:
        assert normalise(fr(scenario.data.title)) in text
        for question in scenario.data.questions:
            assert squash(fr(question)) in squash(text)
    for number, page in enumerate(pages[1:], start=2):
        assert f"page {number} / {len(pages)}" in normalise(page)
    for raw in ("[@", "[hypothèse]", "{{", "{%"):
        assert raw not in text, raw  # every marker was rendered
    for source in study.meta.sources:
        assert squash(source.author) in squash(text)


def test_the_guide_compares_every_scenario_with_the_baseline(study, kit: Path):
    reader = pypdf.PdfReader(kit / "guide-animation.pdf")
    pages = [normalise(page.extract_text()) for page in reader.pages]
    [index] = [i for i, page in enumerate(pages) if page.startswith("Comparaison avec la référence Chaque")]
    page = pages[index]
    assert box_mm(reader.pages[index].mediabox)[2:] == [297.0, 210.0]
    for scenario in study.scenarios:
        assert squash(fr(scenario.data.title)) in squash(page)
        for row in study.comparison(scenario):
            assert squash(fr(row.scenario.label)) in squash(page)
    changed = [len(study.changes(s)) for s in study.scenarios]
    table = page.split("Variable clé", 1)[1]  # after the legend, which shows one ≠ too
    assert table.count("≠") == sum(changed)
    drivers = len(study.meta.drivers)
    assert "Variables modifiées " + " ".join(f"{n} / {drivers}" for n in changed) in page


def test_the_guide_has_one_summary_page_per_scenario(study, kit: Path):
    pages = [normalise(p) for p in pdf_pages(kit / "guide-animation.pdf")]
    for scenario in study.scenarios:
        title = normalise(fr(scenario.data.title))
        summary_pages = [p for p in pages if f"{title} {normalise(fr(scenario.data.tagline))}" in p]
        assert len(summary_pages) == 1, scenario.id
        assert squash(fr(scenario.data.questions[-1])) in squash(summary_pages[0])  # fits on its page


def test_the_cards(study, kit: Path):
    reader = pypdf.PdfReader(kit / "cartes-scenarios.pdf")
    numbers = len(projections(study))  # the baseline's numbers: a card per indicator of the study, after its card
    assert len(reader.pages) == math.ceil((len(study.scenarios) + numbers) / 4)
    for page in reader.pages:
        # the page is the A4 paper (no sheet bleed, no corner crop marks): each card has its own bleed and marks
        assert box_mm(page.mediabox) == box_mm(page.trimbox) == box_mm(page.bleedbox) == [0.0, 0.0, 210.0, 297.0]
    text = squash("".join(page.extract_text() for page in reader.pages))
    for scenario in study.scenarios:
        assert squash(fr(scenario.data.title)) in text
        assert squash(fr(scenario.data.questions[0])) in text
    assert text.lower().count(squash("Si rien ne change, en chiffres").lower()) == numbers
    assert card_overflows(kit / "cartes-scenarios.html") == []


def test_the_index_links_the_whole_kit(kit: Path):
    index = (kit / "index.html").read_text()
    for name in ("guide-animation", "livret-participant", "cartes-scenarios"):
        assert f'href="{name}.pdf"' in index and f'href="{name}.html"' in index
        assert (kit / f"{name}.html").read_text().startswith("<!DOCTYPE html>")


def test_a_broken_copy_keeps_the_previous_kit(kit: Path, tmp_path: Path):
    import shutil

    broken = tmp_path / "metiers-du-social-2040"
    shutil.copytree(SHIPPED, broken)
    out = tmp_path / "out"
    shutil.copytree(kit, out / broken.name / "fr")
    kit_files = out / broken.name / "fr"
    before = {p.relative_to(kit_files): p.read_bytes() for p in kit_files.rglob("*") if p.is_file()}
    scenario = broken / "scenarios" / "le-tri-des-urgences.yaml"
    scenario.write_text(scenario.read_text().replace("baseline", "basline").replace("questions:", "questiosn:"))
    for command in ("check", "build"):
        result = run(command, str(broken), "--out", str(out)) if command == "build" else run(command, str(broken))
        assert result.exit_code == 1
        assert "le-tri-des-urgences.yaml:" in result.stderr
        assert "unknown field 'questiosn' (did you mean 'questions'?)" in result.stderr
        assert "Traceback" not in result.output
    assert {p.relative_to(kit_files): p.read_bytes() for p in kit_files.rglob("*") if p.is_file()} == before


def test_the_shipped_workshop_kit(study, kit: Path):
    """The half-day workshop: run-of-show clock times, one pack per table, decks that fit their cards."""
    workshop = next(w for w in study.workshops if w.id == "demi-journee-colloque")
    folder = kit / workshop.id
    guide = normalise(" ".join(pdf_pages(folder / "guide-animation-atelier.pdf")))
    run_of_show = guide.split("Déroulé", 2)[2]
    assert "08:30 30 min Installation" in run_of_show
    for item in workshop.schedule:
        assert squash(f"{item.start_text} {item.activity.duration} min {fr(item.title)}") in squash(run_of_show)
    for group in workshop.data.groups:
        pages = [normalise(p) for p in pdf_pages(folder / f"dossier-{group.id}.pdf")]
        assert all(fr(group.name) in page for page in pages)
        for scenario_id in group.scenarios:
            title = fr(next(s for s in study.scenarios if s.id == scenario_id).data.title)
            assert title in " ".join(pages)
    for mode in ("recto-verso-bord-long", "recto-verso-bord-court", "a-plier"):
        assert card_overflows(folder / f"cartes-{mode}.html", selector="deck-card") == []
    assert (folder / f"{workshop.id}.zip").is_file()


def kit_pages(folder: Path) -> dict[str, int | None]:
    """Every file of a kit by its path in the kit, with the page count of each PDF."""
    return {path.relative_to(folder).as_posix(): len(pypdf.PdfReader(path).pages) if path.suffix == ".pdf" else None
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_wheel_builds_the_same_kit_from_anywhere(kit: Path, tmp_path: Path):
    """Issue 8: the wheel carries templates, methods, catalogues and schemas; installed in a fresh
    virtualenv, its `prospective` builds the shipped study from a folder outside the repository.

    It builds over a copy of the session's kit with one PDF removed: every HTML file it renders must be
    the same as the repository's, byte for byte (so the templates, catalogues and methods it carries are
    the same); the incremental build then carries over the PDFs whose sources are the same, and writes the
    missing one itself (so its WeasyPrint works). The virtualenv gets no pip of its own and no compiled
    Python files: pip is the repository's, run against it (issue 14.6: 9 s instead of 30).
    """
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()

    def call(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
        return result

    call(sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT))
    wheel = next(dist.glob("prospective_toolkit-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for data in ("toolkit/_data/templates/methods/accueil/method.yaml",
                 "toolkit/_data/templates/methods/accueil/method.en.yaml", "toolkit/_data/schemas/study.schema.json",
                 "toolkit/_data/templates/locale/fr/LC_MESSAGES/messages.po", "toolkit/__main__.py"):
        assert data in names
    call(sys.executable, "-m", "venv", "--without-pip", str(venv))
    call(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-compile",
         str(wheel))
    shutil.copytree(kit.parent, elsewhere / "x" / SHIPPED.name)  # the kit and the record of its build
    built = elsewhere / "x" / SHIPPED.name / "fr"
    (built / "cartes-scenarios.pdf").unlink()
    call(str(venv / "bin" / "prospective"), "build", str(SHIPPED), "--lang", "fr", "--out", "x", cwd=elsewhere)
    assert kit_pages(built) == kit_pages(kit)
    assert {path.relative_to(built): path.read_bytes() for path in built.rglob("*.html")} == \
        {path.relative_to(kit): path.read_bytes() for path in kit.rglob("*.html")}
    version = call(str(venv / "bin" / "python"), "-m", "toolkit", "--version", cwd=elsewhere)
    assert version.stdout.startswith("prospective, version")


def test_every_index_link_of_the_shipped_kit_resolves(kit: Path):
    """Issue 10.5: no 404 from any index page, no two documents with the same title, the zip holds the prints."""
    from tests.kit.test_front_door import broken_links, duplicate_titles

    assert broken_links(kit) == []
    assert duplicate_titles(kit) == []
    workshop = next(p.parent for p in kit.glob("*/index.html"))
    with zipfile.ZipFile(workshop / f"{workshop.name}.zip") as archive:
        names = archive.namelist()
    assert f"{workshop.name}/documents-etude/livret-participant.pdf" in names
    assert f"{workshop.name}/documents-etude/cartes-scenarios.pdf" in names


# --- the three shipped plans (issue 12.3) ------------------------------------------------------

PLANS = ["decouverte-90-minutes", "demi-journee-colloque", "journee-complete"]


@pytest.mark.parametrize("plan", PLANS)
def test_each_plan_has_example_results_that_follow_its_agenda(study, plan: str):
    """The example results hold exactly what the plan's sheets capture, for the scenarios and personas each table
    was given; the full day tests every action in every scenario. Labelled as made up."""
    from toolkit.study.model import CAPTURE_SECTIONS, activity_personas, activity_scenarios
    from toolkit.study.workshops import _filled

    workshop = next(w for w in study.workshops if w.id == plan)
    results = workshop.results
    assert results is not None and results.example and "invent" in fr(results.note).lower()
    captured = workshop.captured_sections()
    filled = {section for group in results.groups.values() for section in CAPTURE_SECTIONS
              if list(_filled(group, section))}
    assert filled == captured, plan
    for group in workshop.data.groups:
        said = results.groups[group.id]
        for sheet in workshop.capture_sheets:
            scenarios = {s.id for s in activity_scenarios(study, sheet.item, group)}
            personas = {p.id for p in activity_personas(study, sheet.item, group)}
            section = sheet.capture.results
            if section == "wheels":
                assert set(said.wheels) == scenarios, (plan, group.id)
            elif section == "journeys":
                assert set(said.journeys) == personas, (plan, group.id)
            elif section == "actors":
                assert {s for by in said.actors.values() for s in by} == scenarios, (plan, group.id)
                assert set(said.actors) == {a.id for a in study.meta.actors}, (plan, group.id)
            elif section == "verdicts":
                for action in said.actions.values():
                    assert set(action.scenarios) == scenarios, (plan, group.id)


@pytest.mark.parametrize("plan", PLANS)
def test_each_plan_builds_its_report(study, kit: Path, plan: str):
    """The report of each plan builds without a warning (the session's build of the kit says none) and
    counts every line typed from its sheets."""
    from toolkit.synthesis.analysis import analyse

    [pdf] = list((kit / plan).rglob("rapport-synthese.pdf"))
    text = normalise(" ".join(pdf_pages(pdf)))
    workshop = next(w for w in study.workshops if w.id == plan)
    contributions = analyse(study, workshop).contributions
    assert f"{contributions} lignes reportées depuis les fiches de saisie" in text, plan
