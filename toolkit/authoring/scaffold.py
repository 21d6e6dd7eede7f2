"""`prospective new`: starting files for a study, a scenario or a workshop plan.

Each scaffold is valid as written (`prospective check` loads it: placeholders read
« À écrire : ... », and each one left is a warning, an error under `--strict`), carries short
French hints as YAML comments, and starts with the `# yaml-language-server: $schema=...` line
that gives editors completion and checks. The lengths the hints give come from the rules
`check` applies (the narrative's: `NARRATIVE_WORDS`, or the study's `narrative_words`).
Nothing is ever overwritten: an existing file stops the command before anything is written.
An error of the system (read-only or full disk, a file where a folder should be) stops it
with the path and what to do, and removes the files it had already written, so that the
same command can simply be run again.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
from pathlib import Path

from toolkit.errors import BuildError, InputError, Problem, display_path, os_problem
from toolkit.files import make_folder
from toolkit.language import N_, _
from toolkit.limits import MAX_YEAR, MIN_YEAR
from toolkit.paths import SCENARIO_DIR, STUDY_FILE, WORKSHOPS_DIR
from toolkit.study.load import load_study
from toolkit.study.model import NARRATIVE_WORDS, SLUG_PATTERN, Study, Text, clock_minutes, clock_text, suggest_slug
from toolkit.study.review import SCAFFOLD_PLACEHOLDER
from toolkit.study.schema import modeline

BASELINE_ID = "si-rien-ne-change"
TODO = f"{SCAFFOLD_PLACEHOLDER} : "  # `check` warns about every one left
# kind -> the message for an id that is not a slug
NOT_AN_ID = {
    "study": N_("'%(id)s' is not a valid study id: use lowercase letters, digits and single hyphens"),
    "scenario": N_("'%(id)s' is not a valid scenario id: use lowercase letters, digits and single hyphens"),
    "workshop": N_("'%(id)s' is not a valid workshop id: use lowercase letters, digits and single hyphens"),
}

CONVENTIONS = """\
# Conventions d'écriture (les textes longs sont en Markdown) :
#   - tout chiffre cite une source de study.yaml, écrite [@id-de-la-source],
#     ou est signalé comme une hypothèse du scénario par [hypothèse] ;
#   - un texte peut exister en plusieurs langues : title: {fr: ..., en: ...} ;
#   - une image est un fichier du dossier assets/ de l'étude : ![description](assets/image.png)."""


def check_id(value: str, kind: str) -> str:
    """Refuse an id that validation would refuse, suggesting a slug."""
    if not re.match(SLUG_PATTERN, value):
        raise InputError([Problem(None, _(NOT_AN_ID[kind], id=value),
                                  _("for example '%(id)s'", id=suggest_slug(value)))])
    return value


def new_study(studies_dir: Path, study_id: str, *, year: int | None = None) -> list[Path]:
    """`<studies_dir>/<id>/study.yaml` and its baseline `scenarios/si-rien-ne-change.yaml`."""
    check_id(study_id, "study")
    folder = studies_dir / study_id
    study_path = folder / STUDY_FILE
    baseline_path = folder / SCENARIO_DIR / f"{BASELINE_ID}.yaml"
    _refuse_existing(study_path, baseline_path)
    horizon = (year or datetime.date.today().year) + 15
    _write({study_path: _study_text(study_id, study_path, horizon),
            baseline_path: _baseline_text(study_id, baseline_path, horizon)})
    return [study_path, baseline_path]


def new_scenario(study_folder: Path, scenario_id: str) -> Path:
    """`scenarios/<id>.yaml`, every pick copied from the baseline."""
    check_id(scenario_id, "scenario")
    path = study_folder / SCENARIO_DIR / f"{scenario_id}.yaml"
    _refuse_existing(path)
    study = load_study(study_folder)
    _write({path: _scenario_text(study, path)})
    return path


