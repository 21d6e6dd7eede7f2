"""Incremental builds cannot lie: a PDF is carried over only when nothing it depends on changed.

One cold build of the mini study (three documents) is shared by the module; each test copies the
study and its kit, changes one thing, builds again and looks at which PDFs were written and why.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import MINI, edit, pdf_text, run, with_narrative
from toolkit.kit import cache
from toolkit.kit.build import UpToDate, Written, build_kit
from toolkit.study.load import load_study

DOCUMENTS = ["cartes-scenarios.pdf", "guide-animation.pdf", "livret-participant.pdf"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    """The mini study and its kit, built once: folder/mini (study) and folder/out (kits)."""
    folder = tmp_path_factory.mktemp("incremental")
    shutil.copytree(MINI, folder / "mini")
    build_kit(load_study(folder / "mini"), "fr", folder / "out")
    return folder


@pytest.fixture
def built(first_build: Path, tmp_path: Path) -> Path:
    """A writable copy of the study and of its kit (with the manifest beside it)."""
    shutil.copytree(first_build / "mini", tmp_path / "mini")
    shutil.copytree(first_build / "out", tmp_path / "out")
    return tmp_path


def rebuild(folder: Path, **options) -> tuple[dict[str, str | None], list]:
    """Build again; return why each PDF was written (None: carried over) and every event."""
    events: list = []
    build_kit(load_study(folder / "mini"), "fr", folder / "out", progress=events.append, **options)
    return {event.document.planned.pdf_name: event.why for event in events if isinstance(event, Written)}, events


def kit(folder: Path) -> Path:
    return folder / "out" / "mini" / "fr"


def test_an_unchanged_study_leaves_the_kit_as_it_is(built: Path):
    before = {path: path.stat().st_mtime_ns for path in kit(built).rglob("*")}
    reasons, events = rebuild(built)
    assert reasons == dict.fromkeys(DOCUMENTS)  # every document listed, none written
    assert any(isinstance(event, UpToDate) for event in events)
    assert {path: path.stat().st_mtime_ns for path in kit(built).rglob("*")} == before  # not a file touched


def test_force_writes_every_pdf_again(built: Path):
    reasons, events = rebuild(built, force=True)
    assert set(reasons) == set(DOCUMENTS) and all(reasons.values())
    assert not any(isinstance(event, UpToDate) for event in events)


def test_a_scenario_edit_rebuilds_only_the_documents_that_show_it(built: Path):
    with_narrative(built / "mini", "Une ligne ajoutée au récit.")
    reasons, _events = rebuild(built)
    rebuilt = {name for name, why in reasons.items() if why}
    assert rebuilt and rebuilt != set(DOCUMENTS)
    for name in DOCUMENTS:  # written again exactly where the new line shows
        shows = "Une ligne ajoutée au récit." in (kit(built) / name).with_suffix(".html").read_text(encoding="utf-8")
        assert (name in rebuilt) == shows, name
    for name in rebuilt:
        assert reasons[name] == "its HTML changed"
        assert "Une ligne ajoutée" in pdf_text(kit(built) / name)


def test_a_changed_image_rebuilds_what_shows_it_though_the_html_is_the_same(built: Path):
    from PIL import Image

    (built / "mini" / "assets").mkdir()
    Image.new("RGB", (40, 20), "#1f5f8b").save(built / "mini" / "assets" / "carte.png")
    with_narrative(built / "mini", "![Carte du territoire](assets/carte.png)")
    rebuild(built)
    Image.new("RGB", (40, 20), "#b0413e").save(built / "mini" / "assets" / "carte.png")  # same name, other pixels
    reasons, _events = rebuild(built)
    assert reasons["livret-participant.pdf"] == "assets/carte.png changed"
    assert [name for name, why in reasons.items() if why] == ["livret-participant.pdf"]


def test_a_study_stylesheet_rebuilds_every_document_that_includes_it(built: Path):
    css = built / "mini" / "templates" / "css" / "typography.css"
    css.parent.mkdir(parents=True)
    shutil.copyfile(cache.BUILTIN_TEMPLATES / "css" / "typography.css", css)
    rebuild(built)
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.01em }\n", encoding="utf-8")
    reasons, _events = rebuild(built)
    assert set(reasons) == set(DOCUMENTS) and all(reasons.values())


def test_a_catalogue_entry_rebuilds_the_documents_that_print_it(built: Path):
    catalogue = built / "mini" / "templates" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    catalogue.parent.mkdir(parents=True)
    source = (cache.BUILTIN_TEMPLATES / "locale" / "fr" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    catalogue.write_text(source, encoding="utf-8")
    rebuild(built)
    edit(catalogue, 'msgstr "Livret participant"', 'msgstr "Livret des participants"')
    reasons, _events = rebuild(built)
    rebuilt = {name for name, why in reasons.items() if why}
    assert "livret-participant.pdf" in rebuilt
    assert all(reasons[name] == "its HTML changed" for name in rebuilt)


def test_a_new_weasyprint_version_rebuilds_everything(built: Path, monkeypatch):
    real = cache._version

    def newer(package: str) -> str:
        return "99.0" if package == "weasyprint" else real(package)

    monkeypatch.setattr(cache, "_version", newer)
    reasons, events = rebuild(built)
    assert set(reasons.values()) == {f"WeasyPrint {real('weasyprint')} -> 99.0"}
    assert not any(isinstance(event, UpToDate) for event in events)


def test_new_fonts_rebuild_everything(built: Path, monkeypatch):
    monkeypatch.setattr(cache, "fonts_fingerprint", lambda: "another-font-set")
    reasons, _events = rebuild(built)
    assert set(reasons.values()) == {"the installed fonts changed"}


@pytest.mark.parametrize("damage", ["delete", "truncate", "edit"])
def test_a_published_pdf_deleted_or_damaged_is_written_again(built: Path, damage: str):
    pdf = kit(built) / "guide-animation.pdf"
    data = pdf.read_bytes()
    if damage == "delete":
        pdf.unlink()
    elif damage == "truncate":
        pdf.write_bytes(data[: len(data) // 2])
    else:
        pdf.write_bytes(data.replace(b"%%EOF", b"%%EOF "))
    reasons, _events = rebuild(built)
    expected = "its PDF is missing" if damage == "delete" else "its PDF was changed or damaged since"
    assert reasons == {"cartes-scenarios.pdf": None, "guide-animation.pdf": expected, "livret-participant.pdf": None}
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf_text(pdf)


def test_a_changed_file_of_the_kit_makes_the_next_build_check_every_pdf(built: Path):
    (kit(built) / "livret-participant.html").write_text("changed by hand", encoding="utf-8")
    reasons, events = rebuild(built)
    assert reasons == dict.fromkeys(DOCUMENTS)  # the PDFs are intact: carried over
    assert not any(isinstance(event, UpToDate) for event in events)
    assert "changed by hand" not in (kit(built) / "livret-participant.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("content", ["{not json", '{"documents": {"livret-participant.pdf": {"html": 3}}}',
                                     '{"documents": []}', "[]"])
def test_a_manifest_that_is_not_ours_only_costs_a_full_build(built: Path, content: str):
    (built / "out" / "mini" / ".fr.builds.json").write_text(content, encoding="utf-8")
    reasons, _events = rebuild(built)
    assert set(reasons.values()) == {"not built before"}
    manifest = json.loads((built / "out" / "mini" / ".fr.builds.json").read_text(encoding="utf-8"))
    assert sorted(manifest["documents"]) == DOCUMENTS


def test_a_manifest_too_large_is_not_read(built: Path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_MANIFEST_BYTES", 10)
    reasons, _events = rebuild(built)
    assert set(reasons.values()) == {"not built before"}


def test_verbose_says_what_was_rebuilt_and_why(built: Path):
    with_narrative(built / "mini", "Encore une ligne.")
    result = run("-v", "build", str(built / "mini"), "--out", str(built / "out"))
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if ".pdf" in line}
    assert "rebuilt in" in lines["livret-participant.pdf"] and "its HTML changed" in lines["livret-participant.pdf"]
    kept = [line for line in lines.values() if "unchanged since the last build: kept" in line]
    assert kept and "unchanged since the last build)" in result.stdout.splitlines()[-1]


def test_the_command_says_when_nothing_changed(built: Path):
    result = run("build", str(built / "mini"), "--out", str(built / "out"))
    assert result.exit_code == 0, result.output
    assert "nothing it is made of changed since the last build" in result.stdout
    assert "(3 unchanged since the last build)" in result.stdout
    forced = run("build", str(built / "mini"), "--out", str(built / "out"), "--force")
    assert forced.exit_code == 0 and "unchanged" not in forced.stdout


def test_the_inputs_of_a_kit_are_every_file_of_its_folders_but_hidden_ones_and_the_kits(tmp_path: Path):
    study, templates, out = tmp_path / "study", tmp_path / "templates", tmp_path / "study" / "output"
    for folder in (study / "scenarios", templates, out):
        folder.mkdir(parents=True)
    (study / "scenarios" / "a.yaml").write_text("title: A\n", encoding="utf-8")
    (templates / "base.css").write_text("p {}\n", encoding="utf-8")

    def inputs(**options) -> str:
        return cache.kit_inputs([study, templates], {"language": "fr", **options}, leave_out=out)

    first = inputs()
    (study / ".DS_Store").write_text("x", encoding="utf-8")
    (out / "kit.pdf").write_text("x", encoding="utf-8")
    assert inputs() == first  # a hidden file, a kit built inside the study folder
    assert inputs(language="en") != first
    (templates / "base.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    second = inputs()
    assert second != first
    (study / "scenarios" / "b.yaml").write_text("title: B\n", encoding="utf-8")
    assert inputs() != second
    third = inputs()
    moved = tmp_path / "elsewhere"
    study.rename(moved)  # the same study in another folder makes the same kit
    assert cache.kit_inputs([moved, templates], {"language": "fr"}, leave_out=moved / "output") == third


def test_each_pdf_s_time_and_cpu_time_are_kept_for_the_next_build_and_the_benchmark(built: Path):
    """Longest first needs the time each PDF took; bench/ compares each one's CPU time with WeasyPrint's floor.
    A manifest of before the CPU time was kept still reads (its entries have none)."""
    path = built / "out" / "mini" / ".fr.builds.json"
    documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
    assert all(entry["seconds"] > 0 and entry["cpu_seconds"] > 0 for entry in documents.values())
    older = {key: {k: v for k, v in entry.items() if k != "cpu_seconds"} for key, entry in documents.items()}
    path.write_text(json.dumps({"documents": older}), encoding="utf-8")
    reasons, _events = rebuild(built)
    assert all(reason is None for reason in reasons.values())
