"""Simulated learners with known truth, driven through the app's own services, to check the
readiness predictions (and the exam-date scheduling) against outcomes.

The world: one synthetic certification with `topics` topics of `per_topic` four-choice
questions and a blueprint of `exam_questions` questions (pass at 720 of 1000). Each learner has
a true general ability theta ~ Normal(ABILITY_MEAN, 1) and a true offset per topic
u ~ Normal(0, 0.5^2); each question a true difficulty b ~ Normal(0, 0.8^2). The truth about
an answer (it is not the app's model: it has a guessing floor):

    P(right) = 0.25 + 0.75 x sigmoid(theta + u_topic - b + memory)

memory is 0 under `static`; under `memory` a question seen before is easier for about a week
(memory = 1.5 x exp(-days since it was last seen / 7)).

Each learner sets an exam date 14 days ahead, meets 0 to `max_new` new questions on random
days, reviews every card the scheduler has due each day (answers written through
`answer_record`, so cards are scheduled by the app), then on day 14 sits one mock exam drawn,
predicted and scored by the app (attempt_start, answer_save, attempt_finalize), and one "real
exam": `exam_questions` questions nobody has seen, of the same topics and difficulties. The
population is refitted (population_refit) before the mock exams.

Draws are paired: a learner's abilities and new questions come from their own generator
(seed, learner), and the draw that decides an answer from (seed, learner, question, showing),
so two schedulings run with the same seed meet the same learners, who answer a question's
n-th showing alike (common random numbers: the comparison shows the scheduling, not luck).

The oracle knows each learner's true abilities. For the mock it also knows the questions the
app drew (the stored prediction is made after the draw, too); for the real exam it knows the
distribution of difficulties but not the draw, as no prediction before the exam can.

For both predictions it reports Brier score, log-loss and a reliability table by decile over
the predictions the page would show, beside that oracle and beside the constant base rate.
"""

import math
import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from fsrs import Scheduler

from quiz import readiness, srs
from quiz.ability import sigmoid
from quiz.exam_rules import allocate
from quiz.models import AnswerSource, Attempt, Blueprint, ReviewCard
from quiz.services import (
    QuestionPlacement,
    answer_record,
    answer_save,
    attempt_finalize,
    attempt_start,
    blueprint_sync,
    profile_update,
    questions_sync,
)
from quiz.services.population import population_refit
from quiz.validation import ChoiceData, QuestionData
from study.services import certification_sync, topic_sync

ABILITY_MEAN = 0.9  # puts about half of the learners above the pass mark
TOPIC_SD = 0.5
DIFFICULTY_SD = 0.8
GUESS = 0.25
MEMORY_BOOST = 1.5
MEMORY_DAYS = 7.0
DAYS = 14
PASS_MARK = 720
SCHEDULER = Scheduler()  # default parameters, as the simulated learners have
TARGET_RECALL = 0.9  # the learners' desired retention (the default)
REAL_EXAM_DRAWS = 200  # the oracle's average over exams the real one may be


@dataclass
class Learner:
    user: object
    index: int
    rng: random.Random  # the learner's own draws: the same learner under every scheduling
    theta: float
    offsets: dict[int, float]  # topic id -> u
    seen: dict[int, datetime] = field(default_factory=dict)  # question id -> last asked
    showings: dict[int, int] = field(default_factory=dict)  # question id -> times asked


@dataclass
class Result:
    shown: bool
    ours: float | None
    oracle: float
    passed: bool


@dataclass
class Report:
    truth: str
    learners: int
    real: list[Result]
    mock: list[Result]
    daily_loads: list[int]  # reviews per learner per day, over every learner and day
    # Every card's recall at its learner's exam (9:00 on exam day): FSRS's own (whole days
    # elapsed, what the scheduler plans for), on the continuous curve, and the truth's chance
    # of answering it right then (what the learner would really score on it).
    exam_day_recall: list[tuple[float, float, float]]


