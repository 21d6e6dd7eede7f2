"""Synthetic studies for the benchmark (issue 14.5): the shipped study grown to N scenarios and W workshops.

Usage: .venv/bin/python bench/synthetic.py SCENARIOS WORKSHOPS DEST_FOLDER
Writes DEST_FOLDER/etude-<N>-scenarios-<W>-ateliers and prints its path; `prospective check` it.

How a study is made from `scenarios/metiers-du-social-2040` (files edited as text, so their comments
and layout stay as they are):
- the study file says `languages: [fr]` and the translations/ folder is left out: the new scenarios
  and plans have no English translation, and a French build reads only French;
- the five shipped scenarios are kept (the baseline and four alternatives); each further scenario is a
  copy of an alternative, in turn, with the id `<id>-<k>` (k = 2, 3...), the title "<title>, variante B"
  (C, D...: a number in a title would be a figure without a source for `check`) and an order after
  the shipped ones. Copies have the same picks as their original: `check` warns
  about identical scenarios (a warning, not an error);
- the workshops are the shipped plans, the full day first, then the half day, then the 90-minute session,
  then copies of them in the same turn with the id `<id>-<k>`, a title "..., session B", a date k - 1
  weeks later, and their tables pointed at the scenarios' k-th copies when the study has them (so that
  another session discusses other scenarios). A shipped plan keeps its results file (its synthesis
  report is built); a copy has none.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = ROOT / "scenarios" / "metiers-du-social-2040"
WORKSHOP_TURN = ["journee-complete", "demi-journee-colloque", "decouverte-90-minutes"]


def study_id(scenarios: int, workshops: int) -> str:
    return f"etude-{scenarios}-scenarios-{workshops}-ateliers"


def _letter(copy: int) -> str:
    """B for the second copy, C for the third...: a number in a title is a figure `check` wants sourced."""
    return chr(ord("A") + copy - 1)


def _replace_one(text: str, pattern: str, replace, what: str) -> str:
    """`text` with the one line matching `pattern` (multiline) replaced; an error when there is not exactly one."""
    new, count = re.subn(pattern, replace, text, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{what}: {count} matches of {pattern!r}, expected one")
    return new


def _retitled(text: str, suffix: str, what: str) -> str:
    """The file's top-level `title:` with `suffix` appended (the value read as YAML, written back quoted)."""
    def title(match: re.Match) -> str:
        return "title: " + json.dumps(yaml.safe_load(match.group(1)) + suffix, ensure_ascii=False)
    return _replace_one(text, r"^title: (.*)$", title, what)


def make_study(parent: Path, scenarios: int, workshops: int, source: Path = DEFAULT_STUDY) -> Path:
    """Write a study of `scenarios` scenarios (at least the 5 shipped) and `workshops` plans under `parent`."""
    shipped = sorted((source / "scenarios").glob("*.yaml"))
    baseline = [path for path in shipped if re.search(r"^baseline: true$", path.read_text(), re.MULTILINE)]
    alternatives = [path for path in shipped if path not in baseline]
    if scenarios < len(shipped) or workshops < 1:
        raise ValueError(f"a synthetic study has at least {len(shipped)} scenarios and one workshop")
    folder = parent / study_id(scenarios, workshops)
    folder.mkdir(parents=True)
    shutil.copy(source / "study.yaml", folder / "study.yaml")
    for extra in ("assets", "methods"):  # folders of a study other than the ones made below, if any
        if (source / extra).is_dir():
            shutil.copytree(source / extra, folder / extra)
    study_file = folder / "study.yaml"
    study_file.write_text(_replace_one(study_file.read_text(), r"^languages: .*$", "languages: [fr]", "study.yaml"))

    (folder / "scenarios").mkdir()
    for path in shipped:
        shutil.copy(path, folder / "scenarios" / path.name)
    ids = {path.stem for path in shipped}
    for index in range(scenarios - len(shipped)):
        original = alternatives[index % len(alternatives)]
        copy = index // len(alternatives) + 2
        text = _retitled(original.read_text(), f", variante {_letter(copy)}", original.name)
        text = _replace_one(text, r"^order: .*$", f"order: {10 + index}", original.name)
        (folder / "scenarios" / f"{original.stem}-{copy}.yaml").write_text(text)
        ids.add(f"{original.stem}-{copy}")

    (folder / "workshops").mkdir()
    for index in range(workshops):
        stem = WORKSHOP_TURN[index % len(WORKSHOP_TURN)]
        copy = index // len(WORKSHOP_TURN) + 1
        plan = source / "workshops" / f"{stem}.yaml"
        if copy == 1:
            shutil.copy(plan, folder / "workshops" / plan.name)
            if (source / "results" / plan.name).is_file():
                (folder / "results").mkdir(exist_ok=True)
                shutil.copy(source / "results" / plan.name, folder / "results" / plan.name)
            continue
        text = _retitled(plan.read_text(), f", session {_letter(copy)}", plan.name)

        def later(match: re.Match, weeks: int = copy - 1) -> str:
            return f"date: {datetime.date.fromisoformat(match.group(1)) + datetime.timedelta(weeks=weeks)}"

        def moved(match: re.Match, copy: int = copy) -> str:
            names = [name.strip() for name in match.group(1).split(",")]
            return "scenarios: [" + ", ".join(f"{name}-{copy}" if f"{name}-{copy}" in ids else name
                                              for name in names) + "]"

        text = _replace_one(text, r"^date: (\d{4}-\d{2}-\d{2})$", later, plan.name)
        text = re.sub(r"scenarios: \[([^\]]*)\]", moved, text)
        (folder / "workshops" / f"{stem}-{copy}.yaml").write_text(text)
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[2])
    print(make_study(Path(sys.argv[3]), int(sys.argv[1]), int(sys.argv[2])))


# --- a study with many territories (issue 15.4) --------------------------------------------

SMALL_STUDY = ROOT / "tests" / "fixtures" / "mini"  # three documents: the batch measures the per-territory cost


def territorial_study_id(territories: int) -> str:
    return f"etude-{territories}-territoires"


def _name(index: int) -> str:
    """A, B, ..., Z, AA, AB...: a territory's name without a digit (a number in a text is a figure to source)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def make_territorial_study(parent: Path, territories: int, source: Path = SMALL_STUDY) -> Path:
    """The small fixture study with an indicator series of its own and `territories` territory files, each with
    the same series scaled (values made up for the benchmark, cited to the fixture's source)."""
    folder = parent / territorial_study_id(territories)
    shutil.copytree(source, folder)
    horizon = yaml.safe_load((folder / "study.yaml").read_text(encoding="utf-8"))["horizon"]
    source_id = yaml.safe_load((folder / "study.yaml").read_text(encoding="utf-8"))["sources"][0]["id"]

    def series(scale: int) -> str:
        values = "\n".join(f"      - {{year: {year}, value: {scale * (100 + 3 * step)}, source: {source_id}}}"
                           for step, year in enumerate(range(horizon - 15, horizon - 9)))
        return (f"  - id: places\n    name: Places d'accueil\n    unit: places\n    observed:\n{values}\n"
                f"    baseline: {{rule: growth, years: 5}}\n")

    (folder / "indicators.yaml").write_text("indicators:\n" + series(100), encoding="utf-8")
    (folder / "territories").mkdir()
    for index in range(territories):
        letters = _name(index)
        (folder / "territories" / f"territoire-{letters.lower()}.yaml").write_text(
            f"id: territoire-{letters.lower()}\nname: Territoire {letters}\nkind: département\n"
            f"organisation: Département {letters}\nindicators:\n" + series(1 + index % 7), encoding="utf-8")
    return folder