def new_workshop(study_folder: Path, workshop_id: str, *, date: datetime.date | None = None) -> Path:
    """`workshops/<id>.yaml`: a half-day agenda of library methods that adds up."""
    check_id(workshop_id, "workshop")
    path = study_folder / WORKSHOPS_DIR / f"{workshop_id}.yaml"
    _refuse_existing(path)
    study = load_study(study_folder)
    when = date or datetime.date.today() + datetime.timedelta(days=60)
    _write({path: _workshop_text(study, path, when)})
    return path


# --- writing -------------------------------------------------------------------------


def _refuse_existing(*paths: Path) -> None:
    existing = [path for path in paths if os.path.lexists(path)]
    if existing:
        raise InputError([_exists(path) for path in existing])


def _exists(path: Path) -> Problem:
    return Problem(None, _("%(path)s already exists: it was left as it is", path=display_path(path)),
                   _("choose another id, or delete the file first if you really want to start again"))


def _write(files: dict[Path, str]) -> None:
    """Create every file, or none: on an error, the files created so far are removed."""
    written: list[Path] = []
    try:
        for path, text in files.items():
            make_folder(path.parent)
            with path.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
                written.append(path)
                file.write(text)
    except FileExistsError as error:  # created meanwhile by someone else
        _remove(written)
        raise InputError([_exists(Path(error.filename or path))]) from None
    except OSError as error:
        _remove(written)
        problem = os_problem(error, "create", Path(error.filename) if error.filename else path)
        raise BuildError.of(Problem(None, _("%(problem)s (nothing was created)", problem=problem.message),
                                    problem.hint)) from None


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # the error being reported says why
            path.unlink(missing_ok=True)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _words(study: Study | None = None) -> str:
    """The narrative length `check` asks for, in words: the study's bounds, else NARRATIVE_WORDS."""
    low, high = (study.meta.narrative_words.min, study.meta.narrative_words.max) if study else NARRATIVE_WORDS
    return f"{low} à {high} mots"


def _plain(text: Text | str | None, language: str) -> str:
    """A text on one line, for a comment."""
    value = text.get(language, language) if isinstance(text, Text) else (text or "")
    return " ".join(value.split())


# --- study ---------------------------------------------------------------------------


