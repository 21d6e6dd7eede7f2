"""Stage 5, write PDF: WeasyPrint with a fetcher that only serves known asset folders.

Any other URL (another file, http, data:) stops the build with an error that names it:
scenario text is untrusted, so a refused URL must never pass as a mere warning.
Files are written to a temporary name and renamed, so a failed build never leaves a
truncated PDF nor replaces a good one.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from toolkit.errors import BuildError
from toolkit.files import atomic_file
from toolkit.study.model import Origin

PARALLEL_FROM = 3  # fewer documents than this are written in-process (no worker start-up)


def _weasyprint():
    """Import WeasyPrint late, turning a missing system library into a clear error."""
    try:
        import weasyprint
    except OSError as error:  # Pango or its friends are missing
        raise BuildError(
            f"WeasyPrint cannot load its system libraries ({error})",
            "install Pango: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 "
            "(macOS: brew install pango)",
        ) from None
    return weasyprint


def make_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher serving only files under `roots`.

    Any other URL raises WeasyPrint's `FatalURLFetchingError` with (url, reason): WeasyPrint
    re-raises that one instead of logging it, so a refused URL always stops the build.
    """
    weasyprint = _weasyprint()
    resolved = [root.resolve() for root in roots]

    refused = weasyprint.urls.FatalURLFetchingError  # WeasyPrint lets it stop the rendering

    class AssetFetcher(weasyprint.urls.URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

        def fetch(self, url: str, headers: dict | None = None):
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise refused(url, "only the study's own asset files may be loaded")
            path = Path(url2pathname(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in resolved):
                raise refused(url, "the file is outside the study's and templates' asset folders")
            if not path.is_file():
                raise refused(url, "no such file")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime})

    return AssetFetcher()


@dataclass
class PdfResult:
    path: Path
    pages: int
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings so the build can report (and tests can refuse) them."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector(level=logging.WARNING)
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@dataclass(frozen=True)
class PdfJob:
    """Everything needed to write one PDF, picklable so a worker process can do it."""

    html: str
    target: Path
    base_url: Path
    asset_roots: tuple[Path, ...]
    variant: str | None
    document_name: str


def write_pdf(job: PdfJob) -> PdfResult:
    """Render one document to its target atomically; return its page count and warnings."""
    weasyprint = _weasyprint()
    with _captured_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=job.html, base_url=job.base_url.resolve().as_uri() + "/",
                url_fetcher=make_fetcher(list(job.asset_roots)),
            ).render()
            with atomic_file(job.target) as temporary:
                document.write_pdf(temporary, pdf_variant=job.variant)
        except weasyprint.urls.FatalURLFetchingError as refused:
            url, reason = refused.args  # as our fetcher raised it
            raise BuildError(
                f"{job.document_name}: refused to load {url} ({reason})",
                "images must be files in the study's assets/ folder",
                url=url,
            ) from None
    return PdfResult(job.target, len(document.pages), list(warnings))


def write_pdfs(jobs: list[PdfJob], origin_of: Callable[[str], Origin | None] | None = None) -> list[PdfResult]:
    """Write every PDF, in parallel processes when there are enough to be worth it.

    WeasyPrint uses one core per document; each worker imports it once (spawn, so no
    state is shared). PROSPECTIVE_JOBS=1 forces one process.
    """
    workers = int(os.environ.get("PROSPECTIVE_JOBS", "0")) or min(os.cpu_count() or 1, len(jobs))
    try:
        if workers <= 1 or len(jobs) <= PARALLEL_FROM:
            return [write_pdf(job) for job in jobs]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(write_pdf, jobs))
    except BuildError as error:
        origin = origin_of(error.url) if origin_of and error.url else None
        if origin is None:
            raise
        raise BuildError(f"{error.problem.message}, asked for by {origin.field}", error.problem.hint,
                         origin.location, error.url) from None
