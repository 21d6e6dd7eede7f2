"""Issue 4: aggregates worked out by hand, the same numbers in the PDF, and well-formed charts.

Issue 10.1: the report speaks only of what the workshop's agenda captured.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.helpers import SHIPPED, WORKSHOP, copy_fixture, normalise, pdf_chars, pdf_pages, run, squash
from tests.synthesis.plans import VOTE, capturing_everything, without_activities
from toolkit.kit.build import build_report
from toolkit.kit.render import Edition
from toolkit.study.load import load_study
from toolkit.synthesis.analysis import analyse, describe
from toolkit.synthesis.charts import _unclip, short_text
from toolkit.synthesis.report import report_context

SVG = "{http://www.w3.org/2000/svg}"

RESULTS = """\
example: true
groups:
  table-a:
    ratings:
      si-rien-ne-change: {probability: [4, 4, 5, 5, 4], desirability: [1, 1, 2, 1, 2]}
      plateformes: {probability: [3, 4, 2, 4], desirability: [1, 5, 1, 5]}
      communs: {probability: {2: 2, 3: 1}, desirability: [5, 4, 5]}
    impacts:
      educateur:
        plateformes: {change: transforms, comment: Moins de terrain}
        communs: {change: grows}
    actions:
      a1: {text: Un guichet humain, territory: Nord,
           scenarios: {plateformes: works, communs: works, si-rien-ne-change: fails}}
      a2: {text: Un fonds commun, kind: experiment, territory: "nord ",
           scenarios: {plateformes: works, communs: works, si-rien-ne-change: works}}
      a3: {text: Des maisons ouvertes, territory: Isère,
           scenarios: {plateformes: works, communs: mixed, si-rien-ne-change: mixed}}
  table-b:
    impacts:
      educateur:
        plateformes: {change: shrinks}
    actions:
      a1: {text: Plus d'intérim, scenarios: {plateformes: fails, communs: fails, si-rien-ne-change: mixed}}
      a2: {text: Des binômes, scenarios: {plateformes: mixed, communs: works, si-rien-ne-change: works}}
    quotes:
      - {text: On veut des humains, who: Une personne accompagnée}
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    folder = capturing_everything(copy_fixture("workshop", tmp_path_factory.mktemp("study")))
    (folder / "results" / "atelier.yaml").write_text(RESULTS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def synthesis(study):
    loaded = load_study(study)
    return analyse(loaded, loaded.workshops[0])


def ratings_of(synthesis, scenario_id):
    return next(r for r in synthesis.ratings if r.scenario.id == scenario_id)


def test_statistics_worked_out_by_hand():
    # [2, 3, 4, 4]: median (3+4)/2; mean 13/4; Q1 = 2 + 0.75 x (3-2); Q3 = 4 (inclusive quartiles)
    stats = describe([3, 4, 2, 4])
    assert (stats.median, stats.mean, stats.q1, stats.q3, stats.iqr) == (3.5, 3.25, 2.75, 4.0, 1.25)
    assert stats.consensus == "partial" and stats.distribution == [0, 1, 1, 2, 0]
    assert describe([1, 1, 5, 5]).consensus == "divided"  # IQR 4
    assert describe([4, 4, 4, 5, 5]).consensus == "consensus"  # IQR 1
    assert describe([5, 5]).consensus == "too few"
    assert describe([]).median is None


def test_aggregates_over_the_groups(synthesis):
    baseline = ratings_of(synthesis, "si-rien-ne-change")
    assert (baseline.probability.median, baseline.probability.mean, baseline.probability.iqr) == (4, 4.4, 1)
    assert (baseline.desirability.median, baseline.desirability.consensus) == (1, "consensus")
    communs = ratings_of(synthesis, "communs")
    assert communs.probability.distribution == [0, 2, 1, 0, 0]  # the tally {2: 2, 3: 1}, kept as a tally
    assert (communs.probability.median, communs.probability.q1, communs.probability.q3) == (2, 2, 2.5)
    plateformes = ratings_of(synthesis, "plateformes")
    assert plateformes.desirability.consensus == "divided"
    # ranking: by median (then mean); the baseline first on probability, communs first on desirability
    assert [r.scenario.id for r in synthesis.ranked("probability")] == ["si-rien-ne-change", "plateformes", "communs"]
    assert [r.scenario.id for r in synthesis.ranked("desirability")] == ["communs", "plateformes", "si-rien-ne-change"]
    # departures from the baseline, in medians
    assert (plateformes.delta_probability, plateformes.delta_desirability) == (-0.5, 2)
    assert (communs.delta_probability, communs.delta_desirability) == (-2, 4)


def test_robustness_classes(synthesis):
    classes = {(a.group, a.id): a.robustness for a in synthesis.actions}
    assert classes == {
        ("table-a", "a1"): "opt-out",  # works in 2 of 3, fails in 1
        ("table-a", "a2"): "no-regret",  # works everywhere
        ("table-a", "a3"): "opt-in",  # works in 1 of 3
        ("table-b", "a1"): "abandon",  # works nowhere
        ("table-b", "a2"): "no-regret",  # works in 2 of 3, fails in none
    }
    territories = synthesis.by_territory()
    assert list(territories) == ["Isère", "Nord", ""]  # "Nord" and "nord " are one territory; no territory last
    assert [a.id for a in territories["Nord"]] == ["a1", "a2"]


def test_impacts_per_profession(synthesis):
    plateformes = synthesis.impacts["educateur"]["plateformes"]
    assert plateformes.counts == {"grows": 0, "shrinks": 1, "transforms": 1, "appears": 0}
    assert plateformes.dominant is None  # a tie: the groups disagree
    assert synthesis.impacts["educateur"]["communs"].dominant == "grows"
    assert synthesis.professions_by_change("transforms") == [("educateur", 1)]


def test_charts_are_well_formed_titled_and_match_their_tables(study):
    loaded = load_study(study)
    context = report_context(Edition(loaded, "fr"), loaded.workshops[0])
    charts = context["charts"]
    assert set(charts) == {"map", "dist-si-rien-ne-change", "dist-plateformes", "dist-communs", "impacts",
                           "robustness"}
    for chart in charts.values():
        root = ET.fromstring(chart.svg)
        assert root.find(f"{SVG}title").text == chart.title and root.find(f"{SVG}desc").text == chart.description
        assert root.get("role") == "img"
        assert "<image" not in chart.svg  # vector only, no raster
    texts = " ".join(t.text or "" for t in ET.fromstring(charts["map"].svg).iter(f"{SVG}text"))
    for name in ("Si rien ne change", "Scénario 1", "Le social en plateformes", "Scénario 2"):
        assert name in texts, name  # points carry the scenarios' names, numbered as on the cards
    assert charts["map"].rows == [["Si rien ne change", 4, 1, 5], ["Scénario 1 · Le social en plateformes", 3.5, 3, 4],
                                  ["Scénario 2 · Les communs territoriaux", 2, 5, 3]]
    assert charts["dist-plateformes"].rows[1][1:] == [2, 0, 0, 0, 2]  # desirability [1, 5, 1, 5]
    assert charts["robustness"].rows[0][-1] == "à abandonner si" or charts["robustness"].rows[0][-1]
    again = report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"]
    assert all(again[key].svg == charts[key].svg for key in charts)  # deterministic


def test_the_report_pdf_shows_the_computed_numbers(study, tmp_path):
    report = build_report(load_study(study), "fr", tmp_path, "atelier")
    assert report.warnings == []
    [pdf] = list((tmp_path / "workshop" / "fr" / "atelier").rglob("*.pdf"))
    text = normalise(" ".join(pdf_pages(pdf)))
    assert "Exemple" in text  # the example is labelled as such
    flat = squash(text)
    for number in ("3,25", "2,75–4", "1,25", "4,4", "2,5"):
        assert squash(number) in flat, number
    assert "On veut des humains" in text
    for title in ("Si rien ne change", "Le social en plateformes", "Les communs territoriaux"):
        assert title in text
    # the agenda runs the stress test: actions are classed, and the rule is printed
    for said in ("2 sans regret", "Actions sans regret", "Chaque action a été testée dans chaque scénario",
                 "fonctionne", "Actions : « sans regret » quand"):
        assert said in text, said


def test_report_command(study, tmp_path):
    result = run("report", str(study), "--workshop", "atelier", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "workshop" / "fr" / "atelier").rglob("*.pdf"))
    result = run("report", str(WORKSHOP), "--workshop", "nope", "--out", str(tmp_path))
    assert result.exit_code == 2


HOSTILE = RESULTS.replace(
    "{text: On veut des humains, who: Une personne accompagnée}",
    "{text: \"<script>alert('quote')</script>\", who: \"<img src=x onerror=alert(1)>\"}",
).replace(
    "territory: Isère", "territory: \"<b onmouseover=alert(2)>Isère</b>\"",
).replace(
    "{text: Des binômes,",
    "{text: \"<iframe src='http://evil.example/'></iframe> binômes\", owner: \"</span><script>\",",
)


def test_html_in_results_comes_out_escaped_in_the_report(tmp_path):
    """Results text is data: raw HTML, in a quote or anywhere else, is shown as text, never run."""
    folder = capturing_everything(copy_fixture("workshop", tmp_path / "study"))
    (folder / "results" / "atelier.yaml").write_text(HOSTILE, encoding="utf-8")
    report = build_report(load_study(folder), "fr", tmp_path / "out", "atelier")
    assert report.warnings == []
    [html_file] = list((tmp_path / "out" / "workshop" / "fr" / "atelier").rglob("*.html"))
    html = html_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('quote')&lt;/script&gt;" in html.replace("’", "'")  # apostrophes set by typography
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b onmouseover=alert(2)&gt;Isère&lt;/b&gt;" in html
    assert "&lt;iframe src=" in html and "&lt;/span&gt;&lt;script&gt;" in html
    for raw in ("<script", "<img src=x", "<b onmouseover", "<iframe"):
        assert raw not in html, raw


# --- issue 10.1: a section only when the agenda captured it ---------------------------------------


def report_text(folder: Path, out: Path, workshop: str = "atelier") -> str:
    """The report's PDF text, built without a warning."""
    report = build_report(load_study(folder), "fr", out, workshop)
    assert report.warnings == []
    [pdf] = list(out.rglob("*.pdf"))
    return normalise(" ".join(pdf_pages(pdf)))


def shipped_report(shipped_kit: Path, workshop: str) -> Path:
    """A shipped workshop's report PDF, from the session's build of the kit (built without a warning)."""
    [pdf] = list((shipped_kit / workshop).rglob("rapport-synthese.pdf"))
    return pdf


def shipped_report_text(shipped_kit: Path, workshop: str) -> str:
    return normalise(" ".join(pdf_pages(shipped_report(shipped_kit, workshop))))


def with_results(folder: Path, change) -> Path:
    """The study's results file (RESULTS) after `change(groups)`."""
    data = yaml.safe_load(RESULTS)
    for group in data["groups"].values():
        change(group)
    (folder / "results" / "atelier.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def untested(group: dict) -> None:
    for action in group.get("actions", {}).values():
        action.pop("scenarios", None)


def test_without_the_vote_the_report_has_no_ratings(tmp_path):
    folder = without_activities(capturing_everything(copy_fixture("workshop", tmp_path / "study")), VOTE)
    with_results(folder, lambda group: group.pop("ratings", None))
    loaded = load_study(folder)
    charts = report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"]
    assert set(charts) == {"impacts", "robustness"}  # no map, no distribution
    text = report_text(folder, tmp_path / "out")
    for absent in ("Probabilité", "Désirabilité", "Médiane", "Personne n'a noté", "Les notes vont de 1",
                   "Le plus souhaitable", "la référence, obtient", "Accord :", "Rang :"):
        assert absent not in text, absent
    assert "Un guichet humain" in text and "sans regret" in text  # what was captured is still there


def test_without_the_stress_test_no_action_is_classed(tmp_path):
    folder = without_activities(capturing_everything(copy_fixture("workshop", tmp_path / "study")), "soufflerie")
    with_results(folder, untested)
    loaded = load_study(folder)
    synthesis = analyse(loaded, loaded.workshops[0])
    assert not synthesis.shows("verdicts") and synthesis.shows("actions")
    assert "robustness" not in report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"]
    text = report_text(folder, tmp_path / "out")
    for absent in ("sans regret", "à abandonner", "fonctionne", "mitigé", "échoue", "testée dans chaque scénario",
                   "Actions : « sans regret »", "non testé"):
        assert absent not in text, absent
    assert "5 actions et expérimentations proposées : 1 expérimentation sur 3 territoires." in text
    assert "Un guichet humain" in text and "Des binômes" in text  # the actions, listed by territory
    assert "Cet atelier ne les a pas mises à l'épreuve des autres scénarios : aucune n'est classée comme robuste." \
        in text


def test_the_shipped_report_shows_the_wheels_and_the_journeys(shipped_kit: Path):
    """Every group's wheel and journeys, in words; and no stress test the shipped agenda never ran."""
    text = shipped_report_text(shipped_kit, "demi-journee-colloque")
    flat = squash(text)
    results = yaml.safe_load((SHIPPED / "results" / "demi-journee-colloque.yaml").read_text(encoding="utf-8"))
    for group in results["groups"].values():
        assert group["wheels"] and group["journeys"]
        for wheel in group["wheels"].values():
            assert squash(wheel["centre"]) in flat
            for consequence in wheel["consequences"]:
                assert squash(consequence["text"]) in flat
        for moments in group["journeys"].values():
            for moment in moments:
                assert squash(moment["text"]) in flat
    for said in ("Roue des futurs", "Changement central :", "Cercle Conséquence Signe", "1er cercle", "2e cercle",
                 "3e cercle", "+ positive", "− négative", "Les parcours des personas", "Ce qui aide :",
                 "Ce qui freine :", "Dans « Le social en plateforme » (Table A)", "Parcours suivis dans ce scénario :",
                 "Lire une roue des futurs", "conséquences tracées sur les roues des futurs"):
        assert said in text, said
    for absent in ("sans regret", "à abandonner", "testée dans chaque scénario"):
        assert absent not in text, absent


def test_the_full_day_report_says_who_decides(shipped_kit: Path):
    """Issue 12.4: the actors exercise from sheet to report: a table actors × the scenarios worked on, the power
    each table saw, counted from the results file, and every actor's words in its scenario's section."""
    study = load_study(SHIPPED)
    workshop = next(w for w in study.workshops if w.id == "journee-complete")
    synthesis = analyse(study, workshop)
    results = workshop.results.groups
    worked = {scenario for group in results.values() for by_scenario in group.actors.values()
              for scenario in by_scenario}
    assert [s.id for s in synthesis.actor_scenarios] == [s.id for s in study.scenarios if s.id in worked]
    assert "si-rien-ne-change" not in worked  # no table ran the exercise on the baseline: no empty column
    for actor in study.meta.actors:
        for scenario in study.scenarios:
            said = [g.actors[actor.id][scenario.id] for g in results.values()
                    if scenario.id in g.actors.get(actor.id, {})]
            cell = synthesis.actors[actor.id][scenario.id]
            assert cell.total == sum(1 for stance in said if stance.power)
            assert all(cell.counts[power] == sum(1 for s in said if s.power == power) for power in cell.counts)
    gaining = synthesis.actors_by_power("gains")
    text = shipped_report_text(shipped_kit, "journee-complete")
    flat = squash(text)
    for said in ("Qui décide dans ce scénario", "Qui gagne et qui perd du pouvoir", "pouvoir accru",
                 "Acteurs le plus souvent vus gagner du pouvoir", "Point de départ :"):
        assert said in text, said
    assert squash(fr_name(study, gaining[0][0])) in flat
    for group in results.values():
        for by_scenario in group.actors.values():
            for stance in by_scenario.values():
                if stance.wants:
                    assert squash(stance.wants.get("fr", "fr")) in flat


def fr_name(study, actor_id: str) -> str:
    actor = next(a for a in study.meta.actors if a.id == actor_id)
    return actor.name.get("fr", "fr")


# --- issue 13.4: a report people read ----------------------------------------------------------------


def test_chart_text_is_at_least_8_pt_at_print_size(study):
    """Each SVG is printed at its own width (in pt, no wider than the text column): its font sizes, in user units
    of a viewBox as wide as the width, times that scale, are the printed sizes."""
    loaded = load_study(study)
    for chart in report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"].values():
        root = ET.fromstring(chart.svg)
        width = float(root.get("width").removesuffix("pt"))
        assert width <= 172 / 25.4 * 72, chart.id  # A4 less the margins: printed at scale 1, never shrunk
        scale = width / float(root.get("viewBox").split()[2])
        sizes = [float(text.get("font-size").removesuffix("px")) for text in root.iter(f"{SVG}text")]
        assert sizes and min(sizes) * scale >= 8, (chart.id, min(sizes) * scale)


def test_charts_carry_no_style_and_no_empty_group(study):
    """Issue 14.1: an inline SVG is parsed, styled and walked by WeasyPrint with the rest of the page. No <style>
    (WeasyPrint takes it for a sheet of the whole report), no style attribute, no RDF metadata, no group that
    carries nothing, no identity rotation; the joins and caps of matplotlib's sheet once on the root."""
    loaded = load_study(study)
    for chart in report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"].values():
        root = ET.fromstring(chart.svg)
        assert root.get("stroke-linejoin") == "round" and root.get("stroke-linecap") == "butt", chart.id
        assert root.find(f"{SVG}metadata") is None and not list(root.iter(f"{SVG}style")), chart.id
        for element in root.iter():
            assert element.get("style") is None, (chart.id, element.tag)
            assert not re.match(r"rotate\(-?0 ", element.get("transform", "")), (chart.id, element.tag)
            if element is not root:
                assert element.get("stroke-linejoin") is None and element.get("stroke-linecap") is None, chart.id
            if element.tag == f"{SVG}g":
                assert set(element.attrib) - {"id"}, (chart.id, element.get("id"))
        assert all(text.get("font-size") for text in root.iter(f"{SVG}text")), chart.id


def test_only_what_a_clip_would_cut_keeps_its_clip():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<defs><clipPath id="c"><rect x="0" y="0" width="100" height="100" /></clipPath>'
           '<path id="m" d="M -4 0 L 4 0" stroke-width="2" /></defs>'
           '<path id="inside" d="M 10 10 L 90 90" clip-path="url(#c)" stroke-width="0.8" />'
           '<path id="edge" d="M 0 50 L 50 50" clip-path="url(#c)" />'
           '<path id="wide" d="M 5 50 L 50 50" clip-path="url(#c)" stroke-width="12" />'
           '<g id="marks" clip-path="url(#c)"><use xlink:href="#m" x="50" y="50" /></g>'
           '<g id="mark-at-edge" clip-path="url(#c)"><use xlink:href="#m" x="98" y="50" /></g>'
           '<path id="relative" d="m 10 10 l 5 5" clip-path="url(#c)" /></svg>')
    root = ET.fromstring(svg)
    _unclip(root)
    clipped = {e.get("id") for e in root.iter() if e.get("clip-path")}
    assert clipped == {"edge", "wide", "mark-at-edge", "relative"}


def test_the_robustness_chart_names_actions_by_their_text(synthesis, study):
    loaded = load_study(study)
    chart = report_context(Edition(loaded, "fr"), loaded.workshops[0])["charts"]["robustness"]
    labels = [t.text for t in ET.fromstring(chart.svg).iter(f"{SVG}text")]
    assert "Un guichet humain" in labels and "Des maisons ouvertes" in labels
    assert chart.rows[0][0] == "Un guichet humain (Table A)"  # whole, with its table, in the data table
    assert short_text("Inscrire dans le règlement départemental d'aide sociale un droit", 30) == \
        "Inscrire dans le règlement…"


def test_key_messages_and_next_steps_come_from_the_results(synthesis):
    messages = synthesis.key_messages()
    assert 3 <= len(messages) <= 5
    kinds = [m.kind for m in messages]
    assert kinds[:3] == ["desirable", "baseline", "no-regret"]
    assert messages[0].values["row"].scenario.id == "communs"
    assert messages[2].values == {"count": 2, "total": 5, "scenarios": 3}
    # next steps: a territory and an owner only; none in RESULTS has an owner
    assert synthesis.next_steps == []


def test_shipped_reports_open_on_key_messages_keep_charts_with_tables_and_define_terms(shipped_kit: Path):
    pdf = shipped_report(shipped_kit, "journee-complete")
    pages = [normalise(page) for page in pdf_pages(pdf)]
    assert "L’essentiel" in pages[1] or "L'essentiel" in pages[1]
    assert "Prochaines étapes" in pages[1] and "sans regret" in pages[1]
    assert "12 des 17 actions proposées sont sans regret" in pages[1]
    text = " ".join(pages)
    glossary = text[text.rindex("Glossaire"):]
    for term in ("sans regret", "à activer si", "à abandonner", "lignes reportées", "probabilité", "désirabilité"):
        assert term in glossary, term
    titles = ("Probabilité et désirabilité des scénarios", "Impacts sur les métiers", "Chaque action testée")
    for title in titles:  # a chart's title and its data table on the same page
        page = next(page for page in pages if title in page)
        assert "Données du graphique" in page, title
    for number, page in enumerate(pdf_chars(pdf), start=1):  # chart text, as printed: 8 pt or more (rotated aside)
        for char in page.chars:
            if "DejaVu" in char.font and char.upright:
                assert char.size >= 8, (number, char.text, char.size)
