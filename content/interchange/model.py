"""What every question format reads into and writes from.

A parser turns a file into `Parsed`: the questions it understood, each with the line it
starts on, and every problem with its line. Parsers know nothing of topics, ids or the
database; `content.interchange.plan` decides what the questions become in the bank.
Writers take the same `ImportedQuestion`s (made from bank questions by `from_question`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from content.problems import ImportProblem
from quiz.choice_refs import relabel_text

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
