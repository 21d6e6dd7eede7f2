"""Stage 1, load: read YAML safely and remember where every value came from.

Values are plain Python data (dicts, lists, scalars) so the model stage can validate
them; positions live beside them in a map keyed by the value's path, so any later
stage can point at the exact line and column of a field.

A study travels between organisations, so a file may be hostile. Every bound of
`toolkit.limits` is checked before the work it bounds, each reported as a located problem:
the file's size before it is read (MAX_YAML_BYTES), the characters YAML refuses, the
nesting depth (MAX_YAML_DEPTH) and the number of values (MAX_YAML_NODES) while the file is
composed, from the parser's event stream and without recursion, then again while values
are built, where an alias is expanded once per use ("billion laughs"), the length of
one text (MAX_TEXT_CHARS) and of one number (MAX_NUMBER_CHARS). Only plain data is built:
mappings, lists, texts, numbers, booleans, dates; no tag may build anything else.
"""

from __future__ import annotations

import bisect
import gc
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from toolkit.errors import Location, Problems
from toolkit.language import N_, _
from toolkit.limits import (
    MAX_NUMBER_CHARS,
    MAX_TEXT_CHARS,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    env_name,
)

PathKey = tuple[str | int, ...]
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}

# libyaml's parser when PyYAML was built with it (the wheels are): it reads 10 to 20 times
# faster than the pure Python one, which stays the fallback.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The characters YAML does not allow in a file (the printable set of YAML 1.1, as PyYAML reads it),
# nor, written as escapes ("\0", "\x1b", "\ud800"), in a text.
_REFUSED = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHARACTER_NAMES = {0: "NUL", 0x1b: "ESC", 0x7f: "DEL", 0xfffe: N_("a non-character"), 0xffff: N_("a non-character")}


@dataclass
class LoadedFile:
    """A parsed YAML file: its data plus the position of each key and value."""

    path: Path
    data: Any
    value_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    block_scalars: set[PathKey] = field(default_factory=set)
    lines: list[str] | None = field(default=None, repr=False)  # the file's lines, as read
    _line_starts: dict[PathKey, list[int]] = field(default_factory=dict, repr=False)

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
        """Location of a character inside a string value (exact for block scalars).

        The line starts of each text are worked out once, so locating every character of a
        long text costs a search each, not a scan.
        """
        base = self.locate(key)
        key = tuple(key)
        if key not in self.block_scalars:
            return base
        text = self.get(key)
        if not isinstance(text, str):
            return base
        starts = self._line_starts.get(key)
        if starts is None:
            starts = [0, *(match.end() for match in re.finditer("\n", text))]
            self._line_starts[key] = starts
        line_in_block = bisect.bisect_right(starts, offset) - 1
        column = offset - starts[line_in_block]
        indent = self._block_indent(key)
        return Location(self.path, base.line + 1 + line_in_block, indent + column + 1)

    def get(self, key: PathKey) -> Any:
        value = self.data
        for part in key:
            value = value[part]
        return value

    def source_lines(self) -> list[str]:
        """The lines of the file as it was read (read again only for a file built by hand)."""
        if self.lines is None:
            try:
                self.lines = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.lines = []
        return self.lines

    def _block_indent(self, key: PathKey) -> int:
        line, _ = self.value_marks[tuple(key)]
        lines = self.source_lines()
        if not 0 <= line < len(lines):
            return 0
        first_line = lines[line]
        return len(first_line) - len(first_line.lstrip(" "))


class _Refused(Exception):
    """A bound or rule of this module, reached at a position of the file."""

    def __init__(self, mark: yaml.Mark | tuple[int, int] | None, message: str, hint: str):
        super().__init__(message)
        if isinstance(mark, tuple) or mark is None:
            self.position = mark or (1, 1)
        else:
            self.position = (mark.line + 1, mark.column + 1)
        self.message = message
        self.hint = hint


