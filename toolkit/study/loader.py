"""Stage 1, load: read YAML safely and remember where every value came from.

Values are plain Python data (dicts, lists, scalars) so the model stage can validate
them; positions live beside them in a map keyed by the value's path, so any later
stage can point at the exact line and column of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import Location, Problems

PathKey = tuple[str | int, ...]
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class LoadedFile:
    """A parsed YAML file: its data plus the position of each key and value."""

    path: Path
    data: Any
    value_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    block_scalars: set[PathKey] = field(default_factory=set)

    def locate(self, key: PathKey, *, at_key: bool = False) -> Location:
        """Location of a value (or of its key), falling back to the nearest parent."""
        key = tuple(key)
        while True:
            marks = self.key_marks if at_key and key in self.key_marks else self.value_marks
            if key in marks:
                line, column = marks[key]
                return Location(self.path, line, column)
            if not key:
                return Location(self.path, 1, 1)
            key = key[:-1]

    def locate_in_text(self, key: PathKey, offset: int) -> Location:
        """Location of a character inside a string value (exact for block scalars)."""
        base = self.locate(key)
        if tuple(key) not in self.block_scalars:
            return base
        text = self.get(key)
        if not isinstance(text, str):
            return base
        before = text[:offset]
        line_in_block = before.count("\n")
        column = offset - (before.rfind("\n") + 1)
        indent = self._block_indent(key)
        return Location(self.path, base.line + 1 + line_in_block, indent + column + 1)

    def get(self, key: PathKey) -> Any:
        value = self.data
        for part in key:
            value = value[part]
        return value

    def _block_indent(self, key: PathKey) -> int:
        line, _ = self.value_marks[tuple(key)]
        try:
            first_line = self.path.read_text(encoding="utf-8").splitlines()[line]
        except (OSError, IndexError):
            return 0
        return len(first_line) - len(first_line.lstrip(" "))


def load_yaml(path: Path, problems: Problems) -> LoadedFile | None:
    """Parse one YAML file; report syntax errors and duplicate keys into `problems`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.add(
            Location(path),
            f"the file is not valid UTF-8 ({error.reason})",
            "save the file as UTF-8 in your editor",
        )
        return None
    except OSError as error:
        problems.add(Location(path), f"cannot read the file: {error.strerror}")
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        problems.add(
            _mark_location(path, error),
            f"YAML syntax error: {_yaml_reason(error)}",
            "check indentation and quoting around this line",
        )
        return None
    finally:
        loader.dispose()
    loaded = LoadedFile(path, None)
    if node is None:
        loaded.data = {}
        return loaded
    builder = _Builder(loader, loaded, problems)
    try:
        loaded.data = builder.build(node, ())
    except yaml.MarkedYAMLError as error:
        problems.add(_mark_location(path, error), f"YAML error: {_yaml_reason(error)}")
        return None
    return loaded


class _Builder:
    """Turns a composed YAML node tree into data, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, loaded: LoadedFile, problems: Problems):
        self.loader = loader
        self.loaded = loaded
        self.problems = problems

    def build(self, node: yaml.Node, key: PathKey) -> Any:
        self.loaded.value_marks[key] = _position(node)
        if node.tag not in _PLAIN_TAGS and not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"could not determine a constructor for the tag '{node.tag}'", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            self.loaded.block_scalars.add(key)
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as error:  # e.g. a date like 2026-13-45
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read '{node.value}': {error}", node.start_mark) from None

    def _mapping(self, node: yaml.MappingNode, key: PathKey) -> dict:
        self.loader.flatten_mapping(node)
        result: dict = {}
        for key_node, value_node in node.value:
            name = str(self.loader.construct_object(key_node, deep=True))
            child = (*key, name)
            if name in result:
                first_line = self.loaded.key_marks[child][0]
                self.problems.add(
                    Location(self.loaded.path, *_position(key_node)),
                    f"duplicate key '{name}' (already defined on line {first_line})",
                    "remove one of the two, or merge their contents",
                )
                continue
            self.loaded.key_marks[child] = _position(key_node)
            result[name] = self.build(value_node, child)
        return result


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mark_location(path: Path, error: yaml.MarkedYAMLError) -> Location:
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def _yaml_reason(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "; ".join(parts) or "invalid YAML"
