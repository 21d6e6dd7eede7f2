"""Hostile input (issue 9): the loader, the review and explore scale linearly, or stay within their bound.

Usage: .venv/bin/python bench/bench_hostile.py
Each line times one stage on an input and on one ten times larger, in this one run, and
checks the ratio of the two times (linear scaling: at most 15 for ten times the input);
explore, whose work is bounded by MAX_COMBINATIONS steps, is also timed at ten times the
bound. Exit code 1 if a target is missed. Targets live here, never in timed tests.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.authoring.explore import explore  # noqa: E402
from toolkit.errors import Problems  # noqa: E402
from toolkit.limits import MAX_COMBINATIONS  # noqa: E402
from toolkit.study.load import load_study  # noqa: E402
from toolkit.study.loader import load_yaml  # noqa: E402
from toolkit.study.review import unsourced_figures  # noqa: E402

TARGET_RATIO = 15.0  # time for ten times the input (or the bound) / time for the input
TARGET_EXPLORE_PEAK_MIB = 300.0  # `prospective explore` on the campaign's 20 drivers and 300 scenarios
MINI = ROOT / "tests" / "fixtures" / "mini"


def best_time(work: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(name: str, small: Callable[[], object], large: Callable[[], object], sizes: str) -> bool:
    first, second = best_time(small), best_time(large)
    ratio = second / max(first, 1e-6)
    fine = ratio <= TARGET_RATIO
    print(f"{name}: {sizes}: {first:.3f} s and {second:.3f} s, ratio {ratio:.1f} "
          f"(target <= {TARGET_RATIO:.0f}) {'ok' if fine else 'MISSED'}")
    return fine


# --- inputs -----------------------------------------------------------------------------------


def numbers(chars: int) -> str:
    return " ".join(str(10 + i % 89) for i in range(chars // 3 + 1))[:chars]


def brackets(chars: int) -> str:
    return ("[@[<(" * (chars // 5 + 1))[:chars]


def yaml_file(folder: Path, name: str, entries: int) -> Path:
    path = folder / name
    path.write_text("".join(f"k{i}: [value {i}, {i}, {{a: b}}]\n" for i in range(entries)), encoding="utf-8")
    return path


def laughs(folder: Path, levels: int) -> Path:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"{chr(97 + level)}: &{chr(97 + level)} [" + ", ".join([f"*{chr(96 + level)}"] * 9) + "]")
    path = folder / f"laughs{levels}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def study_with_narrative(folder: Path, chars: int) -> Path:
    import shutil

    target = folder / f"narrative{chars}" / "mini"
    shutil.copytree(MINI, target)
    path = target / "scenarios" / "plateformes.yaml"
    ending = "  Les plateformes gèrent **tout**.\n"
    path.write_text(path.read_text(encoding="utf-8").replace(ending, ending + "  " + numbers(chars) + "\n"),
                    encoding="utf-8")
    return target


def space_study(folder: Path, drivers: int, hypotheses: int, scenarios: int) -> Path:
    rng = random.Random(1)
    (folder / "scenarios").mkdir(parents=True)
    lines = ["title: Espace", "horizon: 2040", "scoping_question: Quoi ?", "summary: Un espace.",
             "authors:", "  - name: Test", "drivers:"]
    for d in range(drivers):
        lines += [f"  - id: d{d}", f"    name: D{d}", f"    description: D{d}.", "    hypotheses:"]
        for h in range(hypotheses):
            lines += [f"      - id: h{h}", f"        label: H{h}"] + (["        trend: true"] if h == 0 else [])
    (folder / "study.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for s in range(scenarios):
        picks = [0] * drivers if s == 0 else [rng.randrange(hypotheses) for _ in range(drivers)]
        text = (["baseline: true"] if s == 0 else []) + [
            f"title: S{s}", "summary: Un futur.", "narrative: Un futur.", "questions:", "  - Quoi ?", "picks:"]
        text += [f"  d{d}: h{p}" for d, p in enumerate(picks)]
        (folder / "scenarios" / f"s{s}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    return folder


def explore_peak_mib(study: Path) -> float:
    child = ("import resource, sys\nfrom toolkit.cli import main\ntry:\n    main(['explore', sys.argv[1]])\n"
             "except SystemExit:\n    pass\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    process = subprocess.run([sys.executable, "-c", child, str(study)], capture_output=True, text=True, cwd=ROOT,
                             check=True, timeout=300)
    return int(process.stderr.split()[-1]) / 1024


# --- the measures -------------------------------------------------------------------------------


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for label, text in (("numbers", numbers), ("unclosed brackets and citations", brackets)):
            small, large = text(20_000), text(200_000)
            results.append(measure(f"review, figures in a text of {label}", lambda s=small: unsourced_figures(s),
                                   lambda s=large: unsourced_figures(s), "20,000 and 200,000 characters"))
        small, large = yaml_file(folder, "small.yaml", 4_000), yaml_file(folder, "large.yaml", 40_000)
        sizes = f"{small.stat().st_size / 1e6:.2f} and {large.stat().st_size / 1e6:.2f} MB"
        results.append(measure("loader, a file of mappings and lists", lambda: load_yaml(small, Problems()),
                               lambda: load_yaml(large, Problems()), sizes))
        small, large = laughs(folder, 5), laughs(folder, 6)  # 9 ** 5 and, refused at the bound, 9 ** 6 values
        results.append(measure("loader, aliases of aliases (billion laughs)", lambda: load_yaml(small, Problems()),
                               lambda: load_yaml(large, Problems()), "59,049 values and refused at the bound"))
        small, large = study_with_narrative(folder, 10_000), study_with_narrative(folder, 100_000)
        results.append(measure("check with review, a narrative of numbers",
                               lambda: load_study(small, review=True), lambda: load_study(large, review=True),
                               "10,000 and 100,000 characters"))
        hostile = load_study(space_study(folder / "space20", 20, 2, 300))
        limit = MAX_COMBINATIONS // 10
        results.append(measure("explore, 20 drivers and 300 scenarios", lambda: explore(hostile, limit=limit),
                               lambda: explore(hostile, limit=10 * limit),
                               f"bounds of {limit:,} and {10 * limit:,} steps"))
        larger = load_study(space_study(folder / "space200", 200, 2, 300))
        results.append(measure("explore, 10 times the drivers", lambda: explore(hostile), lambda: explore(larger),
                               "20 and 200 drivers, 300 scenarios"))
        peak = explore_peak_mib(folder / "space20")
        fine = peak <= TARGET_EXPLORE_PEAK_MIB
        print(f"explore, 20 drivers and 300 scenarios, a process of its own: peak {peak:.0f} MiB "
              f"(target <= {TARGET_EXPLORE_PEAK_MIB:.0f} MiB) {'ok' if fine else 'MISSED'}")
        results.append(fine)
    print(f"this process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
