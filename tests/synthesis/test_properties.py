"""Issue 9, property-based: whatever bytes `prospective import` is given, it answers as documented.

Either the ratings are imported, or an `InputError` lists located problems and nothing is written;
never another exception, a raw control character on the terminal, or a hang (each example runs under
an alarm that turns a hang into a failure). Files that are valid by construction always import, with
the tallies counted by hand. The statistics of a tally are those of the values it stands for.
"""

from __future__ import annotations

import csv
import io
import re
import signal
import statistics
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import copy_fixture, run
from tests.synthesis.plans import capturing_everything
from toolkit.errors import InputError
from toolkit.limits import MAX_CSV_PROBLEMS
from toolkit.study.load import load_study
from toolkit.synthesis.analysis import describe
from toolkit.synthesis.importer import import_ratings, read_ratings

SETTINGS = settings(max_examples=150, deadline=timedelta(seconds=5), derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
HANG_SECONDS = 20
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
GROUPS = ("table-a", "table-b", "table-c")
SCENARIOS = ("si-rien-ne-change", "plateformes", "communs")
HEADER_NAMES = {
    "group": ("group", "groupe", " Group "),
    "scenario": ("scenario", "scénario", "SCENARIO"),
    "probability": ("probability", "probabilité", "probabilite"),
    "desirability": ("desirability", "désirabilité", "Desirabilite"),
    "participant": ("participant", "participant·e"),
}


class Hung(Exception):
    pass


@contextmanager
def no_hang(seconds: int = HANG_SECONDS):
    """Fail instead of blocking when the code under test does not return (Unix; elsewhere, no guard)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise Hung(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return capturing_everything(copy_fixture("workshop", tmp_path_factory.mktemp("properties")))


@pytest.fixture(scope="module")
def study(project: Path):
    return load_study(project)


def state(folder: Path) -> dict[str, bytes]:
    """Every file of the results folder, by name: what an import may change."""
    return {path.name: path.read_bytes() for path in sorted((folder / "results").iterdir())}


def assert_answers_as_documented(study, project: Path, data: bytes) -> None:
    source = project.parent / "ratings.csv"
    source.write_bytes(data)
    before = state(project)
    try:
        with no_hang():
            import_ratings(study, "atelier", source)
    except InputError as error:
        problems = error.problems.items
        assert problems and len(problems) <= MAX_CSV_PROBLEMS + 5
        for problem in problems:
            assert problem.location is not None and problem.location.file == source
            assert problem.location.line >= 1 and problem.location.column >= 1
            assert problem.message and problem.hint is not None
            assert not CONTROL.search(str(problem).replace("\n    hint: ", " ")), str(problem)
        assert state(project) == before, "a refused import wrote something"
    else:  # a valid file by chance: put the results back for the next example
        for name, content in before.items():
            (project / "results" / name).write_bytes(content)


# --- anything at all ----------------------------------------------------------------------------------


@SETTINGS
@given(data=st.binary(max_size=4000))
def test_arbitrary_bytes(study, project: Path, data: bytes):
    assert_answers_as_documented(study, project, data)


# --- CSV-like text, broken in every way a spreadsheet, a form or an attacker could ------------------

CELL = st.one_of(
    st.sampled_from([*GROUPS, "Table-A", *SCENARIOS, "COMMUNS", "1", "2", "3", "4", "5", "4,0", "2.0", "+3", "",
                     " ", "0", "6", "-1", "2.5", "1e3", "9" * 60, "=HYPERLINK(\"http://x\")", "@SUM(A1)", '"', '""',
                     "a\"b", "\x00", "\x1b[2J", "\u202e", "é", "\ufeff", "\r", "\n", "\r\n", ";", ","]),
    st.text(max_size=12),
)
HEADER_CELL = st.one_of(st.sampled_from([name for names in HEADER_NAMES.values() for name in names]), CELL)


@st.composite
def csv_like(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(HEADER_CELL, min_size=0, max_size=7))
    rows = draw(st.lists(st.lists(CELL, max_size=7), max_size=12))
    if draw(st.booleans()):  # written by a CSV writer: quoted as it should be
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
        for row in [header, *rows]:
            writer.writerow(row)
        text = buffer.getvalue()
    else:  # typed by hand: quotes and separators as they come
        text = ending.join(delimiter.join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@SETTINGS
@given(data=csv_like())
def test_csv_like_text(study, project: Path, data: bytes):
    assert_answers_as_documented(study, project, data)


@SETTINGS
@given(data=csv_like())
def test_csv_like_text_through_the_command(project: Path, data: bytes):
    """The same files through the command line: exit 0 or 1, never a traceback nor an internal error."""
    source = project.parent / "command.csv"
    source.write_bytes(data)
    before = state(project)
    with no_hang():
        result = run("import", str(project), "--workshop", "atelier", str(source))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 1:
        assert result.stderr.endswith("problem(s) found: nothing was written.\n")
        assert state(project) == before
    else:
        for name, content in before.items():
            (project / "results" / name).write_bytes(content)


# --- valid files always import, counted right --------------------------------------------------------

RATING = st.one_of(st.none(), st.integers(1, 5))
VALID_ROW = st.tuples(st.sampled_from(GROUPS), st.sampled_from(SCENARIOS), RATING, RATING,
                      st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=15),
                      st.sampled_from([str.lower, str.upper, str.title]))


@st.composite
def valid_file(draw) -> tuple[bytes, list]:
    names = [draw(st.sampled_from(HEADER_NAMES[column])) for column in HEADER_NAMES]
    order = draw(st.permutations(range(len(names))))
    delimiter = draw(st.sampled_from([",", ";"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(VALID_ROW, min_size=1, max_size=30))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
    writer.writerow([names[i] for i in order])
    for group, scenario, probability, desirability, participant, case in rows:
        cells = [case(group), case(scenario), probability or "", desirability or "", participant]
        writer.writerow([cells[i] for i in order])
        if draw(st.booleans()):
            buffer.write(ending)  # an empty row, skipped
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + buffer.getvalue()).encode("utf-8"), rows


@SETTINGS
@given(made=valid_file())
def test_valid_files_import_with_the_tallies_counted_by_hand(study, project: Path, made):
    data, rows = made
    source = project.parent / "valid.csv"
    source.write_bytes(data)
    expected: dict = {}
    for group, scenario, probability, desirability, _, _ in rows:
        if probability is None and desirability is None:
            continue
        tallies = expected.setdefault(group, {}).setdefault(
            scenario, {"probability": dict.fromkeys(range(1, 6), 0), "desirability": dict.fromkeys(range(1, 6), 0)})
        for dimension, value in (("probability", probability), ("desirability", desirability)):
            if value is not None:
                tallies[dimension][value] += 1
    with no_hang():
        if not expected:
            with pytest.raises(InputError) as caught:
                read_ratings(source, study, study.workshops[0])
            assert [p.message.split(":")[0] for p in caught.value.problems.items] == ["no rating in this file"]
            return
        imported = read_ratings(source, study, study.workshops[0])
    assert imported.rows == len(rows)
    assert imported.ratings == {group: expected[group] for group in GROUPS if group in expected}


# --- the statistics of a tally ------------------------------------------------------------------------


@settings(max_examples=300, deadline=timedelta(seconds=2), derandomize=True)
@given(values=st.lists(st.integers(1, 5), min_size=1, max_size=200))
def test_statistics_of_values_and_of_their_tally_are_those_of_the_statistics_module(values):
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = q3 = float(ordered[0])
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    expected = (float(statistics.median(ordered)), statistics.fmean(ordered), q1, q3)
    tally = {value: values.count(value) for value in range(1, 6)}
    for stats in (describe(values), describe(tally)):
        assert (stats.median, stats.mean, stats.q1, stats.q3) == expected
        assert stats.n == len(values) and stats.distribution == [tally[value] for value in range(1, 6)]


@settings(max_examples=200, deadline=timedelta(seconds=2), derandomize=True)
@given(counts=st.lists(st.integers(0, 10**18), min_size=5, max_size=5).filter(any))
def test_statistics_of_any_tally_are_bounded_and_in_order(counts):
    stats = describe(dict(zip(range(1, 6), counts, strict=True)))
    low = next(value for value, count in zip(range(1, 6), counts, strict=True) if count)
    high = next(value for value, count in zip(range(5, 0, -1), reversed(counts), strict=True) if count)
    assert stats.n == sum(counts)
    assert low <= stats.q1 <= stats.median <= stats.q3 <= high
    assert low <= stats.mean <= high
