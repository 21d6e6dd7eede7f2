"""The syntax of study text: CommonMark with raw HTML off, plus two markers.

`[@source-id]` cites a source of study.yaml; `[hypothèse]` / `[assumption]` labels a figure
as a scenario assumption. Checking (`rules`, `review`) and rendering (`toolkit.kit.markdown`)
read the same definitions from here.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

CITATION = re.compile(r"\[@([^\]\s]*)\]")  # any citation, even of a malformed id, so that it is reported
MARKER = re.compile(r"\[@([a-z0-9]+(?:-[a-z0-9]+)*)\]|\[(hypothèse|assumption)\]")


def checking_parser() -> MarkdownIt:
    """A parser that keeps every link and image, so validation can judge each URL."""
    parser = MarkdownIt("commonmark", {"html": False})
    parser.validateLink = lambda url: True
    return parser
