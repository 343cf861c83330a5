"""Learners' per-topic progress (TopicProgress), recounted from the answer history.

The database keeps the rows as answers are inserted (the trigger of migration 0028), so the
answer flows write nothing here. What a trigger on inserts cannot see is recounted through
this module: answers moved to another question (a merge) or in time (time travel), a
question moved to another topic, a changed key (the mastery window counts by today's key).
`manage.py progress_check` compares every row with a recount and can repair drift, and
does the same for the live question counts per topic (TopicQuestionCount, kept by triggers
on the questions) and each learner's cards on live questions per topic (TopicCardCount,
kept by triggers on the cards and the questions).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from quiz.models import (
    AnswerRecord,
    Question,
    ReviewCard,
    TopicCardCount,
    TopicProgress,
    TopicQuestionCount,
    UsualTimes,
)
from quiz.selectors.bank import CORRECT_NOW
from study.models import Topic

BATCH = 500  # learners recounted per pass of progress_check


@dataclass(frozen=True)
class Counted:
    answered: int
    answers: int
    last_answered_at: datetime
    recent: str

    @classmethod
    def of(cls, row: TopicProgress) -> "Counted":
        return cls(row.answered, row.answers, row.last_answered_at, row.recent)


@dataclass(frozen=True)
class Drift:
    user_id: int
    topic_id: int
    stored: Counted | None
    expected: Counted | None


def _expected(answers: QuerySet) -> dict[tuple[int, int], Counted]:
    """(learner, topic) -> what its row should say, from these answers (two queries)."""
    totals = (
        answers.values("user", "question__topic")
        .annotate(n=Count("question", distinct=True), total=Count("pk"), last=Max("answered_at"))
        .order_by()
    )
    latest = (
        answers.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user"), F("question__topic")],
                order_by=[F("answered_at").desc(), F("pk").desc()],
            ),
            right=Case(When(CORRECT_NOW, then=Value("1")), default=Value("0")),
        )
        .filter(rank__lte=TopicProgress.RECENT)
        .values_list("user", "question__topic", "rank", "right")
        .order_by()
    )
    windows: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for user_id, topic_id, rank, right in latest:
        windows.setdefault((user_id, topic_id), []).append((rank, right))
    return {
        (row["user"], row["question__topic"]): Counted(
            answered=row["n"],
            answers=row["total"],
            last_answered_at=row["last"],
            # Oldest first: rank 1 is the latest answer, so the highest rank leads.
            recent="".join(
                right
                for _rank, right in sorted(
                    windows[row["user"], row["question__topic"]], reverse=True
                )
            ),
        )
        for row in totals
    }


def _scope(users, topic_ids) -> tuple[QuerySet, QuerySet]:
    answers, rows = AnswerRecord.objects.all(), TopicProgress.objects.all()
    if users is not None:
        answers, rows = answers.filter(user__in=users), rows.filter(user__in=users)
    if topic_ids is not None:
        answers = answers.filter(question__topic__in=topic_ids)
        rows = rows.filter(topic__in=topic_ids)
    return answers, rows


def progress_drift(*, users=None, topic_ids: Iterable[int] | None = None) -> list[Drift]:
    """Rows that differ from a recount of the history (missing and extra rows included), for
    the given learners (ids or a queryset; all when None) in the given topics (all: None)."""
    answers, rows = _scope(users, topic_ids)
    expected = _expected(answers)
    stored = {(row.user_id, row.topic_id): Counted.of(row) for row in rows}
    drift = []
    for user_id, topic_id in sorted(expected.keys() | stored.keys()):
        row = stored.get((user_id, topic_id))
        truth = expected.get((user_id, topic_id))
        if row != truth:
            drift.append(Drift(user_id, topic_id, row, truth))
    return drift


@transaction.atomic
def progress_recount(*, users=None, topic_ids: Iterable[int] | None = None) -> list[Drift]:
    """Rewrite the rows that drifted from the history (see progress_drift); returns them."""
    topic_ids = list(topic_ids) if topic_ids is not None else None
    drift = progress_drift(users=users, topic_ids=topic_ids)
    gone = Q()
    for row in drift:
        if row.expected is None:
            gone |= Q(user_id=row.user_id, topic_id=row.topic_id)
    if gone:
        TopicProgress.objects.filter(gone).delete()
    TopicProgress.objects.bulk_create(
        [
            TopicProgress(user_id=row.user_id, topic_id=row.topic_id, **vars(row.expected))
            for row in drift
            if row.expected is not None
        ],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["answered", "answers", "last_answered_at", "recent"],
    )
    return drift


def progress_refresh(*, question_ids: Iterable[int], topic_ids: Iterable[int]) -> list[Drift]:
    """Recount, in these topics, the rows of every learner who answered these questions: after
    a question changed topic or key, or its answers moved (call it inside the change's
    transaction, after the change)."""
    answerers = AnswerRecord.objects.filter(question_id__in=list(question_ids)).values("user")
    return progress_recount(users=answerers, topic_ids=topic_ids)


def progress_check(*, fix: bool = False, batch: int = BATCH) -> list[Drift]:
    """Every learner's rows against a recount, `batch` learners at a time; with fix, rewritten."""
    found: list[Drift] = []
    ids = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        found += progress_recount(users=chunk) if fix else progress_drift(users=chunk)
    return found


