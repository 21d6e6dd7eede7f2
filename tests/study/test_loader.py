"""Stage 1: YAML is parsed safely, with positions, and duplicate keys are errors."""

from pathlib import Path

from tests.helpers import write
from toolkit.errors import Problems
from toolkit.study.loader import load_yaml


def test_positions_of_keys_and_values(tmp_path: Path):
    path = write(tmp_path / "f.yaml", """
        title: Test
        drivers:
          - id: demo
            name: Démographie
    """)
    loaded = load_yaml(path, Problems())
    assert loaded.data["drivers"][0]["name"] == "Démographie"
    assert str(loaded.locate(("drivers", 0, "name"))).endswith("f.yaml:4:11")
    assert str(loaded.locate(("drivers", 0, "name"), at_key=True)).endswith("f.yaml:4:5")
    # an unknown path falls back to its nearest known parent
    assert str(loaded.locate(("drivers", 0, "missing"))).endswith("f.yaml:3:5")


def test_position_inside_a_block_scalar(tmp_path: Path):
    path = write(tmp_path / "f.yaml", """
        narrative: |
          Première ligne.
          Deuxième ligne avec [@x].
    """)
    loaded = load_yaml(path, Problems())
    offset = loaded.data["narrative"].index("[@x]")
    assert str(loaded.locate_in_text(("narrative",), offset)).endswith("f.yaml:3:23")


def test_duplicate_keys_are_reported_with_both_lines(tmp_path: Path):
    path = write(tmp_path / "f.yaml", """
        title: A
        horizon: 2040
        title: B
    """)
    problems = Problems()
    load_yaml(path, problems)
    [problem] = problems.items
    assert str(problem.location).endswith("f.yaml:3:1")
    assert problem.message == "duplicate key 'title' (already defined on line 1)"


def test_syntax_error_is_located(tmp_path: Path):
    path = write(tmp_path / "f.yaml", """
        title: A
        drivers: [a, b
        horizon: 2040
    """)
    problems = Problems()
    assert load_yaml(path, problems) is None
    [problem] = problems.items
    assert problem.message.startswith("YAML syntax error:")
    assert problem.location.line == 3


def test_unsafe_tags_are_refused(tmp_path: Path):
    path = write(tmp_path / "f.yaml", "title: !!python/object/apply:os.system ['echo hacked']\n")
    problems = Problems()
    assert load_yaml(path, problems) is None
    assert "could not determine a constructor" in problems.items[0].message
    assert problems.items[0].location.line == 1


def test_not_utf8(tmp_path: Path):
    path = tmp_path / "f.yaml"
    path.write_bytes("title: Démographie\n".encode("latin-1"))
    problems = Problems()
    assert load_yaml(path, problems) is None
    assert problems.items[0].message.startswith("the file is not valid UTF-8")
