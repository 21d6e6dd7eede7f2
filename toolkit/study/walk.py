"""Walking a study's data by path: the texts of a validated model, the values of plain YAML data.

A path is the tuple of keys and list positions that leads to a value in its YAML file
(`toolkit.study.loader.PathKey`), so whatever a walk finds can be located in the file, and the
same path finds the same place in another file of the same shape (a translation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from toolkit.study.loader import PathKey
from toolkit.study.model import Text


def walk_texts(value: Any, key: PathKey = ()) -> Iterator[tuple[PathKey, Text]]:
    """Every `Text` of a model, with its path (the path of its value in the YAML file)."""
    if isinstance(value, Text):
        yield key, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk_texts(getattr(value, name), (*key, name))
    elif isinstance(value, dict | list):
        for name, item in _children(value):
            yield from walk_texts(item, (*key, name))


def leaves(data: Any, key: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every scalar of plain YAML data, with its path."""
    if isinstance(data, dict | list):
        for name, item in _children(data):
            yield from leaves(item, (*key, name))
    else:
        yield key, data


def lookup(data: Any, key: PathKey, missing: Any = None) -> Any:
    """The value at `key` in plain YAML data, or `missing`."""
    for part in key:
        if isinstance(part, int):
            if not isinstance(data, list) or not 0 <= part < len(data):
                return missing
        elif not isinstance(data, dict) or part not in data:
            return missing
        data = data[part]
    return data


def _children(value: dict | list) -> Iterator[tuple[str | int, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)
