"""What participants read speaks their language: no id, results key, file path or English on it.

A participant or an elected official reads the documents of `toolkit.kit.plan.ARTEFACTS` whose
audience is "participants" (booklet, scenario cards, group packs, posters, synthesis report), and
the card decks: the print shop prints them, but the tables handle them. The network's partners read
the carnet du réseau and the follow-up report (audience "network"): the same rules hold there. The one identifier the
person typing the results needs belongs in a small code in the sheet's footer, in the reader's
words ("F3 · Table A"), never as a key of the results file.

The shipped study's kit (the study, its workshop and the workshop's report, in French) is built
once for the module, and every page of every such PDF is read once. Each rule is its own test, so
one failing does not hide the others; a failure lists, document by document and page by page,
each offending string (how many times on the page) with the text around it.

Page text is prepared before it is searched: a word hyphenated at a line end (pypdf gives
U+2010 then a line break) is joined back, an id broken at one of its own hyphens is joined with
its hyphen, and spaces, no-break spaces and line breaks fold into one space.

The bibliography is not searched (see `without_sources`): it cites publications under their own
titles, some English ("... and ...", "The ..."), with their URLs (".html").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel

from tests.helpers import FIXTURES, ROOT, SHIPPED, normalise, pdf_pages
from toolkit.kit.build import build_followup
from toolkit.kit.plan import ARTEFACTS, has_followup, kit_folder, plan_kit
from toolkit.kit.render import Edition
from toolkit.kit.walk import edition_documents
from toolkit.study.load import load_study
from toolkit.study.model import ResultsFile, Study, Text

LANGUAGE = "fr"
CATALOGUE = ROOT / "templates" / "locale" / LANGUAGE / "LC_MESSAGES" / "messages.po"
ALSO_READ_BY_PARTICIPANTS = {"card-decks"}  # "print shop" documents the tables handle
# An e-mail or web address a partner copies is written as its owner wrote it: « …@example.org » holds no key.
ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+\.[a-z]{2,}\b|https?://\S+|\b(?:[\w-]+\.)+(?:org|fr|com|net|eu)\b")
READERS = ("participants", "network")  # the network's partners read the carnet and the follow-up report
FOLLOWUP_DATE = datetime.date(2026, 11, 30)  # the day the shipped example's watch and experiments are written for
PATHS = ("results/", "workshops/", "scenarios/", "templates/", ".yaml", ".yml", ".html", ".j2")
# Common English words, as whole words; none of them is French (the ones that are, like "on",
# "table", "note" or "participant", are left out). Words of 3 letters or fewer are matched in
# lower case or capitalised only, so that an acronym in capitals (OF, organisme de formation)
# does not count; longer ones in any case.
ENGLISH = ("the", "and", "with", "of", "for", "from", "your", "this", "scenario", "sheet", "group", "workshop",
           "results", "driver", "facilitator", "booklet", "id", "Sheet id")
# One-word msgids that are French words too, spelt the same (in any case): on a French page they are French.
FRENCH_TOO = {"participant", "participants", "profession", "professions", "copies", "content", "item", "front",
              "fronts", "report", "abandon", "duplex", "positive", "negative"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
CONTEXT = 20  # characters shown on each side of an offending string

IDS, KEYS, PATH, MSGID, WORD = "id of the study", "results key", "file path", "untranslated msgid", "English word"
ONE_WORD = "untranslated one-word msgid"


# --- the documents ---------------------------------------------------------------------------


def prepared(text: str) -> str:
    """Page text as searched: hyphenated words joined, ids broken at their hyphens joined, spaces folded."""
    text = re.sub(r"[\u2010\u00ad]\n", "", text)  # WeasyPrint's hyphenation: "fi‐\nchier" is "fichier"
    text = re.sub(r"-\n", "-", text)  # an id breaks at its own hyphens: "le-social-\nen-plateforme"
    return normalise(text.replace("\u2011", "-").replace("\u2019", "'"))


@dataclass
class Document:
    name: str  # its PDF, relative to the edition's folder
    artefact: str
    html: Path
    pages: list[str]  # prepared text, page 1 first; the bibliography left out
    sources_from: int | None = None  # the page (from 1) the bibliography starts on, if it has one


def without_sources(pages: list[str], heading: str, intro: str) -> tuple[list[str], int | None]:
    """The pages without the bibliography, and the page it starts on.

    `kit.sources_section` (templates/partials/macros.html.j2) renders the study's sources under
    the heading "Sources" and a one-sentence introduction; it closes the booklet and the group
    packs (`test_the_bibliography_is_the_last_thing_in_a_document` checks it stays so). So the
    text is cut from that heading, on the page where the introduction follows it, to the end of
    the document: its entries are the study's data, cited in the publications' own language.
    """
    for index, page in enumerate(pages):
        at = page.find(intro)
        start = page.rfind(heading, 0, at) if at >= 0 else -1
        if start >= 0:
            return [*pages[:index], page[:start]], index + 1
    return pages, None


@pytest.fixture(scope="module", params=[SHIPPED, FIXTURES / "petite-enfance-2035"], ids=["shipped", "other-domain"])
def study(request) -> Study:
    """The shipped study, and a study of another domain (its kit must pass the same rules)."""
    return load_study(request.param)


@pytest.fixture(scope="module")
def documents(study: Study, request) -> list[Document]:
    """Every participant-facing PDF of the shipped kit, its study, workshop and report, read once (from the
    session's builds of the two kits)."""
    assert LANGUAGE == "fr"  # the language of the session's builds
    kit = request.getfixturevalue("shipped_kit" if study.folder == SHIPPED else "other_domain_kit")
    out = kit.parent.parent
    edition = Edition(study, LANGUAGE)
    plan = plan_kit(study, LANGUAGE, out, edition.gettext)  # where the build put each document
    heading = prepared(edition.gettext("Sources"))
    intro = prepared(edition.gettext("Figures are either cited from these public sources or labelled as "
                                     "scenario assumptions."))
    found = []
    for placed in edition_documents(plan):
        artefact = placed.planned.artefact
        if artefact.audience in READERS or artefact.id in ALSO_READ_BY_PARTICIPANTS:
            pages = [prepared(page) for page in pdf_pages(plan.folder / placed.pdf_path)]
            pages, sources_from = without_sources(pages, heading, intro)
            found.append(Document(placed.pdf_path, artefact.id, plan.folder / placed.html_path, pages, sources_from))
    if has_followup(study):  # the follow-up report (`prospective suivi`), at the date the example is written for
        folder = request.getfixturevalue("tmp_path_factory").mktemp("followup")
        build_followup(study, LANGUAGE, folder, FOLLOWUP_DATE)
        report = next(kit_folder(study, LANGUAGE, folder).rglob("*.pdf"))
        pages = [prepared(page) for page in pdf_pages(report)]
        found.append(Document(report.name, "followup", report.with_suffix(".html"), pages, None))
    return found


# --- what must not be there ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    kind: str
    needle: str  # what the failure names
    pattern: re.Pattern[str]
    probe: str | None = None  # a literal the page must hold for the pattern to match (a fast pre-check)


def whole(text: str) -> str:
    """`text` as a whole word: not inside a longer word or id (letters, digits and hyphens)."""
    return rf"(?<![\w-]){re.escape(text)}(?![\w-])"


def _texts(value) -> list[str]:
    """Every text of a part of the study, in the edition's language."""
    if isinstance(value, Text):
        return [value.get(LANGUAGE)]
    if isinstance(value, BaseModel):
        return [t for name in type(value).model_fields for t in _texts(getattr(value, name))]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _texts(item)]
    return []


