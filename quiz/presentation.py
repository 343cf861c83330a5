"""What a learner sees of one question: choices in their order, and the feedback.

One presenter for every screen that shows a question (the reference page, practice,
review and exam review), so they read the same and cannot drift apart. Labels stay
stable in the database; the learner sees letters in the order of their screen, and
every letter they read follows that order: the key, outdated answers, votes, and each
choice reference (``[[D]]``) written in a question's texts (see quiz.choice_refs).
"""

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from quiz import choice_refs
from quiz.choice_order import bank_order
from quiz.models import AnswerKeyRevision, Choice, Question
from quiz.selectors.bank import CommunityVote

LETTERS = string.ascii_uppercase

# Where a choice's per-learner parts go in a block rendered once for every learner
# (quiz.templatetags.question_blocks fills them in per request): NUL, the choice's index,
# the part's kind, NUL. Sanitized markdown never holds NUL.
SLOT_KINDS = {"state": "s", "note": "n", "checked": "c", "strike": "x"}
_SLOTS = [
    {name: mark_safe(f"\x00{index}{kind}\x00") for name, kind in SLOT_KINDS.items()}
    for index in range(len(LETTERS))
]


@dataclass
class ShownChoice:
    choice: Choice
    letter: str
    number: int  # 1-based, for the keyboard
    chosen: bool = False
    struck: bool = False  # ruled out by the learner (strike-through)
    text_html: str = ""  # the choice's texts with references in this screen's letters
    explanation_html: str = ""
    source_note_html: str = ""
    feedback_state: str = ""  # see show_feedback
    feedback_note: str = ""

    @property
    def is_correct(self) -> bool:
        return self.choice.is_correct

    @property
    def slots(self) -> dict[str, str]:
        """Markers for this choice's per-learner parts, in a block shared by learners."""
        return _SLOTS[self.number - 1]

    @property
    def state(self) -> str:
        """Once answered: right-pick, wrong-pick, missed (a right answer not picked), other."""
        if self.chosen:
            return "right-pick" if self.is_correct else "wrong-pick"
        return "missed" if self.is_correct else "other"

    def show_feedback(self, *, answered: bool) -> None:
        """Set what the feedback shows of this choice: the learner's state (answered) or the
        key's (revealed), and its words beside the icon (safe HTML). Set once, not worked
        out by template conditions for every choice of every question on the page."""
        self.feedback_state = self.state if answered else "key" if self.is_correct else "other"
        words = _STATE_WORDS[self.feedback_state]
        self.feedback_note = _STRUCK_NOTE + words if self.struck else words


# The feedback's words per choice state (icons hidden from screen readers: the words say it).
_STATE_WORDS = {
    "right-pick": mark_safe('<span aria-hidden="true">✓</span> Your answer: right'),
    "wrong-pick": mark_safe('<span aria-hidden="true">✗</span> Your answer: wrong'),
    "missed": mark_safe('<span aria-hidden="true">✓</span> Right answer: you did not choose it'),
    "key": mark_safe('<span aria-hidden="true">✓</span> Right answer'),
    "other": mark_safe("Not the answer"),
}
_STRUCK_NOTE = mark_safe('<span class="struck-note">You ruled it out ·</span> ')


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
    letter_of: dict[str, str]  # stable label -> the letter on this screen
    answered: bool = False
    revealed: bool = False  # the answer is shown without the learner's own (question page)
    stem_html: str = ""
    explanation_html: str = ""
    disputed_html: str = ""
    outdated: list[OutdatedKey] = field(default_factory=list)
    vote_rows: list[tuple[str, int]] = field(default_factory=list)  # (letters, percent)
    vote_disagrees: bool = False
    # Added to the block's element ids where a page shows several questions (exam results),
    # so that each id stays unique on the page.
    id_suffix: str = ""

    @property
    def shows_answer(self) -> bool:
        return self.answered or self.revealed

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

    def relabel(self, html: str) -> str:
        """Other HTML about this question (a key-change notice) in this screen's letters."""
        return choice_refs.relabel_html(html, self.letter_of)

    def letters(self, labels: Sequence[str]) -> str:
        """Stable labels as this screen's letters, sorted: "A + E"."""
        return " + ".join(sorted(self.letter_of.get(label, label) for label in labels))


def letters_on_screen(order: Sequence[str], labels: Sequence[str]) -> str:
    """Stable labels as the letters they have in this choice order, sorted: "B, D"."""
    return ", ".join(sorted(LETTERS[order.index(label)] for label in labels if label in order))


def present(
    question: Question,
    *,
    order: list[str] | None = None,
    chosen: list[str] | None = None,
    struck: list[str] | None = None,
    answered: bool = False,
    revealed: bool = False,
    vote: CommunityVote | None = None,
    key_revisions: Sequence[AnswerKeyRevision] | None = None,
) -> QuestionView:
    """The question as one learner sees it; choices and key revisions must be prefetched
    (or the key revisions given, when they were loaded some other way). Without an order,
    the bank's (the question page, exports)."""
    by_label = {choice.label: choice for choice in question.choices.all()}
    order = [label for label in (order or []) if label in by_label] or bank_order(question)
    letter_of = {label: LETTERS[index] for index, label in enumerate(order)}

    def relabel(html: str) -> str:
        return choice_refs.relabel_html(html, letter_of)

    chosen_set, struck_set = set(chosen or []), set(struck or [])
    shown = [
        ShownChoice(
            by_label[label],
            LETTERS[index],
            index + 1,
            label in chosen_set,
            label in struck_set,
            text_html=relabel(by_label[label].text_html),
            explanation_html=relabel(by_label[label].explanation_html),
            source_note_html=relabel(by_label[label].source_note_html),
        )
        for index, label in enumerate(order)
    ]
    view = QuestionView(
        question=question,
        choices=shown,
        letter_of=letter_of,
        answered=answered,
        revealed=revealed and not answered,
        stem_html=relabel(question.stem_html),
        explanation_html=relabel(question.explanation_html),
        disputed_html=relabel(choice_refs.mark_html(escape(question.disputed))),  # plain text
    )
    if view.shows_answer:
        for shown_choice in shown:
            shown_choice.show_feedback(answered=answered)
    if key_revisions is None:
        key_revisions = question.key_revisions.all()
    for revision in key_revisions:
        view.outdated.append(
            OutdatedKey(
                view.letters(revision.labels),
                len(revision.labels) > 1,
                revision.until_display,
                relabel(revision.note_html),
            )
        )
    if vote is not None and vote.disagrees:
        view.vote_disagrees = True
        view.vote_rows = [
            (view.letters(labels.split("+")), percent) for labels, _n, percent in vote.rows
        ]
    return view
