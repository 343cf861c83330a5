"""Reads for spaced repetition: the due queue, limits, forecast, retention, exam-day recall."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce

from quiz import srs
from quiz.models import Profile, Question, ReviewCard, ReviewDay, ReviewLog

FORECAST_DAYS = 14
RETENTION_DAYS = 30


def _live_cards(user):
    """The learner's cards for questions still shown (not retired, not merged away).

    Written as NOT IN (the few questions that are not live) rather than joins, so counting
    thousands of cards needs no lookup of each card's question.
    """
    gone = Question.objects.not_live().values("pk")
    return ReviewCard.objects.filter(user=user).exclude(question_id__in=gone)


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
        user=user, reviewed_at__gte=day_start, source="review"
    ).count()
    new_room = max(0, profile.new_per_day - new_today)
    unseen = 0
    if new_room:
        # Unseen = live questions (of the target exam) minus those with a card: two counts,
        # no per-question existence check.
        questions = Question.objects.live()
        cards = _live_cards(user)
        if profile.target_certification_id:
            questions = questions.filter(topic__certification=profile.target_certification_id)
            cards = cards.filter(question__topic__certification=profile.target_certification_id)
        unseen = min(new_room, max(0, questions.count() - cards.count()))
    return ReviewCounts(
        due_now=min(due, max(0, profile.max_reviews_per_day - reviews_today)),
        new_available=unseen,
        reviews_today=reviews_today,
        new_today=new_today,
    )


def forecast(user, profile: Profile, *, now: datetime) -> list[tuple[date, int]]:
    """Due counts for today and the next 13 days by the learner's local date (two queries).

    Today (overdue included) is one index-range count; the next days count cards due before
    each local midnight with plain comparisons (no per-row time-zone conversion).
    """
    zone = ZoneInfo(profile.time_zone)
    today = now.astimezone(zone).date()
    ends = [
        datetime.combine(today + timedelta(days=i + 1), time.min, tzinfo=zone)
        for i in range(FORECAST_DAYS)
    ]
    cards = _live_cards(user)
    due_today = cards.filter(due__lt=ends[0]).count()
    later = cards.filter(due__gte=ends[0], due__lt=ends[-1]).aggregate(
        **{f"d{i}": Count("pk", filter=Q(due__lt=end)) for i, end in enumerate(ends[1:], 1)}
    )
    cumulative = [0] + [later[f"d{i}"] for i in range(1, FORECAST_DAYS)]
    per_day = [due_today] + [b - a for a, b in pairwise(cumulative)]
    return [(today + timedelta(days=i), n) for i, n in enumerate(per_day)]


def retention(user, profile: Profile, *, now: datetime) -> tuple[int, int]:
    """(passed, total) reviews in the learner's last 30 local days; passed = not rated Again."""
    first_day = srs.local_day_start(now, profile.time_zone).date() - timedelta(
        days=RETENTION_DAYS - 1
    )
    row = ReviewDay.objects.filter(user=user, day__gte=first_day).aggregate(
        total=Sum("reviews"), passed=Sum("passed")
    )
    return row["passed"] or 0, row["total"] or 0


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
