"""`prospective import`: ratings from a CSV file into a workshop's results file."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers import run, write
from tests.synthesis.plans import without_activities
from toolkit.errors import InputError, Location, Problem

RESULTS = Path("workshop/results/atelier.yaml")

# What tests/fixtures/csv/ratings.csv (and its French twin notes-fr.csv) says, counted by hand.
EXPECTED = {
    "table-a": {
        "plateformes": {"probability": {1: 0, 2: 0, 3: 1, 4: 1, 5: 0},
                        "desirability": {1: 1, 2: 1, 3: 0, 4: 0, 5: 0}},
        "communs": {"probability": {1: 0, 2: 2, 3: 0, 4: 0, 5: 0},
                    "desirability": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}},  # one person left it empty
    },
    "table-b": {
        "communs": {"probability": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1},
                    "desirability": {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}},
        "si-rien-ne-change": {"probability": {1: 0, 2: 0, 3: 1, 4: 0, 5: 0},
                              "desirability": {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}},
    },
}


def import_csv(name: str, workshop: str = "atelier"):
    return run("import", "workshop", "--workshop", workshop, name)


def results() -> dict:
    return yaml.safe_load(RESULTS.read_text(encoding="utf-8"))


def ratings(group: str) -> dict:
    return results()["groups"][group]["ratings"]


# --- good files ------------------------------------------------------------------------


def test_help_documents_the_csv_format():
    result = run("import", "--help")
    assert result.exit_code == 0
    assert "Usage: prospective import [OPTIONS] STUDY FILE" in result.output
    assert "group,scenario,probability,desirability,participant" in result.output
    for french in ("groupe", "scénario", "probabilité", "désirabilité", "participant·e"):
        assert french in result.output
    assert "semicolon" in result.output and "CSV UTF-8" in result.output


def test_comma_file_becomes_tallies(project: Path):
    result = import_csv("ratings.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ratings.csv: 6 rows, 11 ratings",
        "  table-a: 7 ratings on 2 scenarios",
        "  table-b: 4 ratings on 2 scenarios",
        "workshop/results/atelier.yaml: updated (the ratings of these groups replaced, the rest kept)",
    ]
    assert {group: ratings(group) for group in EXPECTED} == EXPECTED
    assert run("check", "workshop").exit_code == 0


def test_tallies_are_written_one_line_each_with_five_keys(project: Path):
    assert import_csv("ratings.csv").exit_code == 0
    text = RESULTS.read_text(encoding="utf-8")
    assert ("    ratings:\n"
            "      plateformes:\n"
            "        probability: {1: 0, 2: 0, 3: 1, 4: 1, 5: 0}\n"
            "        desirability: {1: 1, 2: 1, 3: 0, 4: 0, 5: 0}\n"
            "      communs:\n") in text


def test_semicolons_french_headers_bom_and_crlf(project: Path):
    raw = Path("notes-fr.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n" in raw  # what the fixture is for
    result = import_csv("notes-fr.csv")
    assert result.exit_code == 0, result.output
    assert "notes-fr.csv: 6 rows, 11 ratings" in result.stdout
    assert {group: ratings(group) for group in EXPECTED} == EXPECTED  # `Table-A` is table-a


def test_decimal_looking_whole_numbers_are_accepted(project: Path):
    write(Path("form.csv"), """
        Group ; Scenario ; Probability ; Desirability
        table-c;communs;4,0;2.0
    """)
    result = import_csv("form.csv")
    assert result.exit_code == 0, result.output
    assert ratings("table-c") == {"communs": {"probability": {1: 0, 2: 0, 3: 0, 4: 1, 5: 0},
                                              "desirability": {1: 0, 2: 1, 3: 0, 4: 0, 5: 0}}}


def test_everything_else_and_comments_are_kept(project: Path):
    text = RESULTS.read_text(encoding="utf-8")
    text = "# Atelier du 11 juin, saisi par Marie\n" + text
    text = text.replace("    impacts:\n", "    # impacts typed by hand from the posters\n    impacts:\n")
    text = text.replace("    ratings:\n", "    ratings:  # sheet groups.table-a.ratings\n", 1)
    text += "    # table-b: ratings to come\n# end of the results\n"
    RESULTS.write_text(text, encoding="utf-8")
    before = results()

    assert import_csv("ratings.csv").exit_code == 0
    after_text = RESULTS.read_text(encoding="utf-8")
    for comment in ("# Atelier du 11 juin, saisi par Marie\n", "    # impacts typed by hand from the posters\n",
                    "    ratings:  # sheet groups.table-a.ratings\n",
                    "    # table-b: ratings to come\n# end of the results\n"):
        assert comment in after_text
    after = results()
    assert {key: after[key] for key in ("example", "note")} == {"example": True, "note": before["note"]}
    for group in ("table-a", "table-b"):
        kept = {key: value for key, value in before["groups"][group].items() if key != "ratings"}
        assert {key: value for key, value in after["groups"][group].items() if key != "ratings"} == kept
    assert after["groups"]["table-a"]["quotes"] == [{"text": "On ne veut pas parler à une machine.",
                                                    "who": "Une participante"}]
    assert after["groups"]["table-a"]["impacts"]["educateur"]["plateformes"]["change"] == "transforms"
    assert without_ratings(after_text) == without_ratings(text)  # the rest is byte for byte what it was


def without_ratings(text: str) -> str:
    """The text of a results file without its `ratings:` blocks."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        if line.startswith("    ratings:"):
            skipping = True
            continue
        if skipping and indent <= 4 and line.strip():
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


