"""Spaced-repetition rules around py-fsrs: ratings from answers, exam-aware scheduling, labels.

Pure Python (no ORM): the scheduler itself is fsrs's; this module only decides what to
feed it and where to place what it returns.

Rating from an answer (documented thresholds):
- wrong -> Again;
- right, and the learner has at least USUAL_TIME_MIN_SAMPLES earlier correct answers of
  the same kind (single or multiple answer): slower than HARD_FACTOR x their median time
  -> Hard, faster than EASY_FACTOR x it -> Easy, otherwise Good;
- right with too little timing history (or no timing) -> Good.
srs-benchmark shows binary Again/Good loses little accuracy, so timing only nudges.

Exam-aware scheduling. Without an exam date (or once it has passed) a card's due is
exactly py-fsrs's. With one, the aim is each card's predicted recall on exam day: FSRS
retrievability at `exam_moment` (EXAM_HOUR, 9:00 local time, on the exam date) at least the
learner's desired retention. After a review whose result is a Review-state card
(`plan_due`; learning and relearning steps, minutes apart, are left alone):

- FSRS's own due falls before the exam day: the review moves to the least-loaded local day
  within WINDOW_FRACTION of the interval either side of it (a 10-day interval may move one
  day), never to the exam day or later;
- it falls on or after the exam day and the card's recall at the exam without another
  review is already at the desired retention: it stays where FSRS put it (no extra review);
- otherwise the card needs one more review before the exam: the latest day whose review,
  assuming a Good rating then (fsrs computes the stability it would give), still leaves
  recall at the exam at the desired retention, is found, with the earliest such day; the
  review goes on the least-loaded day between the later of that earliest day and
  FINAL_REVIEW_FRACTION of the way from today to the latest day, and the latest day.

"Least-loaded" counts the learner's cards due per local day (`loads`); ties go to the
latest day. A review planned for a day is due from that day's local midnight, so it is
there whenever the learner studies that day (one due on the eve at the time of day of the
last review would be missed by a learner who studies earlier in the day). The rating
buttons' previews come from `plan_ratings`, which plans Easy, Good and Hard in that order,
each on an earlier day than the stronger rating, so the four intervals stay distinct and
increasing; the review that is recorded uses the same function, so a preview is exactly
what its rating schedules. When the exam date is set, moved or removed, `replan` places
every card again by the same rule from its current state (FSRS's own due is recomputed from
the last review and the stability; interval fuzz is not kept).

The old rule stays selectable for comparison: the setting SRS_EXAM_SCHEDULING is "spread"
(the default, the rule above) or "cap" (`exam_cap`: nothing due later than EXAM_CAP_DAYS
before the exam day, halfway there when the exam is closer). Only the services read it.

Recall is FSRS's: `Scheduler.get_card_retrievability` counts whole days elapsed, so a
review less than a day before the exam moment predicts full recall.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from statistics import median
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

HARD_FACTOR = 1.5
EASY_FACTOR = 0.6
USUAL_TIME_MIN_SAMPLES = 10
USUAL_TIME_WINDOW = 50  # recent correct answers that define the learner's usual time
EXAM_CAP_DAYS = 3  # "cap" scheduling: nothing due later than this many days before the exam
EXAM_HOUR = 9  # recall on exam day is predicted at 9:00 local time (a typical exam slot)
WINDOW_FRACTION = 0.15  # a due before the exam may move this share of its interval either way
FINAL_REVIEW_FRACTION = 0.5  # the review that carries a card to the exam: not in the first half
EXAM_SCHEDULING_MODES = ("spread", "cap")
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


# ---- exam-aware scheduling ---------------------------------------------------------------


def exam_moment(day: date, time_zone: str) -> datetime:
    """When recall is predicted for a day: EXAM_HOUR local time, in UTC."""
    return utc(datetime.combine(day, time(EXAM_HOUR), tzinfo=ZoneInfo(time_zone)))


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def day_start(day: date, time_zone: str) -> datetime:
    """Local midnight of a day, in UTC (DST-aware)."""
    return utc(datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)))


@dataclass(frozen=True)
class Exam:
    """The exam a learner's reviews are planned for."""

    day: date
    time_zone: str

    @property
    def at(self) -> datetime:
        return exam_moment(self.day, self.time_zone)

    @property
    def eve(self) -> date:
        """The last day a review can be planned on: the day before the exam day."""
        return self.day - timedelta(days=1)

    @property
    def starts(self) -> datetime:
        """Local midnight of the exam day, in UTC: cards due from then are due after it."""
        return day_start(self.day, self.time_zone)


