"""Charts of the synthesis report: vector SVG drawn by matplotlib, readable in black and white.

Each chart is deterministic (fixed hash salt, no date), keeps its text as text (so it is
searchable and read aloud), carries a <title> and a <desc>, and comes with the data table
the report prints beside it. Labels come from study text: mathtext is switched off so that
a '$' in a title is only a dollar sign.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from toolkit.synthesis.analysis import RATING_SCALE, ActionResult, ImpactCell, ScenarioRatings

SVG_NS = "http://www.w3.org/2000/svg"
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "prospective-toolkit",
    "text.parse_math": False,
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
IMPACT_SYMBOLS = {"grows": "↑", "shrinks": "↓", "transforms": "↻", "appears": "✚"}
VERDICT_SYMBOLS = {"works": "+", "mixed": "0", "fails": "−"}  # as on the sheet
GREYS = {"works": "#d9d9d9", "mixed": "#f2f2f2", "fails": "#ffffff"}


@dataclass
class Chart:
    """An SVG chart, its text alternative, and the rows of its data table."""

    id: str
    title: str
    description: str
    svg: str
    header: list
    rows: list[list]  # text or numbers (the template formats numbers for the language)


def _svg(figure, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(_prefix_ids(buffer.getvalue(), chart_id))
    for element in root.iter():  # WeasyPrint reads SVG presentation properties as attributes
        _style_to_attributes(element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    desc = ET.Element(f"{{{SVG_NS}}}desc", id=f"{chart_id}-desc")
    desc.text = description
    title_element = ET.Element(f"{{{SVG_NS}}}title", id=f"{chart_id}-title")
    title_element.text = title
    root.insert(0, desc)
    root.insert(0, title_element)
    for attribute in ("width", "height"):  # let the page's CSS size the chart
        root.attrib.pop(attribute, None)
    return ET.tostring(root, encoding="unicode")


def _style_to_attributes(element: ET.Element) -> None:
    """Move `fill`, `stroke`, `text-anchor`... from the style attribute to attributes; keep `font` styles."""
    style = element.get("style")
    if not style:
        return
    kept = []
    for declaration in filter(None, (part.strip() for part in style.split(";"))):
        name, _, value = declaration.partition(":")
        if name.strip().startswith("font"):
            kept.append(declaration)
        else:
            element.set(name.strip(), value.strip())
    if kept:
        element.set("style", "; ".join(kept))
    else:
        del element.attrib["style"]


def _prefix_ids(svg: str, prefix: str) -> str:
    """matplotlib numbers its ids per file: prefix them, so several charts can share one page."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def rating_map(ratings: list[ScenarioRatings], labels: dict[str, str], texts: dict[str, str]) -> Chart:
    """Scenarios placed by median probability (x) and desirability (y), quartile bars, baseline a square.

    Points carry the scenarios' card codes (S1, S2...): names would run into each other; the
    data table beside the chart gives code, name and values.
    """
    codes = {row.scenario.id: f"S{index}" for index, row in enumerate(ratings, start=1)}
    with rc_context(STYLE):
        figure = Figure(figsize=(6.4, 5.0))
        axes = figure.subplots()
        rows = []
        placed = [r for r in ratings if r.probability.median is not None and r.desirability.median is not None]
        spots = Counter((r.probability.median, r.desirability.median) for r in placed)
        seen: Counter = Counter()
        for row in placed:
            p, d = row.probability, row.desirability
            spot = (p.median, d.median)
            shift = (seen[spot] - (spots[spot] - 1) / 2) * 0.12  # scenarios on the same spot sit side by side
            labels_above = seen[spot]
            seen[spot] += 1
            baseline = row.scenario.data.baseline
            x = p.median + shift
            axes.errorbar(x, d.median, xerr=[[p.median - p.q1], [p.q3 - p.median]],
                          yerr=[[d.median - d.q1], [d.q3 - d.median]], fmt="s" if baseline else "o",
                          color="black", markerfacecolor="black" if baseline else "white", markersize=9,
                          capsize=3, linewidth=0.8)
            axes.annotate(codes[row.scenario.id], (x, d.median), xytext=(6, 5 + 11 * labels_above),
                          textcoords="offset points", fontsize=9, fontweight="bold")
            rows.append([f"{codes[row.scenario.id]} {labels[row.scenario.id]}", p.median, d.median, p.n])
        axes.set_xlim(0.5, 5.5)
        axes.set_ylim(0.5, 5.5)
        axes.set_xticks(RATING_SCALE)
        axes.set_yticks(RATING_SCALE)
        axes.set_xlabel(texts["probability"])
        axes.set_ylabel(texts["desirability"])
        axes.axhline(3, color="#999999", linewidth=0.5, linestyle="--")
        axes.axvline(3, color="#999999", linewidth=0.5, linestyle="--")
        svg = _svg(figure, "chart-map", texts["map_title"], texts["map_desc"])
    return Chart("chart-map", texts["map_title"], texts["map_desc"], svg,
                 [texts["scenario"], texts["probability"], texts["desirability"], texts["n"]], rows)


