"""Restoring an earlier version of a question: a new version made from the old one, choices
included, through the one write path (question_save)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quiz.models import Choice, Question, QuestionVersion
from quiz.services.bank.editing import KeyChange, question_save
from quiz.services.bank.versions import version_content
from quiz.versions import key_of


@transaction.atomic
def question_revert(
    *, question: Question, version: QuestionVersion, user: AbstractBaseUser | None, reason: str
) -> QuestionVersion:
    """Make `question` say again what `version` said: its texts, settings and choices (a
    removed choice comes back with its own label; one added since goes). Status and
    verification stay as they are. A restored key of a published question is recorded as
    a key change whose note is `reason`, so learners are told. Returns the new version."""
    if version.question_id != question.pk:
        raise ValidationError("That version belongs to another question.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why you restore this version: the history keeps it.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    content = version.content
    if version_content(question) == content:
        raise ValidationError(f"The question already says what version {version.number} says.")
    for name, field in (
        ("stem", "stem"),
        ("explanation", "explanation"),
        ("disputed", "disputed"),
        ("choose", "choose"),
        ("shuffle", "shuffle_choices"),
        ("difficulty", "difficulty"),
        ("source", "source"),
    ):
        setattr(question, field, content[name])
    current = {choice.label: choice for choice in question.choices.all()}
    choices = []
    for stored in content["choices"]:
        choice = current.pop(stored["label"], None) or Choice(question=question)
        for name, value in stored.items():
            setattr(choice, name, value)
        choices.append(choice)
    key_changed = question.key_labels.split(",") != key_of(content)
    question_save(
        question=question,
        choices=choices,
        removed=list(current.values()),
        key_change=KeyChange(note=reason, effective=timezone.localdate()) if key_changed else None,
        user=user,
        reason=f"Restored version {version.number}: {reason}",
        kind=QuestionVersion.Kind.REVERTED,
    )
    return question.versions.order_by("-number").first()
