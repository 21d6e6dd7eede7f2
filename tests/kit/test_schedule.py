"""Issue 14.3: both cores busy. Documents are handed to the workers longest first: by the time each took
at the last build (kept beside the kit), else by the size of its HTML; results still come in plan order."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import MINI, run
from toolkit.kit import pdf
from toolkit.kit.build import expected_seconds


def job(name: str, cost: float, folder: Path) -> pdf.PdfJob:
    return pdf.PdfJob("<p>x</p>", folder / f"{name}.pdf", folder, (folder,), None, f"{name}.pdf", cost)


def test_the_costliest_go_first_ties_in_plan_order(tmp_path: Path):
    jobs = [job("guide", 2.0, tmp_path), job("deck", 9.0, tmp_path), job("sheet", 2.0, tmp_path),
            job("booklet", 5.0, tmp_path)]
    assert pdf.longest_first(jobs) == [1, 3, 0, 2]


def test_expected_seconds_from_the_last_build_else_from_the_html_size():
    keys = ["a.pdf", "b.pdf", "c.pdf"]
    assert expected_seconds(keys, [100, 300, 50], {}) == [100, 300, 50]  # first build: sizes alone
    # b took 6 s for 300 bytes: 0.02 s a byte for the others, whose time is not known
    assert expected_seconds(keys, [100, 300, 50], {"b.pdf": 6.0}) == [2.0, 6.0, 1.0]
    assert expected_seconds(keys, [100, 300, 50], {"a.pdf": 1.0, "b.pdf": 6.0, "c.pdf": 9.0}) == [1.0, 6.0, 9.0]


def test_workers_are_handed_the_longest_first_and_results_keep_plan_order(tmp_path: Path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    handed = []
    real_submit = ProcessPoolExecutor.submit

    def recording_submit(self, function, item, *args, **kwargs):
        handed.append(item.document_name)
        return real_submit(self, function, item, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", recording_submit)
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    jobs = [job("small", 1.0, tmp_path), job("big", 8.0, tmp_path), job("middle", 3.0, tmp_path)]
    told = []
    results = pdf.write_pdfs(jobs, done=lambda index, result: told.append(index))
    assert handed == ["big.pdf", "middle.pdf", "small.pdf"]
    assert told == [0, 1, 2]
    assert [result.path.name for result in results] == ["small.pdf", "big.pdf", "middle.pdf"]


def test_a_build_keeps_each_document_s_time_for_the_next(tmp_path: Path):
    assert run("-q", "build", str(MINI), "--out", str(tmp_path)).exit_code == 0
    manifest = json.loads((tmp_path / "mini" / ".fr.builds.json").read_text(encoding="utf-8"))
    pdfs = sorted(p.relative_to(tmp_path / "mini" / "fr").as_posix() for p in (tmp_path / "mini" / "fr").rglob("*.pdf"))
    assert sorted(manifest["documents"]) == pdfs
    assert all(entry["seconds"] > 0 for entry in manifest["documents"].values())


def test_an_unreadable_manifest_only_loses_the_ordering(tmp_path: Path):
    (tmp_path / "mini").mkdir()
    (tmp_path / "mini" / ".fr.builds.json").write_text("{not json", encoding="utf-8")
    result = run("-q", "build", str(MINI), "--out", str(tmp_path))
    assert result.exit_code == 0 and "builds" not in result.stderr
    assert json.loads((tmp_path / "mini" / ".fr.builds.json").read_text(encoding="utf-8"))["documents"]
