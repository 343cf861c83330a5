"""A topic's `notes.md`: front matter, then sections at every '## ' heading."""

import re
from pathlib import Path

from content.problems import ImportProblem
from content.reading.fields import FileReader
from content.reading.records import TopicEntry
from study.sections import NoteSection, note_anchor

NOTES_SPEC = {
    "slug": (str, True),
    "title": (str, True),
    "position": (int, False),
    "summary": (str, False),
    "domain": (str, False),
}

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


def read_notes(path: Path, cert_slug: str, root: Path, errors: list[ImportProblem]) -> TopicEntry:
    """The topic its notes file describes, with the notes' sections."""
    reader = FileReader(path, root, errors)
    values, body, body_line = reader.front_matter("topic", NOTES_SPEC)
    values = values or {}
    topic = TopicEntry(
        certification_slug=cert_slug,
        # With broken front matter, keep going under the folder's name: every problem in the
        # topic's other files is still reported (and nothing is written while any exists).
        slug=values.get("slug", path.parent.name),
        title=values.get("title", ""),
        summary=values.get("summary", ""),
        position=values.get("position", 0),
        domain=values.get("domain", ""),
        domain_line=reader.front_lines.get("domain", 0),
        file=reader.name,
    )
    if body is not None:
        topic.sections = _read_sections(body, body_line, reader)
    return topic


def _read_sections(body: str, body_line: int, reader: FileReader) -> list[NoteSection]:
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
