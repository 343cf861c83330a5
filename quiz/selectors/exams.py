"""Reads for mock exams: what the bank can fill, the attempt screen, results, history."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from config.prepared import PreparedQuery, run_together
from quiz import exam_rules
from quiz.models import (
    AnswerKeyRevision,
    Attempt,
    AttemptQuestion,
    Blueprint,
    BlueprintDomain,
    BlueprintTopic,
    Choice,
    Question,
    QuestionReference,
)
from quiz.selectors.bank import load_related, set_related_rows
from study.domains import grouped_by_domain
from study.models import Topic

RECENT_KEY_CHANGE_DAYS = 90
# A topic's weight in a draw: whole from topic weights, a fraction when a domain's weight is
# split among its topics.
Weight = int | Fraction
TOPICS_NAMED = 4  # in "needs 65 questions of these topics (…)"


def recently_changed_questions(now: datetime) -> QuerySet:
    """Ids of questions whose key changed in the last RECENT_KEY_CHANGE_DAYS, by when the key
    changed (its effective date), not when the change was typed in. Left out of an attempt
    unless its blueprint includes recent key changes."""
    cutoff = (now - timedelta(days=RECENT_KEY_CHANGE_DAYS)).date()
    return AnswerKeyRevision.objects.filter(valid_until__gte=cutoff).values("question")


def blueprint_topic_weights(blueprints: Sequence[Blueprint]) -> dict[int, dict[Topic, Weight]]:
    """Per blueprint, the topics an attempt draws from and their weights: its weighted topics
    that are active; else (domain weights) each domain's weight split evenly among its active
    topics; else every active topic of its certification, weight 1. Three queries at most,
    however many blueprints."""
    weights: dict[int, dict[Topic, Weight]] = {b.pk: {} for b in blueprints}
    for row in (
        BlueprintTopic.objects.filter(blueprint__in=list(weights))
        .select_related("topic__domain")
        .order_by("pk")
    ):
        if row.topic.is_active:
            weights[row.blueprint_id][row.topic] = row.weight
    unweighted = [b for b in blueprints if not weights[b.pk]]
    if unweighted:
        by_certification: dict[int, list[Topic]] = {}
        for topic in (
            Topic.objects.active()
            .filter(certification__in={b.certification_id for b in unweighted})
            .select_related("domain")
        ):
            by_certification.setdefault(topic.certification_id, []).append(topic)
        by_domain: dict[int, dict[int, int]] = {}  # blueprint -> domain -> weight
        for blueprint_id, domain_id, weight in BlueprintDomain.objects.filter(
            blueprint__in=unweighted
        ).values_list("blueprint_id", "domain_id", "weight"):
            by_domain.setdefault(blueprint_id, {})[domain_id] = weight
        for b in unweighted:
            topics = by_certification.get(b.certification_id, [])
            domains = by_domain.get(b.pk)
            if not domains:
                weights[b.pk] = dict.fromkeys(topics, 1)
                continue
            members: dict[int, list[Topic]] = {}
            for topic in topics:
                if topic.domain_id in domains:
                    members.setdefault(topic.domain_id, []).append(topic)
            weights[b.pk] = {
                topic: Fraction(domains[domain_id], len(group))
                for domain_id, group in members.items()
                for topic in group
            }
    return weights


@dataclass
class BlueprintFill:
    """Whether the bank can fill a blueprint: attempt_start decides with this, and every
    page that offers an exam reads it, so an exam on offer is one that starts."""

    blueprint: Blueprint
    topics: dict[Topic, Weight]  # weight per topic an attempt draws from
    available: dict[Topic, int]  # questions per topic an attempt may draw
    quota: dict[Topic, int] | None  # questions drawn per topic; None: cannot start
    left_out: int = 0  # live questions left out for a recent key change

    @classmethod
    def of(
        cls,
        blueprint: Blueprint,
        topics: dict[Topic, Weight],
        available: dict[Topic, int],
        *,
        left_out: int = 0,
    ) -> "BlueprintFill":
        try:
            quota = exam_rules.allocate(topics, available, blueprint.question_count)
        except ValueError:
            quota = None
        return cls(blueprint, topics, available, quota, left_out)

    @property
    def can_start(self) -> bool:
        return self.quota is not None

    @property
    def needed(self) -> int:
        return self.blueprint.question_count

    @property
    def in_bank(self) -> int:
        return sum(self.available.values())

    @property
    def fragile_topics(self) -> list[str]:
        """Topics where one question fewer (a key change leaves it out for a while) would
        stop the exam from starting."""
        if not self.can_start:
            return []
        fragile = []
        for topic in self.topics:
            fewer = {**self.available, topic: self.available.get(topic, 0) - 1}
            if fewer[topic] < 0:
                continue
            try:
                exam_rules.allocate(self.topics, fewer, self.blueprint.question_count)
            except ValueError:
                fragile.append(topic.title)
        return fragile

    @property
    def topic_names(self) -> str:
        titles = [topic.title for topic in self.topics]
        if not titles:
            return ""
        if len(titles) > TOPICS_NAMED:
            titles = [*titles[: TOPICS_NAMED - 1], f"{len(titles) - TOPICS_NAMED + 1} more"]
        return ", ".join(titles[:-1]) + (" and " if len(titles) > 1 else "") + titles[-1]

    @property
    def shortfall(self) -> str:
        """What is missing, in the learner's words: "needs 65 questions of these topics
        (EC2 Security); the bank has 15"."""
        if not self.topics:
            return f"needs {self.needed} questions, and it has no active topic to draw them from"
        these = "this topic" if len(self.topics) == 1 else "these topics"
        text = (
            f"needs {self.needed} questions of {these} ({self.topic_names}); "
            f"the bank has {self.in_bank}"
        )
        if self.left_out:
            text += f" (and {self.left_out} left out while their key change is recent)"
        return text


