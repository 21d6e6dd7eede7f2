"""JSON Schemas of every file kind, for editors: `prospective schema` writes them into schemas/.

The schemas are generated from the pydantic models of `toolkit.study.model`, so they never drift
from what `prospective check` accepts for a file's shape (the cross-file rules, like picks
naming real hypotheses, stay in `prospective check`). A YAML file opts in with a first line
`# yaml-language-server: $schema=<relative path to schemas/<kind>.schema.json>`.

Dialect: draft-07. The YAML language server (redhat yaml-language-server, behind VS Code's
YAML extension) "supports JSON Schema 7 and below": it validates instances with the
draft-07 rules of vscode-json-languageservice; support for 2019-09 and 2020-12 is still an
open request (redhat-developer/yaml-language-server#856, #1112). Pydantic emits 2020-12
(`$defs`), so the definitions are moved to `definitions` and every `$ref` follows; a `$ref`
with sibling keywords is wrapped in `allOf`, since draft-07 ignores a `$ref`'s siblings.
The other keywords pydantic and the model's custom types use (`const`, `propertyNames`,
numeric `exclusiveMinimum`...) are all valid in draft-07.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from toolkit.paths import REFERENCE_DOC, SCHEMA_DIR
from toolkit.study.followup import ExperimentFile, NetworkFile, WatchFile
from toolkit.study.indicators import IndicatorsFile, TerritoryFile
from toolkit.study.model import MethodFile, ResultsFile, ScenarioFile, StudyFile, WorkshopFile

DIALECT = "http://json-schema.org/draft-07/schema#"
MODELINE = "# yaml-language-server: $schema="

# kind -> (model, title, description): what an editor shows when hovering the file
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "study": (
        StudyFile,
        "Study (study.yaml)",
        "scenarios/<study>/study.yaml: title, horizon, scoping question, sources, drivers of change "
        "with their hypotheses (exactly one `trend: true` each), professions and personas. "
        "Any text is a string or a mapping by language code, like {fr: ..., en: ...}.",
    ),
    "scenario": (
        ScenarioFile,
        "Scenario (scenarios/<id>.yaml)",
        "scenarios/<study>/scenarios/<id>.yaml: one scenario, whose id is the file name. It picks one "
        "hypothesis per driver (`picks: {driver-id: hypothesis-id}`); exactly one scenario of a study "
        "is the baseline (`baseline: true`), which picks every driver's trend. A contrasted scenario may give "
        "its own value of an indicator at the horizon (`horizon_values`), shown as an assumption.",
    ),
    "indicators": (
        IndicatorsFile,
        "Indicator series (indicators.yaml)",
        "scenarios/<study>/indicators.yaml: the study's own (national) indicator series: name, unit, values "
        "observed by year (each with a source id of study.yaml), and the baseline's rule to the horizon: "
        "`growth` or `trend` over the last `years` observed years, or `published` values (with `low` and "
        "`high` variants).",
    ),
    "territory": (
        TerritoryFile,
        "Territory (territories/<id>.yaml)",
        "scenarios/<study>/territories/<id>.yaml: one territory of the study, whose id is the file name: "
        "name, kind, organisation, logo (a file under assets/), contact, partners, and its own indicator "
        "series, in the shape of indicators.yaml.",
    ),
    "workshop": (
        WorkshopFile,
        "Workshop plan (workshops/<id>.yaml)",
        "scenarios/<study>/workshops/<id>.yaml: date, times, place, participants, groups and an agenda "
        "of methods from the library, whose durations add up to the session (docs/workshops.md).",
    ),
    "results": (
        ResultsFile,
        "Workshop results (results/<workshop-id>.yaml)",
        "scenarios/<study>/results/<workshop-id>.yaml: the capture sheets of a workshop typed up, group "
        "by group: baseline, ratings (1 to 5), impacts, actions, signals, quotes (docs/workshops.md).",
    ),
    "network": (
        NetworkFile,
        "Network of actors (network.yaml)",
        "scenarios/<study>/network.yaml: the organisations of the study's network (id, name, kind, the territory "
        "ids where they act, the driver ids of their themes, what they bring and seek) and the people who represent "
        "them. A person's name, e-mail and phone are printed only with `public: true`; the role always.",
    ),
    "experiment": (
        ExperimentFile,
        "Experiment (experiments/<id>.yaml)",
        "scenarios/<study>/experiments/<id>.yaml: one experiment, whose id is the file name: its territory, lead "
        "and partners (organisation ids of network.yaml), the workshop actions it takes up "
        "(`<workshop>/<group>/<action key>` of a results file), the scenarios and hypotheses "
        "(`<driver>/<hypothesis>`) it prepares for, its status, dates and indicators (baseline, target, measures).",
    ),
    "watch": (
        WatchFile,
        "Watch (watch.yaml)",
        "scenarios/<study>/watch.yaml: dated observations (weak signals), each pointing to hypotheses of the "
        "study (`<driver>/<hypothesis>`), with its territory, source and the organisation that saw it; they set "
        "off the triggers of stress-tested actions (results files, `trigger:`).",
    ),
    "method": (
        MethodFile,
        "Workshop method (templates/methods/<id>/method.yaml)",
        "templates/methods/<id>/method.yaml: a method of the workshop library: what it is for, its "
        "format, group size, duration range, steps, materials, tips and pitfalls (docs/workshops.md).",
    ),
}


# translation files (toolkit.study.translations): the shape of their original, every field optional
TRANSLATIONS: dict[str, str] = {f"{kind}-translation": kind
                                 for kind in ("study", "scenario", "indicators", "territory", "workshop", "method",
                                              "network", "experiment", "watch")}
ALL_KINDS = [*KINDS, *TRANSLATIONS]


def schema_for(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one file kind."""
    if kind in TRANSLATIONS:
        return _translation_schema(TRANSLATIONS[kind])
    model, title, description = KINDS[kind]
    generated = model.model_json_schema()
    definitions = generated.pop("$defs", {})
    schema = _draft7(generated)
    schema.update({"$schema": DIALECT, "title": title, "description": description})
    if definitions:
        schema["definitions"] = _draft7(definitions)
    return schema


