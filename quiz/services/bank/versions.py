"""Question versions: recorded by every write of a question (question_save, key_change, the
bulk sync), and restored by question_revert through the same write path, so the rendered
text learners read is regenerated and the restore is itself a new version."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from quiz.models import Choice, Question, QuestionVersion
from quiz.selectors.editing import version_content

_BATCH = 500


def version_record(
    *,
    question: Question,
    kind: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> QuestionVersion | None:
    """A new version when the stored question differs from its latest; None when it does
    not (a save that changed only its status, say). Locks the question row, so two saves
    at once number their versions one after the other."""
    with transaction.atomic():
        Question.objects.select_for_update().filter(pk=question.pk).exists()
        content = version_content(question)
        latest = question.versions.order_by("-number").first()
        if latest is not None and latest.content == content:
            return None
        version = QuestionVersion.objects.create(
            question=question,
            number=(latest.number if latest else 0) + 1,
            content=content,
            kind=kind,
            reason=reason.strip()[:500],
            created_at=timezone.now(),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        Question.objects.filter(pk=question.pk).update(version=version.number)
        question.version = version.number
    return version


def versions_record_first(question: Question) -> None:
    """A question saved before versions existed (version 0) gets its stored state recorded
    first, so the edit about to be made does not lose what it replaces."""
    if question.pk is None or question.version:
        return
    stored = Question.objects.filter(pk=question.pk).first()
    if stored is not None and not stored.version:
        version_record(question=stored, kind=QuestionVersion.Kind.RECORDED)
        question.version = stored.version


def versions_record_many(
    *, questions: Sequence[Question], kind: str, reason: str = ""
) -> list[QuestionVersion]:
    """version_record for many questions in a few queries (the bulk sync): one version
    each whose content differs from its latest."""
    if not questions:
        return []
    ids = [question.pk for question in questions]
    choices: dict[int, list[Choice]] = {pk: [] for pk in ids}
    latest: dict[int, tuple[int, dict]] = {}
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        for choice in Choice.objects.filter(question_id__in=batch).order_by():
            choices[choice.question_id].append(choice)
        # A question's latest version is the one its `version` names.
        for question_id, number, content in QuestionVersion.objects.filter(
            question_id__in=batch, number=F("question__version")
        ).values_list("question_id", "number", "content"):
            latest[question_id] = (number, content)
    now, new = timezone.now(), []
    for question in questions:
        content = version_content(question, choices[question.pk])
        number, before = latest.get(question.pk, (0, None))
        if before == content:
            continue
        new.append(
            QuestionVersion(
                question=question,
                number=number + 1,
                content=content,
                kind=kind,
                reason=reason,
                created_at=now,
            )
        )
        question.version = number + 1
    QuestionVersion.objects.bulk_create(new, batch_size=_BATCH)
    for start in range(0, len(new), _BATCH):
        batch = new[start : start + _BATCH]
        Question.objects.filter(pk__in=[v.question_id for v in batch]).update(
            version=Case(*[When(pk=v.question_id, then=Value(v.number)) for v in batch])
        )
    return new
