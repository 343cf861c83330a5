"""Exam readiness from the database: the two predictions for one learner and one blueprint,
what each mock attempt stores at its start, and calibration.

Two questions, each answered from the evidence that bears on it (quiz.ability):
- **The real exam** asks questions the learner has never seen. It is predicted from
  first-sight answers only (the first answer to each question, in practice, review or a mock),
  through the learner's posterior ability, with its uncertainty carried to the score.
- **The next mock exam from this bank** draws from the pool (`blueprint_pool`): unseen
  questions count as on the real exam (with their estimated difficulty); a seen question counts
  with its first-sight chance moved by the learner's observed shift for a question asked again
  after a right (or wrong) last answer, recent or not, shrunk toward every learner's
  (`ability.reask_shifts`). A question missed at its last showing is not counted as known,
  and a card reviewed a moment ago is not taken as certain.

The population (question difficulties, topic easiness, spreads, re-ask rates) comes from the
newest PopulationFit (quiz.services.population); before any fit, the model's defaults.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.utils import timezone

from quiz import ability, readiness, srs
from quiz.exam_rules import allocate
from quiz.models import AnswerRecord, Attempt, Blueprint, PopulationFit, Profile, Question
from quiz.selectors import review as review_selectors
from quiz.selectors.exams import BlueprintFill, Weight, blueprint_pool, blueprint_topics
from study.domains import grouped_by_domain
from study.models import Topic

# First-sight answers in the exam's topics before a number is shown (or half the questions,
# when the bank has fewer than twice this many).
MIN_ANSWERED = 20
FEW_ANSWERS = 60  # below this many first-sight answers the page says the range is wide


# -- Reads ------------------------------------------------------------------------------------


def all_answers():
    """Every answer as (user id, question id, topic id, right, answered at), by learner,
    question and time: what the population fit reads (quiz.services.population)."""
    return (
        AnswerRecord.objects.order_by("user_id", "question_id", "answered_at", "pk")
        .values_list("user_id", "question_id", "question__topic_id", "is_correct", "answered_at")
        .iterator(chunk_size=5000)
    )


def guessing_floor() -> float:
    """The bank's average chance of a right answer by a blind guess: over its live questions,
    1 / (the ways to pick `choose` of its choices). One query."""
    rows = (
        Question.objects.live()
        .annotate(options=Count("choices"))
        .values_list("options", "choose")
        .iterator(chunk_size=5000)
    )
    chances = [1 / math.comb(options, choose) for options, choose in rows if options >= choose >= 1]
    return math.fsum(chances) / len(chances) if chances else 0.0


def population_parameters(population: ability.Population) -> dict:
    """A fit as JSON for PopulationFit.parameters (ids become strings)."""
    return {
        "easiness": {str(k): v for k, v in population.easiness.items()},
        "difficulty": {str(k): v for k, v in population.difficulty.items()},
        "ability_sd": population.ability_sd,
        "topic_sd": population.topic_sd,
        "difficulty_sd": population.difficulty_sd,
        "reask_shift": [
            [right, recent, v] for (right, recent), v in population.reask_shift.items()
        ],
        "guess": population.guess,
    }


def population() -> ability.Population:
    """The newest stored fit (one query), or the model's defaults before the first."""
    fit = PopulationFit.objects.first()
    if fit is None:
        return ability.Population()
    stored = fit.parameters
    return ability.Population(
        easiness={int(k): v for k, v in stored["easiness"].items()},
        difficulty={int(k): v for k, v in stored["difficulty"].items()},
        ability_sd=stored["ability_sd"],
        topic_sd=stored["topic_sd"],
        difficulty_sd=stored["difficulty_sd"],
        learners=fit.learners,
        answers=fit.answers,
        reask_shift={(right, recent): v for right, recent, v in stored.get("reask_shift", [])},
        guess=stored.get("guess", 0.0),  # fits stored before the floor have none
    )


