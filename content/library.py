"""Reading and validating the content library (see content/README.md for the format).

Pure Python, no database: `read_library(root)` returns the parsed library and every
problem found, each with its file and line. It walks the folders; `content.reading` holds
the records, the reader of each kind of file and the checks across files.
"""

from pathlib import Path

from content.problems import ImportProblem
from content.reading.certifications import read_certification
from content.reading.checks import check_library
from content.reading.discussion import read_discussion
from content.reading.notes import read_notes
from content.reading.questions import read_questions
from content.reading.records import (
    BLUEPRINTS_FILE,
    CERTIFICATION_FILE,
    DISCUSSION_FILE,
    NOTES_FILE,
    QUESTIONS_FILE,
    BlueprintEntry,
    CertificationEntry,
    CommentEntry,
    Library,
    QuestionEntry,
    TopicEntry,
)

__all__ = [
    "BLUEPRINTS_FILE",
    "CERTIFICATION_FILE",
    "DISCUSSION_FILE",
    "NOTES_FILE",
    "QUESTIONS_FILE",
    "BlueprintEntry",
    "CertificationEntry",
    "CommentEntry",
    "Library",
    "QuestionEntry",
    "TopicEntry",
    "read_library",
]


def read_library(
    root: Path, *, require_explanations: bool = False
) -> tuple[Library, list[ImportProblem]]:
    """The library at root and every problem in it. require_explanations: also a problem,
    every question (not a recorded duplicate) that is not fully explained."""
    root = Path(root)
    errors: list[ImportProblem] = []
    library = Library()
    if not root.is_dir():
        return library, [ImportProblem(str(root), 0, "the content library folder does not exist")]

    for cert_dir in _folders(root):
        certification = read_certification(cert_dir, root, errors)
        library.certifications.append(certification)
        for topic_dir in _folders(cert_dir):
            library.topics.append(
                _read_topic(topic_dir, certification.slug, root, errors, require_explanations)
            )

    check_library(library, errors)
    return library, sorted(set(errors))


def _folders(parent: Path) -> list[Path]:
    """The folders in parent, by name; hidden ones (.git, ...) are not the library's."""
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith("."))


def _read_topic(
    topic_dir: Path,
    cert_slug: str,
    root: Path,
    errors: list[ImportProblem],
    require_explanations: bool,
) -> TopicEntry:
    # The notes first: a question's reference names one of their sections.
    topic = read_notes(topic_dir / NOTES_FILE, cert_slug, root, errors)
    read_questions(
        topic_dir / QUESTIONS_FILE,
        topic,
        root,
        errors,
        require_explanations=require_explanations,
    )
    if (topic_dir / DISCUSSION_FILE).exists():
        read_discussion(topic_dir / DISCUSSION_FILE, topic, root, errors)
    return topic
