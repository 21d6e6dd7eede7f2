"""Every figure of a study with its source: the listing a reviewer reads to check that each one is honest.

The review warns about a figure with no source (`review._unsourced_figures`); this module lists them
all, sourced or not, with the same rules: the same prose fields (`review._prose`), the same numbers
(`review.NUMBER`, `review.number_kind`: years, dates, clock times, ages and numberings are not figures),
the same sentences (`review._Sentences`) and the same tolerance of a figure repeated in a file after it
was cited or labelled there. Each figure is labelled by the source ids cited in its sentence, by
« hypothèse » (a scenario convention), or by nothing: the figures the review warns about.

`python -m toolkit.study.figures <study folder>` prints the listing (Markdown, in French).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError, Problems
from toolkit.paths import STUDY_FILE
from toolkit.study.indicators import INDICATORS_FILE, TERRITORIES_DIR, Projection, number_text, projections, rule_words
from toolkit.study.load import load_study
from toolkit.study.loader import LoadedFile, PathKey, load_yaml
from toolkit.study.markup import MARKER
from toolkit.study.model import Study
from toolkit.study.review import NUMBER, _masked, _prose, _Sentences, mask_spans, number_kind

SENTENCE_LENGTH = 160  # characters of a figure's sentence shown in the listing
PLACE_SEPARATOR = " › "
ASSUMPTION = "hypothèse"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Figure:
    """One figure of a study's prose, where it is written and what vouches for it."""

    file: str  # relative to the study folder: "study.yaml", "scenarios/le-tri-des-urgences.yaml"
    place: str  # the YAML place: "drivers › pauvrete › description", "personas › odette"
    figure: str  # as written: "15,4", "1 200"
    sentence: str  # its sentence, shortened around the figure
    sources: tuple[str, ...] = ()  # the source ids cited in its sentence
    assumption: bool = False  # its sentence is labelled [hypothèse] / [assumption]
    repeated: bool = False  # no marker in its sentence: the same figure was cited or labelled earlier in the file

    @property
    def label(self) -> str | None:
        """The source ids ("a, b"), « hypothèse », both, or None for a figure nobody vouches for."""
        parts = [*self.sources, *([ASSUMPTION] if self.assumption else [])]
        return ", ".join(parts) if parts else None


def figures(study: Study) -> list[Figure]:
    """Every figure of study.yaml and of each scenario file, in file order (study.yaml, then the scenarios)."""
    paths = [study.folder / STUDY_FILE, *sorted(scenario.path for scenario in study.scenarios)]
    found: list[Figure] = []
    for path in paths:
        loaded = load_yaml(path, Problems())
        if loaded is not None:
            found += file_figures(loaded, path.relative_to(study.folder).as_posix())
    return found


def file_figures(loaded: LoadedFile, file: str) -> list[Figure]:
    """The figures of one loaded file, as the review reads them (`review._unsourced_figures`)."""
    marked: dict[str, tuple[tuple[str, ...], bool]] = {}  # the figures cited or labelled so far in this file
    found = []
    for key, text in _prose(loaded.data, ()):
        place = _place(loaded.data, key)
        masked = _masked(text, mask_spans(text), same_length=True)
        sentences = _Sentences(text)
        for match in NUMBER.finditer(masked):
            if number_kind(masked, match.start(), match.end()) is not None:
                continue
            start, end = sentences.span(match.start())
            figure = " ".join(match.group().split())  # "1 200", whatever the space
            sources, assumption = _markers(text, start, end)
            repeated = False
            if sources or assumption:
                marked.setdefault(figure, (sources, assumption))
            elif figure in marked:
                (sources, assumption), repeated = marked[figure], True
            found.append(Figure(file, place, text[match.start():match.end()],
                                _excerpt(text, start, end, match.start()), sources, assumption, repeated))
    return found


def _markers(text: str, start: int, end: int) -> tuple[tuple[str, ...], bool]:
    """The source ids cited between `start` and `end`, and whether a label is there."""
    sources: list[str] = []
    assumption = False
    for marker in MARKER.finditer(text, start, end):
        if marker.group(1):
            if marker.group(1) not in sources:
                sources.append(marker.group(1))
        else:
            assumption = True
    return tuple(sources), assumption


def _place(data, key: PathKey) -> str:
    """"drivers › pauvrete › description": a list item by its id when it has one, else by its number from 1."""
    parts, value = [], data
    for part in key:
        if isinstance(part, int):
            item = value[part]
            name = item.get("id") if isinstance(item, dict) else None
            parts.append(str(name) if isinstance(name, str) and name else str(part + 1))
        else:
            parts.append(str(part))
        value = value[part]
    return PLACE_SEPARATOR.join(parts)