@dataclass
class History:
    """One learner's answers, as the model reads them."""

    first_sight: list[tuple[int, int, bool]]  # (topic id, question id, right), in order
    # Later answers: (topic id, question id, (last right?, less than RECENT ago?), right).
    reasks: list[tuple[int, int, tuple[bool, bool], bool]]
    last: dict[int, tuple[bool, datetime]]  # question id -> (right, when), the latest answer

    @classmethod
    def of(cls, user: AbstractBaseUser) -> "History":
        first_sight, reasks, last = [], [], {}
        for question_id, topic_id, correct, at in (
            AnswerRecord.objects.filter(user=user)
            .order_by("answered_at", "pk")
            .values_list("question_id", "question__topic_id", "is_correct", "answered_at")
        ):
            previous = last.get(question_id)
            if previous is None:
                first_sight.append((topic_id, question_id, correct))
            else:
                kind = (previous[0], at - previous[1] < ability.RECENT)
                reasks.append((topic_id, question_id, kind, correct))
            last[question_id] = (correct, at)
        return cls(first_sight, reasks, last)


# -- Predictions ------------------------------------------------------------------------------


@dataclass
class TopicStanding:
    topic: Topic
    weight: Weight
    questions: int  # in the bank's pool
    seen: int
    first_sight: int = 0  # the learner's first-sight answers in the topic
    quota: int = 0  # questions of this topic on the real exam
    chance: float = 0.0  # of a right first-sight answer (the real exam), posterior mean
    expected_wrong: float = 0.0  # on the real exam


@dataclass
class DomainStanding:
    """An exam domain's part of the real-exam prediction: its topics' together."""

    name: str
    weight: int | None  # percent of the exam in the exam guide; None: topics of no domain
    quota: int = 0
    expected_wrong: float = 0.0

    @property
    def chance(self) -> float:
        return 1 - self.expected_wrong / self.quota if self.quota else 0.0


@dataclass
class Readiness:
    blueprint: Blueprint | None
    status: str  # "ok", "no_blueprint", "little_history"
    message: str = ""
    real: readiness.Prediction | None = None  # the real exam: questions never seen
    mock: readiness.Prediction | None = None  # the next mock exam from this bank
    mock_message: str = ""  # why there is no mock prediction
    evidence: int = 0  # first-sight answers in the exam's topics
    evidence_right: int = 0  # of them right
    evidence_all: int = 0  # first-sight answers in every topic (they inform general ability)
    needed: int = 0  # first-sight answers in the exam's topics before a number is shown
    exam_date: date | None = None
    topics: list[TopicStanding] = field(default_factory=list)
    plan: readiness.Plan | None = None

    @property
    def shown(self) -> bool:
        return self.status == "ok"

    @property
    def few_answers(self) -> bool:
        return self.evidence < FEW_ANSWERS

    @property
    def domains(self) -> list[DomainStanding]:
        """The real exam by exam domain (each topic counted in its topic's domain), in the
        exam guide's order; [] when no topic of the exam has a domain."""

        def add(row: DomainStanding, standing: TopicStanding) -> None:
            row.quota += standing.quota
            row.expected_wrong += standing.expected_wrong

        return grouped_by_domain(
            ((t.topic.domain, t) for t in self.topics if t.quota), DomainStanding, add
        )

    @property
    def weakest(self) -> list[TopicStanding]:
        """Topics by their share of the expected wrong answers on the real exam."""
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


