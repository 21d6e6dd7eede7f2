"""Stage 4, render HTML: one sandboxed Jinja environment per kit edition.

Neither study data nor a study's own templates are trusted (docs/security.md). Data reaches
templates only as values: autoescape is on, undefined names fail loudly, text goes through
the safe Markdown renderer, and the sandbox (`toolkit.kit.sandbox`) keeps every template
away from paths, modules and internals, and bounds its rendering.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import BytecodeCache, ChoiceLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup

from toolkit.kit import layout, logistics, sheets, typography, wording
from toolkit.kit.baseline import BaselineFigure, baseline_figures
from toolkit.kit.i18n import load_translations
from toolkit.kit.markdown import MarkdownRenderer
from toolkit.kit.sandbox import ConfinedLoader, DataSandbox, render_bounded, template_error
from toolkit.language import formats_of, language_name
from toolkit.paths import template_dirs
from toolkit.study.model import (
    DEFAULT_LANGUAGE,
    STANDARD_EDITION,
    Origin,
    ScheduledActivity,
    Study,
    Text,
    Workshop,
    activity_personas,
    activity_scenarios,
    clock_minutes,
    clock_text,
    group_scenarios,
)
from toolkit.study.wording import fill


def _mm(value: float) -> str:
    """A length for CSS, in millimetres, precise to a micrometre."""
    return f"{value:.3f}mm"


def _clock_minus(clock: str, minutes: int) -> str:
    return clock_text(clock_minutes(clock) - minutes)


def _origin(value: Text | str | None) -> Origin | None:
    return value.origin if isinstance(value, Text) else None


@dataclass(frozen=True)
class KitTerritory:
    """The territory of a co-branded kit as templates see it: values only, its logo as the address a document
    of the kit gives it (every folder of a kit has its copy of the study's assets/), never a path on disk."""

    id: str
    name: str
    kind: Text
    organisation: str
    logo: str | None = None  # "assets/logos/x.svg"
    contact: str | None = None
    partners: tuple[str, ...] = field(default_factory=tuple)


def kit_territory(study: Study, territory: str | None) -> KitTerritory | None:
    """The `territory` global of a kit: None in the study's own kit."""
    if territory is None:
        return None
    found = study.territories[territory]
    logo = found.logo.relative_to(study.folder).as_posix() if found.logo else None
    return KitTerritory(found.id, found.name, found.kind, found.organisation, logo, found.contact,
                        tuple(found.partners))


def css_string(value: str) -> Markup:
    """A CSS string literal of `value` (in double quotes), safe inside a <style> element: every character but
    letters, digits, spaces and common punctuation is written as a CSS escape."""
    safe = set(" .,;:!?'()-_")
    escaped = "".join(char if char.isalnum() or char in safe else f"\\{ord(char):x} " for char in value)
    return Markup(f'"{escaped}"')


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, for every Edition: a batch of territory kits (and a kit's editions)
    renders the same templates once per kit, and each Edition has an environment of its own (its catalogue, its
    study), so without this each kit compiled every template again (about a second per kit). Jinja checks each
    entry against the checksum of the template's source, so an edited or overridden template is compiled anew;
    an entry is keyed by the template's name and file, so the cache holds at most one code per template file.
    Every Edition's environment compiles with the same settings (`Edition._environment`), which the shared code
    requires."""

    def __init__(self) -> None:
        self._codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


class Edition:
    """Rendering helpers for one study in one language, exposed to templates.

    `kind` is the edition for its readers: the standard one, large print or easy to read
    (`toolkit.study.model.EDITIONS`); templates read it as `edition_kind` (base.html.j2 adds
    the edition's CSS layer, `css/edition-<kind>.css`). `territory` (an id of `study.territories`)
    makes a territory's co-branded kit: templates read it as `territory` (`KitTerritory`, None in the
    study's own kit).
    """

    def __init__(self, study: Study, language: str, kind: str = STANDARD_EDITION, territory: str | None = None):
        self.study = study
        self.language = language
        self.kind = kind
        self.territory = kit_territory(study, territory)
        self.dirs = template_dirs(study.folder)
        self.translations = load_translations(self.dirs, language)
        self.gettext = self.translations.gettext
        self.markdown = MarkdownRenderer(self._cite, self.gettext("scenario assumption"))
        self._figures: dict[str | None, list[BaselineFigure]] = {}
        self.env = self._environment()

    def _environment(self) -> DataSandbox:
        env = DataSandbox(
            bytecode_cache=COMPILED_TEMPLATES,
            loader=ChoiceLoader([ConfinedLoader(d) for d in self.dirs]),
            autoescape=select_autoescape(["html", "html.j2", "svg.j2"], default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.translations, newstyle=True)
        env.filters.update(t=self.text, md=self.block, mdi=self.inline, tone=self.tone, colon=self.colon,
                           format_date=self.format_date, clock_minus=_clock_minus, mm=_mm, num=self.number,
                           signed=self.signed, quoted=self.quoted, words=self.words, lines=self.lines,
                           css_string=css_string)
        env.globals.update(study=self.study, lang=self.language, edition_kind=self.kind, wording=self.wording,
                           milestones=self.milestones, language_name=self.language_name,
                           baseline_figures=self.baseline_figures, territory=self.territory)
        env.globals.update(
            activity_scenarios=partial(activity_scenarios, self.study),
            activity_personas=partial(activity_personas, self.study),
            group_scenarios=partial(group_scenarios, self.study),
            capture_pages=partial(sheets.capture_pages, self.study),
            materials=lambda workshop: logistics.materials(self.study, workshop, self.language),
            copies=logistics.copies,
            decks=partial(logistics.decks, self.study, self.language),
            card_sheet=layout.card_sheet,
            card_pages=layout.card_pages,
            paper_css=layout.CSS_PAGE_SIZES,
            poster_paper=layout.POSTER_PAPER,
            bleed=layout.BLEED,
        )
        return env

    def _raw(self, value: Text | str | None) -> str:
        if value is None:
            return ""
        return value.get(self.language, self.study.meta.language) if isinstance(value, Text) else str(value)

    def text(self, value: Text | str | None) -> str:
        """Plain text of a field in this edition's language, with its typography (`toolkit.kit.typography`)."""
        return typography.text(self._raw(value), self.language)

    def lines(self, value: Text | str | None) -> list[str]:
        """An easy-to-read text one idea a line: a line per sentence (and per line break), each with its typography."""
        pieces = _SENTENCE_BREAK.split(self._raw(value))
        return [typography.text(piece.strip(), self.language) for piece in pieces if piece.strip()]

    # Markdown reads the text as written (a code span, a link's address stay as typed); the
    # document pass of `render` sets the typography of the HTML it gives.
    def block(self, value: Text | str | None) -> Markup:
        return Markup(self.markdown.block(self._raw(value), _origin(value)))

    def inline(self, value: Text | str | None) -> Markup:
        return Markup(self.markdown.inline(self._raw(value), _origin(value)))

    def wording(self, workshop: Workshop | None = None, item: ScheduledActivity | None = None) -> dict[str, str]:
        """The value of every placeholder of the method texts (`toolkit.study.wording`), for a workshop or none.

        Without a workshop (the study guide), `{period}` names the workshop itself and `{sheet}`
        the method's capture sheet in general; for an activity of a workshop, `{sheet}` is the
        code and title printed on that sheet ("la fiche F3 « Roue des futurs »").
        """
        meta = self.study.meta
        if workshop is None:
            period = wording.NO_PERIOD
        else:
            period = wording.PERIODS[wording.period_of_day(workshop.data.start, workshop.data.end)]
        values = {"horizon": str(meta.horizon), "period": self.gettext(period)}
        for name, default in wording.AUDIENCE_DEFAULTS.items():
            given = getattr(meta.audience, name)
            values[name] = given.get(self.language, meta.language) if given else self.gettext(default)
        values["sheet"] = self._sheet_words(workshop, item)
        return values

    def _sheet_words(self, workshop: Workshop | None, item: ScheduledActivity | None) -> str:
        sheets = [sheet for sheet in workshop.capture_sheets if sheet.item is item] if workshop and item else []
        if not sheets:
            return self.gettext("the capture sheet")
        names = [self.gettext("the sheet %(code)s %(title)s") % {"code": sheet.code,
                                                                   "title": self.quoted(self.text(sheet.capture.title))}
                 for sheet in sheets]
        return self.gettext(" and ").join(names)

    def words(self, value: Text | str | None, workshop: Workshop | None = None,
              item: ScheduledActivity | None = None) -> Text | None:
        """A method text with its placeholders filled for `workshop` (or none), ready for `t`, `md` or `mdi`."""
        if value is None:
            return None
        raw = value.get(self.language, self.study.meta.language) if isinstance(value, Text) else str(value)
        filled = Text({DEFAULT_LANGUAGE: fill(raw, self.wording(workshop, item))})
        filled.origin = _origin(value)
        return filled

    def milestones(self, workshop: Workshop) -> list[int]:
        """The years of a backcasting worksheet for `workshop`, from the horizon back to its year."""
        return wording.backcasting_years(workshop.data.date.year, self.study.meta.horizon)

    def baseline_figures(self, territory: str | None = None) -> list[BaselineFigure]:
        """The baseline's indicators in numbers (`toolkit.kit.baseline`), drawn once per edition: the booklet and
        every table's pack print the same charts."""
        if territory not in self._figures:
            self._figures[territory] = baseline_figures(self.study, self.language, self.translations, territory)
        return self._figures[territory]

    def origin_of(self, url: str, base: Path) -> Origin | None:
        """Where the text that asked for `url` was written, if study text asked for it."""
        for src, origin in self.markdown.images.items():
            if urljoin(base.resolve().as_uri() + "/", src) == url:
                return origin
        return None

    def number(self, value: float | None) -> str:
        """A number as the language writes it (3,5 in French), at most two decimals; – when missing."""
        if value is None:
            return "–"
        return format_decimal(value, format="#,##0.##", locale=formats_of(self.language))

    def signed(self, value: float | None) -> str:
        """A difference with its sign: +0,5, −1, 0."""
        if value is None:
            return "–"
        text = self.number(abs(value))
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)

    def language_name(self, code: str) -> str:
        """`French`, `anglais`: a language's name in the edition's language."""
        return language_name(code, formats_of(self.language))

    def format_date(self, value: datetime.date) -> str:
        return format_date(value, format="full", locale=formats_of(self.language))

    def quoted(self, text: str) -> str:
        """Text between the language's quotation marks: « » in French, “ ” otherwise; never twice."""
        return typography.quoted(text, self.language)

    def colon(self, label: str) -> str:
        """`label:` as the language writes it (French puts a no-break space before)."""
        return typography.colon(label, self.language)

    def tone(self, scenario) -> str:
        """CSS class giving a scenario its colour; the baseline (first) is always grey."""
        return f"tone-{self.study.scenarios.index(scenario) % 8}"

    def _cite(self, source_id: str) -> str:
        source = self.study.source(source_id)
        if source is None:  # validation reports it; never render a broken reference
            return escape(f"[@{source_id}]")
        return f'<a class="citation" href="#source-{escape(source.id)}">({escape(source.citation)})</a>'

    def render(self, template: str, **context) -> str:
        """Render a template of the lookup chain, bounded; a template error is a located BuildError."""
        try:
            loaded = self.env.get_template(template)
        except TemplateError as error:
            raise template_error(error, template) from None
        html = _unlink_absent_sources(render_bounded(loaded, context))
        return typography.html(html, self.language)  # the one place every text of a document passes


_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[ \t]+(?=\S)|\s*\n\s*")  # after a sentence's end, or at a line break
_CITATION_LINK = re.compile(r'<a class="citation" href="#source-([^"]+)">(.*?)</a>')
_SOURCE_ANCHOR = re.compile(r'id="source-([^"]+)"')


def _unlink_absent_sources(html: str) -> str:
    """Citations stay plain text in a document without the sources they would link to (a card deck).

    A citation links to its entry in the document's sources list; where the document has none,
    the link would point nowhere (and WeasyPrint says so), so it becomes a span.
    """
    listed = set(_SOURCE_ANCHOR.findall(html))  # once, not a scan of the document per citation

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in listed else f'<span class="citation">{match.group(2)}</span>'

    return _CITATION_LINK.sub(replace, html)