class World:
    def __init__(self, *, seed: int, truth: str, topics: int, per_topic: int, exam_questions: int):
        if truth not in ("static", "memory"):
            raise ValueError(f"unknown truth {truth!r}: static or memory")
        self.seed = seed
        self.rng = random.Random(seed)
        self.truth = truth
        self.start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
        self.start += timedelta(days=1)
        certification, _ = certification_sync(slug=f"sim-{seed}", name="Simulated certification")
        self.topics = [
            topic_sync(certification=certification, slug=f"sim-{seed}-t{i}", title=f"Topic {i}")[0]
            for i in range(topics)
        ]
        placements = []
        self.difficulty: dict[int, float] = {}
        for topic in self.topics:
            for n in range(per_topic):
                placements.append(
                    QuestionPlacement(
                        topic=topic,
                        position=n,
                        data=QuestionData(
                            ext_id=f"{topic.slug}-q{n}",
                            stem=f"Simulated question {n} of {topic.title}",
                            choices=[
                                ChoiceData(label, f"Option number {n}.{i}", is_correct=label == "A")
                                for i, label in enumerate("ABCD")
                            ],
                        ),
                    )
                )
        self.questions = [question for question, _outcome in questions_sync(placements=placements)]
        for question in self.questions:
            self.difficulty[question.pk] = self.rng.gauss(0, DIFFICULTY_SD)
        blueprint_sync(
            certification=certification,
            slug=f"sim-{seed}-exam",
            name="Simulated exam",
            question_count=exam_questions,
            time_limit_minutes=exam_questions * 2,
            passing_score=PASS_MARK,
            scale="scaled",
            shuffle_choices=False,
            include_recent_key_changes=True,
            topics=dict.fromkeys(self.topics, 1),
        )
        self.blueprint = Blueprint.objects.get(slug=f"sim-{seed}-exam")
        self.exam_questions = exam_questions

    # -- the truth ----------------------------------------------------------------------------

    def chance(self, learner: Learner, question, at: datetime) -> float:
        x = learner.theta + learner.offsets[question.topic_id] - self.difficulty[question.pk]
        last = learner.seen.get(question.pk)
        if self.truth == "memory" and last is not None:
            x += MEMORY_BOOST * math.exp(-(at - last).total_seconds() / 86400 / MEMORY_DAYS)
        return GUESS + (1 - GUESS) * sigmoid(x)

    def luck(self, learner: Learner, question) -> float:
        """The uniform draw that decides this showing of the question to this learner: fixed
        by (seed, learner, question, showing), so two schedulings compared on the same seed
        meet the same learners who answer the same showing alike (common random numbers)."""
        showing = learner.showings.get(question.pk, 0)
        learner.showings[question.pk] = showing + 1
        return random.Random(f"{self.seed}/{learner.index}/{question.pk}/{showing}").random()

    def answer(self, learner: Learner, question, at: datetime, source: str) -> None:
        right = self.luck(learner, question) < self.chance(learner, question, at)
        answer_record(
            user=learner.user,
            question=question,
            labels=["A"] if right else ["B"],
            source=source,
            answered_at=at,
        )
        learner.seen[question.pk] = at

    # -- one learner's fortnight ---------------------------------------------------------------

    def learner(self, index: int) -> Learner:
        user = get_user_model().objects.create_user(f"sim-{id(self)}-{index}", password=None)
        rng = random.Random(f"{self.seed}/{index}")
        learner = Learner(
            user=user,
            index=index,
            rng=rng,
            theta=rng.gauss(ABILITY_MEAN, 1.0),
            offsets={t.pk: rng.gauss(0, TOPIC_SD) for t in self.topics},
        )
        exam_day = (self.start + timedelta(days=DAYS)).date()
        profile_update(user=user, exam_date=exam_day, time_zone="UTC")
        return learner

    def study(self, learner: Learner, max_new: int, by_id: dict, loads: list[int]) -> None:
        new = learner.rng.sample(self.questions, learner.rng.randint(0, max_new))
        days = [learner.rng.randrange(DAYS) for _ in new]
        for day in range(DAYS):
            morning = self.start + timedelta(days=day)
            due = list(
                ReviewCard.objects.filter(user=learner.user, due__lte=morning).values_list(
                    "question_id", flat=True
                )
            )
            for n, question_id in enumerate(due):
                at = morning + timedelta(minutes=n)
                self.answer(learner, by_id[question_id], at, AnswerSource.REVIEW)
            loads.append(len(due))
            todays = [q for q, d in zip(new, days, strict=True) if d == day]
            for n, question in enumerate(todays):
                at = morning + timedelta(hours=2, minutes=n)
                self.answer(learner, question, at, AnswerSource.PRACTICE)

    def mock_exam(self, learner: Learner) -> tuple[Attempt, float]:
        at = self.start + timedelta(days=DAYS - 1, hours=12)
        attempt = attempt_start(user=learner.user, blueprint=self.blueprint, now=at)
        chances = []
        for item in attempt.questions.select_related("question").prefetch_related(
            "question__choices"
        ):
            p = self.chance(learner, item.question, at)
            chances.append(p)
            label = "A" if self.luck(learner, item.question) < p else "B"
            ids = [str(c.pk) for c in item.question.choices.all() if c.label == label]
            answer_save(item=item, raw_choice_ids=ids, now=at)
        attempt = attempt_finalize(
            attempt=Attempt.objects.get(pk=attempt.pk), reason="submitted", now=at
        )
        return attempt, self.pass_chance(chances)

    def real_exam(self, learner: Learner) -> tuple[bool, float]:
        """Questions nobody has seen, drawn like the blueprint (equal topic weights). The
        oracle knows the learner's true abilities and the distribution of difficulties, not
        which questions the exam will draw (nobody can know that when predicting): its chance
        is the average over REAL_EXAM_DRAWS draws of the exam."""
        quotas = allocate(
            {t.pk: 1 for t in self.topics},
            {t.pk: self.exam_questions for t in self.topics},
            self.exam_questions,
        )

        def draw() -> list[float]:
            return [
                GUESS
                + (1 - GUESS)
                * sigmoid(
                    learner.theta + learner.offsets[topic_id] - learner.rng.gauss(0, DIFFICULTY_SD)
                )
                for topic_id, n in quotas.items()
                for _ in range(n)
            ]

        oracle = statistics.fmean(self.pass_chance(draw()) for _ in range(REAL_EXAM_DRAWS))
        chances = draw()
        right = sum(learner.rng.random() < p for p in chances)
        return self.exam(len(chances)).score(right) >= PASS_MARK, oracle

    def pass_chance(self, chances: list[float]) -> float:
        """The oracle: exact chance of passing with these true chances (Poisson-binomial),
        scored as the app scores an exam."""
        distribution = readiness.correct_count_distribution(chances)
        return self.exam(len(chances)).summary(distribution).pass_probability

    @staticmethod
    def exam(questions: int) -> readiness.ExamModel:
        return readiness.ExamModel(total_questions=questions, passing_score=PASS_MARK)


