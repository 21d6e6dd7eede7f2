"""Stage 4, render HTML: one sandboxed Jinja environment per kit edition.

Templates are trusted; study data is not. Data reaches templates only as values:
autoescape is on, undefined names fail loudly, text goes through the safe Markdown
renderer, and the sandbox keeps even an overriding template away from internals.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from toolkit.i18n import load_translations
from toolkit.markdown import MarkdownRenderer
from toolkit.model import Origin, Study, Text

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NO_BREAK_SPACE = "\u00a0"
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([:;!?»])")


def french_typography(text: str) -> str:
    """No-break spaces where French typography wants them, so '?' never starts a line."""
    text = _SPACE_BEFORE_PUNCTUATION.sub(NO_BREAK_SPACE + r"\1", text)
    return text.replace("« ", "«" + NO_BREAK_SPACE)


def template_dirs(study: Study) -> list[Path]:
    """Lookup chain: the study's own templates/ first, then the project's."""
    own = study.folder / "templates"
    return [own, BUILTIN_TEMPLATES] if own.is_dir() else [BUILTIN_TEMPLATES]


def _origin(value: Text | str | None) -> Origin | None:
    return value.origin if isinstance(value, Text) else None


class Edition:
    """Rendering helpers for one study in one language, exposed to templates."""

    def __init__(self, study: Study, language: str):
        self.study = study
        self.language = language
        self.dirs = template_dirs(study)
        self.translations = load_translations(self.dirs, language)
        self.gettext = self.translations.gettext
        self.markdown = MarkdownRenderer(self._cite, self.gettext("scenario assumption"))
        self.env = self._environment()

    def _environment(self) -> SandboxedEnvironment:
        env = SandboxedEnvironment(
            loader=ChoiceLoader([FileSystemLoader(str(d)) for d in self.dirs]),
            autoescape=select_autoescape(["html", "html.j2", "svg.j2"], default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.translations, newstyle=True)
        env.filters.update(t=self.text, md=self.block, mdi=self.inline, tone=self.tone, colon=self.colon)
        env.globals.update(study=self.study, lang=self.language)
        return env

    def text(self, value: Text | str | None) -> str:
        """Plain text of a field in this edition's language."""
        if value is None:
            return ""
        text = value.get(self.language, self.study.meta.language) if isinstance(value, Text) else str(value)
        return french_typography(text) if self.language.startswith("fr") else text

    def block(self, value: Text | str | None) -> Markup:
        return Markup(self.markdown.block(self.text(value), _origin(value)))

    def inline(self, value: Text | str | None) -> Markup:
        return Markup(self.markdown.inline(self.text(value), _origin(value)))

    def origin_of(self, url: str, base: Path) -> Origin | None:
        """Where the text that asked for `url` was written, if study text asked for it."""
        for src, origin in self.markdown.images.items():
            if urljoin(base.resolve().as_uri() + "/", src) == url:
                return origin
        return None

    def colon(self, label: str) -> str:
        """`label:` as the language writes it (French puts a no-break space before)."""
        return f"{label}{NO_BREAK_SPACE}:" if self.language.startswith("fr") else f"{label}:"

    def tone(self, scenario) -> str:
        """CSS class giving a scenario its colour; the baseline (first) is always grey."""
        return f"tone-{self.study.scenarios.index(scenario) % 8}"

    def _cite(self, source_id: str) -> str:
        source = self.study.source(source_id)
        if source is None:  # validation reports it; never render a broken reference
            return escape(f"[@{source_id}]")
        return f'<a class="citation" href="#source-{escape(source.id)}">({escape(source.citation)})</a>'

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)
