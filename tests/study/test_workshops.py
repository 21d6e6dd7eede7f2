"""The workshop layer: method library, workshop plans and results files.

Every problem is checked with its exact file:line:col and message, against tests/fixtures/workshop/
(the mini study plus workshops/atelier.yaml and results/atelier.yaml).
"""

from pathlib import Path
from typing import get_args

import pytest

from tests.helpers import SHIPPED, copy_fixture, edit, located, problems_of, run, warnings_of, write
from toolkit.language import configure
from toolkit.study.load import load_study
from toolkit.study.model import (
    CAPTURE_SECTIONS,
    Action,
    Consequence,
    Impact,
    activity_personas,
    activity_scenarios,
)

PLAN = "workshops/atelier.yaml"
RESULTS = "results/atelier.yaml"


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A writable copy of the workshop fixture study."""
    return copy_fixture("workshop", tmp_path)


METHOD = """
    name: Mon atelier
    summary: Un atelier écrit pour les tests.
    purpose: Tester la bibliothèque de méthodes.
    when: Jamais en vrai.
    format: groups
    group_size: {min: 3, max: 8}
    duration: {min: 10, max: 20}
    steps:
      - title: Faire
        minutes: 10
        text: Faire quelque chose.
"""


# --- the fixture plan -----------------------------------------------------------------


def test_the_fixture_plan_is_valid(study_dir: Path):
    study = load_study(study_dir)
    assert study.warnings == []
    [workshop] = study.workshops
    assert workshop.id == "atelier"
    assert str(workshop.data.date) == "2026-06-11"
    assert (workshop.data.start, workshop.data.end, workshop.length) == ("14:00", "16:30", 150)
    assert workshop.data.paper == "A4"
    assert workshop.data.participants.count == sum(p.count for p in workshop.data.participants.profiles) == 12
    assert [(g.id, g.scenarios) for g in workshop.data.groups] == [
        ("table-a", ["plateformes"]), ("table-b", ["communs"]), ("table-c", ["si-rien-ne-change"])]
    assert workshop.group_size() == 4  # 12 participants / 3 groups


def test_the_schedule_has_clock_times(study_dir: Path):
    [workshop] = load_study(study_dir).workshops
    schedule = [(item.index, item.method.id, item.start_text, item.end_text, item.format) for item in workshop.schedule]
    assert schedule == [
        (0, "accueil", "14:00", "14:10", "plenary"),
        (1, "et-si-rien-ne-changeait", "14:10", "14:30", "groups"),
        (2, "matrice-metiers", "14:30", "15:00", "groups"),
        (3, "vote-probabilite-desirabilite", "15:00", "15:15", "plenary"),
        (4, "retro-prospective", "15:15", "15:45", "groups"),
        (5, "soufflerie", "15:45", "16:15", "groups"),
        (6, "restitution", "16:15", "16:30", "plenary"),
    ]
    assert [m.id for m in workshop.methods] == [
        "accueil", "et-si-rien-ne-changeait", "matrice-metiers", "vote-probabilite-desirabilite",
        "retro-prospective", "soufflerie", "restitution"]


def test_methods_lists_each_method_once_in_order_of_first_use(study_dir: Path):
    edit(study_dir / PLAN, "  - method: restitution\n", "  - method: accueil\n")
    (study_dir / RESULTS).unlink()  # its signals and quotes come from the restitution's sheets
    [workshop] = load_study(study_dir).workshops
    assert [item.method.id for item in workshop.schedule][-1] == "accueil"
    assert [m.id for m in workshop.methods] == [
        "accueil", "et-si-rien-ne-changeait", "matrice-metiers", "vote-probabilite-desirabilite",
        "retro-prospective", "soufflerie"]


def test_activity_scenarios_and_personas(study_dir: Path):
    study = load_study(study_dir)
    [workshop] = study.workshops
    accueil, et_si, matrice, vote, _retro, _tunnel, restitution = workshop.schedule
    table_a, table_b, table_c = workshop.data.groups

    def ids(items):
        return [item.id for item in items]

    everything = ["si-rien-ne-change", "plateformes", "communs"]
    assert ids(activity_scenarios(study, accueil)) == everything  # scenarios: all
    assert ids(activity_scenarios(study, accueil, table_a)) == everything
    assert ids(activity_scenarios(study, et_si, table_a)) == ["si-rien-ne-change"]  # scenarios: [si-rien-ne-change]
    assert [ids(activity_scenarios(study, matrice, g)) for g in (table_a, table_b, table_c)] == [
        ["plateformes"], ["communs"], ["si-rien-ne-change"]]  # scenarios: groups
    assert ids(activity_scenarios(study, matrice)) == everything  # groups, without a group: all of them
    assert ids(activity_scenarios(study, restitution)) == []  # no scenarios field
    assert ids(activity_personas(study, matrice, table_a)) == ["odette"]  # personas: groups
    assert ids(activity_personas(study, vote, table_a)) == []


# --- errors in a plan -------------------------------------------------------------------


def test_unknown_method_suggests_the_right_one(study_dir: Path):
    edit(study_dir / PLAN, "method: matrice-metiers", "method: matrice-metier")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:35:13: unknown method 'matrice-metier' (did you mean 'matrice-metiers'?)"]


def test_unknown_scenario_in_a_group(study_dir: Path):
    edit(study_dir / PLAN, "scenarios: [plateformes]", "scenarios: [plateforme]")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:20:17: unknown scenario 'plateforme' (did you mean 'plateformes'?)"]


def test_unknown_scenario_in_an_activity(study_dir: Path):
    edit(study_dir / PLAN, "    scenarios: [si-rien-ne-change]\n  - method: matrice-metiers",
         "    scenarios: [si-rien-ne-changes]\n  - method: matrice-metiers")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:34:17: unknown scenario 'si-rien-ne-changes' (did you mean 'si-rien-ne-change'?)"]


def test_unknown_persona(study_dir: Path):
    edit(study_dir / PLAN, "personas: [odette]", "personas: [odete]")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:21:16: unknown persona 'odete' (did you mean 'odette'?)"]


def test_duplicate_group_id(study_dir: Path):
    edit(study_dir / PLAN, "id: table-c", "id: table-a")
    assert problems_of(study_dir) == ["workshops/atelier.yaml:25:9: duplicate id 'table-a' in groups"]


def test_durations_that_leave_a_gap(study_dir: Path):
    edit(study_dir / PLAN, 'end: "16:30"', 'end: "16:35"')
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:28:1: the agenda lasts 150 min but the session lasts 155 min (14:00 to 16:35): "
        "5 min are not planned"]


def test_durations_that_overrun(study_dir: Path):
    edit(study_dir / PLAN, 'end: "16:30"', 'end: "16:20"')
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:28:1: the agenda lasts 150 min but the session lasts 140 min (14:00 to 16:20): "
        "the agenda overruns by 10 min"]


def test_workshop_problems_speak_french(study_dir: Path):
    edit(study_dir / PLAN, 'end: "16:30"', 'end: "16:20"')
    configure("fr")
    try:
        assert problems_of(study_dir) == [
            "workshops/atelier.yaml:28:1: l'agenda dure 150 min mais la séance dure 140 min (14:00 à 16:20) : "
            "l'agenda dépasse de 10 min"]
    finally:
        configure(None)


def test_end_before_start(study_dir: Path):
    edit(study_dir / PLAN, 'end: "16:30"', 'end: "13:00"')
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:4:6: the session must end after it starts (14:00 to 13:00)"]


def test_unquoted_time_asks_for_quotes(study_dir: Path):
    edit(study_dir / PLAN, 'start: "14:00"', "start: 14:00")  # YAML 1.1: 14:00 is the number 840
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:3:8: field 'start': write the time in quotes, like \"14:00\""]


def test_profiles_must_add_up(study_dir: Path):
    edit(study_dir / PLAN, "      count: 8", "      count: 7")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:12:3: the profiles add up to 11 people but participants.count is 12"]


def test_more_groups_than_participants(study_dir: Path):
    edit(study_dir / PLAN, "  count: 12", "  count: 2")
    edit(study_dir / PLAN, "      count: 8", "      count: 1")
    edit(study_dir / PLAN, "      count: 4", "      count: 1")
    assert problems_of(study_dir) == ["workshops/atelier.yaml:17:1: 3 groups for 2 participants"]


def test_baseline_used_by_no_activity(study_dir: Path):
    plan = study_dir / PLAN
    edit(plan, "    duration: 10\n    scenarios: all\n", "    duration: 10\n")  # accueil
    edit(plan, "scenarios: [si-rien-ne-change]\n  - method: matrice", "scenarios: [plateformes]\n  - method: matrice")
    edit(plan, "scenarios: [si-rien-ne-change]\nagenda:", "scenarios: [communs]\nagenda:")  # table-c: no baseline
    edit(plan, "scenarios: all", "scenarios: [plateformes, communs]")  # the vote
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:28:1: the baseline 'si-rien-ne-change' is used by no activity"]


def test_baseline_given_to_a_group_counts_through_scenarios_groups(study_dir: Path):
    plan = study_dir / PLAN
    edit(plan, "    duration: 10\n    scenarios: all\n", "    duration: 10\n")
    edit(plan, "scenarios: [si-rien-ne-change]\n  - method: matrice", "scenarios: [plateformes]\n  - method: matrice")
    edit(plan, "scenarios: all", "scenarios: [plateformes, communs]")
    # only table-c's si-rien-ne-change, reached by matrice-metiers' `scenarios: groups`, is left
    assert load_study(study_dir).warnings == []


def test_unknown_field_in_a_group_suggests_the_right_one(study_dir: Path):
    edit(study_dir / PLAN, "    personas: [odette]\n", "    personas: [odette]\n    facilitateur: Lou\n")
    assert problems_of(study_dir) == [
        "workshops/atelier.yaml:22:5: unknown field 'facilitateur' (did you mean 'facilitator'?)"]


# --- the method library ------------------------------------------------------------------


def test_a_study_method_with_a_bad_method_file(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml",
          METHOD.replace("summary:", "sumary:").replace("format: groups", "format: atelier"))
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:2:1: unknown field 'sumary' (did you mean 'summary'?)",
        "templates/methods/mon-atelier/method.yaml:5:9: field 'format': 'atelier' is not one of the accepted values "
        "(groups, plenary)",
    ]


def test_a_method_range_with_min_above_max(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml",
          METHOD.replace("{min: 3, max: 8}", "{min: 8, max: 3}").replace("{min: 10, max: 20}", "{min: 30, max: 20}"))
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:6:13: 'group_size': min (8) is larger than max (3)",
        "templates/methods/mon-atelier/method.yaml:7:11: 'duration': min (30) is larger than max (20)",
    ]


def test_a_method_folder_name_is_its_id(study_dir: Path):
    write(study_dir / "templates/methods/Mon_Atelier/method.yaml", METHOD)
    assert problems_of(study_dir) == [
        "templates/methods/Mon_Atelier/method.yaml:1:1: 'Mon_Atelier' is not a valid method id "
        "(the folder name is the id)"]


def test_a_study_method_is_added_and_overrides_the_library(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD)
    write(study_dir / "templates/methods/matrice-metiers/method.yaml",
          METHOD.replace("name: Mon atelier", "name: Ma matrice").replace("{min: 10, max: 20}", "{min: 40, max: 45}"))
    (study_dir / RESULTS).unlink()  # the new matrix has no sheet for the impacts typed there
    study = load_study(study_dir)
    assert study.methods["mon-atelier"].folder == study_dir.resolve() / "templates/methods/mon-atelier"
    assert study.methods["matrice-metiers"].data.name.get("fr") == "Ma matrice"
    assert "accueil" in study.methods  # the rest of the library is still there
    assert [located(w, study_dir) for w in study.warnings] == [
        "workshops/atelier.yaml:36:15: warning: 30 min is outside the usual duration of 'matrice-metiers' (40-45 min)"]


# --- warnings: the study still loads ------------------------------------------------------


def test_duration_outside_the_method_range_is_a_warning(study_dir: Path):
    edit(study_dir / PLAN, "    duration: 10\n", "    duration: 5\n")  # accueil: 10-25 min
    edit(study_dir / PLAN, "method: restitution\n    duration: 15", "method: restitution\n    duration: 20")
    assert warnings_of(study_dir) == [
        "workshops/atelier.yaml:30:15: 5 min is outside the usual duration of 'accueil' (10-25 min)"]


def test_group_size_outside_the_method_range_is_a_warning(study_dir: Path):
    edit(study_dir / PLAN, "  count: 12", "  count: 9")  # 3 groups of 3; group methods want 4-8
    edit(study_dir / PLAN, "      count: 8", "      count: 5")
    assert warnings_of(study_dir) == [
        "workshops/atelier.yaml:32:13: groups of about 3 people for 'et-si-rien-ne-changeait', which works with "
        "4-8 people",
        "workshops/atelier.yaml:35:13: groups of about 3 people for 'matrice-metiers', which works with 4-8 people",
        "workshops/atelier.yaml:42:13: groups of about 3 people for 'retro-prospective', which works with 4-8 people",
        "workshops/atelier.yaml:45:13: groups of about 3 people for 'soufflerie', which works with 4-8 people",
    ]


# --- results ----------------------------------------------------------------------------


def test_the_fixture_results_are_read(study_dir: Path):
    [workshop] = load_study(study_dir).workshops
    results = workshop.results
    assert results.example is True
    assert list(results.groups) == ["table-a", "table-b"]
    table_a, table_b = results.groups["table-a"], results.groups["table-b"]
    assert table_a.ratings["plateformes"].probability == [2, 3, 4, 4]  # sorted, like an expanded tally
    assert table_a.ratings["si-rien-ne-change"].probability == [2, 4, 4, 5]  # tally {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert table_a.ratings["si-rien-ne-change"].desirability == [1, 1, 1, 2]  # tally {1: 3, 2: 1}
    assert table_a.impacts["educateur"]["plateformes"].change == "transforms"
    assert {key: (a.kind, a.territory, a.scenarios) for key, a in table_a.actions.items()} == {
        "a1": ("action", "Nord", {"plateformes": "works", "communs": "mixed", "si-rien-ne-change": "fails"}),
        "a2": ("experiment", None, {}),
    }
    assert [s.text.get("fr") for s in table_a.signals] == ["Une mairie ferme son accueil."]
    assert [(q.text.get("fr"), q.who) for q in table_a.quotes] == [("On ne veut pas parler à une machine.",
                                                                  "Une participante")]
    assert [t.get("fr") for t in table_b.baseline.lose] == ["Le lien avec les familles"]
    assert [t.get("fr") for t in table_b.baseline.keep] == ["Les visites à domicile"]


def test_a_tally_becomes_a_list_of_ratings(study_dir: Path):
    edit(study_dir / RESULTS, "{1: 3, 2: 1}", "{2: 1, 4: 2}")
    [workshop] = load_study(study_dir).workshops
    assert workshop.results.groups["table-a"].ratings["si-rien-ne-change"].desirability == [2, 4, 4]


def test_results_unknown_group(study_dir: Path):
    edit(study_dir / RESULTS, "  table-b:", "  table-z:")
    assert problems_of(study_dir) == ["results/atelier.yaml:33:3: unknown group 'table-z' (did you mean 'table-c'?)"]


def test_results_unknown_scenario_in_ratings(study_dir: Path):
    edit(study_dir / RESULTS, "      plateformes:\n        probability", "      plateforme:\n        probability")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:7:7: unknown scenario 'plateforme' (did you mean 'plateformes'?)"]


def test_results_unknown_profession_in_impacts(study_dir: Path):
    edit(study_dir / RESULTS, "educateur:", "educatrice:")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:14:7: unknown profession 'educatrice' (did you mean 'educateur'?)"]


def test_results_rating_out_of_range(study_dir: Path):
    edit(study_dir / RESULTS, "[3, 4, 2, 4]", "[3, 6, 2, 4]")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:8:22: field 'groups › table-a › ratings › plateformes › probability': ratings are whole "
        "numbers from 1 to 5, got [3, 6, 2, 4]"]


def test_results_bad_tally_key(study_dir: Path):
    edit(study_dir / RESULTS, "{1: 3, 2: 1}", "{0: 3, 2: 1}")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:12:23: field 'groups › table-a › ratings › si-rien-ne-change › desirability': '0' is not "
        "a rating: a tally counts the marks for 1, 2, 3, 4 and 5"]


def test_results_bad_verdict(study_dir: Path):
    edit(study_dir / RESULTS, "communs: mixed", "communs: bof")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:23:50: field 'groups › table-a › actions › a1 › scenarios › communs': 'bof' is not one "
        "of the accepted values (works, mixed, fails)"]


def test_results_bad_impact_change(study_dir: Path):
    edit(study_dir / RESULTS, "change: transforms", "change: grandit")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:16:19: field 'groups › table-a › impacts › educateur › plateformes › change': "
        "'grandit' is not one of the accepted values (grows, shrinks, transforms, appears)"]


def test_results_bad_action_id(study_dir: Path):
    edit(study_dir / RESULTS, "      a2:", "      A2:")
    assert problems_of(study_dir) == ["results/atelier.yaml:24:7: 'A2' is not a valid action id"]


# --- results from elsewhere (issue 9): tallies no memory could expand, text checked like the study's ----


def test_results_a_tally_of_10_15_people_is_refused_at_its_count(study_dir: Path):
    edit(study_dir / RESULTS, "{1: 3, 2: 1}", "{1: 1000000000000000, 2: 1}")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:12:27: field 'groups › table-a › ratings › si-rien-ne-change › desirability': "
        "1,000,000,000,000,000 people gave the rating 1, more than one group's tally may count (1,000,000)"]


def test_results_every_count_above_the_bound_is_reported_and_nothing_else_is_built(study_dir: Path):
    edit(study_dir / RESULTS, "{1: 0, 2: 1, 3: 0, 4: 2, 5: 1}", "{1: 0, 2: 1000001, 3: 0, 4: 2, '5': 10000000000}")
    edit(study_dir / RESULTS, "      a2:", "      A2:")  # a later problem of another kind is still reported
    assert problems_of(study_dir) == [
        "results/atelier.yaml:11:32: field 'groups › table-a › ratings › si-rien-ne-change › probability': "
        "1,000,001 people gave the rating 2, more than one group's tally may count (1,000,000)",
        "results/atelier.yaml:11:58: field 'groups › table-a › ratings › si-rien-ne-change › probability': "
        "10,000,000,000 people gave the rating 5, more than one group's tally may count (1,000,000)"]


def test_results_the_tallies_of_a_file_are_bounded_in_all(study_dir: Path):
    full = "{1: 1000000, 2: 1000000, 3: 1000000, 4: 1000000, 5: 1000000}"
    edit(study_dir / RESULTS, "[3, 4, 2, 4]", full)
    edit(study_dir / RESULTS, "[1, 2, 2, 1]", full)  # 10,000,000 marks: the most a file may count
    assert problems_of(study_dir) == [  # the next count, a 2 given by one person, is one too many
        "results/atelier.yaml:11:32: field 'groups › table-a › ratings › si-rien-ne-change › probability': "
        "the tallies of this file count more than 10,000,000 ratings in all"]


def test_results_a_tally_at_the_bound_is_read(study_dir: Path):
    edit(study_dir / RESULTS, "{1: 3, 2: 1}", "{1: 3, 5: 1000000}")
    [workshop] = load_study(study_dir).workshops
    assert len(workshop.results.groups["table-a"].ratings["si-rien-ne-change"].desirability) == 1_000_003


def test_results_text_goes_through_the_study_text_checks(study_dir: Path):
    """Every field of a results file that reaches the report: images, links and citations are checked, located."""
    edit(study_dir / RESULTS, "note: Résultats fictifs pour les tests.",
         "note: Voir ![carte](https://evil.example/pixel.png)")
    edit(study_dir / RESULTS, "comment: Moins de terrain, plus d'écran.", "comment: Moins de terrain [@inconnu]")
    edit(study_dir / RESULTS, "text: Un guichet humain dans chaque plateforme.",
         "text: Un guichet ![x](file:///etc/passwd)")
    edit(study_dir / RESULTS, "territory: Nord", "territory: \"[Nord](javascript:alert(1))\"")
    edit(study_dir / RESULTS, "text: Une mairie ferme son accueil.", "text: Une mairie ![plan](../../secret.png)")
    edit(study_dir / RESULTS, "where: Lille", "where: \"![](//evil.example/x.png)\"")
    edit(study_dir / RESULTS, "text: On ne veut pas parler à une machine.",
         "text: \"Une machine ![x](http://evil.example/track.gif?who=me)\"")
    edit(study_dir / RESULTS, "who: Une participante", "who: \"[@personne]\"")
    edit(study_dir / RESULTS, "lose: [Le lien avec les familles]", "lose: [\"![](assets/nope.png)\"]")
    assert problems_of(study_dir) == [
        "results/atelier.yaml:2:7: refused URL 'https://evil.example/pixel.png': only relative paths to the "
        "study's assets are allowed",
        "results/atelier.yaml:17:20: citation [@inconnu] names no source",
        "results/atelier.yaml:20:15: refused URL 'file:///etc/passwd': only relative paths to the study's assets "
        "are allowed",
        "results/atelier.yaml:22:20: refused URL 'javascript:alert(1)': links may only be http(s), mailto or "
        "#anchors",
        "results/atelier.yaml:28:15: refused URL '../../secret.png': the file is outside the study's assets/ "
        "folder",
        "results/atelier.yaml:29:16: refused URL '//evil.example/x.png': only relative paths to the study's "
        "assets are allowed",
        "results/atelier.yaml:31:15: refused URL 'http://evil.example/track.gif?who=me': only relative paths to "
        "the study's assets are allowed",
        "results/atelier.yaml:32:14: citation [@personne] names no source",
        "results/atelier.yaml:36:14: refused URL 'assets/nope.png': no such file",
    ]


def test_results_an_image_of_the_study_assets_is_accepted(study_dir: Path):
    write(study_dir / "assets" / "photo.png", "not really a picture, but a file")
    edit(study_dir / RESULTS, "text: Une mairie ferme son accueil.", "text: Une mairie ![accueil](assets/photo.png)")
    [workshop] = load_study(study_dir).workshops
    assert workshop.results.groups["table-a"].signals[0].text.get("fr") == "Une mairie ![accueil](assets/photo.png)"


def test_results_raw_html_passes_the_check_as_text(study_dir: Path):
    """HTML is not a link nor an image: the report escapes it (tests/synthesis/test_report.py shows it)."""
    edit(study_dir / RESULTS, "text: On ne veut pas parler à une machine.", "text: <script>alert(1)</script>")
    [workshop] = load_study(study_dir).workshops
    assert workshop.results.groups["table-a"].quotes[0].text.get("fr") == "<script>alert(1)</script>"


def test_results_control_characters_in_ids_never_reach_the_terminal(study_dir: Path):
    """Written as YAML escapes (a raw one is no YAML): refused where they are, printed escaped if quoted."""
    edit(study_dir / RESULTS, "  table-b:", '  "table-\\e]0;owned\\a\\u202eb":')
    edit(study_dir / RESULTS, "      a2:", '      "a\\e[2J":')
    result = run("check", str(study_dir))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert errors and all(line.startswith(f"{study_dir / RESULTS}:") for line in errors[:-1])
    assert not set(result.stderr) & {"\x1b", "\x07", "\u202e"}


# --- the shipped plan -------------------------------------------------------------------


def test_the_shipped_plan():
    study = load_study(SHIPPED)
    assert study.warnings == []
    workshop = next(w for w in study.workshops if w.id == "demi-journee-colloque")
    assert [w.id for w in study.workshops] == ["decouverte-90-minutes", "demi-journee-colloque", "journee-complete"]
    assert workshop.data.participants.count == 30
    assert len(workshop.data.groups) == 5
    assert sum(item.activity.duration for item in workshop.schedule) == workshop.length == 210
    assert (workshop.schedule[0].start_text, workshop.schedule[-1].end_text) == ("09:00", "12:30")
    assert (workshop.data.start, workshop.data.end) == ("09:00", "12:30")
    for scenario in study.alternatives:  # every contrasted scenario is taken by exactly one group
        assert len([g for g in workshop.data.groups if scenario.id in g.scenarios]) == 1, scenario.id
    baseline = study.baseline.id
    used = {s.id for item in workshop.schedule for group in workshop.data.groups
            for s in activity_scenarios(study, item, group)}
    assert baseline in used
    assert used == {s.id for s in study.scenarios}
    # a room, not a programme: at most four exercises, each at least at its method's minimum, none squeezed
    # to it all at once; the first group exercise leaves time to read the table's scenario
    frame = {"accueil", "pause", "restitution", "cloture"}  # the day's frame, not exercises
    exercises = [item for item in workshop.schedule if item.method.id not in frame]
    assert len(exercises) <= 4, [item.method.id for item in exercises]
    assert sum(item.activity.duration > item.method.data.duration.min for item in exercises) >= 3
    first = next(item for item in workshop.schedule if item.format == "groups")
    assert "Lecture" in first.title.get("fr", "fr") and first.activity.duration >= first.method.data.duration.min + 10


# --- known bugs -------------------------------------------------------------------------


def test_an_impossible_date_is_a_located_problem(study_dir: Path):
    edit(study_dir / PLAN, "date: 2026-06-11", "date: 2026-13-45")
    [problem] = problems_of(study_dir)
    assert problem.startswith("workshops/atelier.yaml:2:7: ")


# --- captures: one description of what a method's groups write down ------------------------

CAPTURE = """
    capture:
      - results: signals
        title: Signaux
        intro: Un signal par ligne.
        fields:
          - key: text
            label: Signal
          - key: where
            label: Où
