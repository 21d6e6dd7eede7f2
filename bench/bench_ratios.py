"""Issue 14.5: what each artefact costs per page as a ratio to WeasyPrint's floor, and how builds scale.

Usage: .venv/bin/python bench/bench_ratios.py [STUDY_FOLDER] [--lang fr] [--quick | --skip-synthetic]
       [--skip-territories | --only-territories]

In one run, on this machine (the study, by default the shipped one, is first copied to a temporary
folder, so that it can be edited; every build is a `prospective build` command of its own):
1. the floor: a plain A4 text document (paragraphs and headings, no layout of ours) rendered by
   WeasyPrint alone, in CPU ms per page (the median of five renderings after a warm-up);
2. the kit built cold on one core (PROSPECTIVE_JOBS=1): each PDF's CPU seconds and pages (the build
   keeps them in `.<lang>.builds.json`), grouped by artefact, in CPU ms per page and as a ratio to the
   floor: both sides in CPU time, so that another program running beside the benchmark moves neither;
3. the kit built cold on all cores: the speed-up;
4. the same build run again on the unchanged study (the no-op rebuild, the command's wall time);
5. a one-scenario edit: a word added to the narrative of one scenario other than the baseline, then the
   same build again: its wall time, and which PDFs were rewritten. A PDF carried over is a hard link
   to the previous build's file, so a PDF counts as rewritten when its inode changed (the file system's
   word, whatever the build says; the manifest's entries are compared too, and a disagreement is told).
   Target: every rewritten PDF's HTML (beside it in the kit) holds the added word, no kept one does;
6. synthetic studies (bench/synthetic.py) of 5, 10, 20 and 40 scenarios with 1, 2 and 4 workshops,
   each checked (`prospective check`, exit 0) then built cold on all cores: pages (the manifest's), wall
   and CPU seconds of the command (its workers included); per workshop count, the largest CPU ms per
   page over the smallest (CPU time, as the wall time of a shared 2-core machine follows the others'
   load: a 20-scenario build once took 174 s of wall time for 104 s of CPU). --quick builds only 5 and
   20 scenarios with 1 workshop, --skip-synthetic none. On the shared 2-core machine, --quick took
   13 to 14 minutes (5 to 8 without the synthetic studies); the full run, estimated, about 1.5 hours;
7. `build --territory all` of synthetic studies of 11 and 101 territories (bench/synthetic.py: the small
   fixture study with an indicator series, made up, and a territory file each): CPU time per territory's kit,
   constant within 20 %; the larger batch built again from nothing, interrupted (SIGINT) once 40 % of its kits
   are published (counted, not timed), then run to its end: the PDFs finished before the interruption are
   carried over (same inode) and the rest takes less than a cold batch; the peak of the summed RSS of the
   batch's processes (main + workers, sampled from /proc every 0.1 s), the larger batch's at most 1.15 times
   the smaller's; the smaller batch's kits built again one command each: the sum of their wall times over the
   batch's (reported, no target) (--skip-territories: none; --only-territories: this part alone);
8. the peak resident memory of any process of the builds (wait4's rusage of each build command,
   which includes its workers), for the shipped study's builds and for the synthetic ones.
It prints one table, every measure with its target and PASS or MISS, and exits 1 when a target is
missed. The no-op (the edit) is VOID, and counted as missed, when a file of toolkit/ or templates/
changed since the cold build (the no-op) began: others edit the same tree, and a build then rightly
makes again what those files make.
Targets live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from synthetic import make_study, make_territorial_study  # bench/, the script's folder, is on sys.path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = ROOT / "scenarios" / "metiers-du-social-2040"
SOURCES = (ROOT / "toolkit", ROOT / "templates")

# Targets of issue 14, as ratios measured in this one run
MAX_ARTEFACT_RATIO = 3.0  # every artefact at most 3x the floor per page
MAX_KIT_RATIO = 2.0  # the whole cold kit at most 2x the floor per page on average
MIN_SPEED_UP = 1.7  # on 2 cores
MAX_NO_OP_SECONDS = 1.0
MAX_PEAK_MIB = 300.0  # the largest process of a build: the main one or a worker
MAX_PER_PAGE_SPREAD = 1.2  # time per page constant within 20 % from 5 to 40 scenarios

SYNTHETIC_SCENARIOS = (5, 10, 20, 40)
SYNTHETIC_WORKSHOPS = (1, 2, 4)
QUICK_SCENARIOS, QUICK_WORKSHOPS = (5, 20), (1,)
TERRITORY_BATCHES = (11, 101)  # territories of the synthetic batch studies (issue 15.4); the larger one is interrupted
MAX_PER_KIT_SPREAD = 1.2  # CPU time per territory's kit constant within 20 % from the smaller batch to the larger
MAX_BATCH_MEMORY_RATIO = 1.15  # peak RSS (main + workers) of the largest batch over the smallest's
SAMPLE_SECONDS = 0.1
INTERRUPT_AFTER = 0.4  # the larger batch is interrupted once this share of its kits is published
EDIT_WORD = "Zorbanquet"  # a word found nowhere else, added to one narrative

FLOOR_PAGES = 40
_FLOOR = """
import statistics, sys, time
import weasyprint
sentence = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
paragraph = "<p>" + " ".join([sentence] * 6) + "</p>"
body = "".join(f"<h2>Section {n}</h2>" + paragraph * 5 for n in range(int(sys.argv[1])))
style = "@page { size: A4; margin: 20mm } body { font: 10.5pt 'Open Sans' }"
html = f"<html lang='en'><style>{style}</style><body>{body}</body></html>"
weasyprint.HTML(string=html).render()  # warm up: fonts, imports
runs = []
for _ in range(int(sys.argv[2])):
    started = time.process_time()
    document = weasyprint.HTML(string=html).render()
    document.write_pdf()
    runs.append(time.process_time() - started)
