"""The follow-up files of a study (issue 16): network.yaml, experiments/<id>.yaml, watch.yaml, triggers on actions.

Every reference checked and located; the privacy warnings of `check` for what would be printed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.helpers import SHIPPED, copy_fixture, edit, problems_of, run, warnings_of, write
from toolkit.study.followup import STATUSES, ExperimentFile, NetworkFile, WatchFile
from toolkit.study.load import load_study
from toolkit.study.walk import walk_texts

TERRITORY = """
id: {id}
name: {name}
kind: département
organisation: Département {name}
"""

NETWORK = """
example: true
note: Réseau inventé pour les tests.
organisations:
  - id: departement-isere
    name: Département de l'Isère
    kind: departement
    territories: [isere]
    themes: [numerique]
    brings: Un terrain d'expérimentation.
    seeks: Des partenaires pour évaluer.
    website: https://www.example.org
    people:
      - name: Claire Martin
        role: Directrice de l'action sociale
        email: claire.martin@gmail.com
        phone: "04 76 00 00 00"
      - name: Mission prospective
        role: Service de la prospective
        email: prospective@exemple.fr
        public: true
  - id: ccas-grenoble
    name: CCAS de Grenoble
    kind: ccas
    territories: [isere]
"""

EXPERIMENT = """
title: Un guichet humain dans chaque plateforme
territory: isere
lead: departement-isere
partners: [ccas-grenoble]
actions:
  - atelier/table-a/a1
scenarios: [plateformes]
hypotheses:
  - numerique/plateformes
status: en-cours
started: 2026-09-01
ends: 2027-12-31
next_review: 2027-03-15
summary: Un guichet tenu par le CCAS.
indicators:
  - id: personnes-recues
    name: Personnes reçues au guichet
    unit: personnes
    baseline: {date: 2026-09-01, value: 0}
    target: {date: 2027-09-01, value: 400}
    measures:
      - {date: 2026-12-31, value: 85}
      - {date: 2027-03-31, value: 190}
"""

WATCH = """
example: true
signals:
  - date: 2026-10-12
    text: Une plateforme propose des aides à domicile à la demande.
    territory: isere
    source: Presse locale
    hypotheses: [numerique/plateformes]
    seen_by: departement-isere
  - date: 2026-11-02
    text: Une mairie ferme son accueil.
    hypotheses: [numerique/dematerialisation, demographie/vieillissement]
