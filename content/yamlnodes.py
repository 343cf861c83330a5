"""YAML loading that remembers line numbers, so every content error can say file:line."""

from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: several times faster than the pure-Python one.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class LineDict(dict):
    """A mapping from YAML with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0
    item_lines: list


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str, *, line_offset: int = 0) -> Any:
    """Parse one YAML document into plain values, LineDicts and LineLists.

    line_offset shifts reported lines (front matter starts after a '---' line).
    Raises YamlSyntaxError for bad syntax or a key given twice.
    """
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise YamlSyntaxError(line, f"invalid YAML: {error.problem or error}") from error
    if node is None:
        return None
    constructor = yaml.SafeLoader("")
    return _build(node, constructor, line_offset)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
    # libyaml words some problems differently: report them as the pure-Python parser does.
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _build(node: yaml.Node, constructor: yaml.SafeLoader, offset: int) -> Any:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            if key_node.tag == _STR_TAG:
                key = key_node.value
            else:
                key = constructor.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key, str):
                raise YamlSyntaxError(key_line, f"keys must be text, not {key!r}")
            if key in result:
                raise YamlSyntaxError(key_line, f"field '{key}' is given twice")
            result[key] = _build(value_node, constructor, offset)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LineList(_build(item, constructor, offset) for item in node.value)
        result.line = line
        result.item_lines = [item.start_mark.line + 1 + offset for item in node.value]
        return result
    if node.tag == _STR_TAG:
        return node.value  # what the constructor would return, without its bookkeeping
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as error:
        raise YamlSyntaxError(line, f"invalid value: {error.problem}") from error


def line_of(value: Any, path: tuple, default: int) -> int:
    """The line of the deepest element of path found under value (a LineDict/LineList)."""
    line = getattr(value, "line", default) or default
    for step in path:
        if isinstance(value, LineDict) and step in value:
            line, value = value.key_lines[step], value[step]
        elif isinstance(value, LineList) and isinstance(step, int) and 0 <= step < len(value):
            line, value = value.item_lines[step], value[step]
        else:
            break
    return line


class ContentDumper(yaml.SafeDumper):
    """Dumps the content format: multi-line text as literal blocks, lists flush with keys."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ContentDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data, Dumper=ContentDumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
