"""The synthesis report's context: the analysis of a workshop's results and its charts.

Registered as the `context` of the report artefact: the template gets `synthesis` (every
number, from toolkit.synthesis.analysis), `charts` (SVG plus text alternative plus data table;
only for the sections the workshop's agenda captured), `labels` (the words of the charts,
verdicts, classes, and a futures wheel's rings and signs) and `by_ring` (a wheel's
consequences from the centre outwards).
"""

from __future__ import annotations

from typing import Any

from toolkit.synthesis import charts
from toolkit.synthesis.analysis import analyse, by_ring


def report_context(edition, workshop) -> dict[str, Any]:
    """Analyse the workshop's results and draw the charts, labelled in the edition's language."""
    _ = edition.gettext
    study = edition.study
    synthesis = analyse(study, workshop)
    scenarios = {s.id: edition.text(s.data.title) for s in study.scenarios}
    professions = {p.id: edition.text(p.name) for p in study.meta.professions}
    texts = {
        "probability": _("probability"), "desirability": _("desirability"), "scenario": _("Scenario"),
        "n": _("ratings"), "people": _("people"), "profession": _("Profession"), "action": _("Action"),
        "class": _("Class"),
        "map_title": _("Probability and desirability of the scenarios"),
        "map_desc": _("Each scenario at its median probability (across) and median desirability (up); the bars "
                      "span the middle half of the ratings (first to third quartile); the baseline is the "
                      "black square."),
        "dist_title": _("Ratings of “{scenario}”"),
        "dist_desc": _("How many people gave each rating from 1 to 5 to “{scenario}”: probability hatched, "
                       "desirability solid."),
        "impacts_title": _("Impacts on professions, scenario by scenario"),
        "impacts_desc": _("For each profession and scenario, the change most groups named: ↑ grows, ↓ shrinks, "
                          "↻ transforms, ✚ appears; · when the groups disagreed; empty when nobody said."),
        "robustness_title": _("Each action tested in every scenario"),
        "robustness_desc": _("For each proposed action and each scenario: + works, 0 mixed, − fails; the last "
                             "column gives the action's class."),
        "grows": _("grows"), "shrinks": _("shrinks"), "transforms": _("transforms"), "appears": _("appears"),
        "works": _("works"), "mixed": _("mixed"), "fails": _("fails"),
        "no-regret": _("no-regret"), "opt-out": _("opt-out"), "opt-in": _("opt-in"), "abandon": _("abandon"),
        "untested": _("not tested"),
        # a futures wheel: the ring of a consequence, and its sign as a symbol and in words
        "ring-1": _("1st ring"), "ring-2": _("2nd ring"), "ring-3": _("3rd ring"), "ring-none": _("ring not given"),
        "plus": "+", "minus": "−", "plus-words": _("positive"), "minus-words": _("negative"),
        # an actor's power in a scenario (the actors exercise), as a symbol and in words
        "power-gains": "+", "power-keeps": "=", "power-loses": "−",
        "power-gains-words": _("more power"), "power-keeps-words": _("power unchanged"),
        "power-loses-words": _("less power"),
    }
    drawn = {}
    if synthesis.shows("ratings"):  # only what the agenda captured is drawn
        drawn["map"] = charts.rating_map(synthesis.ratings, scenarios, texts)
        for row in synthesis.ratings:
            drawn[f"dist-{row.scenario.id}"] = charts.distribution(row, scenarios[row.scenario.id], texts)
    if synthesis.shows("impacts"):
        drawn["impacts"] = charts.impact_grid(synthesis.impacts, professions, scenarios, texts)
    if synthesis.shows("verdicts") and synthesis.actions:
        groups = {group.id: edition.text(group.name) for group in workshop.data.groups}
        drawn["robustness"] = charts.robustness_matrix(synthesis.actions, scenarios, texts, groups,
                                                       [edition.text(a.action.text) for a in synthesis.actions])
    return {"synthesis": synthesis, "charts": drawn, "labels": texts, "by_ring": by_ring}
