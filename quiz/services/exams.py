"""Mock exams: start (freeze), autosave, flag, finalize (submit or expiry)."""

import random
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quiz import exam_rules
from quiz.choice_order import shuffled_order
from quiz.models import (
    AnswerSource,
    Attempt,
    AttemptQuestion,
    Blueprint,
    BlueprintDomain,
    BlueprintTopic,
    Question,
)
from quiz.selectors.exams import (
    BlueprintFill,
    blueprint_fills,
    blueprint_pool,
    blueprint_topics,
    domain_tallies_of,
    open_attempt,
)
from quiz.selectors.readiness import attempt_prediction
from quiz.services.feedback import ChoiceCountError, answer_record
from quiz.services.practice import choice_labels_from_ids
from study.models import ExamDomain, Topic
from study.services import UNCHANGED, UPDATED, save_if_changed


class ExamError(ValidationError):
    """Something the learner should be told; the view answers 400 with the message.
    code="cannot_start": the bank cannot fill the blueprint."""


class ExamClosed(ExamError):
    """The attempt is finished or past its time: nothing about it may change (409)."""

    status = 409


@transaction.atomic
def attempt_start(
    *,
    user: AbstractBaseUser,
    blueprint: Blueprint,
    mode: str = Attempt.Mode.TIMED,
    now: datetime | None = None,
) -> Attempt:
    """Start (or resume) the learner's attempt at a blueprint; one open attempt per mode.
    Review mode draws the same way, untimed (open exam_rules.REVIEW_MODE_DAYS)."""
    now = now or timezone.now()
    if mode not in Attempt.Mode.values:
        raise ExamError(f"No such exam mode: {mode!r}; timed or review.", code="mode")
    current = open_attempt(user, blueprint, mode)
    if current is not None:
        attempt_touch(attempt=current, now=now)
        if not current.is_finished:
            return current
    topics = blueprint_topics(blueprint)
    pool = blueprint_pool(blueprint, now=now, topics=topics)
    # The same decision as the exam list's (selectors.exams.blueprint_fills), from the pool.
    fill = BlueprintFill.of(blueprint, topics, {topic: len(ids) for topic, ids in pool.items()})
    if fill.quota is None:
        # Worded as the exam list words it, with what a recent key change left out.
        shortfall = blueprint_fills([blueprint], now=now)[blueprint.pk].shortfall
        raise ExamError(f"This exam cannot be started yet: it {shortfall}.", code="cannot_start")
    quota = fill.quota
    rng = random.Random(secrets.randbits(64))
    chosen = [pk for topic, n in quota.items() for pk in rng.sample(pool[topic], n)]
    rng.shuffle(chosen)  # topics interleaved, as on the real exam
    questions = Question.objects.prefetch_related("choices").in_bulk(chosen)
    # What the learner's history predicts for this draw, stored for calibration.
    prediction = attempt_prediction(
        user, blueprint, now=now, topics=topics, pool=pool, chosen=chosen
    )
    try:
        attempt = Attempt.objects.create(
            user=user,
            blueprint=blueprint,
            started_at=now,
            mode=mode,
            deadline=now
            + (
                timedelta(days=exam_rules.REVIEW_MODE_DAYS)
                if mode == Attempt.Mode.REVIEW
                else timedelta(minutes=blueprint.time_limit_minutes)
            ),
            total=len(chosen),
            passing_score=blueprint.passing_score,
            scale=blueprint.scale,
            predicted_pass=prediction.predicted_pass,
            predicted_score=prediction.predicted_score,
            predicted_real_pass=prediction.predicted_real_pass,
            predicted_real_score=prediction.predicted_real_score,
            prediction_shown=prediction.prediction_shown,
            seen_at_start=prediction.seen_at_start,
        )
    except IntegrityError:  # a second tab started the same exam at the same moment
        raise ExamError("This exam is already in progress; reload to continue it.") from None
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question_id=pk,
            position=position,
            choice_order=",".join(
                shuffled_order(questions[pk], rng)
                if blueprint.shuffle_choices
                else [
                    c.label for c in sorted(questions[pk].choices.all(), key=lambda c: c.position)
                ]
            ),
            key_labels=questions[pk].key_labels,
            question_version=questions[pk].version or None,
        )
        for position, pk in enumerate(chosen, start=1)
    )
    return attempt


def attempt_visit(*, attempt: Attempt, position: int) -> None:
    """The question the learner is on, so resuming returns to it."""
    if attempt.current_position != position:
        attempt.current_position = position
        Attempt.objects.filter(pk=attempt.pk).update(current_position=position)


def is_expired(attempt: Attempt, now: datetime) -> bool:
    """Past the deadline plus the grace for answers that were already on their way."""
    return now > attempt.deadline + timedelta(seconds=exam_rules.GRACE_SECONDS)


