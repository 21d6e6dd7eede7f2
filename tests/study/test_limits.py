"""Hostile study files (issue 9): every bound of the loader and the model is a located problem.

Each case writes one hostile input into a copy of a fixture study and runs `prospective check`
in-process: the exact exit code, the exact located messages (paths relative to the study),
a hint for each, no traceback, no internal error, and nothing written in the study or beside it.
The bounds are those of toolkit/limits.py; raising one through its environment variable is
checked in a fresh process, as the limits are read once at import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import NARRATIVE, ROOT, copy_fixture, edit, run, write
from toolkit.limits import MAX_ID_CHARS, MAX_TEXT_CHARS, MAX_YAML_DEPTH, MAX_YAML_NODES, MIB

PLATEFORMES = "scenarios/plateformes.yaml"

SIZE_HINT = ("a long scenario is about 20 KB: check that this is the right file; to raise the bound, set the "
             "environment variable PROSPECTIVE_MAX_YAML_BYTES (in bytes)")
NODES = f"the file holds more than {MAX_YAML_NODES:,} values (aliases expanded)"
NODES_HINT = ("a whole study holds a few thousand: check the file (aliases repeated inside repeated aliases multiply "
              "the values); to raise the bound, set the environment variable PROSPECTIVE_MAX_YAML_NODES")
DEPTH = f"values nested more than {MAX_YAML_DEPTH} levels deep (aliases expanded)"
CHARACTER_HINT = ("remove it (it may come from a copy and paste or a word processor): a study file is plain text; "
                  "is this the right file?")
UTF8_HINT = "save the file as UTF-8 text in your editor: is it a text file at all?"
PLAIN_HINT = "a study file holds plain values: texts, numbers, true/false, dates, lists and mappings"
SYNTAX_HINT = "check indentation and quoting around this line"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` and beside it, with its size and modification time."""
    return {str(path.relative_to(folder.parent)): (path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in sorted(folder.parent.rglob("*"))}


def check(folder: Path) -> tuple[int, list[str]]:
    """`prospective check FOLDER`: its exit code and its stderr lines, paths shown relative to the folder.

    Whatever the input: no traceback, no internal error (exit 3), nothing written.
    """
    before = snapshot(folder)
    result = run("check", str(folder))
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code in (0, 1), output
    assert snapshot(folder) == before
    return result.exit_code, result.stderr.replace(f"{folder.resolve()}/", "").splitlines()


def refused(folder: Path, *problems: str) -> list[str]:
    """The check fails with exactly these located errors, each followed by a hint; the hints are returned."""
    code, lines = check(folder)
    assert code == 1, lines
    assert lines[-1] == f"{len(problems)} problem(s) found: nothing was written."
    errors = [line for line in lines if not line.startswith("    hint: ")][:-1]
    assert errors == list(problems)
    hints = [line for line in lines if line.startswith("    hint: ")]
    assert len(hints) == len(problems)
    return [hint.removeprefix("    hint: ") for hint in hints]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return copy_fixture("mini", tmp_path / "studies")


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    return copy_fixture("workshop", tmp_path / "studies")


# --- the file: size, bytes, characters --------------------------------------------------------


def test_a_20_mb_file_is_refused_by_its_size_unread(mini: Path):
    with (mini / PLATEFORMES).open("r+b") as stream:
        stream.truncate(20 * MIB)  # 20 MB of NUL bytes, never read
    assert refused(mini, f"{PLATEFORMES}:1:1: error: the file is 20.0 MB, more than the 4.0 MB a study "
                         "file may hold") == [SIZE_HINT]


def test_a_file_just_over_the_size_is_refused(mini: Path):
    (mini / PLATEFORMES).write_text("# " + "x" * (4 * MIB - 2) + "\n", encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:1: error: the file is 4.0 MB, more than the 4.0 MB a study "
                         "file may hold") == [SIZE_HINT]


def test_the_size_bound_is_raised_by_its_environment_variable(mini: Path):
    (mini / PLATEFORMES).write_text((mini / PLATEFORMES).read_text(encoding="utf-8") + "#" * 200 + "\n",
                                    encoding="utf-8")
    command = [sys.executable, "-m", "toolkit", "check", str(mini)]
    lowered = {**os.environ, "PROSPECTIVE_MAX_YAML_BYTES": "300"}
    process = subprocess.run(command, capture_output=True, text=True, env=lowered, cwd=ROOT, timeout=60, check=False)
    assert process.returncode == 1
    size = (mini / PLATEFORMES).stat().st_size
    assert f"plateformes.yaml:1:1: error: the file is {size} bytes, more than the 300 bytes a study file may hold" \
        in process.stderr
    process = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert process.returncode == 0, process.stderr


def test_a_nul_byte(mini: Path):
    edit(mini / PLATEFORMES, "L'algorithme", "L'algo\x00rithme")
    assert refused(mini, f"{PLATEFORMES}:3:16: error: the file holds NUL (U+0000), which YAML does not "
                         "allow") == [CHARACTER_HINT]


def test_an_escape_character_written_raw(mini: Path):
    edit(mini / PLATEFORMES, "Qui décide ?", "Qui \x1b[31mdécide ?")
    assert refused(mini, f"{PLATEFORMES}:11:9: error: the file holds ESC (U+001B), which YAML does not "
                         "allow") == [CHARACTER_HINT]


def test_a_nul_written_as_an_escape(mini: Path):
    edit(mini / PLATEFORMES, "tagline: L'algorithme oriente", 'tagline: "L\'algorithme\\0 oriente"')
    assert refused(mini, f"{PLATEFORMES}:3:10: error: the text holds NUL (U+0000), written as an escape, "
                         "which a study may not hold") == [
        "remove the escape sequence (like \\0, \\x1b or \\ud800) from this text"]


def test_a_lone_surrogate_written_as_an_escape(mini: Path):
    edit(mini / PLATEFORMES, "tagline: L'algorithme oriente", 'tagline: "L\'algorithme \\ud800"')
    assert refused(mini, f"{PLATEFORMES}:3:26: error: YAML syntax error: while parsing a quoted scalar; found "
                         "invalid Unicode character escape code") == [SYNTAX_HINT]


def test_a_non_character(mini: Path):
    edit(mini / PLATEFORMES, "Qui décide ?", "Qui \ufffe décide ?")
    assert refused(mini, f"{PLATEFORMES}:11:9: error: the file holds a non-character (U+FFFE), which YAML does "
                         "not allow")


def test_a_binary_file(mini: Path):
    (mini / PLATEFORMES).write_bytes(bytes(range(256)) * 64)
    assert refused(mini, f"{PLATEFORMES}:2:118: error: the file is not valid UTF-8 (invalid start byte)") == [
        UTF8_HINT]


def test_a_utf16_file(mini: Path):
    (mini / PLATEFORMES).write_bytes((mini / PLATEFORMES).read_text(encoding="utf-8").encode("utf-16"))
    assert refused(mini, f"{PLATEFORMES}:1:1: error: the file is not valid UTF-8 (invalid start byte)") == [
        UTF8_HINT]


def test_a_byte_order_mark_is_read_and_positions_are_as_editors_show_them(mini: Path):
    text = (mini / PLATEFORMES).read_text(encoding="utf-8")
    (mini / PLATEFORMES).write_text("\ufeff" + text, encoding="utf-8")
    assert check(mini)[0] == 0
    (mini / PLATEFORMES).write_text("\ufeff" + text.replace("title:", "titel:"), encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:1: error: unknown field 'titel' (did you mean 'title'?)") == [
        "rename `titel` to `title`"]  # one mistake, one message (not also a missing `title`)


def test_a_pipe_is_refused_without_waiting_for_it(mini: Path):
    (mini / PLATEFORMES).unlink()
    os.mkfifo(mini / PLATEFORMES)
    assert refused(mini, f"{PLATEFORMES}:1:1: error: this is not a regular file (a device, a pipe or a "
                         "socket?)") == ["a study file is a text file: put the YAML file itself here"]


# --- the YAML: syntax, tags, aliases, depth, counts -------------------------------------------------


def test_tabs_for_indentation(mini: Path):
    edit(mini / PLATEFORMES, "  numerique: plateformes", "\tnumerique: plateformes")
    assert refused(mini, f"{PLATEFORMES}:7:1: error: YAML syntax error: a tab indents this line, and YAML indents "
                         "with spaces only") == ["replace the tab with spaces"]


def test_a_python_tag_builds_nothing(mini: Path):
    edit(mini / PLATEFORMES, "tagline: L'algorithme oriente", "tagline: !!python/object/apply:os.system ['touch x']")
    assert refused(mini, f"{PLATEFORMES}:3:10: error: YAML error: could not determine a constructor for the tag "
                         "'tag:yaml.org,2002:python/object/apply:os.system'") == [PLAIN_HINT]


def test_a_set_tag_on_a_mapping(mini: Path):
    edit(mini / PLATEFORMES, "picks:\n", "picks: !!set\n")
    assert refused(mini, f"{PLATEFORMES}:5:8: error: YAML error: could not determine a constructor for the tag "
                         "'tag:yaml.org,2002:set'")


def test_billion_laughs(mini: Path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (mini / PLATEFORMES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:56: error: {NODES}") == [NODES_HINT]


def test_merge_keys_of_aliases_multiplying(mini: Path):
    lines = ["a0: &a0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}"]
    for level in range(1, 12):
        lines.append(f"a{level}: &a{level} {{<<: [" + ", ".join([f"*a{level - 1}"] * 4) + "]}")
    (mini / PLATEFORMES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:45: error: {NODES}")


def test_a_merge_key_of_aliases_is_read(mini: Path):
    edit(mini / "study.yaml", "professions:\n  - id: educateur", "professions:\n  - &educateur\n    id: educateur")
    edit(mini / "study.yaml", "personas:\n  - id: odette", "personas:\n  - <<: *educateur\n    id: odette")
    # the merged mapping brings `description`, which a persona has not: located where it was written,
    # and `id`, written here too, is no duplicate: the key written beside the merge wins
    assert refused(mini, "study.yaml:45:5: error: unknown field 'description' (did you mean 'situation'?)")


def test_an_alias_inside_the_value_it_repeats(mini: Path):
    edit(mini / PLATEFORMES, "questions:\n", "questions: &q\n  - *q\n")
    assert refused(mini, f"{PLATEFORMES}:11:5: error: the alias *q is inside the value &q it repeats") == [
        "an alias repeats a value defined before it, never the value that contains it"]


def test_an_undefined_alias(mini: Path):
    edit(mini / PLATEFORMES, "tagline: L'algorithme oriente", "tagline: *nowhere")
    assert refused(mini, f"{PLATEFORMES}:3:10: error: YAML syntax error: found undefined alias 'nowhere'") == [
        "a value starting with '*' repeats a value marked &name above: put the value in quotes if the '*' belongs "
        "to the text, like `tagline: \"*nowhere\"`"]


def test_a_duplicate_anchor(mini: Path):
    edit(mini / PLATEFORMES, "title: Le social en plateformes", "title: &t Le social en plateformes")
    edit(mini / PLATEFORMES, "tagline: L'algorithme oriente", "tagline: &t L'algorithme oriente")
    assert refused(mini, f"{PLATEFORMES}:3:10: error: YAML syntax error: found duplicate anchor 't'")


def test_nesting_10000_deep(mini: Path):
    (mini / PLATEFORMES).write_text("title: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:1007: error: {DEPTH}")


def test_nesting_just_too_deep(mini: Path):
    (mini / PLATEFORMES).write_text("title: " + "[" * 64 + "]" * 64 + "\n", encoding="utf-8")  # the file is one level
    assert refused(mini, f"{PLATEFORMES}:1:71: error: {DEPTH}") == [
        "a study nests lists and mappings about 8 levels deep: check the indentation and the brackets, and that "
        "no alias repeats a value inside a copy of itself"]


def test_block_mappings_nested_too_deep(mini: Path):
    (mini / PLATEFORMES).write_text("".join(f"{'  ' * level}k{level}:\n" for level in range(200)), encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:65:129: error: {DEPTH}")


def test_depth_through_aliases(mini: Path):
    lines = ["a0: &a0 " + "[" * 40 + "]" * 40]
    lines += [f"a{level}: &a{level} [[*a{level - 1}]]" for level in range(1, 30)]
    (mini / PLATEFORMES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(mini, f"{PLATEFORMES}:1:48: error: {DEPTH}")


def test_a_list_as_a_key(mini: Path):
    edit(mini / PLATEFORMES, "picks:\n", "picks:\n  ? [demographie, numerique]\n  : vieillissement\n")
    assert refused(mini, f"{PLATEFORMES}:6:5: error: YAML error: a key must be a text or a number, not a list or "
                         "a mapping")


def test_two_documents(mini: Path):
    edit(mini / PLATEFORMES, "order: 1\n", "order: 1\n---\ntitle: Autre\n")
    assert refused(mini, f"{PLATEFORMES}:3:1: error: YAML syntax error: the file holds more than one document (a "
                         "line '---')")


def test_a_text_too_long(mini: Path):
    edit(mini / PLATEFORMES, NARRATIVE, NARRATIVE + "  " + "x" * MAX_TEXT_CHARS + "\n")
    assert refused(mini, f"{PLATEFORMES}:8:12: error: a text of {MAX_TEXT_CHARS + 34:,} characters, more than "
                         f"the {MAX_TEXT_CHARS:,} one text may hold") == [
        "a long narrative is about 4,000 characters: split the text, or check that this is the right file; to "
        "raise the bound, set the environment variable PROSPECTIVE_MAX_TEXT_CHARS"]


# --- numbers ------------------------------------------------------------------------------------


def test_an_integer_of_5000_digits(mini: Path):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: " + "9" * 5000)
    assert refused(mini, "study.yaml:3:10: error: the number '99999999999999999999…' is written with 5,000 "
                         "characters, more than the 100 a number may have") == [
        "years, counts and minutes need a few digits: check the value, or put it in quotes if it is a text"]


def test_a_sexagesimal_number_of_many_parts(mini: Path):
    edit(mini / PLATEFORMES, "order: 1", "order: 1" + ":59" * 20_000)
    assert refused(mini, f"{PLATEFORMES}:2:8: error: the number '1:59:59:59:59:59:59:…' is written with 60,001 "
                         "characters, more than the 100 a number may have")


def test_horizon_99999(mini: Path):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: 99999")
    assert refused(mini, "study.yaml:3:10: error: field 'horizon': 99999 is more than 2300") == [
        "write a number of at most 2300"]


def test_an_infinite_horizon(mini: Path):
    edit(mini / "study.yaml", "horizon: 2035", "horizon: .inf")
    assert refused(mini, "study.yaml:3:10: error: field 'horizon': inf is not a finite number")


def test_a_workshop_in_the_year_9999(workshop: Path):
    edit(workshop / "workshops/atelier.yaml", "date: 2026-06-11", "date: 9999-06-11")
    assert refused(workshop, "workshops/atelier.yaml:2:7: error: field 'date': the year 9999 is not between 1900 "
                             "and 2300") == ["write the date of the workshop like 2026-03-14"]


def test_a_trillion_participants(workshop: Path):
    edit(workshop / "workshops/atelier.yaml", "  count: 12", "  count: 1000000000000")
    assert refused(workshop, "workshops/atelier.yaml:11:10: error: field 'participants › count': 1000000000000 is "
                             "more than 10000") == ["write a number of at most 10000"]


def test_an_activity_longer_than_a_day(workshop: Path):
    edit(workshop / "workshops/atelier.yaml", "duration: 10", "duration: 100000")
    assert refused(workshop, "workshops/atelier.yaml:30:15: error: field 'agenda › 1 › duration': 100000 is more "
                             "than 1440")


def test_a_tally_of_a_trillion(workshop: Path):
    edit(workshop / "results/atelier.yaml", "{1: 0, 2: 1, 3: 0, 4: 2, 5: 1}", "{1: 0, 2: 1000000000000}")
    assert refused(workshop, "results/atelier.yaml:11:32: error: field 'groups › table-a › ratings › "
                             "si-rien-ne-change › probability': 1,000,000,000,000 people gave the rating 2, more "
                             "than one group's tally may count (1,000,000)")


# --- ids that name files ----------------------------------------------------------------------


def test_a_group_id_of_500_characters(workshop: Path):
    edit(workshop / "workshops/atelier.yaml", "id: table-a", "id: " + "a" * 500)
    assert refused(workshop, "workshops/atelier.yaml:18:9: error: field 'groups › 1 › id': 'aaaaaaaaaaaaaaaaaaaa…' is "
                             f"500 characters long, more than the {MAX_ID_CHARS} an id may have") == [
        "use a shorter id: ids name the files and folders of the kit"]


def test_a_scenario_file_name_of_200_characters(mini: Path):
    name = "s" * 200
    (mini / PLATEFORMES).rename(mini / "scenarios" / f"{name}.yaml")
    assert refused(mini, f"scenarios/{name}.yaml:1:1: error: the scenario id 'ssssssssssssssssssss…' is 200 "
                         f"characters long, more than the {MAX_ID_CHARS} an id may have (the file name is the id)") == [
        "rename the file to a shorter id: the id names the files and folders of the kit"]


def test_a_workshop_file_name_of_100_characters(workshop: Path):
    name = "w" * 100
    (workshop / "workshops/atelier.yaml").rename(workshop / "workshops" / f"{name}.yaml")
    (workshop / "results/atelier.yaml").rename(workshop / "results" / f"{name}.yaml")
    assert refused(workshop, f"workshops/{name}.yaml:1:1: error: the workshop id 'wwwwwwwwwwwwwwwwwwww…' is 100 "
                             f"characters long, more than the {MAX_ID_CHARS} an id may have (the file name is the "
                             "id)")


def test_a_source_id_of_65_characters(mini: Path):
    long_id = "s" * (MAX_ID_CHARS + 1)
    for path in (mini / "study.yaml", mini / "scenarios/si-rien-ne-change.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("source-a", long_id), encoding="utf-8")
    assert refused(mini, "scenarios/si-rien-ne-change.yaml:16:13: error: field 'weak_signals › 1 › source': "
                         "'ssssssssssssssssssss…' is 65 characters long, more than the 64 an id may have",
                   "study.yaml:15:9: error: field 'sources › 1 › id': 'ssssssssssssssssssss…' is 65 characters long, "
                   "more than the 64 an id may have")


# --- the review: linear in the text ---------------------------------------------------------------


def test_a_100000_character_narrative_of_numbers(mini: Path):
    numbers = " ".join(["12"] * 33_334)  # 100,001 characters
    edit(mini / PLATEFORMES, NARRATIVE, NARRATIVE + "  " + numbers + "\n")
    code, lines = check(mini)
    assert code == 0
    figures = [line for line in lines if "has no source" in line]
    assert len(figures) == 33_334
    assert figures[0] == f"{PLATEFORMES}:10:3: warning: figure '12' has no source and is not labelled as an assumption"
    assert figures[-1] == (f"{PLATEFORMES}:10:{3 + 100_001 - 2}: warning: figure '12' has no source and is not "
                           "labelled as an assumption")


def test_unclosed_brackets_and_citations_in_a_long_text(mini: Path):
    edit(mini / PLATEFORMES, NARRATIVE, NARRATIVE + "  " + "[@[<" * 25_000 + "\n")  # 75,000 marks
    code, lines = check(mini)
    assert code == 0
    assert not any("error" in line for line in lines)


def test_an_empty_file_and_a_null_one(mini: Path):
    write(mini / PLATEFORMES, "")
    assert refused(mini, *(f"{PLATEFORMES}:1:1: error: missing required field '{name}'"
                           for name in ("narrative", "picks", "questions", "summary", "title")))
    write(mini / PLATEFORMES, "~\n")
    assert refused(mini, f"{PLATEFORMES}:1:1: error: the file must be a mapping of fields (`name: value`)")


def test_a_file_dense_with_markdown_marks(mini: Path):
    edit(mini / PLATEFORMES, "questions:\n", "questions:\n  - '" + "*_" * 50_001 + "'\n")
    assert refused(mini, f"{PLATEFORMES}:11:5: error: the texts of this file hold more than 100,000 Markdown marks "
                         "([ ] * _ < > ! & ` \\)") == [
        "a scenario holds about fifty, and each costs reading time: check the file; to raise the bound, set the "
        "environment variable PROSPECTIVE_MAX_MARKUP_CHARS"]


def test_a_warning_names_ten_ids_and_counts_the_others(mini: Path):
    extra = "".join(f"  - id: p{i}\n    name: P{i}\n    description: P{i}.\n" for i in range(12))
    edit(mini / "study.yaml", "personas:\n", extra + "personas:\n")
    code, lines = check(mini)
    assert code == 0
    named = ", ".join(repr(name) for name in ["educateur", *(f"p{i}" for i in range(9))])
    assert f"{PLATEFORMES}:1:1: warning: the scenario says nothing about the professions {named} and 3 more" in lines


@pytest.mark.parametrize(("text", "message"), [
    ("a: !!int \n", "1:4: error: YAML error: cannot read '': it is not a valid int"),
    ("a: !!timestamp x\n", "1:4: error: YAML error: cannot read 'x': it is not a valid timestamp"),
    ("a: !!float \n", "1:4: error: YAML error: cannot read '': it is not a valid float"),
])
def test_an_explicit_tag_on_a_bad_value_is_located(tmp_path: Path, text: str, message: str):
    """Found by hypothesis: PyYAML's constructors crash on these (IndexError, AttributeError)."""
    from toolkit.errors import Problems
    from toolkit.study.loader import load_yaml

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    assert load_yaml(path, problems) is None
    assert [str(p).split("\n")[0] for p in problems.items] == [f"{path}:{message}"]
