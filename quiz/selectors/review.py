"""Reads for spaced repetition: the due queue, limits, forecast, retention, exam-day recall."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from config.prepared import PreparedQuery, run_together
from quiz import srs
from quiz.models import (
    AnswerSource,
    Profile,
    Question,
    QuestionReference,
    ReviewCard,
    ReviewDay,
    ReviewLog,
    TopicCardCount,
    TopicQuestionCount,
    UsualTimes,
)

FORECAST_DAYS = 14
RETENTION_DAYS = 30


# A card whose question is still shown (published, not merged away, topic active), by
# joins: one primary-key lookup per card. Counts over a range of the learner's cards use
# _shown() instead, which keeps them to the card index.
LIVE_CARD = Q(
    question__status=Question.Status.PUBLISHED,
    question__duplicate_of__isnull=True,
    question__topic__is_active=True,
)


def _live_cards(user):
    """The learner's cards for questions still shown (not retired, not merged away)."""
    return ReviewCard.objects.filter(LIVE_CARD, user=user)


def due_queue(user, *, now: datetime, limit: int) -> list[int]:
    """Question ids due now, in the order a review session serves them: one query.

    First the cards just missed (a learning or relearning step at its start: answered wrong,
    or relearning after a key change), then the other learning steps, then review cards;
    within each, the most overdue (earliest due) first. A card served gets a later due, so
    under a daily limit the queue rotates: every waiting card comes to the front in turn,
    instead of the weakest cards coming back every day while others wait until the exam.
    """
    stepping = Q(state__in=[ReviewCard.State.LEARNING, ReviewCard.State.RELEARNING])
    priority = Case(
        When(stepping & Q(step=0), then=Value(0)),
        When(stepping, then=Value(1)),
        default=Value(2),
    )
    return list(
        _live_cards(user)
        .filter(due__lte=now)
        .annotate(priority=priority)
        .order_by("priority", "due", "pk")
        .values_list("question_id", flat=True)[:limit]
    )


def due_per_day(
    user, *, time_zone: str, start: datetime, end: datetime, exclude: int | None = None
) -> dict[date, int]:
    """The learner's cards due in [start, end), counted per local day: one query (what
    exam-aware scheduling calls the load of each day). `exclude` leaves out the card being
    planned."""
    cards = ReviewCard.objects.filter(user=user, due__gte=start, due__lt=end)
    if exclude is not None:
        cards = cards.exclude(pk=exclude)
    rows = (
        cards.annotate(day=TruncDate("due", tzinfo=ZoneInfo(time_zone)))
        .order_by()
        .values("day")
        .annotate(cards=Count("pk"))
        .values_list("day", "cards")
    )
    return dict(rows)


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
    due_now: int  # due now and within today's review limit: what a session can serve
    new_available: int
    reviews_today: int
    new_today: int
    due_total: int = 0  # due now, whatever the limit (overdue and missed cards included)

    @property
    def waiting(self) -> int:
        """Cards due now that today's review limit leaves for later days."""
        return max(0, self.due_total - self.due_now)


def _count(cards: QuerySet) -> Coalesce:
    """How many rows: a scalar subquery (0 when none)."""
    return Coalesce(
        Subquery(cards.order_by().values("user_id").annotate(n=Count("pk")).values("n")), 0
    )


def _shown(cards: QuerySet) -> QuerySet:
    """Cards whose question is still shown, without looking up each card's question: the
    questions not shown are excluded by id (Question.objects.not_live_ids)."""
    for ids in Question.objects.not_live_ids():
        cards = cards.exclude(question__in=ids)
    return cards


# Today's counts, as columns of the learner's own user row (user, now, day start): cards
# due now (their questions still shown), cards first studied today and reviews done today.
# Index range counts: cards due, not every card the learner has.
_TODAY = PreparedQuery(
    lambda user_id, now, day_start: (
        get_user_model()
        .objects.filter(pk=user_id)
        .values(
            due_now=_count(_shown(ReviewCard.objects.filter(user_id=user_id, due__lte=now))),
            new_today=_count(ReviewCard.objects.filter(user_id=user_id, created_at__gte=day_start)),
            reviews_today=_count(
                ReviewLog.objects.filter(
                    user_id=user_id, reviewed_at__gte=day_start, source=AnswerSource.REVIEW
                )
            ),
        )
    ),
    int,
    datetime,
    datetime,
)


