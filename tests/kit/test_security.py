"""Scenario text is untrusted: in the kit it cannot read files, reach the network or run template code."""

from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from tests.helpers import normalise, pdf_text, with_narrative
from toolkit.kit.build import build_kit
from toolkit.kit.pdf import make_fetcher
from toolkit.study.load import load_study


def test_template_code_and_html_in_text_stay_inert(mini: Path, tmp_path: Path):
    with_narrative(mini, "{{ 7*7 }} {% include 'base.html.j2' %} <script>alert('x')</script> <b>gras</b>")
    build_kit(load_study(mini), "fr", tmp_path)
    kit = tmp_path / "mini" / "fr"
    text = normalise(pdf_text(kit / "livret-participant.pdf"))
    assert "{{ 7*7 }} {% include 'base.html.j2' %} <script>alert('x')</script> <b>gras</b>" in text
    assert "49" not in text
    html = (kit / "livret-participant.html").read_text()
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &lt;b&gt;gras&lt;/b&gt;" in html.replace("’", "'")  # typography
    assert "<script>" not in html


def test_a_study_image_is_allowed(mini: Path, tmp_path: Path):
    from PIL import Image

    (mini / "assets").mkdir()
    Image.new("RGB", (40, 20), "#1f5f8b").save(mini / "assets" / "carte.png")
    with_narrative(mini, "![Carte du territoire](assets/carte.png)")
    build_kit(load_study(mini), "fr", tmp_path)
    kit = tmp_path / "mini" / "fr"
    assert (kit / "assets" / "carte.png").is_file()  # the HTML edition shows it too
    assert b"/Subtype /Image" in (kit / "livret-participant.pdf").read_bytes()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.org/x.png", "https://example.org/x.css",
    "data:text/plain,secret", "ftp://example.org/x"])
def test_the_fetcher_serves_nothing_outside_its_roots(tmp_path: Path, url: str):
    fetcher = make_fetcher([tmp_path])
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


def test_the_fetcher_serves_files_under_its_roots(tmp_path: Path):
    (tmp_path / "a.css").write_text("p { color: red }")
    response = make_fetcher([tmp_path]).fetch((tmp_path / "a.css").as_uri())
    assert response.read() == b"p { color: red }"
    with pytest.raises(FatalURLFetchingError):
        make_fetcher([tmp_path]).fetch((tmp_path / ".." / "etc" / "passwd").as_uri())


def test_the_renderer_refuses_what_validation_would_have_caught(mini: Path, tmp_path: Path):
    """Defence in depth: even unvalidated text cannot make WeasyPrint read a file."""
    from toolkit.errors import BuildError
    from toolkit.study.model import Text

    study = load_study(mini)
    scenario = study.scenarios[1]
    origin = scenario.data.narrative.origin
    scenario.data.narrative = Text({"*": "![secret](file:///etc/passwd) ![x](../../../../etc/passwd)"})
    scenario.data.narrative.origin = origin
    with pytest.raises(BuildError) as caught:
        build_kit(study, "fr", tmp_path)
    problem = caught.value.problem
    assert "refused to load file:///" in problem.message and "etc/passwd" in problem.message
    assert problem.message.endswith("asked for by field 'narrative'")
    assert str(problem.location).endswith("scenarios/plateformes.yaml:9:3")
    assert not (tmp_path / "mini").exists() or not list((tmp_path / "mini").rglob("*.pdf"))


def test_the_fetcher_serves_nothing_through_a_root_that_is_a_link(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"secret")
    (tmp_path / "assets").symlink_to(outside, target_is_directory=True)
    with pytest.raises(FatalURLFetchingError):
        make_fetcher([tmp_path / "assets"]).fetch((tmp_path / "assets" / "secret.png").as_uri())