def load_yaml(path: Path, problems: Problems) -> LoadedFile | None:
    """Parse one YAML file; report syntax errors, duplicate keys and reached bounds into `problems`.

    The cycle collector is paused meanwhile: loading makes up to MAX_YAML_NODES objects and
    no cycle, and the collector's passes over them would cost a third of the time.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_yaml(path, problems)
    finally:
        if paused:
            gc.enable()


def _load_yaml(path: Path, problems: Problems) -> LoadedFile | None:
    try:
        text = _read_text(path)
        loaded = LoadedFile(path, None, lines=text.splitlines())
        try:
            node = _compose(text)
        except yaml.MarkedYAMLError as error:
            if "maximum nesting depth" in str(error.problem):  # libyaml's own bound, 1,000 levels
                raise _too_deep(error.problem_mark) from None
            problems.add(*_syntax_problem(path, text, error))
            return None
        if node is None:
            loaded.data = {}
            return loaded
        try:
            loaded.data = _Builder(loaded, problems).build(node, (), 1)
        except yaml.MarkedYAMLError as error:
            problems.add(_mark_location(path, error), _("YAML error: %(reason)s", reason=_yaml_reason(error)),
                         _("a study file holds plain values: texts, numbers, true/false, dates, lists and mappings"))
            return None
    except _Refused as refusal:
        problems.add(Location(path, *refusal.position), refusal.message, refusal.hint)
        return None
    except yaml.YAMLError as error:  # the checks above leave the reader nothing to refuse: a safety net
        problems.add(Location(path), _("YAML error: %(reason)s", reason=error),
                     _("check that this is a YAML text file"))
        return None
    return loaded


# --- reading: size, encoding, characters ------------------------------------------------


def _read_text(path: Path) -> str:
    """The file's text; a file too large, not a regular file or not UTF-8 text is refused unread."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(None, _("this is not a regular file (a device, a pipe or a socket?)"),
                           _("a study file is a text file: put the YAML file itself here"))
        _check_size(info.st_size)
        with path.open("rb") as stream:
            data = stream.read(MAX_YAML_BYTES + 1)
    except OSError as error:
        raise _Refused(None, _("cannot read the file: %(reason)s", reason=error.strerror or type(error).__name__),
                       _("check that the file exists and that you may read it")) from None
    _check_size(len(data))  # it grew while we looked
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Refused(_byte_position(data, error.start),
                       _("the file is not valid UTF-8 (%(reason)s)", reason=error.reason),
                       _("save the file as UTF-8 text in your editor: is it a text file at all?")) from None
    text = text.removeprefix("\ufeff")  # a byte order mark: editors hide it, so do positions
    refused = _REFUSED.search(text)
    if refused:
        raise _Refused(_text_position(text, refused.start()),
                       _("the file holds %(character)s, which YAML does not allow",
                         character=_character(refused.group())),
                       _("remove it (it may come from a copy and paste or a word processor): a study file is "
                         "plain text; is this the right file?"))
    return text


def _check_size(size: int) -> None:
    if size > MAX_YAML_BYTES:
        raise _Refused(None, _("the file is %(size)s, more than the %(max)s a study file may hold",
                               size=_bytes(size), max=_bytes(MAX_YAML_BYTES)),
                       _("a long scenario is about 20 KB: check that this is the right file; to raise the bound, "
                         "set the environment variable %(variable)s (in bytes)", variable=env_name("MAX_YAML_BYTES")))


def _bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=f"{size / (1024 * 1024):,.1f}")
    return _("%(size)s KB", size=f"{size / 1024:,.1f}") if size >= 1024 else _("%(size)s bytes", size=size)


def _character(character: str) -> str:
    code = ord(character)
    name = _CHARACTER_NAMES.get(code, N_("a surrogate") if 0xd800 <= code <= 0xdfff else N_("a control character"))
    return f"{_(name)} (U+{code:04X})"


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace"))
    return data.count(b"\n", 0, offset) + 1, column + 1


def _text_position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- composing: nodes from the event stream, bounded, without recursion -----------------


def _compose(text: str) -> Node | None:
    """The single document of `text` as a node tree, or None for an empty file.

    Like PyYAML's composer, but iterative (a deep file cannot exhaust the stack), with
    the depth, count and length bounds checked as events arrive, and an anchor known only
    once its value is complete (a value cannot contain an alias to itself).
    """
    parser = _Parser(text)
    try:
        return _Composer(parser).document()
    finally:
        parser.dispose()


