"""Reads for spaced repetition: the due queue, limits, forecast, retention, exam-day recall."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Least

from quiz import srs
from quiz.models import (
    AnswerRecord,
    Profile,
    Question,
    QuestionReference,
    ReviewCard,
    ReviewDay,
    ReviewLog,
)

FORECAST_DAYS = 14
RETENTION_DAYS = 30


# A card whose question is still shown (published, not merged away, topic active). Joins
# cost one primary-key lookup per card of this learner; a NOT IN (questions not live)
# subquery would scan the whole bank once per counted column instead.
LIVE_CARD = Q(
    question__status=Question.Status.PUBLISHED,
    question__duplicate_of__isnull=True,
    question__topic__is_active=True,
)


def _live_cards(user):
    """The learner's cards for questions still shown (not retired, not merged away)."""
    return ReviewCard.objects.filter(LIVE_CARD, user=user)


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


def _review_tally(
    user, profile: Profile, *, now: datetime, forecast: bool = False
) -> tuple[ReviewCounts, list[tuple[date, int]]]:
    """Today's counts and (with forecast) the next 14 days' due counts by the learner's local
    date: one pass over the learner's cards, one count of today's reviews and, while new
    questions are still allowed today, one count of live questions.

    A card is due on a local day when it is due before that day's local midnight; today
    includes what is overdue. Plain comparisons: no per-row time-zone conversion.
    """
    day_start = srs.local_day_start(now, profile.time_zone)
    zone = ZoneInfo(profile.time_zone)
    today = now.astimezone(zone).date()
    ends = [
        datetime.combine(today + timedelta(days=i + 1), time.min, tzinfo=zone)
        for i in range(FORECAST_DAYS if forecast else 0)
    ]
    live = LIVE_CARD
    questions = Question.objects.live()
    counted = live
    if profile.target_certification_id:
        # Unseen = live questions (of the target exam) minus those with a card: two counts,
        # no per-question existence check.
        questions = questions.filter(topic__certification=profile.target_certification_id)
        counted &= Q(question__topic__certification=profile.target_certification_id)
    tally = ReviewCard.objects.filter(user=user).aggregate(
        due_now=Count("pk", filter=live & Q(due__lte=now)),
        new_today=Count("pk", filter=Q(created_at__gte=day_start)),
        counted=Count("pk", filter=counted),
    )
    if ends:
        # Live cards only, so each day's column is a plain comparison: 14 joined filters
        # cost more to build than the query costs to run.
        tally |= _live_cards(user).aggregate(
            **{f"before_{i}": Count("pk", filter=Q(due__lt=end)) for i, end in enumerate(ends)}
        )
    reviews_today = ReviewLog.objects.filter(
        user=user, reviewed_at__gte=day_start, source="review"
    ).count()
    new_room = max(0, profile.new_per_day - tally["new_today"])
    unseen = min(new_room, max(0, questions.count() - tally["counted"])) if new_room else 0
    counts = ReviewCounts(
        due_now=min(tally["due_now"], max(0, profile.max_reviews_per_day - reviews_today)),
        new_available=unseen,
        reviews_today=reviews_today,
        new_today=tally["new_today"],
    )
    cumulative = [0] + [tally[f"before_{i}"] for i in range(len(ends))]
    days = [(today + timedelta(days=i), b - a) for i, (a, b) in enumerate(pairwise(cumulative))]
    return counts, days


def review_counts(user, profile: Profile, *, now: datetime) -> ReviewCounts:
    """What can be reviewed now, within the learner's daily limits."""
    counts, _days = _review_tally(user, profile, now=now)
    return counts


def review_overview(
    user, profile: Profile, *, now: datetime
) -> tuple[ReviewCounts, list[tuple[date, int]]]:
    """review_counts and the due counts for today and the next 13 days, counted together."""
    return _review_tally(user, profile, now=now, forecast=True)


def retention(user, profile: Profile, *, now: datetime) -> tuple[int, int]:
    """(passed, total) reviews in the learner's last 30 local days; passed = not rated Again."""
    first_day = srs.local_day_start(now, profile.time_zone).date() - timedelta(
        days=RETENTION_DAYS - 1
    )
    row = ReviewDay.objects.filter(user=user, day__gte=first_day).aggregate(
        total=Sum("reviews"), passed=Sum("passed")
    )
    return row["passed"] or 0, row["total"] or 0


