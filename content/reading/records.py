"""What the content library's files become: plain records, with the file and line each came
from so the checks across files can point at them."""

from dataclasses import dataclass, field

from quiz.validation import QuestionData
from study.sections import NoteSection

CERTIFICATION_FILE = "certification.md"
NOTES_FILE = "notes.md"
QUESTIONS_FILE = "questions.yaml"
DISCUSSION_FILE = "discussion.yaml"
BLUEPRINTS_FILE = "blueprints.yaml"


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
    domains: dict[str, int] = field(default_factory=dict)  # exam domain slug -> weight
    file: str = ""
    line: int = 0
    domains_line: int = 0


@dataclass
class DomainEntry:
    """An exam domain of a certification (its `domains:` in certification.md)."""

    slug: str
    name: str
    weight: int  # percent of the exam's scored questions


@dataclass
class CertificationEntry:
    slug: str
    name: str
    code: str = ""
    position: int = 0
    description: str = ""
    blueprints: list[BlueprintEntry] = field(default_factory=list)
    domains: list[DomainEntry] = field(default_factory=list)


@dataclass
class QuestionEntry:
    data: QuestionData
    set_slug: str
    number: int
    duplicate_of: str = ""
    also_topics: list[str] = field(default_factory=list)
    domain: str = ""  # an exam domain other than its topic's
    file: str = ""
    line: int = 0
    duplicate_of_line: int = 0
    also_topics_line: int = 0
    domain_line: int = 0


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
    domain: str = ""  # slug of one of its certification's exam domains
    domain_line: int = 0  # where notes.md names it, for the cross-file check
    file: str = ""  # its notes.md, as problems name it
    sections: list[NoteSection] = field(default_factory=list)
    disclaimer: str = ""
    sets: list[tuple[str, str]] = field(default_factory=list)
    questions: list[QuestionEntry] = field(default_factory=list)
    comments: list[CommentEntry] = field(default_factory=list)


@dataclass
class Library:
    certifications: list[CertificationEntry] = field(default_factory=list)
    topics: list[TopicEntry] = field(default_factory=list)