def simulate(
    *,
    learners: int,
    seed: int,
    truth: str,
    topics: int = 4,
    per_topic: int = 60,
    exam_questions: int = 40,
    max_new: int = 90,
) -> Report:
    """Run the simulation in the current database (the caller rolls it back)."""
    world = World(
        seed=seed, truth=truth, topics=topics, per_topic=per_topic, exam_questions=exam_questions
    )
    by_id = {q.pk: q for q in world.questions}
    people = [world.learner(i) for i in range(learners)]
    loads: list[int] = []
    for learner in people:
        world.study(learner, max_new, by_id, loads)
    population_refit(now=world.start + timedelta(days=DAYS - 1))
    real, mock, recall = [], [], []
    exam_moment = srs.exam_moment((world.start + timedelta(days=DAYS)).date(), "UTC")
    for learner in people:
        for stored in ReviewCard.objects.filter(user=learner.user):
            card = srs.card_of(stored)
            recall.append(
                (
                    SCHEDULER.get_card_retrievability(card, current_datetime=exam_moment),
                    continuous_recall(card, exam_moment),
                    world.chance(learner, by_id[stored.question_id], exam_moment),
                )
            )
        attempt, mock_oracle = world.mock_exam(learner)
        shown = attempt.prediction_shown
        mock.append(Result(shown, attempt.predicted_pass, mock_oracle, bool(attempt.passed)))
        passed, real_oracle = world.real_exam(learner)
        real.append(Result(shown, attempt.predicted_real_pass, real_oracle, passed))
    return Report(truth, learners, real, mock, loads, recall)


