"""What a learner sees of one question: choices in their order, and the feedback.

One presenter for every screen that shows a question (the reference page, practice,
review and exam review), so they read the same and cannot drift apart. Labels stay
stable in the database; the learner sees letters in the order of their screen, and
every letter in the feedback (key, outdated answers, votes) follows that order.
"""

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from quiz.models import AnswerKeyRevision, Choice, Question
from quiz.selectors.bank import CommunityVote

LETTERS = string.ascii_uppercase


@dataclass
class ShownChoice:
    choice: Choice
    letter: str
    number: int  # 1-based, for the keyboard
    chosen: bool = False

    @property
    def is_correct(self) -> bool:
        return self.choice.is_correct


@dataclass
class OutdatedKey:
    letters: str  # "D" or "A + E", in the learner's letters
    plural: bool
    until: str
    note_html: str


@dataclass
class QuestionView:
    question: Question
    choices: list[ShownChoice]
    answered: bool = False
    outdated: list[OutdatedKey] = field(default_factory=list)
    vote_rows: list[tuple[str, int]] = field(default_factory=list)  # (letters, percent)
    vote_disagrees: bool = False

    @property
    def correct_letters(self) -> str:
        return " + ".join(c.letter for c in self.choices if c.is_correct)

    @property
    def chosen_letters(self) -> str:
        return " + ".join(c.letter for c in self.choices if c.chosen)

    @property
    def is_correct(self) -> bool:
        return all(c.chosen == c.is_correct for c in self.choices)

    @property
    def is_multi(self) -> bool:
        return self.question.choose > 1


def present(
    question: Question,
    *,
    order: list[str] | None = None,
    chosen: list[str] | None = None,
    answered: bool = False,
    vote: CommunityVote | None = None,
    key_revisions: Sequence[AnswerKeyRevision] | None = None,
) -> QuestionView:
    """The question as one learner sees it; choices and key revisions must be prefetched
    (or the key revisions given, when they were loaded some other way)."""
    by_label = {choice.label: choice for choice in question.choices.all()}
    order = [label for label in (order or []) if label in by_label] or sorted(
        by_label, key=lambda label: (by_label[label].position, label)
    )
    chosen_set = set(chosen or [])
    shown = [
        ShownChoice(by_label[label], LETTERS[index], index + 1, label in chosen_set)
        for index, label in enumerate(order)
    ]
    letter_of = {item.choice.label: item.letter for item in shown}

    def letters(labels: list[str]) -> list[str]:
        return sorted(letter_of.get(label, label) for label in labels)

    view = QuestionView(question=question, choices=shown, answered=answered)
    if key_revisions is None:
        key_revisions = question.key_revisions.all()
    for revision in key_revisions:
        old = letters(revision.labels)
        view.outdated.append(
            OutdatedKey(" + ".join(old), len(old) > 1, revision.until_display, revision.note_html)
        )
    if vote is not None and vote.disagrees:
        view.vote_disagrees = True
        view.vote_rows = [
            (" + ".join(letters(labels.split("+"))), percent) for labels, _n, percent in vote.rows
        ]
    return view


def shuffled_order(question: Question, rng) -> list[str]:
    labels = [choice.label for choice in sorted(question.choices.all(), key=lambda c: c.position)]
    rng.shuffle(labels)
    return labels
