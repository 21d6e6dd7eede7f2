"""Issue 9: hostile studies, templates, options and requests, each with its exact answer.

Every case starts from a writable copy of the mini study, makes it hostile, runs the command
a user would run and asserts: the exit code, the located message, no traceback, nothing read
outside the study (a secret file beside it never shows up), nothing written. The YAML, size
and CSV corpora live beside their packages (tests/study/test_limits.py,
tests/synthesis/test_limits.py); the faults (signals, disks) in tests/kit/test_faults.py.
"""

from __future__ import annotations

import http.client
import os
from pathlib import Path

import pytest

from tests.helpers import edit, run, with_narrative, write
from toolkit.authoring.serve import render_site

SECRET = "SECRET-FROM-OUTSIDE-THE-STUDY"
TEMPLATE_OVERRIDE = "templates/booklet.html.j2"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file beside the study that no study may read."""
    return write(tmp_path / "secret.txt", SECRET)


def override(study: Path, body: str, name: str = TEMPLATE_OVERRIDE) -> Path:
    """The study's own booklet template, made of `body`."""
    return write(study / name, body)


def build(study: Path, out: Path, *options: str):
    result = run("build", str(study), "--out", str(out), *options)
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    return result


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.rglob("*.pdf"))


# --- template overrides: data only, names only, bounded ---------------------------------------

TEMPLATE_ATTACKS = [
    # reaching the file system through a Path in the context
    ("path-read", "{{ study.folder.read_text() }}", "templates/booklet.html.j2:1:", "'folder'"),
    ("path-parent", "{{ study.folder.parent }}", "templates/booklet.html.j2:1:", "'folder'"),
    ("path-item", "{{ study['folder'] }}", "templates/booklet.html.j2:1:", "folder"),
    ("scenario-path", "{% for s in study.scenarios %}{{ s.path.read_bytes() }}{% endfor %}",
     "templates/booklet.html.j2:1:", "path"),
    ("method-folder", "{% for m in study.methods.values() %}{{ m.folder.iterdir() }}{% endfor %}",
     "templates/booklet.html.j2:1:", "folder"),
    ("plan-folder", "{{ plan.folder.write_text('x') }}", "templates/booklet.html.j2:1:", "folder"),
    # the interpreter through internals
    ("globals", "{{ lipsum.__globals__['os'].system('id') }}", "templates/booklet.html.j2:1:", "__globals__"),
    ("class-mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "templates/booklet.html.j2:1:", "__class__"),
    ("context", "{{ self._TemplateReference__context }}", "templates/booklet.html.j2:1:",
     "_TemplateReference__context"),
    ("pydantic", "{{ study.meta.model_dump_json() }}", "templates/booklet.html.j2:1:", "model_dump_json"),
    ("partial-func", "{{ activity_scenarios.func.__module__ }}", "templates/booklet.html.j2:1:", "__module__"),
    # names, not paths
    ("include-absolute", '{% include "/etc/passwd" %}', "templates/booklet.html.j2:1:", "/etc/passwd"),
    ("include-parent", '{% include "../secret.txt" %}', "templates/booklet.html.j2:1:", "../secret.txt"),
    ("include-missing", '{% include "nowhere.html.j2" %}', "templates/booklet.html.j2:1:", "nowhere.html.j2"),
    ("extends-parent", '{% extends "../../secret.txt" %}', "templates/booklet.html.j2:1:", "../../secret.txt"),
    ("import-absolute", '{% import "/etc/hostname" as x %}', "templates/booklet.html.j2:1:", "/etc/hostname"),
    # bounded
    ("include-itself", '{% include "booklet.html.j2" %}', "booklet.html.j2", "includes or calls itself"),
    ("huge-output", "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
     "templates/booklet.html.j2", "MiB of HTML"),
]


@pytest.mark.parametrize(("attack", "body", "where", "named"), TEMPLATE_ATTACKS, ids=[a[0] for a in TEMPLATE_ATTACKS])
def test_a_hostile_template_override_is_refused_where_it_is_written(
        mini: Path, tmp_path: Path, secret: Path, attack: str, body: str, where: str, named: str):
    override(mini, body)
    out = tmp_path / "out"
    result = build(mini, out)
    assert result.exit_code == 1, result.output
    assert where in result.stderr and named in result.stderr, result.stderr
    assert SECRET not in result.output
    assert nothing_written(out)


def test_a_template_syntax_error_is_found_by_check(mini: Path):
    override(mini, "line one\n{% for x in %}\n")
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert "templates/booklet.html.j2:2:1: error: template syntax error" in result.stderr


def test_a_template_through_a_symbolic_link_is_refused(mini: Path, tmp_path: Path, secret: Path):
    (mini / "templates").mkdir()
    (mini / "templates" / "booklet.html.j2").symlink_to(secret)
    assert run("check", str(mini)).exit_code == 1
    result = build(mini, tmp_path / "out")
    assert result.exit_code == 1 and "templates/booklet.html.j2:1:1: error: symbolic links are not allowed" \
        in result.stderr
    assert SECRET not in result.output


def test_a_templates_folder_that_is_a_link_is_refused(mini: Path, tmp_path: Path, secret: Path):
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "booklet.html.j2", "{% include 'secret.txt' %}")
    os.symlink(secret, elsewhere / "secret.txt")
    (mini / "templates").symlink_to(elsewhere, target_is_directory=True)
    result = build(mini, tmp_path / "out")
    assert result.exit_code == 1
    assert "templates:1:1: error: symbolic links are not allowed in a study folder" in result.stderr
    assert SECRET not in result.output


