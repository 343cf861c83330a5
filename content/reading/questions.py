"""A topic's `questions.yaml`: its sets and questions, each question checked by the one
validator of questions (`quiz.validation`), as the admin checks it."""

import re
from datetime import date
from pathlib import Path
from typing import Any

from content.problems import ImportProblem
from content.reading.fields import FileReader
from content.reading.records import QuestionEntry, TopicEntry
from content.yamlnodes import LineDict, LineList, line_of
from quiz.validation import (
    ChoiceData,
    KeyRevisionData,
    Problem,
    QuestionData,
    ReferenceData,
    explanation_gaps,
    validate_question,
)
from study.services import note_anchor

FILE_SPEC = {
    "disclaimer": (str, False),
    "source": (str, False),
    "sets": (list, True),
    "questions": (list, True),
}
SET_SPEC = {"slug": (str, True), "title": (str, True)}
QUESTION_SPEC = {
    "id": (str, True),
    "set": (str, True),
    "number": (int, True),
    "choose": (int, False),
    "shuffle": (bool, False),
    "duplicate_of": (str, False),
    "also_topics": (list, False),
    "domain": (str, False),
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
CHOICE_SPEC = {
    "label": (str, True),
    "text": (str, True),
    "correct": (bool, False),
    "source_note": (str, False),
    "explanation": (str, False),
}
REVISION_SPEC = {"correct": (list, True), "until": (str, True), "note": (str, True)}
REFERENCE_SPEC = {"note": (str, False), "url": (str, False), "title": (str, False)}

UNTIL = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def read_questions(
    path: Path,
    topic: TopicEntry,
    root: Path,
    errors: list[ImportProblem],
    *,
    require_explanations: bool = False,
) -> None:
    """Add the file's sets and questions to the topic (whose notes are read already: a
    reference names one of their sections)."""
    if not path.exists():
        return  # a topic may have no questions yet
    reader = FileReader(path, root, errors)
    document = reader.document()
    if document is None:
        return
    top = reader.fields(document, "the file", FILE_SPEC)
    topic.disclaimer = top.get("disclaimer", "")
    default_source = top.get("source", "")
    set_lines: dict[str, int] = {}
    for index, item in enumerate(top.get("sets", [])):
        mapping = reader.mapping(item, "a set", top["sets"].item_lines[index])
        if mapping is None:
            continue
        values = reader.fields(mapping, "a set", SET_SPEC)
        slug = reader.slug(values, "slug", mapping, "set")
        if slug in set_lines:
            reader.error(
                mapping.line, f"set '{slug}' is defined twice (first on line {set_lines[slug]})"
            )
        elif slug and "title" in values:
            set_lines[slug] = mapping.line
            topic.sets.append((slug, values["title"]))

    anchors = {note_anchor(section.heading) for section in topic.sections}
    questions = top.get("questions", LineList())
    for index, item in enumerate(questions):
        mapping = reader.mapping(item, "a question", questions.item_lines[index])
        if mapping is None:
            continue
        what = f"question {mapping.get('id', index + 1)}"
        values = reader.fields(mapping, what, QUESTION_SPEC)
        if values.get("set") and values["set"] not in set_lines:
            reader.error(
                mapping.key_lines["set"], f"{what}: set '{values['set']}' is not one of 'sets'"
            )
        data = QuestionData(
            ext_id=values.get("id", ""),
            stem=values.get("stem", ""),
            choices=[
                ChoiceData(
                    label=choice.get("label", ""),
                    text=choice.get("text", ""),
                    is_correct=choice.get("correct", False),
                    explanation=choice.get("explanation", ""),
                    source_note=choice.get("source_note", ""),
                )
                for _map, choice in reader.each(values, "choices", f"{what}, a choice", CHOICE_SPEC)
            ],
            choose=values.get("choose", 1),
            shuffle=values.get("shuffle", True),
            explanation=values.get("explanation", ""),
            disputed=values.get("disputed", ""),
            key_history=_key_history(reader, values, what),
            references=_references(reader, values, what, topic_slug=topic.slug, anchors=anchors),
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
                also_topics=[str(slug) for slug in values.get("also_topics", [])],
                file=reader.name,
                line=mapping.line,
                duplicate_of_line=mapping.key_lines.get("duplicate_of", mapping.line),
                also_topics_line=mapping.key_lines.get("also_topics", mapping.line),
                domain=values.get("domain", ""),
                domain_line=mapping.key_lines.get("domain", mapping.line),
            )
        )


def _key_history(reader: FileReader, values: dict, what: str) -> list[KeyRevisionData]:
    history: list[KeyRevisionData] = []
    for rev_map, revision in reader.each(
        values, "key_history", f"{what}, an earlier key", REVISION_SPEC
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
    return history


def _references(
    reader: FileReader, values: dict, what: str, *, topic_slug: str, anchors: set[str]
) -> list[ReferenceData]:
    """The question's references; a note reference must name a section of the notes."""
    references: list[ReferenceData] = []
    for ref_map, reference in reader.each(
        values, "references", f"{what}, a reference", REFERENCE_SPEC
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
                f"{topic_slug}'s notes",
            )
    return references


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
