"""The dashboard's reads: mastery per topic, the last 30 days of activity and the streak,
and the session to continue; a fixed number of queries whatever the learner's history."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

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


def _mastery(user) -> list[TopicMastery]:
    """Per answered topic: distinct questions answered, live questions, and % right (by
    today's key) over the latest RECENT_WINDOW answers. Three queries: two passes over the
    learner's own answers and the answered topics with their live question counts (not
    subqueries per topic, which grew with topics x history). Answers are grouped by topic id
    alone: grouping by the topic's text columns made PostgreSQL sort by collation."""
    answers = AnswerRecord.objects.filter(user=user)
    counts = dict(
        answers.values("question__topic")
        .annotate(answered=Count("question", distinct=True))
        .values_list("question__topic", "answered")
        .order_by()
    )
    recent = (
        answers.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("question__topic"),
                order_by=[F("answered_at").desc(), F("pk").desc()],
            ),
            right_now=Case(When(CORRECT_NOW, then=1), default=0),
        )
        .filter(rank__lte=RECENT_WINDOW)
        .values_list("question__topic", "right_now")
    )
    live_question = Q(
        questions__status=Question.Status.PUBLISHED, questions__duplicate_of__isnull=True
    )
    topics = (
        Topic.objects.filter(pk__in=counts)
        .select_related("certification")
        .annotate(live_questions=Count("questions", filter=live_question))
        .order_by("certification__position", "position", "title")
    )
    right: dict[int, list[int]] = {}
    for topic_id, value in recent:
        right.setdefault(topic_id, []).append(value)
    return [
        TopicMastery(
            topic=topic,
            answered=counts[topic.pk],
            total=topic.live_questions if topic.is_active else 0,
            recent_percent=round(100 * sum(right[topic.pk]) / len(right[topic.pk]))
            if right.get(topic.pk)
            else None,
        )
        for topic in topics
    ]


def dashboard(user, *, daily_goal: int = 20, time_zone: str = "UTC") -> Dashboard:
    """Mastery per topic (3 queries), 30-day activity and streak (1), the session to
    continue (1)."""
    mastery = _mastery(user)
    # Reviews per local day (every answer is one) over the streak's horizon: the per-day
    # counters, not a date cast over the learner's whole answer history.
    today = srs.local_day_start(timezone.now(), time_zone).date()
    per_day = dict(
        ReviewDay.objects.filter(
            user=user, day__gte=today - timedelta(days=STREAK_HORIZON_DAYS), reviews__gt=0
        ).values_list("day", "reviews")
    )
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
