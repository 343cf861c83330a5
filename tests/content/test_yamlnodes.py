"""libyaml reads the content files exactly as the pure-Python parser does, lines included."""

import pytest
import yaml

from content import yamlnodes
from content.yamlnodes import LineDict, LineList, YamlSyntaxError, load_yaml
from tests.content import SHIPPED_LIBRARY


def with_lines(value):
    """The value with the line of every mapping, key and list item spelled out."""
    if isinstance(value, LineDict):
        return (
            value.line,
            [(key, value.key_lines[key], with_lines(item)) for key, item in value.items()],
        )
    if isinstance(value, LineList):
        return (value.line, value.item_lines, [with_lines(item) for item in value])
    return (type(value).__name__, value)


@pytest.fixture
def pure_python(monkeypatch):
    monkeypatch.setattr(yamlnodes, "_FAST_LOADER", yaml.SafeLoader)


def load_all(paths):
    return [with_lines(load_yaml(path.read_text(encoding="utf-8"))) for path in paths]


def test_libyaml_is_used_when_pyyaml_has_it():
    assert yamlnodes._FAST_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_shipped_files_read_alike_with_either_parser(monkeypatch):
    paths = sorted(SHIPPED_LIBRARY.rglob("*.yaml"))
    assert paths
    fast = load_all(paths)
    monkeypatch.setattr(yamlnodes, "_FAST_LOADER", yaml.SafeLoader)
    assert load_all(paths) == fast


@pytest.mark.parametrize(
    "text",
    [
        "a: b: c\n",  # libyaml words this one differently
        "threads:\n  - [unclosed\n",
        "key: 'open\n",
        "- a\nb: c\n",
        "a: 1\n\tb: 2\n",
    ],
)
def test_syntax_errors_read_alike_with_either_parser(text, monkeypatch):
    with pytest.raises(YamlSyntaxError) as fast:
        load_yaml(text, line_offset=3)
    monkeypatch.setattr(yamlnodes, "_FAST_LOADER", yaml.SafeLoader)
    with pytest.raises(YamlSyntaxError) as pure:
        load_yaml(text, line_offset=3)
    assert (fast.value.line, fast.value.message) == (pure.value.line, pure.value.message)