def _study_text(study_id: str, path: Path, horizon: int) -> str:
    drivers = "\n".join(_driver_block(letter) for letter in ("a", "b"))
    return f"""\
{modeline("study", path)}
# Étude « {study_id} » : la question prospective, les variables clés et leurs hypothèses,
# les métiers et les personas. Les scénarios sont des fichiers de scenarios/ (un par scénario).
{CONVENTIONS}
# Vérifiez avec : prospective check {study_id}

# Titre de l'étude, en couverture de chaque document : 3 à 10 mots.
title: {_q(TODO + "titre de l'étude")}
# Sous-titre facultatif, une ligne.
subtitle: {_q(TODO + "sous-titre")}
# Année de l'horizon de l'étude (entre {MIN_YEAR} et {MAX_YEAR}).
horizon: {horizon}
# Langue des textes ; languages: [fr, en] pour publier plusieurs éditions.
language: fr
# Les mots du domaine, avec leur article, que reprennent les méthodes et les documents du kit
# (« pour les personnes accompagnées »). Facultatifs : sans eux, le kit dit « les métiers
# étudiés », « les personnes concernées », « les professionnel·les ».
audience:
  field: {_q(TODO + "les métiers de ..., ce dont parle l'étude")}
  people: {_q(TODO + "les personnes que servent ces métiers")}
  professionals: {_q(TODO + "les professionnel·les de ...")}
# La question prospective, en une phrase : « Que deviennent ... en {horizon} ? »
scoping_question: {_q(TODO + f"que deviennent ... en {horizon} ?")}
# Résumé de l'étude : 80 à 150 mots (pourquoi, pour qui, comment elle a été construite).
summary: |
  {TODO}le résumé de l'étude.
# Avertissement imprimé avec l'étude : un exercice de prospective, pas une prévision.
disclaimer: {_q(TODO + "ce que l'étude est, et ce qu'elle n'est pas.")}
# Auteurs (au moins un) ; role est facultatif.
authors:
  - name: {_q(TODO + "nom de l'équipe ou de la personne")}
    organisation: {_q(TODO + "organisation")}
# Partenaires facultatifs, de la même forme que authors.
partners: []
# Sources citées dans les textes par [@id]. Exemple :
#   - id: insee-2024
#     author: Insee
#     short: Insee              # facultatif : forme courte de la citation
#     title: Projections de population 2021-2070
#     year: 2024
#     url: https://www.insee.fr/...   # facultatif
sources: []
# Variables clés : chacune a au moins deux hypothèses, dont exactement une `trend: true`
# (la tendance actuelle, reprise par le scénario « Si rien ne change »).
# Les id sont en minuscules, chiffres et tirets ; ils servent dans les scénarios (picks).
drivers:
{drivers}
# Métiers étudiés : ce que chaque scénario en fait (professions: dans chaque scénario).
professions:
  - id: metier-a
    name: {_q(TODO + "nom du métier")}
    description: {_q(TODO + "ce que fait ce métier aujourd'hui, en une ou deux phrases.")}
# Personas : des personnes fictives dont chaque scénario raconte la vie (personas: dans chaque scénario).
personas:
  - id: persona-a
    name: {_q(TODO + "prénom, âge")}
    situation: {_q(TODO + "sa situation aujourd'hui, en deux ou trois phrases.")}
# Longueur du récit de chaque scénario, en mots : prospective check avertit en dehors de ces bornes
# (sans cette ligne : de {NARRATIVE_WORDS[0]} à {NARRATIVE_WORDS[1]} mots). Pour d'autres bornes :
#   narrative_words: {{min: {NARRATIVE_WORDS[0]}, max: {NARRATIVE_WORDS[1]}}}
# Hypothèses qui ne peuvent pas aller ensemble dans un même scénario (variable.hypothèse), et
# pourquoi : `prospective check` avertit quand un scénario les choisit toutes les deux. Exemple :
#   - pair: [variable-a.rupture, variable-b.tendance]
#     reason: ...
incompatible: []
"""


def _driver_block(letter: str) -> str:
    return f"""\
  - id: variable-{letter}
    name: {_q(TODO + "nom de la variable clé")}
    description: {_q(TODO + "ce que recouvre cette variable, en une ou deux phrases.")}
    hypotheses:
      - id: tendance
        label: {_q(TODO + "la tendance actuelle prolongée")}
        trend: true
      - id: rupture
        label: {_q(TODO + "une autre évolution possible")}
        # description: facultative, une ou deux phrases"""


def _baseline_text(study_id: str, path: Path, horizon: int) -> str:
    return f"""\
{modeline("scenario", path)}
# Le scénario de référence « Si rien ne change » : il prolonge la tendance de chaque variable
# clé ; tous les autres scénarios lui sont comparés, variable par variable.
{CONVENTIONS}
# Vérifiez avec : prospective check {study_id}

title: Si rien ne change
# Un seul scénario de l'étude est la référence.
baseline: true
# Accroche d'une ligne pour la carte du scénario : 80 caractères au plus.
tagline: {_q(TODO + "une phrase d'accroche")}
# Résumé de 3 à 5 phrases (80 mots environ).
summary: >-
  {TODO}le résumé du scénario.
# La référence choisit la tendance (trend: true) de chaque variable clé.
picks:
  variable-a: tendance
  variable-b: tendance
# Le récit : une journée en {horizon}, {_words()}, paragraphes séparés par une ligne vide.
narrative: |
  {TODO}le récit du scénario.
# Ce que devient chaque métier : 60 à 120 mots chacun.
professions:
  metier-a: {_q(TODO + "ce que devient ce métier si rien ne change.")}
# La vie de chaque persona dans ce scénario : 50 à 100 mots chacun.
personas:
  persona-a: {_q(TODO + "la vie de ce persona si rien ne change.")}
# Signaux faibles d'aujourd'hui qui annoncent ce scénario (text, source : l'id d'une source).
weak_signals: []
# Questions pour le débat en atelier : 2 à 4 questions ouvertes.
questions:
  - {_q(TODO + "que perdrions-nous si rien ne changeait ?")}
"""