def blueprint_fills(
    blueprints: Sequence[Blueprint], *, now: datetime | None = None
) -> dict[int, BlueprintFill]:
    """Per blueprint, whether the bank can fill it now: three queries at most, however many
    blueprints and topics."""
    now = now or timezone.now()
    weights = blueprint_topic_weights(blueprints)
    topic_ids = {topic.pk for topics in weights.values() for topic in topics}
    counts: dict[int, tuple[int, int]] = {}
    if topic_ids:
        rows = (
            Question.objects.live()
            .filter(topic__in=topic_ids)
            .values("topic")
            .annotate(
                live=Count("pk"),
                settled=Count("pk", filter=~Q(pk__in=recently_changed_questions(now))),
            )
            .order_by()
        )
        counts = {row["topic"]: (row["live"], row["settled"]) for row in rows}
    fills = {}
    for blueprint in blueprints:
        topics = weights[blueprint.pk]
        live = {topic: counts.get(topic.pk, (0, 0))[0] for topic in topics}
        if blueprint.include_recent_key_changes:
            available = live
        else:
            available = {topic: counts.get(topic.pk, (0, 0))[1] for topic in topics}
        fills[blueprint.pk] = BlueprintFill.of(
            blueprint,
            topics,
            available,
            left_out=sum(live.values()) - sum(available.values()),
        )
    return fills


@dataclass(frozen=True)
class KeyChangeEffect:
    """What a key change of a question does to one blueprint's mock exams: the question is
    left out of them for RECENT_KEY_CHANGE_DAYS, so the bank may no longer fill it."""

    blueprint: Blueprint
    before: BlueprintFill
    after: BlueprintFill

    @property
    def stops_it(self) -> bool:
        return self.before.can_start and not self.after.can_start

    @property
    def summary(self) -> str:
        name, before, after = self.blueprint.name, self.before, self.after
        if self.stops_it:
            return f"{name} could no longer start: it {after.shortfall}"
        if not before.can_start:
            return f"{name} cannot start anyway: it {before.shortfall}"
        return f"{name} still starts ({after.in_bank} questions for {after.needed})"


