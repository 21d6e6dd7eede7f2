"""A kit per territory (issue 15, part D): `build --territory ID|all` on a copy of the mini study with two
territories, on real PDFs."""

from __future__ import annotations

import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import copy_fixture, pdf_pages, run, squash, write
from toolkit.kit import pdf
from toolkit.kit.build import BuildReport, Started, build_territory_kits
from toolkit.study.load import load_study

ORGANISATIONS = {"val-de-test": "Conseil départemental du Val-de-Test", "haut-essai": "Département du Haut-Essai"}
NAMES = {"val-de-test": "Val-de-Test", "haut-essai": "Haut-Essai"}
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">
<rect width="40" height="20" fill="#00466d"/></svg>
"""


def _with_territories(study: Path, indicators: bool = True) -> Path:
    """The mini study with two territories (one with a logo, a contact and a partner) and, with `indicators`,
    a national series and the same series for each territory."""
    write(study / "assets/logos/val-de-test.svg", LOGO)

    def series(first: int, last: int) -> str:
        return "\n".join([
            "indicators:",
            "  - id: personnes-agees",
            "    name: Personnes âgées de 85 ans ou plus",
            "    unit: personnes",
            "    observed:",
            f"      - {{year: 2020, value: {first}, source: source-a}}",
            f"      - {{year: 2024, value: {last}, source: source-a}}",
            "    baseline: {rule: growth, years: 5}", ""])

    if indicators:
        write(study / "indicators.yaml", series(100000, 110000))
    for territory, values in {"val-de-test": (1000, 1300), "haut-essai": (2000, 2100)}.items():
        identity = [f"id: {territory}", f"name: {NAMES[territory]}", "kind: département",
                    f"organisation: {ORGANISATIONS[territory]}"]
        if territory == "val-de-test":
            identity += ["logo: assets/logos/val-de-test.svg",
                         'contact: "Mission prospective : prospective@val-de-test.example"',
                         "partners: [Caf du Val-de-Test]"]
        write(study / "territories" / f"{territory}.yaml",
              "\n".join([*identity, ""]) + (series(*values) if indicators else ""))
    return study


@pytest.fixture(scope="module")
def kits(tmp_path_factory) -> Path:
    """`build --territory all` of the mini study with two territories: the output folder of the study."""
    base = tmp_path_factory.mktemp("territories")
    study = _with_territories(copy_fixture("mini", base))
    built = run("build", str(study), "--lang", "fr", "--territory", "all", "--out", str(base / "out"))
    assert built.exit_code == 0, built.stderr
    return base / "out" / "mini"


def test_all_builds_each_territory_s_kit_and_the_study_s_own(kits: Path):
    for folder in ("fr", "fr-val-de-test", "fr-haut-essai"):
        assert {"index.html", "guide-animation.pdf", "livret-participant.pdf", "cartes-scenarios.pdf"} <= {
            path.name for path in (kits / folder).iterdir()}, folder
        assert (kits / f".{folder}.builds.json").is_file()  # a kit of its own: its own manifest


def test_a_territory_s_covers_and_running_heads_name_its_organisation(kits: Path):
    for territory, organisation in ORGANISATIONS.items():
        for document in ("livret-participant.pdf", "guide-animation.pdf"):
            pages = [squash(page) for page in pdf_pages(kits / f"fr-{territory}" / document)]
            assert squash(organisation) in pages[0], (territory, document)
            assert squash(organisation) in pages[2], (territory, document)  # the running head of a page inside
    cover = squash(pdf_pages(kits / "fr-val-de-test" / "livret-participant.pdf")[0])
    assert squash("Mission prospective : prospective@val-de-test.example") in cover
    assert squash("Caf du Val-de-Test") in cover
    html = (kits / "fr-val-de-test" / "livret-participant.html").read_text(encoding="utf-8")
    assert 'src="assets/logos/val-de-test.svg"' in html
    assert (kits / "fr-val-de-test" / "assets/logos/val-de-test.svg").is_file()
    national = squash(pdf_text_of(kits / "fr" / "livret-participant.pdf"))
    assert not any(squash(organisation) in national for organisation in ORGANISATIONS.values())


def pdf_text_of(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def test_a_territory_s_baseline_prints_its_numbers_first_then_the_study_s(kits: Path):
    text = squash(pdf_text_of(kits / "fr-val-de-test" / "livret-participant.pdf"))
    own = text.find(squash("Si rien ne change, en chiffres : Val-de-Test"))
    national = text.find(squash("Pour comparaison : l'ensemble de l'étude"))
    # 1 300 in 2024, +6,8 % a year to 2035: 2 670 people, under the territory's heading, before the study's
    assert 0 <= own < text.find(squash("En 2035, si rien ne change : 2 670 personnes")) < national


def test_the_index_lists_every_kit_and_its_links_resolve(kits: Path):
    index = kits / "fr-territoires.html"
    html = index.read_text(encoding="utf-8")
    for territory, organisation in ORGANISATIONS.items():
        assert NAMES[territory] in html and organisation in html
    assert "département" in html
    links = re.findall(r'href="([^"]+)"', html)
    assert sorted(links) == ["fr-haut-essai/index.html", "fr-val-de-test/index.html", "fr/index.html"]
    assert all((index.parent / link).is_file() for link in links)


def test_a_second_batch_rewrites_nothing(kits: Path):
    study = kits.parent.parent / "mini"
    pdfs = sorted(kits.glob("fr*/**/*.pdf"))
    before = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in pdfs}
    again = run("build", str(study), "--lang", "fr", "--territory", "all", "--out", str(kits.parent))
    assert again.exit_code == 0, again.stderr
    assert again.stdout.count("rien de ce qui le compose n'a changé") == 3, again.stdout  # one per kit
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in pdfs} == before


def test_an_unknown_territory_is_a_usage_error_listing_the_known_ones(kits: Path, tmp_path: Path):
    study = kits.parent.parent / "mini"
    refused = run("build", str(study), "--lang", "fr", "--territory", "val-de-tset", "--out", str(tmp_path))
    assert refused.exit_code == 2
    assert "val-de-tset" in refused.stderr and "haut-essai, val-de-test" in refused.stderr
    assert "val-de-test" in refused.stderr.split("val-de-tset", 1)[1]  # did you mean
    assert not any(tmp_path.iterdir())


def test_without_the_option_the_kit_is_what_it_was(tmp_path: Path):
    """Territory files change nothing in a build without --territory: the same HTML, byte for byte."""
    plain = copy_fixture("mini", tmp_path / "plain")
    with_territories = _with_territories(copy_fixture("mini", tmp_path / "with"), indicators=False)
    for study in (plain, with_territories):
        built = run("build", str(study), "--lang", "fr", "--out", str(study.parent / "out"))
        assert built.exit_code == 0, built.stderr
    kit = Path("out/mini/fr")
    pages = sorted(path.relative_to(plain.parent / kit) for path in (plain.parent / kit).rglob("*.html"))
    assert pages
    for page in pages:
        assert (plain.parent / kit / page).read_bytes() == (with_territories.parent / kit / page).read_bytes(), page
    assert sorted(path.name for path in (with_territories.parent / "out/mini").iterdir()) == [".fr.builds.json",
                                                                                           ".fr.lock", "fr"]


# --- the batch (issue 15, part E): one pool of workers, kits prepared ahead, each kit published on its own ----------


class _CountedPool(ProcessPoolExecutor):
    started = 0

    def __init__(self, *args, **kwargs) -> None:
        type(self).started += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def counted_pools(monkeypatch) -> type[_CountedPool]:
    """Worker pools counted as they are made; two workers whatever the machine."""
    monkeypatch.setenv("PROSPECTIVE_JOBS", "2")
    monkeypatch.setattr(_CountedPool, "started", 0)
    monkeypatch.setattr(pdf, "ProcessPoolExecutor", _CountedPool)
    return _CountedPool


def _inodes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_ino for path in sorted(folder.glob("fr*/**/*.pdf"))}


def test_a_batch_writes_every_kit_with_one_pool_and_prints_kit_after_kit(tmp_path: Path, counted_pools):
    study = _with_territories(copy_fixture("mini", tmp_path), indicators=False)
    built = run("build", str(study), "--lang", "fr", "--territory", "all", "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.stderr
    assert counted_pools.started == 1  # one pool for the nine PDFs of the three kits
    kits = tmp_path / "out" / "mini"
    assert len(_inodes(kits)) == 9
    lines = built.stdout.splitlines()
    starts = [number for number, line in enumerate(lines) if line.endswith("/") and not line.startswith(" ")]
    assert [lines[number].rsplit("/", 2)[-2] for number in starts] == ["fr", "fr-haut-essai", "fr-val-de-test"]
    for start, end in zip(starts, [*starts[1:], len(lines) - 1], strict=True):  # each kit's lines, then its total
        kit = lines[start:end]
        assert [line.split()[0] for line in kit[1:-1]] == ["guide-animation.pdf", "livret-participant.pdf",
                                                            "cartes-scenarios.pdf", "index.html"], kit
        assert kit[-1].startswith("3 documents, "), kit
    assert lines[-1].startswith("écrit : ") and lines[-1].endswith("fr-territoires.html")

    again = run("build", str(study), "--lang", "fr", "--territory", "all", "--out", str(tmp_path / "out"))
    assert again.exit_code == 0, again.stderr
    assert counted_pools.started == 1  # nothing to write: no pool started
    assert again.stdout.count("rien de ce qui le compose n'a changé") == 3


def test_a_batch_renews_its_workers_and_every_kit_is_still_whole(tmp_path: Path, counted_pools, monkeypatch):
    monkeypatch.setattr(pdf, "RENEW_AFTER", 1)  # two workers: a new pool once two documents were handed over
    study = load_study(_with_territories(copy_fixture("mini", tmp_path), indicators=False))
    reports, index = build_territory_kits(study, "fr", tmp_path / "out")
    assert counted_pools.started == 3  # the second kit's three PDFs went to the first pool, then one per kit
    assert [len(report.documents) for report in reports] == [3, 3, 3] and index.is_file()
    assert all(path.stat().st_size > 0 for path in _inodes(tmp_path / "out" / "mini"))


def test_an_interrupted_batch_keeps_the_kits_published_and_leaves_the_others_as_they_were(tmp_path: Path,
                                                                                        counted_pools):
    study = load_study(_with_territories(copy_fixture("mini", tmp_path), indicators=False))
    out = tmp_path / "out"
    built: list[BuildReport] = []

    def stop_after_the_first_kit(event) -> None:
        if built and isinstance(event, Started):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_territory_kits(study, "fr", out, progress=stop_after_the_first_kit, built=built.append)
    kits = out / "mini"
    assert len(built) == 1 and (kits / "fr" / "index.html").is_file()  # the study's kit: published, whole
    published = _inodes(kits)
    assert len(published) == 3
    # the next kit was prepared (its PDFs handed to the workers) when the batch stopped: nothing of it is left
    assert sorted(path.name for path in kits.iterdir() if not path.name.startswith(".")) == ["fr"]
    assert not any(".building-" in path.name for path in kits.iterdir())  # its staging folder removed

    reports, _index = build_territory_kits(study, "fr", out)  # resumed: the kit published is reused as it is
    assert [report.reused for report in reports] == [3, 0, 0]
    assert {path: inode for path, inode in _inodes(kits).items() if path in published} == published
