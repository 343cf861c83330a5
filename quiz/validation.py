"""Whether a question is valid: the one rule set for the content importer, the admin and forms.

Pure Python on plain data; each problem names the path of the offending field so that
callers can point at it (a file and line, a form field).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from quiz.choice_refs import bare_letters, labels_in
from study.text import clean_text

LABEL_PATTERN = re.compile(r"^[A-Z]$")
LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def unused_labels(used: set[str], count: int) -> list[str]:
    """`count` labels, in order, that are not in `used` (labels this question's choices have
    or had: a label names one choice for ever, so a new choice never takes a removed one's)."""
    free = [label for label in LABELS if label not in used]
    return free[:count]


URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
DIFFICULTIES = ("", "easy", "medium", "hard")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class ChoiceData:
    label: str
    text: str
    is_correct: bool = False
    explanation: str = ""  # the library editors': why this choice is right or wrong
    source_note: str = ""  # what the question's source says of this choice, in its words


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
    shuffle: bool = True  # False: the choices keep their order on every screen

    def texts(self) -> list[tuple[tuple, str]]:
        """(path, text) of every text that belongs to the question and may name a choice."""
        texts = [(("stem",), self.stem), (("explanation",), self.explanation)]
        for index, choice in enumerate(self.choices):
            texts += [
                (("choices", index, "text"), choice.text),
                (("choices", index, "explanation"), choice.explanation),
                (("choices", index, "source_note"), choice.source_note),
            ]
        texts += [
            (("key_history", index, "note"), revision.note)
            for index, revision in enumerate(self.key_history)
        ]
        texts.append((("disputed",), self.disputed))
        return [(path, text) for path, text in texts if text]


@dataclass(frozen=True)
class Problem:
    path: tuple  # e.g. ("choices", 2, "label"); () for the question as a whole
    message: str
    text_line: int = 0  # 0-based line within a multi-line text where the problem is


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
    problems += _reference_problems(question, labels=set(seen))
    problems += _control_problems(question)
    return problems


def _control_problems(question: QuestionData) -> list[Problem]:
    """NUL and other control characters have no place in a question (tab and line breaks
    aside): importers strip them from foreign files; what is left is refused here."""
    problems = []
    for path, text in question.texts():
        if clean_text(text) != text.replace("\r\n", "\n").replace("\r", "\n"):
            bad = next(ch for ch in text if clean_text(ch) == "" and ch not in "\r\n")
            problems.append(
                Problem(
                    path, f"{_field_name(path)} contains the control character U+{ord(bad):04X}"
                )
            )
    return problems


def _reference_problems(question: QuestionData, *, labels: set[str]) -> list[Problem]:
    """Choice references name existing choices; a shuffled question names none by a bare
    letter, which would be wrong on most learners' screens."""
    problems = []
    for path, text in question.texts():
        unknown = [label for label in labels_in(text) if label not in labels]
        if unknown:
            problems.append(
                Problem(
                    path,
                    f"{_field_name(path)} refers to choice(s) "
                    f"{', '.join(f'[[{label}]]' for label in unknown)} that the question "
                    "does not have",
                )
            )
        if not question.shuffle:
            continue
        for bare in bare_letters(text, labels):
            problems.append(
                Problem(
                    path,
                    f"{_field_name(path)} names choice {bare.label} by a bare letter "
                    f"(“{bare.excerpt}”); choices are shuffled for each learner, so write "
                    f"[[{bare.label}]] (or set shuffle: false to keep the choices in order)",
                    text_line=text.count("\n", 0, bare.start),
                )
            )
    return problems


def _field_name(path: tuple) -> str:
    if path[0] == "choices":
        return f"choice {path[1] + 1}'s {path[2].replace('_', ' ')}"
    if path[0] == "key_history":
        return f"earlier key {path[1] + 1}'s note"
    return {"stem": "the question text", "disputed": "the disputed note"}.get(
        path[0], f"the {path[0]}"
    )


def explanation_gaps(question: QuestionData) -> list[Problem]:
    """What a fully explained question lacks: a general explanation of why the key is right,
    and for every wrong choice why it is wrong. Not a rule of validity: a library-level
    check editors ask for (import_content --require-explanations)."""
    problems = []
    if not question.explanation.strip():
        problems.append(Problem(("explanation",), "has no explanation of why the key is right"))
    for index, choice in enumerate(question.choices):
        if not choice.is_correct and not choice.explanation.strip():
            problems.append(
                Problem(
                    ("choices", index, "explanation"),
                    f"wrong choice {choice.label} has no explanation of why it is wrong",
                )
            )
    return problems