class _RollBack(Exception):
    pass


def simulate_rolled_back(**options) -> Report:
    """`simulate` in a transaction that is rolled back: the database is left as it was."""
    report = None
    try:
        with transaction.atomic():
            report = simulate(**options)
            raise _RollBack
    except _RollBack:
        pass
    return report


def continuous_recall(card, moment: datetime) -> float:
    """FSRS's forgetting curve over the time elapsed to the second. fsrs's
    get_card_retrievability (and so the scheduler) counts whole days: a review at 9:30 on the
    eve counts as perfect recall at 9:00 on exam day, and 1.9 days count as 1."""
    if card.last_review is None or card.stability is None:
        return 0.0
    elapsed = max((moment - card.last_review).total_seconds() / 86400, 0.0)
    return (1 + SCHEDULER._FACTOR * elapsed / card.stability) ** SCHEDULER._DECAY


# -- Figures ----------------------------------------------------------------------------------


@dataclass
class Scores:
    count: int
    brier: float  # against the outcomes drawn
    expected_brier: float  # against the true chances: the same in the long run, without luck
    log_loss: float
    bins: list


def scores(rows: list[tuple[float, float, bool]]) -> Scores | None:
    """rows: (predicted, true chance, passed)."""
    if not rows:
        return None
    pairs = [(predicted, passed) for predicted, _truth, passed in rows]
    # E[(q - Y)^2] for Y ~ Bernoulli(p) is (q - p)^2 + p(1 - p): the Brier score a prediction
    # earns on average, which ranks predictors without the noise of a few hundred outcomes.
    expected = math.fsum((q - p) ** 2 + p * (1 - p) for q, p, _passed in rows) / len(rows)
    return Scores(
        len(rows),
        readiness.brier_score(pairs),
        expected,
        readiness.log_loss(pairs),
        readiness.reliability_table(pairs),
    )


def figures(results: list[Result]) -> dict[str, Scores | None]:
    """Ours, the oracle and the base rate over the shown predictions."""
    shown = [r for r in results if r.shown and r.ours is not None]
    rate = sum(r.passed for r in shown) / len(shown) if shown else 0.5
    return {
        "ours": scores([(r.ours, r.oracle, r.passed) for r in shown]),
        "oracle": scores([(r.oracle, r.oracle, r.passed) for r in shown]),
        "base rate": scores([(rate, r.oracle, r.passed) for r in shown]),
    }


def load_figures(report: Report) -> dict[str, float]:
    loads = report.daily_loads or [0]
    recall = report.exam_day_recall or [(0.0, 0.0, 0.0)]
    fsrs, continuous, true = zip(*recall, strict=True)
    return {
        "largest day": max(loads),
        "mean day": statistics.fmean(loads),
        "spread (sd)": statistics.pstdev(loads),
        "mean recall on exam day": statistics.fmean(fsrs),
        # The scheduling's promise: every card at the desired retention (0.9) on exam day.
        "cards at the target on exam day": statistics.fmean(r >= TARGET_RECALL for r in fsrs),
        "mean continuous recall": statistics.fmean(continuous),
        "cards at the target, continuous": statistics.fmean(c >= TARGET_RECALL for c in continuous),
        "mean true chance on exam day": statistics.fmean(true),
        "total reviews": sum(report.daily_loads),
    }
