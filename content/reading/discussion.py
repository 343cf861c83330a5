"""A topic's `discussion.yaml`: threads of comments, general or on one question, with
nested replies."""

from pathlib import Path

from content.problems import ImportProblem
from content.reading.fields import FileReader
from content.reading.records import CommentEntry, TopicEntry
from content.yamlnodes import LineList
from quiz.validation import ID_PATTERN

THREAD_SPEC = {"question": (str, False), "comments": (list, True)}
COMMENT_SPEC = {
    "id": (str, True),
    "author": (str, True),
    "missing": (bool, False),
    "body": (str, False),
    "replies": (list, False),
}


def read_discussion(path: Path, topic: TopicEntry, root: Path, errors: list[ImportProblem]) -> None:
    """Add the file's comments to the topic, replies after their parent."""
    reader = FileReader(path, root, errors)
    document = reader.document()
    if document is None:
        return
    top = reader.fields(document, "the file", {"threads": (list, True)})
    for index, item in enumerate(top.get("threads", [])):
        mapping = reader.mapping(item, "a thread", top["threads"].item_lines[index])
        if mapping is None:
            continue
        values = reader.fields(mapping, "a thread", THREAD_SPEC)
        question_id = values.get("question", "")
        question_line = mapping.key_lines.get("question", mapping.line)
        _read_comments(
            reader, topic, values.get("comments", LineList()), question_id, question_line, ""
        )


def _read_comments(
    reader: FileReader,
    topic: TopicEntry,
    items: LineList,
    question_id: str,
    question_line: int,
    parent_id: str,
) -> None:
    for index, item in enumerate(items):
        mapping = reader.mapping(item, "a comment", items.item_lines[index])
        if mapping is None:
            continue
        values = reader.fields(mapping, f"comment {mapping.get('id', '')}".strip(), COMMENT_SPEC)
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
        replies = values.get("replies", LineList())
        _read_comments(reader, topic, replies, question_id, question_line, ext_id)
