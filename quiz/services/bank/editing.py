"""Editing one question: the one write path for a question edited with its choices (the
admin's change form), deliberate answer-key changes, status and verification.

The content library's bulk sync (sync.py) and these functions share the one validator
(quiz.validation) and the same rendering of markdown to stored HTML (choice_refs.render).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from quiz import choice_refs
from quiz.models import AnswerKeyRevision, AnswerRecord, Choice, Question, QuestionVersion
from quiz.services.bank.versions import version_record, versions_record_first
from quiz.services.feedback import community_refresh
from quiz.services.progress import progress_refresh
from quiz.services.review import srs_key_changed
from quiz.validation import (
    ChoiceData,
    KeyRevisionData,
    Problem,
    QuestionData,
    unused_labels,
    validate_question,
)
from study.services import RETIRED, UNCHANGED


class QuestionInvalid(ValidationError):
    """The question breaks a rule of the one validator; `problems` say where, by path
    (("choices", 2, "label"), ("key_change",), ...), so a form can point at the field."""

    def __init__(self, problems: Sequence[Problem], *, prefix: str = ""):
        self.problems = list(problems)
        super().__init__([f"{prefix}{_where(p)}{p.message}" for p in self.problems])


def _where(problem: Problem) -> str:
    return f"{'.'.join(map(str, problem.path))}: " if problem.path else ""


def question_check(data: QuestionData) -> None:
    """QuestionInvalid unless the question passes the one validator."""
    problems = validate_question(data)
    if problems:
        raise QuestionInvalid(problems)


@dataclass(frozen=True)
class KeyChange:
    """Why an edit changes the answer key and since when. Learners read the note as the
    outdated-answer annotation, so it follows the rules of every text of the question."""

    note: str
    effective: date


def _stored_key(question: Question) -> list[str]:
    if question.pk is None:
        return []
    correct = Choice.objects.filter(question_id=question.pk, is_correct=True)
    return sorted(correct.values_list("label", flat=True))


def _new_key(choices: Sequence[Choice]) -> list[str]:
    return sorted(choice.label for choice in choices if choice.is_correct)


def _was_published(question: Question) -> bool:
    """Learners could see it as stored: its key changes are recorded (a draft's are not)."""
    if question.pk is None:
        return False
    stored = Question.objects.filter(pk=question.pk).values_list("status", flat=True).first()
    return stored == Question.Status.PUBLISHED


def labels_ever_used(question: Question) -> set[str]:
    """Every label this question's choices have or had (edit history, learners' answers and
    earlier keys included): none of them may name another choice."""
    if question.pk is None:
        return set()
    return labels_ever_used_many([question.pk])[question.pk]


def labels_ever_used_many(question_ids: Sequence[int]) -> dict[int, set[str]]:
    """labels_ever_used for many questions, in five queries."""
    used: dict[int, set[str]] = {pk: set() for pk in question_ids}
    rows = [
        Choice.objects.filter(question_id__in=question_ids).values_list("question_id", "label"),
        Choice.history.filter(question_id__in=question_ids).values_list("question_id", "label"),
        AnswerRecord.objects.filter(question_id__in=question_ids)
        .order_by()
        .values_list("question_id", "chosen_labels")
        .distinct(),
        AnswerKeyRevision.objects.filter(question_id__in=question_ids).values_list(
            "question_id", "correct_labels"
        ),
        AnswerKeyRevision.objects.filter(question_id__in=question_ids).values_list(
            "question_id", "new_labels"
        ),
    ]
    for query in rows:
        for question_id, labels in query:
            used[question_id].update(labels.split(","))
    return {pk: labels - {""} for pk, labels in used.items()}


def choices_place(*, question: Question, choices: Sequence[Choice]) -> None:
    """Number the positions 0, 1, 2 ... in the order of the positions given (a blank one
    goes last; ties keep the order of `choices`), then give new choices (no label yet), in
    that order, the next labels this question never used. Nothing is saved."""
    last = len(choices)
    ordered = sorted(
        enumerate(choices),
        key=lambda pair: (last if pair[1].position is None else pair[1].position, pair[0]),
    )
    for position, (_index, choice) in enumerate(ordered):
        choice.position = position
    new = [choice for _index, choice in ordered if not choice.label]
    if new:
        fresh = unused_labels(labels_ever_used(question) | {c.label for c in choices}, len(new))
        for choice, label in zip(new, fresh, strict=False):
            choice.label = label


def _relabelled(question: Question, choices: Sequence[Choice]) -> list[Problem]:
    """A stored choice keeps its label: answers, votes and reviews name choices by it."""
    if question.pk is None:
        return []
    stored = dict(Choice.objects.filter(question_id=question.pk).values_list("pk", "label"))
    return [
        Problem(
            ("choices", index, "label"),
            f"choice {stored[choice.pk]} cannot become {choice.label or 'unlabelled'}: a choice "
            "keeps its label, because learners' answers point at it. Reorder by position; to "
            "offer another answer, add a choice.",
        )
        for index, choice in enumerate(choices)
        if choice.pk in stored and stored[choice.pk] != choice.label
    ]


def question_problems(
    *, question: Question, choices: Sequence[Choice], key_change: KeyChange | None
) -> list[Problem]:
    """Everything wrong with `question` saved with exactly these `choices` (unsaved edits
    included; new choices are labelled and positions numbered first, by choices_place): the
    one validator's problems, a stored choice's changed label, then the editing rule that a
    changed answer key of a published question says why (path ("key_change",)). The model's
    own rules (Question.clean) are full_clean's."""
    question_place(question)
    choices_place(question=question, choices=choices)
    if any(not choice.label for choice in choices):
        return [Problem(("choices",), "no unused label is left for a new choice (A-Z)")]
    old, new = _stored_key(question), _new_key(choices)
    key_changed = bool(old) and old != new and _was_published(question)
    note = key_change.note.strip() if key_change else ""
    data = QuestionData(
        ext_id=question.ext_id or "",
        stem=question.stem or "",
        choose=question.choose or 1,
        shuffle=question.shuffle_choices,
        explanation=question.explanation or "",
        disputed=question.disputed or "",
        choices=[
            ChoiceData(
                label=choice.label or "",
                text=choice.text or "",
                is_correct=choice.is_correct,
                explanation=choice.explanation or "",
                source_note=choice.source_note or "",
            )
            for choice in choices
        ],
        # The note learners will read is checked like every text of the question.
        key_history=[KeyRevisionData(old, key_change.effective, "day", note)]
        if key_changed and note
        else [],
    )
    problems = _relabelled(question, choices) + validate_question(data)
    if key_changed and not note:
        problems.append(
            Problem(
                ("key_change",),
                f"You changed the answer key from {'+'.join(old)} to {'+'.join(new)}. Say why "
                "(learners see it as the outdated-answer note), or use “Change answer key”.",
            )
        )
    return problems


_CHOICE_FIELDS = ("label", "text", "is_correct", "explanation", "source_note", "position")


def _render(question: Question, choices: Sequence[Choice]) -> None:
    """The stored HTML, from the markdown as saved: learners' pages show only this."""
    question.stem_html = choice_refs.render(question.stem)
    question.explanation_html = choice_refs.render(question.explanation)
    for choice in choices:
        choice.text_html = choice_refs.render(choice.text)
        choice.explanation_html = choice_refs.render(choice.explanation)
        choice.source_note_html = choice_refs.render(choice.source_note)


def question_place(question: Question) -> None:
    """A new question's place when the editor left it blank: the topic's latest set, the next
    number in that set and the next position in the topic (never "Question 0", never a
    heading of its own in the topic's list), and a stable id from the topic and that number
    ("ec2-security-q17"; a free one). Nothing is saved."""
    if question.pk is not None or not question.topic_id:
        return
    if question.position is None or not question.number or not question.ext_id:
        _place(question)


def _place(question: Question) -> None:
    if question.question_set_id is None:
        question.question_set = question.topic.question_sets.order_by("-position").first()
    if not question.number:
        same_set = Question.objects.filter(
            topic_id=question.topic_id, question_set_id=question.question_set_id
        )
        question.number = (same_set.aggregate(n=Max("number"))["n"] or 0) + 1
    if question.position is None:
        top = Question.objects.filter(topic_id=question.topic_id).aggregate(n=Max("position"))
        question.position = (top["n"] or 0) + 1
    if not question.ext_id:
        base = f"{question.topic.slug}-q{question.number:02d}"[:90]
        taken = set(
            Question.objects.filter(ext_id__startswith=base).values_list("ext_id", flat=True)
        )
        question.ext_id = next(
            candidate
            for candidate in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
            if candidate not in taken
        )


@transaction.atomic
def question_save(
    *,
    question: Question,
    choices: Sequence[Choice],
    removed: Sequence[Choice] = (),
    key_change: KeyChange | None = None,
    user: AbstractBaseUser | None = None,
    reason: str = "",
    kind: str = QuestionVersion.Kind.EDITED,
) -> AnswerKeyRevision | None:
    """Save a question edited together with its choices (new, changed and unchanged ones;
    `removed` are deleted): the admin's change form and a revert write through here.

    Validated whole by question_problems (QuestionInvalid, nothing written); HTML rendered
    from the markdown; a changed key of a published question recorded as a revision
    (learners' cards relearn, the community flag is recomputed); a new version recorded
    when what the question says changed, with the editor and `reason`. Returns the key
    revision, if any.
    """
    problems = question_problems(question=question, choices=choices, key_change=key_change)
    if problems:
        raise QuestionInvalid(problems)
    question_place(question)
    created = question.pk is None
    versions_record_first(question)
    old, new = _stored_key(question), _new_key(choices)
    key_changed = bool(old) and old != new and _was_published(question)
    stored = {choice.pk: choice for choice in Choice.objects.filter(question_id=question.pk)}
    was = Question.objects.filter(pk=question.pk).values("topic_id", "key_labels").first()
    _render(question, choices)
    question.key_labels = ",".join(new)
    question.save()
    if was and (was["topic_id"], was["key_labels"]) != (question.topic_id, question.key_labels):
        # Learners' mastery counts in the question's topic, by today's key.
        progress_refresh(question_ids=[question.pk], topic_ids={was["topic_id"], question.topic_id})
    Choice.objects.filter(pk__in=[choice.pk for choice in removed if choice.pk]).delete()
    for choice in choices:
        before = stored.get(choice.pk)
        unchanged = before is not None and all(
            getattr(before, name) == getattr(choice, name) for name in _CHOICE_FIELDS
        )
        if not unchanged:  # an unchanged choice keeps its edit history clean
            choice.question = question
            choice.save()
    revision = None
    if key_changed:
        revision = key_revision_record(
            question=question,
            old_labels=old,
            new_labels=new,
            note=key_change.note,
            effective=key_change.effective,
            user=user,
        )
        community_refresh(question=question)
    version_record(
        question=question,
        kind=QuestionVersion.Kind.CREATED if created else kind,
        user=user,
        reason=reason or (key_change.note if revision else ""),
    )
    return revision


def key_labels_refresh(*, question: Question) -> bool:
    """Store the current key as sorted labels on the question; True when it changed."""
    key = ",".join(sorted(question.choices.filter(is_correct=True).values_list("label", flat=True)))
    if question.key_labels == key:
        return False
    question.key_labels = key
    Question.objects.filter(pk=question.pk).update(key_labels=key)
    return True


@transaction.atomic
def key_revision_record(
    *,
    question: Question,
    old_labels: list[str],
    new_labels: list[str],
    note: str,
    effective: date,
    user: AbstractBaseUser | None,
) -> AnswerKeyRevision:
    """Record that the key changed from old_labels to new_labels (the choices already say so)."""
    if not note.strip():
        raise ValidationError("Say why the answer key changed: learners see this note.")
    # The note is checked as any text of the question is (choice references, no bare letters).
    choices = list(question.choices.order_by("position"))
    data = QuestionData(
        ext_id=question.ext_id,
        stem=question.stem,
        choose=question.choose,
        shuffle=question.shuffle_choices,
        choices=[ChoiceData(c.label, c.text, c.is_correct) for c in choices],
        key_history=[KeyRevisionData(sorted(old_labels), effective, "day", note)],
    )
    problems = [p.message for p in validate_question(data) if p.path[:1] == ("key_history",)]
    if problems:
        raise ValidationError(problems)
    last = question.key_revisions.order_by("-position").first()
    revision = AnswerKeyRevision(
        question=question,
        correct_labels=",".join(sorted(old_labels)),
        new_labels=",".join(sorted(new_labels)),
        valid_until=effective,
        until_precision=AnswerKeyRevision.Precision.DAY,
        note=note,
        note_html=choice_refs.render(note),
        position=(last.position + 1) if last else 0,
        recorded_by=user if user and user.is_authenticated else None,
    )
    revision.full_clean()
    revision.save()
    srs_key_changed(question=question, revision=revision)
    return revision


@transaction.atomic
def key_change(
    *,
    question: Question,
    correct_labels: list[str],
    note: str,
    effective: date,
    user: AbstractBaseUser | None,
) -> AnswerKeyRevision:
    """Change the answer key deliberately: new correct choices, choose-N to match, a revision."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    versions_record_first(question)
    choices = list(question.choices.order_by("position"))
    old = [label for label in question.key_labels.split(",") if label]
    new = sorted(set(correct_labels))
    if new == old:
        raise ValidationError("That is already the answer key: nothing to change.")
    data = QuestionData(
        ext_id=question.ext_id,
        stem=question.stem,
        choose=len(new),
        shuffle=question.shuffle_choices,
        choices=[ChoiceData(c.label, c.text, c.label in new) for c in choices],
    )
    unknown = set(new) - {c.label for c in choices}
    if unknown:
        raise ValidationError(f"No choice has label(s) {', '.join(sorted(unknown))}.")
    question_check(data)
    for choice in choices:
        if choice.is_correct != (choice.label in new):
            choice.is_correct = choice.label in new
            choice.save(update_fields=["is_correct"])
    if question.choose != len(new):
        question.choose = len(new)
        question.save(update_fields=["choose", "updated_at"])
    if key_labels_refresh(question=question):
        progress_refresh(question_ids=[question.pk], topic_ids=[question.topic_id])
    revision = key_revision_record(
        question=question, old_labels=old, new_labels=new, note=note, effective=effective, user=user
    )
    community_refresh(question=question)
    version_record(question=question, kind=QuestionVersion.Kind.KEY_CHANGE, user=user, reason=note)
    return revision


def question_retire(*, question: Question) -> str:
    """Retired questions stay (learners' history points at them) but are no longer shown."""
    if question.status == Question.Status.RETIRED:
        return UNCHANGED
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status", "updated_at"])
    return RETIRED


def questions_set_status(*, question_ids: list[int], status: str) -> int:
    """Bulk publish or retire; saves one by one so the edit history records each change."""
    changed = 0
    for question in Question.objects.filter(pk__in=question_ids).exclude(status=status):
        question.status = status
        question.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


def questions_mark_verified(*, question_ids: list[int], on: date | None = None) -> int:
    on = on or timezone.localdate()
    changed = 0
    for question in Question.objects.filter(pk__in=question_ids):
        if question.last_verified != on:
            question.last_verified = on
            question.save(update_fields=["last_verified", "updated_at"])
            changed += 1
    return changed
