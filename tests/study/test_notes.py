"""Notes for editors (`editor_note:`): shown by `check -v`, never printed in a document."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from tests.helpers import SHIPPED, edit, pdf_text, run

NOTES = {
    "study.yaml": ("    year: 2024\n",
                   "    year: 2024\n    editor_note: Titre reconstitué, à vérifier sur le document.\n"),
    "scenarios/communs.yaml": ("summary: Les territoires",
                               "editor_note: Récit relu par personne.\nsummary: Les territoires"),
}
EDITORIAL = ("à vérifier", "reconstitué", "Récit relu par personne")


def _with_notes(study: Path) -> None:
    for name, (old, new) in NOTES.items():
        edit(study / name, old, new)


def test_check_verbose_shows_the_notes_located_and_plain_check_does_not(mini: Path):
    _with_notes(mini)
    plain = run("check", str(mini))
    assert plain.exit_code == 0, plain.output
    assert "reconstitué" not in plain.output
    verbose = run("check", str(mini), "-v")
    assert "study.yaml:20:18: editor's note: Titre reconstitué, à vérifier sur le document." in verbose.stdout
    assert "scenarios/communs.yaml:3:14: editor's note: Récit relu par personne." in verbose.stdout


def test_no_document_prints_an_editor_note(mini: Path, tmp_path: Path):
    _with_notes(mini)
    result = run("build", str(mini), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    documents = sorted(tmp_path.rglob("*.pdf")) + sorted(tmp_path.rglob("*.html"))
    assert documents
    for document in documents:
        text = pdf_text(document) if document.suffix == ".pdf" else document.read_text(encoding="utf-8")
        for words in EDITORIAL:
            assert words not in text, (document.name, words)


def test_the_shipped_study_keeps_its_editorial_remarks_out_of_printed_fields():
    """Source notes are printed in the bibliography: a remark for editors goes in `editor_note`."""
    data = YAML(typ="safe").load((SHIPPED / "study.yaml").read_text(encoding="utf-8"))
    for source in data["sources"]:
        note = str(source.get("note") or "")
        assert not any(words in note for words in EDITORIAL[:2]), (source["id"], note)


def test_the_preview_lists_the_notes_on_a_page_of_its_own(mini: Path):
    from toolkit.authoring.serve import NOTES_PAGE, render_site

    _with_notes(mini)
    files, _warnings = render_site(mini, None)
    page = files[NOTES_PAGE].decode()
    assert "study.yaml:20:18" in page and "Titre reconstitué, à vérifier sur le document." in page
    assert f'href="/{NOTES_PAGE}"' in files["index.html"].decode()
    assert all("reconstitué" not in data.decode("utf-8", "replace") for name, data in files.items()
               if name != NOTES_PAGE)
