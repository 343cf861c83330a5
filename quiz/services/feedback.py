"""Learners' answers, votes and problem reports, and editors' decisions on reports."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from quiz.models import AnswerRecord, AnswerSource, Question, Report, Vote
from quiz.selectors import vote_summary
from quiz.services.limits import rate_limit
from quiz.services.review import srs_record
from study.text import clean_text, has_visible_text


class ChoiceCountError(ValidationError):
    """Too few or too many choices ticked: a learner's slip, not a tampered post."""


def labels_clean(*, question: Question, labels: list[str], exact: bool = True) -> list[str]:
    """Validated, sorted labels for this question; raises ValidationError with a clear message
    (ChoiceCountError when only the number of choices is wrong)."""
    valid = {choice.label for choice in question.choices.all()}
    chosen = sorted(set(labels))
    unknown = [label for label in chosen if label not in valid]
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} is not a choice of this question.")
    if exact and len(chosen) != question.choose and question.choose > 1:
        raise ChoiceCountError(
            f"Choose {question.choose} answers; you chose {len(chosen)}."
            + (" Untick one to change your choice." if len(chosen) > question.choose else "")
        )
    if exact and len(chosen) > 1 and question.choose == 1:
        raise ValidationError("Choose one answer.")  # radio buttons: only a crafted post
    if not chosen:
        raise ChoiceCountError(
            "Choose an answer."
            if question.choose == 1
            else f"Choose {question.choose} answers; you chose none."
        )
    return chosen


def answer_build(
    *,
    user: AbstractBaseUser,
    question: Question,
    labels: list[str],
    source: str = AnswerSource.PRACTICE,
    response_ms: int | None = None,
    answered_at: datetime | None = None,
    exact: bool = True,
) -> AnswerRecord:
    """An answer, validated and not yet saved; correctness is decided here, from the current
    key (all or nothing). exact=False accepts fewer choices than the question asks for (a
    partly answered exam question), which is simply wrong. Built before the transaction
    that saves it, so a refusal writes nothing and the write lock waits for no checks."""
    chosen = labels_clean(question=question, labels=labels, exact=exact)
    key = sorted(choice.label for choice in question.choices.all() if choice.is_correct)
    record = AnswerRecord(
        user=user,
        question=question,
        chosen_labels=",".join(chosen),
        question_version=question.version or None,
        is_correct=chosen == key,
        response_ms=response_ms,
        multi=question.choose > 1,
        source=source,
        answered_at=answered_at or timezone.now(),
    )
    # The learner and the question are loaded objects: no need to look them up again.
    record.full_clean(exclude=["user", "question"])
    return record


def answer_record(*, schedule: bool = True, **answer) -> AnswerRecord:
    """Record an answer: answer_build with these arguments, then saved; every answer also
    updates the learner's spaced-repetition card (unless schedule=False)."""
    record = answer_build(**answer)
    with transaction.atomic(savepoint=False):
        record.save()
        if schedule:
            srs_record(record=record, source=record.source)
    return record


def community_refresh(*, question: Question) -> bool:
    """Recompute the stored "learners disagree with the key" flag."""
    _rows, disagrees = vote_summary(question, list(question.votes.values_list("labels", flat=True)))
    if question.community_disagrees != disagrees:
        Question.objects.filter(pk=question.pk).update(community_disagrees=disagrees)
        question.community_disagrees = disagrees
    return disagrees


@transaction.atomic
def vote_cast(*, user: AbstractBaseUser, question: Question, labels: list[str]) -> Vote:
    """Vote for the answer you believe is right; only after answering the question yourself."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to vote.")
    if not AnswerRecord.objects.filter(user=user, question=question).exists():
        raise ValidationError("Answer the question first; then you can vote.")
    chosen = labels_clean(question=question, labels=labels)
    rate_limit(user=user, action="vote")
    vote, _created = Vote.objects.update_or_create(
        user=user,
        question=question,
        defaults={"labels": ",".join(chosen), "question_version": question.version or None},
    )
    community_refresh(question=question)
    return vote


@transaction.atomic
def report_file(
    *, user: AbstractBaseUser, question: Question, reason: str, text: str = ""
) -> Report:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to report a problem.")
    if reason not in Report.Reason.values:
        raise ValidationError("Pick one of the listed reasons.")
    text = clean_text(text).strip()
    if not has_visible_text(text):
        text = ""
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError("Tell us what is wrong.")
    if len(text) > 2000:
        raise ValidationError("Keep the description under 2000 characters.")
    rate_limit(user=user, action="report")
    report = Report(question=question, user=user, reason=reason, text=text)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_resolve(
    *, report: Report, user: AbstractBaseUser, decision: str, accepted: bool = True
) -> Report:
    """Close a report with a decision; the decision is shown on the question's changelog."""
    if report.status != Report.Status.OPEN:
        raise ValidationError("This report is already closed.")
    if not decision.strip():
        raise ValidationError("Write the decision: learners see it on the question.")
    report.status = Report.Status.RESOLVED if accepted else Report.Status.DECLINED
    report.decision = decision.strip()
    report.resolved_by = user
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "decision", "resolved_by", "resolved_at"])
    return report
