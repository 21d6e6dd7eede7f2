"""Properties of the study stage on generated input (hypothesis): whatever the text, the bytes or
the edit of a valid study, only the documented `InputError` escapes, every problem is located,
and nothing hangs (a deadline per example). The one-pass review is checked against the
regular-expression version it replaced, kept here as the reference.

No example database is written (database=None): runs leave nothing in the work tree.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import MINI, WORKSHOP
from toolkit.errors import InputError, Problems
from toolkit.study.load import load_study
from toolkit.study.loader import load_yaml
from toolkit.study.markup import CITATION, MARKER
from toolkit.study.review import MASKS, NUMBER, SENTENCE_END, TRAILING_MARKER, mask_spans, number_kind
from toolkit.study.review import unsourced_figures as one_pass_figures
from toolkit.study.rules import citations

SETTINGS = settings(max_examples=150, deadline=timedelta(seconds=5), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of YAML and of study text that reach the loader's and the review's corners.
YAML_PIECES = [
    "a", "title", ": ", "- ", "\n", "  ", "\t", "'", '"', "\\", "\\0", "\\x1b", "\\ud800", "#", "|", ">", "---",
    "...", "?", "~", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: ", "!!python/object:os.system ",
    "!!binary ", "!!set ", "!!int ", "!", "%YAML 1.1\n", "9" * 120, "2035", "-1", ".inf", ".nan", "0x1F", "1:2:3",
    "2026-13-45", "2026-06-11", "\x00", "\x1b", "\ufeff", "\ufffe", "é", "\u2028", "\x85", "null", "true", "=",
]
TEXT_PIECES = [
    "1", "2", "12", "2030", "1 000", "3,5", "v1.2", "9h30", "COVID-19", " ", "\n", "\n\n", ".", "!", "?", "…", ",",
    "[", "]", "(", ")", "<", ">", "&", ";", "#", "@", "[@a]", "[@source-a]", "[hypothèse]", "[assumption]",
    "http://x", "https://", "n°", "no.", "art.", "article", "§", "N°", "-", "*", "+", "|", "\t", "_", '"', "»",
    ":", "/", "janvier", "May", "\u00a0", "\u202f", "%", "a", "b", "Le ", "x",
]


def pieces(alphabet: list[str], size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=size).map("".join)


# --- the loader: any text, any bytes ---------------------------------------------------------------


def load(data: bytes) -> None:
    """Load `data` as a YAML file: it is read or refused with located problems, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.yaml"
        path.write_bytes(data)
        problems = Problems()
        loaded = load_yaml(path, problems)
        assert (loaded is None) == bool(problems.errors)
        for problem in problems.items:
            assert problem.location is not None and problem.location.file == path
            assert problem.location.line >= 1 and problem.location.column >= 1
            assert problem.message and problem.hint


@SETTINGS
@given(st.text())
def test_the_loader_on_any_text(text: str):
    load(text.encode("utf-8", errors="surrogatepass"))


@SETTINGS
@given(st.binary())
def test_the_loader_on_any_bytes(data: bytes):
    load(data)


@SETTINGS
@given(pieces(YAML_PIECES, 60))
def test_the_loader_on_yaml_pieces(text: str):
    load(text.encode("utf-8", errors="surrogatepass"))


# --- check: any edit of a valid study ----------------------------------------------------------------


EDITS = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace", "repeat"]),
                           st.sampled_from(YAML_PIECES + TEXT_PIECES), st.integers(1, 30)), min_size=1, max_size=4)


def mutated(text: str, edits: list[tuple[float, str, str, int]]) -> str:
    for where, how, piece, length in edits:
        at = int(where * len(text))
        if how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + length:]
        elif how == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:  # repeat a stretch, as a careless copy and paste would
            text = text[:at + length] + text[at:at + length] * 3 + text[at + length:]
    return text