class _Composer:
    def __init__(self, parser):
        self.parser = parser
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.count = 0

    def document(self) -> Node | None:
        parser = self.parser
        parser.get_event()  # stream start
        if parser.check_event(yaml.StreamEndEvent):
            return None
        start = parser.get_event()  # document start
        root = self.node()
        parser.get_event()  # document end
        if not parser.check_event(yaml.StreamEndEvent):
            event = parser.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", start.start_mark,
                                              "but found another document", event.start_mark)
        return root

    def node(self) -> Node:
        parser = self.parser
        stack: list[list] = []  # [collection node, its anchor, a mapping's key waiting for its value]
        while True:
            event = parser.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                self._counted(event)
                if len(stack) + 1 > MAX_YAML_DEPTH:
                    raise _too_deep(event.start_mark)
                mapping = isinstance(event, yaml.MappingStartEvent)
                kind = MappingNode if mapping else SequenceNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = parser.resolve(kind, None, event.implicit)
                self._check_anchor(event)
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                stack.append([kind(tag, [], event.start_mark, None, flow_style=event.flow_style), event.anchor, None])
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node, anchor, _ = stack.pop()
                node.end_mark = event.end_mark
                if anchor is not None:
                    self.open_anchors.discard(anchor)
                    self.anchors[anchor] = node
            elif isinstance(event, yaml.AliasEvent):
                node = self._alias(event)
            else:
                node = self._scalar(event)
            if not stack:
                return node
            parent = stack[-1]
            if isinstance(parent[0], SequenceNode):
                parent[0].value.append(node)
            elif parent[2] is None:
                parent[2] = node
            else:
                parent[0].value.append((parent[2], node))
                parent[2] = None

    def _scalar(self, event: yaml.ScalarEvent) -> ScalarNode:
        self._counted(event)
        value = event.value
        if len(value) > MAX_TEXT_CHARS:
            raise _Refused(event.start_mark, _("a text of %(length)s characters, more than the %(max)s one text "
                                               "may hold", length=f"{len(value):,}", max=f"{MAX_TEXT_CHARS:,}"),
                           _("a long narrative is about 4,000 characters: split the text, or check that this is "
                             "the right file; to raise the bound, set the environment variable %(variable)s",
                             variable=env_name("MAX_TEXT_CHARS")))
        refused = _REFUSED.search(value)
        if refused:  # written as an escape, since the file itself holds none
            raise _Refused(event.start_mark, _("the text holds %(character)s, written as an escape, which a study "
                                               "may not hold", character=_character(refused.group())),
                           _("remove the escape sequence (like \\0, \\x1b or \\ud800) from this text"))
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.parser.resolve(ScalarNode, value, event.implicit)
        self._check_anchor(event)
        node = ScalarNode(tag, value, event.start_mark, None, style=event.style)  # one mark: less memory
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node

    def _alias(self, event: yaml.AliasEvent) -> Node:
        anchor = event.anchor
        if anchor in self.anchors:
            return self.anchors[anchor]
        if anchor in self.open_anchors:
            raise _Refused(event.start_mark, _("the alias *%(anchor)s is inside the value &%(anchor)s it repeats",
                                               anchor=anchor),
                           _("an alias repeats a value defined before it, never the value that contains it"))
        raise yaml.composer.ComposerError(None, None, f"found undefined alias '{anchor}'", event.start_mark)

    def _check_anchor(self, event) -> None:
        anchor = event.anchor
        if anchor is not None and (anchor in self.anchors or anchor in self.open_anchors):
            raise yaml.composer.ComposerError(None, None, f"found duplicate anchor '{anchor}'", event.start_mark)

    def _counted(self, event) -> None:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _too_many(event.start_mark)


def _too_deep(mark: yaml.Mark) -> _Refused:
    return _Refused(mark, _("values nested more than %(max)s levels deep (aliases expanded)", max=MAX_YAML_DEPTH),
                    _("a study nests lists and mappings about 8 levels deep: check the indentation and the "
                      "brackets, and that no alias repeats a value inside a copy of itself"))


def _too_many(mark: yaml.Mark) -> _Refused:
    return _Refused(mark, _("the file holds more than %(max)s values (aliases expanded)", max=f"{MAX_YAML_NODES:,}"),
                    _("a whole study holds a few thousand: check the file (aliases repeated inside repeated "
                      "aliases multiply the values); to raise the bound, set the environment variable %(variable)s",
                      variable=env_name("MAX_YAML_NODES")))


# --- building: plain data, positions, duplicate keys ------------------------------------


