"""Issue 14.5, first part: what each artefact costs per page, as a ratio to WeasyPrint's floor.

Usage: .venv/bin/python bench/bench_ratios.py [STUDY_FOLDER] [--lang fr]

In one run, on this machine:
1. the floor: a plain A4 text document (paragraphs and headings, no layout of ours) rendered by
   WeasyPrint alone, in ms per page;
2. the kit built cold on one core (PROSPECTIVE_JOBS=1): each PDF's seconds (the build keeps them in
   `.<lang>.builds.json`) and pages, grouped by artefact, in ms per page and as a ratio to the floor;
3. the kit built cold on all cores: the speed-up;
4. the same build run again on an unchanged study (the no-op rebuild);
5. the peak resident memory of any process of these builds (getrusage of the reaped children).
It prints a table and exits 1 when a target below is missed. Targets live here, never in tests.
Still to come (issue 14.5): a one-scenario edit, synthetic studies of 5 to 40 scenarios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = ROOT / "scenarios" / "metiers-du-social-2040"

# Targets of issue 14, as ratios measured in this one run
MAX_ARTEFACT_RATIO = 3.0  # every artefact at most 3x the floor per page
MAX_KIT_RATIO = 2.0  # the whole cold kit at most 2x the floor per page on average
MIN_SPEED_UP = 1.7  # on 2 cores
MAX_NO_OP_SECONDS = 1.0
MAX_PEAK_MIB = 300.0  # the largest process of a build: the main one or a worker

FLOOR_PAGES = 40
_FLOOR = """
import sys, time
import weasyprint
sentence = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
paragraph = "<p>" + " ".join([sentence] * 6) + "</p>"
body = "".join(f"<h2>Section {n}</h2>" + paragraph * 5 for n in range(int(sys.argv[1])))
style = "@page { size: A4; margin: 20mm } body { font: 10.5pt 'Open Sans' }"
html = f"<html lang='en'><style>{style}</style><body>{body}</body></html>"
weasyprint.HTML(string=html).render()  # warm up: fonts, imports
started = time.perf_counter()
document = weasyprint.HTML(string=html).render()
document.write_pdf()
print(len(document.pages), time.perf_counter() - started)
"""


def floor_ms_per_page() -> float:
    out = subprocess.run([sys.executable, "-c", _FLOOR, str(FLOOR_PAGES)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    pages, seconds = int(out[0]), float(out[1])
    return 1000 * seconds / pages


def build(study: Path, language: str, out: Path, jobs: str | None) -> float:
    env = {key: value for key, value in os.environ.items() if key != "PROSPECTIVE_JOBS"}
    if jobs:
        env["PROSPECTIVE_JOBS"] = jobs
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "toolkit", "-q", "build", str(study), "--lang", language, "--out", str(out)],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    return time.perf_counter() - started


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def artefact_of(name: str) -> str:
    """`journee-complete/dossier-table-a.pdf` -> `dossier-table` (tables and workshops grouped)."""
    stem = Path(name).stem
    return re.sub(r"-(table-[a-z0-9]+|[a-z])$", "", stem)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", type=Path, default=DEFAULT_STUDY)
    parser.add_argument("--lang", default="fr")
    args = parser.parse_args()
    floor = floor_ms_per_page()
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as every:
        one_core = build(args.study, args.lang, Path(one), "1")
        kit = Path(one) / args.study.name / args.lang
        manifest = json.loads((Path(one) / args.study.name / f".{args.lang}.builds.json").read_text())
        timings = {name: entry["seconds"] for name, entry in manifest["documents"].items()}
        by_artefact: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        for name, seconds in timings.items():
            by_artefact[artefact_of(name)][0] += seconds
            by_artefact[artefact_of(name)][1] += pages_of(kit / name)
        all_cores = build(args.study, args.lang, Path(every), None)
        no_op = build(args.study, args.lang, Path(every), None)
    missed = []
    print(f"floor: plain A4 text by WeasyPrint alone, {floor:.1f} ms/page ({FLOOR_PAGES} sections)")
    print(f"{'artefact':32} {'pages':>6} {'ms/page':>9} {'x floor':>8}")
    total_seconds = total_pages = 0.0
    for name, (seconds, pages) in sorted(by_artefact.items(), key=lambda item: -item[1][0]):
        per_page = 1000 * seconds / pages if pages else 0.0
        ratio = per_page / floor
        total_seconds, total_pages = total_seconds + seconds, total_pages + pages
        flag = "" if ratio <= MAX_ARTEFACT_RATIO else "  > target"
        missed += [name] if flag else []
        print(f"{name:32} {pages:6d} {per_page:9.0f} {ratio:8.1f}{flag}")
    kit_ratio = 1000 * total_seconds / total_pages / floor
    speed_up = one_core / all_cores
    print(f"{'whole kit (PDF writing)':32} {int(total_pages):6d} {1000 * total_seconds / total_pages:9.0f} "
          f"{kit_ratio:8.1f}  (target {MAX_KIT_RATIO}x)")
    print(f"cold build: one core {one_core:.1f} s, {os.cpu_count()} cores {all_cores:.1f} s, speed-up {speed_up:.2f}x "
          f"(target {MIN_SPEED_UP}x on 2 cores)")
    print(f"no-op rebuild: {no_op:.1f} s (target {MAX_NO_OP_SECONDS} s)")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS of one process: {peak:.0f} MiB (target {MAX_PEAK_MIB:.0f} MiB)")
    ok = not missed and kit_ratio <= MAX_KIT_RATIO and no_op <= MAX_NO_OP_SECONDS and peak <= MAX_PEAK_MIB
    ok = ok and (speed_up >= MIN_SPEED_UP or (os.cpu_count() or 1) < 2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