def key_change_effects(question: Question, *, now: datetime | None = None) -> list[KeyChangeEffect]:
    """For each active blueprint that draws from the question's topic and leaves recent key
    changes out, its fill now and with this question left out (nothing changes for one
    already left out, or not live)."""
    now = now or timezone.now()
    blueprints = list(
        Blueprint.objects.offered()
        .filter(certification_id=question.topic.certification_id, include_recent_key_changes=False)
        .order_by("name")
    )
    fills = blueprint_fills(blueprints, now=now)
    counted = (
        Question.objects.live()
        .filter(pk=question.pk)
        .exclude(pk__in=recently_changed_questions(now))
        .exists()
    )
    effects = []
    for blueprint in blueprints:
        before = fills[blueprint.pk]
        topic = next((t for t in before.topics if t.pk == question.topic_id), None)
        if topic is None:
            continue
        available = dict(before.available)
        if counted:
            available[topic] -= 1
        after = BlueprintFill.of(
            blueprint, before.topics, available, left_out=before.left_out + counted
        )
        effects.append(KeyChangeEffect(blueprint, before, after))
    return effects


def blueprint_topics(blueprint: Blueprint) -> dict[Topic, Weight]:
    """The topics an attempt draws from, with their weights (see blueprint_topic_weights)."""
    return blueprint_topic_weights([blueprint])[blueprint.pk]


def blueprint_pool(
    blueprint: Blueprint, *, now: datetime, topics: dict[Topic, Weight] | None = None
) -> dict[Topic, list[int]]:
    """Question ids per topic that an attempt may draw (live, optionally no recent key change).
    topics: blueprint_topics(blueprint), when the caller has it already."""
    topics = topics if topics is not None else blueprint_topics(blueprint)
    questions = Question.objects.live().filter(topic__in=list(topics))
    if not blueprint.include_recent_key_changes:
        questions = questions.exclude(pk__in=recently_changed_questions(now))
    by_topic: dict[int, list[int]] = {}
    for pk, topic_id in questions.values_list("pk", "topic_id"):
        by_topic.setdefault(topic_id, []).append(pk)
    return {topic: by_topic.get(topic.pk, []) for topic in topics}


def open_attempt(
    user: AbstractBaseUser, blueprint: Blueprint, mode: str = Attempt.Mode.TIMED
) -> Attempt | None:
    return Attempt.objects.filter(
        user=user, blueprint=blueprint, mode=mode, finished_at__isnull=True
    ).first()


def offered_blueprint(slug: str) -> Blueprint | None:
    """One mock exam on offer (Blueprint.objects.offered), by slug."""
    return Blueprint.objects.offered().filter(slug=slug).first()


def offered_exams(*, now: datetime | None = None) -> list[BlueprintFill]:
    """The mock exams on offer (Blueprint.objects.offered), in order, each with whether the
    bank can fill it."""
    blueprints = list(Blueprint.objects.offered().select_related("certification"))
    fills = blueprint_fills(blueprints, now=now)
    return [fills[blueprint.pk] for blueprint in blueprints]


# The exam screen's and autosave's reads, compiled once per process (config.prepared).
_ATTEMPT = PreparedQuery(
    lambda pk, user_id: Attempt.objects.select_related("blueprint").filter(pk=pk, user_id=user_id),
    int,
    int,
)
_ATTEMPT_ITEM = PreparedQuery(
    lambda attempt_id, position: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id, position=position)
        .select_related("question", "question__topic")
        .order_by("pk")[:1]
    ),
    int,
    int,
)


def attempt_for(user, pk: int) -> Attempt | None:
    """The learner's own attempt (None for anyone else's)."""
    found = _ATTEMPT(pk, user.pk) if user.is_authenticated else []
    return found[0] if found else None