def question_counts_drift() -> list[tuple[int, int, int]]:
    """(topic id, stored, counted) for each topic whose stored live count is not the number
    of its published, non-duplicate questions."""
    counted = dict(
        Question.objects.filter(status=Question.Status.PUBLISHED, duplicate_of__isnull=True)
        .values("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
        .order_by()
    )
    stored = dict(TopicQuestionCount.objects.values_list("topic_id", "live"))
    return [
        (topic_id, stored.get(topic_id, 0), counted.get(topic_id, 0))
        for topic_id in Topic.objects.order_by("pk").values_list("pk", flat=True)
        if stored.get(topic_id, 0) != counted.get(topic_id, 0)
    ]


@transaction.atomic
def question_counts_check(*, fix: bool = False) -> list[tuple[int, int, int]]:
    """question_counts_drift, and with fix the drifted counts rewritten."""
    drift = question_counts_drift()
    if fix and drift:
        TopicQuestionCount.objects.bulk_create(
            [TopicQuestionCount(topic_id=topic_id, live=n) for topic_id, _stored, n in drift],
            update_conflicts=True,
            unique_fields=["topic"],
            update_fields=["live"],
        )
    return drift


def card_counts_drift() -> list[tuple[int, int, int, int]]:
    """(learner id, topic id, stored, counted) for each learner and topic whose stored count
    of cards on live questions is not the number of such cards."""
    counted = {
        (user_id, topic_id): n
        for user_id, topic_id, n in ReviewCard.objects.filter(
            question__status=Question.Status.PUBLISHED, question__duplicate_of__isnull=True
        )
        .values("user_id", "question__topic_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "question__topic_id", "n")
        .order_by()
    }
    rows = TopicCardCount.objects.values_list("user_id", "topic_id", "live")
    stored = {(user_id, topic_id): n for user_id, topic_id, n in rows}
    return [
        (user_id, topic_id, stored.get((user_id, topic_id), 0), counted.get((user_id, topic_id), 0))
        for user_id, topic_id in sorted(counted.keys() | stored.keys())
        if stored.get((user_id, topic_id), 0) != counted.get((user_id, topic_id), 0)
    ]


@transaction.atomic
def card_counts_check(*, fix: bool = False) -> list[tuple[int, int, int, int]]:
    """card_counts_drift, and with fix the drifted counts rewritten."""
    drift = card_counts_drift()
    if fix and drift:
        TopicCardCount.objects.bulk_create(
            [TopicCardCount(user_id=u, topic_id=t, live=n) for u, t, _stored, n in drift],
            update_conflicts=True,
            unique_fields=["user", "topic"],
            update_fields=["live"],
        )
    return drift


def usual_times_drift() -> list[tuple[int, bool, list[int], list[int]]]:
    """(learner id, multi, stored, from the answers) for each learner and kind of question
    whose stored usual response times are not their latest correct timed answers'."""
    answers = (
        AnswerRecord.objects.filter(is_correct=True, response_ms__isnull=False)
        .order_by("user_id", "multi", "-answered_at", "-pk")
        .values_list("user_id", "multi", "response_ms")
        .iterator(chunk_size=10000)
    )
    counted = {
        kind: [row[2] for row in islice(rows, UsualTimes.WINDOW)]
        for kind, rows in groupby(answers, key=lambda row: (row[0], row[1]))
    }
    stored = {
        (user_id, multi): UsualTimes.parse(times)
        for user_id, multi, times in UsualTimes.objects.values_list("user_id", "multi", "times")
    }
    return [
        (user_id, multi, stored.get((user_id, multi), []), counted.get((user_id, multi), []))
        for user_id, multi in sorted(counted.keys() | stored.keys())
        if stored.get((user_id, multi), []) != counted.get((user_id, multi), [])
    ]


@transaction.atomic
def usual_times_check(*, fix: bool = False) -> list[tuple[int, bool, list[int], list[int]]]:
    """usual_times_drift, and with fix the drifted rows rewritten (or removed)."""
    drift = usual_times_drift()
    if fix and drift:
        for user_id, multi, _stored, counted in drift:
            if counted:
                UsualTimes.objects.update_or_create(
                    user_id=user_id, multi=multi, defaults={"times": UsualTimes.written(counted)}
                )
            else:
                UsualTimes.objects.filter(user_id=user_id, multi=multi).delete()
    return drift