def test_the_sandbox_refuses_the_link_even_when_check_is_bypassed(mini: Path, secret: Path):
    """Defence in depth: a link made after `check` still does not reach the build."""
    from toolkit.errors import BuildError
    from toolkit.kit.render import Edition
    from toolkit.study.load import load_study

    study = load_study(mini)
    (mini / "templates").mkdir()
    (mini / "templates" / "booklet.html.j2").symlink_to(secret)
    with pytest.raises(BuildError, match="refused: it is a symbolic link"):
        Edition(study, "fr").render("booklet.html.j2")


# --- symbolic links anywhere in a study --------------------------------------------------------

@pytest.mark.parametrize("link", ["assets", "assets/photo.png", "scenarios/lien.yaml", "workshops"])
def test_a_symbolic_link_anywhere_in_a_study_is_refused(mini: Path, tmp_path: Path, secret: Path, link: str):
    target = mini / link
    target.parent.mkdir(parents=True, exist_ok=True)
    if link in ("assets", "workshops"):
        target.symlink_to(tmp_path, target_is_directory=True)
    else:
        target.symlink_to(secret)
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert f"{link}:1:1: error: symbolic links are not allowed in a study folder" in result.stderr


def test_a_study_css_that_loads_a_url_is_refused_by_check_where_it_is_written(mini: Path):
    write(mini / "templates" / "css" / "base.css", "p { color: red }\n@import url(https://example.org/x.css);\n"
          "body { background: url('/etc/passwd') }\nh1 { background: url(assets/ok.png) }\n"
          "@color-profile device-cmyk { src: url(toolkit:icc/prospective-cmyk.icc) }\n"
          "h2 { background: url(toolkit:icc/../../etc/passwd) }\n")
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert ("templates/css/base.css:2:9: error: refused URL 'https://example.org/x.css' in a style sheet"
            in result.stderr)
    assert "templates/css/base.css:3:20: error: refused URL '/etc/passwd' in a style sheet" in result.stderr
    assert "assets/ok.png" not in result.stderr
    assert "prospective-cmyk.icc" not in result.stderr  # the shipped colour profile, as the decks' CSS names it
    assert "templates/css/base.css:6:" in result.stderr  # and nothing else of that scheme


# --- study text: never code, never markup -------------------------------------------------------