def check_edited(fixture: Path, name: str, edits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        study = Path(folder) / fixture.name
        shutil.copytree(fixture, study)
        path = study / name
        path.write_text(mutated(path.read_text(encoding="utf-8"), edits), encoding="utf-8", errors="surrogatepass")
        try:
            load_study(study, review=True)
        except InputError as error:
            assert error.problems.errors
            assert all(problem.location is not None for problem in error.problems.items)


@SETTINGS
@given(st.sampled_from(["study.yaml", "scenarios/plateformes.yaml", "scenarios/si-rien-ne-change.yaml"]), EDITS)
def test_check_on_any_edit_of_a_study(name: str, edits):
    check_edited(MINI, name, edits)


@SETTINGS
@given(st.sampled_from(["workshops/atelier.yaml", "results/atelier.yaml"]), EDITS)
def test_check_on_any_edit_of_a_workshop(name: str, edits):
    check_edited(WORKSHOP, name, edits)


NUMBERS = st.one_of(st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([".inf", "-.inf", ".nan", "1e999", "0x" + "f" * 90, "9" * 100, "1:59:59", "~"]))
NUMBER_FIELDS = [  # (file, text before the number, the number as written)
    ("study.yaml", "horizon: ", "2035"),
    ("workshops/atelier.yaml", "  count: ", "12"),
    ("workshops/atelier.yaml", "      count: ", "8"),
    ("workshops/atelier.yaml", "    duration: ", "10"),
    ("results/atelier.yaml", "{1: 0, 2: ", "1"),
    ("results/atelier.yaml", "probability: [3, ", "4"),
]


@SETTINGS
@given(st.sampled_from(NUMBER_FIELDS), NUMBERS)
def test_any_number_in_a_numeric_field(place: tuple[str, str, str], number):
    name, before, written = place
    with tempfile.TemporaryDirectory() as folder:
        study = Path(folder) / WORKSHOP.name
        shutil.copytree(WORKSHOP, study)
        path = study / name
        text = path.read_text(encoding="utf-8")
        assert before + written in text
        path.write_text(text.replace(before + written, before + str(number), 1), encoding="utf-8")
        try:
            load_study(study, review=True)
        except InputError as error:
            assert all(problem.location is not None for problem in error.problems.items)


# --- the review in one pass finds what the regular expressions found ---------------------------


def reference_figures(text: str) -> list[tuple[int, str]]:
    """The figure check as it was, one regular expression search per figure (quadratic), as the reference.

    What is a figure is `number_kind`'s answer (tested on its own in tests/study/test_warnings.py);
    a figure sourced once needs no marker when repeated.
    """
    masked = MASKS.sub(lambda match: " " * len(match.group()), text)
    found, sourced = [], set()
    for match in NUMBER.finditer(masked):
        figure = match.group()
        if number_kind(masked, match.start(), match.end()) is not None:
            continue
        if MARKER.search(reference_sentence(text, match.start())):
            sourced.add(" ".join(figure.split()))
        elif " ".join(figure.split()) not in sourced:
            found.append((match.start(), figure))
    return found


def reference_sentence(text: str, offset: int) -> str:
    start = 0
    end = len(text)
    for match in SENTENCE_END.finditer(text):
        if match.end() <= offset:
            start = match.end()
            previous = TRAILING_MARKER.match(text, start)
            if previous and match.group() != "\n" and previous.end() <= offset:
                start = previous.end()
        elif match.start() >= offset:
            end = match.end()
            break
    trailing = TRAILING_MARKER.match(text, end)
    if trailing and text[end - 1:end] in ".!?…":
        end = trailing.end()
    return text[start:end]


@settings(max_examples=1500, deadline=timedelta(seconds=5), database=None)
@given(pieces(TEXT_PIECES, 30))
def test_the_figure_check_finds_what_the_regular_expressions_found(text: str):
    assert one_pass_figures(text) == reference_figures(text)


@settings(max_examples=1500, deadline=timedelta(seconds=5), database=None)
@given(pieces(TEXT_PIECES, 30))
def test_masks_and_citations_are_those_of_the_regular_expressions(text: str):
    assert mask_spans(text) == [match.span() for match in MASKS.finditer(text)]
    assert list(citations(text)) == [(match.start(), match.group(1)) for match in CITATION.finditer(text)]


@SETTINGS
@given(st.text())
def test_the_figure_check_on_any_text(text: str):
    assert one_pass_figures(text) == reference_figures(text)
    assert list(citations(text)) == [(match.start(), match.group(1)) for match in CITATION.finditer(text)]


def test_a_reference_case_by_hand():
    text = "En 2030, 33 % des postes. [@a] Puis 40 % [hypothèse]. Enfin 12 au n° 488, le 18 mai."
    assert one_pass_figures(text) == reference_figures(text) == [(text.index("12 au"), "12")]
