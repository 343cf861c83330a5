"""Reads for editors: what a merge of two duplicates would move, pairing their choices; a
question's versions and what each changed."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count

from quiz.duplicates import pair_choices
from quiz.models import (
    AnswerRecord,
    Choice,
    Comment,
    Flag,
    Question,
    QuestionVersion,
    Report,
    ReviewCard,
    Vote,
)
from quiz.versions import CHOICE_FIELDS, Change, differences, question_fields, snapshot


@dataclass(frozen=True)
class ChoicePair:
    """A choice of the duplicate, the survivor's choice it becomes (None: not paired yet),
    and how many answers and votes chose it (alone or with others)."""

    choice: Choice
    partner: Choice | None
    answers: int
    votes: int


@dataclass(frozen=True)
class MergePlan:
    duplicate: Question
    survivor: Question
    pairs: list[ChoicePair]
    survivor_choices: list[Choice]
    moves: dict[str, int] = field(default_factory=dict)  # what moves, by kind, e.g. "answers"
    problems: list[str] = field(default_factory=list)  # why it cannot be merged as it stands
    warnings: list[str] = field(default_factory=list)

    @property
    def pairing(self) -> dict[str, str | None]:
        return {p.choice.label: p.partner.label if p.partner else None for p in self.pairs}

    @property
    def can_merge(self) -> bool:
        return not self.problems


def _key(choices, pairing: dict[str, str] | None = None) -> set[str]:
    """The correct labels, as the other question's when a pairing is given."""
    return {(pairing or {}).get(c.label, c.label) for c in choices if c.is_correct}


def merge_plan(
    *, duplicate: Question, survivor: Question, pairing: dict[str, str | None] | None = None
) -> MergePlan:
    """What merging `duplicate` into `survivor` does under `pairing` (duplicate's label ->
    survivor's label; proposed from the choice texts when not given): every choice of the
    duplicate needs its own partner, or nothing can move."""
    mine = list(duplicate.choices.order_by("position"))
    theirs = list(survivor.choices.order_by("position"))
    if pairing is None:
        pairing = pair_choices(
            [(c.label, c.text) for c in mine], [(c.label, c.text) for c in theirs]
        )
    by_label = {c.label: c for c in theirs}
    answers: Counter = Counter()
    for labels, n in _label_counts(
        AnswerRecord.objects.filter(question=duplicate), "chosen_labels"
    ):
        answers.update({label: n for label in labels.split(",") if label})
    votes: Counter = Counter()
    for labels, n in _label_counts(Vote.objects.filter(question=duplicate), "labels"):
        votes.update({label: n for label in labels.split(",") if label})
    pairs = [
        ChoicePair(c, by_label.get(pairing.get(c.label) or ""), answers[c.label], votes[c.label])
        for c in mine
    ]
    problems = _problems(duplicate, survivor, pairs)
    warnings = []
    if not problems:
        paired = {p.choice.label: p.partner.label for p in pairs}
        if _key(mine, paired) != _key(theirs):
            warnings.append(
                f"The keys differ once paired: {duplicate.ext_id}'s correct choices are not "
                f"{survivor.ext_id}'s. Moved answers keep the verdict learners saw; statistics "
                f"count them against {survivor.ext_id}'s key."
            )
    moves = {
        "answers": AnswerRecord.objects.filter(question=duplicate).count(),
        "votes": Vote.objects.filter(question=duplicate).count(),
        "review cards": ReviewCard.objects.filter(question=duplicate).count(),
        "reports": Report.objects.filter(question=duplicate).count(),
        "comments": Comment.objects.filter(question=duplicate).count(),
        "bookmarks": Flag.objects.filter(question=duplicate).count(),
        "duplicates recorded against it": Question.objects.filter(duplicate_of=duplicate).count(),
    }
    return MergePlan(duplicate, survivor, pairs, theirs, moves, problems, warnings)


def _label_counts(queryset, column: str):
    return queryset.order_by().values_list(column).annotate(n=Count("pk"))


def _problems(duplicate: Question, survivor: Question, pairs: list[ChoicePair]) -> list[str]:
    if duplicate.pk == survivor.pk:
        return ["A question cannot be merged into itself."]
    if survivor.duplicate_of_id:
        return [f"{survivor.ext_id} is itself a duplicate; merge into the original."]
    if duplicate.duplicate_of_id:
        return [f"{duplicate.ext_id} is already merged into another question."]
    problems = [
        f"Choice {p.choice.label} of {duplicate.ext_id} (“{p.choice.text[:80]}”) has no partner "
        f"in {survivor.ext_id}: pick the choice that means the same."
        for p in pairs
        if p.partner is None
    ]
    used = Counter(p.partner.label for p in pairs if p.partner)
    problems += [
        f"{survivor.ext_id}'s choice {label} is paired with {n} choices: each needs its own."
        for label, n in sorted(used.items())
        if n > 1
    ]
    return problems


# ---- versions --------------------------------------------------------------------------------


def _choice_fields(choice: Choice) -> dict:
    return {name: getattr(choice, name) for name in CHOICE_FIELDS}


def version_content(question: Question, choices: Sequence[Choice] | None = None) -> dict:
    """The question as a version holds it: its fields and its stored choices (or these)."""
    if choices is None:
        choices = Choice.objects.filter(question_id=question.pk)
    return snapshot(
        question_fields(question, shuffle="shuffle_choices"), [_choice_fields(c) for c in choices]
    )


@dataclass(frozen=True)
class HistoryEntry:
    version: QuestionVersion
    changes: list[Change]  # from the version before it
    editor: str  # a name, not a link: editors cannot open user accounts

    @property
    def reason(self) -> str:
        return self.version.reason or "—"


def question_history(question: Question) -> list[HistoryEntry]:
    """Every version of the question, newest first, each with what changed since the one
    before it and who saved it."""
    versions = list(question.versions.select_related("created_by").order_by("number"))
    entries, before = [], None
    for version in versions:
        user = version.created_by
        if user:
            editor = user.get_full_name() or user.get_username()
        else:  # saved by no one signed in: an import names itself, anything else is unknown
            editor = "content import" if version.kind == QuestionVersion.Kind.IMPORTED else "—"
        entries.append(HistoryEntry(version, differences(before, version.content), editor))
        before = version.content
    return entries[::-1]


def restore_changes(question: Question, version: QuestionVersion) -> list[Change]:
    """What restoring `version` would change in the question as it is now."""
    return differences(version_content(question), version.content)
