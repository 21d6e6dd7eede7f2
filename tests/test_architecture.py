"""The layering of pyproject.toml holds, and breaking it is caught (import-linter)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """Run import-linter with the project's contracts on the `toolkit` package found in `package_parent`."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache", str(ROOT / "pyproject.toml")],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "toolkit", tmp_path / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    # the model reading files, through a function-level import: the I/O rule and a cycle
    ("study/model.py", "def _peek():\n    from toolkit.study.loader import load_yaml\n    return load_yaml\n",
     "The model is data and rules"),
    ("study/rules.py", "from toolkit.kit import render  # noqa\n", "Layers"),
    ("kit/render.py", "from toolkit.study.load import load_study  # noqa\n", "The kit receives a checked study"),
    ("synthesis/analysis.py", "import weasyprint  # noqa\n", "WeasyPrint is imported by the PDF writer only"),
    ("kit/layout.py", "from toolkit import cli  # noqa\n", "Layers"),
    ("study/loader.py", "def _late():\n    from toolkit.study.load import load_study\n    return load_study\n",
     "No import cycles"),
])
def test_a_broken_contract_fails(package_copy: Path, module: str, line: str, contract: str):
    target = package_copy / "toolkit" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + line, encoding="utf-8")
    result = lint_imports(package_copy)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
