"""toolkit/kit/render.py: templates are compiled once per process, whatever the number of kits."""

from __future__ import annotations

from pathlib import Path

from toolkit.kit.render import Edition
from toolkit.study.load import load_study

TEMPLATE = "cards.html.j2"


def compiled_sources(edition: Edition, monkeypatch) -> list[str]:
    """The names of the templates `edition`'s environment compiles from their source while rendering."""
    compiled: list[str] = []
    compile_source = edition.env.compile

    def spy(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_source(source, name, filename, raw, defer_init)
    monkeypatch.setattr(edition.env, "compile", spy)
    edition.render(TEMPLATE, document={"title": "Cartes"})
    return compiled


def test_a_second_kit_compiles_no_template_again(mini: Path, monkeypatch):
    """A batch of territory kits has an Edition per kit: the second renders from the code the first compiled."""
    study = load_study(mini)
    compiled_sources(Edition(study, "fr"), monkeypatch)
    assert compiled_sources(Edition(study, "fr"), monkeypatch) == []


def test_an_edited_template_is_compiled_anew(mini: Path, monkeypatch):
    """The shared code is checked against the template's source: a study's override that changed is compiled."""
    study = load_study(mini)
    override = mini / "templates" / TEMPLATE
    override.parent.mkdir(exist_ok=True)
    builtin = Path(__file__).parents[2] / "templates" / TEMPLATE
    override.write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    compiled_sources(Edition(study, "fr"), monkeypatch)
    override.write_text(builtin.read_text(encoding="utf-8") + "{# edited #}\n", encoding="utf-8")
    assert TEMPLATE in compiled_sources(Edition(study, "fr"), monkeypatch)