# --- scenario ------------------------------------------------------------------------


def _scenario_text(study: Study, path: Path) -> str:
    meta, language = study.meta, study.meta.language
    baseline = study.baseline
    order = max((s.data.order for s in study.alternatives), default=0) + 1
    picks = []
    for driver in meta.drivers:
        options = ", ".join(h.id + (" (tendance)" if h.trend else "") for h in driver.hypotheses)
        picks.append(f"  # {_plain(driver.name, language)} — au choix : {options}")
        picks.append(f"  {driver.id}: {baseline.data.picks[driver.id]}")
    professions = _text_map(meta.professions, "ce que devient ce métier dans ce scénario.", language)
    personas = _text_map(meta.personas, "la vie de ce persona dans ce scénario.", language)
    sources = ", ".join(s.id for s in meta.sources)
    source_hint = (f"#     source: {meta.sources[0].id}   # une source de study.yaml : {sources}" if sources
                   else "#     source: id-de-la-source   # ajoutez d'abord la source à study.yaml")
    nl = "\n"
    return f"""\
{modeline("scenario", path)}
# Scénario « {path.stem} » (le nom du fichier est son identifiant) de l'étude « {_plain(meta.title, language)} ».
# Pré-rempli à partir de la référence « {_plain(baseline.data.title, language)} » : chaque variable clé
# reprend son hypothèse ; changez seulement celles qui diffèrent dans ce scénario.
{CONVENTIONS}
# Vérifiez avec : prospective check {study.id}

# Titre court, sur les cartes, les affiches et le sommaire : 2 à 6 mots.
title: {_q(TODO + "titre du scénario")}
# Seule la référence a baseline: true.
baseline: false
# Rang d'affichage parmi les scénarios (la référence vient toujours en premier).
order: {order}
# Accroche d'une ligne pour la carte du scénario : 80 caractères au plus.
tagline: {_q(TODO + "une phrase d'accroche")}
# Résumé de 3 à 5 phrases (80 mots environ), lu en 30 secondes en atelier.
summary: >-
  {TODO}le résumé du scénario.
# Une hypothèse par variable clé, copiée de la référence : modifiez celles qui changent.
picks:
{nl.join(picks)}
# Les variables clés imprimées sur la carte (4 au plus), parmi celles que ce scénario change
# par rapport à la référence, par exemple [{", ".join(d.id for d in meta.drivers[:2])}]. Vide : les premières changées.
key_picks: []
# Le récit : une journée en {meta.horizon}, {_words(study)}, paragraphes séparés par une ligne vide.
# Terminez par « **Comment en est-on arrivé là ?** » : les décisions et ruptures qui y mènent.
narrative: |
  {TODO}le récit du scénario.
# Ce que devient chaque métier : 60 à 120 mots chacun (ce qui se perd, ce qui apparaît).
professions:{professions}
# La vie de chaque persona dans ce scénario : 50 à 100 mots chacun.
personas:{personas}
# Signaux faibles d'aujourd'hui qui annoncent ce scénario. Exemple :
#   - text: Un département expérimente ...
{source_hint}
weak_signals: []
# Questions pour le débat en atelier : 2 à 4 questions ouvertes.
questions:
  - {_q(TODO + "une question pour le débat")}
"""


def _text_map(items, placeholder: str, language: str) -> str:
    if not items:
        return " {}"
    return "".join(f"\n  # {_plain(item.name, language)}\n  {item.id}: {_q(TODO + placeholder)}" for item in items)


# --- workshop ------------------------------------------------------------------------

