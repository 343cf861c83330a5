"""Question statistics for the whole bank, stored on each question (first_attempts,
facility, discrimination, needs_checking) so the editors' list can sort and filter on them
and their to-do can list what needs checking. The rules are quiz.stats'; the one question
shown in the change form is computed live by selectors.question_statistics, the same way.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Max,
    PositiveIntegerField,
    Value,
    When,
)
from django.utils import timezone

from quiz.models import AnswerRecord, Question
from quiz.stats import item_statistics

_BATCH = 500
STALE_AFTER = timedelta(hours=24)  # the editors' to-do refreshes older statistics


@transaction.atomic
def statistics_refresh() -> int:
    """Recompute every question's statistics from all answers, read once in a stream (a
    learner's first attempt at each question, and their totals); returns how many
    questions changed."""
    first: dict[int, dict[int, bool]] = defaultdict(dict)  # question -> learner -> right?
    own: dict[tuple[int, int], tuple[int, int]] = {}  # (learner, question) -> (answers, right)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # learner -> [answers, right]
    rows = (
        AnswerRecord.objects.order_by("user_id", "question_id", "answered_at", "pk")
        .values_list("user_id", "question_id", "is_correct")
        .iterator(chunk_size=5000)
    )
    for user_id, question_id, correct in rows:
        first[question_id].setdefault(user_id, correct)
        n, right = own.get((user_id, question_id), (0, 0))
        own[(user_id, question_id)] = (n + 1, right + correct)
        totals[user_id][0] += 1
        totals[user_id][1] += correct
    now, changed = timezone.now(), []
    stored = Question.objects.values_list(
        "pk", "first_attempts", "facility", "discrimination", "needs_checking"
    )
    for pk, *before in stored.iterator(chunk_size=5000):
        learners = first.get(pk, {})
        rest = {}
        for user_id in learners:
            n, right = own[(user_id, pk)]
            total, total_right = totals[user_id]
            if total > n:
                rest[user_id] = (total_right - right) / (total - n)
        stats = item_statistics(learners, rest)
        after = [
            stats.first_attempts,
            None if stats.facility is None else round(stats.facility, 4),
            None if stats.discrimination is None else round(stats.discrimination, 4),
            stats.needs_checking,
        ]
        if after != before:
            changed.append((pk, after))
    for start in range(0, len(changed), _BATCH):
        _store(changed[start : start + _BATCH], now)
    Question.objects.filter(statistics_at__isnull=True).update(statistics_at=now)
    return len(changed)


def _store(rows: list[tuple[int, list]], now) -> None:
    def case(index: int, output_field=None) -> Case:
        return Case(
            *[When(pk=pk, then=Value(values[index])) for pk, values in rows],
            default=F(("first_attempts", "facility", "discrimination", "needs_checking")[index]),
            output_field=output_field,
        )

    Question.objects.filter(pk__in=[pk for pk, _values in rows]).update(
        first_attempts=case(0, PositiveIntegerField()),
        facility=case(1, FloatField()),
        discrimination=case(2, FloatField()),
        needs_checking=case(3, BooleanField()),
        statistics_at=now,
    )


def statistics_refresh_if_stale(*, max_age: timedelta = STALE_AFTER) -> int | None:
    """statistics_refresh when the stored statistics are older than max_age (or were never
    computed while there are answers); None when they are fresh."""
    latest = Question.objects.aggregate(at=Max("statistics_at"))["at"]
    if latest is not None and timezone.now() - latest < max_age:
        return None
    if latest is None and not AnswerRecord.objects.exists():
        return None
    return statistics_refresh()
