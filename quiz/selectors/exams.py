"""Reads for mock exams: the attempt screen, results, history."""

from dataclasses import dataclass

from django.db.models import Count, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404

from quiz import exam_rules
from quiz.models import Attempt, AttemptQuestion, Blueprint
from quiz.selectors.practice import choices_prefetch, question_prefetches


def attempt_for(user, pk: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404."""
    return get_object_or_404(Attempt.objects.select_related("blueprint"), pk=pk, user=user)


def attempt_item(attempt: Attempt, position: int, *, shown: bool = True) -> AttemptQuestion:
    """A question of the attempt; shown: with all the question screen needs, else with
    the choices only (enough to save an answer or a flag)."""
    queryset = AttemptQuestion.objects.filter(attempt=attempt).select_related(
        "question", "question__topic"
    )
    prefetches = question_prefetches("question__") if shown else [choices_prefetch("question__")]
    item = get_object_or_404(queryset.prefetch_related(*prefetches), position=position)
    item.attempt = attempt  # the caller's, with its blueprint: not read again
    return item


def navigator(attempt: Attempt) -> list[AttemptQuestion]:
    return list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .only("position", "chosen_labels", "flagged", "is_correct", "attempt_id")
        .order_by("position")
    )


@dataclass
class BlueprintStatus:
    blueprint: Blueprint
    open_attempt: Attempt | None
    last_attempt: Attempt | None


def blueprints_for(user) -> list[BlueprintStatus]:
    blueprints = list(Blueprint.objects.offered().select_related("certification"))
    attempts = Attempt.objects.filter(user=user, blueprint__in=blueprints).order_by("-started_at")
    open_by, last_by = {}, {}
    for attempt in attempts:
        if attempt.finished_at is None:
            open_by.setdefault(attempt.blueprint_id, attempt)
        else:
            last_by.setdefault(attempt.blueprint_id, attempt)
    return [BlueprintStatus(b, open_by.get(b.pk), last_by.get(b.pk)) for b in blueprints]


@dataclass
class TopicResult:
    title: str
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass
class Results:
    attempt: Attempt
    items: list[AttemptQuestion]
    topics: list[TopicResult]
    minutes_used: int
    seconds_used: int
    trend: list[Attempt]
    rescored_correct: int | None  # against today's keys, when any key changed since
    rescored_score: int | None
    rescored_passed: bool | None


def results(attempt: Attempt) -> Results:
    items = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "question__topic", "question__question_set")
        .order_by("position")
    )
    by_topic: dict[int, TopicResult] = {}
    for item in items:
        topic = item.question.topic
        row = by_topic.setdefault(topic.pk, TopicResult(topic.title, 0, 0))
        row.total += 1
        row.correct += bool(item.is_correct)
    used = (attempt.finished_at - attempt.started_at).total_seconds() if attempt.finished_at else 0
    changed = [item for item in items if item.question.key_labels != item.key_labels]
    rescored_correct = rescored_score = rescored_passed = None
    if changed:
        rescored_correct = sum(
            1
            for item in items
            if item.is_answered and item.chosen_labels == item.question.key_labels
        )
        rescored_score = exam_rules.score(
            correct=rescored_correct, total=attempt.total, scale=attempt.scale
        )
        rescored_passed = exam_rules.passed(
            score_value=rescored_score, passing_score=attempt.passing_score
        )
    trend = list(
        Attempt.objects.filter(
            user_id=attempt.user_id, blueprint_id=attempt.blueprint_id, finished_at__isnull=False
        ).order_by("-finished_at")[:12]
    )[::-1]
    return Results(
        attempt=attempt,
        items=items,
        topics=sorted(by_topic.values(), key=lambda t: t.title),
        minutes_used=int(used // 60),
        seconds_used=int(used % 60),
        trend=trend,
        rescored_correct=rescored_correct,
        rescored_score=rescored_score,
        rescored_passed=rescored_passed,
    )


def review_page_load(items: list[AttemptQuestion]) -> None:
    """Choices, key history and references for the questions shown on one review page."""
    prefetch_related_objects(items, *question_prefetches("question__"))


def history(user) -> list[Attempt]:
    return list(
        Attempt.objects.filter(user=user)
        .select_related("blueprint")
        .annotate(answered=Count("questions", filter=~Q(questions__chosen_labels="")))
        .order_by("-started_at")
    )