def _unseen_query(targeted: bool) -> PreparedQuery:
    """Live questions (of the target certification) and how many of them have a card of the
    learner: (user[, certification]). Read only while new questions are still allowed today.
    Both are counts the database keeps per topic (TopicQuestionCount, TopicCardCount),
    summed over active topics: a row per topic, whatever the bank's or the learner's size."""

    def build(user_id, certification=None):
        counts = TopicQuestionCount.objects.filter(topic__is_active=True)
        cards = TopicCardCount.objects.filter(user_id=user_id, topic__is_active=True)
        if targeted:
            counts = counts.filter(topic__certification=certification)
            cards = cards.filter(topic__certification=certification)
        live = counts.order_by().values("topic__is_active").annotate(n=Sum("live")).values("n")
        counted = cards.order_by().values("user_id").annotate(n=Sum("live")).values("n")
        return (
            get_user_model()
            .objects.filter(pk=user_id)
            .values(live=Coalesce(Subquery(live), 0), counted=Coalesce(Subquery(counted), 0))
        )

    return PreparedQuery(build, *((int, int) if targeted else (int,)))


_UNSEEN = {targeted: _unseen_query(targeted) for targeted in (False, True)}
# Cards due on each of the next days (before its local midnight; the first day includes what
# is overdue), their questions still shown: one range of the (learner, due, question) index,
# each card placed by a CASE that stops at its day (14 counts per card cost 3 times more).
_FORECAST = PreparedQuery(
    lambda user_id, *ends: (
        _shown(ReviewCard.objects.filter(user_id=user_id, due__lt=ends[-1]))
        .annotate(
            day=Case(
                *[When(due__lt=end, then=Value(i)) for i, end in enumerate(ends)],
                output_field=IntegerField(),
            )
        )
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    ),
    int,
    *[datetime] * FORECAST_DAYS,
)


def _review_tally(
    user, profile: Profile, *, now: datetime, forecast: bool = False
) -> tuple[ReviewCounts, list[tuple[date, int]]]:
    """Today's counts and (with forecast) the next 14 days' due counts by the learner's local
    date: one query for today's counts, one over the cards due in the next 14 days and,
    while new questions are still allowed today, one for the live questions not yet
    studied. All compiled once per process (config.prepared): building them cost more than
    running them.

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
    if ends:  # one round trip for both
        tallies, forecast_rows = run_together(
            (_TODAY, (user.pk, now, day_start)), (_FORECAST, (user.pk, *ends))
        )
    else:
        tallies, forecast_rows = _TODAY(user.pk, now, day_start), []
    tally = tallies[0]
    due_on = {row["day"]: row["n"] for row in forecast_rows}
    reviews_today = tally["reviews_today"]
    new_room = max(0, profile.new_per_day - tally["new_today"])
    # Unseen = live questions (of the target exam) minus those with a card: two counts, no
    # per-question existence check.
    unseen = 0
    if new_room:
        certification = profile.target_certification_id
        row = (_UNSEEN[True](user.pk, certification) if certification else _UNSEEN[False](user.pk))[
            0
        ]
        unseen = min(new_room, max(0, row["live"] - row["counted"]))
    counts = ReviewCounts(
        due_now=min(tally["due_now"], max(0, profile.max_reviews_per_day - reviews_today)),
        new_available=unseen,
        reviews_today=reviews_today,
        new_today=tally["new_today"],
        due_total=tally["due_now"],
    )
    days = [(today + timedelta(days=i), due_on.get(i, 0)) for i in range(len(ends))]
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
    rows = _RETENTION(user.pk, first_day)
    return (rows[0]["passed"], rows[0]["total"]) if rows else (0, 0)


_RETENTION = PreparedQuery(
    lambda user_id, since: (
        ReviewDay.objects.filter(user_id=user_id, day__gte=since)
        .values("user_id")
        .annotate(total=Sum("reviews"), passed=Sum("passed"))
        .order_by()
    ),
    int,
    date,
)


def exam_scheduling() -> str:
    """How reviews are placed around the exam date: settings.SRS_EXAM_SCHEDULING, "spread"
    unless set, or "cap" (the old rule, kept for comparison; see quiz.srs)."""
    mode = getattr(settings, "SRS_EXAM_SCHEDULING", "spread")
    if mode not in srs.EXAM_SCHEDULING_MODES:
        raise ImproperlyConfigured(
            f"SRS_EXAM_SCHEDULING is {mode!r}; use one of {', '.join(srs.EXAM_SCHEDULING_MODES)}."
        )
    return mode


def profile_scheduler(profile: Profile, *, fuzzing: bool = True) -> srs.Scheduler:
    """The learner's FSRS scheduler: their retention and fitted parameters. Interval fuzz as
    settings.SRS_FUZZING says, unless `fuzzing` is off (exam planning spreads the load
    itself, and its previews must be exactly what a rating schedules)."""
    return srs.scheduler_for(
        desired_retention=profile.desired_retention,
        parameters=profile.fsrs_parameters,
        fuzzing=fuzzing and settings.SRS_FUZZING,
    )


def exam_moment(day: date, time_zone: str) -> datetime:
    """When recall is predicted for a day: 9:00 local time (a typical exam slot)."""
    return srs.exam_moment(day, time_zone)


@dataclass
class ExamOutlook:
    """The learner's cards seen from their exam day, read in one query."""

    recall: float | None  # mean predicted recall at the exam moment (None without cards)
    below_target: int  # cards whose recall then, without another review, is below the target
    due_by_day: dict[date, int]  # cards due per local day, today (overdue included) to the eve
    late: int  # cards a daily limit leaves below the target at the exam (srs.waiting_at_exam)


