"""Memory of the processes writing PDFs (issue 14: at most 300 MiB per process).

A process's peak is its largest document's: `write_pdf` piles nothing on top of the laid-out
pages (the Document is let go before pikepdf reopens the PDF) and gives the freed memory back
after each document, whether it was written or refused. Peaks themselves are measured by
bench/bench_ratios.py, not here.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pikepdf
import pytest

from toolkit.errors import BuildError
from toolkit.kit import pdf

TABLE = ("<html lang='fr'><body><table><thead><tr><th>Colonne</th></tr></thead>"
         "<tbody><tr><th>Ligne</th><td>1</td></tr></tbody></table>"
         "<p style='break-before: page'>Suite</p></body></html>")


def _job(tmp_path: Path, html: str = TABLE, name: str = "doc") -> pdf.PdfJob:
    return pdf.PdfJob(html, tmp_path / f"{name}.pdf", tmp_path, (tmp_path,), "pdf/ua-1", f"{name}.pdf")


def _documents_alive() -> int:
    weasyprint = pdf._weasyprint()
    gc.collect()
    return sum(isinstance(thing, weasyprint.document.Document) for thing in gc.get_objects())


def test_the_laid_out_document_is_gone_before_pikepdf_reopens_the_pdf(tmp_path: Path, monkeypatch):
    alive = []
    scope = pdf.scope_table_headers

    def scope_and_count(path: Path) -> None:
        alive.append(_documents_alive())
        scope(path)

    monkeypatch.setattr(pdf, "scope_table_headers", scope_and_count)
    result = pdf.write_pdf(_job(tmp_path))
    assert alive == [0]
    assert result.pages == 2  # counted before the document was let go
    with pikepdf.open(result.path) as written:
        assert len(written.pages) == 2
        scopes = [element.A.Scope for element in pdf._struct_elements(written.Root.StructTreeRoot.K)
                  if element.S == pikepdf.Name.TH]
    assert sorted(map(str, scopes)) == ["/Column", "/Row"]  # still scoped


def test_memory_is_given_back_after_each_document_written_or_refused(tmp_path: Path, monkeypatch):
    trimmed = []
    monkeypatch.setattr(pdf, "_TRIM", lambda pad: trimmed.append(pad) or 1)
    pdf.write_pdf(_job(tmp_path, "<p>un</p>", "one"))
    assert trimmed == [0]
    with pytest.raises(BuildError, match="refused to load"):
        pdf.write_pdf(_job(tmp_path, "<img src='https://example.org/x.png'>", "refused"))
    assert trimmed == [0, 0]
    assert _documents_alive() == 0
    assert not (tmp_path / "refused.pdf").exists()


def test_without_malloc_trim_memory_is_still_collected(tmp_path: Path, monkeypatch):
    """Another C library than glibc (musl, macOS): no trim, and no error."""
    monkeypatch.setattr(pdf, "_TRIM", None)
    assert pdf.write_pdf(_job(tmp_path, "<p>un</p>")).pages == 1


def test_malloc_trim_is_found_on_linux_with_glibc():
    import platform
    import sys

    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc only")
    assert pdf._malloc_trim() is not None


def test_workers_write_every_pdf_in_order(tmp_path: Path, monkeypatch):
    """The pool as before: each document written once, told in the order of the jobs."""
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    jobs = [_job(tmp_path, f"<p>{'x ' * 50 * n}</p>", f"d{n}") for n in range(4)]
    told = []
    results = pdf.write_pdfs(jobs, done=lambda index, result: told.append(index))
    assert told == [0, 1, 2, 3]
    assert [result.path for result in results] == [job.target for job in jobs]
    assert all(job.target.is_file() for job in jobs)