print(len(document.pages), statistics.median(runs))
"""
FLOOR_RUNS = 5  # the median of five renderings, in CPU time: one wall-time sample moved the floor by 35 %


@dataclass
class Run:
    """One command: its wall time, its CPU time and the peak RSS of its largest process (its own and those of
    the processes it waited for, its workers)."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    stdout: str
    stderr: str
    tree_peak_mib: float = 0.0  # the peak of the summed RSS of the command and its workers, sampled (0: no /proc)


class TreeMemory:
    """Samples, every SAMPLE_SECONDS in a thread, the summed RSS of a process and all its descendants (Linux
    /proc): the memory a build takes at once, main process and workers together, where rusage gives only the
    largest process's peak. A peak shorter than the interval may be missed."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        if Path("/proc/self/statm").exists():
            self.thread.start()

    def stop(self) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, sum(_resident(pid) for pid in _tree(self.pid)) * page)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from each process's parent in /proc/<pid>/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                    children[int(stat.read().rsplit(")", 1)[1].split()[1])].append(int(entry.name))
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _resident(pid: int) -> int:
    """Resident pages of `pid` (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Row:
    """One line of the final table."""

    measure: str
    value: str
    target: str
    ok: bool | None  # None: reported, no target
    void: bool = False  # the code under measure changed meanwhile: not a measure (counted as missed)

    @property
    def verdict(self) -> str:
        return "VOID" if self.void else "" if self.ok is None else "PASS" if self.ok else "MISS"


def run(command: list[str], env: dict[str, str] | None = None, check: bool = True) -> tuple[int, Run]:
    """Run `command` from the repository; wait4 gives its rusage, workers it reaped included. The peak of the
    summed RSS of the command and its descendants (main + workers) is sampled meanwhile (`TreeMemory`)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        sampler = TreeMemory(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        sampler.stop()
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        result = Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,  # ru_maxrss: KiB on Linux
                     out.read(), err.read(), sampler.peak / 2**20)
    if check and code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{result.stderr[-3000:]}")
    return code, result


def sources_state() -> dict[str, tuple[int, int]]:
    """Each file of toolkit/ and templates/ (what a build reads besides the study): its mtime and size.
    Others edit the same tree: a build that reads changed sources is no longer a no-op."""
    return {str(path.relative_to(ROOT)): (path.stat().st_mtime_ns, path.stat().st_size)
            for folder in SOURCES for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")}


def changed_sources(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def tell(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def floor_ms_per_page() -> float:
    _, result = run([sys.executable, "-c", _FLOOR, str(FLOOR_PAGES), str(FLOOR_RUNS)])
    pages, seconds = result.stdout.split()
    return 1000 * float(seconds) / int(pages)


def build(study: Path, language: str, out: Path, jobs: str | None = None) -> Run:
    env = {key: value for key, value in os.environ.items() if key != "PROSPECTIVE_JOBS"}
    if jobs:
        env["PROSPECTIVE_JOBS"] = jobs
    return run([sys.executable, "-m", "toolkit", "-q", "build", str(study), "--lang", language, "--out", str(out)],
               env)[1]


def manifest_of(out: Path, study: Path, language: str) -> dict[str, dict]:
    """The build's record of each PDF of the kit: {"folder/name.pdf": {"seconds":.., "pages":.., ...}}."""
    return json.loads((out / study.name / f".{language}.builds.json").read_text())["documents"]


def artefact_of(name: str) -> str:
    """`journee-complete/dossier-table-a.pdf` -> `dossier-table` (tables and workshops grouped)."""
    stem = Path(name).stem
    return re.sub(r"-(table-[a-z0-9]+|[a-z])$", "", stem)


def cpu_seconds(entry: dict) -> float:
    """A PDF's CPU time as the build recorded it (its wall time in a manifest of before the CPU time was kept)."""
    return entry.get("cpu_seconds") or entry["seconds"]


def artefact_rows(documents: dict[str, dict], floor: float) -> list[Row]:
    by_artefact: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for name, entry in documents.items():
        by_artefact[artefact_of(name)][0] += cpu_seconds(entry)
        by_artefact[artefact_of(name)][1] += entry["pages"]
    rows = []
    for name, (seconds, pages) in sorted(by_artefact.items(), key=lambda item: -item[1][0]):
        per_page = 1000 * seconds / pages if pages else 0.0
        rows.append(Row(f"  {name} ({pages} p.)", f"{per_page:.0f} ms/p = {per_page / floor:.1f}x",
                        f"<= {MAX_ARTEFACT_RATIO}x", per_page / floor <= MAX_ARTEFACT_RATIO))
    seconds = sum(cpu_seconds(entry) for entry in documents.values())
    pages = sum(entry["pages"] for entry in documents.values())
    per_page = 1000 * seconds / pages
    rows.append(Row(f"whole kit, PDF writing ({pages} p.)", f"{per_page:.0f} ms/p = {per_page / floor:.1f}x",
                    f"<= {MAX_KIT_RATIO}x", per_page / floor <= MAX_KIT_RATIO))
    return rows


def pdf_files(kit: Path) -> dict[str, tuple[int, int]]:
    """Each PDF of a kit and the file it is: (device, inode)."""
    return {str(path.relative_to(kit)): (path.stat().st_dev, path.stat().st_ino) for path in kit.rglob("*.pdf")}


def edit_one_scenario(study: Path) -> str:
    """Add EDIT_WORD to the first paragraph of the narrative of the first scenario that is not the baseline."""
    path = next(path for path in sorted((study / "scenarios").glob("*.yaml"))
                if not re.search(r"^baseline: true$", path.read_text(), re.MULTILINE))
    lines = path.read_text().splitlines(keepends=True)
    at = next(index for index, line in enumerate(lines) if re.match(r"narrative: [|>]", line)) + 1
    lines[at] = lines[at].rstrip("\n") + f" Le quartier {EDIT_WORD} aussi.\n"
    path.write_text("".join(lines))
    return path.stem


def one_scenario_edit(study: Path, language: str, out: Path) -> tuple[Run, list[Row]]:
    """Edit one scenario of the (already built) study, build again: what was rewritten, what was kept."""
    kit = out / study.name / language
    before, entries_before = pdf_files(kit), manifest_of(out, study, language)
    scenario = edit_one_scenario(study)
    result = build(study, language, out)
    after, entries_after = pdf_files(kit), manifest_of(out, study, language)
    rewritten = sorted(name for name in after if before.get(name) != after[name])
    kept = sorted(name for name in after if name not in rewritten)
    by_manifest = sorted(name for name in after if entries_before.get(name) != entries_after.get(name))
    if by_manifest != rewritten:
        tell(f"one-scenario edit: the manifest's changed entries {by_manifest} differ from the inodes' {rewritten}")

    def shows(name: str) -> bool:
        return EDIT_WORD in (kit / name).with_suffix(".html").read_text()

    wrong = [name for name in rewritten if not shows(name)] + [name for name in kept if shows(name)]
    tell(f"one-scenario edit of {scenario}: {result.seconds:.1f} s, {len(rewritten)} PDFs rewritten, "
         f"{len(kept)} kept, {len(wrong)} wrongly")
    rows = [Row(f"one-scenario edit ({scenario}): rebuild", f"{result.seconds:.1f} s", "-", None),
            Row("  PDFs rewritten / kept", f"{len(rewritten)} / {len(kept)}", ">= 1 rewritten", bool(rewritten))]
    rows += [Row(f"    rewritten: {name}", "its HTML shows the edit" if shows(name) else "its HTML does not show it",
                 "shows the edit", shows(name)) for name in rewritten]
    rows += [Row(f"    kept: {name}", "its HTML shows the edit", "rewritten", False) for name in kept if shows(name)]
    return result, rows


def synthetic(work: Path, language: str, sizes: tuple[int, ...], workshops: tuple[int, ...]) -> tuple[list[Row], float]:
    """Build each synthetic study cold on all cores; rows per study and per workshop count; the peak RSS."""
    rows, peak = [], 0.0
    for count in workshops:
        per_page: dict[int, float] = {}
        per_element: dict[int, float] = {}
        for size in sizes:
            study = make_study(work / "synthetic", size, count)
            code, checked = run([sys.executable, "-m", "toolkit", "-q", "check", str(study)], check=False)
            if code != 0:
                tell(f"check of {study.name} exited {code}:\n{checked.stderr[-3000:]}")
                rows.append(Row(f"synthetic {size} scenarios, {count} workshop(s)", "check failed", "check exit 0",
                                False))
                continue
            out = work / "synthetic-out"
            result = build(study, language, out)
            documents = manifest_of(out, study, language)
            pages = sum(entry["pages"] for entry in documents.values())
            writing = sum(entry["seconds"] for entry in documents.values())
            per_page[size] = 1000 * result.cpu_seconds / pages
            elements = sum(html_elements(out / study.name / language / name) for name in documents)
            per_element[size] = 1000 * 1000 * result.cpu_seconds / elements
            peak = max(peak, result.peak_mib)
            tell(f"synthetic {study.name}: {len(documents)} PDFs, {pages} pages, wall {result.seconds:.1f} s "
                 f"({1000 * result.seconds / pages:.0f} ms/page), CPU {result.cpu_seconds:.1f} s "
                 f"({per_page[size]:.0f} ms/page), PDF writing {1000 * writing / pages:.0f} ms/page, "
                 f"peak {result.peak_mib:.0f} MiB")
            rows.append(Row(f"synthetic {size} scenarios, {count} workshop(s)",
                            f"{pages} p., wall {result.seconds:.0f} s, CPU {result.cpu_seconds:.0f} s = "
                            f"{per_page[size]:.0f} ms/p, {per_element[size]:.0f} ms/1000 el.", "-", None))
            shutil.rmtree(study), shutil.rmtree(out)
        if len(per_page) > 1:
            spread = max(per_page.values()) / min(per_page.values())
            rows.append(Row(f"  CPU ms/page, largest / smallest ({count} workshop(s))", f"{spread:.2f}",
                            f"<= {MAX_PER_PAGE_SPREAD}", spread <= MAX_PER_PAGE_SPREAD))
            spread = max(per_element.values()) / min(per_element.values())
            rows.append(Row(f"  CPU ms/1000 elements, largest / smallest ({count} workshop(s))", f"{spread:.2f}",
                            "-", None))
    return rows, peak


def html_elements(pdf: Path) -> int:
    """The elements of the HTML a PDF was made from (beside it in the kit): what a page costs grows with them.

    A study of 40 scenarios prints denser pages than one of 5 (a comparison table gains a row per
    scenario: 81 elements per page of a table's pack against 50), so its time per page grows though
    its time per element does not; this says which of the two moved.
    """
    html = pdf.with_suffix(".html")
    if not html.exists():
        return 0
    text = html.read_text(encoding="utf-8")
    return text.count("<") - text.count("</") - text.count("<!")


def territory_batches(work: Path, language: str) -> list[Row]:
    """`build --territory all` of synthetic studies with 11 and 101 territories, cold on all cores: CPU time per
    territory's kit (constant within MAX_PER_KIT_SPREAD); then the larger batch interrupted (SIGINT) part of the
    way and run again: the kits finished before the interruption are carried over (their PDFs keep their inode)."""
    rows, per_kit, peaks = [], {}, {}
    for count in TERRITORY_BATCHES:
        study = make_territorial_study(work / "territorial", count)
        out = work / "territorial-out"
        command = [sys.executable, "-m", "toolkit", "-q", "build", str(study), "--lang", language, "--territory", "all",
                   "--out", str(out)]
        code, result = run(command, check=False)
        kits = sorted(path for path in (out / study.name).iterdir() if path.is_dir() and path.name != language)
        per_kit[count] = result.cpu_seconds / (len(kits) + 1)  # the study's own kit is built too
        tell(f"territories {study.name}: exit {code}, {len(kits)} territory kits, wall {result.seconds:.1f} s, "
             f"CPU {result.cpu_seconds:.1f} s ({per_kit[count]:.2f} s a kit), peak {result.peak_mib:.0f} MiB")
        rows.append(Row(f"territories: {count} kits and the study's, --territory all",
                        f"exit {code}, {len(kits)} kits, wall {result.seconds:.0f} s, CPU {per_kit[count]:.2f} s/kit, "
                        f"peak {result.peak_mib:.0f} MiB", f"{count} kits", code == 0 and len(kits) == count))
        peaks[count] = result.tree_peak_mib
        rows.append(Row(f"  peak RSS of the batch (main + workers), {count} territories",
                        f"{result.tree_peak_mib:.0f} MiB (largest process {result.peak_mib:.0f} MiB)", "-", None))
        if count == TERRITORY_BATCHES[0]:
            rows += kit_by_kit(command, study, out, language, result.seconds)
        if count == TERRITORY_BATCHES[-1]:
            rows += interrupted_batch(command, out / study.name, result.seconds, count + 1)
        shutil.rmtree(study), shutil.rmtree(out)
    spread = max(per_kit.values()) / min(per_kit.values())
    rows.append(Row("  CPU s per territory's kit, largest / smallest batch", f"{spread:.2f}",
                    f"<= {MAX_PER_KIT_SPREAD}", spread <= MAX_PER_KIT_SPREAD))
    smallest, largest = peaks[TERRITORY_BATCHES[0]], peaks[TERRITORY_BATCHES[-1]]
    if smallest and largest:
        ratio = largest / smallest
        rows.append(Row("  peak RSS of the batch (main + workers), largest / smallest batch", f"{ratio:.2f}",
                        f"<= {MAX_BATCH_MEMORY_RATIO}", ratio <= MAX_BATCH_MEMORY_RATIO))
    return rows


def kit_by_kit(command: list[str], study: Path, out: Path, language: str, batch_seconds: float) -> list[Row]:
    """The smaller batch's kits built again from nothing, one `build --territory ID` command each (and one for the
    study's own kit), one after the other: the sum of their wall times over the batch's. What one batch saves
    against its kits built apart: one pool of workers instead of one per kit (or none: a kit of three documents
    is written in its command's own process), the next kit's PDFs written while a kit finishes, and a single
    start-up of the command and load of the study (these last two count in the ratio too)."""
    apart = out.parent / "territorial-apart"
    base = command[:command.index("--territory")]
    seconds = 0.0
    for territory in [None, *sorted(path.stem for path in (study / "territories").glob("*.yaml"))]:
        chosen = [] if territory is None else ["--territory", territory]
        seconds += run([*base, *chosen, "--out", str(apart)])[1].seconds
    shutil.rmtree(apart)
    tell(f"kit by kit: {seconds:.1f} s of wall time, against {batch_seconds:.1f} s for the batch")
    return [Row("  wall speed-up of the batch over its kits built one command each",
                f"{seconds:.0f} s / {batch_seconds:.0f} s: {seconds / batch_seconds:.2f}x", "-", None)]


def published_kits(kits: Path) -> int:
    """The kit folders a batch has published so far (a kit being built is a hidden staging folder)."""
    if not kits.is_dir():
        return 0
    return sum(1 for folder in kits.iterdir() if not folder.name.startswith(".") and (folder / "index.html").is_file())


def interrupted_batch(command: list[str], kits: Path, cold_seconds: float, count: int) -> list[Row]:
    """Build again from nothing, interrupt (SIGINT) once INTERRUPT_AFTER of its `count` kits are published (counted,
    not timed: a loaded machine would otherwise let the batch end first), then run the batch to its end. The row
    passes only when the batch was really stopped (exit 130), kept what it had published, and resumed faster."""
    shutil.rmtree(kits)
    wanted = max(1, round(INTERRUPT_AFTER * count))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 3 * cold_seconds + 60
    while published_kits(kits) < wanted and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    published = published_kits(kits)
    process.send_signal(signal.SIGINT)
    interrupted = process.wait(timeout=120)
    before = pdf_files(kits) if kits.exists() else {}
    code, resumed = run(command, check=False)
    after = pdf_files(kits)
    kept = [name for name, inode in before.items() if after.get(name) == inode]
    tell(f"interrupted batch: exit {interrupted} with {published} of {count} kits published, {len(before)} "
         f"PDFs written; resumed: exit {code}, {resumed.seconds:.1f} s, {len(kept)} PDFs carried over")
    value = (f"exit {interrupted} at {published}/{count} kits, then {code}; {len(kept)} of {len(before)} PDFs "
             f"kept, resumed in {resumed.seconds:.0f} s (cold {cold_seconds:.0f} s)")
    return [Row("  interrupted part of the way, then run again", value, "stopped, kept > 0, resumed < cold",
                interrupted == 130 and code == 0 and len(kept) > 0 and resumed.seconds < cold_seconds)]


def print_table(rows: list[Row]) -> None:
    width = max(len(row.measure) for row in rows)
    value_width = min(60, max(len(row.value) for row in rows))
    print(f"{'measure':{width}}  {'value':{value_width}}  {'target':24}  result")
    for row in rows:
        print(f"{row.measure:{width}}  {row.value:{value_width}}  {row.target:24}  {row.verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", type=Path, default=DEFAULT_STUDY)
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--quick", action="store_true", help="synthetic studies of 5 and 20 scenarios, 1 workshop")
    parser.add_argument("--skip-synthetic", action="store_true", help="no synthetic study")
    parser.add_argument("--skip-territories", action="store_true", help="no batch of territories")
    parser.add_argument("--only-territories", action="store_true",
                        help="only the batches of territories (7): no floor, no shipped study, no synthetic one")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.only_territories:
        with tempfile.TemporaryDirectory(prefix="bench-ratios-") as temporary:
            rows = territory_batches(Path(temporary), args.lang)
        return finish(rows, started)
    floor = floor_ms_per_page()
    tell(f"floor: plain A4 text by WeasyPrint alone, {floor:.1f} CPU ms/page ({FLOOR_PAGES} sections)")
    rows = [Row("floor: plain A4 text, WeasyPrint alone", f"{floor:.1f} CPU ms/page", "-", None)]
    with tempfile.TemporaryDirectory(prefix="bench-ratios-") as temporary:
        work = Path(temporary)
        study = work / "studies" / args.study.name
        shutil.copytree(args.study, study)
        one_core = build(study, args.lang, work / "one-core", "1")
        tell(f"cold build on one core: {one_core.seconds:.1f} s")
        rows += artefact_rows(manifest_of(work / "one-core", study, args.lang), floor)
        sources = sources_state()
        all_cores = build(study, args.lang, work / "all-cores")
        tell(f"cold build on all cores: {all_cores.seconds:.1f} s")
        before_no_op = sources_state()
        no_op = build(study, args.lang, work / "all-cores")
        tell(f"no-op rebuild: {no_op.seconds:.1f} s")
        no_op_changes = changed_sources(sources, sources_state())
        edit, edit_rows = one_scenario_edit(study, args.lang, work / "all-cores")
        edit_changes = changed_sources(before_no_op, sources_state())  # the no-op made the kit of its sources
        for what, since, changes in (("no-op rebuild", "the cold build", no_op_changes),
                                     ("one-scenario edit", "the no-op rebuild", edit_changes)):
            if changes:
                tell(f"VOID {what}: the tree's sources changed since {since} began (someone else's edits?): "
                     f"{', '.join(changes)}; run the benchmark again on a quiet tree")
        for row in edit_rows:
            row.void = row.ok is not None and bool(edit_changes)
        cores = os.cpu_count() or 1
        speed_up = one_core.seconds / all_cores.seconds
        peak = max(one_core.peak_mib, all_cores.peak_mib, no_op.peak_mib, edit.peak_mib)
        rows += [
            Row("cold build, one core", f"{one_core.seconds:.1f} s", "-", None),
            Row(f"cold build, {cores} cores: speed-up", f"{all_cores.seconds:.1f} s: {speed_up:.2f}x",
                f">= {MIN_SPEED_UP}x on 2 cores", speed_up >= MIN_SPEED_UP if cores >= 2 else None),
            Row("no-op rebuild (whole command)", f"{no_op.seconds:.2f} s" + (
                f", {len(no_op_changes)} source files changed since the cold build" if no_op_changes else ""),
                f"<= {MAX_NO_OP_SECONDS} s", no_op.seconds <= MAX_NO_OP_SECONDS, bool(no_op_changes)),
            *edit_rows,
            Row("peak RSS of one process, these builds", f"{peak:.0f} MiB", f"<= {MAX_PEAK_MIB:.0f} MiB",
                peak <= MAX_PEAK_MIB),
        ]
        if not args.skip_synthetic:
            sizes, workshops = (QUICK_SCENARIOS, QUICK_WORKSHOPS) if args.quick else \
                (SYNTHETIC_SCENARIOS, SYNTHETIC_WORKSHOPS)
            synthetic_rows, synthetic_peak = synthetic(work, args.lang, sizes, workshops)
            rows += synthetic_rows
            rows.append(Row("peak RSS of one process, synthetic builds", f"{synthetic_peak:.0f} MiB",
                            f"<= {MAX_PEAK_MIB:.0f} MiB", synthetic_peak <= MAX_PEAK_MIB))
        if not args.skip_territories:
            rows += territory_batches(work, args.lang)
    return finish(rows, started)


def finish(rows: list[Row], started: float) -> int:
    """Print the table and say what was missed: 1 when a target was missed (or a measure is void), else 0."""
    print_table(rows)
    missed = [row.measure.strip() for row in rows if row.ok is False or row.void]
    print(f"{len(missed)} target(s) missed or void{': ' + '; '.join(missed) if missed else ''}; "
          f"the run took {(time.perf_counter() - started) / 60:.1f} min")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
