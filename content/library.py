"""Reading and validating the content library (see content/README.md for the format).

Pure Python, no database: `read_library(root)` returns the parsed library and every
problem found, each with its file and line.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from content.yamlnodes import LineDict, LineList, YamlSyntaxError, line_of, load_yaml
from quiz.validation import (
    ID_PATTERN,
    ChoiceData,
    KeyRevisionData,
    Problem,
    QuestionData,
    ReferenceData,
    explanation_gaps,
    validate_question,
)
from study.services import NoteSection, note_anchor

CERTIFICATION_FILE = "certification.md"
NOTES_FILE = "notes.md"
QUESTIONS_FILE = "questions.yaml"
DISCUSSION_FILE = "discussion.yaml"
BLUEPRINTS_FILE = "blueprints.yaml"


@dataclass(frozen=True, order=True)
class ContentError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class BlueprintEntry:
    slug: str
    name: str
    questions: int
    minutes: int
    passing_score: int
    scale: str = "scaled"
    shuffle_choices: bool = True
    include_recent_key_changes: bool = False
    topics: dict[str, int] = field(default_factory=dict)
    file: str = ""
    line: int = 0


@dataclass
class CertificationEntry:
    slug: str
    name: str
    code: str = ""
    position: int = 0
    description: str = ""
    blueprints: list[BlueprintEntry] = field(default_factory=list)


@dataclass
class QuestionEntry:
    data: QuestionData
    set_slug: str
    number: int
    duplicate_of: str = ""
    also_topics: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0
    duplicate_of_line: int = 0
    also_topics_line: int = 0


@dataclass
class CommentEntry:
    ext_id: str
    author: str
    body: str
    missing: bool
    question_id: str  # "" for a general thread
    parent_id: str  # "" for a top-level comment
    file: str = ""
    line: int = 0
    question_line: int = 0


@dataclass
class TopicEntry:
    certification_slug: str
    slug: str
    title: str
    summary: str = ""
    position: int = 0
    sections: list[NoteSection] = field(default_factory=list)
    disclaimer: str = ""
    sets: list[tuple[str, str]] = field(default_factory=list)
    questions: list[QuestionEntry] = field(default_factory=list)
    comments: list[CommentEntry] = field(default_factory=list)


@dataclass
class Library:
    certifications: list[CertificationEntry] = field(default_factory=list)
    topics: list[TopicEntry] = field(default_factory=list)


UNTIL = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


class _FileReader:
    """Collects errors for one file while pulling typed fields out of its YAML."""

    def __init__(self, path: Path, root: Path, errors: list[ContentError]):
        self.path = path
        self.name = str(path.relative_to(root.parent) if root.parent in path.parents else path)
        self.errors = errors

    def error(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.name, line, message))

    def mapping(self, value: Any, what: str, line: int) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.error(getattr(value, "line", line), f"{what} must be a mapping of fields")
            return None
        return value

    def fields(
        self, mapping: LineDict, what: str, spec: dict[str, tuple[type, bool]]
    ) -> dict[str, Any]:
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
        self, values: dict, key: str, what: str, spec: dict
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


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None, text, 1


_FENCE = re.compile(r"^\s*(```|~~~)")


def split_sections(body: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(text before the first '## ', [(heading, body, heading line offset)]).

    Headings inside fenced code do not count.
    """
    preamble: list[str] = []
    sections: list[tuple[str, list[str], int]] = []
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            sections.append((line[3:].strip(), [], offset))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble).strip(), [
        (heading, "\n".join(lines).strip("\n").rstrip(), offset)
        for heading, lines, offset in sections
    ]


def read_library(
    root: Path, *, require_explanations: bool = False
) -> tuple[Library, list[ContentError]]:
    """The library at root and every problem in it. require_explanations: also a problem,
    every question (not a recorded duplicate) that is not fully explained."""
    root = Path(root)
    errors: list[ContentError] = []
    library = Library()
    if not root.is_dir():
        return library, [ContentError(str(root), 0, "the content library folder does not exist")]

    for cert_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        certification = _read_certification(cert_dir, root, errors)
        library.certifications.append(certification)
        for topic_dir in sorted(p for p in cert_dir.iterdir() if p.is_dir()):
            if topic_dir.name.startswith("."):
                continue
            topic = _read_topic(topic_dir, certification.slug, root, errors, require_explanations)
            if topic is not None:
                library.topics.append(topic)

    _check_library(library, errors)
    return library, sorted(set(errors))


