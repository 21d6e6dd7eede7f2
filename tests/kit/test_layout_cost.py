"""Issue 14.1: print CSS that WeasyPrint lays out cheaply, checked on the HTML and its computed styles only
(no layout, no PDF): the shipped study's documents (one workshop's and the study's own), in French.

- No flex nor grid box anywhere: WeasyPrint measures the min- and max-content width of every flex item,
  and of everything inside it (the covers were a flex column; the decks' cards were flex boxes).
- No style attribute on an element that holds other elements: WeasyPrint computes one style for all the
  elements that match the same rules under the same parent style, but an element with a style attribute
  gets one of its own, and so does every element inside it (the decks' cards and the capture grids'
  rows were placed so; positions and sizes are classes now).
- Tables in fixed layout, but for the few listed below whose columns are sized by their words (the
  automatic layout measures the min- and max-content width of every cell of such a table: a sixth of the
  facilitator guide's time went to its hypotheses tables).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import DEFAULT_OPTIONS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from tests.helpers import SHIPPED
from toolkit.kit.pdf import make_fetcher
from toolkit.kit.plan import plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import edition_documents, render_document
from toolkit.paths import TEMPLATE_ASSETS
from toolkit.study.load import load_study

WORKSHOP = "journee-complete"  # the shipped workshop with every method: worksheets, canvases, wheels, report

# Tables left to the automatic layout, by class: their columns follow their words, which change from one
# study, workshop or language to the next, and they are short (a few rows, one or two a document).
# Any other table is in fixed layout, its widths given by its first row or its columns.
CONTENT_SIZED = {
    "changes": "driver, baseline and scenario hypotheses: the hypotheses share the width by their length",
    "kit-contents": "the study's documents and file names",
    "profiles": "participant profiles and a count",
    "results-entry": "capture sheets, their YAML keys and fields",
    "results-ids": "names and their ids",
    "allocation": "groups, scenarios, personas, facilitators",
    "prints": "documents, copies, paper and why: fixed widths fitted to the French words changed the English checklist",
    "materials": "items, counts and the methods using them, different in every workshop",
    "agenda": "the report's agenda",
    "stats": "the report's rating statistics",
    "ratings-summary": "the report's ratings by scenario",
    "chart-data": "each chart's data table",
    "annex-ratings": "the annex's ratings by group",
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, tuple]:
    """Document path -> (its parsed HTML, WeasyPrint's style_for): each kind of document of the study and of one
    workshop (one group pack, each print mode of the decks)."""
    study = load_study(SHIPPED)
    out = tmp_path_factory.mktemp("layout-cost")
    edition = Edition(study, "fr")
    plan = plan_kit(study, "fr", out, edition.gettext, [w for w in study.workshops if w.id == WORKSHOP])
    fetcher = make_fetcher([d / TEMPLATE_ASSETS for d in edition.dirs])
    styled, kinds = {}, set()
    for item in edition_documents(plan):
        kind = (item.planned.artefact.id, item.planned.context.get("mode"))  # one group pack, every deck mode
        if kind in kinds:
            continue
        kinds.add(kind)
        html = HTML(string=render_document(edition, plan, item), base_url=Path(out).as_uri() + "/",
                    url_fetcher=fetcher)
        context = Document._build_layout_context(html, FontConfiguration(), CounterStyle(), {},
                                                 dict(DEFAULT_OPTIONS))  # the cascade alone, no layout
        styled[item.pdf_path] = (html, context.style_for)
    assert any(path.startswith(WORKSHOP + "/") for path in styled) and "guide-animation.pdf" in styled
    return styled


def _elements(html):
    return html.etree_element.iter()


def test_no_flex_nor_grid_box(documents):
    for path, (html, style_for) in documents.items():
        for element in _elements(html):
            style = style_for(element)
            if style is None:
                continue
            display = " ".join(style["display"])
            assert "flex" not in display and "grid" not in display, \
                f"{path}: <{element.tag} class={element.get('class')!r}> is {display}"


def test_no_style_attribute_on_an_element_holding_others(documents):
    for path, (html, _) in documents.items():
        for element in _elements(html):
            if element.get("style") is not None:
                assert len(element) == 0, \
                    f"{path}: <{element.tag} class={element.get('class')!r} style={element.get('style')!r}> " \
                    "holds other elements: a class would let them share their styles"


def test_tables_in_fixed_layout_unless_sized_by_their_words(documents):
    automatic = set()
    for path, (html, style_for) in documents.items():
        for element in _elements(html):
            if element.tag != "table":
                continue
            classes = set((element.get("class") or "").split())
            if style_for(element)["table_layout"] != "fixed" and not classes & CONTENT_SIZED.keys():
                automatic.add(f"{path}: table.{'.'.join(sorted(classes))}")
    assert not automatic, sorted(automatic)