def test_reimport_replaces_the_ratings_and_never_adds_up(project: Path):
    assert import_csv("ratings.csv").exit_code == 0
    once = RESULTS.read_bytes()
    assert import_csv("ratings.csv").exit_code == 0
    assert RESULTS.read_bytes() == once
    assert import_csv("notes-fr.csv").exit_code == 0
    assert RESULTS.read_bytes() == once


def test_import_replaces_only_the_groups_in_the_file(project: Path):
    assert "si-rien-ne-change" in ratings("table-a")  # typed by hand before the import
    write(Path("table-b.csv"), """
        group,scenario,probability,desirability
        table-b,plateformes,1,1
    """)
    assert import_csv("ratings.csv").exit_code == 0
    assert import_csv("table-b.csv").exit_code == 0
    assert "si-rien-ne-change" not in ratings("table-a")  # replaced by the first import
    assert ratings("table-a") == EXPECTED["table-a"]  # untouched by the second one
    assert ratings("table-b") == {"plateformes": {"probability": {1: 1, 2: 0, 3: 0, 4: 0, 5: 0},
                                                  "desirability": {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}}}


def test_a_missing_results_file_is_created(project: Path):
    RESULTS.unlink()
    result = import_csv("ratings.csv")
    assert result.exit_code == 0, result.output
    assert "workshop/results/atelier.yaml: created" in result.stdout
    text = RESULTS.read_text(encoding="utf-8")
    assert text.startswith("# Ratings imported from ratings.csv by prospective import\ngroups:\n  table-a:\n")
    assert results() == {"groups": {group: {"ratings": by_scenario} for group, by_scenario in EXPECTED.items()}}
    assert run("check", "workshop").exit_code == 0


def test_a_new_group_goes_in_the_order_of_the_plan(project: Path):
    write(RESULTS, """
        groups:
          table-a:
            scenarios: [plateformes]
          table-c:
            scenarios: [si-rien-ne-change]
    """)
    write(Path("table-b.csv"), """
        group,scenario,probability,desirability
        table-b,communs,3,3
    """)
    assert import_csv("table-b.csv").exit_code == 0
    assert list(results()["groups"]) == ["table-a", "table-b", "table-c"]
    assert results()["groups"]["table-c"] == {"scenarios": ["si-rien-ne-change"]}


# --- bad files: every problem, located, nothing written ----------------------------------


def assert_refused(result, problems: list[str], before: bytes) -> None:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert errors == [*problems, f"{len(problems)} problem(s) found: nothing was written."]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert RESULTS.read_bytes() == before


def test_every_bad_row_is_reported_at_its_row_and_column(project: Path):
    before = RESULTS.read_bytes()
    assert_refused(import_csv("bad-rows.csv"), [
        "bad-rows.csv:3:1: error: column 'group': unknown group 'tabel-a' (did you mean 'table-a'?)",
        "bad-rows.csv:4:2: error: column 'scenario': unknown scenario 'plateform' (did you mean 'plateformes'?)",
        "bad-rows.csv:5:3: error: column 'probability': '7' is not a rating from 1 to 5",
        "bad-rows.csv:6:4: error: column 'desirability': 'beaucoup' is not a whole number",
        "bad-rows.csv:7:3: error: column 'probability': '2.5' is not a whole number",
        "bad-rows.csv:7:4: error: column 'desirability': '0' is not a rating from 1 to 5",
        "bad-rows.csv:8:6: error: this row has 6 cells but the header has 5",
        "bad-rows.csv:9:4: error: this row has 3 cells but the header has 5",
        "bad-rows.csv:10:1: error: column 'group' is empty: every row names its group",
    ], before)


