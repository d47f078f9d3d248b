"""Reading YAML node trees with line numbers, collecting problems as we go.

The loader never works on plain ``yaml.safe_load`` output: it walks the node
tree from ``yaml.compose`` so that every value keeps the line it came from and
every problem can be reported as ``file:line: message``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from clerk.catalog.errors import Problem
from clerk.characters import NAME_MAX, NOTE_MAX, refusal

E = TypeVar("E", bound=StrEnum)

_STR = "tag:yaml.org,2002:str"
_KIND_NAMES = {
    MappingNode: "映射（键: 值）",
    SequenceNode: "列表",
    ScalarNode: "单个值",
}

#: Fields that hold a sentence rather than a name (the others are held to NAME_MAX).
_LONG_TEXT = frozenset({"requirement", "description", "fee", "basis"})

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def line_at(text: str, position: int) -> int:
    """The 1-based line of a reader error's position (libyaml counts UTF-8 bytes)."""
    if _Loader is not yaml.SafeLoader:
        return text.encode("utf-8")[:position].count(b"\n") + 1
    return text[:position].count("\n") + 1


def compose(text: str) -> Node | None:
    """Parse one YAML document into its node tree (raises ``yaml.YAMLError``)."""
    return yaml.compose(text, Loader=_Loader)


class Fields:
    """The fields of one YAML mapping, keyed by name, with their nodes."""

    def __init__(self, node: MappingNode, values: dict[str, Node], keys: dict[str, Node]) -> None:
        self.node = node
        self.values = values
        self.keys = keys  # the key nodes: a block list starts on the line after its key

    @property
    def line(self) -> int:
        return line_of(self.node)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str) -> Node | None:
        return self.values.get(name)

    def at(self, name: str) -> Node:
        """The node of a field that is there (the mapping's own node, should it not be)."""
        return self.values.get(name, self.node)

    def key(self, name: str) -> Node:
        """The node of the field's name (for problems about the field as a whole)."""
        return self.keys.get(name, self.node)


class Reader:
    """Typed access to the nodes of one file; every problem lands in ``problems``."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self._constructor = SafeConstructor()

    def problem(self, where: Node | Fields | int, message: str) -> None:
        if isinstance(where, Node):
            line = line_of(where)
        elif isinstance(where, Fields):
            line = where.line
        else:
            line = where
        self.problems.append(Problem(self.file, line, message))

    # -- containers ---------------------------------------------------------

    def fields(
        self,
        node: Node,
        what: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> Fields | None:
        """A mapping with known field names; unknown, duplicate and missing fields are reported."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what}应为{_KIND_NAMES[MappingNode]}，实际是{_kind(node)}")
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        values: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                self.problem(key_node, f"{what}中的字段名应为文字：{key!r}")
                continue
            if key in values:
                self.problem(key_node, f"{what}中字段 {key} 重复出现")
                continue
            if key not in allowed:
                hint = "、".join(sorted(allowed))
                self.problem(key_node, f"{what}中有未知字段 {key}（允许的字段：{hint}）")
                continue
            values[key] = value_node
            keys[key] = key_node
        for name in required:
            if name not in values:
                self.problem(node, f"{what}缺少字段 {name}")
        return Fields(node, values, keys)

    def sequence(self, node: Node | None, what: str) -> list[Node]:
        if node is None:
            return []
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what}应为{_KIND_NAMES[SequenceNode]}，实际是{_kind(node)}")
            return []
        return list(node.value)

    # -- scalars ------------------------------------------------------------

    def scalar(self, node: Node) -> object:
        if not isinstance(node, ScalarNode):
            return node
        try:
            return self._constructor.construct_object(node)
        except ConstructorError as exc:
            self.problem(node, f"无法读取的值：{exc.problem}")
            return None

    def text(self, fields: Fields, name: str, what: str) -> str | None:
        """A non-empty string field (numbers are refused: they lose leading zeros)."""
        node = fields.get(name)
        if node is None:
            return None
        value = self.scalar(node)
        if not isinstance(node, ScalarNode) or node.tag != _STR or not isinstance(value, str):
            self.problem(node, f"{what}的 {name} 应为文字（数字或日期请加引号）")
            return None
        value = value.strip()
        if not value:
            self.problem(node, f"{what}的 {name} 不能为空")
            return None
        refused = refusal(f"{what}的 {name} ", value, NOTE_MAX if name in _LONG_TEXT else NAME_MAX)
        if refused is not None:
            self.problem(node, refused)
            return None
        return value

    def positive_int(self, fields: Fields, name: str, what: str) -> int | None:
        node = fields.get(name)
        if node is None:
            return None
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(node, f"{what}的 {name} 应为正整数，实际是 {_show(node)}")
            return None
        return value

    def boolean(self, fields: Fields, name: str, what: str, default: bool) -> bool:
        node = fields.get(name)
        if node is None:
            return default
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.problem(node, f"{what}的 {name} 应为 true 或 false，实际是 {_show(node)}")
            return default
        return value

    def enum(self, fields: Fields, name: str, what: str, kind: type[E]) -> E | None:
        node = fields.get(name)
        if node is None:
            return None
        return self.enum_value(node, f"{what}的 {name}", kind)

    def enum_value(self, node: Node, what: str, kind: type[E]) -> E | None:
        value = self.scalar(node)
        member = next((m for m in kind if m.value == value), None)
        if member is None:
            choices = " | ".join(m.value for m in kind)
            self.problem(node, f"{what} 只能是 {choices}，实际是 {_show(node)}")
        return member

    def text_list(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """A list of non-empty strings, each with its node (for its line)."""
        result: list[tuple[str, Node]] = []
        for item in self.sequence(node, what):
            value = self.scalar(item)
            if not isinstance(item, ScalarNode) or not isinstance(value, str) or not value.strip():
                self.problem(item, f"{what}中的每一项应为非空文字，实际是 {_show(item)}")
                continue
            refused = refusal(f"{what}中的一项", value.strip(), NAME_MAX)
            if refused is not None:
                self.problem(item, refused)
                continue
            result.append((value.strip(), item))
        return result


def _kind(node: Node) -> str:
    return _KIND_NAMES.get(type(node), type(node).__name__)


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return repr(node.value) if node.value != "" else "空值"
    return _kind(node)
