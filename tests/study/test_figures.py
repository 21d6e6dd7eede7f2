"""Every figure of the shipped study has its source (toolkit.study.figures), and the listing of them is reviewed.

The listing docs/figures-metiers-du-social-2040.md is committed: a change that adds, moves or
re-sources a figure shows in it, so the reviewer of the change reads each figure with its source.
The figures are those the review would ask a source for (`prospective check` warns about the
unlabelled ones): both read them with the same rules, which the last tests hold.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, SHIPPED, copy_fixture, with_narrative
from toolkit.study.figures import Figure, figures, render_listing, study_listing
from toolkit.study.load import load_study
from toolkit.study.model import Study

LISTING = ROOT / "docs" / f"figures-{SHIPPED.name}.md"
REGENERATE = (f".venv/bin/python -m toolkit.study.figures scenarios/{SHIPPED.name} "
              f"> docs/{LISTING.name}")

# Sources of study.yaml that have no public address: a report never put online, a press release
# that was taken down... Each one says why on its line. A source missing here and without a URL
# fails the test: find its address (Légifrance, the publisher's site) before adding it.
# Laws carry Légifrance's ELI address (/eli/loi/<year>/<month>/<day>/<number>/jo/texte), the persistent
# form Légifrance gives every law ("Alias" on each text), written from the law's verified date and number.
NO_PUBLIC_URL: dict[str, str] = {
    "hcts-2026": "no official page of the report (solidarites.gouv.fr, vie-publique.fr) in the stored pages; "
                 "only press accounts of it (Le Media social, ASH, dubasque.org, snfocos.org)",
    "hcts-participation-2017": "no official page in the stored pages; only accounts of it (Banque des "
                               "Territoires, ASH, dubasque.org, Uriopss Réunion) and unofficial copies "
                               "(pdfslide.fr, l.21-bal.com)",
    "unaforis-2018": "no page of UNAFORIS or La Fonda in the stored pages; only an unofficial copy of the "
                     "study on pdfslide.fr",
    "conference-metiers-2022": "the communiqué itself is not in the stored pages (only its text reproduced "
                               "on info-chalon.com); official pages of the same day are the Prime "
                               "Minister's speech (info.gouv.fr/discours/12701) and a ministry article "
                               "(solidarites-sante.gouv.fr), other documents than the communiqué",
}


@pytest.fixture(scope="module")
def shipped() -> Study:
    return load_study(SHIPPED)


@pytest.fixture(scope="module")
def shipped_figures(shipped: Study) -> list[Figure]:
    return figures(shipped)


def where(figure: Figure) -> str:
    return f"{figure.file} › {figure.place}: '{figure.figure}' in « {figure.sentence} »"


# --- the shipped study ------------------------------------------------------------------------


def test_the_shipped_study_has_figures(shipped_figures: list[Figure]):
    assert any(figure.file == "study.yaml" for figure in shipped_figures)
    assert any(figure.file.startswith("scenarios/") for figure in shipped_figures)


def test_every_figure_has_a_source_or_is_an_assumption(shipped_figures: list[Figure]):
    unlabelled = [where(figure) for figure in shipped_figures if figure.label is None]
    assert not unlabelled, (
        f"{len(unlabelled)} figure(s) with no source and no [hypothèse] label: cite a source of study.yaml "
        "in the same sentence with [@source-id], or label the figure [hypothèse]\n" + "\n".join(unlabelled))


def test_every_cited_source_is_a_source_of_the_study(shipped: Study, shipped_figures: list[Figure]):
    known = {source.id for source in shipped.meta.sources}
    unknown = [f"{where(figure)} cites '{source}'" for figure in shipped_figures for source in figure.sources
               if source not in known]
    assert not unknown, "citations of sources missing from study.yaml `sources:`\n" + "\n".join(unknown)


def test_the_committed_listing_is_up_to_date(shipped: Study):
    expected = study_listing(shipped)
    written = LISTING.read_text(encoding="utf-8") if LISTING.is_file() else None
    assert written == expected, f"{LISTING.relative_to(ROOT)} is not the listing of the study: regenerate it " \
                                f"with `{REGENERATE}` and review the difference"


def test_the_listing_says_which_values_are_observed_and_which_computed(shipped: Study):
    """Issue 15.3: every value of every series is listed with the source it was read in, and each projection with
    its rule and its value at the horizon, marked as computed by the toolkit."""
    listing = study_listing(shipped).split("# Les séries d'indicateurs", 1)[1]
    series = [(None, indicator) for indicator in shipped.indicators] + \
        [(territory.id, indicator) for territory in shipped.territories.values() for indicator in territory.indicators]
    assert series
    rows = [line for line in listing.splitlines() if line.startswith("| 2")]
    expected = sum(len(indicator.observed) + len(indicator.baseline.values) + len(indicator.baseline.low)
                   + len(indicator.baseline.high) for _territory, indicator in series)
    assert len(rows) == expected
    assert all(f"`{point.source}` |" in listing for _territory, indicator in series for point in indicator.observed)
    computed = [indicator for _territory, indicator in series if indicator.baseline.rule != "published"]
    assert listing.count("Calculé par l'outil : Si rien ne change") == len(computed)
    assert listing.count("Repris tel quel, rien n'est calculé : Si rien ne change") == len(series) - len(computed)


def test_every_source_has_a_title_an_author_a_year_and_a_url(shipped: Study):
    missing = []
    for source in shipped.meta.sources:
        titles = [text for _language, text in source.title.items()]
        if not titles or not all(text.strip() for text in titles):
            missing.append(f"{source.id}: no title")
        if not source.author.strip():
            missing.append(f"{source.id}: no author")
        if not source.year:
            missing.append(f"{source.id}: no year")
        if not source.url and source.id not in NO_PUBLIC_URL:
            missing.append(f"{source.id}: no url")
    assert not missing, "sources of study.yaml with a field missing (a source with no public address goes " \
                        "into NO_PUBLIC_URL with the reason)\n" + "\n".join(missing)


def test_the_allow_list_names_sources_of_the_study(shipped: Study):
    known = {source.id for source in shipped.meta.sources}
    assert set(NO_PUBLIC_URL) <= known
    assert all(reason.strip() for reason in NO_PUBLIC_URL.values())


def test_the_unlabelled_figures_are_those_the_review_warns_about(shipped: Study, shipped_figures: list[Figure]):
    assert sorted(unlabelled(shipped_figures)) == sorted(warned(SHIPPED))


# --- a study written for the test -------------------------------------------------------------


@pytest.fixture
def study_with_figures(tmp_path: Path) -> Path:
    """The mini study with, in a narrative, a sourced figure, an assumption, a bare figure and a repeat.

    The summary of the mini study already holds « 40 % » in a sentence that cites a source and is
    labelled: a marker belongs to the whole sentence, as for the review.
    """
    mini = copy_fixture("mini", tmp_path)
    with_narrative(mini, "Elles traitent 12 000 dossiers par an [@source-a]. Elles ouvrent 25 guichets [hypothèse]. "
                         "En 2030, Odette a 84 ans ; le mardi à 9 h, 300 agent·es répondent.\n\n"
                         "  Encore 12 000 dossiers.")
    return mini


def test_the_listing_labels_each_figure(study_with_figures: Path):
    found = figures(load_study(study_with_figures))
    assert [(f.file, f.place, f.figure, f.label, f.repeated) for f in found] == [
        ("study.yaml", "summary", "40", "source-a, hypothèse", False),
        ("scenarios/plateformes.yaml", "narrative", "12 000", "source-a", False),
        ("scenarios/plateformes.yaml", "narrative", "25", "hypothèse", False),
        ("scenarios/plateformes.yaml", "narrative", "300", None, False),  # not 2030, 84 ans, 9 h
        ("scenarios/plateformes.yaml", "narrative", "12 000", "source-a", True),
    ]
    assert found[3].sentence == "En 2030, Odette a 84 ans ; le mardi à 9 h, 300 agent·es répondent."
    listing = render_listing(found)
    assert "Chiffres sourcés : 3 ; hypothèses : 1 ; sans source : 1." in listing
    assert listing.index("## study.yaml") < listing.index("## scenarios/plateformes.yaml")
    rows = [line for line in listing.splitlines() if line.startswith("| ") and "---" not in line
            and not line.startswith("| Emplacement")]
    assert [row.split(" | ")[:3] for row in rows] == [
        ["| summary", "40", "`source-a`, hypothèse"],
        ["| narrative", "12 000", "`source-a`"],
        ["| narrative", "25", "hypothèse"],
        ["| narrative", "300", "**sans source**"],
        ["| narrative", "12 000", "`source-a` (repris)"],
    ]
    assert sorted(unlabelled(found)) == sorted(warned(study_with_figures))


def test_a_long_sentence_is_cut_around_its_figure(tmp_path: Path):
    mini = copy_fixture("mini", tmp_path)
    with_narrative(mini, "Au début " + "des mots sans chiffre, " * 12 + "puis 75 dossiers, " + "et la suite, " * 15
                   + "jusqu'au bout.")
    figure = figures(load_study(mini))[-1]
    assert figure.figure == "75"
    assert figure.sentence.startswith("…") and figure.sentence.endswith("…")
    assert "puis 75 dossiers" in figure.sentence and len(figure.sentence) <= 162


def test_python_m_prints_the_listing(study_with_figures: Path):
    result = subprocess.run([sys.executable, "-m", "toolkit.study.figures", str(study_with_figures)],
                            capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == study_listing(load_study(study_with_figures))


def test_python_m_without_a_study(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "toolkit.study.figures", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 1
    assert "no study.yaml file" in result.stderr


# --- helpers ----------------------------------------------------------------------------------


def unlabelled(found: list[Figure]) -> list[tuple[str, str]]:
    return [(figure.file, figure.figure) for figure in found if figure.label is None]


def warned(folder: Path) -> list[tuple[str, str]]:
    """(file, figure) of every warning of the review about a figure with no source."""
    study = load_study(folder, review=True)
    prefix, suffix = "figure '", "' has no source and is not labelled as an assumption"
    return [(warning.location.file.relative_to(folder.resolve()).as_posix(),
             warning.message.removeprefix(prefix).removesuffix(suffix))
            for warning in study.warnings if warning.message.startswith(prefix) and warning.message.endswith(suffix)]
