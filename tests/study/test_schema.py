"""JSON Schemas for editors: committed files in step with the models, shipped YAML tied to them."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, run
from toolkit.study.schema import ALL_KINDS, DIALECT, MODELINE, SCHEMA_DIR, modeline, schema_for, schema_text


def shipped_files() -> list[tuple[Path, str]]:
    """Every YAML file the project ships, with the kind of file it is."""
    files = [(path, "study") for path in sorted(ROOT.glob("scenarios/*/study.yaml"))]
    files += [(path, "indicators") for path in sorted(ROOT.glob("scenarios/*/indicators.yaml"))]
    files += [(path, "territory") for path in sorted(ROOT.glob("scenarios/*/territories/*.yaml"))]
    files += [(path, kind) for kind in ("network", "watch") for path in sorted(ROOT.glob(f"scenarios/*/{kind}.yaml"))]
    files += [(path, "experiment") for path in sorted(ROOT.glob("scenarios/*/experiments/*.yaml"))]
    for folder, kind in (("scenarios", "scenario"), ("workshops", "workshop"), ("results", "results")):
        files += [(path, kind) for path in sorted(ROOT.glob(f"scenarios/*/{folder}/*.yaml"))]
    files += [(path, "method") for path in sorted(ROOT.glob("templates/methods/*/method.yaml"))]
    files += [(path, "study-translation") for path in sorted(ROOT.glob("scenarios/*/translations/*/study.yaml"))]
    files += [(path, "indicators-translation")
              for path in sorted(ROOT.glob("scenarios/*/translations/*/indicators.yaml"))]
    files += [(path, "territory-translation")
              for path in sorted(ROOT.glob("scenarios/*/translations/*/territories/*.yaml"))]
    for folder, kind in (("scenarios", "scenario"), ("workshops", "workshop")):
        translated = sorted(ROOT.glob(f"scenarios/*/translations/*/{folder}/*.yaml"))
        files += [(path, f"{kind}-translation") for path in translated]
    files += [(path, f"{kind}-translation") for kind in ("network", "watch")
              for path in sorted(ROOT.glob(f"scenarios/*/translations/*/{kind}.yaml"))]
    files += [(path, "experiment-translation")
              for path in sorted(ROOT.glob("scenarios/*/translations/*/experiments/*.yaml"))]
    files += [(path, "method-translation") for path in sorted(ROOT.glob("templates/methods/*/method.*.yaml"))]
    return files


def as_json(value):
    """YAML data as an editor's language server sees it: string keys, dates as text."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def refs(value) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if "$ref" in value else []
        return own + [r for item in value.values() for r in refs(item)]
    if isinstance(value, list):
        return [r for item in value for r in refs(item)]
    return []


def test_the_committed_schemas_are_up_to_date():
    for kind in ALL_KINDS:
        path = SCHEMA_DIR / f"{kind}.schema.json"
        committed = path.read_text(encoding="utf-8") if path.is_file() else ""
        assert committed == schema_text(kind), (
            f"{path.relative_to(ROOT)} is out of date with toolkit/model.py: run `prospective schema` "
            "and commit the result")


def test_the_schema_command_writes_every_kind(tmp_path: Path):
    result = run("schema", "--out", str(tmp_path / "schemas"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(f"{k}.schema.json" for k in ALL_KINDS)
    for kind in ALL_KINDS:
        text = (tmp_path / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert text == schema_text(kind)
        assert text.endswith("}\n") and text.startswith('{\n  "$schema"')  # sorted keys, 2-space indent


def test_the_schemas_are_draft_07_for_the_yaml_language_server():
    for kind in ALL_KINDS:
        schema = schema_for(kind)
        assert schema["$schema"] == DIALECT == "http://json-schema.org/draft-07/schema#"
        assert schema["title"] and schema["description"]
        assert "$defs" not in json.dumps(schema)
        for ref in refs(schema):
            assert ref.startswith("#/definitions/") and ref.removeprefix("#/definitions/") in schema["definitions"]


def test_the_schemas_are_valid_draft_07():
    jsonschema = pytest.importorskip("jsonschema")
    for kind in ALL_KINDS:
        jsonschema.Draft7Validator.check_schema(schema_for(kind))


def test_a_text_is_a_string_or_a_map_of_languages():
    jsonschema = pytest.importorskip("jsonschema")
    text = jsonschema.Draft7Validator(schema_for("scenario")).schema["properties"]["title"]
    validator = jsonschema.Draft7Validator(text)
    for good in ("Si rien ne change", {"fr": "Si rien ne change", "en": "If nothing changes"}, {"pt-BR": "Se"}):
        assert validator.is_valid(good), good
    for bad in ("", {}, {"FR": "Si"}, {"french": "Si"}, {"fr": 3}, 3, ["Si"]):
        assert not validator.is_valid(bad), bad


def test_every_shipped_yaml_file_names_its_schema_on_its_first_line():
    files = shipped_files()
    assert {kind for _, kind in files} == set(ALL_KINDS)  # the shipped study has indicators and territories (issue 15)
    for path, kind in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == modeline(kind, path), f"{path.relative_to(ROOT)}: first line should be {modeline(kind, path)}"
        target = (path.parent / first.removeprefix(MODELINE)).resolve()
        assert target == SCHEMA_DIR / f"{kind}.schema.json"


def test_every_shipped_yaml_file_validates_against_its_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validators = {kind: jsonschema.Draft7Validator(schema_for(kind)) for kind in ALL_KINDS}
    problems = []
    for path, kind in shipped_files():
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        for error in validators[kind].iter_errors(data):
            problems.append(f"{path.relative_to(ROOT)}: {'.'.join(map(str, error.absolute_path))}: {error.message}")
    assert problems == []


def test_the_schemas_catch_what_check_catches():
    """A typo in a field name or a bad value is flagged in the editor too."""
    jsonschema = pytest.importorskip("jsonschema")
    scenario = as_json(yaml.safe_load((ROOT / "tests/fixtures/mini/scenarios/communs.yaml").read_text()))
    validator = jsonschema.Draft7Validator(schema_for("scenario"))
    assert validator.is_valid(scenario)
    assert not validator.is_valid({**scenario, "questiosn": ["?"]})
    assert not validator.is_valid({**scenario, "questions": []})
    workshop = as_json(yaml.safe_load((ROOT / "tests/fixtures/workshop/workshops/atelier.yaml").read_text()))
    validator = jsonschema.Draft7Validator(schema_for("workshop"))
    assert validator.is_valid(workshop)
    assert not validator.is_valid({**workshop, "start": "9h00"})


def test_the_field_reference_is_up_to_date():
    from toolkit.paths import REFERENCE_DOC as REFERENCE
    from toolkit.study.schema import reference_text

    assert REFERENCE.read_text(encoding="utf-8") == reference_text(), "run `prospective schema`"
