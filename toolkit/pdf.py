"""Stage 5, write PDF: WeasyPrint with a fetcher that only serves known asset folders.

Any other URL (another file, http, data:) stops the build with an error that names it:
scenario text is untrusted, so a refused URL must never pass as a mere warning.
Files are written to a temporary name and renamed, so a failed build never leaves a
truncated PDF nor replaces a good one.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from toolkit.errors import BuildError
from toolkit.model import Origin


class RefusedURL(BaseException):
    """Raised by the fetcher; BaseException so WeasyPrint does not swallow it."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


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
    """A WeasyPrint URL fetcher serving only files under `roots`."""
    weasyprint = _weasyprint()
    resolved = [root.resolve() for root in roots]

    class AssetFetcher(weasyprint.urls.URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

        def fetch(self, url: str, headers: dict | None = None):
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise RefusedURL(url, "only the study's own asset files may be loaded")
            path = Path(url2pathname(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in resolved):
                raise RefusedURL(url, "the file is outside the study's and templates' asset folders")
            if not path.is_file():
                raise RefusedURL(url, "no such file")
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


def write_pdf(
    html: str,
    target: Path,
    *,
    base_url: Path,
    asset_roots: list[Path],
    variant: str | None,
    document_name: str,
    origin_of: Callable[[str], Origin | None] | None = None,
) -> PdfResult:
    """Render `html` to `target` atomically; return its page count and warnings."""
    weasyprint = _weasyprint()
    with _captured_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=make_fetcher(asset_roots)
            ).render()
            with atomic_file(target) as temporary:
                document.write_pdf(temporary, pdf_variant=variant)
        except RefusedURL as refused:
            origin = origin_of(refused.url) if origin_of else None
            source = f", asked for by {origin.field}" if origin else ""
            raise BuildError(
                f"{document_name}: refused to load {refused.url} ({refused.reason}){source}",
                "images must be files in the study's assets/ folder",
                origin.location if origin else None,
            ) from None
    return PdfResult(target, len(document.pages), list(warnings))


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