def _read_text(path: Path, reader: _FileReader) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        reader.error(0, "file is missing")
    except UnicodeDecodeError as error:
        reader.error(0, f"file is not UTF-8 text ({error.reason})")
    return None


def _read_front_matter_file(path: Path, root: Path, errors: list[ContentError], what: str, spec):
    reader = _FileReader(path, root, errors)
    text = _read_text(path, reader)
    if text is None:
        return None, None, reader, 0
    front, body, body_line = split_front_matter(text)
    if front is None:
        reader.error(1, f"{what} must start with front matter between two '---' lines")
        return None, None, reader, 0
    try:
        meta = load_yaml(front, line_offset=1)
    except YamlSyntaxError as error:
        reader.error(error.line, error.message)
        return None, None, reader, 0
    meta = reader.mapping(meta, "the front matter", 2)
    if meta is None:
        return None, None, reader, 0
    values = reader.fields(meta, "the front matter", spec)
    slug = reader.slug(values, "slug", meta, what)
    if slug and slug != path.parent.name:
        reader.error(
            meta.key_lines["slug"], f"slug {slug!r} must equal the folder name {path.parent.name!r}"
        )
    return values, body, reader, body_line


def _read_certification(cert_dir: Path, root: Path, errors: list[ContentError]):
    spec = {
        "slug": (str, True),
        "name": (str, True),
        "code": (str, False),
        "position": (int, False),
    }
    values, body, _reader, _line = _read_front_matter_file(
        cert_dir / CERTIFICATION_FILE, root, errors, "certification", spec
    )
    values = values or {}
    # With broken front matter, keep reading its topics so every problem is reported.
    certification = CertificationEntry(
        slug=values.get("slug", cert_dir.name),
        name=values.get("name", ""),
        code=values.get("code", ""),
        position=values.get("position", 0),
        description=(body or "").strip(),
    )
    if (cert_dir / BLUEPRINTS_FILE).exists():
        certification.blueprints = _read_blueprints(cert_dir / BLUEPRINTS_FILE, root, errors)
    return certification


def _read_blueprints(path: Path, root: Path, errors: list[ContentError]) -> list[BlueprintEntry]:
    reader = _FileReader(path, root, errors)
    document = _load_yaml_file(path, reader)
    if document is None:
        return []
    top = reader.fields(document, "the file", {"blueprints": (list, True)})
    spec = {
        "slug": (str, True),
        "name": (str, True),
        "questions": (int, True),
        "minutes": (int, True),
        "passing_score": (int, True),
        "scale": (str, False),
        "shuffle_choices": (bool, False),
        "include_recent_key_changes": (bool, False),
        "topics": (LineDict, False),
    }
    entries = []
    for index, item in enumerate(top.get("blueprints", [])):
        mapping = reader.mapping(item, "a blueprint", top["blueprints"].item_lines[index])
        if mapping is None:
            continue
        what = f"blueprint {mapping.get('slug', index + 1)}"
        values = reader.fields(mapping, what, spec)
        reader.slug(values, "slug", mapping, "blueprint")
        for key, low, high in [
            ("questions", 1, 500),
            ("minutes", 1, 600),
            ("passing_score", 1, 1000),
        ]:
            if key in values and not low <= values[key] <= high:
                reader.error(mapping.key_lines[key], f"{what}: '{key}' must be {low} to {high}")
        scale = values.get("scale", "scaled")
        if scale not in ("scaled", "percent"):
            reader.error(mapping.key_lines["scale"], f"{what}: 'scale' must be scaled or percent")
        topics = {}
        for slug, weight in values.get("topics", {}).items():
            if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
                reader.error(
                    values["topics"].key_lines[slug],
                    f"{what}: weight of {slug} must be a whole number from 1",
                )
            else:
                topics[str(slug)] = weight
        if {"slug", "name", "questions", "minutes", "passing_score"} <= set(values):
            entries.append(
                BlueprintEntry(
                    slug=values["slug"],
                    name=values["name"],
                    questions=values["questions"],
                    minutes=values["minutes"],
                    passing_score=values["passing_score"],
                    scale=scale,
                    shuffle_choices=values.get("shuffle_choices", True),
                    include_recent_key_changes=values.get("include_recent_key_changes", False),
                    topics=topics,
                    file=reader.name,
                    line=mapping.key_lines.get("topics", mapping.line),
                )
            )
    return entries


