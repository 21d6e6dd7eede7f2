"""Speed and memory of a full kit build. Targets live here, never in timed tests.

Usage: .venv/bin/python bench/bench_build.py [STUDY_FOLDER] [--runs N]
Prints one line per run and checks the targets below; exit code 1 if one is missed.
Each run is a fresh process (as a user's `prospective build` is), measured with
getrusage for peak memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = ROOT / "scenarios" / "metiers-du-social-2040"

# Targets for the shipped study and its half-day workshop (about 30 PDFs, 300 pages) on
# the reference machine (2 cores, 24 GiB): PDFs are written by one worker per core.
TARGET_SECONDS = 75.0
TARGET_PEAK_MIB = 1024.0  # the largest process: the main one or a worker

_CHILD = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from toolkit.study.load import load_study
from toolkit.kit.build import build_kit
study = load_study(Path(sys.argv[1]))
loaded = time.perf_counter()
report = build_kit(study, study.languages[0], Path(sys.argv[2]))
done = time.perf_counter()
print(json.dumps({
    "load_s": loaded - started, "total_s": done - started,
    "pages": {(d.folder + "/" if d.folder else "") + d.planned.pdf_name: d.pages for d in report.documents},
    "peak_mib": max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    / 1024,
}))
"""


def run_once(study: Path) -> dict:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        process = subprocess.run([sys.executable, "-c", _CHILD, str(study), out],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
        result = json.loads(process.stdout)
        result["wall_s"] = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", type=Path, default=DEFAULT_STUDY)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run_once(args.study) for _ in range(args.runs)]
    for index, result in enumerate(results, start=1):
        print(f"run {index}: wall {result['wall_s']:.2f} s, load {result['load_s']:.2f} s, "
              f"build {result['total_s']:.2f} s, peak {result['peak_mib']:.0f} MiB, pages {result['pages']}")
    best = min(r["wall_s"] for r in results)
    peak = max(r["peak_mib"] for r in results)
    print(f"best wall {best:.2f} s (target {TARGET_SECONDS:.0f} s), "
          f"peak {peak:.0f} MiB (target {TARGET_PEAK_MIB:.0f} MiB)")
    return 0 if best <= TARGET_SECONDS and peak <= TARGET_PEAK_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
