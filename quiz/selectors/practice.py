"""Reads for the practice flow, flagged list and dashboard: a fixed number of queries each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, F, Prefetch, Q, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Choice,
    Flag,
    PracticeItem,
    PracticeSession,
    Question,
    QuestionReference,
)
from quiz.selectors.bank import CORRECT_NOW
from study.models import Topic


def session_for(user, pk: int) -> PracticeSession:
    """The learner's own session; anyone else's is a 404."""
    return get_object_or_404(PracticeSession, pk=pk, user=user)


def question_prefetches(prefix: str = "") -> list[Prefetch]:
    """What the shared question/feedback templates need, without queries per choice."""
    return [
        Prefetch(f"{prefix}choices", queryset=Choice.objects.order_by("position")),
        Prefetch(f"{prefix}key_revisions", queryset=AnswerKeyRevision.objects.order_by("position")),
        Prefetch(
            f"{prefix}references",
            queryset=QuestionReference.objects.select_related("note__topic").order_by("position"),
        ),
    ]


def item_for_page(session: PracticeSession, position: int) -> PracticeItem:
    queryset = (
        PracticeItem.objects.filter(session=session)
        .select_related("question", "question__topic")
        .prefetch_related(*question_prefetches("question__"))
    )
    return get_object_or_404(queryset, position=position)


@dataclass
class Progress:
    answered: int
    correct: int
    total: int
    next_position: int | None  # first unanswered, None when all are answered

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def session_progress(session: PracticeSession) -> Progress:
    row = session.items.aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        correct=Count("pk", filter=Q(is_correct=True)),
        total=Count("pk"),
    )
    next_item = (
        session.items.filter(answered_at__isnull=True)
        .order_by("position")
        .values("position")
        .first()
    )
    return Progress(
        row["answered"], row["correct"], row["total"], next_item["position"] if next_item else None
    )


def unfinished_sessions(user, limit: int = 5) -> list[PracticeSession]:
    return list(
        PracticeSession.objects.filter(user=user, finished_at__isnull=True)
        .annotate(answered=Count("items", filter=Q(items__answered_at__isnull=False)))
        .order_by("-started_at")[:limit]
    )


def is_flagged(user, question: Question) -> bool:
    return Flag.objects.filter(user=user, question=question).exists()


@dataclass
class TopicScore:
    topic: Topic
    answered: int = 0
    correct: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


@dataclass
class Summary:
    session: PracticeSession
    total: int
    answered: int
    correct: int
    seconds: int
    topics: list[TopicScore]
    missed: list[PracticeItem]

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def duration(self) -> str:
        minutes, seconds = divmod(self.seconds, 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def session_summary(session: PracticeSession) -> Summary:
    items = list(
        session.items.select_related(
            "question", "question__topic", "question__question_set"
        ).order_by("position")
    )
    topics: dict[int, TopicScore] = {}
    for item in items:
        score = topics.setdefault(item.question.topic_id, TopicScore(item.question.topic))
        if item.is_answered:
            score.answered += 1
            score.correct += bool(item.is_correct)
    answered_times = [item.answered_at for item in items if item.answered_at]
    end = max(answered_times) if answered_times else (session.finished_at or session.started_at)
    return Summary(
        session=session,
        total=len(items),
        answered=sum(item.is_answered for item in items),
        correct=sum(bool(item.is_correct) for item in items),
        seconds=max(0, int((end - session.started_at).total_seconds())),
        topics=sorted(topics.values(), key=lambda t: (t.topic.position, t.topic.title)),
        missed=[item for item in items if not item.is_correct],
    )


def flagged_questions(user) -> list[Flag]:
    return list(
        Flag.objects.filter(user=user, question__status=Question.Status.PUBLISHED)
        .select_related("question", "question__topic", "question__question_set")
        .order_by("-created_at")
    )


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


RECENT_WINDOW = 20
ACTIVITY_DAYS = 30


def dashboard(user, *, daily_goal: int = 20) -> Dashboard:
    """Mastery per topic, 30-day activity, streak and the session to continue (7 queries)."""
    answers = AnswerRecord.objects.filter(user=user)
    answered = dict(
        answers.values("question__topic")
        .annotate(n=Count("question", distinct=True))
        .values_list("question__topic", "n")
    )
    recent = (
        answers.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("question__topic")], order_by=F("answered_at").desc()
            )
        )
        .filter(rank__lte=RECENT_WINDOW)
        .annotate(correct_now=Case(When(CORRECT_NOW, then=True), default=False))
        .values_list("question__topic", "correct_now")
    )
    recent_scores: dict[int, list[bool]] = defaultdict(list)
    for topic_id, is_correct in recent:
        recent_scores[topic_id].append(is_correct)
    totals = dict(
        Question.objects.live()
        .filter(topic__in=list(answered))
        .values("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
    )
    topics = Topic.objects.filter(pk__in=list(answered)).select_related("certification")
    mastery = [
        TopicMastery(
            topic=topic,
            answered=answered[topic.pk],
            total=totals.get(topic.pk, 0),
            recent_percent=round(100 * sum(recent_scores[topic.pk]) / len(recent_scores[topic.pk]))
            if recent_scores[topic.pk]
            else None,
        )
        for topic in topics
    ]
    today = timezone.localdate()
    start = today - timedelta(days=ACTIVITY_DAYS - 1)
    per_day = dict(
        answers.filter(answered_at__date__gte=start)
        .annotate(day=TruncDate("answered_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    activity = [
        (start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0))
        for i in range(ACTIVITY_DAYS)
    ]
    active_days = set(
        answers.filter(answered_at__date__gte=today - timedelta(days=730)).dates(
            "answered_at", "day"
        )
    )
    streak = 0
    day = today if today in active_days else today - timedelta(days=1)
    while day in active_days:
        streak += 1
        day -= timedelta(days=1)
    sessions = unfinished_sessions(user, limit=1)
    return Dashboard(
        topics=sorted(mastery, key=lambda m: (m.topic.certification.position, m.topic.position)),
        activity=activity,
        streak=streak,
        today=per_day.get(today, 0),
        daily_goal=daily_goal,
        continue_session=sessions[0] if sessions else None,
        max_day=max([n for _d, n in activity] + [1]),
    )
