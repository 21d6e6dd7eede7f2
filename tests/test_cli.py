"""The `prospective` command: exit codes, located messages, never a traceback."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import edit, run


def test_help_everywhere():
    for args in ([], ["check"], ["build"], ["list"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Usage: prospective" in result.output


def test_check_ok(mini: Path):
    result = run("check", str(mini))
    assert result.exit_code == 0
    assert "ok (3 scenarios, 2 drivers, 0 workshops, 12 methods)" in result.output


def test_check_reports_every_problem_and_exits_1(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "tagline:", "tagilne:")
    edit(mini / "scenarios/communs.yaml", "numerique: proximite", "numerique: proximiter")
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert "scenarios/communs.yaml:6:14: error: driver 'numerique' has no hypothesis 'proximiter'" in result.stderr
    assert "scenarios/plateformes.yaml:3:1: error: unknown field 'tagilne' (did you mean 'tagline'?)" in result.stderr
    assert "\n    hint: " in result.stderr
    assert "2 problem(s) found: nothing was written." in result.stderr
    assert "Traceback" not in result.output


def test_unknown_study_is_a_usage_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "metiers-du-sociale")
    assert result.exit_code == 2
    assert "no study 'metiers-du-sociale'" in result.stderr


def test_list(mini: Path):
    result = run("list", str(mini))
    assert result.exit_code == 0
    assert "si-rien-ne-change" in result.output and "[baseline]" in result.output
    assert "numerique" in result.output and "(3 hypotheses)" in result.output


def test_build_summary(mini: Path, tmp_path: Path):
    result = run("build", str(mini), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "livret-participant.pdf" in result.stdout and "pages" in result.stdout
    assert re.search(r"^3 documents, \d+ pages, made in \d+\.\d s$", result.stdout, re.MULTILINE)
    assert "warning" not in result.stdout  # problems on stderr, results on stdout
    assert (tmp_path / "out" / "mini" / "fr" / "livret-participant.pdf").is_file()


def test_broken_study_build_exits_1_and_keeps_the_previous_output(mini: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", str(mini), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "mini" / "fr").iterdir()}
    edit(mini / "study.yaml", "horizon: 2035", "horizon: 2035\nhorizon: 2040")
    result = run("build", str(mini), "--out", str(out))
    assert result.exit_code == 1
    assert "study.yaml:4:1: error: duplicate key 'horizon' (already defined on line 3)" in result.stderr
    assert {p.name: p.read_bytes() for p in (out / "mini" / "fr").iterdir()} == before


def test_the_installed_command_never_shows_a_traceback(mini: Path, tmp_path: Path):
    """The real entry point, in a real process: exit code and stderr as a user sees them."""
    command = shutil.which("prospective", path=str(Path(sys.executable).parent))
    edit(mini / "scenarios/plateformes.yaml", "picks:", "picks: [")
    process = subprocess.run([command, "check", str(mini)], capture_output=True, text=True, check=False)
    assert process.returncode == 1
    assert "plateformes.yaml:7:12: error: YAML syntax error" in process.stderr and "YAML syntax error" in process.stderr
    assert "Traceback" not in process.stderr
    process = subprocess.run([command, "build", "--nope"], capture_output=True, text=True, check=False)
    assert process.returncode == 2
    assert "No such option '--nope'" in process.stderr
