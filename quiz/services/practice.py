"""The practice loop: start a session, answer, flag, finish, retry; and study settings."""

import random
import secrets
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from config.ids import parse_id
from quiz.choice_order import shuffled_order
from quiz.models import (
    AnswerRecord,
    AnswerSource,
    Flag,
    PracticeItem,
    PracticeSession,
    Question,
)
from quiz.selectors import review as review_selectors
from quiz.selectors.bank import disputed_questions
from quiz.selectors.review import CardSnapshot
from quiz.services.feedback import answer_build, labels_clean
from quiz.services.profile import profile_for
from quiz.services.review import srs_plan, srs_record, srs_write
from study.models import Certification, Topic

MAX_SESSION_SIZE = 100


class PracticeError(ValidationError):
    """A request the practice flow cannot honour; the message is for the learner."""


def practice_candidates(
    *,
    user: AbstractBaseUser,
    scope: str,
    certification: Certification | None = None,
    topics: Sequence[Topic] = (),
) -> QuerySet[Question]:
    """Live questions in a scope. Retired and duplicate questions never appear."""
    questions = Question.objects.live()
    mine = AnswerRecord.objects.filter(user=user, question=OuterRef("pk"))
    Scope = PracticeSession.Scope
    if scope == Scope.CERTIFICATION:
        return questions.filter(topic__certification=certification)
    if scope == Scope.TOPICS:
        in_topics = Q(topic__in=topics) | Q(also_topics__in=topics)
        return questions.filter(pk__in=Question.objects.filter(in_topics).values("pk"))
    if scope == Scope.WRONG:
        last_correct = mine.order_by("-answered_at").values("is_correct")[:1]
        return questions.annotate(last_correct=last_correct).filter(last_correct=False)
    if scope == Scope.NEW:
        return questions.exclude(Exists(mine))
    if scope == Scope.FLAGGED:
        return questions.filter(Exists(Flag.objects.filter(user=user, question=OuterRef("pk"))))
    if scope == Scope.DISPUTED:
        return questions.filter(pk__in=disputed_questions().values("pk"))
    raise PracticeError(f"Unknown scope {scope!r}.")


def _scope_label(scope: str, certification, topics) -> str:
    Scope = PracticeSession.Scope
    if scope == Scope.CERTIFICATION and certification:
        return certification.name
    if scope == Scope.TOPICS:
        return ", ".join(topic.title for topic in topics)
    return Scope(scope).label


@transaction.atomic
def practice_start(
    *,
    user: AbstractBaseUser,
    scope: str,
    size: int,
    order: str = PracticeSession.Order.RANDOM,
    certification: Certification | None = None,
    topics: Sequence[Topic] = (),
    question_ids: Sequence[int] | None = None,
    label: str = "",
    keep_order: bool = False,
) -> PracticeSession:
    """Freeze the questions and each one's choice order for a new session.

    With keep_order, question_ids are served in exactly the given order (the review queue).
    """
    if not 1 <= size <= MAX_SESSION_SIZE:
        raise PracticeError(f"Choose between 1 and {MAX_SESSION_SIZE} questions.")
    if keep_order and question_ids:
        live = set(Question.objects.live().filter(pk__in=question_ids).values_list("pk", flat=True))
        ids = [pk for pk in question_ids if pk in live][:size]
        return _session_create(user, scope, label or _scope_label(scope, None, ()), order, ids)
    if question_ids is not None:
        candidates = Question.objects.live().filter(pk__in=question_ids)
    else:
        candidates = practice_candidates(
            user=user, scope=scope, certification=certification, topics=topics
        )
    bank_order = ("topic__certification__position", "topic__position", "position", "pk")
    ids = list(candidates.order_by(*bank_order).values_list("pk", flat=True))
    if not ids:
        raise PracticeError("No questions match that choice yet. Try another scope or topic.")
    if order == PracticeSession.Order.RANDOM:
        ids = random.Random(secrets.randbits(64)).sample(ids, min(size, len(ids)))
    else:
        ids = ids[:size]
    return _session_create(
        user, scope, label or _scope_label(scope, certification, topics), order, ids
    )


def _session_create(user, scope: str, label: str, order: str, ids: list[int]) -> PracticeSession:
    if not ids:
        raise PracticeError("No questions match that choice yet. Try another scope or topic.")
    rng = random.Random(secrets.randbits(64))
    session = PracticeSession.objects.create(
        user=user, scope=scope, scope_label=label[:300], order=order, size=len(ids)
    )
    questions = Question.objects.prefetch_related("choices").in_bulk(ids)
    PracticeItem.objects.bulk_create(
        PracticeItem(
            session=session,
            question_id=question_id,
            position=position,
            choice_order=",".join(shuffled_order(questions[question_id], rng)),
            question_version=questions[question_id].version or None,
        )
        for position, question_id in enumerate(ids, start=1)
    )
    return session


def item_mark_shown(*, item: PracticeItem) -> None:
    """The server's clock starts when the question is first shown (for response times)."""
    if item.shown_at is None and not item.is_answered:
        item.shown_at = timezone.now()
        PracticeItem.objects.filter(pk=item.pk, shown_at__isnull=True).update(
            shown_at=item.shown_at
        )


