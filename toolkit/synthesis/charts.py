"""Charts of the synthesis report: vector SVG drawn by matplotlib, readable in black and white.

Each chart is deterministic (fixed hash salt, no date), keeps its text as text (so it is
searchable and read aloud), carries a <title> and a <desc>, and comes with the data table
the report prints beside it. Labels come from study text: mathtext is switched off so that
a '$' in a title is only a dollar sign.
"""

from __future__ import annotations

import io
import re
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

# matplotlib is imported inside the functions that draw: it takes a second to load, and a build that
# draws no chart (a no-op rebuild, a kit without results) never pays it.
from toolkit.synthesis.analysis import RATING_SCALE, ActionResult, ImpactCell, ScenarioRatings

SVG_NS = "http://www.w3.org/2000/svg"
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "prospective-toolkit",
    "text.parse_math": False,
    "font.family": ["Open Sans", "DejaVu Sans"],  # the kit's text font; DejaVu for the symbols it lacks (↑ ↓ ↻ ✚)
    "font.size": 9,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
IMPACT_SYMBOLS = {"grows": "↑", "shrinks": "↓", "transforms": "↻", "appears": "✚"}
VERDICT_SYMBOLS = {"works": "+", "mixed": "0", "fails": "−"}  # as on the sheet
GREYS = {"works": "#d9d9d9", "mixed": "#f2f2f2", "fails": "#ffffff"}
LABEL_SIZE = 8.5  # the smallest text of a chart, in points: the SVG is printed at its own size (scale 1)
MAX_WIDTH_PT = 480  # the report's text column (A4 less the margins, 172 mm = 487 pt): no chart is wider
ACTION_CHARS = 44  # an action's text, shortened to this many characters on the robustness chart


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
    _simplify(root)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    desc = ET.Element(f"{{{SVG_NS}}}desc", id=f"{chart_id}-desc")
    desc.text = description
    title_element = ET.Element(f"{{{SVG_NS}}}title", id=f"{chart_id}-title")
    title_element.text = title
    root.insert(0, desc)
    root.insert(0, title_element)
    # width and height stay (in pt): the page prints the chart at its own size, so its text keeps the size it
    # was drawn at (LABEL_SIZE and above); every chart is drawn narrower than the text column (MAX_WIDTH_PT)
    return ET.tostring(root, encoding="unicode")


def _style_to_attributes(element: ET.Element) -> None:
    """Move `fill`, `stroke`, `text-anchor`, `font-size`... from the style attribute to attributes."""
    style = element.get("style")
    if not style:
        return
    for declaration in filter(None, (part.strip() for part in style.split(";"))):
        name, _, value = declaration.partition(":")
        element.set(name.strip(), value.strip())
    del element.attrib["style"]


# matplotlib's sheet, `*{stroke-linejoin: round; stroke-linecap: butt}`: a rule, so it wins over every element's
# own joins and caps; the same once on the root, inherited by every element that sets none
_ROOT_STROKE = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
_IDENTITY_ROTATION = re.compile(r"rotate\(-?0 [-\d.e]+ [-\d.e]+\)")


def _simplify(root: ET.Element) -> None:
    """The same drawing in fewer nodes, for WeasyPrint to parse, cascade and draw.

    An inline SVG is part of the HTML page: WeasyPrint parses its every node, gives each a CSS style, takes its
    <style> for a sheet of the whole page (matched against every element of the report), then walks it again
    to draw it. So: no RDF metadata; no <style> (its rule, on the root); no group that only carries an id
    nothing refers to (its children take its place); the font family once on the root; no `rotate(-0 …)`.
    """
    metadata = root.find(f"{{{SVG_NS}}}metadata")
    if metadata is not None:
        root.remove(metadata)
    for defs in root.findall(f"{{{SVG_NS}}}defs"):
        for style in defs.findall(f"{{{SVG_NS}}}style"):
            defs.remove(style)
        if not len(defs):
            root.remove(defs)
    for element in root.iter():
        for name in _ROOT_STROKE:
            element.attrib.pop(name, None)
        if _IDENTITY_ROTATION.fullmatch(element.get("transform", "")):
            del element.attrib["transform"]
    root.attrib.update(_ROOT_STROKE)
    texts = list(root.iter(f"{{{SVG_NS}}}text"))
    families = {text.get("font-family") for text in texts}
    if len(families) == 1 and None not in families:
        root.set("font-family", families.pop())
        for text in texts:
            del text.attrib["font-family"]
    _unclip(root)
    referred = set(re.findall(r"#([^)\s\"]+)", ET.tostring(root, encoding="unicode")))
    _unwrap_groups(root, referred)


_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_CLIP_MARGIN = 1.0  # points kept between a drawing and the edge of its clip: what is further in needs no clip


def _unclip(root: ET.Element) -> None:
    """Drop the clip (matplotlib clips all it draws to the axes) of what lies well inside it, strokes included:
    a clip that cuts nothing draws nothing, and WeasyPrint pays each one a path and a change of state."""
    clips = {}
    for clip in root.iter(f"{{{SVG_NS}}}clipPath"):
        rects = list(clip)
        if len(rects) == 1 and rects[0].tag == f"{{{SVG_NS}}}rect" and not rects[0].get("transform"):
            x, y, width, height = (float(rects[0].get(name, 0)) for name in ("x", "y", "width", "height"))
            clips[clip.get("id")] = (x, y, x + width, y + height)
    paths = {path.get("id"): path for path in root.iter(f"{{{SVG_NS}}}path") if path.get("id")}
    for element in root.iter():
        match = re.fullmatch(r"url\(#([^)]+)\)", element.get("clip-path", ""))
        if not match or match.group(1) not in clips:
            continue
        extent = _extent(element, paths)
        left, top, right, bottom = clips[match.group(1)]
        if extent and (extent[0] >= left + _CLIP_MARGIN and extent[1] >= top + _CLIP_MARGIN
                       and extent[2] <= right - _CLIP_MARGIN and extent[3] <= bottom - _CLIP_MARGIN):
            del element.attrib["clip-path"]