def _read_topic(
    topic_dir: Path,
    cert_slug: str,
    root: Path,
    errors: list[ContentError],
    require_explanations: bool = False,
):
    spec = {
        "slug": (str, True),
        "title": (str, True),
        "position": (int, False),
        "summary": (str, False),
    }
    values, body, reader, body_line = _read_front_matter_file(
        topic_dir / NOTES_FILE, root, errors, "topic", spec
    )
    values = values or {}
    topic = TopicEntry(
        certification_slug=cert_slug,
        # With broken front matter, keep going under the folder's name: every problem in the
        # topic's other files is still reported (and nothing is written while any exists).
        slug=values.get("slug", topic_dir.name),
        title=values.get("title", ""),
        summary=values.get("summary", ""),
        position=values.get("position", 0),
    )
    if body is not None:
        topic.sections = _read_sections(body, body_line, reader)
    _read_questions(
        topic_dir / QUESTIONS_FILE,
        topic,
        root,
        errors,
        require_explanations=require_explanations,
    )
    if (topic_dir / DISCUSSION_FILE).exists():
        _read_discussion(topic_dir / DISCUSSION_FILE, topic, root, errors)
    return topic


def _read_sections(body: str, body_line: int, reader: _FileReader) -> list[NoteSection]:
    preamble, sections = split_sections(body)
    if preamble:
        reader.error(body_line, "notes must start with a '## ' section heading")
    result: list[NoteSection] = []
    anchors: dict[str, int] = {}
    for heading, section_body, offset in sections:
        line = body_line + offset
        if not heading:
            reader.error(line, "a section heading is empty")
            continue
        anchor = note_anchor(heading)
        if anchor in anchors:
            reader.error(
                line,
                f"section '{heading}' has the same anchor '{anchor}' as line {anchors[anchor]}",
            )
        anchors[anchor] = line
        result.append(NoteSection(heading=heading, body=section_body))
    return result


def _load_yaml_file(path: Path, reader: _FileReader) -> LineDict | None:
    text = _read_text(path, reader)
    if text is None:
        return None
    try:
        document = load_yaml(text)
    except YamlSyntaxError as error:
        reader.error(error.line, error.message)
        return None
    return reader.mapping(document, "the file", 1)


def _parse_until(value: Any) -> tuple[date, str] | None:
    if isinstance(value, date):
        return value, "day"
    match = UNTIL.match(str(value))
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day or 1)), "day" if day else "month"
    except ValueError:
        return None


def _problem_line(mapping: LineDict, problem: Problem) -> int:
    """The line of the field a problem is about; inside a multi-line text (a literal block,
    which starts on the line after its key), the line of the words themselves."""
    line = line_of(mapping, problem.path, mapping.line)
    value = mapping
    for step in problem.path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return line
    if isinstance(value, str) and "\n" in value:
        line += 1 + problem.text_line
    return line