# (method, minutes, format, scenarios): a half-day (3 h) in the spirit of docs/workshops.md
AGENDA = [
    ("accueil", 15, "plenary", "all"),
    ("et-si-rien-ne-changeait", 30, "groups", "baseline"),
    ("roue-des-futurs", 45, "groups", "groups"),
    ("pause", 15, "plenary", None),
    ("matrice-metiers", 25, "groups", "groups"),
    ("vote-probabilite-desirabilite", 15, "plenary", "all"),
    ("restitution", 25, "plenary", "all"),
    ("cloture", 10, "plenary", None),
]
FORMATS = {"groups": "en tables", "plenary": "en plénière"}
START = "14:00"
GROUPS = 2
PARTICIPANTS = 12  # groups of 6: what the group methods of the library work with


def _workshop_text(study: Study, path: Path, date: datetime.date) -> str:
    baseline, language = study.baseline.id, study.meta.language
    alternatives = [s.id for s in study.alternatives] or [baseline]
    groups = []
    for index in range(GROUPS):
        letter = "abcdefgh"[index]
        mine = alternatives[index::GROUPS] or [alternatives[index % len(alternatives)]]
        groups.append(f"""\
  - id: table-{letter}
    name: Table {letter.upper()}
    scenarios: [{", ".join(mine)}]
    # personas: [...]   # facultatif : par défaut, tous les personas de l'étude
    facilitator: {_q(TODO + "animateur·rice de la table")}""")
    items, total = [], 0
    for method_id, minutes, format_, scenarios in AGENDA:
        method = study.methods.get(method_id)
        if method is None or (method_id == "matrice-metiers" and not study.meta.professions):
            continue
        minutes = min(max(minutes, method.data.duration.min), method.data.duration.max)
        total += minutes
        usual = f"{method.data.duration.min} à {method.data.duration.max} min"
        about = f"{_plain(method.data.name, language)} ({FORMATS[method.data.format]}, {usual} d'habitude)"
        lines = [f"  # {about}", f"  - method: {method_id}", f"    duration: {minutes}", f"    format: {format_}"]
        if scenarios == "baseline":
            lines.append(f"    scenarios: [{baseline}]")
        elif scenarios:
            lines.append(f"    scenarios: {scenarios}")
        items.append("\n".join(lines))
    end = clock_text(clock_minutes(START) + total)
    nl = "\n"
    return f"""\
{modeline("workshop", path)}
# Plan de l'atelier « {path.stem} » (le nom du fichier est son identifiant) ; format complet et
# bibliothèque de méthodes dans docs/workshops.md. Les durées de l'agenda doivent remplir
# exactement la séance (de start à end) ; le scénario de référence doit servir au moins une fois.
# Vérifiez avec : prospective check {study.id}

# Titre imprimé sur chaque document de l'atelier : une ligne.
title: {_q(TODO + "titre de l'atelier")}
# Date de l'atelier (AAAA-MM-JJ) : à remplacer.
date: {date.isoformat()}
# Heures entre guillemets : YAML lit 14:00 sans guillemets comme un nombre.
start: "{START}"
end: "{end}"
place: {_q(TODO + "lieu de l'atelier")}
organisers:
  - name: {_q(TODO + "organisateur")}
    role: Conception et animation
# Partenaires facultatifs, de la même forme que organisers.
partners: []
# scoping_question: ...   # facultatif : par défaut, celle de l'étude
# A4 ou letter ; les affiches sont alors en A3 ou en tabloid.
paper: A4
participants:
  count: {PARTICIPANTS}
  # profiles: facultatif, label et count ; les effectifs doivent faire le total de count.
  profiles: []
# Les tables : chacune travaille sur ses scénarios (scenarios: groups dans l'agenda).
groups:
{nl.join(groups)}
# L'agenda : des méthodes de la bibliothèque (templates/methods/), dans l'ordre, durées en minutes.
# Champs facultatifs : title, facilitator, notes ; scenarios : all, groups ou une liste d'id.
agenda:
{nl.join(items)}
"""