def test_hints_list_the_plan_groups_and_the_study_scenarios(project: Path):
    stderr = import_csv("bad-rows.csv").stderr
    assert "    hint: groups of workshop 'atelier': table-a, table-b, table-c" in stderr
    assert "    hint: scenarios of this study: si-rien-ne-change, plateformes, communs" in stderr


def test_rows_are_counted_like_a_spreadsheet_not_like_lines(project: Path):
    """bad-rows.csv has a cell on two lines in row 2: row 3 starts on line 4 of the file."""
    assert Path("bad-rows.csv").read_text(encoding="utf-8").splitlines()[3].startswith("tabel-a,")
    assert "bad-rows.csv:3:1: error: column 'group': unknown group 'tabel-a'" in import_csv("bad-rows.csv").stderr


def test_missing_columns_and_a_misspelt_one(project: Path):
    """An unknown column is ignored, but a missing one is refused, pointing at a column that looks like it."""
    before = RESULTS.read_bytes()
    found = "(columns found: groupe, scenario, probabilty, participant)"
    assert_refused(import_csv("bad-header.csv"), [
        f"bad-header.csv:1:1: error: missing column 'desirability' {found}",
        f"bad-header.csv:1:1: error: missing column 'probability' {found} (is column 3, 'probabilty', meant to be it?)",
        "bad-header.csv:2:2: error: column 'scenario': unknown scenario 'comuns' (did you mean 'communs'?)",
    ], before)


def test_repeated_and_unnamed_columns(project: Path):
    write(Path("twice.csv"), """
        group;scenario;probability;probabilité;;desirability
        table-a;communs;3;3;;4
    """)
    before = RESULTS.read_bytes()
    assert_refused(import_csv("twice.csv"), [
        "twice.csv:1:4: error: column 'probabilité' repeats column 'probability' (column 3)",
    ], before)
    write(Path("unnamed.csv"), """
        group;scenario;probability;;desirability;E-mail
        table-a;communs;3;x;4;awa@example.org
    """)
    result = import_csv("unnamed.csv")
    assert result.exit_code == 0, result.output
    assert "  ignored columns: column 4 (no name), E-mail" in result.stdout.splitlines()


def test_a_file_that_is_not_utf8(project: Path):
    before = RESULTS.read_bytes()
    result = import_csv("latin1.csv")
    assert_refused(result, ["latin1.csv:2:22: error: the file is not UTF-8 text (byte 0xe9 cannot be read)"], before)
    assert 'hint: save the sheet as "CSV UTF-8"' in result.stderr


def test_a_workbook_an_empty_file_or_no_rating(project: Path):
    before = RESULTS.read_bytes()
    Path("ratings.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    assert_refused(import_csv("ratings.xlsx"),
                   ["ratings.xlsx:1:1: error: this is a spreadsheet workbook (.xlsx or .ods), not a CSV file"], before)
    Path("empty.csv").write_text("\n;;;\n", encoding="utf-8")
    assert_refused(import_csv("empty.csv"), [
        "empty.csv:1:1: error: the file is empty: it needs a header row, then one row per person and scenario or "
        "one row per respondent",
    ], before)
    write(Path("header-only.csv"), """
        group,scenario,probability,desirability
        table-a,communs,,
    """)
    assert_refused(import_csv("header-only.csv"), [
        "header-only.csv:1:1: error: no rating in this file: after the header, each row rates one scenario "
        "(probability and desirability) from 1 to 5",
    ], before)


def test_a_bad_file_does_not_create_the_results_file(project: Path):
    RESULTS.unlink()
    assert import_csv("bad-rows.csv").exit_code == 1
    assert not RESULTS.exists()


# --- usage errors and the safety net -------------------------------------------------------


def test_unknown_workshop_is_a_usage_error(project: Path):
    result = import_csv("ratings.csv", workshop="ateleir")
    assert result.exit_code == 2
    assert "no workshop 'ateleir' in workshop (did you mean 'atelier'?); workshops: atelier" in result.stderr


def test_missing_workshop_option_study_or_file_are_usage_errors(project: Path):
    assert run("import", "workshop", "ratings.csv").exit_code == 2
    assert run("import", "--workshop", "atelier").exit_code == 2
    assert run("import", "workshop", "--workshop", "atelier", "nope.csv").exit_code == 2
    result = run("import", "wrokshop", "--workshop", "atelier", "ratings.csv")
    assert result.exit_code == 2 and "no study 'wrokshop'" in result.stderr