class _Model:
    """The learner's posterior and the blueprint's pool: everything both predictions need."""

    def __init__(
        self,
        user: AbstractBaseUser,
        blueprint: Blueprint,
        *,
        now: datetime,
        topics: dict[Topic, Weight] | None = None,
        pool: dict[Topic, list[int]] | None = None,
    ):
        self.now = now
        self.blueprint = blueprint
        self.weights = topics if topics is not None else blueprint_topics(blueprint)
        # The questions an attempt may draw, so the mock prediction is about the exam the
        # learner would really get.
        pool = pool if pool is not None else blueprint_pool(blueprint, now=now, topics=self.weights)
        self.pool = {topic.pk: ids for topic, ids in pool.items()}
        self.population = population()
        self.history = History.of(user)
        self.posterior = ability.posterior(self.population, self.history.first_sight)
        self.shifts = ability.reask_shifts(self.posterior, self.history.reasks)
        topic_ids = {topic.pk for topic in self.weights}
        self.evidence = Counter(t for t, _q, _r in self.history.first_sight if t in topic_ids)
        self.evidence_right = sum(
            right for t, _q, right in self.history.first_sight if t in topic_ids
        )
        self.exam = readiness.ExamModel(
            total_questions=blueprint.question_count,
            passing_score=blueprint.passing_score,
            scale=blueprint.scale,
        )

    def real_exam(self) -> tuple[readiness.Prediction, dict[int, int], dict[int, float]]:
        """The real exam: the blueprint's weights, every question new."""
        total = self.blueprint.question_count
        quotas = allocate(
            {t.pk: w for t, w in self.weights.items()}, {t.pk: total for t in self.weights}, total
        )
        sections = [ability.Section(t, n, ability.Pool(fresh=1)) for t, n in quotas.items() if n]
        outcome = ability.score_distribution(self.posterior, sections)
        return self.exam.summary(outcome.distribution), quotas, outcome.topic_means

    def next_mock(self) -> readiness.Prediction:
        """The next mock exam: the pool's questions, seen ones as asked again (raises
        ValueError when the bank cannot fill the exam, with allocate's message)."""
        quotas = allocate(
            {t.pk: w for t, w in self.weights.items()},
            {t: len(ids) for t, ids in self.pool.items()},
            self.blueprint.question_count,
        )
        sections = []
        for topic_id, quota in quotas.items():
            if not quota:
                continue
            unseen, seen = [], []
            for question_id in self.pool[topic_id]:
                difficulty = self.population.question_difficulty(question_id)
                last = self.history.last.get(question_id)
                if last is None:
                    unseen.append(difficulty)
                else:
                    right, at = last
                    kind = (right, self.now - at < ability.RECENT)
                    seen.append((difficulty, self.shifts.get(kind, 0.0)))
            sections.append(ability.Section(topic_id, quota, ability.Pool(0, unseen, seen)))
        outcome = ability.score_distribution(self.posterior, sections)
        return self.exam.summary(outcome.distribution)

    def needed(self) -> int:
        questions = sum(len(ids) for ids in self.pool.values())
        return min(MIN_ANSWERED, max(1, -(-questions // 2)))  # or half of a small bank


def readiness_for(
    *,
    user: AbstractBaseUser,
    profile: Profile,
    blueprint: Blueprint | None,
    now: datetime | None = None,
    with_plan: bool = True,
    topics: dict[Topic, Weight] | None = None,
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
    model = _Model(user, blueprint, now=now, topics=topics)
    evidence = sum(model.evidence.values())
    result = Readiness(
        blueprint,
        "ok",
        evidence=evidence,
        evidence_right=model.evidence_right,
        evidence_all=len(model.history.first_sight),
        needed=model.needed(),
        exam_date=profile.exam_date,
    )
    result.real, quotas, means = model.real_exam()
    for topic, weight in model.weights.items():
        ids = model.pool.get(topic.pk, [])
        chance = means.get(topic.pk, model.posterior.first_sight_chance(topic.pk))
        result.topics.append(
            TopicStanding(
                topic=topic,
                weight=weight,
                questions=len(ids),
                seen=sum(1 for q in ids if q in model.history.last),
                first_sight=model.evidence[topic.pk],
                quota=quotas.get(topic.pk, 0),
                chance=chance,
                expected_wrong=quotas.get(topic.pk, 0) * (1 - chance),
            )
        )
    try:
        result.mock = model.next_mock()
    except ValueError as error:
        result.mock_message = f"The question bank cannot fill {blueprint.name} yet: it {error}."
    if evidence < result.needed:
        result.status = "little_history"
        result.message = (
            f"Answer at least {result.needed} new questions of this exam's topics first (you "
            f"have answered {evidence}); until then a prediction would mostly be a guess."
        )
    local_today = srs.local_day_start(now, profile.time_zone).date()
    if with_plan and profile.exam_date and profile.exam_date >= local_today:
        days = (profile.exam_date - local_today).days
        _counts, forecast = review_selectors.review_overview(user, profile, now=now)
        questions = sum(len(ids) for ids in model.pool.values())
        seen = sum(1 for ids in model.pool.values() for q in ids if q in model.history.last)
        result.plan = readiness.study_plan(
            unseen=questions - seen,
            due_by_day=[n for _day, n in forecast][: max(days, 0)],
            days=days,
            new_per_day_limit=profile.new_per_day,
            reviews_per_day_limit=profile.max_reviews_per_day,
        )
    return result


@dataclass(frozen=True)
class StoredPrediction:
    """What an attempt stores at its start (Attempt.predicted_*)."""

    predicted_pass: float | None = None
    predicted_score: float | None = None
    predicted_real_pass: float | None = None
    predicted_real_score: float | None = None
    prediction_shown: bool = False
    seen_at_start: int = 0


def attempt_prediction(
    user: AbstractBaseUser,
    blueprint: Blueprint,
    *,
    now: datetime,
    topics: dict[Topic, Weight],
    pool: dict[Topic, list[int]],
    chosen: list[int],
) -> StoredPrediction:
    """Both predictions for an attempt starting now from this pool, whether the readiness
    page would show them, and how many of the chosen questions the learner had seen."""
    model = _Model(user, blueprint, now=now, topics=topics, pool=pool)
    real, _quotas, _means = model.real_exam()
    try:
        mock = model.next_mock()
    except ValueError:
        mock = None
    return StoredPrediction(
        predicted_pass=mock.pass_probability if mock else None,
        predicted_score=mock.expected_score if mock else None,
        predicted_real_pass=real.pass_probability,
        predicted_real_score=real.expected_score,
        prediction_shown=sum(model.evidence.values()) >= model.needed(),
        seen_at_start=sum(1 for q in chosen if q in model.history.last),
    )


# -- Calibration ------------------------------------------------------------------------------


@dataclass
class Calibration:
    name: str
    attempts: int
    brier: float | None
    log_loss: float | None
    score_mae: float | None
    bins: list
    note: str = ""


def calibration(attempts=None) -> list[Calibration]:
    """How well the shown predictions matched the outcomes of finished timed attempts (review
    mode shows the answers as it goes, so it says nothing of the exam): the next-mock
    prediction over every such attempt, the real-exam one over attempts whose questions were
    all new to the learner (what the real exam is like)."""
    rows = list(
        (attempts if attempts is not None else Attempt.objects.all())
        .filter(finished_at__isnull=False, prediction_shown=True, mode=Attempt.Mode.TIMED)
        .values_list(
            "predicted_pass",
            "predicted_score",
            "predicted_real_pass",
            "predicted_real_score",
            "seen_at_start",
            "passed",
            "score",
        )
    )
    mock = [(p, e, ok, s) for p, e, _rp, _re, _seen, ok, s in rows if p is not None]
    real = [(rp, re, ok, s) for _p, _e, rp, re, seen, ok, s in rows if rp is not None and not seen]
    return [
        _calibration("Next mock exam from this bank", mock),
        _calibration(
            "Real exam (questions never seen)",
            real,
            note="Checked against mock attempts whose questions were all new to the learner.",
        ),
    ]


def _calibration(name: str, rows: list, note: str = "") -> Calibration:
    if not rows:
        return Calibration(name, 0, None, None, None, readiness.reliability_table([]), note)
    pairs = [(p, bool(passed)) for p, _e, passed, _s in rows]
    scores = [(e, float(s)) for _p, e, _ok, s in rows if e is not None and s is not None]
    return Calibration(
        name=name,
        attempts=len(rows),
        brier=readiness.brier_score(pairs),
        log_loss=readiness.log_loss(pairs),
        score_mae=readiness.mean_absolute_error(scores) if scores else None,
        bins=readiness.reliability_table(pairs),
        note=note,
    )