def interval_days(scheduler: Scheduler, stability: float) -> int:
    """py-fsrs's interval (whole days, unfuzzed) for a Review card of this stability: the
    days until its recall falls to the desired retention (FSRS-6's power forgetting curve)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    days = stability / factor * (scheduler.desired_retention ** (1 / decay) - 1)
    return min(max(round(days), 1), scheduler.maximum_interval)


def own_due(scheduler: Scheduler, card: Card) -> datetime:
    """Where FSRS itself would have the card due: a Review card one interval after its last
    review (unfuzzed); a learning or relearning step where it is."""
    if card.state == State.Review and card.last_review and card.stability:
        return card.last_review + timedelta(days=interval_days(scheduler, card.stability))
    return card.due


def recall_at(scheduler: Scheduler, card: Card, moment: datetime) -> float:
    return scheduler.get_card_retrievability(card, current_datetime=moment)


def _good_review_holds(scheduler: Scheduler, card: Card, at: datetime, exam: Exam) -> bool:
    """Would a Good review at `at` leave the card's recall at the exam at the target?"""
    after, _log = scheduler.review_card(card, Rating.Good, review_datetime=at)
    return recall_at(scheduler, after, exam.at) >= scheduler.desired_retention


def _last_true(lo: int, hi: int, holds: Callable[[int], bool]) -> int | None:
    """The largest n in [lo, hi] with holds(n), for a predicate true up to a point."""
    found = None
    while lo <= hi:
        mid = (lo + hi) // 2
        if holds(mid):
            found, lo = mid, mid + 1
        else:
            hi = mid - 1
    return found


def _first_true(lo: int, hi: int, holds: Callable[[int], bool]) -> int | None:
    """The smallest n in [lo, hi] with holds(n), for a predicate true from a point on."""
    found = None
    while lo <= hi:
        mid = (lo + hi) // 2
        if holds(mid):
            found, hi = mid, mid - 1
        else:
            lo = mid + 1
    return found


def final_review_days(
    scheduler: Scheduler, card: Card, *, exam: Exam, first: date, last: date
) -> tuple[date, date] | None:
    """The earliest and latest day in [first, last] whose review (rated Good, at the day's
    start: the earliest it can happen, so the least it can do) still leaves the card's
    recall at the exam at the desired retention; the latest is `last` when no day does (as
    close as the days allow). None when first > last.

    A later Good review both finds recall lower (a larger stability gain) and leaves less
    time before the exam, so the days that hold form a run ending at `last`: each end is
    found by bisection (a few fsrs reviews, however far the exam)."""
    if first > last:
        return None

    def holds(n: int) -> bool:
        at = day_start(date.fromordinal(n), exam.time_zone)
        return _good_review_holds(scheduler, card, at, exam)

    latest = _last_true(first.toordinal(), last.toordinal(), holds)
    if latest is None:
        return last, last
    earliest = _first_true(first.toordinal(), latest, holds)
    return date.fromordinal(earliest or latest), date.fromordinal(latest)


def least_loaded(first: date, last: date, loads: Mapping[date, int]) -> date:
    """The day in [first, last] with the fewest cards due; the latest of those on a tie.
    A single day is returned without looking at the loads (they may be read on demand)."""
    if first >= last:
        return last
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return min(days, key=lambda day: (loads.get(day, 0), -day.toordinal()))