def _translation_schema(original: str) -> dict[str, Any]:
    """A translation file has its original's keys, each optional: only texts need be written."""
    schema = _optional(schema_for(original))
    title = KINDS[original][1]
    schema["title"] = f"Translation of: {title}"
    schema["description"] = ("translations/<lang>/... (or method.<lang>.yaml): the same keys as the original, in the "
                             "same places, with the texts in another language; ids and numbers may be copied or "
                             "left out (docs/editions.md).")
    return schema


def _optional(value: Any) -> Any:
    if isinstance(value, list):
        return [_optional(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: _optional(item) for key, item in value.items() if key != "required"}


def schema_text(kind: str) -> str:
    """Stable, pretty JSON: sorted keys, 2-space indent, a trailing newline."""
    return json.dumps(schema_for(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write `<kind>.schema.json` for every kind; files already up to date are left untouched."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in ALL_KINDS:
        path = folder / f"{kind}.schema.json"
        text = schema_text(kind)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def modeline(kind: str, yaml_file: Path, schema_dir: Path = SCHEMA_DIR) -> str:
    """The first line that ties `yaml_file` to its schema, with a path relative to the file."""
    import os

    target = os.path.relpath(schema_dir / f"{kind}.schema.json", yaml_file.resolve().parent)
    return f"{MODELINE}{Path(target).as_posix()}"


def _draft7(value: Any) -> Any:
    """Rewrite 2020-12 references for draft-07: `#/$defs/X` -> `#/definitions/X`."""
    if isinstance(value, list):
        return [_draft7(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: _draft7(item) for key, item in value.items()}
    ref = result.get("$ref")
    if isinstance(ref, str):
        result["$ref"] = ref.replace("#/$defs/", "#/definitions/")
        if len(result) > 1:  # draft-07 ignores the siblings of a $ref
            siblings = {key: item for key, item in result.items() if key != "$ref"}
            return {**siblings, "allOf": [{"$ref": result["$ref"]}]}
    return result




def reference_text() -> str:
    """The field reference of CONTRIBUTING.md, written from the same schemas as the editor's help."""
    lines = ["# Field reference", "",
             "Generated by `prospective schema` from the JSON Schemas in `schemas/`: do not edit by hand.",
             "A *text* is a string, or a mapping of language codes to strings (`{fr: ..., en: ...}`).", ""]
    for kind in KINDS:
        schema = schema_for(kind)
        lines += [f"## {schema['title']}", "", schema["description"], ""]
        lines += _fields_table(schema)
        for name, definition in sorted(schema.get("definitions", {}).items()):
            if definition.get("type") == "object" and definition.get("properties"):
                lines += [f"### {kind}: `{name}`", "", *_fields_table(definition)]
    return "\n".join(lines).rstrip() + "\n"


def write_reference(path: Path = REFERENCE_DOC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = reference_text()
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _fields_table(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | type | required |", "| --- | --- | --- |"]
    for name, field in schema.get("properties", {}).items():
        rows.append(f"| `{name}` | {_type_of(field)} | {'yes' if name in required else ''} |")
    return [*rows, ""]


def _type_of(field: dict[str, Any]) -> str:
    """A short, human description of a property's schema."""
    if "$ref" in field:
        return f"`{field['$ref'].rsplit('/', 1)[-1]}`"
    if "allOf" in field:
        return " and ".join(_type_of(part) for part in field["allOf"])
    if "anyOf" in field:
        kinds = [part for part in field["anyOf"] if part.get("type") != "null"]
        if any(part.get("type") == "object" and "propertyNames" in part for part in kinds) and any(
                part.get("type") == "string" for part in kinds):
            return "text"
        return " or ".join(_type_of(part) for part in kinds)
    if "enum" in field:
        return " / ".join(f"`{value}`" for value in field["enum"])
    if "const" in field:
        return f"`{field['const']}`"
    kind = field.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(field.get('items', {}))}"
    if kind == "object":
        values = field.get("additionalProperties")
        return f"mapping of {_type_of(values)}" if isinstance(values, dict) else "mapping"
    details = []
    if "pattern" in field:
        details.append(f"pattern `{field['pattern']}`")
    for key, word in (("minimum", "≥"), ("maximum", "≤"), ("minItems", "items ≥"), ("maxItems", "items ≤")):
        if key in field:
            details.append(f"{word} {field[key]}")
    return kind + (f" ({', '.join(details)})" if details else "")