def french_words(study: Study) -> set[str]:
    """The words, exactly as written, of the study's own text in French: the study, its scenarios,
    methods, workshops and results (not the template catalogue, whose French is what is on trial:
    its translations of the capture sheets spell keys out). Compounds count whole and by part."""
    parts = [study.meta, *(s.data for s in study.scenarios), *(m.data for m in study.methods.values()),
             *(w.data for w in study.workshops), *(w.results for w in study.workshops if w.results)]
    words: set[str] = set()
    for text in (PLACEHOLDER.sub(" ", t) for part in parts for t in _texts(part)):  # not {people}, {sheet}
        for word in re.findall(r"\w+(?:-\w+)*", text):
            words.add(word)
            words.update(word.split("-"))
    return words


def study_ids(study: Study) -> set[str]:
    """Every id of the study: scenarios, drivers, hypotheses, professions, personas, sources, the
    workshops, their groups and methods, and the ids the results file gives the groups' actions."""
    meta = study.meta
    ids = {s.id for s in study.scenarios} | {s.id for s in meta.sources}
    ids |= {d.id for d in meta.drivers} | {h.id for d in meta.drivers for h in d.hypotheses}
    ids |= {p.id for p in meta.professions} | {p.id for p in meta.personas} | set(study.methods)
    for workshop in study.workshops:
        ids |= {workshop.id} | {g.id for g in workshop.data.groups}
        ids |= {item.method.id for item in workshop.schedule}
        if workshop.results:
            ids |= set(workshop.results.groups)
            ids |= {a for group in workshop.results.groups.values() for a in group.actions}
    return ids