def plan_due(
    scheduler: Scheduler,
    card: Card,
    *,
    now: datetime,
    exam: Exam | None,
    loads: Mapping[date, int],
    first: date | None = None,
    last: date | None = None,
) -> datetime | None:
    """Where a card FSRS has just scheduled (card.due) should be due, given the exam (see the
    module docstring). `first` is the first day it may be planned on (default: tomorrow,
    after a review), `last` an extra bound (a stronger rating's day less one). None when the
    card needs a day before the exam and [first, last] has none."""
    if exam is None or exam.at <= now or card.state != State.Review:
        return card.due
    today = local_date(now, exam.time_zone)
    first = first or today + timedelta(days=1)
    last = min(exam.eve, last) if last else exam.eve
    due_day = local_date(card.due, exam.time_zone)
    if due_day <= exam.eve:
        interval = (card.due - (card.last_review or now)).total_seconds() / 86_400
        reach = timedelta(days=round(WINDOW_FRACTION * interval))
        lo, hi = max(first, due_day - reach), min(last, due_day + reach)
    elif recall_at(scheduler, card, exam.at) >= scheduler.desired_retention:
        return card.due
    else:
        days = final_review_days(scheduler, card, exam=exam, first=first, last=last)
        if days is None:
            return None
        earliest, hi = days
        late_enough = today + timedelta(days=math.ceil(FINAL_REVIEW_FRACTION * (hi - today).days))
        lo = max(earliest, late_enough)
    if lo > hi:
        # A stronger rating (or the exam) took the days of the window: the latest day left.
        if hi < first:
            return None
        lo = hi
    day = least_loaded(lo, hi, loads)
    # Due from the day's start: there whenever the learner studies that day (a morning
    # learner would miss a review due on the eve at the time of day of the last one).
    return max(day_start(day, exam.time_zone), now)


def plan_ratings(
    scheduler: Scheduler,
    before: Card,
    *,
    now: datetime,
    exam: Exam | None,
    loads: Mapping[date, int],
) -> dict[Rating, Card]:
    """The card each rating would give, each due where exam-aware scheduling puts it.

    Easy is planned first, then Good on an earlier day, then Hard on an earlier day still,
    so the previews stay distinct and increasing. A weaker rating left without a day (the
    stronger took the first one allowed) falls due halfway to the stronger rating's due,
    later today. When even Easy finds no day before the exam (it is tomorrow), every rating
    keeps FSRS's own due, a stronger one at least a day after a weaker one."""
    reviewed = {
        rating: scheduler.review_card(before, rating, review_datetime=utc(now))[0]
        for rating in Rating
    }
    if exam is None or exam.at <= now:
        return reviewed
    planned: dict[Rating, Card] = {Rating.Again: reviewed[Rating.Again]}
    stronger: datetime | None = None  # the planned due of the stronger rating
    for rating in (Rating.Easy, Rating.Good, Rating.Hard):
        card = reviewed[rating]
        last = local_date(stronger, exam.time_zone) - timedelta(days=1) if stronger else None
        due = plan_due(scheduler, card, now=now, exam=exam, loads=loads, last=last)
        if due is None:
            if stronger is None:
                return _apart(reviewed)
            due = utc(now) + (stronger - utc(now)) / 2
        planned[rating] = _with_due(card, due)
        stronger = due
    if _increasing(planned):
        return planned
    return _apart(reviewed)


def _with_due(card: Card, due: datetime) -> Card:
    moved = Card.from_dict(card.to_dict())
    moved.due = due
    return moved


def _increasing(cards: Mapping[Rating, Card]) -> bool:
    dues = [cards[rating].due for rating in Rating]
    return all(a < b for a, b in pairwise(dues))


