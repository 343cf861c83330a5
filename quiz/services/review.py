"""Spaced repetition: every answer (practice, review, exam) updates the learner's card.

Where a card falls due is py-fsrs's, planned around the learner's exam date by the rule in
`quiz.srs` (SRS_EXAM_SCHEDULING: "spread", the default, or the old "cap" for comparison).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from quiz import srs
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Profile,
    Question,
    ReviewCard,
    ReviewDay,
    ReviewLog,
)
from quiz.selectors import review as review_selectors
from quiz.selectors.review import CardSnapshot
from quiz.services.profile import profile_for


def _apply(card: ReviewCard, fsrs_card: srs.Card) -> None:
    card.state = int(fsrs_card.state)
    card.step = fsrs_card.step
    card.stability = fsrs_card.stability
    card.difficulty = fsrs_card.difficulty
    card.due = fsrs_card.due
    card.last_review = fsrs_card.last_review
    card.last_review_ts = fsrs_card.last_review.timestamp() if fsrs_card.last_review else None


def exam_of(profile: Profile) -> srs.Exam | None:
    if profile.exam_date is None:
        return None
    return srs.Exam(day=profile.exam_date, time_zone=profile.time_zone)


class _LoadsWhenNeeded(Mapping):
    """The learner's cards due per local day, read on first use: a plan reads them only when
    a card has more than one day to choose from."""

    def __init__(self, read: Callable[[], dict[date, int]]):
        self._read = read
        self._loads: dict[date, int] | None = None

    def _all(self) -> dict[date, int]:
        if self._loads is None:
            self._loads = self._read()
        return self._loads

    def __getitem__(self, day: date) -> int:
        return self._all()[day]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _scheduled(
    profile: Profile,
    before: srs.Card,
    *,
    now: datetime,
    card_id: int | None,
    snapshot: CardSnapshot | None = None,
) -> dict[srs.Rating, srs.Card]:
    """The card each rating would give at `now`, due where the exam scheduling puts it.

    With an exam ahead ("spread"), FSRS's random interval fuzz is off: the plan spreads the
    load itself, and the rating previews must be exactly what each rating schedules. The
    load per day comes with the snapshot when it has it, else from one query, made only if
    some rating has days to choose from."""
    exam = exam_of(profile)
    if review_selectors.exam_scheduling() == "cap":
        scheduler = review_selectors.profile_scheduler(profile)
        cap = srs.exam_cap(exam_date=profile.exam_date, time_zone=profile.time_zone, now=now)
        return {
            rating: srs.review(scheduler, before, rating, now=now, cap=cap) for rating in srs.Rating
        }
    if exam is None or exam.at <= now:
        scheduler = review_selectors.profile_scheduler(profile)
        return srs.plan_ratings(scheduler, before, now=now, exam=None, loads={})
    first = srs.local_day_start(now, profile.time_zone) + timedelta(days=1)
    if snapshot is not None and snapshot.loads_from == first.date():
        loads = snapshot.loads
    else:
        loads = _LoadsWhenNeeded(
            lambda: review_selectors.due_per_day(
                profile.user_id,
                time_zone=profile.time_zone,
                start=first,
                end=exam.starts,
                exclude=card_id,
            )
        )
    scheduler = review_selectors.profile_scheduler(profile, fuzzing=False)
    return srs.plan_ratings(scheduler, before, now=now, exam=exam, loads=loads)


# What a review changes on a card.
REVIEWED_FIELDS = [
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "last_review_ts",
    "reps",
    "lapses",
    "is_leech",
    "key_changed",
]


@dataclass
class PlannedReview:
    """An answer's review worked out before anything is written (srs_plan): the card as it
    will be and what the log will say."""

    record: AnswerRecord
    source: str
    now: datetime
    profile: Profile
    card: ReviewCard  # with its new state; unsaved when it is the learner's first answer
    seen: dict  # the card's reps and due as read: saved only if they still hold
    rating: srs.Rating
    log: ReviewLog  # unsaved; log.scheduled: what each rating would have scheduled
    optimistic: bool  # from a snapshot: another review since then sends it back to srs_record


def srs_plan(
    *,
    record: AnswerRecord,
    source: str,
    now: datetime | None = None,
    snapshot: CardSnapshot | None = None,
) -> PlannedReview:
    """What feeding this answer to the learner's card will write, worked out first.

    With a snapshot (the card, recent times and the load per day before the exam, read with
    the page before the answer) this reads nothing and can run before the transaction, so
    a database that locks for writes (SQLite) holds the lock only while writing. Without
    one it reads the card under a row lock and the learner's usual times: call it inside
    the transaction that writes the plan (srs_record does).
    """
    now = now or record.answered_at or timezone.now()
    user, question = record.user, record.question
    profile = profile_for(user)
    if snapshot is None:
        card = ReviewCard.objects.select_for_update().filter(user=user, question=question).first()
        usual = review_selectors.usual_response_ms(user, multi=question.choose > 1)
    else:
        card = snapshot.card
        # This answer is the learner's newest; it counts only when correct and timed.
        timed = record.is_correct and record.response_ms is not None
        usual = [record.response_ms, *snapshot.earlier_correct_ms] if timed else []
    card = card or ReviewCard(user=user, question=question, due=now, created_at=now)
    seen = {"reps": card.reps, "due": card.due}
    rating = srs.rating_for(
        correct=record.is_correct, response_ms=record.response_ms, usual_ms=usual
    )
    before = srs.card_of(card)
    scheduled = _scheduled(profile, before, now=now, card_id=card.pk, snapshot=snapshot)
    _apply(card, scheduled[rating])
    card.reps += 1
    if not record.is_correct:
        card.lapses += 1
        card.is_leech = card.is_leech or card.lapses >= srs.LEECH_LAPSES
    pending_key_change = card.key_changed_id  # told with this answer's feedback
    card.key_changed = None  # studied again: the "answer changed" notice has done its job
    log = ReviewLog(
        card=card,
        user=user,
        rating=int(rating),
        is_correct=record.is_correct,
        chosen_labels=record.chosen_labels,
        question_version=record.question_version,
        key_changed_id=pending_key_change,
        response_ms=record.response_ms,
        reviewed_at=now,
        source=source,
        record=record,
        card_before=before.to_dict(),
    )
    log.scheduled = scheduled  # what each rating gives: the rating buttons read it
    return PlannedReview(
        record=record,
        source=source,
        now=now,
        profile=profile,
        card=card,
        seen=seen,
        rating=rating,
        log=log,
        optimistic=snapshot is not None,
    )


@transaction.atomic(savepoint=False)
def srs_write(plan: PlannedReview) -> ReviewLog:
    """Store a planned review: the card (saved from a snapshot only if no other review
    changed it since; if one did, the answer is fed to the card as it is now, under a row
    lock), the day's counters and the log. The record must be saved already."""
    card = plan.card
    if plan.optimistic and card.pk is not None:
        reviewed = {name: getattr(card, name) for name in REVIEWED_FIELDS}
        if not ReviewCard.objects.filter(pk=card.pk, **plan.seen).update(**reviewed):
            return srs_record(record=plan.record, source=plan.source, now=plan.now)
    else:
        card.save()
    user = plan.record.user
    passed = int(plan.rating != srs.Rating.Again)
    _count_day(user, plan.profile, plan.now, reviews=1, passed=passed)
    plan.log.save(force_insert=True)  # its card and record ids: theirs, now they are saved
    return plan.log