def _extent(element: ET.Element, paths: dict[str, ET.Element]) -> tuple[float, float, float, float] | None:
    """The box a <path>, or a <g> of <use> of paths, may paint, its widest stroke included (a curve's control
    points too, so the box is never too small); None when it cannot tell."""
    if element.tag == f"{{{SVG_NS}}}path" and not element.get("transform"):
        return _path_extent(element.get("d", ""), [element])
    if element.tag != f"{{{SVG_NS}}}g" or element.get("transform") or not len(element):
        return None
    boxes = []
    for use in element:
        target = paths.get(use.get(_XLINK_HREF, "").removeprefix("#"))
        if use.tag != f"{{{SVG_NS}}}use" or target is None or use.get("transform") or target.get("transform"):
            return None
        box = _path_extent(target.get("d", ""), [element, use, target])
        if box is None:
            return None
        dx, dy = float(use.get("x", 0)), float(use.get("y", 0))
        boxes.append((box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _path_extent(d: str, styled: list[ET.Element]) -> tuple[float, float, float, float] | None:
    """The box of a path of absolute moves, lines and curves (what matplotlib writes), widened by half the
    widest stroke any of `styled` asks for (1 when none says)."""
    if not d or re.search(r"[^MLCQZz\d\s.,eE+-]", d):
        return None
    numbers = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", d)]
    if not numbers or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    half = max([float(e.get("stroke-width", 1)) for e in styled] + [1.0]) / 2
    return (min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half)


def _unwrap_groups(parent: ET.Element, referred: set[str]) -> None:
    """Put in place of each <g> that has no attribute but an id nothing refers to its children."""
    children = []
    for child in parent:
        _unwrap_groups(child, referred)
        if child.tag == f"{{{SVG_NS}}}g" and set(child.attrib) <= {"id"} and child.get("id") not in referred:
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


def _prefix_ids(svg: str, prefix: str) -> str:
    """matplotlib numbers its ids per file: prefix them, so several charts can share one page."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def scenario_names(ratings: list[ScenarioRatings], labels: dict[str, str], texts: dict[str, str]) -> dict[str, str]:
    """Each scenario as the rest of the kit numbers it: the baseline by its title, the others « Scénario 1 »,
    « Scénario 2 »… in the study's order, followed by their title."""
    names, number = {}, 0
    for row in ratings:
        if row.scenario.data.baseline:
            names[row.scenario.id] = labels[row.scenario.id]
        else:
            number += 1
            names[row.scenario.id] = f"{texts['scenario']} {number}\n{labels[row.scenario.id]}"
    return names


def rating_map(ratings: list[ScenarioRatings], labels: dict[str, str], texts: dict[str, str]) -> Chart:
    """Scenarios placed by median probability (x) and desirability (y), quartile bars, baseline a square.

    Each point carries its scenario's name (« Scénario 2 » and its title; the baseline its title), placed
    beside the point where it overlaps no other name and no other point (`_place_labels`).
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    names = scenario_names(ratings, labels, texts)
    with rc_context(STYLE):
        figure = Figure(figsize=(6.2, 5.0))
        axes = figure.subplots()
        rows = []
        placed = [r for r in ratings if r.probability.median is not None and r.desirability.median is not None]
        spots = Counter((r.probability.median, r.desirability.median) for r in placed)
        seen: Counter = Counter()
        points, bars = [], []
        for row in placed:
            p, d = row.probability, row.desirability
            spot = (p.median, d.median)
            shift = (seen[spot] - (spots[spot] - 1) / 2) * 0.12  # scenarios on the same spot sit side by side
            seen[spot] += 1
            baseline = row.scenario.data.baseline
            x = p.median + shift
            axes.errorbar(x, d.median, xerr=[[p.median - p.q1], [p.q3 - p.median]],
                          yerr=[[d.median - d.q1], [d.q3 - d.median]], fmt="s" if baseline else "o",
                          color="black", markerfacecolor="black" if baseline else "white", markersize=9,
                          capsize=3, linewidth=0.8, zorder=4)
            points.append(((x, d.median), names[row.scenario.id]))
            bars.append(((p.q1 + shift, d.median), (p.q3 + shift, d.median)))
            bars.append(((x, d.q1), (x, d.q3)))
        for row in ratings:
            p, d = row.probability, row.desirability
            rows.append([names[row.scenario.id].replace("\n", " · "), p.median, d.median, p.n])
        axes.set_xlim(0.5, 5.5)
        axes.set_ylim(0.5, 5.5)
        axes.set_xticks(RATING_SCALE)
        axes.set_yticks(RATING_SCALE)
        axes.set_xlabel(texts["probability"])
        axes.set_ylabel(texts["desirability"])
        axes.axhline(3, color="#999999", linewidth=0.5, linestyle="--")
        axes.axvline(3, color="#999999", linewidth=0.5, linestyle="--")
        _place_labels(figure, axes, points, bars)
        svg = _svg(figure, "chart-map", texts["map_title"], texts["map_desc"])
    return Chart("chart-map", texts["map_title"], texts["map_desc"], svg,
                 [texts["scenario"], texts["probability"], texts["desirability"], texts["n"]], rows)


# Where a point's name may go, in order of preference: nearest first, right, left, above, below, then the
# diagonals; (dx, dy) in points from the point, and the text's alignment there
_DIRECTIONS = [(1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
               (0, -1, "center", "top"), (1, 1, "left", "bottom"), (1, -1, "left", "top"),
               (-1, 1, "right", "bottom"), (-1, -1, "right", "top")]
_SPOTS = [(round(dx * distance * (0.8 if dx and dy else 1)), round(dy * distance * (0.8 if dx and dy else 1)), ha, va)
          for distance in (9, 24, 42, 62, 85) for dx, dy, ha, va in _DIRECTIONS]
LEADER = 20  # a name further than this (in points) from its point is tied to it by a thin line


def _place_labels(figure, axes, points: list[tuple[tuple[float, float], str]], bars: list) -> None:
    """Name each point beside it: the first spot of _SPOTS where the name stays inside the plot and overlaps
    neither a name already placed, nor a point, nor a quartile bar (measured on the drawn text, so it holds
    for any name)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox
    renderer = FigureCanvasAgg(figure).get_renderer()
    pixels = figure.dpi / 72
    inside = axes.get_window_extent(renderer).padded(-3 * pixels)  # off the axes' lines too
    half = 6 * pixels  # a marker's half width
    taken = []
    for (x, y), _ in points:
        cx, cy = axes.transData.transform((x, y))
        taken.append(Bbox.from_extents(cx - half, cy - half, cx + half, cy + half))
    for start, end in bars:
        (x0, y0), (x1, y1) = axes.transData.transform([start, end])
        taken.append(Bbox.from_extents(min(x0, x1) - pixels, min(y0, y1) - pixels,
                                       max(x0, x1) + pixels, max(y0, y1) + pixels))
    for (x, y), name in points:
        first = None
        for dx, dy, ha, va in _SPOTS:
            label = _name(axes, name, (x, y), dx, dy, ha, va)
            label.update_positions(renderer)
            box = Text.get_window_extent(label, renderer)  # the words only, not the line to the point
            fits = inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
            if fits and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            if fits and first is None:
                first = (dx, dy, ha, va)
            label.remove()
        else:  # nowhere free: the first spot inside the plot, as good as it gets
            _name(axes, name, (x, y), *(first or _SPOTS[0]))


def _name(axes, name: str, point: tuple[float, float], dx: int, dy: int, ha: str, va: str):
    """A point's name at (dx, dy) points from it, on a white ground under the points and bars, tied to the
    point by a thin line when it is far."""
    leader = {"arrowstyle": "-", "color": "#555555", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 5}
    return axes.annotate(name, point, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                         fontsize=LABEL_SIZE, linespacing=1.15, zorder=3,
                         arrowprops=leader if max(abs(dx), abs(dy)) > LEADER else None,
                         bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"})


def distribution(row: ScenarioRatings, label: str, texts: dict[str, str]) -> Chart:
    """Counts of each rating, probability (hatched) beside desirability (solid)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
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
        axes.legend(frameon=False, fontsize=LABEL_SIZE)
        title = texts["dist_title"].format(scenario=label)
        svg = _svg(figure, chart_id, title, texts["dist_desc"].format(scenario=label))
    rows = [[texts["probability"], *row.probability.distribution],
            [texts["desirability"], *row.desirability.distribution]]
    return Chart(chart_id, title, texts["dist_desc"].format(scenario=label), svg,
                 ["", *RATING_SCALE], rows)


def impact_grid(impacts: dict[str, dict[str, ImpactCell]], professions: dict[str, str],
                scenarios: dict[str, str], texts: dict[str, str]) -> Chart:
    """Professions (rows) by scenarios (columns): the change most groups named, as a symbol."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    names = list(professions)
    columns = list(scenarios)
    with rc_context(STYLE):
        wrapped = [_wrap(professions[p], 36) for p in names]
        figure = Figure(figsize=(6.4, 0.3 * sum(1 + name.count("\n") * 0.4 for name in wrapped) + 1.3))
        figure.subplots_adjust(left=0.42, right=0.97, top=0.98, bottom=1.1 / figure.get_figheight())
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
        _grid_labels(axes, [scenarios[s] for s in columns], wrapped, len(columns))
        svg = _svg(figure, "chart-impacts", texts["impacts_title"], texts["impacts_desc"])
    return Chart("chart-impacts", texts["impacts_title"], texts["impacts_desc"], svg,
                 [texts["profession"], *[scenarios[s] for s in columns]], rows)


def robustness_matrix(actions: list[ActionResult], scenarios: dict[str, str], texts: dict[str, str],
                      groups: dict[str, str], action_texts: list[str]) -> Chart:
    """Actions (rows) by scenarios (columns): + works, 0 mixed, − fails; the class in the last column.

    An action is named by its text (`action_texts`, in the edition's language), shortened on the chart
    (`short_text`); the data table gives it whole, with the table that proposed it.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    columns = list(scenarios)
    names = short_texts(action_texts)
    with rc_context(STYLE):
        figure = Figure(figsize=(6.1, 0.24 * len(actions) + 1.5))
        figure.subplots_adjust(left=0.45, right=0.99, top=0.98, bottom=1.3 / figure.get_figheight())
        axes = figure.subplots()
        rows = []
        for y, result in enumerate(actions):
            row = [f"{action_texts[y]} ({groups.get(result.group, result.group)})"]
            for x, scenario in enumerate(columns):
                verdict = result.verdicts.get(scenario)
                _grid_cell(axes, x, y, GREYS.get(verdict or "", "white"), VERDICT_SYMBOLS.get(verdict or "", ""))
                row.append(VERDICT_SYMBOLS.get(verdict or "", ""))
            klass = texts.get(result.robustness or "untested", "")
            axes.text(len(columns) + 0.15, y + 0.5, klass, ha="left", va="center", fontsize=LABEL_SIZE)
            rows.append([*row, klass])
        _grid_labels(axes, [scenarios[s] for s in columns], names, len(columns) + 2.4)
        svg = _svg(figure, "chart-robustness", texts["robustness_title"], texts["robustness_desc"])
    return Chart("chart-robustness", texts["robustness_title"], texts["robustness_desc"], svg,
                 [texts["action"], *[scenarios[s] for s in columns], texts["class"]], rows)


def short_text(text: str, limit: int = ACTION_CHARS) -> str:
    """A text cut after its last whole word within `limit` characters, with « … » when it was cut."""
    words = " ".join(text.replace("*", "").split())
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:.«")
    return f"{cut}…"


def short_texts(texts: list[str], limit: int = ACTION_CHARS) -> list[str]:
    """Every text shortened; two that would read the same keep more words, until they differ."""
    short = [short_text(text, limit) for text in texts]
    for index, name in enumerate(short):
        longer = limit
        while short.count(name) > 1 and longer < len(texts[index]):
            longer += 12
            name = short_text(texts[index], longer)
        short[index] = name
    return short


def _grid_cell(axes, x: int, y: int, shade: str, symbol: str) -> None:
    from matplotlib.patches import Rectangle
    axes.add_patch(Rectangle((x, y), 1, 1, facecolor=shade, edgecolor="black", linewidth=0.5))
    axes.text(x + 0.5, y + 0.5, symbol, ha="center", va="center", fontsize=11)


def _grid_labels(axes, columns: list[str], rows: list[str], width: float) -> None:
    """A table-like chart: one unit square per cell, labels on the left and slanted on the bottom."""
    axes.set_xlim(0, width)
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))], columns, rotation=25, ha="right", fontsize=LABEL_SIZE,
                    rotation_mode="anchor")
    axes.set_yticks([y + 0.5 for y in range(len(rows))], rows, fontsize=LABEL_SIZE)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _wrap(text: str, width: int) -> str:
    """A label on lines of at most `width` characters, cut between words."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _impact_text(cell: ImpactCell, texts: dict[str, str]) -> str:
    return ", ".join(f"{texts[change]} {count}" for change, count in cell.counts.items() if count)


# The indicator chart (issue 15): a series and its baseline « si rien ne change », over plain values (years and
# numbers) so that it draws any projection, whoever computed it.
SCENARIO_MARKERS = ["D", "^", "v", "s", "P", "X", "<", ">"]  # one per scenario value, open, black edge
BAND_GREY = "#d9d9d9"  # the low-high band: a light grey, still a grey when printed in black and white


def indicator_chart(chart_id: str, title: str, unit: str, observed: list[tuple[int, float]],
                    projected: list[tuple[int, float]], horizon: int, texts: dict[str, str],
                    low: list[tuple[int, float]] = (), high: list[tuple[int, float]] = (),
                    scenarios: list[tuple[str, float]] = (), format_number=str, width_pt: float = MAX_WIDTH_PT,
                    height_pt: float = 200, label_size: float = LABEL_SIZE) -> Chart:
    """An indicator's observed values (a solid line with markers), its projection to the horizon (dashed, from
    the last observed point), the band of a published projection's low and high variants (light grey), and the
    value each contrasted scenario gives at the horizon (an open marker each, its name and value labelled as an
    assumption).

    The value at the horizon is written at the end of the dashed line; a thin vertical line at the last observed
    year has `texts["observed"]` on its left and `texts["projected"]` on its right. The y axis starts at 0
    (at 0 ends, when every value is negative), so that a growth is never drawn bigger than it is.

    Every word comes from `texts` (the caller translates): "year", "observed", "projected", "low", "high",
    "assumption", "band" (with a band), and the text alternative's sentences: "desc" ({first_year},
    {first_value}, {last_year}, {last_value}, {horizon}, {horizon_value}), "desc_band" ({year}, {low}, {high}),
    "desc_scenarios" ({horizon}, {assumption}, {values}) and "scenario_value" ({name}, {value}). Numbers are
    written by `format_number` followed by `unit`.

    The data table has a row per year (year, observed, projected, low, high; "" where none), then a row per
    scenario (« 2040 · name (assumption) », its value in the projected column).

    `label_size` (points) is the size of every word and number of the chart: a chart printed at its own size in a
    small fixed box (a card) may go down to 6.5 pt, still legible when printed.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    if not observed or not projected:
        raise ValueError("an indicator chart needs observed and projected values")
    low, high, scenarios = list(low), list(high), list(scenarios)

    def number(value: float) -> str:
        return format_number(int(value) if float(value).is_integer() else value)

    def amount(value: float) -> str:
        return f"{number(value)} {unit}".strip()

    last_year = observed[-1][0]
    at_horizon = projected[-1][1]
    band = _band(observed[-1], projected, low, high)
    values = [v for _, v in observed] + [v for _, v in projected] + [v for _, v in low + high] + \
        [v for _, v in scenarios]
    sizes = {"font.size": label_size + 0.5, "legend.fontsize": label_size, "xtick.labelsize": label_size,
             "ytick.labelsize": label_size}
    with rc_context({**STYLE, **sizes}):
        # savefig's tight box adds 0.1 inch around what is drawn, less the 3 pt the layout keeps at each edge
        figure = Figure(figsize=(width_pt / 72 - 0.15, height_pt / 72 - 0.15), layout="constrained")
        axes = figure.subplots()
        if band:
            years, bottom, top = band
            axes.fill_between(years, bottom, top, facecolor=BAND_GREY, edgecolor="#999999", linewidth=0.5,
                              label=texts["band"], zorder=1)
        axes.plot([y for y, _ in projected], [v for _, v in projected], color="black", linewidth=1.4,
                  linestyle=(0, (4, 2.5)), zorder=3)
        axes.plot([y for y, _ in observed], [v for _, v in observed], color="black", linewidth=1.4, marker="o",
                  markersize=3.5, zorder=4)
        for index, (_, value) in enumerate(scenarios):  # open shapes; the baseline's end, a black dot over them
            axes.plot([horizon], [value], linestyle="none", marker=SCENARIO_MARKERS[index % len(SCENARIO_MARKERS)],
                      markersize=5.5, markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.9,
                      zorder=5)
        axes.plot([projected[-1][0]], [at_horizon], linestyle="none", marker="o", markersize=4, color="black",
                  zorder=6)
        bottom_value, top_value = min(0.0, *values), max(0.0, *values)
        span = (top_value - bottom_value) or 1.0
        axes.set_ylim(bottom_value - (0.04 * span if bottom_value < 0 else 0),
                      top_value + (0.14 * span if top_value > 0 else 0))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
        first_year = observed[0][0]
        axes.set_xticks(_year_ticks(first_year, horizon))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: str(int(value))))
        axes.set_xlim(first_year - 0.5, horizon + 0.5)
        axes.axvline(last_year, color="#777777", linewidth=0.6, zorder=2)
        observed_label = _side_labels(axes, last_year, values, bottom_value, top_value, texts, label_size)
        axes.text(0, 1.02, unit, transform=axes.transAxes, ha="left", va="bottom", fontsize=label_size)
        if band:
            # above the plot, right: clear of the labels at the horizon, which stay inside it
            axes.legend(loc="lower right", bbox_to_anchor=(1, 1), borderaxespad=0.2, frameon=False,
                        fontsize=label_size, handlelength=1.6)
        labels = [(at_horizon, (number(at_horizon), unit))]
        labels += [(value, (texts["scenario_value"].format(name=name, value=number(value)),
                            f"({texts['assumption']})")) for name, value in scenarios]
        _horizon_labels(figure, axes, horizon, first_year, labels, label_size)
        _keep_inside(figure, axes, observed_label)
        description = _indicator_description(observed, at_horizon, horizon, band, scenarios, texts, amount)
        svg = _svg(figure, chart_id, title, description)
    header = [texts["year"], texts["observed"], texts["projected"], texts["low"], texts["high"]]
    columns = [dict(observed), dict(projected), dict(low), dict(high)]
    years = sorted(set().union(*columns))
    rows = [[year, *(column.get(year, "") for column in columns)] for year in years]
    rows += [[f"{horizon} · {name} ({texts['assumption']})", "", value, "", ""] for name, value in scenarios]
    return Chart(chart_id, title, description, svg, header, rows)


def _band(start: tuple[int, float], projected: list[tuple[int, float]], low: list[tuple[int, float]],
          high: list[tuple[int, float]]) -> tuple[list[float], list[float], list[float]] | None:
    """The band's years and its lower and upper edges, from the last observed point (where it is nil) to the
    last year both edges reach; an edge not given is the projection itself. None without low and high."""
    if not low and not high:
        return None

    def edge(points: list[tuple[int, float]]) -> list[tuple[int, float]]:
        return [start, *((year, value) for year, value in (points or projected) if year > start[0])]

    lower, upper = edge(low), edge(high)
    end = min(lower[-1][0], upper[-1][0])
    years = sorted({year for year, _ in lower + upper if year <= end})
    if len(years) < 2:
        return None
    return years, [_interpolate(lower, year) for year in years], [_interpolate(upper, year) for year in years]


def _interpolate(points: list[tuple[int, float]], year: float) -> float:
    """The value of a broken line of (year, value) points at `year` (within its years)."""
    for (y0, v0), (y1, v1) in pairwise(points):
        if y0 <= year <= y1:
            return v0 if y1 == y0 else v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def _year_ticks(first: int, horizon: int) -> list[int]:
    """At most eight round years from the first observed year to the horizon, the horizon always among them."""
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50, 100) if (horizon - first) / step <= 7)
    ticks = [year for year in range(-(-first // step) * step, horizon + 1, step)]
    if not ticks or ticks[-1] != horizon:
        ticks = [year for year in ticks if horizon - year >= step * 0.6] + [horizon]
    return ticks


def _side_labels(axes, year: int, values: list[float], bottom: float, top: float, texts: dict[str, str],
                 label_size: float = LABEL_SIZE):
    """« observed » left of the line of the last observed year, « projected » right of it: along the bottom of
    the plot when no value comes near it (a series far above 0), else along its top. Returns the « observed »
    label (`_keep_inside`)."""
    from matplotlib.transforms import blended_transform_factory
    span = (top - bottom) or 1.0
    low_free = all(value - bottom > 0.2 * span for value in values)
    y, va = (0.03, "bottom") if low_free else (0.97, "top")
    place = blended_transform_factory(axes.transData, axes.transAxes)
    annotations = [axes.annotate(text, (year, y), xycoords=place, xytext=(dx, 0), textcoords="offset points", ha=ha,
                                 va=va, fontsize=label_size, color="#333333", style="italic")
                   for text, ha, dx in ((texts["observed"], "right", -4), (texts["projected"], "left", 4))]
    return annotations[0]


def _keep_inside(figure, axes, label) -> None:
    """Remove `label` (« observed ») when, the layout done, it would run over the y axis and its numbers: a series
    observed over a few years on a small chart. « projected » and the solid line still tell them apart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.get_layout_engine().execute(figure)
    if label.get_window_extent(renderer).x0 < axes.get_window_extent(renderer).x0 + 1:
        label.remove()


def _horizon_labels(figure, axes, horizon: int, first: int, labels: list[tuple[float, tuple[str, str]]],
                    label_size: float = LABEL_SIZE) -> None:
    """Write each (value, (words, more words)) right of the horizon, at its value's height, moved up or down just
    enough that no two labels overlap (tied to their point by a thin line when moved); the x axis goes on far
    enough right for the longest label to fit in the plot (up to 60 % of its width: on a narrow chart, a label
    goes on two lines, its second part under its first)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.get_layout_engine().execute(figure)
    pixels = figure.dpi / 72
    gap = 6  # points from the point to its label
    box = axes.get_window_extent(renderer)
    plot = box.width / pixels  # points
    for separator in (" ", "\n"):
        words = [separator.join(filter(None, parts)) for _, parts in labels]
        texts = [axes.text(0, 0, label, fontsize=label_size, linespacing=1.1) for label in words]
        sizes = [text.get_window_extent(renderer) for text in texts]
        for text in texts:
            text.remove()
        width = max(size.width for size in sizes) / pixels + gap + 3  # points
        if width <= plot * 0.45:
            break
    width = min(width, plot * 0.6)
    left = first - 0.5
    # the horizon sits `width` points left of the right edge: (right - horizon) / (right - left) = width / plot
    right = (horizon - left * width / plot) / (1 - width / plot)
    axes.set_xlim(left, max(right, horizon + 0.5))
    axes.spines["bottom"].set_bounds(left, horizon + 0.5)  # the time axis stops at the horizon
    heights = [size.height / pixels + 2.5 for size in sizes]
    wanted = [(axes.transData.transform((horizon, value))[1] - box.y0) / pixels for value, _ in labels]
    placed = _spread(wanted, heights, box.height / pixels)
    leader = {"arrowstyle": "-", "color": "#555555", "linewidth": 0.5, "shrinkA": 1, "shrinkB": 4,
              "relpos": (0, 0.5)}  # from the start of the words, not through them
    for (value, _), label, want, at in zip(labels, words, wanted, placed, strict=True):
        moved = abs(at - want) > 4
        axes.annotate(label, (horizon, value), xytext=(gap, at - want), textcoords="offset points", ha="left",
                      va="center", fontsize=label_size, linespacing=1.1, zorder=7, annotation_clip=False,
                      arrowprops=leader if moved else None)


def _spread(wanted: list[float], heights: list[float], room: float) -> list[float]:
    """Centres as near as may be to `wanted` (points from the bottom of the plot) such that labels of these
    heights do not overlap, within [0, room] when they fit in it (else from 0 up)."""
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    placed = {}
    floor = 0.0
    for i in order:  # upwards: each label above the one below it, none under the bottom
        placed[i] = max(wanted[i], floor + heights[i] / 2)
        floor = placed[i] + heights[i] / 2
    ceiling = room
    for i in reversed(order):  # downwards: none over the top
        placed[i] = min(placed[i], ceiling - heights[i] / 2)
        ceiling = placed[i] - heights[i] / 2
    if ceiling < 0:  # more labels than room: from the bottom up, the top ones beyond the plot
        placed = {i: centre - ceiling for i, centre in placed.items()}
    return [placed[i] for i in range(len(wanted))]


def _indicator_description(observed: list[tuple[int, float]], at_horizon: float, horizon: int, band,
                           scenarios: list[tuple[str, float]], texts: dict[str, str], amount) -> str:
    """The chart in one to three sentences: first and last observed values, the value at the horizon, the band,
    the scenarios' values."""
    (first_year, first_value), (last_year, last_value) = observed[0], observed[-1]
    sentences = [texts["desc"].format(first_year=first_year, first_value=amount(first_value), last_year=last_year,
                                      last_value=amount(last_value), horizon=horizon,
                                      horizon_value=amount(at_horizon))]
    if band:
        years, bottom, top = band
        sentences.append(texts["desc_band"].format(year=years[-1], low=amount(bottom[-1]), high=amount(top[-1])))
    if scenarios:
        values = ", ".join(texts["scenario_value"].format(name=name, value=amount(value)) for name, value in scenarios)
        sentences.append(texts["desc_scenarios"].format(horizon=horizon, assumption=texts["assumption"],
                                                        values=values))
    return " ".join(sentences)


# The follow-up charts (issue 16): the watch's signals per quarter for the hypotheses of one driver (the follow-up
# report), and an experiment's indicator from its baseline towards its target (the carnet's experiment pages).
# Fills that stay apart in black and white: hatched, dark, plain, light, dotted, crossed.
WATCH_FILLS = [("white", "////"), ("#555555", ""), ("white", ""), ("#bbbbbb", ""), ("white", "...."), ("white", "xx")]
LEGEND_CHARS = 70  # a hypothesis's name in the watch chart's legend, on lines of at most this many characters


def watch_chart(chart_id: str, title: str, quarters: list[str], series: list[tuple[str, list[int]]],
                texts: dict[str, str], totals: list[int] | None = None) -> Chart:
    """Signals per quarter for each hypothesis of one driver: a group of bars per quarter (oldest first), a bar
    per hypothesis told apart by its fill (`WATCH_FILLS`: hatched, dark, plain...; named in the legend under the
    chart), its count written on it, so that a bar of 0 still reads 0.

    `series`: (hypothesis name, a count per quarter of `quarters`), in the study's order. Every word comes from
    `texts` (the caller translates): "hypothesis", "signals" (the y axis), "total" (with `totals`), and the text
    alternative's sentences: "desc" ({first}, {last}, {counts}) and "count" ({name}, {count}: a hypothesis's
    signals over the quarters shown), joined by "separator" ("; " when not given). The data table has a row per
    hypothesis: its name, its count per quarter, and its total since the first signal when `totals` is given.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    if not quarters or not series:
        raise ValueError("a watch chart needs quarters and hypotheses")
    groups = len(series)
    width = 0.8 / groups
    names = [_wrap(name, LEGEND_CHARS) for name, _ in series]
    legend_lines = sum(1 + name.count("\n") for name in names)
    with rc_context(STYLE):
        figure = Figure(figsize=(5.8, 2.3 + 0.2 * legend_lines), layout="constrained")
        axes = figure.subplots()
        top = max([count for _, counts in series for count in counts] + [1])
        for index, (_, counts) in enumerate(series):
            face, hatch = WATCH_FILLS[index % len(WATCH_FILLS)]
            xs = [x - 0.4 + width * (index + 0.5) for x in range(len(quarters))]
            axes.bar(xs, counts, width * 0.92, color=face, edgecolor="black", hatch=hatch, linewidth=0.6, zorder=2)
            for x, count in zip(xs, counts, strict=True):
                axes.text(x, count + top * 0.02, str(count), ha="center", va="bottom", fontsize=LABEL_SIZE, zorder=3)
        axes.set_xticks(range(len(quarters)), quarters)
        axes.tick_params(axis="x", length=0)
        axes.set_xlim(-0.55, len(quarters) - 0.45)
        axes.set_ylim(0, top * 1.18)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel(texts["signals"])
        handles = [Patch(facecolor=WATCH_FILLS[i % len(WATCH_FILLS)][0], hatch=WATCH_FILLS[i % len(WATCH_FILLS)][1],
                         edgecolor="black", linewidth=0.6, label=name) for i, name in enumerate(names)]
        figure.legend(handles=handles, loc="outside lower left", frameon=False, fontsize=LABEL_SIZE, ncols=1,
                      handlelength=1.8, handleheight=1.1)
        counts_words = texts.get("separator", "; ").join(texts["count"].format(name=name, count=sum(counts))
                                                         for name, counts in series)
        description = texts["desc"].format(first=quarters[0], last=quarters[-1], counts=counts_words)
        svg = _svg(figure, chart_id, title, description)
    header = [texts["hypothesis"], *quarters] + ([texts["total"]] if totals is not None else [])
    rows = [[name, *counts] + ([totals[index]] if totals is not None else [])
            for index, (name, counts) in enumerate(series)]
    return Chart(chart_id, title, description, svg, header, rows)


def _date_ticks(first, last) -> list:
    """The first days of the years from `first` to `last`; of the quarters when fewer than two years start there; of
    the months when fewer than two quarters do."""
    import datetime
    years = [datetime.date(year, 1, 1) for year in range(first.year, last.year + 1)]
    years = [day for day in years if first <= day <= last]
    if len(years) >= 2:
        return years
    quarters = [datetime.date(year, month, 1) for year in range(first.year, last.year + 1) for month in (1, 4, 7, 10)]
    quarters = [day for day in quarters if first <= day <= last]
    if len(quarters) >= 2:
        return quarters
    months = [datetime.date(year, month, 1) for year in range(first.year, last.year + 1) for month in range(1, 13)]
    return [day for day in months if first <= day <= last]


def _tick_text(day) -> str:
    """A tick: the year at its first day, else month/year (04/2027)."""
    return str(day.year) if (day.month, day.day) == (1, 1) else f"{day.month:02d}/{day.year}"


def experiment_indicator_chart(chart_id: str, title: str, unit: str, baseline: tuple, target: tuple,
                               measures: list[tuple], texts: dict[str, str], format_number=str,
                               format_date=lambda day: day.isoformat(), width_pt: float = 300,
                               height_pt: float = 170, label_size: float = LABEL_SIZE) -> Chart:
    """An experiment's indicator: its baseline (an open square), its target (an open diamond, its value written
    beside it), the straight path from one to the other (thin, dashed, grey: a measure on or beyond it is on track),
    and the measures taken (a solid line from the baseline, a dot each, the last one's value written beside it).

    `baseline`, `target` and each measure are (datetime.date, value). The y axis starts at 0 (at 0 ends, when
    every value is negative), as on the other indicator charts. The legend under the chart names the marks. Every
    word comes from `texts` (the caller translates): "baseline", "target", "measures" (the legend), "measure" (a
    row of the data table), "path", "date", "value",
    "kind" (the data table's third column), and the text alternative's sentences: "desc" ({baseline_value},
    {baseline_date}, {target_value}, {target_date}) followed by "desc_last" ({count}, {value}, {date}) or
    "desc_none". Numbers are written by `format_number` followed by `unit`, dates (the text alternative, the data
    table) by `format_date`. The data table: a row per point, by date: date, value, kind (baseline, measure,
    target).
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    def number(value: float) -> str:
        return format_number(int(value) if float(value).is_integer() else value)

    def amount(value: float) -> str:
        return f"{number(value)} {unit}".strip()

    measures = sorted(measures, key=lambda point: point[0])
    points = [baseline, target, *measures]
    values = [value for _, value in points]
    first, last = min(day for day, _ in points), max(day for day, _ in points)
    sizes = {"font.size": label_size + 0.5, "legend.fontsize": label_size, "xtick.labelsize": label_size,
             "ytick.labelsize": label_size}
    with rc_context({**STYLE, **sizes}):
        figure = Figure(figsize=(width_pt / 72 - 0.15, height_pt / 72 - 0.15), layout="constrained")
        axes = figure.subplots()

        def x(day) -> int:
            return day.toordinal()

        axes.plot([x(baseline[0]), x(target[0])], [baseline[1], target[1]], color="#777777", linewidth=0.8,
                  linestyle=(0, (3, 2)), zorder=2)
        if measures:
            line = [baseline, *[point for point in measures if point[0] >= baseline[0]]]
            axes.plot([x(day) for day, _ in line], [value for _, value in line], color="black", linewidth=1.3,
                      zorder=3)
            axes.plot([x(day) for day, _ in measures], [value for _, value in measures], linestyle="none",
                      marker="o", markersize=4, color="black", zorder=4)
        axes.plot([x(baseline[0])], [baseline[1]], linestyle="none", marker="s", markersize=6,
                  markerfacecolor="white", markeredgecolor="black", markeredgewidth=1, zorder=5)
        axes.plot([x(target[0])], [target[1]], linestyle="none", marker="D", markersize=6,
                  markerfacecolor="white", markeredgecolor="black", markeredgewidth=1, zorder=5)
        # the target's value over its diamond and the last measure's beside its dot, each on the side away from the
        # other (a last measure below the target: the target's above, the measure's below right; above it: the other
        # way round), so that neither covers the other's mark, nor the line that comes to the measure
        above = not measures or measures[-1][1] <= target[1]
        written = [(target, (0, 5 if above else -5), "center", "bottom" if above else "top")]
        if measures:
            written.append((measures[-1], (3, -4 if above else 4), "left", "top" if above else "bottom"))
        for (day, value), offset, ha, va in written:
            axes.annotate(number(value), (x(day), value), xytext=offset, textcoords="offset points", ha=ha, va=va,
                          fontsize=label_size, zorder=6, annotation_clip=False,
                          bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        bottom_value, top_value = min(0.0, *values), max(0.0, *values)
        span = (top_value - bottom_value) or 1.0
        axes.set_ylim(bottom_value - (0.04 * span if bottom_value < 0 else 0),
                      top_value + (0.22 * span if top_value > 0 else 0))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
        margin = max(10, (x(last) - x(first)) * 0.05)
        axes.set_xlim(x(first) - margin, x(last) + 2.5 * margin)  # room on the right for the last measure's value
        ticks = _date_ticks(first, last)
        axes.set_xticks([x(day) for day in ticks], [_tick_text(day) for day in ticks])
        axes.text(0, 1.02, unit, transform=axes.transAxes, ha="left", va="bottom", fontsize=label_size)
        marks = [Line2D([], [], linestyle="none", marker="s", markersize=6, markerfacecolor="white",
                        markeredgecolor="black", label=texts["baseline"]),
                 Line2D([], [], linestyle="none", marker="D", markersize=6, markerfacecolor="white",
                        markeredgecolor="black", label=texts["target"]),
                 Line2D([], [], color="black", linewidth=1.3, marker="o", markersize=4, label=texts["measures"]),
                 Line2D([], [], color="#777777", linewidth=0.8, linestyle=(0, (3, 2)), label=texts["path"])]
        figure.legend(handles=marks, loc="outside lower center", frameon=False, fontsize=label_size, ncols=2,
                      handlelength=1.8, columnspacing=1.2)
        description = texts["desc"].format(baseline_value=amount(baseline[1]), baseline_date=format_date(baseline[0]),
                                           target_value=amount(target[1]), target_date=format_date(target[0]))
        if measures:
            description += " " + texts["desc_last"].format(count=len(measures), value=amount(measures[-1][1]),
                                                           date=format_date(measures[-1][0]))
        else:
            description += " " + texts["desc_none"]
        svg = _svg(figure, chart_id, title, description)
    rows = [(baseline[0], 0, baseline[1], texts["baseline"]), *((d, 1, v, texts["measure"]) for d, v in measures),
            (target[0], 2, target[1], texts["target"])]
    rows.sort(key=lambda row: (row[0], row[1]))
    return Chart(chart_id, title, description, svg, [texts["date"], texts["value"], texts["kind"]],
                 [[format_date(day), value, kind] for day, _, value, kind in rows])