def _excerpt(text: str, start: int, end: int, offset: int) -> str:
    """The sentence text[start:end] on one line, cut to about SENTENCE_LENGTH characters around `offset`."""
    before = _SPACES.sub(" ", text[start:offset]).lstrip()
    sentence = before + _SPACES.sub(" ", text[offset:end]).rstrip()
    if len(sentence) <= SENTENCE_LENGTH:
        return sentence
    low = max(0, len(before) - SENTENCE_LENGTH // 2)
    high = min(len(sentence), low + SENTENCE_LENGTH)
    low = max(0, high - SENTENCE_LENGTH)
    if low > 0 and (space := sentence.find(" ", low, len(before))) >= 0:
        low = space + 1  # a whole word first
    if high < len(sentence) and (space := sentence.rfind(" ", len(before), high)) >= 0:
        high = space
    return ("…" if low > 0 else "") + sentence[low:high].strip() + ("…" if high < len(sentence) else "")


# --- the listing ------------------------------------------------------------------------------


def render_listing(found: list[Figure]) -> str:
    """A Markdown listing of the figures, one table per file, in the order given."""
    unlabelled = sum(1 for figure in found if figure.label is None)
    assumptions = sum(1 for figure in found if figure.assumption and not figure.sources)
    lines = [
        "# Les chiffres de l'étude et leurs sources",
        "",
        "Chaque chiffre des textes de l'étude (study.yaml et les fichiers de scénarios), avec la ou les sources "
        "citées dans sa phrase, ou la mention « hypothèse » quand c'est une convention d'écriture d'un scénario. "
        "Les années, les dates, les heures, les âges et les numéros ne sont pas des chiffres, comme pour "
        "`prospective check`. Un chiffre « repris » n'a pas de marque dans sa phrase : il a été sourcé plus haut "
        "dans le même fichier.",
        "",
        "Fichier produit, à ne pas modifier à la main : "
        "`.venv/bin/python -m toolkit.study.figures scenarios/<étude> > docs/figures-<étude>.md`.",
        "",
        f"Chiffres sourcés : {len(found) - unlabelled - assumptions} ; hypothèses : {assumptions} ; "
        f"sans source : {unlabelled}.",
    ]
    files = list(dict.fromkeys(figure.file for figure in found))
    for file in files:
        lines += ["", f"## {file}", "", "| Emplacement | Chiffre | Source | Phrase |", "| --- | --- | --- | --- |"]
        lines += [f"| {_cell(f.place)} | {_cell(f.figure)} | {_source_cell(f)} | {_cell(f.sentence)} |"
                  for f in found if f.file == file]
    return "\n".join(lines) + "\n"


def study_listing(study: Study) -> str:
    """The whole listing of docs/figures-<study>.md: the figures of the prose, then the indicator series."""
    return render_listing(figures(study)) + render_series(study)


def render_series(study: Study) -> str:
    """The indicator series (issue 15) as a reviewer checks them: every value with the source it was read in
    (observed, or published as a projection), then what the toolkit computes from them (the rule in words and
    its value at the horizon), then the contrasted scenarios' own values, which are assumptions."""
    language = study.meta.language
    authors = {source.id: source.short or source.author for source in study.meta.sources}
    lines = [
        "",
        "# Les séries d'indicateurs",
        "",
        "Valeurs observées ou publiées, chacune avec la source où elle a été lue ; puis ce que l'outil en calcule "
        "(le scénario « si rien ne change » jusqu'à l'horizon, selon la règle écrite) ; puis les valeurs que les "
        "scénarios contrastés se donnent à l'horizon, qui sont des hypothèses.",
    ]
    for territory in [None, *study.territories]:
        found = projections(study, territory)
        if not found:
            continue
        file = INDICATORS_FILE if territory is None else f"{TERRITORIES_DIR}/{territory}.yaml"
        lines += ["", f"## {file}"]
        for projection in found:
            lines += _series_table(projection, language, authors, study)
    assumptions = [(scenario, given) for scenario in study.scenarios if not scenario.baseline
                   for given in scenario.data.horizon_values]
    if assumptions:
        lines += ["", "## Valeurs des scénarios à l'horizon (hypothèses)", "",
                  "| Scénario | Indicateur | Territoire | Valeur | Raisonnement |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_cell(scenario.title.get(language))} | `{given.indicator}` | {given.territory or 'étude'} "
                  f"| {number_text(given.value, language)} | {_cell(given.note.get(language)) if given.note else ''} |"
                  for scenario, given in assumptions]
    return "\n".join(lines) + "\n"


def _series_table(projection: Projection, language: str, authors: dict[str, str], study: Study) -> list[str]:
    unit = projection.unit.get(language)
    lines = ["", f"### {_cell(projection.name.get(language))} ({_cell(unit)})", "",
             "| Année | Valeur | Nature | Source |", "| --- | --- | --- | --- |"]
    lines += [f"| {point.year} | {number_text(point.value, language)} | observée | `{point.source}` |"
              for point in projection.observed]
    if projection.rule == "published":
        for name, points in (("publiée", projection.projected[1:]), ("publiée, variante basse", projection.low),
                             ("publiée, variante haute", projection.high)):
            lines += [f"| {point.year} | {number_text(point.value, language)} | {name} | `{point.source}` |"
                      for point in points]
    rule = rule_words(projection, language, sources=authors, study_language=language)
    if projection.rule == "published":
        lines += ["", f"Repris tel quel, rien n'est calculé : {rule}"]
    else:
        lines += ["", f"Calculé par l'outil : {rule} En {projection.horizon} : "
                  f"{number_text(projection.at_horizon, language)} (valeur non arrondie du calcul ; les documents "
                  "l'arrondissent à trois chiffres significatifs)."]
    return lines


def _source_cell(figure: Figure) -> str:
    if figure.label is None:
        return "**sans source**"
    parts = [f"`{source}`" for source in figure.sources] + ([ASSUMPTION] if figure.assumption else [])
    return ", ".join(parts) + (" (repris)" if figure.repeated else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def main(argv: list[str]) -> int:
    """Print the listing of the study in `argv[0]`; 2 without a folder, 1 for a study that does not load."""
    if len(argv) != 1:
        print("usage: python -m toolkit.study.figures <study folder>", file=sys.stderr)
        return 2
    try:
        study = load_study(Path(argv[0]))
    except InputError as error:
        for problem in error.problems.sorted():
            print(problem, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(study_listing(study).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