def choice_labels_from_ids(*, question: Question, raw_ids: Sequence[str]) -> list[str]:
    """Posted choice ids -> stable labels; anything else is refused with a clear message."""
    by_pk = {choice.pk: choice.label for choice in question.choices.all()}
    labels = []
    for raw in raw_ids:
        choice_id = parse_id(raw)
        if choice_id is None:
            raise PracticeError("That answer is not a choice id.")
        if choice_id not in by_pk:
            raise PracticeError("That choice is not part of this question.")
        labels.append(by_pk[choice_id])
    return labels


def practice_strike(*, item: PracticeItem, raw_choice_id: str, struck: bool) -> PracticeItem:
    """Rule a choice out (struck) or back in while the question waits for its answer; kept
    with the session's item, so it survives a reload."""
    if item.session.is_finished:
        raise PracticeError("This practice session is finished; start a new one.")
    if item.is_answered:
        raise PracticeError("You already answered this question.")
    [label] = choice_labels_from_ids(question=item.question, raw_ids=[raw_choice_id])
    with transaction.atomic():
        item.struck_labels = (
            PracticeItem.objects.select_for_update()
            .values_list("struck_labels", flat=True)
            .get(pk=item.pk)
        )
        item.struck_labels = item.struck_with(label, struck)
        PracticeItem.objects.filter(pk=item.pk).update(struck_labels=item.struck_labels)
    return item


def practice_answer(
    *, item: PracticeItem, raw_choice_ids: Sequence[str], snapshot: CardSnapshot | None = None
) -> PracticeItem:
    """Record the answer to one item, once; correctness and timing are the server's.

    snapshot: the learner's card state read with the item (see srs_record), saving reads.
    """
    session = item.session
    if session.is_finished:
        raise PracticeError("This practice session is finished; start a new one.")
    if item.is_answered:
        raise PracticeError("You already answered this question.")
    labels = choice_labels_from_ids(question=item.question, raw_ids=raw_choice_ids)
    labels = labels_clean(question=item.question, labels=labels)
    now = timezone.now()
    # Never negative: a clock set back (or another server's) must not refuse the answer.
    response_ms = (
        max(0, int((now - item.shown_at).total_seconds() * 1000)) if item.shown_at else None
    )
    source = (
        AnswerSource.REVIEW
        if session.scope == PracticeSession.Scope.REVIEW
        else AnswerSource.PRACTICE
    )
    # Everything is worked out before the transaction (the answer checked, with a snapshot
    # the card's review planned), so it only writes: SQLite holds its one write lock, which
    # every other learner's answer waits for, while writing, not while computing.
    record = answer_build(
        user=session.user,
        question=item.question,
        labels=labels,
        source=source,
        response_ms=response_ms,
        answered_at=now,
    )
    review = srs_plan(record=record, source=source, snapshot=snapshot) if snapshot else None
    answer = {
        "answered_at": now,
        "chosen_labels": ",".join(labels),
        "is_correct": record.is_correct,
        "response_ms": response_ms,
    }
    with transaction.atomic(savepoint=False):
        record.save()
        # Conditional update: a replayed or concurrent post finds the item answered and
        # fails here, before the learner's card is touched.
        if not PracticeItem.objects.filter(pk=item.pk, answered_at__isnull=True).update(
            **answer, record=record
        ):
            raise PracticeError("You already answered this question.")
        if review is not None:
            srs_write(review)
        else:
            srs_record(record=record, source=source)
    answer["record"] = record
    for field, value in answer.items():
        setattr(item, field, value)
    return item


@transaction.atomic
def practice_finish(*, session: PracticeSession) -> PracticeSession:
    if not session.is_finished:
        session.finished_at = timezone.now()
        session.save(update_fields=["finished_at"])
    return session


def practice_retry(*, session: PracticeSession) -> PracticeSession:
    """A new session with the questions missed (wrong or unanswered) in this one."""
    missed = list(
        session.items.filter(Q(is_correct=False) | Q(answered_at__isnull=True))
        .order_by("position")
        .values_list("question_id", flat=True)
    )
    if not missed:
        raise PracticeError("You missed nothing in this session.")
    return practice_start(
        user=session.user,
        scope=PracticeSession.Scope.RETRY,
        size=len(missed),
        order=PracticeSession.Order.RANDOM,
        question_ids=missed,
        label=f"Missed in: {session.scope_label}"[:300],
    )


@transaction.atomic(savepoint=False)
def flag_toggle(*, user: AbstractBaseUser, question: Question) -> bool:
    """Flag or unflag; returns whether the question is now flagged."""
    deleted, _ = Flag.objects.filter(user=user, question=question).delete()
    if deleted:
        return False
    Flag.objects.create(user=user, question=question)
    return True


def review_start(*, user: AbstractBaseUser, size: int, now: datetime | None = None):
    """A review session: due cards first (lowest recall first), then new questions, within
    the learner's daily limits."""
    now = now or timezone.now()
    profile = profile_for(user)
    counts = review_selectors.review_counts(user, profile, now=now)
    due = review_selectors.due_queue(user, now=now, limit=min(size, counts.due_now))
    new = review_selectors.new_question_ids(
        user, profile, limit=min(size - len(due), counts.new_available)
    )
    if not due and not new:
        raise PracticeError(
            "Nothing is due and you have reached today's limit of new questions. Come back later."
        )
    return practice_start(
        user=user,
        scope=PracticeSession.Scope.REVIEW,
        size=len(due) + len(new),
        question_ids=due + new,
        keep_order=True,
        label=f"Review: {len(due)} due, {len(new)} new",
    )