def exam_outlook(
    user, profile: Profile, *, now: datetime, counts: ReviewCounts | None = None
) -> ExamOutlook | None:
    """Mean recall on exam day, the cards that still need a review for it, the reviews planned
    per day until then (FSRS, the learner's scheduler) and, with today's counts, how many cards
    the daily review limit leaves below the target recall at the exam: the reviews still
    waiting when the exam comes, at most the cards below the target. None without an exam
    date ahead."""
    if not profile.exam_date:
        return None
    exam = srs.Exam(day=profile.exam_date, time_zone=profile.time_zone)
    if exam.at <= now:
        return None
    scheduler = profile_scheduler(profile)
    today = srs.local_date(now, profile.time_zone)
    fields = ("state", "step", "stability", "difficulty", "due", "last_review")
    recalls, due_by_day = [], {}
    for stored in _live_cards(user).only(*fields):
        card = srs.card_of(stored)
        recalls.append(scheduler.get_card_retrievability(card, current_datetime=exam.at))
        day = max(today, srs.local_date(card.due, profile.time_zone))
        if day <= exam.eve:
            due_by_day[day] = due_by_day.get(day, 0) + 1
    below_target = sum(r < profile.desired_retention for r in recalls)
    late = 0
    if counts is not None:
        waiting = srs.waiting_at_exam(
            due_by_day,
            today=today,
            exam=exam,
            room_today=max(0, profile.max_reviews_per_day - counts.reviews_today),
            per_day=profile.max_reviews_per_day,
        )
        late = min(waiting, below_target)
    return ExamOutlook(
        recall=sum(recalls) / len(recalls) if recalls else None,
        below_target=below_target,
        due_by_day=due_by_day,
        late=late,
    )


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


_LEECHES = PreparedQuery(
    lambda user_id: (
        ReviewCard.objects.filter(LIVE_CARD, user_id=user_id, is_leech=True)
        .select_related("question", "question__topic", "question__question_set")
        .order_by("-lapses", "pk")
    ),
    int,
)


def leeches(user) -> list[ReviewCard]:
    """Cards missed srs.LEECH_LAPSES times or more, most missed first, with what names them
    (topic, question set) and their notes (read only when there are some)."""
    cards = list(_LEECHES(user.pk))
    if cards:
        prefetch_related_objects(
            cards,
            Prefetch(
                "question__references",
                queryset=QuestionReference.objects.select_related("note__topic"),
            ),
        )
    return cards


def usual_response_ms(user, *, multi: bool) -> list[int]:
    """The learner's recent correct response times on questions of the same kind, newest
    first (their UsualTimes row, kept by the database as answers are recorded)."""
    row = UsualTimes.objects.filter(user=user, multi=multi).values_list("times", flat=True)
    return UsualTimes.parse(row.first())