def profile_scheduler(profile: Profile) -> srs.Scheduler:
    """The learner's FSRS scheduler: their retention and fitted parameters."""
    return srs.scheduler_for(
        desired_retention=profile.desired_retention,
        parameters=profile.fsrs_parameters,
        fuzzing=settings.SRS_FUZZING,
    )


def exam_moment(day: date, time_zone: str) -> datetime:
    """When recall is predicted for a day: 9:00 local time (a typical exam slot)."""
    return srs.utc(datetime.combine(day, time(9), tzinfo=ZoneInfo(time_zone)))


def exam_day_recall(user, profile: Profile) -> float | None:
    """Mean predicted recall over the learner's cards at the start of exam day (FSRS)."""
    if not profile.exam_date:
        return None
    moment = exam_moment(profile.exam_date, profile.time_zone)
    scheduler = profile_scheduler(profile)
    fields = ("state", "step", "stability", "difficulty", "due", "last_review")
    values = [
        scheduler.get_card_retrievability(srs.card_of(card), current_datetime=moment)
        for card in _live_cards(user).only(*fields)
    ]
    return sum(values) / len(values) if values else None


def leeches(user) -> list[ReviewCard]:
    return list(
        _live_cards(user)
        .filter(is_leech=True)
        .select_related("question", "question__topic", "question__question_set")
        .prefetch_related(
            Prefetch(
                "question__references",
                queryset=QuestionReference.objects.select_related("note__topic"),
            )
        )
        .order_by("-lapses")
    )


def _usual_answers(user, *, multi: bool) -> QuerySet[AnswerRecord]:
    """The learner's correct, timed answers on questions of one kind (single or multiple)."""
    answers = AnswerRecord.objects.filter(user=user, is_correct=True, response_ms__isnull=False)
    return answers.filter(question__choose__gt=1) if multi else answers.filter(question__choose=1)


def usual_response_ms(user, *, multi: bool) -> list[int]:
    """The learner's recent correct response times on questions of the same kind."""
    return list(
        _usual_answers(user, multi=multi)
        .order_by("-answered_at")
        .values_list("response_ms", flat=True)[: srs.USUAL_TIME_WINDOW]
    )


def earlier_correct_ms(user) -> Subquery:
    """Annotation for a query with a `question`: the learner's latest correct response times
    on questions of its kind (single or multiple answer), as "ms,ms,...", for CardSnapshot.

    One subquery: the kind is compared as LEAST(choose, 2) on both sides, not chosen by a
    CASE over two subqueries (which took longer to build than to run).
    """
    latest = (
        AnswerRecord.objects.filter(user=user, is_correct=True, response_ms__isnull=False)
        .alias(kind=Least("question__choose", Value(2)))
        .filter(kind=Least(OuterRef(OuterRef("question__choose")), Value(2)))
        .order_by("-answered_at")
        .values("pk")
    )
    # One short of the window: the answer about to be recorded completes it.
    return Subquery(
        AnswerRecord.objects.filter(pk__in=latest[: srs.USUAL_TIME_WINDOW - 1])
        .order_by()
        .values("user")
        .annotate(times=StringAgg(Cast("response_ms", CharField()), Value(",")))
        .values("times")
    )


@dataclass
class CardSnapshot:
    """What recording an answer needs besides the answer, read with the page beforehand:
    the learner's card for the question (None before their first answer) and their latest
    correct response times on questions of its kind, excluding the answer being recorded."""

    card: ReviewCard | None
    earlier_correct_ms: list[int]

    @classmethod
    def from_annotations(cls, card: ReviewCard | None, times: str | None) -> "CardSnapshot":
        return cls(card, [int(ms) for ms in times.split(",")] if times else [])


def own_log(user, pk: int) -> ReviewLog | None:
    """One of the learner's own reviews, with its card (to re-rate it)."""
    return ReviewLog.objects.select_related("card").filter(pk=pk, user=user).first()
