"""The dashboard's reads: the topics practised most recently with their mastery, the last 30
days of activity and the streak, and the session to continue; a fixed number of queries and
rows whatever the learner's history. The progress page lists every topic answered in."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.prepared import PreparedQuery, run_together
from quiz import srs
from quiz.models import PracticeSession, ReviewDay, TopicProgress
from quiz.selectors.practice import unfinished_query
from study.models import Topic


@dataclass
class TopicMastery:
    topic: Topic
    answered: int  # distinct questions answered
    total: int  # live questions in the topic
    recent_percent: int | None  # % right by today's key over the latest 20 answers


@dataclass
class Dashboard:
    topics: list[TopicMastery]  # the latest practised, at most DASHBOARD_TOPICS
    topics_practised: int  # all topics answered in
    activity: list[tuple[date, int]]  # last 30 days, oldest first
    streak: int
    today: int
    daily_goal: int
    continue_session: PracticeSession | None
    max_day: int = field(default=1)

    @property
    def has_answered(self) -> bool:
        """Whether the learner has answered anything yet (a topic row is kept per answer)."""
        return bool(self.topics)

    @property
    def more_topics(self) -> int:
        """Topics answered in that the dashboard does not list (the progress page does)."""
        return self.topics_practised - len(self.topics)


DASHBOARD_TOPICS = 8  # the topics practised most recently; the rest on the progress page
ACTIVITY_DAYS = 30
STREAK_HORIZON_DAYS = 730


def _progress(user_id: int):
    return (
        TopicProgress.objects.filter(user_id=user_id)
        .select_related("topic__certification")
        # Live questions in the topic: the count the database keeps (TopicQuestionCount).
        .annotate(live_questions=Coalesce("topic__question_count__live", 0))
    )


# The dashboard's queries, each compiled once per process (config.prepared): building them
# cost more than running them. The learner's per-topic rows (kept by the database as
# answers arrive: quiz.models.TopicProgress), the latest few with how many there are; all of
# them for the progress page; reviews per local day since a date.
_LATEST_PROGRESS = PreparedQuery(
    lambda user_id: (
        _progress(user_id)
        .annotate(practised=Window(Count("pk")))
        .order_by("-last_answered_at", "topic_id")[:DASHBOARD_TOPICS]
    ),
    int,
)
_ALL_PROGRESS = PreparedQuery(
    lambda user_id: _progress(user_id).order_by(
        "topic__certification__position", "topic__position", "topic__title"
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


def _mastery(row: TopicProgress) -> TopicMastery:
    return TopicMastery(
        topic=row.topic,
        answered=row.answered,
        total=row.live_questions if row.topic.is_active else 0,
        recent_percent=row.recent_percent,
    )


def progress_topics(user) -> list[TopicMastery]:
    """Every topic the learner has answered in, in the bank's order (one query)."""
    return [_mastery(row) for row in _ALL_PROGRESS(user.pk)]


def dashboard(user, *, daily_goal: int = 20, time_zone: str = "UTC") -> Dashboard:
    """The topics practised most recently, 30-day activity and streak, the session to
    continue: three queries in one round trip, the same work for 20 answers as for 20,000."""
    # Reviews per local day (every answer is one) over the streak's horizon: the per-day
    # counters, not a date cast over the learner's whole answer history.
    today = srs.local_day_start(timezone.now(), time_zone).date()
    since = today - timedelta(days=STREAK_HORIZON_DAYS)
    latest, days, sessions = run_together(
        (_LATEST_PROGRESS, (user.pk,)),
        (_REVIEWS_PER_DAY, (user.pk, since)),
        (unfinished_query(1), (user.pk,)),
    )
    per_day = {row["day"]: row["reviews"] for row in days}
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
    return Dashboard(
        topics=[_mastery(row) for row in latest],
        topics_practised=latest[0].practised if latest else 0,
        activity=activity,
        streak=streak,
        today=per_day.get(today, 0),
        daily_goal=daily_goal,
        continue_session=sessions[0] if sessions else None,
        max_day=max([n for _d, n in activity] + [1]),
    )