def distribution(row: ScenarioRatings, label: str, texts: dict[str, str]) -> Chart:
    """Counts of each rating, probability (hatched) beside desirability (solid)."""
    chart_id = f"chart-dist-{row.scenario.id}"
    with rc_context(STYLE):
        figure = Figure(figsize=(5.2, 2.2))
        axes = figure.subplots()
        positions = list(RATING_SCALE)
        width = 0.38
        axes.bar([x - width / 2 for x in positions], row.probability.distribution, width, color="white",
                 edgecolor="black", hatch="///", label=texts["probability"])
        axes.bar([x + width / 2 for x in positions], row.desirability.distribution, width, color="#555555",
                 edgecolor="black", label=texts["desirability"])
        axes.set_xticks(positions)
        axes.set_ylabel(texts["people"])
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(frameon=False, fontsize=8)
        title = texts["dist_title"].format(scenario=label)
        svg = _svg(figure, chart_id, title, texts["dist_desc"].format(scenario=label))
    rows = [[texts["probability"], *row.probability.distribution],
            [texts["desirability"], *row.desirability.distribution]]
    return Chart(chart_id, title, texts["dist_desc"].format(scenario=label), svg,
                 ["", *RATING_SCALE], rows)


def impact_grid(impacts: dict[str, dict[str, ImpactCell]], professions: dict[str, str],
                scenarios: dict[str, str], texts: dict[str, str]) -> Chart:
    """Professions (rows) by scenarios (columns): the change most groups named, as a symbol."""
    names = list(professions)
    columns = list(scenarios)
    with rc_context(STYLE):
        figure = Figure(figsize=(7.0, 0.45 * len(names) + 1.2))
        axes = figure.subplots()
        rows = []
        for y, profession in enumerate(names):
            row = [professions[profession]]
            for x, scenario in enumerate(columns):
                cell = impacts[profession][scenario]
                symbol = IMPACT_SYMBOLS.get(cell.dominant or "", "·" if cell.total else "")
                _grid_cell(axes, x, y, "#d9d9d9" if cell.total else "white", symbol)
                row.append(_impact_text(cell, texts))
            rows.append(row)
        _grid_labels(axes, [scenarios[s] for s in columns], [professions[p] for p in names], len(columns))
        svg = _svg(figure, "chart-impacts", texts["impacts_title"], texts["impacts_desc"])
    return Chart("chart-impacts", texts["impacts_title"], texts["impacts_desc"], svg,
                 [texts["profession"], *[scenarios[s] for s in columns]], rows)


def robustness_matrix(actions: list[ActionResult], scenarios: dict[str, str], texts: dict[str, str],
                      groups: dict[str, str]) -> Chart:
    """Actions (rows) by scenarios (columns): + works, 0 mixed, − fails; the class in the last column.

    An action is named as its table wrote it: the table's name and the line of the sheet
    (« Table A · 2 »), never the ids of the results file.
    """
    columns = list(scenarios)
    names = _action_names(actions, groups)
    with rc_context(STYLE):
        figure = Figure(figsize=(7.0, 0.3 * len(actions) + 1.4))
        axes = figure.subplots()
        rows = []
        for y, result in enumerate(actions):
            row = [names[y]]
            for x, scenario in enumerate(columns):
                verdict = result.verdicts.get(scenario)
                _grid_cell(axes, x, y, GREYS.get(verdict or "", "white"), VERDICT_SYMBOLS.get(verdict or "", ""))
                row.append(texts.get(verdict or "", ""))
            klass = texts.get(result.robustness or "untested", "")
            axes.text(len(columns) + 0.15, y + 0.5, klass, ha="left", va="center", fontsize=8)
            rows.append([*row, klass])
        _grid_labels(axes, [scenarios[s] for s in columns], names, len(columns) + 2.2)
        svg = _svg(figure, "chart-robustness", texts["robustness_title"], texts["robustness_desc"])
    return Chart("chart-robustness", texts["robustness_title"], texts["robustness_desc"], svg,
                 [texts["action"], *[scenarios[s] for s in columns], texts["class"]], rows)


def _grid_cell(axes, x: int, y: int, shade: str, symbol: str) -> None:
    axes.add_patch(Rectangle((x, y), 1, 1, facecolor=shade, edgecolor="black", linewidth=0.5))
    axes.text(x + 0.5, y + 0.5, symbol, ha="center", va="center", fontsize=12)


def _grid_labels(axes, columns: list[str], rows: list[str], width: float) -> None:
    """A table-like chart: one unit square per cell, labels on the left and slanted on the bottom."""
    axes.set_xlim(0, width)
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))], columns, rotation=25, ha="right", fontsize=8)
    axes.set_yticks([y + 0.5 for y in range(len(rows))], rows, fontsize=8)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _impact_text(cell: ImpactCell, texts: dict[str, str]) -> str:
    return ", ".join(f"{texts[change]} {count}" for change, count in cell.counts.items() if count)


def _action_names(actions: list[ActionResult], groups: dict[str, str]) -> list[str]:
    """« Table A · 1 », « Table A · 2 »…: each action by its table and its rank among that table's."""
    seen: dict[str, int] = {}
    names = []
    for result in actions:
        seen[result.group] = seen.get(result.group, 0) + 1
        names.append(f"{groups.get(result.group, result.group)} · {seen[result.group]}")
    return names
