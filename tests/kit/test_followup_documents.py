"""Issue 16, part C: the « Carnet du réseau » and the follow-up report (`prospective suivi`).

On a copy of the workshop fixture with two territories, a network (a private person, a public one), two
experiments (one with its review overdue at the report's date), a watch and two triggers on the workshop's actions
(one fires at that date, the other does not): the carnet is made only with a network; a private person's name,
e-mail and phone are in no file of the build or of the follow-up report (PDF text, HTML, zipped files); the report
lists the fired trigger apart from the other one, and the overdue review; pdfua finds no error in either PDF; no
box of either document runs past its page or its frame.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import copy_fixture, descendants, edit, normalise, pdf_pages, pdf_text, run, squash, write
from toolkit.kit.i18n import load_translations
from toolkit.kit.plan import plan_kit
from toolkit.paths import template_dirs
from toolkit.study.load import load_study

AS_OF = "2026-11-30"

TERRITORY = """
id: {id}
name: {name}
kind: département
organisation: Département {of}
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
      - name: Bérénice Fauxnom
        role: Directrice de l'action sociale
        email: berenice.fauxnom@exemple.fr
        phone: "01 99 00 12 34"
      - name: Anatole Inventé
        role: Chargé de mission prospective
      - name: Mission prospective
        role: Service de la prospective
        email: prospective@exemple.fr
        public: true
  - id: association-nord-isere
    name: Association des deux départements
    kind: association
    territories: [nord, isere]
    themes: [demographie, numerique]
    people:
      - name: Gaspard Imaginaire
        role: Président
        phone: "+33 1 99 00 56 78"
  - id: laboratoire
    name: Laboratoire de sciences sociales
    kind: recherche
"""

OVERDUE = """
title: Un guichet humain dans chaque plateforme
territory: isere
lead: departement-isere
partners: [association-nord-isere]
actions:
  - atelier/table-a/a1
scenarios: [plateformes]
hypotheses:
  - numerique/plateformes
status: en-cours
started: 2026-09-01
ends: 2027-12-31
next_review: 2026-10-15
summary: Un guichet tenu par le CCAS.
learnt: Les gens viennent quand on les appelle.
indicators:
  - id: personnes-recues
    name: Personnes reçues au guichet
    unit: personnes
    baseline: {date: 2026-09-01, value: 0}
    target: {date: 2027-09-01, value: 400}
    measures:
      - {date: 2026-10-31, value: 85}
      - {date: 2027-03-31, value: 190}
"""

EVALUATED = """
title: Un algorithme ouvert à l'essai
territory: nord
lead: association-nord-isere
actions:
  - atelier/table-a/a2
scenarios: [communs, plateformes]
status: evaluee
started: 2025-11-01
ends: 2026-06-30
next_review: 2026-01-15
"""

WATCH = """
example: true
signals:
  - date: 2025-11-15
    text: Trop ancien pour la fenêtre de douze mois.
    hypotheses: [numerique/plateformes]
  - date: 2026-01-10
    text: Une plateforme recrute des aides à domicile notées par les familles.
    territory: isere
    source: Presse locale
    hypotheses: [numerique/plateformes]
    seen_by: departement-isere
  - date: 2026-06-02
    text: Une deuxième plateforme arrive dans la vallée.
    hypotheses: [numerique/plateformes, numerique/dematerialisation]
  - date: 2026-11-20
    text: Le Département confie l'aide à domicile à une plateforme.
    territory: nord
    hypotheses: [numerique/plateformes]
  - date: 2026-09-01
    text: Une résidence pour aîné·es ferme faute de personnel.
    hypotheses: [demographie/vieillissement]
  - date: 2026-12-15
    text: Après la date du rapport, ce signal ne compte pas.
    hypotheses: [demographie/vieillissement]
