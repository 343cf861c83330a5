"""Exam readiness from the database: the inputs of `quiz.readiness` for one learner and one
blueprint, the prediction each mock attempt stores at its start, and calibration.

Per question of the blueprint's topics (live questions only):
- seen (the learner has an FSRS card): the card's recall probability at that moment
  (`Scheduler.get_card_retrievability`). "On exam day if you keep up your reviews": a card
  reviewed whenever it falls due keeps its recall at or above the desired retention, so
  the exam-day value is max(recall then, desired retention);
- never seen: `readiness.prior_recall` from the learner's accuracy on first sight of the
  topic's questions, shrunk toward their first-sight accuracy over all topics (or
  `readiness.DEFAULT_PRIOR` when they have answered nothing yet).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from quiz import readiness, srs
from quiz.models import AnswerRecord, Attempt, Blueprint, Profile, ReviewCard
from quiz.selectors import review as review_selectors
from quiz.selectors.exams import BlueprintFill, blueprint_pool, blueprint_topics
from study.models import Topic

# Answered questions of the blueprint's topics before we show a number (or half the
# questions, when the bank has fewer than twice this many).
MIN_ANSWERED = 20


@dataclass
class TopicStanding:
    topic: Topic
    weight: int
    questions: int
    seen: int
    quota: int = 0
    mean_recall: float = 0.0
    expected_wrong: float = 0.0


@dataclass
class Readiness:
    blueprint: Blueprint | None
    status: str  # "ok", "no_blueprint", "bank_short", "little_history"
    message: str = ""
    today: readiness.Prediction | None = None
    exam_day: readiness.Prediction | None = None
    exam_date: date | None = None
    topics: list[TopicStanding] = field(default_factory=list)
    answered: int = 0
    plan: readiness.Plan | None = None

    @property
    def weakest(self) -> list[TopicStanding]:
        """Topics by their share of the expected wrong answers, largest first."""
        return sorted(
            (t for t in self.topics if t.quota), key=lambda t: t.expected_wrong, reverse=True
        )[:5]


def target_blueprint(
    profile: Profile, exams: list[BlueprintFill], slug: str | None = None
) -> BlueprintFill | None:
    """The exam to predict, among exams on offer (exam_selectors.offered_exams): the named
    one, else the full-length one (most questions) that can start of the learner's target
    certification, else of any certification; None when no exam can start."""
    if slug:
        return next((fill for fill in exams if fill.blueprint.slug == slug), None)
    startable = [fill for fill in exams if fill.can_start]
    mine = [
        fill
        for fill in startable
        if fill.blueprint.certification_id == profile.target_certification_id
    ]
    candidates = mine or startable
    if not candidates:
        return None
    return min(candidates, key=lambda f: (-f.needed, f.blueprint.position, f.blueprint.pk))


class _Inputs:
    """What the learner's history says about every question of a blueprint's topics."""

    def __init__(
        self,
        user: AbstractBaseUser,
        profile: Profile,
        blueprint: Blueprint,
        *,
        now: datetime,
        topics: dict[Topic, int] | None = None,
        pool: dict[Topic, list[int]] | None = None,
    ):
        self.profile = profile
        self.weights = topics if topics is not None else blueprint_topics(blueprint)
        # The questions an attempt may draw (blueprint_pool), so the prediction is about the
        # exam the learner would really get.
        pool = pool if pool is not None else blueprint_pool(blueprint, now=now, topics=self.weights)
        self.questions: dict[int, int] = {  # question id -> topic id
            pk: topic.pk for topic, ids in pool.items() for pk in ids
        }
        self.cards = {
            card.question_id: card
            for card in ReviewCard.objects.filter(user=user, question_id__in=self.questions)
        }
        # First sight: the learner's first answer to each question, right or wrong.
        first: dict[int, bool] = {}
        for question_id, correct in (
            AnswerRecord.objects.filter(user=user).order_by("answered_at", "pk")
        ).values_list("question_id", "is_correct"):
            first.setdefault(question_id, correct)
        self.answered = sum(1 for q in first if q in self.questions)
        overall = list(first.values())
        fallback = (
            readiness.prior_recall(sum(overall), len(overall), fallback=readiness.DEFAULT_PRIOR)
            if overall
            else readiness.DEFAULT_PRIOR
        )
        per_topic: dict[int, list[bool]] = {}
        for question_id, correct in first.items():
            if question_id in self.questions:
                per_topic.setdefault(self.questions[question_id], []).append(correct)
        self.priors = {
            t.pk: readiness.prior_recall(
                sum(per_topic.get(t.pk, [])), len(per_topic.get(t.pk, [])), fallback=fallback
            )
            for t in self.weights
        }
        self.scheduler = review_selectors.profile_scheduler(profile)

    def recall(self, moment: datetime, *, keep_up: bool = False) -> dict[int, list[float]]:
        """Recall probabilities per topic id at a moment."""
        by_topic: dict[int, list[float]] = {t.pk: [] for t in self.weights}
        for question_id, topic_id in self.questions.items():
            card = self.cards.get(question_id)
            if card is None:
                p = self.priors[topic_id]
            else:
                p = self.scheduler.get_card_retrievability(
                    srs.card_of(card), current_datetime=moment
                )
                if keep_up:
                    p = max(p, self.profile.desired_retention)
            by_topic[topic_id].append(p)
        return by_topic

    def predict(self, blueprint: Blueprint, by_topic: dict[int, list[float]]):
        return readiness.predict(
            [
                readiness.TopicInput(
                    key=topic.pk,
                    weight=weight,
                    available=len(by_topic[topic.pk]),
                    recall=by_topic[topic.pk],
                )
                for topic, weight in self.weights.items()
            ],
            total_questions=blueprint.question_count,
            passing_score=blueprint.passing_score,
            scale=blueprint.scale,
        )


def readiness_for(
    *,
    user: AbstractBaseUser,
    profile: Profile,
    blueprint: Blueprint | None,
    now: datetime | None = None,
    with_plan: bool = True,
    topics: dict[Topic, int] | None = None,
) -> Readiness:
    """The learner's readiness for a blueprint; with_plan=False leaves out the study plan
    (and the review forecast it reads), for places that do not show it. topics: the
    blueprint's topic weights, when the caller has them (BlueprintFill.topics)."""
    now = now or timezone.now()
    if blueprint is None:
        return Readiness(
            None,
            "no_blueprint",
            "No mock exam can be started yet, so there is no exam to predict. Practise "
            "questions in the meantime.",
        )
    inputs = _Inputs(user, profile, blueprint, now=now, topics=topics)
    per_topic = Counter(inputs.questions.values())
    seen = Counter(t for q, t in inputs.questions.items() if q in inputs.cards)
    standings = {
        topic.pk: TopicStanding(
            topic=topic, weight=weight, questions=per_topic[topic.pk], seen=seen[topic.pk]
        )
        for topic, weight in inputs.weights.items()
    }
    result = Readiness(
        blueprint,
        "ok",
        topics=list(standings.values()),
        answered=inputs.answered,
        exam_date=profile.exam_date,
    )
    try:
        result.today = inputs.predict(blueprint, inputs.recall(now))
    except ValueError as error:
        result.status = "bank_short"
        result.message = f"The question bank cannot cover {blueprint.name} yet: it {error}."
        return result
    for row in result.today.topics:
        standing = standings[row.key]
        standing.quota, standing.mean_recall = row.quota, row.mean_recall
        standing.expected_wrong = row.expected_wrong
    needed = min(MIN_ANSWERED, -(-len(inputs.questions) // 2))  # or half of a small bank
    if inputs.answered < needed:
        result.status = "little_history"
        result.message = (
            f"Answer at least {needed} questions of this exam's topics first "
            f"(you have answered {inputs.answered}); until then a prediction would mostly be "
            "a guess."
        )
    local_today = srs.local_day_start(now, profile.time_zone).date()
    if profile.exam_date and profile.exam_date >= local_today:
        moment = review_selectors.exam_moment(profile.exam_date, profile.time_zone)
        result.exam_day = inputs.predict(blueprint, inputs.recall(moment, keep_up=True))
    if with_plan and result.exam_day is not None:
        days = (profile.exam_date - local_today).days
        _counts, forecast = review_selectors.review_overview(user, profile, now=now)
        result.plan = readiness.study_plan(
            unseen=len(inputs.questions) - len(inputs.cards),
            due_by_day=[n for _day, n in forecast][: max(days, 0)],
            days=days,
            new_per_day_limit=profile.new_per_day,
            reviews_per_day_limit=profile.max_reviews_per_day,
        )
    return result


def attempt_prediction(
    user: AbstractBaseUser,
    profile: Profile,
    blueprint: Blueprint,
    *,
    now: datetime,
    topics: dict[Topic, int],
    pool: dict[Topic, list[int]],
) -> tuple[float | None, float | None]:
    """(chance of passing, expected score) for an attempt starting now from this pool, or
    (None, None) when no prediction can be made."""
    inputs = _Inputs(user, profile, blueprint, now=now, topics=topics, pool=pool)
    try:
        prediction = inputs.predict(blueprint, inputs.recall(now))
    except ValueError:
        return None, None
    return prediction.pass_probability, prediction.expected_score


@dataclass
class Calibration:
    attempts: int
    brier: float | None
    log_loss: float | None
    score_mae: float | None
    bins: list


def calibration(attempts=None) -> Calibration:
    """How well stored predictions matched outcomes, over finished attempts."""
    rows = list(
        (attempts if attempts is not None else Attempt.objects.all())
        .filter(finished_at__isnull=False, predicted_pass__isnull=False)
        .values_list("predicted_pass", "passed", "predicted_score", "score")
    )
    if not rows:
        return Calibration(0, None, None, None, readiness.reliability_table([]))
    pairs = [(p, bool(passed)) for p, passed, _e, _s in rows]
    scores = [(e, float(s)) for _p, _ok, e, s in rows if e is not None and s is not None]
    return Calibration(
        attempts=len(rows),
        brier=readiness.brier_score(pairs),
        log_loss=readiness.log_loss(pairs),
        score_mae=readiness.mean_absolute_error(scores) if scores else None,
        bins=readiness.reliability_table(pairs),
    )