def _apart(reviewed: Mapping[Rating, Card]) -> dict[Rating, Card]:
    """FSRS's own dues, each at least a day after the weaker rating's when it is a day or
    more away (rounding can give Hard and Good the same interval)."""
    apart = dict(reviewed)
    previous = None
    for rating in Rating:
        card = apart[rating]
        if previous is not None and card.state == State.Review and card.due <= previous:
            card = _with_due(card, previous + timedelta(days=1))
            apart[rating] = card
        previous = card.due
    return apart


def replan(
    scheduler: Scheduler,
    cards: Sequence[Card],
    *,
    now: datetime,
    exam: Exam | None,
    mode: str = "spread",
) -> list[datetime]:
    """Every card's due (in the order given) after the exam date was set, moved or removed,
    by the rule a review applies, from each card's current state.

    Learning and relearning steps keep their due. A Review card starts from FSRS's own due
    (`own_due`): overdue ones stay due; the others are planned in order of that due, each
    counted on its day before the next is placed, so the load spreads as it would have
    review by review. Without an exam ahead every card gets FSRS's own due back."""
    owns = [own_due(scheduler, card) for card in cards]
    if exam is None or exam.at <= now:
        return owns
    if mode == "cap":
        cap = exam_cap(exam_date=exam.day, time_zone=exam.time_zone, now=now)
        return [
            max(cap, now) if cap and card.state == State.Review and own > cap else own
            for card, own in zip(cards, owns, strict=True)
        ]
    dues = list(owns)
    loads: dict[date, int] = {}
    waiting = []
    for index, (card, own) in enumerate(zip(cards, owns, strict=True)):
        if card.state == State.Review and own > now:
            waiting.append(index)
        else:
            day = local_date(own, exam.time_zone)
            loads[day] = loads.get(day, 0) + 1
    today = local_date(now, exam.time_zone)
    for index in sorted(waiting, key=lambda i: owns[i]):
        card = _with_due(cards[index], owns[index])
        due = plan_due(scheduler, card, now=now, exam=exam, loads=loads, first=today)
        dues[index] = due or owns[index]
        day = local_date(dues[index], exam.time_zone)
        loads[day] = loads.get(day, 0) + 1
    return dues


def waiting_at_exam(
    due_by_day: Mapping[date, int], *, today: date, exam: Exam, room_today: int, per_day: int
) -> int:
    """Reviews still waiting when the exam comes, if the learner does `per_day` a day (room_today
    today) and each day's due cards join the queue: what a daily limit leaves undone before
    the exam. due_by_day counts overdue cards on today. Counts only the reviews planned now;
    reviews they lead to come on top."""
    waiting = max(0, due_by_day.get(today, 0) - room_today)
    day = today + timedelta(days=1)
    while day <= exam.eve:
        waiting = max(0, waiting + due_by_day.get(day, 0) - per_day)
        day += timedelta(days=1)
    return waiting


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


def due_label(card: Card, *, now: datetime, time_zone: str) -> str:
    """How far away a rating's due is, for its button: a review on a later day counts local
    days (a review due from tomorrow's midnight is "1 d", not "9 h"); steps within a day
    count minutes and hours."""
    days = (local_date(card.due, time_zone) - local_date(now, time_zone)).days
    if card.state == State.Review and days >= 1:
        return interval_label(timedelta(days=days))
    return interval_label(card.due - utc(now))


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
    "EXAM_HOUR",
    "EXAM_SCHEDULING_MODES",
    "FINAL_REVIEW_FRACTION",
    "LEECH_LAPSES",
    "USUAL_TIME_WINDOW",
    "WINDOW_FRACTION",
    "Card",
    "Exam",
    "Rating",
    "State",
    "day_start",
    "due_label",
    "exam_cap",
    "exam_moment",
    "final_review_days",
    "interval_days",
    "interval_label",
    "least_loaded",
    "local_date",
    "local_day_start",
    "own_due",
    "plan_due",
    "plan_ratings",
    "rating_for",
    "recall_at",
    "replan",
    "review",
    "scheduler_for",
    "utc",
    "waiting_at_exam",
]