class _Builder:
    """Turns a composed YAML node tree into data, recording positions.

    A node shared through aliases is built once per use, so the count of values built
    and the depth include every expansion; both are bounded before the work is done.
    """

    def __init__(self, loaded: LoadedFile, problems: Problems):
        self.constructor = SafeConstructor()
        self.loaded = loaded
        self.problems = problems
        self.count = 0

    def build(self, node: Node, key: PathKey, depth: int) -> Any:
        self._counted(node)
        self.loaded.value_marks[key] = _position(node)
        if isinstance(node, ScalarNode):
            if node.style in ("|", ">"):
                self.loaded.block_scalars.add(key)
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:
            raise ConstructorError(None, None, _("could not determine a constructor for the tag '%(tag)s'",
                                                 tag=node.tag), node.start_mark)
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(node.start_mark)
        if isinstance(node, MappingNode):
            return self._mapping(node, key, depth)
        return [self.build(item, (*key, index), depth + 1) for index, item in enumerate(node.value)]

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            shown = f"{node.value[:20]}…"
            raise _Refused(node.start_mark, _("the number '%(number)s' is written with %(length)s characters, more "
                                              "than the %(max)s a number may have", number=shown,
                                              length=f"{len(node.value):,}", max=MAX_NUMBER_CHARS),
                           _("years, counts and minutes need a few digits: check the value, or put it in quotes "
                             "if it is a text"))
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as error:  # PyYAML's constructors are not total: `!!int ` or `!!timestamp x` crash them
            shown = node.value if len(node.value) <= 40 else f"{node.value[:40]}…"
            tag = node.tag.rsplit(":", 1)[-1]
            reason = str(error) if isinstance(error, ValueError | OverflowError) else _("it is not a valid %(tag)s",
                                                                                         tag=tag)
            raise ConstructorError(None, None, _("cannot read '%(value)s': %(reason)s", value=shown, reason=reason),
                                   node.start_mark) from None

    def _mapping(self, node: MappingNode, key: PathKey, depth: int) -> dict:
        result: dict = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            name = self._key(key_node)
            child = (*key, name)
            if name in result:
                first_line = self.loaded.key_marks[child][0]
                self.problems.add(
                    Location(self.loaded.path, *_position(key_node)),
                    _("duplicate key '%(key)s' (already defined on line %(line)s)", key=name, line=first_line),
                    _("remove one of the two, or merge their contents"),
                )
                continue
            self.loaded.key_marks[child] = _position(key_node)
            result[name] = self.build(value_node, child, depth + 1)
        # `<<: *defaults` (or a list of aliases): the keys written here win, then the first source
        for key_node, value_node in self._merged(node, merges, depth):
            name = self._key(key_node)
            if name in result:
                continue
            child = (*key, name)
            self.loaded.key_marks[child] = _position(key_node)
            result[name] = self.build(value_node, child, depth + 1)
        return result

    def _merged(self, node: MappingNode, merges: list[Node], depth: int) -> list[tuple[Node, Node]]:
        """The pairs merge keys bring, sources in order of precedence, their own merges resolved."""
        pairs: list[tuple[Node, Node]] = []
        for value_node in merges:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise ConstructorError(None, None, _("'<<' merges a mapping or a list of mappings, not a "
                                                         "%(kind)s", kind=source.id), source.start_mark)
                if depth + 1 > MAX_YAML_DEPTH:
                    raise _too_deep(source.start_mark)
                own = [pair for pair in source.value if pair[0].tag != _MERGE_TAG]
                inner = [pair[1] for pair in source.value if pair[0].tag == _MERGE_TAG]
                for pair in own:
                    self._counted(pair[0])
                    pairs.append(pair)
                pairs.extend(self._merged(source, inner, depth + 1))
        return pairs

    def _key(self, node: Node) -> str:
        self._counted(node)
        if not isinstance(node, ScalarNode):
            raise ConstructorError(None, None, _("a key must be a text or a number, not a list or a mapping"),
                                   node.start_mark)
        if node.tag == _VALUE_TAG:
            return node.value
        return str(self._scalar(node))

    def _counted(self, node: Node) -> None:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _too_many(node.start_mark)


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


# --- syntax errors in plain words ---------------------------------------------------------
# The parser's own words ("mapping values are not allowed here") name its grammar, not the
# mistake; the classic mistakes of a YAML beginner are recognised from them and the line, and
# told with what to type. Anything else keeps the parser's words, located.

_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"][^:#]*?):(?:\s+(.*))?$")


