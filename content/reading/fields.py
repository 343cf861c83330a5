"""Typed fields out of one file, each problem reported with the file and line it is on."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from content.problems import ImportProblem
from content.yamlnodes import LineDict, LineList, YamlSyntaxError, load_yaml
from quiz.validation import ID_PATTERN

# A field's spec: its type and whether it is required.
Spec = dict[str, tuple[type, bool]]


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None, text, 1


class FileReader:
    """Collects errors for one file while pulling typed fields out of its YAML."""

    def __init__(self, path: Path, root: Path, errors: list[ImportProblem]):
        self.path = path
        self.name = str(path.relative_to(root.parent) if root.parent in path.parents else path)
        self.errors = errors
        self.front_lines: dict[str, int] = {}  # front matter field -> line, once read

    def error(self, line: int, message: str) -> None:
        self.errors.append(ImportProblem(self.name, line, message))

    def text(self) -> str | None:
        """The file's text, or None (reported) when it is missing or not UTF-8."""
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.error(0, "file is missing")
        except UnicodeDecodeError as error:
            self.error(0, f"file is not UTF-8 text ({error.reason})")
        return None

    def document(self) -> LineDict | None:
        """The file as one YAML mapping, or None (reported)."""
        text = self.text()
        if text is None:
            return None
        try:
            document = load_yaml(text)
        except YamlSyntaxError as error:
            self.error(error.line, error.message)
            return None
        return self.mapping(document, "the file", 1)

    def front_matter(self, what: str, spec: Spec) -> tuple[dict | None, str | None, int]:
        """(typed front matter fields, markdown body, line where the body starts) of a
        markdown file whose slug must equal its folder's name; (None, None, 0) when the
        front matter cannot be read (reported)."""
        text = self.text()
        if text is None:
            return None, None, 0
        front, body, body_line = split_front_matter(text)
        if front is None:
            self.error(1, f"{what} must start with front matter between two '---' lines")
            return None, None, 0
        try:
            meta = load_yaml(front, line_offset=1)
        except YamlSyntaxError as error:
            self.error(error.line, error.message)
            return None, None, 0
        meta = self.mapping(meta, "the front matter", 2)
        if meta is None:
            return None, None, 0
        values = self.fields(meta, "the front matter", spec)
        self.front_lines = meta.key_lines  # where each field is, for checks across files
        slug = self.slug(values, "slug", meta, what)
        folder = self.path.parent.name
        if slug and slug != folder:
            message = f"slug {slug!r} must equal the folder name {folder!r}"
            self.error(meta.key_lines["slug"], message)
        return values, body, body_line

    def mapping(self, value: Any, what: str, line: int) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.error(getattr(value, "line", line), f"{what} must be a mapping of fields")
            return None
        return value

    def fields(self, mapping: LineDict, what: str, spec: Spec) -> dict[str, Any]:
        """Typed fields of a mapping; reports missing, unknown and wrongly typed ones."""
        values: dict[str, Any] = {}
        for key in mapping:
            if key not in spec:
                known = ", ".join(spec)
                self.error(
                    mapping.key_lines[key], f"unknown field '{key}' in {what} (known: {known})"
                )
        for key, (kind, required) in spec.items():
            if key not in mapping or mapping[key] is None:
                if required:
                    self.error(mapping.line, f"{what} is missing the required field '{key}'")
                continue
            value = mapping[key]
            line = mapping.key_lines[key]
            if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)  # `text: 3` is a fine choice text
            if kind is str and isinstance(value, date):
                value = value.isoformat()  # `until: 2017-02-09` is read by its own rules
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                self.error(line, f"'{key}' must be a whole number, not {value!r}")
            elif kind is bool and not isinstance(value, bool):
                self.error(line, f"'{key}' must be true or false, not {value!r}")
            elif kind is str and not isinstance(value, str):
                self.error(line, f"'{key}' must be text, not {type(value).__name__}")
            elif kind is list and not isinstance(value, LineList):
                self.error(line, f"'{key}' must be a list")
            elif kind is LineDict and not isinstance(value, LineDict):
                self.error(line, f"'{key}' must be a mapping of fields")
            elif kind is date and not isinstance(value, date):
                self.error(line, f"'{key}' must be a date as YYYY-MM-DD, not {value!r}")
            else:
                values[key] = value
        return values

    def each(
        self, values: dict, key: str, what: str, spec: Spec
    ) -> Iterator[tuple[LineDict, dict]]:
        """(mapping, typed fields) for every mapping in the list field `key`."""
        items = values.get(key, [])
        for index, item in enumerate(items):
            mapping = self.mapping(item, what, items.item_lines[index])
            if mapping is not None:
                yield mapping, self.fields(mapping, what, spec)

    def slug(self, values: dict, key: str, mapping: LineDict, what: str) -> str:
        value = values.get(key, "")
        if value and not ID_PATTERN.match(value):
            self.error(
                mapping.key_lines[key],
                f"{what} '{key}' {value!r} must be lowercase letters, digits and dashes",
            )
        return value