"""


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """The workshop fixture with two territories, a network, an experiment and a watch."""
    folder = copy_fixture("workshop", tmp_path)
    write(folder / "territories/isere.yaml", TERRITORY.format(id="isere", name="de l'Isère"))
    write(folder / "territories/nord.yaml", TERRITORY.format(id="nord", name="du Nord"))
    write(folder / "network.yaml", NETWORK)
    write(folder / "experiments/guichet-humain.yaml", EXPERIMENT)
    write(folder / "watch.yaml", WATCH)
    return folder


def test_a_valid_network_experiment_and_watch_load(study: Path):
    loaded = load_study(study)
    assert isinstance(loaded.network, NetworkFile) and isinstance(loaded.watch, WatchFile)
    assert [o.id for o in loaded.network.organisations] == ["departement-isere", "ccas-grenoble"]
    assert list(loaded.experiments) == ["guichet-humain"]
    experiment = loaded.experiments["guichet-humain"]
    assert isinstance(experiment, ExperimentFile) and experiment.id == "guichet-humain"
    assert experiment.status == "en-cours" and experiment.status in STATUSES
    assert experiment.indicators[0].measures[-1].date == datetime.date(2027, 3, 31)
    assert experiment.indicators[0].target.value == 400
    assert [s.hypotheses for s in loaded.watch.signals][1] == ["numerique/dematerialisation",
                                                               "demographie/vieillissement"]
    assert loaded.network.organisations[0].people[0].public is False


def test_a_study_without_follow_up_files_loads_as_before(tmp_path: Path):
    folder = copy_fixture("workshop", tmp_path)
    loaded = load_study(folder)
    assert loaded.network is None and loaded.watch is None and loaded.experiments == {}


def test_every_unknown_reference_of_an_experiment_is_located(study: Path):
    path = study / "experiments/guichet-humain.yaml"
    edit(path, "territory: isere", "territory: iserre")
    edit(path, "lead: departement-isere", "lead: departement-isre")
    edit(path, "partners: [ccas-grenoble]", "partners: [ccas-grenobl]")
    edit(path, "  - atelier/table-a/a1", "  - atelier/table-a/a9\n  - atelier/table-z/a1\n  - ateliers/table-a/a1\n"
                                         "  - atelier/a1")
    edit(path, "scenarios: [plateformes]", "scenarios: [plateforme]")
    edit(path, "  - numerique/plateformes", "  - numerique/plateforme\n  - numerik/plateformes\n  - numerique")
    assert problems_of(study) == [
        "experiments/guichet-humain.yaml:2:12: unknown territory 'iserre' (did you mean 'isere'?)",
        "experiments/guichet-humain.yaml:3:7: unknown organisation 'departement-isre' "
        "(did you mean 'departement-isere'?)",
        "experiments/guichet-humain.yaml:4:12: unknown organisation 'ccas-grenobl' (did you mean 'ccas-grenoble'?)",
        "experiments/guichet-humain.yaml:6:5: group 'table-a' of workshop 'atelier' has no action 'a9'",
        "experiments/guichet-humain.yaml:7:5: the results of workshop 'atelier' have no group 'table-z' "
        "(did you mean 'table-b'?)",
        "experiments/guichet-humain.yaml:8:5: unknown workshop 'ateliers' (did you mean 'atelier'?)",
        "experiments/guichet-humain.yaml:9:5: 'atelier/a1' is not of the form workshop/group/action",
        "experiments/guichet-humain.yaml:10:13: unknown scenario 'plateforme' (did you mean 'plateformes'?)",
        "experiments/guichet-humain.yaml:12:5: driver 'numerique' has no hypothesis 'plateforme' "
        "(did you mean 'plateformes'?)",
        "experiments/guichet-humain.yaml:13:5: unknown driver 'numerik' (did you mean 'numerique'?)",
        "experiments/guichet-humain.yaml:14:5: 'numerique' is not of the form driver/hypothesis",
    ]


def test_the_network_and_the_watch_name_what_exists(study: Path):
    edit(study / "network.yaml", "territories: [isere]", "territories: [isere, savoie]")
    edit(study / "network.yaml", "themes: [numerique]", "themes: [numerik]")
    edit(study / "network.yaml", "  - id: ccas-grenoble", "  - id: departement-isere")
    edit(study / "watch.yaml", "territory: isere", "territory: nor")
    edit(study / "watch.yaml", "seen_by: departement-isere", "seen_by: claire-martin")
    edit(study / "watch.yaml", "hypotheses: [numerique/dematerialisation", "hypotheses: [numerique/demat")
    assert problems_of(study) == [
        "experiments/guichet-humain.yaml:4:12: unknown organisation 'ccas-grenoble'",
        "network.yaml:7:26: unknown territory 'savoie'",
        "network.yaml:8:14: unknown driver 'numerik' (did you mean 'numerique'?)",
        "network.yaml:21:9: duplicate id 'departement-isere' in organisations",
        "watch.yaml:5:16: unknown territory 'nor' (did you mean 'nord'?)",
        "watch.yaml:8:14: unknown organisation 'claire-martin'",
        "watch.yaml:11:18: driver 'numerique' has no hypothesis 'demat'",
    ]


def test_an_organisation_named_without_a_network(study: Path):
    (study / "network.yaml").unlink()
    (study / "watch.yaml").unlink()
    assert problems_of(study) == [
        "experiments/guichet-humain.yaml:3:7: unknown organisation 'departement-isere': the study has no "
        "network.yaml",
        "experiments/guichet-humain.yaml:4:12: unknown organisation 'ccas-grenoble': the study has no network.yaml",
    ]


def test_an_action_of_a_workshop_without_results(study: Path):
    (study / "results/atelier.yaml").unlink()
    assert problems_of(study) == [
        "experiments/guichet-humain.yaml:6:5: workshop 'atelier' has no results: no file results/atelier.yaml"]


def test_dates_of_an_experiment(study: Path):
    path = study / "experiments/guichet-humain.yaml"
    edit(path, "ends: 2027-12-31", "ends: 2026-08-31")
    edit(path, "target: {date: 2027-09-01", "target: {date: 2026-09-01")
    edit(path, "      - {date: 2026-12-31, value: 85}", "      - {date: 2026-12-31, value: 85}\n"
                                                     "      - {date: 2026-12-31, value: 86}\n"
                                                     "      - {date: 2026-08-01, value: 2}")
    edit(path, "status: en-cours", "status: en cours")
    edit(path, "next_review: 2027-03-15", "next_review: demain")
    assert problems_of(study) == [
        "experiments/guichet-humain.yaml:10:9: field 'status': 'en cours' is not one of the accepted values "
        "(idee, en-preparation, en-cours, evaluee, arretee)",
        "experiments/guichet-humain.yaml:12:7: the experiment ends on 2026-08-31, not after it starts (2026-09-01)",
        "experiments/guichet-humain.yaml:13:14: field 'next_review': 'demain' is not a date",
        "experiments/guichet-humain.yaml:20:20: the target's date, 2026-09-01, is not after the baseline's "
        "(2026-09-01)",
        "experiments/guichet-humain.yaml:23:16: 2026-12-31 comes after 2026-12-31: the measures go in the order of "
        "their dates, each date once",
        "experiments/guichet-humain.yaml:24:16: the measure of 2026-08-01 comes before the baseline's date "
        "(2026-09-01)",
    ]


def test_duplicate_indicators_and_a_file_name_that_is_not_an_id(study: Path):
    path = study / "experiments/guichet-humain.yaml"
    edit(path, "summary:", "id: guichet\nsummary:")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text[text.index("  - id: personnes-recues"):], encoding="utf-8")
    write(study / "experiments/Guichet Bis.yaml", EXPERIMENT)
    assert problems_of(study) == [
        "experiments/Guichet Bis.yaml:1:1: 'Guichet Bis' is not a valid experiment id (the file name is the id)",
        "experiments/guichet-humain.yaml:14:5: id 'guichet' does not match the file name 'guichet-humain.yaml'",
        "experiments/guichet-humain.yaml:25:9: duplicate id 'personnes-recues' in indicators",
    ]


TRIGGER = """        kind: action
        trigger:
          when: À activer si les plateformes deviennent l'opérateur principal.
          hypotheses: [numerique/plateformes, numerique/platformes, demographie]
