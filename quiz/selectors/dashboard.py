"""The dashboard's reads: mastery per topic, the last 30 days of activity and the streak,
and the session to continue; a fixed number of queries whatever the learner's history."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from config.prepared import PreparedQuery
from quiz import srs
from quiz.models import AnswerRecord, PracticeSession, Question, ReviewDay
from quiz.selectors.bank import CORRECT_NOW
from quiz.selectors.practice import unfinished_sessions
from study.models import Topic


@dataclass
class TopicMastery:
    topic: Topic
    answered: int  # distinct questions answered
    total: int  # live questions in the topic
    recent_percent: int | None  # % correct over the last 20 answers


@dataclass
class Dashboard:
    topics: list[TopicMastery]
    activity: list[tuple[date, int]]  # last 30 days, oldest first
    streak: int
    today: int
    daily_goal: int
    continue_session: PracticeSession | None
    max_day: int = field(default=1)

    @property
    def has_answered(self) -> bool:
        """Whether the learner has answered anything yet (every answered topic is listed)."""
        return bool(self.topics)


RECENT_WINDOW = 20
ACTIVITY_DAYS = 30
STREAK_HORIZON_DAYS = 730


# The dashboard's queries, each compiled once per process (config.prepared): building them
# cost more than running them. Per learner: distinct questions answered per topic; whether
# each of the latest RECENT_WINDOW answers per topic is right by today's key; the topics
# answered, with their live question counts; reviews per local day since a date.
_ANSWERED_PER_TOPIC = PreparedQuery(
    lambda user_id: (
        AnswerRecord.objects.filter(user_id=user_id)
        .values("question__topic")
        .annotate(answered=Count("question", distinct=True))
        .order_by()
    ),
    int,
)
_RECENT_RIGHT = PreparedQuery(
    lambda user_id: (
        AnswerRecord.objects.filter(user_id=user_id)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("question__topic"),
                order_by=[F("answered_at").desc(), F("pk").desc()],
            ),
            right_now=Case(When(CORRECT_NOW, then=1), default=0),
        )
        .filter(rank__lte=RECENT_WINDOW)
        .values("question__topic", "right_now")
    ),
    int,
)
_ANSWERED_TOPICS = PreparedQuery(
    lambda user_id: (
        Topic.objects.filter(
            pk__in=AnswerRecord.objects.filter(user_id=user_id).values("question__topic")
        )
        .select_related("certification")
        .annotate(
            live_questions=Count(
                "questions",
                filter=Q(
                    questions__status=Question.Status.PUBLISHED,
                    questions__duplicate_of__isnull=True,
                ),
            )
        )
        .order_by("certification__position", "position", "title")
    ),
    int,
)
_REVIEWS_PER_DAY = PreparedQuery(
    lambda user_id, since: ReviewDay.objects.filter(
        user_id=user_id, day__gte=since, reviews__gt=0
    ).values("day", "reviews"),
    int,
    date,
)


def _mastery(user) -> list[TopicMastery]:
    """Per answered topic: distinct questions answered, live questions, and % right (by
    today's key) over the latest RECENT_WINDOW answers. Three queries: two passes over the
    learner's own answers and the answered topics with their live question counts (not
    subqueries per topic, which grew with topics x history). Answers are grouped by topic id
    alone: grouping by the topic's text columns made PostgreSQL sort by collation."""
    counts = {row["question__topic"]: row["answered"] for row in _ANSWERED_PER_TOPIC(user.pk)}
    right: dict[int, list[int]] = {}
    for row in _RECENT_RIGHT(user.pk):
        right.setdefault(row["question__topic"], []).append(row["right_now"])
    return [
        TopicMastery(
            topic=topic,
            answered=counts[topic.pk],
            total=topic.live_questions if topic.is_active else 0,
            recent_percent=round(100 * sum(right[topic.pk]) / len(right[topic.pk]))
            if right.get(topic.pk)
            else None,
        )
        for topic in _ANSWERED_TOPICS(user.pk)
        if topic.pk in counts
    ]


def dashboard(user, *, daily_goal: int = 20, time_zone: str = "UTC") -> Dashboard:
    """Mastery per topic (3 queries), 30-day activity and streak (1), the session to
    continue (1)."""
    mastery = _mastery(user)
    # Reviews per local day (every answer is one) over the streak's horizon: the per-day
    # counters, not a date cast over the learner's whole answer history.
    today = srs.local_day_start(timezone.now(), time_zone).date()
    since = today - timedelta(days=STREAK_HORIZON_DAYS)
    per_day = {row["day"]: row["reviews"] for row in _REVIEWS_PER_DAY(user.pk, since)}
    start = today - timedelta(days=ACTIVITY_DAYS - 1)
    activity = [
        (start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0))
        for i in range(ACTIVITY_DAYS)
    ]
    streak = 0
    day = today if today in per_day else today - timedelta(days=1)
    while day in per_day:
        streak += 1
        day -= timedelta(days=1)
    sessions = unfinished_sessions(user, limit=1)
    return Dashboard(
        topics=mastery,
        activity=activity,
        streak=streak,
        today=per_day.get(today, 0),
        daily_goal=daily_goal,
        continue_session=sessions[0] if sessions else None,
        max_day=max([n for _d, n in activity] + [1]),
    )
