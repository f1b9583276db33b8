"""Turn pack YAML into plain Python data while remembering the line every value came from.

PyYAML's own loaders throw the node tree away, so a schema error could only say "questions → 3 → prompt".
Here the text is composed into nodes (`yaml.compose`) and built into dicts/lists by hand, keeping a map
from each value's path to its node. The validator uses that map to print `FILE:LINE`, and to tell an
author that an unquoted `yes` or `1e-3` silently became a boolean or a number.

Resolution follows YAML 1.1 as PyYAML does (so `on`/`yes` are booleans), plus the YAML 1.2 exponent floats
(`1e-3`) that PyYAML leaves as text. Everything else (dates, unknown tags) stays the string as written, and
mapping keys are always the key text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

NodePath = tuple[str | int, ...]

MAX_NODES = 200_000
MAX_DEPTH = 64

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSourceError(Exception):
    """The text is not a YAML document we can read; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class ParsedYaml:
    """Plain data plus, for every path into it, the node it was built from (and the key node of entries)."""

    data: Any
    nodes: dict[NodePath, Node] = field(default_factory=dict)
    key_nodes: dict[NodePath, Node] = field(default_factory=dict)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, path: NodePath) -> int:
        """1-based line of the value at `path`, or of its deepest existing ancestor."""
        node = self.nodes.get(self.deepest(path))
        return node.start_mark.line + 1 if node is not None else 1

    def key_line_of(self, path: NodePath) -> int:
        """1-based line of the key of the mapping entry at `path` (its value's line otherwise)."""
        node = self.key_nodes.get(path)
        return node.start_mark.line + 1 if node is not None else self.line_of(path)

    def deepest(self, path: NodePath) -> NodePath:
        """The deepest existing node along `path`.

        Segments that name no child (pydantic's union member tags such as 'int' or 'list[...]') are
        skipped, so `value.list[...].1.int` lands on `value[1]`.
        """
        found: NodePath = ()
        for segment in path:
            if (*found, segment) in self.nodes:
                found = (*found, segment)
            elif isinstance(segment, int):
                break
        return found


def line_of_error(error: yaml.YAMLError) -> int:
    """The 1-based line a PyYAML error points at (1 when it carries no position)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def describe_yaml_error(error: yaml.YAMLError) -> str:
    """A one-line reason from a PyYAML error, without its multi-line source excerpt."""
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    parts = [p for p in (context, problem) if p]
    text = ", ".join(parts) if parts else str(error).splitlines()[0]
    return " ".join(text.split())


def parse_yaml(text: str) -> ParsedYaml:
    """Compose `text` (one YAML document) and build plain data with a path → node map.

    Raises YamlSourceError for malformed YAML, an empty document, recursive aliases, or documents whose
    aliases expand past MAX_NODES values.
    """
    try:
        _check_depth(text)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise YamlSourceError(line_of_error(error), f"malformed YAML: {describe_yaml_error(error)}") from None
    if root is None:
        raise YamlSourceError(1, "empty file: expected a mapping with 'pack', 'title' and 'questions'")
    builder = _Builder()
    data = builder.build(root, (), ())
    return ParsedYaml(data=data, nodes=builder.nodes, key_nodes=builder.key_nodes, warnings=builder.warnings)


def _check_depth(text: str) -> None:
    """Refuse deep nesting before composing: libyaml's composer recurses and can overflow the C stack.

    The event stream is produced iteratively, so counting nesting on it is safe for any input.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else 1
                raise YamlSourceError(line, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def scalar_value(node: ScalarNode) -> Any:
    """A scalar's value: bool/int/float/None as YAML resolves it, otherwise the text as written."""
    tag = node.tag
    if tag == STR_TAG and is_plain(node) and _EXPONENT_FLOAT.match(node.value):
        return float(node.value.replace("_", ""))
    try:
        if tag == BOOL_TAG:
            return SafeConstructor().construct_yaml_bool(node)
        if tag == INT_TAG:
            return SafeConstructor().construct_yaml_int(node)
        if tag == FLOAT_TAG:
            return SafeConstructor().construct_yaml_float(node)
    except (ValueError, TypeError, yaml.YAMLError):
        return node.value
    if tag == NULL_TAG:
        return None
    return node.value


def is_plain(node: Node) -> bool:
    """True for an unquoted scalar, the only kind YAML may turn into a boolean or number.

    The pure-Python composer marks plain style as None and libyaml's as ''.
    """
    return isinstance(node, ScalarNode) and not node.style


def resolved_kind(node: Node) -> str:
    """What a node became, in words an author understands: 'a boolean', 'a number', 'text', 'a list'..."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = scalar_value(node) if isinstance(node, ScalarNode) else None
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class _Builder:
    """Walks the node graph once, guarding against alias cycles and alias bombs."""

    def __init__(self) -> None:
        self.nodes: dict[NodePath, Node] = {}
        self.key_nodes: dict[NodePath, Node] = {}
        self.warnings: list[tuple[int, str]] = []
        self._count = 0

    def build(self, node: Node, path: NodePath, stack: tuple[int, ...]) -> Any:
        self._count += 1
        line = node.start_mark.line + 1
        if self._count > MAX_NODES:
            raise YamlSourceError(line, f"too many values (over {MAX_NODES}; an alias expanding too often?)")
        if id(node) in stack:
            raise YamlSourceError(line, "recursive alias: a value contains itself")
        if len(stack) > MAX_DEPTH:
            raise YamlSourceError(line, f"nested deeper than {MAX_DEPTH} levels")
        self.nodes[path] = node
        inner = (*stack, id(node))
        if isinstance(node, ScalarNode):
            return scalar_value(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), inner) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, inner)
        return None

    def _mapping(self, node: MappingNode, path: NodePath, stack: tuple[int, ...]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                merged.extend(s for s in sources if isinstance(s, MappingNode))
                continue
            key = key_node.value if isinstance(key_node, ScalarNode) else f"<{resolved_kind(key_node)}>"
            if key in result:
                self.warnings.append((key_node.start_mark.line + 1, f"duplicate key {key!r} in one mapping"))
            self.key_nodes[(*path, key)] = key_node
            result[key] = self.build(value_node, (*path, key), stack)
        for source in merged:
            for key_node, value_node in source.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else f"<{resolved_kind(key_node)}>"
                if key not in result:
                    self.key_nodes[(*path, key)] = key_node
                    result[key] = self.build(value_node, (*path, key), stack)
        return result