"""


def test_a_trigger_names_hypotheses_of_the_study(study: Path):
    edit(study / "results/atelier.yaml", "        kind: action\n", TRIGGER)
    assert problems_of(study) == [
        "results/atelier.yaml:24:47: driver 'numerique' has no hypothesis 'platformes' (did you mean 'plateformes'?)",
        "results/atelier.yaml:24:69: 'demographie' is not of the form driver/hypothesis",
    ]


def test_a_trigger_threshold_and_months_are_bounded(study: Path):
    edit(study / "results/atelier.yaml", "        kind: action\n",
         TRIGGER.replace(", numerique/platformes, demographie", "") + "          threshold: 0\n          months: 500\n")
    assert problems_of(study) == [
        "results/atelier.yaml:25:22: field 'groups › table-a › actions › a1 › trigger › threshold': 0 is less than 1",
        "results/atelier.yaml:26:19: field 'groups › table-a › actions › a1 › trigger › months': 500 is more than 120",
    ]
    edit(study / "results/atelier.yaml", "threshold: 0\n          months: 500\n", "threshold: 2\n")
    action = load_study(study).workshops[0].results.groups["table-a"].actions["a1"]
    assert action.trigger.threshold == 2 and action.trigger.months == 12
    assert action.trigger.hypotheses == ["numerique/plateformes"]


def privacy_warnings(study: Path) -> list[str]:
    """The warnings of `check` on the follow-up files (the fixture's own warnings are about its scenarios)."""
    return [w for w in warnings_of(study, review=True) if w.startswith(("network", "experiments", "watch"))]


def test_personal_data_in_printed_fields_is_a_warning(study: Path):
    """A private contact's own e-mail and phone (claire.martin@gmail.com, 04 76 ...) are never printed: no warning;
    the same in a printed text is one, located at the address or the number."""
    assert privacy_warnings(study) == []
    edit(study / "network.yaml", "brings: Un terrain d'expérimentation.",
         "brings: Un terrain d'expérimentation, écrire à claire.martin@gmail.com.")
    edit(study / "network.yaml", "prospective@exemple.fr", "prospective.isere@orange.fr")
    edit(study / "network.yaml", "role: Service de la prospective", "role: Service de la prospective, 04.76.00.00.01")
    edit(study / "watch.yaml", "text: Une mairie ferme son accueil.",
         "text: Une mairie ferme son accueil, un numéro reste ouvert (+33 4 76 00 00 02).")
    edit(study / "experiments/guichet-humain.yaml", "summary: Un guichet tenu par le CCAS.",
         "summary: \"Un guichet tenu par le CCAS : contact jean@hotmail.fr ou 0612345678.\"")
    assert privacy_warnings(study) == [
        "experiments/guichet-humain.yaml:14:49: a personal e-mail address (jean@hotmail.fr) in a printed text",
        "experiments/guichet-humain.yaml:14:68: a phone number (0612345678) in a printed text",
        "network.yaml:9:52: a personal e-mail address (claire.martin@gmail.com) in a printed text",
        "network.yaml:18:42: a phone number (04.76.00.00.01) in a printed text",
        "network.yaml:19:16: the public contact's e-mail is on a personal domain (orange.fr)",
        "watch.yaml:10:65: a phone number (+33 4 76 00 00 02) in a printed text",
    ]


def test_a_private_contact_is_never_looked_at(study: Path):
    edit(study / "network.yaml", "        public: true\n", "")
    edit(study / "network.yaml", "prospective@exemple.fr", "prospective.isere@orange.fr")
    assert privacy_warnings(study) == []


def test_check_in_french(study: Path, french):
    edit(study / "experiments/guichet-humain.yaml", "lead: departement-isere", "lead: departement-isre")
    edit(study / "experiments/guichet-humain.yaml", "  - atelier/table-a/a1", "  - atelier/table-a/a9")
    edit(study / "watch.yaml", "hypotheses: [numerique/plateformes]", "hypotheses: [numerique]")
    result = run("check", str(study))
    assert result.exit_code == 1
    assert "experiments/guichet-humain.yaml:3:7: erreur : organisation inconnue `departement-isre` (vouliez-vous " \
        "dire `departement-isere` ?)\n    conseil : organisations de network.yaml : departement-isere, " \
        "ccas-grenoble" in result.stderr
    assert "experiments/guichet-humain.yaml:6:5: erreur : le groupe `table-a` de l'atelier `atelier` n'a pas " \
        "d'action `a9`\n    conseil : ses actions dans results/atelier.yaml : a1, a2" in result.stderr
    assert "watch.yaml:7:18: erreur : « numerique » n'est pas de la forme variable/hypothèse\n    conseil : écrivez " \
        "l'identifiant de la variable, une barre oblique et l'identifiant d'une de ses hypothèses, comme " \
        "demographie/vieillissement" in result.stderr


def test_check_warns_in_french(study: Path, french):
    edit(study / "watch.yaml", "text: Une mairie ferme son accueil.", "text: Une mairie ferme, appeler le 0476000000.")
    result = run("check", str(study))
    assert result.exit_code == 0
    assert "watch.yaml:10:40: avertissement : un numéro de téléphone (0476000000) dans un texte imprimé" \
        in result.stderr


# --- translations (issue 16, part E): the follow-up files have theirs, like every file of a study -----------

NETWORK_EN = """
note: A network made up for the tests.
organisations:
  - id: departement-isere
    brings: A testing ground.
    seeks: Partners to evaluate.
    people:
      - role: Director of social action
      - role: Foresight service
  - id: ccas-grenoble
"""

EXPERIMENT_EN = """
title: A human desk in every platform
summary: A desk run by the CCAS.
indicators:
  - id: personnes-recues
    name: People seen at the desk
    unit: people
"""

WATCH_EN = """
signals:
  - date: 2026-10-12
    text: A platform offers home help on demand.
  - date: 2026-11-02
    text: A town hall closes its reception desk.
"""


def followup_problems(study: Path) -> list[str]:
    return [p for p in problems_of(study) if p.startswith(("network", "experiments", "watch"))]


def test_the_follow_up_files_are_translated_like_the_other_files(study: Path):
    """In a study with an English edition, every text of network.yaml, an experiment and watch.yaml needs its
    English, from translations/en/ (a missing file is one problem, where the first text is written)."""
    edit(study / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, en]\n")
    assert followup_problems(study) == [
        "experiments/guichet-humain.yaml:1:8: 4 texts of this file have no English translation",
        "network.yaml:2:7: 5 texts of this file have no English translation",
        "watch.yaml:4:11: 2 texts of this file have no English translation",
    ]
    write(study / "translations/en/network.yaml", NETWORK_EN)
    write(study / "translations/en/experiments/guichet-humain.yaml", EXPERIMENT_EN.replace(
        "title: A human desk in every platform\n", ""))
    write(study / "translations/en/watch.yaml", WATCH_EN)
    assert followup_problems(study) == [
        "experiments/guichet-humain.yaml:1:8: field 'title' has no English translation"]


def test_the_english_texts_of_the_follow_up_reach_the_model(study: Path):
    """`prospective new translation` writes the follow-up files too (texts to write, ids and a signal's date to
    find one's way, no contact of a person); written over, their English is what an English kit prints."""
    edit(study / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, en]\n")
    result = run("new", "translation", str(study), "en")
    assert result.exit_code == 0, result.output
    scaffold = (study / "translations/en/network.yaml").read_text(encoding="utf-8")
    assert scaffold.startswith("# yaml-language-server: $schema=") and "network-translation" in scaffold.splitlines()[0]
    assert "role: 'À écrire : Directrice de l''action sociale'" in scaffold
    assert not [word for word in ("Claire Martin", "claire.martin", "04 76", "Mission prospective", "@exemple.fr")
                if word in scaffold]
    assert "date: 2026-10-12" in (study / "translations/en/watch.yaml").read_text(encoding="utf-8")
    assert "title: 'À écrire : Un guichet humain dans chaque plateforme'" in (
        study / "translations/en/experiments/guichet-humain.yaml").read_text(encoding="utf-8")
    write(study / "translations/en/network.yaml", NETWORK_EN)
    write(study / "translations/en/experiments/guichet-humain.yaml", EXPERIMENT_EN)
    write(study / "translations/en/watch.yaml", WATCH_EN)
    loaded = load_study(study, review=True)
    experiment = loaded.experiments["guichet-humain"]
    assert experiment.title.get("en") == "A human desk in every platform"
    assert experiment.title.get("fr") == "Un guichet humain dans chaque plateforme"
    assert experiment.indicators[0].unit.get("en") == "people"
    assert loaded.network.note.get("en") == "A network made up for the tests."
    assert loaded.network.organisations[0].people[0].role.get("en") == "Director of social action"
    assert loaded.watch.signals[1].text.get("en") == "A town hall closes its reception desk."
    assert not [w for w in warnings_of(study, review=True) if w.startswith("translations/en/network.yaml")]


def test_a_translation_that_changes_an_id_is_a_warning(study: Path):
    edit(study / "study.yaml", "language: fr\n", "language: fr\nlanguages: [fr, en]\n")
    run("new", "translation", str(study), "en")
    write(study / "translations/en/network.yaml", NETWORK_EN.replace("  - id: ccas-grenoble\n",
                                                                      "  - id: ccas-grenoble\n    name: CCAS\n"))
    assert "translations/en/network.yaml:10:11: organisations › 2 › name is not a text of network.yaml, or " \
        "differs from it" in warnings_of(study)


def test_the_shipped_follow_up_checks_in_english():
    """Every text of the shipped network, experiments and watch has its English, and the English is not the
    French copied; `check` passes with the English edition."""
    loaded = load_study(SHIPPED, languages=["en"])
    models = [loaded.network, *loaded.experiments.values(), loaded.watch]
    texts = [text for model in models for _key, text in walk_texts(model)]
    assert len(texts) > 80
    assert [text.get("fr") for text in texts if "en" not in text.values] == []
    assert [text.get("fr") for text in texts if text.values["en"] == text.get("fr") and len(text.get("fr")) > 12] == []
    result = run("check", str(SHIPPED))
    assert result.exit_code == 0 and "0 warnings" in result.stdout, result.output


def test_personal_data_in_a_translation_is_a_warning_too(study: Path):
    """The English carnet prints the English texts: an address or a number written only there is found there.
    (The fixture's other files have no English: the check of personal data is run alone, on the study loaded in
    French then given its English edition.)"""
    from toolkit.errors import Problems
    from toolkit.study.review import _personal_data

    loaded = load_study(study)
    loaded.meta.languages = ["fr", "en"]
    write(study / "translations/en/network.yaml", NETWORK_EN.replace(
        "brings: A testing ground.", "brings: A testing ground, write to claire@gmail.com."))
    write(study / "translations/en/experiments/guichet-humain.yaml", EXPERIMENT_EN.replace(
        "summary: A desk run by the CCAS.", "summary: A desk run by the CCAS, call 04 76 00 00 03."))
    write(study / "translations/en/watch.yaml", WATCH_EN)
    problems = Problems()
    _personal_data(loaded, problems)
    assert [str(problem).split("\n")[0].replace(f"{study}/", "") for problem in problems.sorted()] == [
        "translations/en/experiments/guichet-humain.yaml:2:39: warning: a phone number (04 76 00 00 03) in a "
        "printed text",
        "translations/en/network.yaml:4:40: warning: a personal e-mail address (claire@gmail.com) in a printed text",
    ]
