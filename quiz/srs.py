"""Spaced-repetition rules around py-fsrs: ratings from answers, the exam-date cap, labels.

Pure Python (no ORM): the scheduler itself is fsrs's; this module only decides what to
feed it and how to bound what it returns.

Rating from an answer (documented thresholds):
- wrong -> Again;
- right, and the learner has at least USUAL_TIME_MIN_SAMPLES earlier correct answers of
  the same kind (single or multiple answer): slower than HARD_FACTOR x their median time
  -> Hard, faster than EASY_FACTOR x it -> Easy, otherwise Good;
- right with too little timing history (or no timing) -> Good.
srs-benchmark shows binary Again/Good loses little accuracy, so timing only nudges.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

HARD_FACTOR = 1.5
EASY_FACTOR = 0.6
USUAL_TIME_MIN_SAMPLES = 10
USUAL_TIME_WINDOW = 50  # recent correct answers that define the learner's usual time
EXAM_CAP_DAYS = 3  # nothing is scheduled later than this many days before the exam
LEECH_LAPSES = 8


def rating_for(*, correct: bool, response_ms: int | None, usual_ms: Sequence[int]) -> Rating:
    if not correct:
        return Rating.Again
    if response_ms is None or len(usual_ms) < USUAL_TIME_MIN_SAMPLES:
        return Rating.Good
    usual = median(usual_ms)
    if response_ms > HARD_FACTOR * usual:
        return Rating.Hard
    if response_ms < EASY_FACTOR * usual:
        return Rating.Easy
    return Rating.Good


def scheduler_for(
    *, desired_retention: float, parameters: Sequence[float] | None = None, fuzzing: bool = True
) -> Scheduler:
    kwargs = {"desired_retention": desired_retention, "enable_fuzzing": fuzzing}
    if parameters:
        kwargs["parameters"] = tuple(parameters)
    return Scheduler(**kwargs)


def utc(moment: datetime) -> datetime:
    """fsrs wants datetime.timezone.utc exactly."""
    return moment.astimezone(UTC)


def card_of(stored) -> Card:
    """The fsrs Card of a stored card (anything with ReviewCard's scheduling fields)."""
    return Card(
        card_id=stored.pk or 1,
        state=State(stored.state),
        step=stored.step,
        stability=stored.stability,
        difficulty=stored.difficulty,
        due=utc(stored.due),
        last_review=utc(stored.last_review) if stored.last_review else None,
    )


def exam_cap(*, exam_date: date | None, time_zone: str, now: datetime) -> datetime | None:
    """The latest due date allowed before the exam, or None when there is no exam ahead.

    EXAM_CAP_DAYS before the exam day's local midnight; when the exam is closer than that,
    halfway between now and the exam, so every card is still seen once more.
    """
    if exam_date is None:
        return None
    exam_start = datetime.combine(exam_date, time.min, tzinfo=ZoneInfo(time_zone))
    if exam_start <= now:
        return None
    cap = exam_start - timedelta(days=EXAM_CAP_DAYS)
    if cap <= now:
        cap = now + (exam_start - now) / 2
    return utc(cap)


def review(
    scheduler: Scheduler, card: Card, rating: Rating, *, now: datetime, cap: datetime | None
) -> Card:
    card, _log = scheduler.review_card(card, rating, review_datetime=utc(now))
    if cap is not None and card.due > cap:
        card.due = max(cap, utc(now))
    return card


def interval_label(delta: timedelta) -> str:
    """Anki-style: 10 min, 5 h, 3 d, 2 mo, 1.5 y."""
    minutes = delta.total_seconds() / 60
    if minutes < 60:
        return f"{max(1, round(minutes))} min"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)} h"
    days = hours / 24
    if days < 31:
        return f"{round(days)} d"
    if days < 365:
        return f"{days / 30:.1f} mo".replace(".0 ", " ")
    return f"{days / 365:.1f} y".replace(".0 ", " ")


def local_day_start(now: datetime, time_zone: str) -> datetime:
    """Midnight of the learner's current day, as an aware datetime (daily limits roll here)."""
    local = now.astimezone(ZoneInfo(time_zone))
    return datetime.combine(local.date(), time.min, tzinfo=ZoneInfo(time_zone))


__all__ = [
    "EXAM_CAP_DAYS",
    "LEECH_LAPSES",
    "USUAL_TIME_WINDOW",
    "Card",
    "Rating",
    "State",
    "exam_cap",
    "interval_label",
    "local_day_start",
    "rating_for",
    "review",
    "scheduler_for",
    "utc",
]
