"""Reads for spaced repetition: the due queue, limits, forecast, retention, exam-day recall."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Coalesce

from quiz import srs
from quiz.models import Profile, Question, ReviewCard, ReviewLog

FORECAST_DAYS = 14
RETENTION_DAYS = 30


def _live_cards(user):
    return ReviewCard.objects.filter(
        user=user,
        question__status=Question.Status.PUBLISHED,
        question__duplicate_of__isnull=True,
        question__topic__is_active=True,
    )


def due_queue(user, *, now: datetime, limit: int) -> list[int]:
    """Question ids due now, lowest retrievability first: one indexed query.

    Retrievability falls as (elapsed time / stability) grows, so sorting by that ratio
    (largest first) is sorting by retrievability (lowest first) without computing it.
    """
    elapsed_per_stability = ExpressionWrapper(
        (Value(now.timestamp()) - Coalesce(F("last_review_ts"), Value(now.timestamp())))
        / Coalesce(F("stability"), Value(0.01)),
        output_field=FloatField(),
    )
    return list(
        _live_cards(user)
        .filter(due__lte=now)
        .annotate(urgency=elapsed_per_stability)
        .order_by("-urgency", "due", "pk")
        .values_list("question_id", flat=True)[:limit]
    )


def new_question_ids(user, profile: Profile, *, limit: int) -> list[int]:
    """Questions the learner has no card for yet, in bank order (target exam first)."""
    if limit <= 0:
        return []
    questions = Question.objects.live().exclude(cards__user=user)
    if profile.target_certification_id:
        questions = questions.filter(topic__certification=profile.target_certification_id)
    bank_order = ("topic__certification__position", "topic__position", "position", "pk")
    return list(questions.order_by(*bank_order).values_list("pk", flat=True)[:limit])


@dataclass
class ReviewCounts:
    due_now: int
    new_available: int
    reviews_today: int
    new_today: int


def review_counts(user, profile: Profile, *, now: datetime) -> ReviewCounts:
    day_start = srs.local_day_start(now, profile.time_zone)
    due = _live_cards(user).filter(due__lte=now).count()
    new_today = ReviewCard.objects.filter(user=user, created_at__gte=day_start).count()
    reviews_today = ReviewLog.objects.filter(
        card__user=user, reviewed_at__gte=day_start, source="review"
    ).count()
    new_room = max(0, profile.new_per_day - new_today)
    unseen = len(new_question_ids(user, profile, limit=new_room)) if new_room else 0
    return ReviewCounts(
        due_now=min(due, max(0, profile.max_reviews_per_day - reviews_today)),
        new_available=unseen,
        reviews_today=reviews_today,
        new_today=new_today,
    )


def forecast(user, profile: Profile, *, now: datetime) -> list[tuple[date, int]]:
    """Due counts for today and the next 13 days, by the learner's local date."""
    zone = ZoneInfo(profile.time_zone)
    today = now.astimezone(zone).date()
    horizon = datetime.combine(today + timedelta(days=FORECAST_DAYS), time.min, tzinfo=zone)
    counts: Counter = Counter()
    for due in _live_cards(user).filter(due__lt=horizon).values_list("due", flat=True):
        counts[max(today, due.astimezone(zone).date())] += 1
    return [
        (today + timedelta(days=i), counts[today + timedelta(days=i)]) for i in range(FORECAST_DAYS)
    ]


def retention(user, *, now: datetime) -> tuple[int, int]:
    """(passed, total) reviews in the last 30 days; passed = not rated Again."""
    logs = ReviewLog.objects.filter(
        card__user=user, reviewed_at__gte=now - timedelta(days=RETENTION_DAYS)
    )
    ratings = list(logs.values_list("rating", flat=True))
    return sum(1 for r in ratings if r != ReviewLog.Rating.AGAIN), len(ratings)


def exam_day_recall(user, profile: Profile) -> float | None:
    """Mean predicted recall over the learner's cards at the start of exam day (FSRS)."""
    if not profile.exam_date:
        return None
    moment = srs.utc(
        datetime.combine(profile.exam_date, time(9), tzinfo=ZoneInfo(profile.time_zone))
    )
    scheduler = srs.scheduler_for(
        desired_retention=profile.desired_retention,
        parameters=profile.fsrs_parameters,
        fuzzing=settings.SRS_FUZZING,
    )
    values = []
    rows = _live_cards(user).values_list(
        "state", "step", "stability", "difficulty", "due", "last_review"
    )
    for state, step, stability, difficulty, due, last_review in rows:
        card = srs.Card(
            card_id=1,
            state=srs.State(state),
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=srs.utc(due),
            last_review=srs.utc(last_review) if last_review else None,
        )
        values.append(scheduler.get_card_retrievability(card, current_datetime=moment))
    return sum(values) / len(values) if values else None


def leeches(user) -> list[ReviewCard]:
    return list(
        _live_cards(user)
        .filter(is_leech=True)
        .select_related("question", "question__topic", "question__question_set")
        .prefetch_related("question__references__note__topic")
        .order_by("-lapses")
    )


def card_for(user, question: Question) -> ReviewCard | None:
    if not user.is_authenticated:
        return None
    return (
        ReviewCard.objects.filter(user=user, question=question)
        .select_related("key_changed")
        .first()
    )


def review_log_for_record(record_id: int | None) -> ReviewLog | None:
    if not record_id:
        return None
    return ReviewLog.objects.filter(record_id=record_id).select_related("card").first()


def is_latest_log(log: ReviewLog) -> bool:
    latest = (
        ReviewLog.objects.filter(card_id=log.card_id)
        .order_by("-reviewed_at", "-pk")
        .values("pk")
        .first()
    )
    return latest is not None and latest["pk"] == log.pk
