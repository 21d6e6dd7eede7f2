"""The one walk over a plan: an artefact is one template plus one registry entry.

The worked example of CONTRIBUTING.md (an attendance sheet) is read from that page, added
to the registry and to a study's templates, and must then appear in the build (HTML, PDF,
indexes, checklist) and in the preview, with no other change.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from tests.helpers import ROOT, WORKSHOP, normalise, pdf_text
from toolkit.authoring.serve import render_site
from toolkit.kit import plan as plan_module
from toolkit.kit.build import build_kit
from toolkit.kit.i18n import N_
from toolkit.kit.plan import ARTEFACTS, Artefact
from toolkit.kit.walk import edition_documents, folders
from toolkit.study.load import load_study


def contributing_example() -> tuple[str, str, str]:
    """The template path, template text and registry entry of the worked example."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Add a kind of document", 1)[1].split("\n## ", 1)[0]
    path = re.search(r"`(templates/workshop/[a-z-]+\.html\.j2)`", section).group(1)
    template = re.search(r"```jinja\n(.*?)```", section, re.S).group(1)
    entry = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    return path, _unindent(template), _unindent(entry).strip()


def _unindent(block: str) -> str:
    """A code block of a list item, without the item's indentation."""
    return "\n".join(line.removeprefix("   ") for line in block.splitlines())


@pytest.fixture
def with_attendance(tmp_path: Path, monkeypatch) -> Path:
    """The workshop fixture study, its templates/ holding the example, the registry extended."""
    path, template, entry = contributing_example()
    study = tmp_path / "study"
    shutil.copytree(WORKSHOP, study)
    target = study / path  # templates/workshop/attendance.html.j2, inside the study
    target.parent.mkdir(parents=True)
    target.write_text(template, encoding="utf-8")
    artefact = eval(entry, {"Artefact": Artefact, "N_": N_})  # the page's own Python line
    monkeypatch.setattr(plan_module, "ARTEFACTS", (*ARTEFACTS, artefact))
    monkeypatch.setitem(plan_module.ARTEFACT_BY_ID, artefact.id, artefact)
    return study


def test_the_example_is_one_template_and_one_entry(with_attendance: Path, tmp_path: Path):
    study = load_study(with_attendance)
    report = build_kit(study, "fr", tmp_path / "out", workshop="atelier")
    workshop = tmp_path / "out" / study.id / "fr" / "atelier"
    sheet = workshop / "attendance-sheet.pdf"  # no French file name until the catalogue has one
    assert sheet.is_file() and (workshop / "attendance-sheet.html").is_file()
    assert len(pypdf.PdfReader(sheet).pages) >= 1
    assert "Attendance sheet" in normalise(pdf_text(sheet))
    assert any(d.planned.artefact.id == "attendance" and d.pages >= 1 for d in report.documents)
    index = (workshop / "index.html").read_text(encoding="utf-8")
    assert 'href="attendance-sheet.pdf"' in index
    checklist = (workshop / "liste-materiel.html").read_text(encoding="utf-8")
    assert 'data-artefact="attendance">1<' in checklist  # one copy, from the registry entry


def test_the_preview_shows_the_example_too(with_attendance: Path):
    files, _ = render_site(with_attendance, "fr")
    assert "atelier/attendance-sheet.html" in files
    assert b"attendance-sheet.pdf" in files["atelier/index.html"]


def test_every_folder_of_the_walk_is_a_folder_of_the_plan():
    study = load_study(WORKSHOP)
    from toolkit.kit.render import Edition
    edition = Edition(study, "fr")
    plan = plan_module.plan_kit(study, "fr", Path("x"), edition.gettext)
    placed = edition_documents(plan)
    assert folders(placed) == ["", "atelier", "atelier/synthese"]
    assert len({item.pdf_path for item in placed}) == len(placed)  # no two documents share a file


def test_every_copy_rule_of_the_registry_is_known():
    from toolkit.kit.logistics import COPY_COUNTS
    assert {artefact.copies for artefact in ARTEFACTS} <= set(COPY_COUNTS)