@pytest.mark.parametrize(("text", "shown"), [
    ("{{ study.folder.read_text() }}", "{{ study.folder.read_text() }}"),
    ("{% include '/etc/passwd' %}", "{% include '/etc/passwd' %}"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("<style>body{display:none}</style>", "&lt;style&gt;body{display:none}&lt;/style&gt;"),
])
def test_study_text_is_printed_as_text(mini: Path, text: str, shown: str):
    """Template syntax in text stays text (never evaluated), markup is escaped (never interpreted)."""
    with_narrative(mini, text)
    files, _ = render_site(mini, "fr")
    booklet = files["livret-participant.html"].decode()
    assert shown in booklet.replace("&#x27;", "&#39;").replace("’", "'")  # apostrophes set by typography
    if "<" in text:
        assert text not in booklet


def test_a_jinja_expression_in_a_title_is_not_evaluated(mini: Path):
    edit(mini / "scenarios/plateformes.yaml", "title:", "title: '{{ 7 * 7 }} '\nx_title:")
    edit(mini / "scenarios/plateformes.yaml", "x_title:", "# was title:")
    result = run("check", str(mini))
    if result.exit_code == 0:
        files, _ = render_site(mini, "fr")
        page = files["livret-participant.html"].decode()
        assert "{{ 7 * 7 }}" in page and ">49<" not in page


@pytest.mark.parametrize(("markdown", "reason"), [
    ("[x](javascript:alert(1))", "links may only be http(s), mailto or #anchors"),
    ("![x](http://127.0.0.1:9/x.png)", "only relative paths to the study's assets are allowed"),
    ("![x](//example.org/x.png)", "only relative paths to the study's assets are allowed"),
    ("![x](assets/../../secret.txt)", "the file is outside the study's assets/ folder"),
    ("![x](assets/nothing.png)", "no such file"),
])
def test_hostile_urls_in_text_are_refused_by_check(mini: Path, markdown: str, reason: str):
    with_narrative(mini, markdown)
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert "scenarios/plateformes.yaml:10:" in result.stderr and reason in result.stderr


def test_an_svg_asset_cannot_pull_a_file_into_the_pdf(mini: Path, tmp_path: Path, secret: Path):
    write(mini / "assets" / "carte.svg",
          f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
          f'height="10"><image xlink:href="{secret.as_uri()}" width="10" height="10"/>'
          f'<text>{"x"}</text></svg>')
    with_narrative(mini, "![Carte](assets/carte.svg)")
    out = tmp_path / "out"
    result = build(mini, out)
    if result.exit_code == 0:  # WeasyPrint asked our fetcher, which refused: the PDF has no secret
        assert all(SECRET.encode() not in pdf.read_bytes() for pdf in out.rglob("*.pdf"))
    else:
        assert "refused to load" in result.stderr and SECRET not in result.output


# --- options that become paths ------------------------------------------------------------------

@pytest.mark.parametrize("language", ["../../..", "zz", "fr/../../x", "FR", ""])
def test_lang_must_name_an_edition_of_the_study(mini: Path, tmp_path: Path, language: str):
    out = tmp_path / "out"
    result = build(mini, out, "--lang", language)
    assert result.exit_code == 2
    assert "edition in mini" in result.stderr and "its languages: fr" in result.stderr
    assert not out.exists()


def test_an_out_folder_under_a_file_is_an_answer_not_a_crash(mini: Path, tmp_path: Path):
    blocker = write(tmp_path / "file.txt", "not a folder")
    result = build(mini, blocker / "kit")
    assert result.exit_code in (1, 2)
    assert "file.txt" in result.stderr
    assert blocker.read_text() == "not a folder"


def test_a_study_folder_whose_name_is_not_an_id_is_refused(tmp_path: Path, mini: Path):
    renamed = mini.rename(tmp_path / "Mon étude\x1b[2J")
    result = run("check", str(renamed))
    assert result.exit_code == 1
    assert "is not a valid study id" in result.stderr and "\x1b" not in result.stderr
    assert "\\x1b[2J" in result.stderr


def test_control_characters_in_an_unknown_study_name_are_escaped(tmp_path: Path):
    os.chdir(tmp_path)
    result = run("check", "\x1b]0;pwned\x07")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\\x1b]0;pwned\\x07" in result.stderr


def test_control_characters_in_a_yaml_text_are_refused_and_escaped(mini: Path):
    edit(mini / "scenarios/communs.yaml", "  numerique: proximite", '  "evil\\e]0;title\\a": proximite')
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "scenarios/communs.yaml:6:3: error: the text holds" in result.stderr


def test_control_characters_in_a_file_name_are_escaped_in_messages(mini: Path):
    (mini / "scenarios" / "communs.yaml").rename(mini / "scenarios" / "evil\x1b]0;title\x07.yaml")
    result = run("check", str(mini))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "'evil\\x1b]0;title\\x07' is not a valid scenario id" in result.stderr


# --- requests to the preview -----------------------------------------------------------------

@pytest.fixture
def preview(mini: Path):
    import threading

    from toolkit.authoring.serve import Preview, PreviewServer

    server = PreviewServer(Preview(mini), "127.0.0.1", 0)
    server.preview.rebuild()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def ask(server, path: str, host: str = "127.0.0.1", method: str = "GET") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(("path", "status"), [
    ("/../../../../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404), ("/..%2f..%2fetc%2fpasswd", 404),
    ("/assets/..\\..\\secret.txt", 404), ("/index.html%00.png", 404), ("/" + "a" * 5000, 404),
    ("/study.yaml", 404), ("/scenarios/plateformes.yaml", 404),
])
def test_the_preview_serves_nothing_but_the_kit(preview, secret: Path, path: str, status: int):
    code, body = ask(preview, path)
    assert code == status
    assert SECRET.encode() not in body and b"root:" not in body


def test_the_preview_refuses_a_foreign_host_name(preview):
    assert ask(preview, "/", host="attacker.example")[0] == 403
    assert ask(preview, "/", host="localhost")[0] == 200