def attempt_item(attempt: Attempt, position: int, *, shown: bool = True) -> AttemptQuestion | None:
    """A question of the attempt; shown: with all the question screen needs, else with
    the choices only (enough to save an answer or a flag)."""
    found = _ATTEMPT_ITEM(attempt.pk, position)
    if not found:
        return None
    item = found[0]
    item.attempt = attempt  # the caller's, with its blueprint: not read again
    question = item.question
    load_related(question, "choices", *(["references", "key_revisions"] if shown else []))
    return item


def navigator(attempt: Attempt) -> list[AttemptQuestion]:
    return list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .only(
            "position",
            "chosen_labels",
            "struck_labels",
            "choice_order",
            "flagged",
            "is_correct",
            "attempt_id",
        )
        .order_by("position")
    )


@dataclass
class BlueprintStatus:
    blueprint: Blueprint
    fill: BlueprintFill
    open_attempt: Attempt | None  # timed
    last_attempt: Attempt | None  # timed
    open_review: Attempt | None = None  # review mode


def blueprints_for(user) -> list[BlueprintStatus]:
    """The exam list: every exam on offer with whether it can start and the learner's
    attempts at it (the open one of each mode, the last timed result)."""
    exams = offered_exams()
    blueprints = [fill.blueprint for fill in exams]
    attempts = Attempt.objects.filter(user=user, blueprint__in=blueprints).order_by("-started_at")
    open_by, last_by = {}, {}
    for attempt in attempts:
        if attempt.finished_at is None:
            open_by.setdefault((attempt.blueprint_id, attempt.mode), attempt)
        elif attempt.mode == Attempt.Mode.TIMED:
            last_by.setdefault(attempt.blueprint_id, attempt)
    return [
        BlueprintStatus(
            fill.blueprint,
            fill,
            open_by.get((fill.blueprint.pk, Attempt.Mode.TIMED)),
            last_by.get(fill.blueprint.pk),
            open_by.get((fill.blueprint.pk, Attempt.Mode.REVIEW)),
        )
        for fill in exams
    ]


@dataclass
class TopicResult:
    title: str
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass
class DomainResult(TopicResult):
    weight: int | None  # the domain's percent of the exam; None: questions of no domain


def tally_by_domain(domains_right) -> list[DomainResult]:
    """(exam domain or None, right) pairs -> one row per exam domain
    (study.domains.grouped_by_domain)."""

    def add(row: DomainResult, right) -> None:
        row.total += 1
        row.correct += bool(right)

    return grouped_by_domain(
        domains_right, lambda name, weight: DomainResult(name, 0, 0, weight), add
    )


def by_domain(questions_right) -> list[DomainResult]:
    """(question, right) pairs -> one row per exam domain (the question's own or its topic's)."""
    return tally_by_domain((question.exam_domain, right) for question, right in questions_right)


@dataclass
class DomainTrend:
    """One exam domain's percent right in each of the trend's attempts (None: no question
    of it in that attempt)."""

    name: str
    percents: list[int | None]


_DOMAIN_OF = {  # a question's own exam domain, else its topic's
    field: (f"question__domain__{field}", f"question__topic__domain__{field}")
    for field in ("id", "name", "weight", "position")
}


@dataclass(frozen=True)
class DomainKey:
    """An exam domain as the tallies group by it (study.domains.grouped_by_domain)."""

    pk: int
    name: str
    weight: int | None
    position: int


def _domain(row: dict) -> DomainKey | None:
    """The exam domain of a values() row that has the _DOMAIN_OF columns."""
    for own in (0, 1):
        pk = row[_DOMAIN_OF["id"][own]]
        if pk is not None:
            return DomainKey(
                pk, *(row[_DOMAIN_OF[field][own]] for field in ("name", "weight", "position"))
            )
    return None


_DOMAIN_COLUMNS = [column for pair in _DOMAIN_OF.values() for column in pair]


