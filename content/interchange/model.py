"""What every question format reads into and writes from.

A parser turns a file into `Parsed`: the questions it understood, each with the line it
starts on, and every problem with its line. Parsers know nothing of topics, ids or the
database; `content.interchange.plan` decides what the questions become in the bank.
Writers take the same `ImportedQuestion`s (made from bank questions by `from_question`).
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date

from content.problems import ImportProblem
from quiz.choice_refs import relabel_text, rename_references

MARKDOWN, HTML, PLAIN = "markdown", "html", "plain"
# Moodle's auto-format (FORMAT_MOODLE), what untagged GIFT text is: plain text whose line
# breaks are kept and in which HTML tags are allowed; markdown's signs are plain characters.
AUTO = "moodle"
# An uploaded file is untrusted: its reading is bounded whatever it holds. A parser stops at
# the first question over MAX_QUESTIONS or the first error over MAX_ERRORS, with one error
# saying so; the bank's questions have at most MAX_CHOICES choices (lettered A to Z).
MAX_QUESTIONS = 5000
MAX_ERRORS = 100
MAX_CHOICES = 26
TOO_MANY_QUESTIONS = (
    f"the file has more than {MAX_QUESTIONS:,} questions, the most one file may hold: "
    f"split it into files of up to {MAX_QUESTIONS:,} questions"
)
# How an exported choice's feedback marks what the question's source said of the choice.
SOURCE_NOTE = "The source’s note: "


@dataclass
class ImportedChoice:
    text: str
    is_correct: bool = False
    feedback: str = ""  # why this choice is right or wrong (GIFT "#", Moodle <feedback>)
    label: str = ""  # export only: the bank's stable label, named by references ([[D]])


# Moodle's feedback for a right, partly right or wrong response, and its hints ("Hint 1"):
# one explanation is shown after every answer here, so they are labelled parts of it,
# each a "**label:**" paragraph and its text, after the general feedback.
FEEDBACK_LABELS = ("For a right answer", "For a partly right answer", "For a wrong answer")
_PART_LABEL = re.compile(
    r"\*\*(For a right answer|For a partly right answer|For a wrong answer|Hint (\d{1,3})):\*\*"
)


def joined_feedback(explanation: str, parts: list[tuple[str, str]]) -> str:
    texts = [f"**{label}:**\n\n{text.strip()}" for label, text in parts if text.strip()]
    return "\n\n".join(text for text in [explanation.strip(), *texts] if text)


def split_feedback(explanation: str) -> tuple[str, list[tuple[str, str]]]:
    """(general feedback, labelled parts) of an explanation joined_feedback made; the whole
    text as general feedback when its labels are not in the order Moodle has them."""
    paragraphs = explanation.split("\n\n")
    parts: list[tuple[str, list[str]]] = []
    general: list[str] = []
    rank = -1
    for paragraph in paragraphs:
        label = _PART_LABEL.fullmatch(paragraph.strip())
        if label is None:
            (parts[-1][1] if parts else general).append(paragraph)
            continue
        hint = label.group(2)
        order = 2 + int(hint) if hint else FEEDBACK_LABELS.index(label.group(1))
        if order <= rank:
            return explanation, []
        rank = order
        parts.append((label.group(1), []))
    if any(not "\n\n".join(texts).strip() for _label, texts in parts):
        return explanation, []
    return "\n\n".join(general).strip(), [
        (label, "\n\n".join(texts).strip()) for label, texts in parts
    ]


@dataclass
class BankExtras:
    """What the bank keeps of a question that no question format has a place for, carried
    by our own exports in each format's extension (a GIFT comment, a Moodle XML element
    Moodle ignores, CSV columns), so that importing an export reproduces the question: our
    id (the question's identity, its name being the one it was imported under), its set
    and number, source, disputed note, exam domain, difficulty, last verification and
    references. Empty in files others write."""

    id: str = ""
    set: str = ""  # the question set's title
    number: int = 0
    source: str = ""
    disputed: str = ""
    domain: str = ""  # the exam domain's slug in the certification
    difficulty: str = ""
    last_verified: str = ""  # ISO date
    references: list[str] = field(default_factory=list)  # reference_line()s

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def to_json(self) -> str:
        """One line of JSON with only the fields that say something."""
        return json.dumps(
            {name: value for name, value in asdict(self).items() if value}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str) -> "tuple[BankExtras, str]":
        """(extras, "") or (empty extras, why the text cannot be read): the text comes from
        an uploaded file, so every field is checked for its kind and size."""
        try:
            value = json.loads(text)
        except ValueError as error:
            return cls(), f"the bank's data is not valid JSON ({error})"
        if not isinstance(value, dict):
            return cls(), "the bank's data must be a JSON object"
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(value) - known):
            return cls(), f"the bank's data has unknown field(s) {', '.join(unknown)[:200]}"
        extras = cls(**value)
        return extras, extras.problem()

    def problem(self) -> str:
        for name in ("id", "set", "source", "disputed", "domain", "difficulty", "last_verified"):
            value = getattr(self, name)
            if not isinstance(value, str):
                return f"the bank's data field {name} must be a text"
            if len(value) > (10_000 if name == "disputed" else 255):
                return f"the bank's data field {name} is too long"
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            return "the bank's data field number must be a whole number"
        if not 0 <= self.number < 2**31:
            return "the bank's data field number must be a whole number from 0 to 2147483647"
        if self.last_verified:
            try:
                date.fromisoformat(self.last_verified)
            except ValueError:
                return f"last_verified {brief(self.last_verified, 30)!r} is not a date (YYYY-MM-DD)"
        references = self.references
        if not isinstance(references, list) or len(references) > MAX_REFERENCES:
            return f"the bank's data field references must be a list of up to {MAX_REFERENCES}"
        for line in references:
            if not isinstance(line, str) or len(line) > 2000 or not line.strip():
                return "each of the bank's references is one line: a #section or a URL, a title"
        return ""


MAX_REFERENCES = 50


def reference_line(anchor: str, url: str, title: str) -> str:
    """A reference as our exports write it: `#notes-section Title` or `https://… Title`."""
    target = f"#{anchor}" if anchor else url
    return f"{target} {' '.join(title.split())}".strip()


def reference_parts(line: str) -> tuple[str, str, str]:
    """(anchor, url, title) of a reference_line()."""
    target, _space, title = line.strip().partition(" ")
    if target.startswith("#"):
        return target[1:], "", title.strip()
    return "", target, title.strip()


@dataclass
class ImportedQuestion:
    line: int  # 1-based line where the question starts in its file (0: not from a file)
    stem: str
    choices: list[ImportedChoice]
    name: str = ""  # GIFT ::name::, Moodle <name>, CSV id column: a stable identity if given
    category: str = ""  # GIFT $CATEGORY, Moodle category, CSV topic column
    explanation: str = ""  # general feedback
    text_format: str = MARKDOWN  # how stem, choices and feedback are written: markdown|html|plain
    outdated: list[str] = field(default_factory=list)  # export only: "correct until ..." notes
    shuffle: bool = True  # False: the choices keep their order (Moodle <shuffleanswers>)
    extras: BankExtras = field(default_factory=BankExtras)
    # Moodle XML's combined feedback and hints: (label, text), written as the question's.
    feedback_parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def correct_count(self) -> int:
        return sum(1 for choice in self.choices if choice.is_correct)

    def lettered(self, letters: list[str]) -> "ImportedQuestion":
        """A copy whose choice references ([[D]]) are written as letters: letters[i] is the
        letter the file shows for choices[i]. Every writer calls it with its own order."""
        letter_of = {c.label: letters[i] for i, c in enumerate(self.choices) if c.label}

        def text(value: str) -> str:
            return relabel_text(value, letter_of)

        return replace(
            self,
            stem=text(self.stem),
            explanation=text(self.explanation),
            outdated=[text(note) for note in self.outdated],
            feedback_parts=[(label, text(part)) for label, part in self.feedback_parts],
            # The extras are for this app only: references keep brackets, in the file's letters.
            extras=replace(
                self.extras, disputed=rename_references(self.extras.disputed, letter_of)
            ),
            choices=[
                replace(choice, text=text(choice.text), feedback=text(choice.feedback))
                for choice in self.choices
            ],
        )


class _StopReading(Exception):
    """Raised by `Parsed` when the file has too many questions or errors."""


@dataclass
class Parsed:
    """What a parser read. Add to it with `add`, `error` and `unsupported` inside
    `with parsed.reading():`, which ends the reading quietly once a limit is reached."""

    questions: list[ImportedQuestion] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    stopped: bool = False  # reading stopped at a limit: the rest of the file was not read
    _errors: int = field(default=0, init=False, repr=False, compare=False)
    _read: int = field(default=0, init=False, repr=False, compare=False)  # questions

    @contextmanager
    def reading(self) -> Iterator["Parsed"]:
        try:
            yield self
        except _StopReading:
            self.stopped = True

    def add(self, question: ImportedQuestion) -> None:
        self._count_question(question.line)
        self.questions.append(question)

    def error(self, line: int, message: str) -> None:
        if self._errors >= MAX_ERRORS:
            self.problems.append(
                ImportProblem(
                    "",
                    line,
                    f"stopped reading after {MAX_ERRORS} errors; the rest of the file was not "
                    "checked: fix these and upload it again",
                )
            )
            raise _StopReading
        self._errors += 1
        self.problems.append(ImportProblem("", line, message))

    @property
    def blocking(self) -> int:
        """Problems that keep a question out (errors and unsupported kinds, not warnings)."""
        return sum(1 for problem in self.problems if not problem.warning)

    def warn(self, line: int, message: str) -> None:
        """Something read as Moodle reads it but not kept whole (partial credit, say): listed
        with the preview, it stops nothing."""
        self.problems.append(ImportProblem("", line, message, warning=True))

    def unsupported(self, line: int, message: str) -> None:
        self._count_question(line)
        self.problems.append(ImportProblem("", line, message, unsupported=True))

    def _count_question(self, line: int) -> None:
        """The cap counts every question read, whether it is imported or not supported."""
        if self._read >= MAX_QUESTIONS:
            self.problems.append(ImportProblem("", line, TOO_MANY_QUESTIONS))
            raise _StopReading
        self._read += 1


def brief(text: str, limit: int) -> str:
    """Text on one line, cut to limit characters with an ellipsis: for messages. Only the
    start of the text is looked at, so quoting a huge text costs no more than a short one."""
    head = text[: 4 * limit + 100]
    short = " ".join(head.split())
    if len(short) <= limit and len(head) == len(text):
        return short
    return short[: limit - 1] + "…"