"""

FIRED_WHEN = "À activer si les plateformes deviennent l'offre principale d'aide à domicile."
WAITING_WHEN = "À activer si le vieillissement se fait sans adaptation des logements."
PRIVATE = ("Bérénice Fauxnom", "berenice.fauxnom@exemple.fr", "01 99 00 12 34", "Anatole Inventé",
           "Gaspard Imaginaire", "+33 1 99 00 56 78")


def with_followup(folder: Path) -> Path:
    """The workshop fixture at `folder` with its territories, network, experiments, watch and triggers."""
    write(folder / "territories/isere.yaml", TERRITORY.format(id="isere", name="Isère", of="de l'Isère"))
    write(folder / "territories/nord.yaml", TERRITORY.format(id="nord", name="Nord", of="du Nord"))
    write(folder / "network.yaml", NETWORK)
    write(folder / "experiments/guichet-humain.yaml", OVERDUE)
    write(folder / "experiments/algorithme-ouvert.yaml", EVALUATED)
    write(folder / "watch.yaml", WATCH)
    results = folder / "results/atelier.yaml"
    edit(results, "        scenarios: {plateformes: works, communs: mixed, si-rien-ne-change: fails}\n",
         "        scenarios: {plateformes: works, communs: mixed, si-rien-ne-change: fails}\n"
         "        trigger:\n"
         f"          when: \"{FIRED_WHEN}\"\n"
         "          hypotheses: [numerique/plateformes]\n")
    edit(results, "        kind: experiment\n",
         "        kind: experiment\n"
         "        trigger:\n"
         f"          when: \"{WAITING_WHEN}\"\n"
         "          hypotheses: [demographie/vieillissement]\n"
         "          threshold: 2\n")
    return folder


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, Path]:
    """The study, and the folder of its French kit: built, then its follow-up report at AS_OF."""
    base = tmp_path_factory.mktemp("followup")
    study = with_followup(copy_fixture("workshop", base))
    out = base / "out"
    built = run("-q", "build", str(study), "--lang", "fr", "--out", str(out))
    assert built.exit_code == 0, built.output
    followed = run("-q", "suivi", str(study), "--lang", "fr", "--as-of", AS_OF, "--out", str(out))
    assert followed.exit_code == 0, followed.output
    return study, out / study.name / "fr"


def carnet(kit: Path) -> Path:
    return kit / "carnet-reseau.pdf"


def report(kit: Path) -> Path:
    return kit / "suivi" / "rapport-suivi.pdf"


def planned(study: Path, language: str = "fr") -> list[str]:
    loaded = load_study(study)
    gettext = load_translations(template_dirs(study), language).gettext
    return [document.pdf_name for document in plan_kit(loaded, language, Path("out"), gettext).documents]


def test_the_carnet_is_made_only_for_a_study_with_a_network(outputs, tmp_path: Path):
    study, kit = outputs
    assert carnet(kit).is_file() and (kit / "carnet-reseau.html").is_file()
    assert "carnet-reseau.pdf" in planned(study)
    assert "carnet-reseau.pdf" not in planned(copy_fixture("workshop", tmp_path))
    assert "network-handbook.pdf" in planned(study, "en")
    assert "Carnet du réseau" in pdf_pages(carnet(kit))[0]


def every_text(kit: Path) -> dict[str, str]:
    """The text of every file of the kit and of its follow-up report, zipped ones included: a PDF's as printed."""
    texts = {}
    for path in sorted(kit.rglob("*")):
        if path.suffix == ".pdf":
            texts[str(path)] = pdf_text(path)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    data = archive.read(name)
                    if name.endswith(".pdf"):
                        unzipped = kit.parent / "unzipped.pdf"
                        unzipped.write_bytes(data)
                        texts[f"{path}!{name}"] = pdf_text(unzipped)
                        unzipped.unlink()
                    else:
                        texts[f"{path}!{name}"] = data.decode("utf-8", "replace")
        elif path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return texts


def test_a_private_person_reaches_no_file_of_the_kit_or_of_the_report(outputs):
    """Not the name, nor the e-mail, nor the phone: compared without spaces and hyphens, so that a line break or a
    hyphenation cannot hide one; the public contact and every private person's role are printed."""
    _, kit = outputs
    texts = every_text(kit)
    assert any(name.endswith("carnet-reseau.pdf") for name in texts)
    assert any(name.endswith("rapport-suivi.html") for name in texts)
    assert sum(name.endswith(".pdf") for name in texts) > 15
    for name, text in texts.items():
        flat = squash(text)
        leaked = [value for value in PRIVATE if squash(value) in flat]
        assert not leaked, f"{name}: {leaked}"
    printed = squash(pdf_text(carnet(kit)))
    for value in ("Mission prospective", "prospective@exemple.fr", "Directrice de l'action sociale",
                  "Chargé de mission prospective", "Président"):
        assert squash(value) in printed, value


