"""Progress and verbosity of the command (issue 11.6), and its messages in French (issue 11.1).

`build` tells each document as it is written (the kit sends events, the command prints them):
one line per document in the plan's order, nothing on stdout with -q, every step with -v;
problems on stderr, results on stdout; colour only on a terminal, never with NO_COLOR.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import MINI, REVIEW, ROOT, WORKSHOP, edit, run
from toolkit import cli
from toolkit.authoring.serve import error_page
from toolkit.errors import Location, Problem
from toolkit.kit.build import FileWritten, Rendered, Skipped, Started, Written, build_kit
from toolkit.language import configure
from toolkit.study.load import load_study

MINI_DOCUMENTS = ["guide-animation.pdf", "livret-participant.pdf", "cartes-scenarios.pdf"]
ANSI = re.compile(r"\x1b\[")
# English words that have no place in a French message, once paths, options and ids are cut out
ENGLISH = {"the", "is", "are", "not", "found", "nothing", "written", "error", "warning", "warnings", "hint",
           "cannot", "with", "and", "of", "to", "from", "file", "problem", "problems", "was", "show", "message",
           "exit", "study", "in", "only", "print", "treat", "rebuilt", "left"}
COMMANDS = {"build", "check", "explore", "import", "list", "new", "report", "schema", "serve"}  # typed as they are
CUT = re.compile(r"`[^`]*`|'[^']*'|« [^»]*»|\"[^\"]*\"|\S*[/\\.]\S*|--?[a-z][\w-]*|\b[A-Z_]{2,}\b")


def pdf_lines(output: str) -> list[str]:
    """The document of each line that lists one, in the order printed."""
    return [name for line in output.splitlines() for name in re.findall(r"\S+\.pdf", line)]


# --- the kit tells, it never prints ------------------------------------------------------------


def test_the_build_tells_every_document_as_it_is_made_in_order(tmp_path: Path, capsys):
    events = []
    report = build_kit(load_study(MINI), "fr", tmp_path, progress=events.append)
    assert capsys.readouterr() == ("", "")  # the kit itself prints nothing
    assert isinstance(events[0], Started) and events[0].total == 3
    assert events[0].folder == tmp_path / "mini" / "fr"
    rendered = [e for e in events if isinstance(e, Rendered)]
    written = [e for e in events if isinstance(e, Written)]
    assert [e.document.planned.pdf_name for e in written] == MINI_DOCUMENTS
    assert [e.document.planned.pdf_name for e in rendered] == MINI_DOCUMENTS
    assert [(e.number, e.total) for e in written] == [(1, 3), (2, 3), (3, 3)]
    assert [e.document.pages for e in written] == [d.pages for d in report.documents]
    assert all(e.seconds >= 0 for e in written)
    assert events[-1] == FileWritten("index.html")


def test_a_workshop_build_says_what_it_leaves_as_it_was(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PROSPECTIVE_JOBS", "3")  # the documents are written by workers, still told in order
    events = []
    build_kit(load_study(WORKSHOP), "fr", tmp_path, "atelier", progress=events.append)
    assert Skipped("", "not-asked") in events
    written = [e.document.pdf_path for e in events if isinstance(e, Written)]
    assert written[0] == "atelier/guide-animation-atelier.pdf" and written[-1].startswith("atelier/synthese/")
    assert [e.number for e in events if isinstance(e, Written)] == list(range(1, len(written) + 1))
    assert FileWritten("atelier/atelier.zip") in events


# --- what the command prints -------------------------------------------------------------------


def test_default_build_prints_one_line_per_document_in_order(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PROSPECTIVE_JOBS", "3")
    result = run("build", str(MINI), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert pdf_lines(result.stdout) == MINI_DOCUMENTS
    lines = result.stdout.splitlines()
    assert lines[0] == f"{tmp_path / 'mini' / 'fr'}/"
    assert re.fullmatch(r"  livret-participant\.pdf +\d+ pages   \+ livret-participant\.html", lines[2])
    assert re.fullmatch(r"3 documents, \d+ pages, made in \d+\.\d s", lines[-1])
    assert "warning" not in result.stdout  # the warnings of the study go to stderr
    assert "warning: the narrative is short" in result.stderr


def test_quiet_build_prints_nothing_on_stdout(tmp_path: Path):
    result = run("-q", "build", str(MINI), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "warning:" in result.stderr  # problems are still said
    assert (tmp_path / "mini" / "fr" / "livret-participant.pdf").is_file()
    result = run("build", "-q", str(REVIEW), "--out", str(tmp_path))  # after the command too
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_quiet_check_prints_only_problems(mini: Path):
    assert run("check", "-q", str(REVIEW)).stdout == ""
    edit(mini / "scenarios/communs.yaml", "numerique: proximite", "numerique: proximiter")
    result = run("-q", "check", str(mini))
    assert result.exit_code == 1 and result.stdout == ""
    assert "error: driver 'numerique' has no hypothesis 'proximiter'" in result.stderr


def test_verbose_build_names_every_document_and_its_time(tmp_path: Path):
    result = run("-v", "build", str(WORKSHOP), "--workshop", "atelier", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "12 documents to make" in result.stdout
    assert "the study's own documents: left as they were" in result.stdout
    assert "HTML written: atelier/dossier-table-a.html (" in result.stdout
    assert re.search(r"dossier-table-a\.pdf +\d+ pages .*\(rebuilt in \d+\.\d s: not built before\)", result.stdout)
    assert "atelier/atelier.zip" in result.stdout
    quiet = run("build", str(WORKSHOP), "--workshop", "atelier", "--out", str(tmp_path))
    assert "HTML written" not in quiet.stdout and "rebuilt in" not in quiet.stdout


def test_quiet_and_verbose_together_is_a_usage_error():
    result = run("-q", "check", "-v", str(REVIEW))
    assert result.exit_code == 2
    assert "-q and -v say opposite things" in result.stderr


def test_no_colour_off_a_terminal_nor_with_no_color(tmp_path: Path, mini: Path, monkeypatch):
    edit(mini / "scenarios/communs.yaml", "numerique: proximite", "numerique: proximiter")
    for environment in ({}, {"NO_COLOR": "1"}):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli.main, ["check", str(mini)], color=True)  # would keep escapes if printed
        assert result.exit_code == 1
        assert not ANSI.search(result.output), result.output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli.colour_wanted(Terminal())
    assert not cli.colour_wanted(io.StringIO())
    assert ANSI.search(cli.Output.styled("error", Terminal(), fg="red"))
    assert cli.Output.styled("error", io.StringIO(), fg="red") == "error"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.colour_wanted(Terminal())
    assert cli.Output.styled("error", Terminal(), fg="red") == "error"
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no-color.org says it does not count
    assert cli.colour_wanted(Terminal())


def test_on_a_terminal_a_live_line_says_which_document_is_being_made(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli, "colour_free_tty", lambda stream: True)
    result = CliRunner().invoke(cli.main, ["build", str(MINI), "--out", str(tmp_path)], color=True)
    assert result.exit_code == 0, result.output
    assert "\r\x1b[K[1/3] guide-animation.html" in result.stdout
    assert "\r\x1b[K[2/3] livret-participant.pdf" in result.stdout
    final = [line.rsplit("\r\x1b[K", 1)[-1] for line in result.stdout.split("\n")]
    assert pdf_lines("\n".join(final)) == MINI_DOCUMENTS  # the live line is erased before each line that stays
    assert not re.search(r"\x1b\[(?!K)", result.stdout)  # NO_COLOR: no colour, only the erasing of the line


# --- in French ---------------------------------------------------------------------------------


def english_words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-zÀ-ÿ]+", CUT.sub(" ", text))} & (ENGLISH - COMMANDS)


def prospective(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "PROSPECTIVE_"))}
    env.update(PROSPECTIVE_LANG="fr", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_help_a_failing_check_and_a_build_summary_in_french(mini: Path, tmp_path: Path):
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        result = prospective(*args, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert "Utilisation :" in result.stdout and "Options :" in result.stdout
        assert english_words(result.stdout) == set(), result.stdout
    edit(mini / "scenarios/plateformes.yaml", "tagline:", "tagilne:")
    edit(mini / "scenarios/communs.yaml", "numerique: proximite", "numerique: proximiter")
    result = prospective("check", str(mini), cwd=tmp_path)
    assert result.returncode == 1
    summary = result.stderr.splitlines()[-1]
    assert summary == "2 problèmes trouvés : rien n'a été écrit.", result.stderr
    result = prospective("build", str(MINI), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"livret-participant\.pdf +\d+ pages", result.stdout)
    assert re.fullmatch(r"3 documents, \d+ pages, en \d+,\d s", result.stdout.splitlines()[-1])
    assert english_words(result.stdout) == set(), result.stdout


@pytest.fixture
def french():
    configure("fr")
    try:
        yield
    finally:
        configure(None)


def test_usage_errors_and_edition_language_in_french(french, tmp_path: Path):
    result = run("build", str(MINI), "--lang", "de", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "pas d'édition « de » dans mini" in result.stderr
    assert "Erreur :" in result.stderr


def test_the_preview_error_page_in_french_still_escapes(french):
    page = error_page([Problem(Location(Path("study.yaml"), 3, 1), "<b>bad</b>", "fix <it>")]).decode()
    assert '<html lang="fr">' in page
    assert "Le kit ne peut pas être produit : 1 problème" in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page and "<b>bad" not in page
    assert "<strong>erreur</strong>" in page
    assert "conseil : fix &lt;it&gt;" in page


def test_a_reader_that_goes_away_stops_the_printing_not_the_work(monkeypatch):
    """`prospective build | head -3`: the build goes on, and ends without an error."""
    calls = []

    def closed(text, **options):
        calls.append(text)
        raise BrokenPipeError

    monkeypatch.setattr(cli.click, "echo", closed)
    monkeypatch.setattr(cli.os, "dup2", lambda *fds: calls.append("dup2"))  # never on the test's own stdout
    out = cli.Output()
    out.result("  guide-animation.pdf")
    out.result("  livret-participant.pdf")
    assert out.gone and calls[0] == "  guide-animation.pdf" and "  livret-participant.pdf" not in calls


def test_build_lang_fr_writes_the_study_s_warnings_in_french_too(tmp_path: Path):
    """On an English system, `--lang fr` speaks French from the first line: the warnings found while the study
    loads included (they were English after a French « avertissement »)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "PROSPECTIVE_"))}
    result = subprocess.run([sys.executable, "-m", "toolkit", "build", str(MINI), "--lang", "fr", "--out",
                             str(tmp_path / "out")], cwd=tmp_path, env={**env, "LANG": "C", "NO_COLOR": "1"},
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "avertissement" in line]
    assert warnings and all("the narrative" not in line and "says nothing" not in line for line in warnings)
    assert english_words(result.stderr) == set(), result.stderr
