"""Markdown for narratives: CommonMark with raw HTML off, plus citation markers.

Scenario text is untrusted. Raw HTML is escaped, and only two extra inline forms exist:
`[@source-id]` becomes a citation linked to the sources list, and `[hypothèse]` /
`[assumption]` labels a figure as a scenario assumption. The HTML for both is built
here from trusted strings; nothing in the text can inject markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from toolkit.study.markup import MARKER


@dataclass
class MarkdownRenderer:
    """Renders study text to safe HTML for one edition (language) of a study."""

    cite: Callable[[str], str]
    assumption_label: str
    images: dict[str, Any] = field(default_factory=dict)  # src -> where it was written (Origin)

    def __post_init__(self) -> None:
        self._parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
        self._parser.core.ruler.push("study_markers", self._markers)
        self._origin: Any = None

    def block(self, text: str, origin: Any = None) -> str:
        self._origin = origin
        return self._parser.render(text)

    def inline(self, text: str, origin: Any = None) -> str:
        self._origin = origin
        return self._parser.renderInline(text)

    def _markers(self, state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline" and token.children:
                token.children = [piece for child in token.children for piece in self._split(child)]
                for child in token.children:
                    if child.type == "image":
                        self.images[str(child.attrGet("src"))] = self._origin

    def _split(self, token: Token) -> list[Token]:
        if token.type != "text" or "[" not in token.content:
            return [token]
        pieces: list[Token] = []
        position = 0
        for match in MARKER.finditer(token.content):
            pieces.append(_text(token.content[position : match.start()]))
            if match.group(1):
                html = self.cite(match.group(1))
            else:
                html = f'<span class="assumption">{escape(self.assumption_label)}</span>'
            pieces.append(_html(html))
            position = match.end()
        pieces.append(_text(token.content[position:]))
        return [piece for piece in pieces if piece.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token