"""


def test_results_with_no_activity_that_captures_them(study_dir: Path):
    edit(study_dir / PLAN, "  - method: soufflerie\n    duration: 30\n", "")
    edit(study_dir / PLAN, 'end: "16:30"', 'end: "16:00"')
    assert problems_of(study_dir) == [
        "results/atelier.yaml:23:9: field 'actions › a1 › scenarios' holds results of a sheet that no activity "
        "of the agenda prints (verdicts)"]


def test_a_capture_field_the_results_section_does_not_have(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml",
          METHOD + CAPTURE.replace("key: where", "key: ou"))
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:14:5: the sheet for 'signals' has no place for: where",
        "templates/methods/mon-atelier/method.yaml:20:14: 'ou' is not a field of the results section 'signals'",
    ]


def test_capture_marks_must_be_the_values_the_results_accept(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD + """
    capture:
      - results: impacts
        title: Métiers
        intro: Cochez.
        rows: professions
        fields:
          - key: change
            label: Il…
            marks: [{key: grows, label: grandit}, {key: dies, label: disparaît}]
          - key: comment
            label: Pourquoi
            scale: 5
""")
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:21:16: the boxes of 'change' must be exactly: grows, shrinks, "
        "transforms, appears (found: grows, dies)",
        "templates/methods/mon-atelier/method.yaml:24:16: 'comment' of 'impacts' is not counted on a scale",
    ]


def test_a_group_method_with_outputs_needs_a_sheet(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD + "    outputs: [Une liste.]\n")
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:12:1: this group method lists outputs but has no capture sheet "
        "to write them on"]
    write(study_dir / "templates/methods/mon-atelier/method.yaml", METHOD + "    outputs: [Une liste.]\n" + CAPTURE)
    assert "mon-atelier" in load_study(study_dir).methods


def test_a_step_naming_a_sheet_the_method_does_not_have(study_dir: Path):
    write(study_dir / "templates/methods/mon-atelier/method.yaml",
          METHOD.replace("Faire quelque chose.", "Recopier sur {sheet}."))
    assert problems_of(study_dir) == [
        "templates/methods/mon-atelier/method.yaml:11:11: this step names the method's capture sheet ({sheet}) "
        "but the method has none"]


def test_every_section_of_the_results_has_a_method_of_the_library_that_captures_it():
    study = load_study(SHIPPED)
    captured = {capture.results for method in study.methods.values() for capture in method.data.capture}
    assert captured == set(CAPTURE_SECTIONS)


def test_capture_marks_and_the_results_models_accept_the_same_values():
    """The sheet's boxes and the results file's validation are one description seen twice."""
    def accepted(model, field):
        return {str(v) for v in get_args(get_args(model.model_fields[field].annotation)[0]) or
                get_args(model.model_fields[field].annotation)}
    assert accepted(Impact, "change") == set(CAPTURE_SECTIONS["impacts"]["change"])
    assert accepted(Action, "kind") == set(CAPTURE_SECTIONS["actions"]["kind"])
    assert accepted(Consequence, "sign") == set(CAPTURE_SECTIONS["wheels"]["sign"])
    assert accepted(Consequence, "ring") == set(CAPTURE_SECTIONS["wheels"]["ring"])
    verdicts = get_args(Action.model_fields["scenarios"].annotation)[1]
    assert set(get_args(verdicts)) == set(CAPTURE_SECTIONS["verdicts"]["verdict"])
