"""Whether a question is valid: the one rule set for the content importer, the admin and forms.

Pure Python on plain data; each problem names the path of the offending field so that
callers can point at it (a file and line, a form field).
"""

import re
from dataclasses import dataclass, field
from datetime import date

LABEL_PATTERN = re.compile(r"^[A-Z]$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
DIFFICULTIES = ("", "easy", "medium", "hard")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class ChoiceData:
    label: str
    text: str
    is_correct: bool = False
    explanation: str = ""


@dataclass
class KeyRevisionData:
    labels: list[str]
    until: date
    precision: str  # "month" or "day"
    note: str


@dataclass
class ReferenceData:
    note_anchor: str = ""  # a section of the question's topic notes
    url: str = ""
    title: str = ""


@dataclass
class QuestionData:
    ext_id: str
    stem: str
    choices: list[ChoiceData]
    choose: int = 1
    explanation: str = ""
    disputed: str = ""
    key_history: list[KeyRevisionData] = field(default_factory=list)
    references: list[ReferenceData] = field(default_factory=list)
    difficulty: str = ""
    last_verified: date | None = None
    source: str = ""


@dataclass(frozen=True)
class Problem:
    path: tuple  # e.g. ("choices", 2, "label"); () for the question as a whole
    message: str


def validate_question(question: QuestionData) -> list[Problem]:
    problems: list[Problem] = []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(path, message))

    if not ID_PATTERN.match(question.ext_id or ""):
        problem(("id",), f"id {question.ext_id!r} must be lowercase letters, digits and dashes")
    if not question.stem.strip():
        problem(("stem",), "the question has no text (stem)")
    if len(question.choices) < 2:
        problem(
            ("choices",), f"a question needs at least two choices, it has {len(question.choices)}"
        )

    seen: dict[str, int] = {}
    for index, choice in enumerate(question.choices):
        if not LABEL_PATTERN.match(choice.label or ""):
            problem(("choices", index, "label"), f"label {choice.label!r} must be one letter A-Z")
        elif choice.label in seen:
            problem(
                ("choices", index, "label"),
                f"label {choice.label} is used twice (choices {seen[choice.label] + 1} "
                f"and {index + 1})",
            )
        else:
            seen[choice.label] = index
        if not choice.text.strip():
            problem(("choices", index, "text"), f"choice {choice.label or index + 1} has no text")

    correct = [choice.label for choice in question.choices if choice.is_correct]
    if question.choices and not correct:
        problem(("choices",), "no choice is marked correct")
    if question.choose < 1:
        problem(("choose",), f"choose must be 1 or more, not {question.choose}")
    elif correct and question.choose != len(correct):
        problem(
            ("choose",),
            f"choose is {question.choose} but {len(correct)} choice(s) are marked correct "
            f"({', '.join(correct)}): they must be equal",
        )

    for index, revision in enumerate(question.key_history):
        if not revision.labels:
            problem(
                ("key_history", index, "correct"), "an earlier key must name its correct labels"
            )
        unknown = [label for label in revision.labels if label not in seen]
        if unknown:
            problem(
                ("key_history", index, "correct"),
                f"earlier key names label(s) {', '.join(unknown)} that no choice has",
            )
        if not revision.note.strip():
            problem(
                ("key_history", index, "note"), "an earlier key needs a note saying why it changed"
            )
    for index, reference in enumerate(question.references):
        if bool(reference.note_anchor) == bool(reference.url):
            problem(
                ("references", index), "a reference names either a notes section (note) or a url"
            )
        elif reference.url and not URL_PATTERN.match(reference.url):
            problem(
                ("references", index, "url"), f"url {reference.url!r} must start with http(s)://"
            )
    if question.difficulty not in DIFFICULTIES:
        problem(
            ("difficulty",), f"difficulty must be easy, medium or hard, not {question.difficulty!r}"
        )
    return problems