def _syntax_problem(path: Path, text: str, error: yaml.MarkedYAMLError) -> tuple[Location, str, str]:
    """Where, what and what to do about a YAML syntax error."""
    location = _mark_location(path, error)
    mark, context_mark = error.problem_mark, error.context_mark
    problem, context = str(error.problem or ""), str(error.context or "")
    lines = text.splitlines()

    def line_at(some_mark) -> str:
        return lines[some_mark.line] if some_mark is not None and 0 <= some_mark.line < len(lines) else ""

    line = line_at(mark)
    indent = line[:len(line) - len(line.lstrip())]
    if "\t" in indent or "tab" in problem or (mark is not None and line[mark.column:mark.column + 1] == "\t"):
        column = (indent.index("\t") if "\t" in indent else mark.column if mark else 0) + 1
        return (Location(path, mark.line + 1 if mark else 1, column),
                _("YAML syntax error: a tab indents this line, and YAML indents with spaces only"),
                _("replace the tab with spaces"))
    reason = _("YAML syntax error: %(reason)s", reason=_yaml_reason(error))
    if "mapping values are not allowed" in problem:
        return location, *_colon_in_value(line, mark.column if mark else 0)
    if "quoted scalar" in context and "unexpected end" in problem and context_mark is not None:
        quote = line_at(context_mark)[context_mark.column:context_mark.column + 1] or '"'
        return (Location(path, context_mark.line + 1, context_mark.column + 1),
                _("YAML syntax error: the quotation mark %(quote)s opened here is never closed", quote=quote),
                _("end the value with the same quotation mark (%(quote)s), or remove it", quote=quote))
    if "flow sequence" in context or "flow mapping" in context:
        opening, closing = ("[", "]") if "sequence" in context else ("{", "}")
        opened = context_mark.line + 1 if context_mark else location.line
        return (location,
                _("YAML syntax error: the '%(opening)s' opened on line %(line)s is not closed", opening=opening,
                  line=opened),
                _("check indentation and quoting around this line: close it with '%(closing)s', or put the value "
                  "in quotes if the '%(opening)s' belongs to the text", opening=opening, closing=closing))
    if "cannot start any token" in problem and mark is not None:
        character = line[mark.column:mark.column + 1]
        return location, _("YAML syntax error: a value cannot start with '%(character)s'", character=character), \
            _("put the value in quotes: %(example)s", example=_quoted(line, mark.column))
    if "undefined alias" in problem and mark is not None:
        return location, reason, _("a value starting with '*' repeats a value marked &name above: put the value in "
                                   "quotes if the '*' belongs to the text, like %(example)s",
                                   example=_quoted(line, mark.column))
    if "expected '-' indicator" in problem:
        return (location, _("YAML syntax error: this line is not aligned with the list above it"),
                _("start a new item with '- ' in the column of the others, or indent this line like the fields of "
                  "the item above"))
    if "could not find expected ':'" in problem and context_mark is not None:
        return (Location(path, context_mark.line + 1, context_mark.column + 1),
                _("YAML syntax error: this line has no ':' after its field name"),
                _("write the field as `name: value`; a text on several lines is indented below its field"))
    if "did not find expected key" in problem and mark is not None:
        before = line[:mark.column]
        if before.rstrip().endswith(("'", '"')):
            return (location, _("YAML syntax error: text follows the closing quotation mark"),
                    _("put the whole value in quotes; inside single quotes, write an apostrophe twice, like "
                      "'l''avenir'"))
        return (location, _("YAML syntax error: this line does not continue the fields above it"),
                _("check its indentation: the fields of one level start in the same column, and an item of a list "
                  "starts with '- '"))
    if "single document" in context:
        return (location, _("YAML syntax error: the file holds more than one document (a line '---')"),
                _("remove the '---' line: a study file holds one document"))
    return location, reason, _("check indentation and quoting around this line")


def _colon_in_value(line: str, column: int) -> tuple[str, str]:
    """`title: Le social: demain`: a colon and a space inside a value written without quotes."""
    match = _KEY.match(line)
    if match and match.group(3) and len(match.group(1)) + len(match.group(2)) < column:
        key = match.group(2).strip()
        return (_("YAML syntax error: the value of '%(key)s' holds ': ', which YAML reads as the start of a field",
                  key=key),
                _("put the value in quotes: %(example)s", example=_quoted(line, len(match.group(1)) + len(key) + 2)))
    return (_("YAML syntax error: this line is indented more than the field above it, or the line above has no ':' "
              "after its field name"),
            _("align this line with the fields above it; a field is written `name: value`"))


def _quoted(line: str, column: int) -> str:
    """The line, its value from `column` on written in quotes: `title: "Le social: demain"`."""
    head, value = line[:column].strip(), line[column:].strip()
    if '"' not in value:
        return f'`{head} "{value}"`'.replace("` ", "`")
    return f"`{head} '{value.replace(chr(39), chr(39) * 2)}'`".replace("` ", "`")
