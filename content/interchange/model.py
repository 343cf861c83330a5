"""What every question format reads into and writes from.

A parser turns a file into `Parsed`: the questions it understood, each with the line it
starts on, and every problem with its line. Parsers know nothing of topics, ids or the
database; `content.interchange.plan` decides what the questions become in the bank.
Writers take the same `ImportedQuestion`s (made from bank questions by `from_question`).
"""

from dataclasses import dataclass, field, replace

from quiz.choice_refs import relabel_text

MARKDOWN, HTML, PLAIN = "markdown", "html", "plain"
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


@dataclass(frozen=True)
class ParseProblem:
    line: int
    message: str
    unsupported: bool = False  # a question kind we don't import (short answer, essay, ...)


@dataclass
class Parsed:
    questions: list[ImportedQuestion] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(ParseProblem(line, message))

    def unsupported(self, line: int, message: str) -> None:
        self.problems.append(ParseProblem(line, message, unsupported=True))


def brief(text: str, limit: int) -> str:
    """Text on one line, cut to limit characters with an ellipsis: for messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