def test_the_report_lists_the_fired_trigger_apart_and_the_overdue_review(outputs):
    _, kit = outputs
    pages = [normalise(page) for page in pdf_pages(report(kit))]
    text = " ".join(pages)
    assert "Le point au lundi 30 novembre 2026" in pages[0]
    assert "Exemple fictif" in pages[0]
    fired = text.index("1 action à activer")
    waiting = text.index("Sous surveillance, pas encore à activer")
    # three signals within the twelve months up to the date (the one of 2025-11-15 is older), three needed
    assert fired < text.index(normalise(FIRED_WHEN)) < waiting < text.index(normalise(WAITING_WHEN))
    assert "À activer · 3 signaux sur les 12 derniers mois, 3 requis" in text
    assert "Pas encore · 1 signal sur les 12 derniers mois, 2 requis" in text
    overdue = text.index("Bilans en retard")
    assert "Un guichet humain dans chaque plateforme 15 oct. 2026 46 jours Département de l'Isère" in text[overdue:]
    assert "Un algorithme ouvert" not in text[overdue:text.index("Les indicateurs face à leurs cibles", overdue)]
    # the last measure on or before the date: 85 on 31 October, not the one of 2027
    assert "Dernière mesure : 85 le 31 oct. 2026" in text
    assert "190" not in text


def test_the_whole_build_keeps_the_report_and_stays_up_to_date(outputs):
    study, kit = outputs
    again = run("build", str(study), "--lang", "fr", "--out", str(kit.parent.parent))
    assert again.exit_code == 0 and "le kit est resté tel quel" in normalise(again.output), again.output
    assert report(kit).is_file()


def test_a_date_that_is_not_one_is_a_usage_error_in_the_users_language(outputs):
    study, kit = outputs
    refused = run("suivi", str(study), "--lang", "fr", "--as-of", "30/11/2026", "--out", str(kit.parent.parent))
    assert refused.exit_code == 2
    assert "« 30/11/2026 » n'est pas une date écrite AAAA-MM-JJ" in refused.output
    english = run("suivi", str(study), "--as-of", "2026-02-30", "--out", str(kit.parent.parent))
    assert english.exit_code == 2 and "'2026-02-30' is not a date written YYYY-MM-DD" in english.output


def test_a_study_with_nothing_to_follow_up_is_a_usage_error(tmp_path: Path):
    study = copy_fixture("workshop", tmp_path)
    refused = run("suivi", str(study), "--out", str(tmp_path / "out"))
    assert refused.exit_code == 2 and "has nothing to follow up" in refused.output
    assert not (tmp_path / "out").exists()


def test_pdfua_finds_no_error_in_either_document(outputs):
    _, kit = outputs
    checked = subprocess.run([sys.executable, "-m", "pdfua", "check", "--min-severity", "error",
                              str(carnet(kit)), str(report(kit))], capture_output=True, text=True, timeout=300)
    errors = [line for line in checked.stdout.splitlines() if "[ERROR]" in line or "result: ERROR" in line]
    assert checked.returncode != 3 and not errors, checked.stdout[-4000:]


FRAMED = ("organisation", "trigger", "followup-chart", "action-taken", "timeline-row")


def overflows(html: Path) -> list[str]:
    """Boxes running past their page's content area on the right, or out of a framed block (an organisation, a
    trigger, a chart, a quoted action, a row of the timeline), from WeasyPrint's own layout."""
    from weasyprint import HTML

    document = HTML(filename=str(html)).render()
    problems = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        right = box.content_box_x() + box.width
        for child in descendants(box):
            if getattr(child, "element_tag", None) in ("html", "body") or not hasattr(child, "margin_width"):
                continue
            end = child.position_x + child.margin_width() - (child.margin_right or 0)
            if end > right + 0.5 and child.element_tag != "svg":
                problems.append(f"page {number}: <{child.element_tag}> ends {end - right:.1f}px past the right edge")
            classes = (child.element.get("class") or "").split() if child.element is not None else []
            if child.element_tag != "html" and set(classes) & set(FRAMED):
                bottom = child.position_y + child.margin_height()
                for inner in descendants(child):
                    if inner.position_y + inner.margin_height() > bottom + 0.5:
                        problems.append(f"page {number}: {classes} runs past its frame")
                        break
    return problems


def test_no_box_runs_past_its_page_or_its_frame(outputs):
    _, kit = outputs
    for html in (kit / "carnet-reseau.html", kit / "suivi" / "rapport-suivi.html"):
        assert overflows(html) == [], html.name


def test_no_id_key_or_path_on_a_page(outputs):
    """The pages speak of organisations, territories, hypotheses and actions by their names, never their ids."""
    _, kit = outputs
    ids = ("departement-isere", "association-nord-isere", "guichet-humain", "algorithme-ouvert", "table-a/",
           "numerique/", "demographie/", "en-cours", "evaluee", ".yaml", "personnes-recues", "a1", "a2")
    for pdf in (carnet(kit), report(kit)):
        words = set(normalise(pdf_text(pdf)).replace(",", " ").split())
        text = pdf_text(pdf)
        assert not [i for i in ids if i in words or (("/" in i or "." in i) and i in text)], pdf.name