def domain_tallies_of(attempt_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Right and total per exam domain (a question's own, else its topic's; None: neither)
    of each of these attempts, as Attempt.domain_tallies stores them, counted by the
    database: what attempt_finalize stores and progress_check recounts."""
    counts: dict[int, dict[int | None, dict]] = {pk: {} for pk in attempt_ids}
    rows = (
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .values("attempt_id", *_DOMAIN_COLUMNS)
        .annotate(right=Count("pk", filter=Q(is_correct=True)), total=Count("pk"))
        .order_by()
    )
    for row in rows:
        domain = _domain(row)
        key = domain.pk if domain else None
        tally = counts[row["attempt_id"]].setdefault(
            key,
            {
                "domain": key,
                "name": domain.name if domain else "",
                "position": domain.position if domain else 0,
                "right": 0,
                "total": 0,
            },
        )
        tally["right"] += row["right"]
        tally["total"] += row["total"]
    return {
        pk: sorted(tallies.values(), key=lambda t: (t["domain"] is None, t["position"], t["name"]))
        for pk, tallies in counts.items()
    }


def domain_trend(trend: Sequence[Attempt]) -> list[DomainTrend]:
    """Percent right per exam domain in each attempt of the trend (the learner's latest timed
    attempts on the attempt's blueprint, oldest first), in the exam guide's order ([] when no
    question had a domain), from the tallies each attempt stored when it finished: no count
    of past answers, however long the history. A domain renamed between attempts shows the
    name it had at the latest of them."""
    percents: dict[int, dict[int, int]] = {}
    names: dict[int, tuple[int, str]] = {}
    for point in trend:
        for tally in point.domain_tallies or ():
            if tally["domain"] is None or not tally["total"]:
                continue
            names[tally["domain"]] = (tally["position"], tally["name"])
            percents.setdefault(tally["domain"], {})[point.pk] = round(
                100 * tally["right"] / tally["total"]
            )
    return [
        DomainTrend(name, [percents[pk].get(point.pk) for point in trend])
        for pk, (position, name) in sorted(names.items(), key=lambda item: item[1])
    ]


@dataclass
class ResultRow:
    """One question of a finished attempt, as the tallies and the review filters read it."""

    position: int
    is_correct: bool
    is_answered: bool
    flagged: bool
    topic_id: int
    topic_title: str
    domain: DomainKey | None


@dataclass
class Results:
    attempt: Attempt
    items: list[AttemptQuestion]
    topics: list[TopicResult]
    domains: list[DomainResult]
    domain_trend: list[DomainTrend]
    minutes_used: int
    seconds_used: int
    trend: list[Attempt]
    rescored_correct: int | None  # against today's keys, when any key changed since
    rescored_score: int | None
    rescored_passed: bool | None


# The results page's reads, compiled once per process (config.prepared): what the tallies
# and filters need of each question of the attempt (columns, not 65 questions with their
# topics and domains as objects); the questions of one review page, whole; the learner's
# latest timed attempts on the blueprint (the trend).
_RESULT_ROWS = PreparedQuery(
    lambda attempt_id: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values(
            "position",
            "is_correct",
            "chosen_labels",
            "key_labels",
            "flagged",
            "question__key_labels",
            "question__topic_id",
            "question__topic__title",
            *_DOMAIN_COLUMNS,
        )
    ),
    int,
)
REVIEW_PAGE_SIZE = 10  # questions with their feedback per page of the results
_PAGE_ITEMS = PreparedQuery(
    lambda attempt_id, *positions: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id, position__in=positions)
        .select_related("question", "question__topic", "question__question_set")
        .order_by("position")
    ),
    int,
    *[int] * REVIEW_PAGE_SIZE,
)


def _rows_of_page(model, *related: str) -> PreparedQuery:
    """One relation's rows for the questions at a page's positions of an attempt."""

    def build(attempt_id, *positions):
        on_page = AttemptQuestion.objects.filter(attempt_id=attempt_id, position__in=positions)
        rows = model.objects.filter(question_id__in=on_page.values("question_id"))
        return (rows.select_related(*related) if related else rows).order_by(
            "question_id", "position"
        )

    return PreparedQuery(build, int, *[int] * REVIEW_PAGE_SIZE)


_PAGE_RELATED = {
    "choices": _rows_of_page(Choice),
    "key_revisions": _rows_of_page(AnswerKeyRevision),
    "references": _rows_of_page(QuestionReference, "note__topic"),
}
TREND_ATTEMPTS = 12


def _trend(user_id: int, blueprint_id: int) -> QuerySet:
    return Attempt.objects.filter(
        user_id=user_id,
        blueprint_id=blueprint_id,
        mode=Attempt.Mode.TIMED,  # review mode shows answers as it goes: not a trend point
        finished_at__isnull=False,
    ).order_by("-finished_at")[:TREND_ATTEMPTS]


_TREND = PreparedQuery(_trend, int, int)


def results(attempt: Attempt) -> Results:
    """The finished attempt's score, tallies and trend: two queries in one round trip."""
    rows, trend = run_together(
        (_RESULT_ROWS, (attempt.pk,)),
        (_TREND, (attempt.user_id, attempt.blueprint_id)),
    )
    trend.reverse()  # oldest first
    items = [
        ResultRow(
            position=row["position"],
            is_correct=bool(row["is_correct"]),
            is_answered=bool(row["chosen_labels"]),
            flagged=row["flagged"],
            topic_id=row["question__topic_id"],
            topic_title=row["question__topic__title"],
            domain=_domain(row),
        )
        for row in rows
    ]
    by_topic: dict[int, TopicResult] = {}
    for item in items:
        topic = by_topic.setdefault(item.topic_id, TopicResult(item.topic_title, 0, 0))
        topic.total += 1
        topic.correct += item.is_correct
    used = (attempt.finished_at - attempt.started_at).total_seconds() if attempt.finished_at else 0
    changed = any(row["question__key_labels"] != row["key_labels"] for row in rows)
    rescored_correct = rescored_score = rescored_passed = None
    if changed:
        rescored_correct = sum(
            1
            for row in rows
            if row["chosen_labels"] and row["chosen_labels"] == row["question__key_labels"]
        )
        rescored_score = exam_rules.score(
            correct=rescored_correct, total=attempt.total, scale=attempt.scale
        )
        rescored_passed = exam_rules.passed(
            score_value=rescored_score, passing_score=attempt.passing_score
        )
    return Results(
        attempt=attempt,
        items=items,
        topics=sorted(by_topic.values(), key=lambda t: t.title),
        domains=tally_by_domain((item.domain, item.is_correct) for item in items),
        minutes_used=int(used // 60),
        seconds_used=int(used % 60),
        trend=trend,
        domain_trend=domain_trend(trend) if len(trend) > 1 else [],
        rescored_correct=rescored_correct,
        rescored_score=rescored_score,
        rescored_passed=rescored_passed,
    )


def review_page_items(attempt: Attempt, positions: Sequence[int]) -> list[AttemptQuestion]:
    """The questions at these positions of an attempt (at most REVIEW_PAGE_SIZE), with their
    choices, key history and references: one review page of the results, four queries
    compiled once and sent in one round trip where the database allows it."""
    if len(positions) > REVIEW_PAGE_SIZE:
        raise ValueError(f"at most {REVIEW_PAGE_SIZE} questions per review page")
    # Unused places hold positions no question has (positions start at 1).
    padding = [-index for index in range(REVIEW_PAGE_SIZE - len(positions))]
    items, *related = run_together(
        (_PAGE_ITEMS, (attempt.pk, *positions, *padding)),
        *((query, (attempt.pk, *positions, *padding)) for query in _PAGE_RELATED.values()),
    )
    questions = [item.question for item in items]
    for name, rows in zip(_PAGE_RELATED, related, strict=True):
        set_related_rows(questions, name, rows)
    return items


def history(user) -> list[Attempt]:
    return list(
        Attempt.objects.filter(user=user)
        .select_related("blueprint")
        .annotate(answered=Count("questions", filter=~Q(questions__chosen_labels="")))
        .order_by("-started_at")
    )
