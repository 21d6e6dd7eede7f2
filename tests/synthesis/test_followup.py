"""Issue 16 (part B): the follow-up's computations against values worked out by hand.

The study is the workshop fixture (drivers `demographie`: vieillissement, adaptation; `numerique`:
dematerialisation, plateformes, proximite), loaded once; each test gives it a watch, triggers on actions of a
results file and experiments built directly (pydantic models, no YAML). Every expected value below is a literal,
with the arithmetic beside it: none is computed by the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import WORKSHOP
from toolkit.language import translations
from toolkit.study.followup import Dated, ExperimentFile, ExperimentIndicator, WatchFile, WatchSignal
from toolkit.study.load import load_study
from toolkit.study.model import Action, GroupResults, ResultsFile, Trigger
from toolkit.synthesis.charts import MAX_WIDTH_PT, experiment_indicator_chart, watch_chart
from toolkit.synthesis.followup import (
    Quarter,
    experiments_by_status,
    fired_triggers,
    hypothesis_counts,
    indicator_progress,
    last_quarters,
    months_before,
    overdue_reviews,
    watched_triggers,
)

day = datetime.date
SVG = "{http://www.w3.org/2000/svg}"
AS_OF = day(2026, 11, 15)  # in 2026 Q4; the last four quarters: 2026 Q1, Q2, Q3, Q4

PLAT, DEMAT, VIEIL = "numerique/plateformes", "numerique/dematerialisation", "demographie/vieillissement"
# The watch, in no particular order (the functions sort by date). Quarter and 12-month window as of AS_OF
# (the window: after 2025-11-15, up to 2026-11-15 included):
SIGNALS = {
    "s1": (day(2025, 11, 20), [PLAT]),  # 2025 Q4, before the last four quarters; inside the window
    "s2": (day(2026, 1, 1), [PLAT, DEMAT]),  # 2026 Q1 (its first day); points to two hypotheses
    "s3": (day(2026, 3, 31), [DEMAT]),  # 2026 Q1 (its last day)
    "s4": (day(2026, 4, 1), [PLAT]),  # 2026 Q2 (its first day)
    "s5": (day(2026, 9, 30), [VIEIL]),  # 2026 Q3
    "s6": (day(2026, 10, 1), [PLAT]),  # 2026 Q4
    "s7": (day(2026, 11, 15), [PLAT, PLAT]),  # the as-of date itself: counted; names its hypothesis twice
    "s8": (day(2026, 11, 16), [PLAT]),  # the day after the as-of date: never counted as of AS_OF
    "s9": (day(2025, 11, 15), [DEMAT]),  # 2025 Q4; exactly 12 months before AS_OF: outside the window
}


@pytest.fixture(scope="module")
def loaded():
    return load_study(WORKSHOP)


def signal(name: str) -> WatchSignal:
    date, hypotheses = SIGNALS[name]
    return WatchSignal(date=date, text=f"Signal {name}", hypotheses=hypotheses)


def with_watch(study, names=tuple(SIGNALS), actions=None, experiments=None):
    """The study with these signals (shuffled: s9 first), actions with triggers in a results file of its
    workshop, and experiments."""
    watch = WatchFile(signals=[signal(name) for name in sorted(names, key=lambda n: n != "s9")])
    workshops = study.workshops
    if actions is not None:
        results = ResultsFile(groups={group: GroupResults(actions=acts) for group, acts in actions.items()})
        workshops = [dataclasses.replace(study.workshops[0], results=results)]
    return dataclasses.replace(study, watch=watch, workshops=workshops, experiments=experiments or {})


def action(text: str, hypotheses: list[str], **trigger) -> Action:
    return Action(text=text, trigger=Trigger(when=f"À activer si {text}", hypotheses=hypotheses, **trigger))


# --- quarters and months ------------------------------------------------------------------


def test_quarters_and_months_by_hand():
    assert Quarter.of(day(2026, 3, 31)) == Quarter(2026, 1) and Quarter.of(day(2026, 4, 1)) == Quarter(2026, 2)
    assert Quarter.of(day(2026, 12, 31)) == Quarter(2026, 4)
    # 2026 Q1 less one quarter is the last quarter of the year before
    assert Quarter(2026, 1).before() == Quarter(2025, 4)
    assert last_quarters(AS_OF) == [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)]
    assert last_quarters(day(2026, 6, 1)) == [Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)]
    assert months_before(AS_OF, 12) == day(2025, 11, 15)
    assert months_before(day(2026, 5, 31), 3) == day(2026, 2, 28)  # February has no 31st: its last day
    assert months_before(day(2028, 3, 31), 1) == day(2028, 2, 29)  # 2028 is a leap year
    assert months_before(day(2026, 1, 10), 1) == day(2025, 12, 10)


def test_quarter_named_through_the_catalogue():
    assert Quarter(2026, 4).name() == "2026 Q4"
    assert Quarter(2026, 4).name(translations("fr").gettext) == "2026 T4"


# --- the watch: counts per hypothesis and per quarter ---------------------------------------


def table(counts) -> dict[str, tuple[list[int], int]]:
    return {watch.reference: ([q.count for q in watch.quarters], watch.total) for watch in counts}


def test_counts_per_hypothesis_and_quarter(loaded):
    counts = hypothesis_counts(with_watch(loaded), AS_OF)
    # quarters 2026 Q1, Q2, Q3, Q4; total: every signal dated on or before 2026-11-15 (s8 never)
    assert table(counts) == {
        "demographie/vieillissement": ([0, 0, 1, 0], 1),  # s5 (Q3)
        "demographie/adaptation": ([0, 0, 0, 0], 0),  # no signal: listed, its driver has one
        "numerique/dematerialisation": ([2, 0, 0, 0], 3),  # s2, s3 (Q1); total + s9 (2025 Q4) = 3
        "numerique/plateformes": ([1, 1, 0, 2], 5),  # s2 (Q1), s4 (Q2), s6 + s7 (Q4; s7 once); total + s1 = 5
        "numerique/proximite": ([0, 0, 0, 0], 0),
    }
    assert list(table(counts)) == ["demographie/vieillissement", "demographie/adaptation",
                                   "numerique/dematerialisation", "numerique/plateformes", "numerique/proximite"]
    plateformes = counts[3]
    assert [q.quarter for q in plateformes.quarters] == [Quarter(2026, q) for q in (1, 2, 3, 4)]
    assert [s.text.get("fr") for s in plateformes.signals] == ["Signal s1", "Signal s2", "Signal s4", "Signal s6",
                                                               "Signal s7"]  # by date


def test_counts_earlier_as_of_date(loaded):
    # as of 2026-06-01 (2026 Q2): quarters 2025 Q3, 2025 Q4, 2026 Q1, 2026 Q2; s5 to s8 not yet seen, so the
    # driver demographie (only s5) is left out
    counts = hypothesis_counts(with_watch(loaded), day(2026, 6, 1))
    assert table(counts) == {
        "numerique/dematerialisation": ([0, 1, 2, 0], 3),  # s9 (2025 Q4); s2, s3 (2026 Q1)
        "numerique/plateformes": ([0, 1, 1, 1], 3),  # s1 (2025 Q4); s2 (2026 Q1); s4 (2026 Q2)
        "numerique/proximite": ([0, 0, 0, 0], 0),
    }


def test_no_watch_no_counts(loaded):
    assert hypothesis_counts(loaded, AS_OF) == []
    assert fired_triggers(loaded, AS_OF) == []


# --- triggers --------------------------------------------------------------------------------


def test_threshold_reached_and_a_signal_pointing_to_two_hypotheses_counted_once(loaded):
    study = with_watch(loaded, actions={
        "table-a": {"a1": action("les plateformes dominent", [PLAT, DEMAT], threshold=6),
                    "a2": action("les plateformes dominent", [PLAT, DEMAT], threshold=7),
                    "a3": Action(text="Sans déclencheur")},
    })
    # within (2025-11-15, 2026-11-15], pointing to PLAT or DEMAT: s1, s2 (both: once), s3, s4, s6, s7 = 6
    # (s5 points elsewhere, s8 is after the as-of date, s9 on the window's first bound, outside)
    states = watched_triggers(study, AS_OF)
    assert [(t.key, t.count, t.fired) for t in states] == [("a1", 6, True), ("a2", 6, False)]  # 6 >= 6; 6 < 7
    assert [s.text.get("fr") for s in states[0].signals] == ["Signal s1", "Signal s2", "Signal s3", "Signal s4",
                                                             "Signal s6", "Signal s7"]
    fired = fired_triggers(study, AS_OF)
    assert [(t.workshop, t.group, t.key) for t in fired] == [("atelier", "table-a", "a1")]
    assert fired[0].text.get("fr") == "les plateformes dominent" and fired[0].since == day(2025, 11, 15)
    assert fired[0].when.get("fr") == "À activer si les plateformes dominent"
    assert fired[0].hypotheses == [PLAT, DEMAT] and (fired[0].threshold, fired[0].months) == (6, 12)


def test_window_first_bound_excluded(loaded):
    study = with_watch(loaded, actions={"table-a": {"a1": action("la démat", [DEMAT], threshold=3)}})
    # as of 2026-11-15: window (2025-11-15, 2026-11-15]: s2, s3 = 2 (s9, on 2025-11-15, is out): not fired
    assert [(t.count, t.fired) for t in watched_triggers(study, AS_OF)] == [(2, False)]
    # as of 2026-11-14: window (2025-11-14, 2026-11-14]: s9, s2, s3 = 3: fired
    assert [(t.count, t.fired) for t in watched_triggers(study, day(2026, 11, 14))] == [(3, True)]


def test_window_last_bound_included(loaded):
    study = with_watch(loaded, actions={"table-b": {"b1": action("les plateformes", [PLAT], threshold=6)}})
    # as of 2026-11-15: s1, s2, s4, s6, s7 = 5 (s7 on the as-of date, in; s8 the day after, out): not fired
    assert [(t.count, t.fired) for t in watched_triggers(study, AS_OF)] == [(5, False)]
    # as of 2026-11-16: window (2025-11-16, 2026-11-16]: s1 (11-20), s2, s4, s6, s7, s8 = 6: fired
    assert [(t.count, t.fired) for t in watched_triggers(study, day(2026, 11, 16))] == [(6, True)]


def test_defaults_and_a_shorter_window(loaded):
    study = with_watch(loaded, actions={"table-a": {"a1": action("x", [PLAT]), "a2": action("y", [PLAT], months=3),
                                                    "a3": action("z", [PLAT], months=3, threshold=2)}})
    # a1, defaults (3 signals within 12 months): s1, s2, s4, s6, s7 = 5 >= 3: fired
    # a2, a3: within 3 months, (2026-08-15, 2026-11-15]: s6, s7 = 2; a2 needs 3 (default): not fired; a3 needs 2
    states = watched_triggers(study, AS_OF)
    assert [(t.key, t.count, t.threshold, t.months, t.fired) for t in states] == [
        ("a1", 5, 3, 12, True), ("a2", 2, 3, 3, False), ("a3", 2, 2, 3, True)]
    assert states[1].since == day(2026, 8, 15)
    assert [t.key for t in fired_triggers(study, AS_OF)] == ["a1", "a3"]


# --- experiments -----------------------------------------------------------------------------


def experiment(status: str, next_review: datetime.date | None = None, indicators=()) -> ExperimentFile:
    return ExperimentFile(title="Une expérimentation", territory="isere", lead="departement-isere", status=status,
                          next_review=next_review, indicators=list(indicators))


def test_overdue_reviews_and_statuses(loaded):
    experiments = {
        "e1": experiment("en-cours", day(2027, 3, 14)),  # the day before the as-of date: overdue
        "e2": experiment("en-cours", day(2027, 3, 15)),  # on the as-of date: not yet overdue
        "e3": experiment("evaluee", day(2027, 1, 1)),  # past, but evaluated: not overdue
        "e4": experiment("idee"),  # no review date
        "e5": experiment("en-preparation", day(2026, 12, 1)),  # overdue, earlier than e1
        "e6": experiment("arretee", day(2026, 1, 1)),  # past, but stopped
    }
    study = with_watch(loaded, experiments=experiments)
    overdue = overdue_reviews(study, day(2027, 3, 15))
    assert [e.next_review for e in overdue] == [day(2026, 12, 1), day(2027, 3, 14)]  # e5, then e1
    assert overdue[0] is experiments["e5"] and overdue[1] is experiments["e1"]
    grouped = experiments_by_status(study)
    assert list(grouped) == ["idee", "en-preparation", "en-cours", "evaluee", "arretee"]
    assert {status: [e for e in found] for status, found in grouped.items()} == {
        "idee": [experiments["e4"]], "en-preparation": [experiments["e5"]],
        "en-cours": [experiments["e1"], experiments["e2"]], "evaluee": [experiments["e3"]],
        "arretee": [experiments["e6"]]}
    assert experiments_by_status(loaded) == {"idee": [], "en-preparation": [], "en-cours": [], "evaluee": [],
                                             "arretee": []}


def indicator(baseline, target, measures) -> ExperimentIndicator:
    return ExperimentIndicator(id="mesure", name="Une mesure", unit="personnes",
                               baseline=Dated(date=baseline[0], value=baseline[1]),
                               target=Dated(date=target[0], value=target[1]),
                               measures=[Dated(date=d, value=v) for d, v in measures])


# 365 days from 2026-09-01 to 2027-09-01 (no 29 February between them)
RISING = indicator((day(2026, 9, 1), 0), (day(2027, 9, 1), 400), [(day(2026, 12, 31), 140), (day(2027, 3, 31), 190)])


def test_progress_on_track_behind_no_measure():
    # as of 2027-03-30, the last measure is 2026-12-31: 140
    # share = (140 − 0) / (400 − 0) = 0.35; time: 2026-09-01 → 2026-12-31 = 30+31+30+30 = 121 days of 365 = 0.3315…
    # 0.35 >= 0.3315: on track
    progress = indicator_progress(RISING, day(2027, 3, 30))
    assert progress.measure.value == 140 and progress.measure.date == day(2026, 12, 31)
    assert progress.share == pytest.approx(0.35) and progress.elapsed == pytest.approx(0.33151, abs=1e-5)
    assert progress.state == "on-track" and progress.on_track and progress.shown == pytest.approx(0.35)
    # as of 2027-03-31, the measure of that day: 190; share = 190 / 400 = 0.475
    # time: 2026-09-01 → 2027-03-31 = 30+31+30+31+31+28+30 = 211 days of 365 = 0.5781; 0.475 < 0.5781: behind
    progress = indicator_progress(RISING, day(2027, 3, 31))
    assert progress.measure.value == 190
    assert progress.share == pytest.approx(0.475) and progress.elapsed == pytest.approx(0.57808, abs=1e-5)
    assert progress.state == "behind" and not progress.on_track
    # as of 2026-12-30: no measure yet
    progress = indicator_progress(RISING, day(2026, 12, 30))
    assert (progress.measure, progress.share, progress.shown, progress.state) == (None, None, None, "no-measure")


def test_progress_falling_target_beyond_and_wrong_way():
    # a waiting time from 120 days (2026-01-01) down to 60 (2027-01-01): 365 days
    def falling(value):
        return indicator((day(2026, 1, 1), 120), (day(2027, 1, 1), 60), [(day(2026, 7, 2), value)])

    as_of = day(2026, 12, 1)
    # time: 2026-01-01 → 2026-07-02 = 31+28+31+30+31+30+1 = 182 days of 365 = 0.49863
    # 80: share = (80 − 120) / (60 − 120) = −40 / −60 = 0.6667 >= 0.4986: on track
    progress = indicator_progress(falling(80), as_of)
    assert progress.share == pytest.approx(0.66667, abs=1e-5) and progress.elapsed == pytest.approx(0.49863, abs=1e-5)
    assert progress.state == "on-track"
    # 50: share = (50 − 120) / (60 − 120) = −70 / −60 = 1.1667, beyond the target: reached, shown as 1
    progress = indicator_progress(falling(50), as_of)
    assert progress.share == pytest.approx(1.16667, abs=1e-5) and progress.shown == 1.0
    assert progress.state == "reached"
    # 130: share = (130 − 120) / (60 − 120) = 10 / −60 = −0.1667, the wrong way: behind, shown as 0
    progress = indicator_progress(falling(130), as_of)
    assert progress.share == pytest.approx(-0.16667, abs=1e-5) and progress.shown == 0.0
    assert progress.state == "behind"


def test_progress_measure_after_the_target_date_and_a_flat_target():
    # measured 2027-10-01, after the target's date: all the time has gone by (clamped to 1);
    # share = 380 / 400 = 0.95 < 1: behind
    late = indicator((day(2026, 9, 1), 0), (day(2027, 9, 1), 400), [(day(2027, 10, 1), 380)])
    progress = indicator_progress(late, day(2027, 12, 1))
    assert progress.elapsed == 1.0 and progress.share == pytest.approx(0.95) and progress.state == "behind"
    # a target equal to the baseline (keep it at 0): reached while the value stays there, behind otherwise
    flat = indicator((day(2026, 1, 1), 0), (day(2027, 1, 1), 0), [(day(2026, 6, 1), 0)])
    assert indicator_progress(flat, day(2026, 7, 1)).state == "reached"
    flat = indicator((day(2026, 1, 1), 0), (day(2027, 1, 1), 0), [(day(2026, 6, 1), 2)])
    assert indicator_progress(flat, day(2026, 7, 1)).state == "behind"


# --- charts ----------------------------------------------------------------------------------

WATCH_TEXTS = {"hypothesis": "Hypothèse", "signals": "signaux", "total": "total",
               "desc": "De {first} à {last}, signaux par trimestre : {counts}.", "count": "{name} : {count}"}
INDICATOR_TEXTS = {"baseline": "point de départ", "target": "cible", "measures": "mesures", "measure": "mesure",
                   "path": "trajectoire vers la cible", "date": "Date", "value": "Valeur", "kind": "Repère",
                   "desc": "Point de départ : {baseline_value} le {baseline_date} ; cible : {target_value} le "
                           "{target_date}.",
                   "desc_last": "{count} mesures, la dernière : {value} le {date}.",
                   "desc_none": "Pas encore de mesure."}


def well_formed(chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.find(f"{SVG}title").text == chart.title and root.find(f"{SVG}desc").text == chart.description
    assert root.get("role") == "img" and "<image" not in chart.svg
    assert float(root.get("width").removesuffix("pt")) <= MAX_WIDTH_PT
    assert root.find(f"{SVG}metadata") is None and not list(root.iter(f"{SVG}style"))
    assert all(element.get("style") is None for element in root.iter())
    return root


def test_watch_chart():
    def draw():
        return watch_chart("chart-watch-numerique", "Signaux : numérique", ["2026 T1", "2026 T2", "2026 T3", "2026 T4"],
                           [("Dématérialisation", [2, 0, 0, 0]), ("Plateformes", [1, 1, 0, 2])], WATCH_TEXTS,
                           totals=[3, 5])

    chart = draw()
    assert chart.svg == draw().svg  # deterministic
    root = well_formed(chart)
    words = [text.text for text in root.iter(f"{SVG}text")]
    assert "Plateformes" in words and "2026 T4" in words and "signaux" in words
    assert words.count("0") >= 3  # a bar of 0 still reads 0 (and the axis' 0)
    # the sums over the quarters shown: 2+0+0+0 = 2, 1+1+0+2 = 4
    assert chart.description == "De 2026 T1 à 2026 T4, signaux par trimestre : Dématérialisation : 2; Plateformes : 4."
    assert chart.header == ["Hypothèse", "2026 T1", "2026 T2", "2026 T3", "2026 T4", "total"]
    assert chart.rows == [["Dématérialisation", 2, 0, 0, 0, 3], ["Plateformes", 1, 1, 0, 2, 5]]


def test_experiment_indicator_chart():
    def draw(measures):
        return experiment_indicator_chart("chart-exp", "Personnes recontactées", "personnes", (day(2026, 9, 1), 0),
                                          (day(2027, 9, 1), 400), measures, INDICATOR_TEXTS)

    chart = draw([(day(2027, 3, 31), 190), (day(2026, 12, 31), 85)])
    assert chart.svg == draw([(day(2027, 3, 31), 190), (day(2026, 12, 31), 85)]).svg
    root = well_formed(chart)
    words = [text.text for text in root.iter(f"{SVG}text")]
    assert {"400", "190", "cible", "point de départ", "mesures", "personnes", "2027"} <= set(words)
    assert chart.description == ("Point de départ : 0 personnes le 2026-09-01 ; cible : 400 personnes le 2027-09-01. "
                                 "2 mesures, la dernière : 190 personnes le 2027-03-31.")
    assert chart.header == ["Date", "Valeur", "Repère"]
    assert chart.rows == [["2026-09-01", 0, "point de départ"], ["2026-12-31", 85, "mesure"],
                          ["2027-03-31", 190, "mesure"], ["2027-09-01", 400, "cible"]]
    empty = draw([])
    well_formed(empty)
    assert empty.description.endswith("Pas encore de mesure.")
    assert empty.rows == [["2026-09-01", 0, "point de départ"], ["2027-09-01", 400, "cible"]]