def results_models_and_keys() -> tuple[set[type[BaseModel]], set[str]]:
    """The models of a results file, from `ResultsFile` down, and their keys: every field name and
    every value of a Literal (grows, works, experiment...). A new model or field is found here."""
    models: set[type[BaseModel]] = set()
    keys: set[str] = set()

    def visit(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in models:
                models.add(annotation)
                for name, field in annotation.model_fields.items():
                    keys.add(field.alias or name)
                    visit(field.annotation)
        elif get_origin(annotation) is Literal:
            keys.update(value for value in get_args(annotation) if isinstance(value, str))
        else:
            for argument in get_args(annotation):
                visit(argument)

    visit(ResultsFile)
    return models, keys


def translated_msgids() -> list[str]:
    """The English msgids the French catalogue translates differently.

    Plural entries give both forms; entries whose French is the English (`Sources`, `%(num)d min`)
    are left out.
    """
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, msgid in enumerate(ids):
            french = strings[min(index, len(strings) - 1)]
            if french != msgid:
                found.append(msgid)
    return found


def words_of(msgid: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", PLACEHOLDER.sub(" ", msgid))


def msgid_rule(msgid: str) -> Rule:
    """The msgid as it would print: its placeholders stand for any short text; the ends are not cut words."""
    fixed = [prepared(part) for part in PLACEHOLDER.split(msgid)]
    while fixed and not fixed[0].strip():
        fixed.pop(0)
    while fixed and not fixed[-1].strip():
        fixed.pop()
    fixed[0], fixed[-1] = fixed[0].lstrip(), fixed[-1].rstrip()
    pattern = r".{1,80}?".join(re.escape(part) for part in fixed)
    return Rule(MSGID, normalise(msgid), re.compile(rf"(?<!\w){pattern}(?!\w)"), max(fixed, key=len))


def one_word_rule(msgid: str) -> Rule:
    """A one-word msgid ("Scenario", "No.", "%(num)d units"), exactly as written, as a whole word."""
    if PLACEHOLDER.search(msgid):
        rule = msgid_rule(msgid)
        return Rule(ONE_WORD, rule.needle, rule.pattern, rule.probe)
    end = r"(?![\w-])" if msgid[-1].isalnum() else ""
    return Rule(ONE_WORD, msgid, re.compile(rf"(?<![\w-]){re.escape(msgid)}{end}"), msgid)


def english_rule(word: str) -> Rule:
    if len(word) <= 3:
        return Rule(WORD, word, re.compile(f"(?:{whole(word)}|{whole(word.capitalize())})"))
    return Rule(WORD, word, re.compile(whole(word), re.IGNORECASE))


@dataclass
class Rules:
    rules: list[Rule]
    french_ids: list[str]  # single-word ids left out: the study's French uses them as words
    french_keys: list[str]  # results keys matched only in a key path: the study's French uses them as words


def build_rules(study: Study) -> Rules:
    """Every rule, with what was left out as French.

    - Ids: an id with a hyphen or a digit (`si-rien-ne-change`, `table-a`, `hcts-2026`, `a1`) is
      never a word: it is matched as a whole word, in any text. A single-word id (`odette`,
      `numerique`, `formation`) is matched exactly as written, so in lower case: the display name
      ("Odette, 84 ans", "Numérique") differs in case or accents; and it is left out when the
      study's own French uses it as a word in that very case (`formation`, `pause`, `accueil`):
      there, the word cannot tell an id from French.
    - Results keys: matched exactly as written, as whole words. A key the study's French uses as a
      word (`action`, `change`, `comment`, `impacts`, `note`) is matched only where it reads as
      part of a key path: after `word.` or `›`, or before `›` or `.word` (not before a colon: the
      report's "Si rien ne change: se réduit" is a scenario title).
    - File paths: the literal strings of `PATHS`, anywhere.
    - Untranslated msgids: each of `translated_msgids` of two words or more, verbatim (placeholders
      standing for any short text), on text with spaces folded.
    - Untranslated one-word msgids ("Scenario", "No."), exactly as written, as whole words; unless
      the word is French too: used by the study's French (in any case) or one of `FRENCH_TOO`;
      results keys and `ENGLISH` words are left to their own rule.
    - English words: those of `ENGLISH`, as whole words.
    """
    vocabulary = french_words(study)
    rules: list[Rule] = []
    french_ids = []
    for id_ in sorted(study_ids(study)):
        if re.search(r"[-\d]", id_) or id_ not in vocabulary:
            rules.append(Rule(IDS, id_, re.compile(whole(id_)), id_))
        else:
            french_ids.append(id_)
    french_keys = []
    for key in sorted(results_models_and_keys()[1]):
        if key in vocabulary:
            french_keys.append(key)
            escaped = re.escape(key)
            in_a_path = (rf"(?:(?<=[\w-]\.)|(?<=›)|(?<=› )){escaped}(?![\w-])"
                         rf"|(?<![\w-]){escaped}(?=\s?›|\.[\w-])")
            rules.append(Rule(KEYS, key, re.compile(in_a_path), key))  # not "Si rien ne change: ..."
        else:
            rules.append(Rule(KEYS, key, re.compile(whole(key)), key))
    rules += [Rule(PATH, path, re.compile(re.escape(path)), path) for path in PATHS]
    lower = {word.lower() for word in vocabulary}
    covered = {key.lower() for key in results_models_and_keys()[1]} | {word.lower() for word in ENGLISH}
    for msgid in translated_msgids():
        words = words_of(msgid)
        if len(words) >= 2:
            rules.append(msgid_rule(msgid))
        elif words and words[0].lower() not in lower | covered | FRENCH_TOO:
            rules.append(one_word_rule(msgid))
    rules += [english_rule(word) for word in ENGLISH]
    return Rules(rules, french_ids, french_keys)


@pytest.fixture(scope="module")
def rules(study: Study) -> Rules:
    return build_rules(study)


# --- finding and telling ---------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    needle: str
    count: int
    context: str  # around the first one on the page


def leaks(text: str, rules: list[Rule]) -> list[Finding]:
    """What the rules find in one page of prepared text, each string once, with its count."""
    found = []
    for rule in rules:
        if rule.probe is not None and rule.probe not in text:
            continue
        matches = list(rule.pattern.finditer(text))
        if matches:
            first = matches[0]
            before = text[max(0, first.start() - CONTEXT):first.start()]
            after = text[first.end():first.end() + CONTEXT]
            found.append(Finding(rule.kind, rule.needle, len(matches), f"…{before}[{first.group()}]{after}…"))
    return found


@pytest.fixture(scope="module")
def findings(documents: list[Document], rules: Rules) -> dict[tuple[str, int], list[Finding]]:
    """What every rule finds, by (document, page from 1)."""
    found = {}
    for document in documents:
        for number, page in enumerate(document.pages, start=1):
            on_page = leaks(ADDRESS.sub("[address]", page), rules.rules)
            if on_page:
                found[document.name, number] = on_page
    return found


def report(findings: dict[tuple[str, int], list[Finding]], kinds: set[str]) -> str:
    """The findings of these kinds, by document and page; empty when there is none."""
    lines = []
    count = 0
    for (name, page), on_page in findings.items():
        these = [f for f in on_page if f.kind in kinds]
        if these:
            lines.append(f"{name}, page {page}:")
            for finding in these:
                times = f" ×{finding.count}" if finding.count > 1 else ""
                lines.append(f"    {finding.kind} {finding.needle!r}{times}: {finding.context}")
                count += finding.count
    if not lines:
        return ""
    return f"{count} found on participant-facing pages ({' / '.join(sorted(kinds))}):\n" + "\n".join(lines)


# --- the tests -------------------------------------------------------------------------------


def test_every_participant_facing_document_is_read(study: Study, documents: list[Document]):
    wanted = {a.id for a in ARTEFACTS if a.audience in READERS and a.made_for(study)} | ALSO_READ_BY_PARTICIPANTS
    if not has_followup(study):
        wanted.discard("followup")  # `prospective suivi` is for a study with experiments or a watch
    if not any(workshop.results for workshop in study.workshops):
        wanted.discard("report")  # a report is made from typed results only
    assert {d.artefact for d in documents} == wanted
    assert all(document.pages and any(document.pages) for document in documents)


def test_the_bibliography_is_the_last_thing_in_a_document(documents: list[Document]):
    """Cutting a document's text from its sources heading to its end leaves out nothing else."""
    cut = [d for d in documents if d.sources_from is not None]
    assert {d.artefact for d in cut} >= {"booklet", "group-pack"}
    for document in cut:
        html = document.html.read_text(encoding="utf-8")
        after = html.split('class="chapter sources"', 1)[1]
        assert "<section" not in after and "<article" not in after, document.name
    for document in documents:
        if document.sources_from is None:
            assert 'class="chapter sources"' not in document.html.read_text(encoding="utf-8"), document.name


def test_the_rules_catch_leaks_and_spare_french(study: Study, rules: Rules):
    """The rules themselves: what a capture sheet leaks is caught, the French around it is not."""
    if study.folder.name != SHIPPED.name:
        pytest.skip("the planted leaks are the shipped study's ids")
    models, _ = results_models_and_keys()
    assert {m.__name__ for m in models} >= {"ResultsFile", "GroupResults", "RatingSet", "Impact", "Action",
                                           "Signal", "Quote", "BaselineCapture"}
    leaked = prepared("Identifiant de la fiche groups.table-a.ratings\nÀ saisir dans results/demi-journee-"
                      "colloque.yaml\nle-social-\nen-plateforme probability desirability grows works "
                      "Sheet id · Odette chez odette · impacts › métier › change (évolution) et comment "
                      "(commen\u2010\ntaire) · actions.a1 · No. Scenario")
    assert {f.needle for f in leaks(leaked, rules.rules)} >= {
        "groups", "table-a", "ratings", "results/", ".yaml", "demi-journee-colloque", "le-social-en-plateforme",
        "probability", "desirability", "grows", "works", "Sheet id", "odette", "impacts", "change", "actions", "a1",
        "No.", "scenario"}
    french = prepared("Comment faire ? Odette, 84 ans, vit seule ; rien ne change. La formation, l'accueil "
                      "et la pause : des actions et une note. Les impacts sur les métiers. Le tri des urgen\u2010\n"
                      "ces. Table A · Fiche 3 · page 2 / 26")
    assert leaks(french, rules.rules) == []
    assert "odette" not in rules.french_ids and "formation" in rules.french_ids


def test_no_id_of_the_study(findings):
    message = report(findings, {IDS})
    assert not message, message


def test_no_results_key(findings):
    message = report(findings, {KEYS})
    assert not message, message


def test_no_file_path(findings):
    message = report(findings, {PATH})
    assert not message, message


def test_no_english(findings):
    message = report(findings, {MSGID, ONE_WORD, WORD})
    assert not message, message