def attempt_touch(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Finalize an attempt whose time is up; anything that reads an attempt calls this."""
    now = now or timezone.now()
    if not attempt.is_finished and is_expired(attempt, now):
        attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.EXPIRED, now=now)
        attempt.refresh_from_db()
    return attempt


def answer_save(
    *, item: AttemptQuestion, raw_choice_ids: list[str], now: datetime | None = None
) -> AttemptQuestion:
    """Save the current selection for one question (replacing the previous one), only
    while the attempt is open (see _lock_open): never after it was submitted or expired."""
    now = now or timezone.now()
    _check_open(item.attempt, now)
    labels = sorted(set(choice_labels_from_ids(question=item.question, raw_ids=raw_choice_ids)))
    most = item.question.choose
    if len(labels) > most:
        raise ChoiceCountError(
            f"You can choose only {most} answer{'s' if most > 1 else ''}; you chose "
            f"{len(labels)}. Nothing was saved: untick one and save again."
        )
    if item.attempt.is_review:
        # Review mode checks each answer as it is given, like practice: once, and whole.
        if item.chosen_labels:
            raise ExamError("In review mode an answer is final once checked.", code="checked")
        if len(labels) != most:
            raise ChoiceCountError(
                f"Choose {most} answer{'s' if most > 1 else ''} to check "
                f"{'them' if most > 1 else 'it'}; you chose {len(labels)}."
            )
    with transaction.atomic():
        _lock_open(item.attempt, now)
        item.chosen_labels = ",".join(labels)
        item.saved_at = now
        AttemptQuestion.objects.filter(pk=item.pk).update(
            chosen_labels=item.chosen_labels, saved_at=now
        )
    return item


def flag_set(
    *, item: AttemptQuestion, flagged: bool, now: datetime | None = None
) -> AttemptQuestion:
    now = now or timezone.now()
    _check_open(item.attempt, now)
    with transaction.atomic():
        _lock_open(item.attempt, now)
        item.flagged = flagged
        AttemptQuestion.objects.filter(pk=item.pk).update(flagged=flagged)
    return item


def strike_set(
    *, item: AttemptQuestion, raw_choice_id: str, struck: bool, now: datetime | None = None
) -> AttemptQuestion:
    """Rule a choice out (struck) or back in, saved at once with the same guarantees as an
    answer: only while the attempt is open, never after it was graded. The struck choices
    are read again under the attempt's lock, so two quick strikes both land."""
    now = now or timezone.now()
    _check_open(item.attempt, now)
    [label] = choice_labels_from_ids(question=item.question, raw_ids=[raw_choice_id])
    with transaction.atomic():
        _lock_open(item.attempt, now)
        item.struck_labels = AttemptQuestion.objects.values_list("struck_labels", flat=True).get(
            pk=item.pk
        )
        item.struck_labels = item.struck_with(label, struck)
        AttemptQuestion.objects.filter(pk=item.pk).update(struck_labels=item.struck_labels)
    return item


def _check_open(attempt: Attempt, now: datetime) -> None:
    """The attempt as the caller read it: finished, or past its deadline and grace."""
    if attempt.is_finished:
        raise ExamClosed("This exam is over; answers can no longer change.")
    if is_expired(attempt, now):
        raise ExamClosed("Time is up: answers after the deadline are not accepted.")


def _lock_open(attempt: Attempt, now: datetime) -> None:
    """Inside the caller's transaction: hold the attempt row while it is still open, or
    refuse. attempt_finalize takes the same row FOR UPDATE before it reads the answers, so a
    save either lands before the grading (and is graded) or waits and is refused; it never
    lands after. (PostgreSQL: a row lock that conflicts with FOR UPDATE but not with other
    readers; SQLite: transactions take the database's write lock when they begin.)"""
    still_open = Attempt.objects.select_for_update(no_key=True).filter(
        pk=attempt.pk,
        finished_at__isnull=True,
        deadline__gte=now - timedelta(seconds=exam_rules.GRACE_SECONDS),
    )
    if not list(still_open.values_list("pk", flat=True)):
        raise ExamClosed("This exam is over; answers can no longer change.")


@transaction.atomic
def attempt_finalize(*, attempt: Attempt, reason: str, now: datetime | None = None) -> Attempt:
    """Score what was saved, once; then feed every answer to spaced repetition."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    # The time is read once the lock is held: a save that got the lock first, a moment
    # after this call began, is then never stamped after the finish.
    now = now or timezone.now()
    if locked.is_finished:
        return locked  # a double submit, or the expiry sweep got here first
    items = list(locked.questions.select_related("question").prefetch_related("question__choices"))
    for item in items:
        item.is_correct = item.is_answered and item.chosen_labels == item.key_labels
    AttemptQuestion.objects.bulk_update(items, ["is_correct"])
    locked.correct = sum(bool(item.is_correct) for item in items)
    locked.score = exam_rules.score(correct=locked.correct, total=locked.total, scale=locked.scale)
    locked.passed = exam_rules.passed(score_value=locked.score, passing_score=locked.passing_score)
    locked.finished_at = (
        min(now, locked.deadline) if reason == Attempt.FinishReason.EXPIRED else now
    )
    locked.finish_reason = reason
    locked.domain_tallies = domain_tallies_of([locked.pk])[locked.pk]
    locked.save()
    for item in items:
        if item.is_answered:
            answer_record(
                user=locked.user,
                question=item.question,
                labels=item.chosen,
                source=AnswerSource.EXAM,
                answered_at=item.saved_at,
                exact=False,
            )
    return locked


TALLY_BATCH = 500  # finished attempts recounted per pass of domain_tallies_check


def _tally_sums(tallies) -> tuple[int, int]:
    return sum(t["right"] for t in tallies), sum(t["total"] for t in tallies)


def domain_tallies_drift(*, batch: int = TALLY_BATCH) -> list[tuple[int, list | None, list]]:
    """(attempt id, stored, recounted) for each finished attempt whose stored domain tallies
    are missing or do not add up to its questions (right and total). Which domain a question
    counted toward is kept as it was at the finish, so a question moved to another domain
    since is not drift; a lost or miscounted tally is."""
    drift = []
    finished = Attempt.objects.filter(finished_at__isnull=False).order_by("pk")
    after = 0
    while stored := dict(finished.filter(pk__gt=after).values_list("pk", "domain_tallies")[:batch]):
        for pk, recounted in domain_tallies_of(list(stored)).items():
            tallies = stored[pk]
            if tallies is None or _tally_sums(tallies) != _tally_sums(recounted):
                drift.append((pk, tallies, recounted))
        after = max(stored)
    return drift


@transaction.atomic
def domain_tallies_check(*, fix: bool = False) -> list[tuple[int, list | None, list]]:
    """domain_tallies_drift, and with fix those attempts' tallies recounted (against their
    questions' domains today)."""
    drift = domain_tallies_drift()
    if fix:
        for pk, _stored, recounted in drift:
            Attempt.objects.filter(pk=pk).update(domain_tallies=recounted)
    return drift


def finalize_expired_attempts(*, now: datetime | None = None) -> int:
    """Finalize every attempt whose time and grace are over (safe to run from cron)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=exam_rules.GRACE_SECONDS)
    finalized = 0
    for attempt in Attempt.objects.filter(finished_at__isnull=True, deadline__lt=cutoff):
        attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.EXPIRED, now=now)
        finalized += 1
    return finalized


@transaction.atomic
def blueprint_sync(
    *,
    certification,
    slug: str,
    name: str,
    question_count: int,
    time_limit_minutes: int,
    passing_score: int,
    scale: str,
    shuffle_choices: bool,
    include_recent_key_changes: bool,
    topics: dict[Topic, int],
    domains: dict[ExamDomain, int] | None = None,
    position: int = 0,
) -> str:
    """Create or update a blueprint from the content library, by slug. Weights by topic, or
    by exam domain (see BlueprintDomain), or neither (every topic the same)."""
    blueprint = Blueprint.objects.filter(slug=slug).first() or Blueprint(slug=slug)
    outcome = save_if_changed(
        blueprint,
        {
            "certification_id": certification.pk,
            "name": name,
            "question_count": question_count,
            "time_limit_minutes": time_limit_minutes,
            "passing_score": passing_score,
            "scale": scale,
            "shuffle_choices": shuffle_choices,
            "include_recent_key_changes": include_recent_key_changes,
            "position": position,
            "is_active": True,
        },
    )
    for model, field, weights in (
        (BlueprintTopic, "topic_id", topics),
        (BlueprintDomain, "domain_id", domains or {}),
    ):
        wanted = {thing.pk: weight for thing, weight in weights.items()}
        rows = model.objects.filter(blueprint=blueprint)
        if dict(rows.values_list(field, "weight")) != wanted:
            rows.delete()
            model.objects.bulk_create(
                model(blueprint=blueprint, **{field: pk}, weight=w) for pk, w in wanted.items()
            )
            outcome = UPDATED if outcome == UNCHANGED else outcome
    return outcome


def blueprint_retire(*, blueprint: Blueprint) -> bool:
    if not blueprint.is_active:
        return False
    blueprint.is_active = False
    blueprint.save(update_fields=["is_active"])
    return True