def test_a_results_file_that_fails_validation_is_put_back(project: Path, monkeypatch):
    """Should the written file not load (a bug), the previous one is restored and nothing half-written stays."""
    import toolkit.synthesis.importer

    def refuse(folder):
        raise InputError([Problem(Location(Path(folder) / "results/atelier.yaml", 3, 1), "broken")])

    monkeypatch.setattr(toolkit.synthesis.importer, "load_study", refuse)
    before = RESULTS.read_bytes()
    result = import_csv("ratings.csv")
    assert result.exit_code == 1
    assert "the imported results did not pass validation" in result.stderr and "broken" in result.stderr
    assert "Traceback" not in result.output
    assert RESULTS.read_bytes() == before
    assert sorted(path.name for path in RESULTS.parent.iterdir()) == ["atelier.yaml"]  # no temporary file left
    RESULTS.unlink()
    assert import_csv("ratings.csv").exit_code == 1
    assert not RESULTS.exists()


# --- the columns come from the vote's capture sheet --------------------------------------------


def test_the_capture_labels_name_the_rating_columns(project: Path):
    """The sheet's labels, as printed (`Probabilité (gommettes bleues)`), or shortened, with or without accents."""
    write(Path("labels.csv"), """
        Groupe;Scénario;Probabilité (gommettes bleues);DESIRABILITE
        table-a;plateformes;4;2
        table-a;plateformes;3;1
        table-a;communs;2;5
        table-a;communs;2;
        table-b;communs;5;4
        table-b;si-rien-ne-change;3;1
    """)
    result = import_csv("labels.csv")
    assert result.exit_code == 0, result.output
    assert {group: ratings(group) for group in EXPECTED} == EXPECTED


def test_a_study_s_own_vote_names_and_bounds_its_columns(project: Path):
    """A study's vote with other labels and a 4-point desirability: its labels name the columns, its scale bounds."""
    library = Path(__file__).resolve().parents[2] / "templates/methods/vote-probabilite-desirabilite/method.yaml"
    text = library.read_text(encoding="utf-8")
    for old, new in (("label: Probabilité (gommettes bleues)", "label: Vraisemblance"),
                     ("label: Désirabilité (gommettes orange)\n        scale: 5",
                      "label: {fr: Souhaitable, en: Wished for}\n        scale: 4")):
        assert old in text, old
        text = text.replace(old, new)
    own = Path("workshop/templates/methods/vote-probabilite-desirabilite/method.yaml")
    own.parent.mkdir(parents=True)
    own.write_text(text, encoding="utf-8")
    before = RESULTS.read_bytes()
    write(Path("own.csv"), """
        group,scenario,vraisemblance,wished for
        table-a,communs,5,4
        table-b,communs,3,5
    """)
    assert_refused(import_csv("own.csv"), ["own.csv:3:4: error: column 'wished for': '5' is not a rating from 1 to 4"],
                   before)
    assert "missing column 'probability'" in import_csv("notes-fr.csv").stderr  # the library's label, not this vote's
    write(Path("own.csv"), """
        group,scenario,vraisemblance,Souhaitable
        table-a,communs,5,4
    """)
    assert import_csv("own.csv").exit_code == 0
    assert ratings("table-a")["communs"] == {"probability": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1},
                                            "desirability": {1: 0, 2: 0, 3: 0, 4: 1}}  # a key per value of its scale
    result = import_csv("ratings.csv")  # the fields' keys always name their columns; a 5 is off this scale
    assert result.exit_code == 1 and "unknown column" not in result.stderr
    assert "ratings.csv:4:4: error: column 'desirability': '5' is not a rating from 1 to 4" in result.stderr


def test_a_workshop_without_a_vote_has_nothing_to_import_into(project: Path):
    without_activities(Path("workshop"), "vote-probabilite-desirabilite")
    results = yaml.safe_load(RESULTS.read_text(encoding="utf-8"))
    for group in results["groups"].values():
        group.pop("ratings", None)
    RESULTS.write_text(yaml.safe_dump(results, allow_unicode=True), encoding="utf-8")
    before = RESULTS.read_bytes()
    result = import_csv("ratings.csv")
    assert result.exit_code == 1
    assert ("workshop/workshops/atelier.yaml:1:1: error: no activity of the agenda of workshop 'atelier' captures "
            "ratings: there is nothing to import them into") in result.stderr
    assert "hint: add a vote to the agenda (vote-probabilite-desirabilite)" in result.stderr
    assert RESULTS.read_bytes() == before