def _profile_of(user) -> Profile | None:
    """The profile loaded with the user (the request's user brings it along), else None."""
    profile = getattr(user, "_study_profile", None)
    if profile is None:
        try:
            profile = user.profile
        except Profile.DoesNotExist:
            return None
    return profile


def _days_due_ahead(user, profile: Profile | None, *, now: datetime):
    """Annotation part for CardSnapshot: "first-day;day,day,..." — the local day each of the
    learner's other cards falls due on, from tomorrow until their exam day (what exam-aware
    scheduling balances), or None without an exam ahead."""
    if not _has_exam_ahead(profile, now):
        return None
    exam = srs.Exam(day=profile.exam_date, time_zone=profile.time_zone)
    first = srs.local_date(now, profile.time_zone) + timedelta(days=1)
    start = datetime.combine(first, time.min, tzinfo=ZoneInfo(profile.time_zone))
    day = Cast(TruncDate("due", tzinfo=ZoneInfo(profile.time_zone)), CharField())
    days = Subquery(
        ReviewCard.objects.filter(user=user, due__gte=start, due__lt=exam.starts)
        .exclude(question_id=OuterRef("question_id"))
        .order_by()
        .values("user")
        .annotate(days=StringAgg(day, Value(",")))
        .values("days")
    )
    text = CharField()
    return Concat(
        Value(f"{first.isoformat()};"),
        Coalesce(days, Value(""), output_field=text),
        output_field=text,
    )


def earlier_correct_ms(user, *, now: datetime | None = None):
    """Annotation for a query with a `question`, read by CardSnapshot.from_annotations: the
    learner's latest correct response times on questions of its kind (single or multiple
    answer), as "ms,ms,..."; with an exam date ahead, followed by ";" and the days their
    other cards fall due on until then, so recording the answer reads nothing more.

    One subquery for the times: the answers of the kind the question's `choose` gives.
    """
    times = usual_times(user.pk)
    days_due = _days_due_ahead(user, _profile_of(user), now=now or timezone.now())
    if days_due is None:
        return times
    text = CharField()
    return Concat(
        Coalesce(times, Value(""), output_field=text), Value(";"), days_due, output_field=text
    )


def exam_ahead(user, *, now: datetime | None = None) -> bool:
    """Whether earlier_correct_ms has the days due before an exam to add (a time-dependent
    part no prepared query can hold)."""
    return _has_exam_ahead(_profile_of(user), now or timezone.now())


def _has_exam_ahead(profile: Profile | None, now: datetime) -> bool:
    if profile is None or not profile.exam_date:
        return False
    return srs.Exam(day=profile.exam_date, time_zone=profile.time_zone).at > now


def usual_times(user_id):
    """The learner's latest correct response times on questions of the outer question's
    kind, as their UsualTimes row writes them (earlier_correct_ms without an exam ahead):
    one row read by its key, whatever the learner's history."""
    return Subquery(
        UsualTimes.objects.filter(
            user_id=user_id, multi=GreaterThan(OuterRef("question__choose"), 1)
        ).values("times")[:1]
    )


@dataclass
class CardSnapshot:
    """What recording an answer needs besides the answer, read with the page beforehand:
    the learner's card for the question (None before their first answer), their latest
    correct response times on questions of its kind, excluding the answer being recorded,
    and (with an exam date ahead) their other cards due per local day from `loads_from` to
    the exam day."""

    card: ReviewCard | None
    earlier_correct_ms: list[int]
    loads: dict[date, int] | None = None
    loads_from: date | None = None

    @classmethod
    def from_annotations(cls, card: ReviewCard | None, payload: str | None) -> "CardSnapshot":
        times, _sep, rest = (payload or "").partition(";")
        ahead, _sep, days_due = rest.partition(";")
        # The window before this answer: the answer being recorded completes it.
        snapshot = cls(card, UsualTimes.parse(times)[: UsualTimes.WINDOW - 1])
        if ahead:
            snapshot.loads_from = date.fromisoformat(ahead)
            snapshot.loads = {}
            for day in days_due.split(",") if days_due else []:
                local = date.fromisoformat(day)
                snapshot.loads[local] = snapshot.loads.get(local, 0) + 1
        return snapshot


def own_log(user, pk: int) -> ReviewLog | None:
    """One of the learner's own reviews, with its card (to re-rate it)."""
    return ReviewLog.objects.select_related("card").filter(pk=pk, user=user).first()