def _read_questions(
    path: Path,
    topic: TopicEntry,
    root: Path,
    errors: list[ContentError],
    *,
    require_explanations: bool = False,
) -> None:
    reader = _FileReader(path, root, errors)
    if not path.exists():
        return  # a topic may have no questions yet
    document = _load_yaml_file(path, reader)
    if document is None:
        return
    top = reader.fields(
        document,
        "the file",
        {
            "disclaimer": (str, False),
            "source": (str, False),
            "sets": (list, True),
            "questions": (list, True),
        },
    )
    topic.disclaimer = top.get("disclaimer", "")
    default_source = top.get("source", "")
    set_lines: dict[str, int] = {}
    for index, item in enumerate(top.get("sets", [])):
        mapping = reader.mapping(item, "a set", top["sets"].item_lines[index])
        if mapping is None:
            continue
        values = reader.fields(mapping, "a set", {"slug": (str, True), "title": (str, True)})
        slug = reader.slug(values, "slug", mapping, "set")
        if slug in set_lines:
            reader.error(
                mapping.line, f"set '{slug}' is defined twice (first on line {set_lines[slug]})"
            )
        elif slug and "title" in values:
            set_lines[slug] = mapping.line
            topic.sets.append((slug, values["title"]))

    question_spec = {
        "id": (str, True),
        "set": (str, True),
        "number": (int, True),
        "choose": (int, False),
        "shuffle": (bool, False),
        "duplicate_of": (str, False),
        "also_topics": (list, False),
        "difficulty": (str, False),
        "last_verified": (date, False),
        "source": (str, False),
        "stem": (str, True),
        "explanation": (str, False),
        "choices": (list, True),
        "key_history": (list, False),
        "references": (list, False),
        "disputed": (str, False),
    }
    reference_spec = {"note": (str, False), "url": (str, False), "title": (str, False)}
    choice_spec = {
        "label": (str, True),
        "text": (str, True),
        "correct": (bool, False),
        "source_note": (str, False),
        "explanation": (str, False),
    }
    revision_spec = {"correct": (list, True), "until": (str, True), "note": (str, True)}
    anchors = {note_anchor(section.heading) for section in topic.sections}
    questions = top.get("questions", LineList())
    for index, item in enumerate(questions):
        mapping = reader.mapping(item, "a question", questions.item_lines[index])
        if mapping is None:
            continue
        what = f"question {mapping.get('id', index + 1)}"
        values = reader.fields(mapping, what, question_spec)
        if values.get("set") and values["set"] not in set_lines:
            reader.error(
                mapping.key_lines["set"], f"{what}: set '{values['set']}' is not one of 'sets'"
            )
        choices = [
            ChoiceData(
                label=choice.get("label", ""),
                text=choice.get("text", ""),
                is_correct=choice.get("correct", False),
                explanation=choice.get("explanation", ""),
                source_note=choice.get("source_note", ""),
            )
            for _map, choice in reader.each(values, "choices", f"{what}, a choice", choice_spec)
        ]
        history: list[KeyRevisionData] = []
        for rev_map, revision in reader.each(
            values, "key_history", f"{what}, an earlier key", revision_spec
        ):
            until = _parse_until(revision.get("until", ""))
            if "until" in revision and until is None:
                reader.error(
                    rev_map.key_lines["until"],
                    f"{what}: 'until' must be a date as YYYY-MM or YYYY-MM-DD, "
                    f"not {revision['until']!r}",
                )
            history.append(
                KeyRevisionData(
                    labels=[str(label) for label in revision.get("correct", [])],
                    until=until[0] if until else date.min,
                    precision=until[1] if until else "day",
                    note=revision.get("note", ""),
                )
            )
        references: list[ReferenceData] = []
        for ref_map, reference in reader.each(
            values, "references", f"{what}, a reference", reference_spec
        ):
            references.append(
                ReferenceData(
                    note_anchor=reference.get("note", ""),
                    url=reference.get("url", ""),
                    title=reference.get("title", ""),
                )
            )
            if reference.get("note") and reference["note"] not in anchors:
                reader.error(
                    ref_map.key_lines["note"],
                    f"{what}: reference note '{reference['note']}' is not a section of "
                    f"{topic.slug}'s notes",
                )
        also_topics = [str(slug) for slug in values.get("also_topics", [])]
        data = QuestionData(
            ext_id=values.get("id", ""),
            stem=values.get("stem", ""),
            choices=choices,
            choose=values.get("choose", 1),
            shuffle=values.get("shuffle", True),
            explanation=values.get("explanation", ""),
            disputed=values.get("disputed", ""),
            key_history=history,
            references=references,
            difficulty=values.get("difficulty", ""),
            last_verified=values.get("last_verified"),
            source=values.get("source", default_source),
        )
        # The same rules the admin applies; only when the fields could be read at all.
        if "id" in values and "stem" in values and "choices" in values:
            problems = validate_question(data)
            if require_explanations and not values.get("duplicate_of"):
                problems += explanation_gaps(data)
            for problem in problems:
                reader.error(_problem_line(mapping, problem), f"{what}: {problem.message}")
        topic.questions.append(
            QuestionEntry(
                data=data,
                set_slug=values.get("set", ""),
                number=values.get("number", 0),
                duplicate_of=values.get("duplicate_of", ""),
                also_topics=also_topics,
                file=reader.name,
                line=mapping.line,
                duplicate_of_line=mapping.key_lines.get("duplicate_of", mapping.line),
                also_topics_line=mapping.key_lines.get("also_topics", mapping.line),
            )
        )