@transaction.atomic(savepoint=False)
def srs_record(
    *,
    record: AnswerRecord,
    source: str,
    now: datetime | None = None,
    snapshot: CardSnapshot | None = None,
) -> ReviewLog:
    """Feed one answer to the learner's card (creating it on the first answer): srs_plan,
    then srs_write. Without a snapshot, planning around the exam reads the load per day
    once, and only when the card has days to choose from. The returned log carries what
    each rating would have scheduled (`scheduled`), for the rating buttons.
    """
    return srs_write(srs_plan(record=record, source=source, now=now, snapshot=snapshot))


def _review_day(profile: Profile, moment: datetime):
    return srs.local_day_start(moment, profile.time_zone).date()


def _count_day(user, profile: Profile, moment: datetime, *, reviews: int, passed: int) -> None:
    """Add to the learner's counters for the local day of moment: a single upsert, also on
    the day's first review (a re-rating adds 0 reviews and moves one pass).

    Raw SQL because bulk_create(update_conflicts=True) can only overwrite a conflicting row,
    not add to it. SQLite and PostgreSQL read it alike.
    """
    qn = connection.ops.quote_name
    table = qn(ReviewDay._meta.db_table)
    user_id, day, reviews_col, passed_col = (
        qn(ReviewDay._meta.get_field(name).column) for name in ("user", "day", "reviews", "passed")
    )
    local_day = connection.ops.adapt_datefield_value(_review_day(profile, moment))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({user_id}, {day}, {reviews_col}, {passed_col}) "
            f"VALUES (%s, %s, %s, %s) ON CONFLICT ({user_id}, {day}) DO UPDATE "
            f"SET {reviews_col} = {table}.{reviews_col} + %s, "
            f"{passed_col} = {table}.{passed_col} + %s",
            [user.pk, local_day, reviews, max(0, passed), reviews, passed],
        )