def _read_discussion(path: Path, topic: TopicEntry, root: Path, errors: list[ContentError]) -> None:
    reader = _FileReader(path, root, errors)
    document = _load_yaml_file(path, reader)
    if document is None:
        return
    top = reader.fields(document, "the file", {"threads": (list, True)})
    comment_spec = {
        "id": (str, True),
        "author": (str, True),
        "missing": (bool, False),
        "body": (str, False),
        "replies": (list, False),
    }

    def read_comments(
        items: LineList, question_id: str, question_line: int, parent_id: str
    ) -> None:
        for index, item in enumerate(items):
            mapping = reader.mapping(item, "a comment", items.item_lines[index])
            if mapping is None:
                continue
            values = reader.fields(
                mapping, f"comment {mapping.get('id', '')}".strip(), comment_spec
            )
            ext_id = values.get("id", "")
            if ext_id and not ID_PATTERN.match(ext_id):
                reader.error(
                    mapping.key_lines["id"],
                    f"comment id {ext_id!r} must be lowercase letters, digits and dashes",
                )
            missing = values.get("missing", False)
            body = values.get("body", "")
            if not body.strip() and not missing:
                reader.error(
                    mapping.line,
                    f"comment {ext_id} has no body (use 'missing: true' if the source lost it)",
                )
            if ext_id:
                topic.comments.append(
                    CommentEntry(
                        ext_id=ext_id,
                        author=values.get("author", ""),
                        body=body,
                        missing=missing,
                        question_id=question_id,
                        parent_id=parent_id,
                        file=reader.name,
                        line=mapping.line,
                        question_line=question_line,
                    )
                )
            read_comments(values.get("replies", LineList()), question_id, question_line, ext_id)

    for index, item in enumerate(top.get("threads", [])):
        mapping = reader.mapping(item, "a thread", top["threads"].item_lines[index])
        if mapping is None:
            continue
        values = reader.fields(
            mapping, "a thread", {"question": (str, False), "comments": (list, True)}
        )
        question_id = values.get("question", "")
        question_line = mapping.key_lines.get("question", mapping.line)
        read_comments(values.get("comments", LineList()), question_id, question_line, "")


def _check_library(library: Library, errors: list[ContentError]) -> None:
    """Checks that span files: unique ids, references that resolve."""
    topic_slugs: dict[str, str] = {}
    for topic in library.topics:
        if topic.slug in topic_slugs:
            errors.append(
                ContentError(
                    f"{topic.certification_slug}/{topic.slug}/{NOTES_FILE}",
                    2,
                    f"topic slug '{topic.slug}' is also used under {topic_slugs[topic.slug]}",
                )
            )
        topic_slugs[topic.slug] = topic.certification_slug

    for certification in library.certifications:
        own = {t.slug for t in library.topics if t.certification_slug == certification.slug}
        for blueprint in certification.blueprints:
            unknown = sorted(set(blueprint.topics) - own)
            if unknown:
                message = (
                    f"blueprint {blueprint.slug}: topic(s) {', '.join(unknown)} are not topics "
                    f"of {certification.slug}"
                )
                errors.append(ContentError(blueprint.file, blueprint.line, message))

    questions: dict[str, QuestionEntry] = {}
    comments: dict[str, CommentEntry] = {}
    for topic in library.topics:
        for kind, entries, seen in (
            ("question", [(q.data.ext_id, q) for q in topic.questions], questions),
            ("comment", [(c.ext_id, c) for c in topic.comments], comments),
        ):
            for ext_id, entry in entries:
                if ext_id in seen:
                    first = seen[ext_id]
                    message = f"{kind} id '{ext_id}' is already used at {first.file}:{first.line}"
                    errors.append(ContentError(entry.file, entry.line, message))
                else:
                    seen[ext_id] = entry

    for entry in questions.values():
        if not entry.duplicate_of:
            continue
        target = questions.get(entry.duplicate_of)
        if entry.duplicate_of == entry.data.ext_id:
            message = "a question cannot be a duplicate of itself"
        elif target is None:
            message = f"duplicate_of '{entry.duplicate_of}' is not a question id in the library"
        elif target.duplicate_of:
            message = (
                f"duplicate_of '{entry.duplicate_of}' is itself a duplicate; "
                f"point at '{target.duplicate_of}'"
            )
        else:
            continue
        errors.append(ContentError(entry.file, entry.duplicate_of_line, message))

    for entry in questions.values():
        unknown = [slug for slug in entry.also_topics if slug not in topic_slugs]
        if unknown:
            message = f"also_topics names unknown topic(s): {', '.join(unknown)}"
            errors.append(ContentError(entry.file, entry.also_topics_line, message))

    for comment in comments.values():
        if comment.question_id and comment.question_id not in questions and not comment.parent_id:
            message = f"thread question '{comment.question_id}' is not a question id in the library"
            errors.append(ContentError(comment.file, comment.question_line, message))