def rating_previews(log: ReviewLog, profile: Profile) -> list[tuple[int, str, str]]:
    """[(rating, name, next interval)] for the override buttons, from the card before: what
    re-rating to each would schedule (the same planning as the review itself)."""
    after = getattr(log, "scheduled", None) or _scheduled(
        profile, srs.Card.from_dict(log.card_before), now=log.reviewed_at, card_id=log.card_id
    )
    return [
        (
            int(rating),
            rating.name,
            srs.due_label(after[rating], now=log.reviewed_at, time_zone=profile.time_zone),
        )
        for rating in srs.Rating
    ]


def srs_rate(*, log: ReviewLog, user: AbstractBaseUser, rating: int) -> ReviewCard:
    """Re-rate the learner's latest review of a card (Again/Hard/Good/Easy override)."""
    if log.card.user_id != user.pk:
        raise ValidationError("That review is not yours.")
    if rating not in ReviewLog.Rating.values:
        raise ValidationError("Rate with Again, Hard, Good or Easy.")
    profile = profile_for(user)
    latest = ReviewLog.objects.filter(card=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    with transaction.atomic(savepoint=False):
        card = (
            ReviewCard.objects.select_for_update()
            .annotate(latest_log=Subquery(latest.values("pk")[:1]))
            .get(pk=log.card_id)
        )
        if card.latest_log == log.pk:
            _rerate(card, log, user=user, rating=rating, profile=profile)
    # Refused after the transaction, which then wrote nothing: no savepoint needed.
    if card.latest_log != log.pk:
        raise ValidationError("Only your latest review of this question can be re-rated.")
    return card


def _rerate(
    card: ReviewCard, log: ReviewLog, *, user: AbstractBaseUser, rating: int, profile: Profile
) -> None:
    before = srs.Card.from_dict(log.card_before)
    scheduled = _scheduled(profile, before, now=log.reviewed_at, card_id=card.pk)
    _apply(card, scheduled[srs.Rating(rating)])
    log.scheduled = scheduled  # the same buttons again, without planning twice
    # Lapses follow the rating: re-rating a wrong answer as passed undoes its lapse.
    if log.rating == ReviewLog.Rating.AGAIN and rating != ReviewLog.Rating.AGAIN:
        card.lapses = max(0, card.lapses - 1)
    elif log.rating != ReviewLog.Rating.AGAIN and rating == ReviewLog.Rating.AGAIN:
        card.lapses += 1
    card.is_leech = card.lapses >= srs.LEECH_LAPSES
    card.save()
    was_passed, now_passed = log.rating != ReviewLog.Rating.AGAIN, rating != ReviewLog.Rating.AGAIN
    if was_passed != now_passed:
        _count_day(user, profile, log.reviewed_at, reviews=0, passed=1 if now_passed else -1)
    log.rating = rating
    log.rating_overridden = True
    log.save(update_fields=["rating", "rating_overridden"])


@transaction.atomic
def srs_key_changed(
    *, question: Question, revision: AnswerKeyRevision, now: datetime | None = None
) -> int:
    """The key changed: every card of the question relearns, due now, with a notice."""
    now = now or timezone.now()
    cards = ReviewCard.objects.filter(question=question)
    # A card still in its first learning steps has no stability to relearn from: restart it.
    learning = cards.filter(stability__isnull=True).update(
        state=ReviewCard.State.LEARNING, step=0, due=now, key_changed=revision
    )
    relearning = cards.filter(stability__isnull=False).update(
        state=ReviewCard.State.RELEARNING, step=0, due=now, key_changed=revision
    )
    return learning + relearning


def review_days_rebuild(*, user: AbstractBaseUser) -> None:
    """Recount the per-day review totals from the logs (after history was moved)."""
    profile = profile_for(user)
    totals: dict = {}
    for rating, at in ReviewLog.objects.filter(user=user).values_list("rating", "reviewed_at"):
        day = srs.local_day_start(at, profile.time_zone).date()
        reviews, passed = totals.get(day, (0, 0))
        totals[day] = (reviews + 1, passed + int(rating != ReviewLog.Rating.AGAIN))
    ReviewDay.objects.filter(user=user).delete()
    ReviewDay.objects.bulk_create(
        ReviewDay(user=user, day=day, reviews=r, passed=p) for day, (r, p) in totals.items()
    )
