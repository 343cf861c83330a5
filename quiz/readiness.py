"""Exam readiness: a calibrated prediction of passing a fresh mock exam, and the maths around it.

Pure Python (no ORM, no Django): every input is a plain number, so the model is tested
without a database and the caller decides where the numbers come from.

The model of a fresh mock exam
------------------------------
- The blueprint draws `quota_t` questions from each topic t, with the same allocation the
  mock exams use (`quiz.exam_rules.allocate`: by topic weight, shortfalls moved on).
- Each question of the bank has a recall probability for the learner on the chosen day
  (FSRS retrievability for questions they have studied, `prior_recall` for the others).
- A drawn question is any of its topic's questions with equal chance, so the chance that it
  is answered right is the topic's mean recall `mean_t`.
- Answers are independent of each other (knowing one question says nothing more about
  another), and there is no partial credit: a question is right or wrong (as in
  `quiz.exam_rules`).

So the number right in topic t is Binomial(quota_t, mean_t), and the exam total is their
convolution: a Poisson-binomial distribution over `total_questions` slots. It is computed
exactly by dynamic programming up to NORMAL_APPROXIMATION_THRESHOLD questions and with a
normal approximation (continuity corrected) above it. Each possible count k is turned into
a score with `exam_rules.score`, which gives the pass probability, the expected score and an
80% interval (10th to 90th percentile).

One known simplification: a real exam draws a topic's questions *without* replacement, so
two drawn questions are never the same one. That leaves every mean unchanged (expected
score, expected wrong answers per topic) but makes the real count slightly less spread
than the binomial: its variance is smaller by quota_t x (quota_t - 1) x Var_t / (n_t - 1),
where Var_t is the variance (over n_t) of the recall values of the topic's n_t questions. The
difference is zero when a topic's recall values are all equal or its quota is 1, and small
when the quota is small next to the bank; otherwise the 80% interval is a little wide and the
pass probability a little closer to one half than the exact figure.

The recall values are taken as true probabilities: the prediction is as calibrated as they
are (FSRS retrievability and `prior_recall`), and carries no uncertainty about them.

The rest of the module: `prior_recall` (recall of never-seen questions), calibration
metrics to check predictions against outcomes (`brier_score`, `log_loss`,
`reliability_table`, `mean_absolute_error`), and `study_plan` (new cards and reviews per
day until the exam).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from quiz.exam_rules import allocate, score

# Exact dynamic programming costs O(n^2): about 10 ms at 400 questions. Above that
# the normal approximation's cumulative probabilities are within about 0.001 of the exact ones
# for a typical mix of recall, about 0.03 when nearly every answer is right (a skewed count).
NORMAL_APPROXIMATION_THRESHOLD = 400

# Recall of a never-seen question when the learner has no first-sight answers at all.
# Guessing a 4-choice single-answer question gives 0.25; a learner who studies the notes does
# better, and 0.5 ("as likely right as wrong") is the honest middle we assume.
DEFAULT_PRIOR = 0.5

LOW_PERCENTILE = 0.10  # the 80% interval runs from the 10th ...
HIGH_PERCENTILE = 0.90  # ... to the 90th percentile of the score

# Study plan: the last REVIEW_ONLY_DAYS days before the exam bring no new questions, only
# reviews (today always may). The plan is read again every day, so these are the same
# calendar days at every reading: a learner who follows it has seen every question before.
# New questions taper from NEW_TAPER x their mean on the first day to (2 - NEW_TAPER) x it
# on the last. Both keep the daily reviews even: with 3 review-only days and an even spread,
# a two-week learner's last days brought 1.7 x the mean day, with 5 and the taper at most
# 1.3 x (tests/quiz/test_two_weeks.py).
REVIEW_ONLY_DAYS = 5
NEW_TAPER = 1.5
# A rough rule of thumb, not the scheduler: a newly learned question comes back about once
# on each of these days after it is learned (FSRS's first intervals with Good answers).
NEW_CARD_REVIEW_OFFSETS = (1, 3, 7)

SCALES = ("scaled", "percent")


# -- The number of correct answers ------------------------------------------------------


def correct_count_distribution(probabilities: Sequence[float]) -> list[float]:
    """P(k right) for k = 0..n, when question i is right with probability probabilities[i].

    The questions are independent (a Poisson-binomial distribution). Exact by dynamic
    programming for n <= NORMAL_APPROXIMATION_THRESHOLD; above it, a normal distribution with
    the same mean and variance, with continuity correction, whose tails are folded into 0
    and n so the result still sums to 1.
    """
    probabilities = [_probability(p, "probability") for p in probabilities]
    if len(probabilities) > NORMAL_APPROXIMATION_THRESHOLD:
        return _normal_count_distribution(probabilities)
    distribution = [1.0] + [0.0] * len(probabilities)
    for seen, p in enumerate(probabilities, start=1):
        # Downwards, so distribution[k - 1] still holds the value before this question.
        for k in range(seen, 0, -1):
            distribution[k] = distribution[k] * (1 - p) + distribution[k - 1] * p
        distribution[0] *= 1 - p
    return distribution


def _normal_count_distribution(probabilities: list[float]) -> list[float]:
    n = len(probabilities)
    mean = math.fsum(probabilities)
    variance = math.fsum(p * (1 - p) for p in probabilities)
    if variance == 0:  # every probability is 0 or 1: the count is certain
        distribution = [0.0] * (n + 1)
        distribution[round(mean)] = 1.0
        return distribution
    sd = math.sqrt(variance)

    def below(x: float) -> float:
        return 0.5 * math.erfc(-(x - mean) / (sd * math.sqrt(2)))

    cumulative = [below(k + 0.5) for k in range(n)] + [1.0]
    return [cumulative[0]] + [cumulative[k] - cumulative[k - 1] for k in range(1, n + 1)]


# -- A fresh mock exam ---------------------------------------------------------------------


@dataclass(frozen=True)
class TopicInput:
    """One topic of the blueprint.

    `recall` holds the learner's recall probability for each of the topic's questions in the
    bank (normally one value per available question); only their mean is used.
    """

    key: object
    weight: int | Fraction  # a topic weight, or a domain's split among its topics
    available: int
    recall: Sequence[float]


@dataclass(frozen=True)
class TopicPrediction:
    key: object
    quota: int  # questions of this topic on the exam
    mean_recall: float
    expected_wrong: float  # quota x (1 - mean_recall): this topic's share of the gap


@dataclass(frozen=True)
class Prediction:
    pass_probability: float  # P(score >= passing_score)
    expected_score: float  # mean of the score over the distribution
    low: int  # 10th percentile score ...
    high: int  # ... and 90th: an 80% interval
    expected_correct: float
    total: int
    distribution: list[float]  # distribution[k] = P(k questions right), k = 0..total
    topics: list[TopicPrediction]  # topics on the exam, most expected wrong answers first


@dataclass(frozen=True)
class ExamModel:
    """A blueprint's exam: how many questions, the pass mark, and the score scale."""

    total_questions: int
    passing_score: int
    scale: str = "scaled"

    def __post_init__(self):
        if self.total_questions <= 0:
            raise ValueError(f"an exam needs at least one question, not {self.total_questions}")
        if self.scale not in SCALES:
            raise ValueError(f"unknown score scale {self.scale!r}: use one of {SCALES}")

    def score(self, correct: int) -> int:
        return score(correct=correct, total=self.total_questions, scale=self.scale)

    def predict(self, topics: Sequence[TopicInput]) -> Prediction:
        """The prediction for a learner whose recall per question is given by `topics`.

        Raises ValueError when the bank cannot fill the exam (allocate's message), when a
        topic on the exam has no recall values, or when a recall value is not a probability.
        """
        keys = [topic.key for topic in topics]
        if len(set(keys)) != len(keys):
            raise ValueError("each topic may appear only once")
        quotas = allocate(
            {topic.key: topic.weight for topic in topics},
            {topic.key: topic.available for topic in topics},
            self.total_questions,
        )
        per_topic = []
        slots = []  # one recall probability per question on the exam
        for topic in topics:
            quota = quotas.get(topic.key, 0)
            if not quota:
                continue
            if len(topic.recall) == 0:
                raise ValueError(
                    f"topic {topic.key!r} has {quota} questions on the exam but no recall values"
                )
            recall = [_probability(p, f"recall in topic {topic.key!r}") for p in topic.recall]
            mean = math.fsum(recall) / len(recall)
            per_topic.append(TopicPrediction(topic.key, quota, mean, quota * (1 - mean)))
            slots += [mean] * quota

        return self.summary(correct_count_distribution(slots), per_topic)

    def summary(
        self, distribution: Sequence[float], topics: Sequence[TopicPrediction] = ()
    ) -> Prediction:
        """The prediction that a distribution of right answers (P(k right), k = 0..total)
        makes: chance of passing, expected score, 80% interval; topics, most expected wrong
        answers first."""
        if len(distribution) != self.total_questions + 1:
            raise ValueError(
                f"a distribution over 0..{self.total_questions} right answers has "
                f"{self.total_questions + 1} values, not {len(distribution)}"
            )
        scores = [self.score(k) for k in range(len(distribution))]  # rising with k
        by_score = list(zip(distribution, scores, strict=True))
        passing = math.fsum(p for p, s in by_score if s >= self.passing_score)
        return Prediction(
            pass_probability=min(1.0, passing),  # a rounding excess above 1 is dropped
            expected_score=math.fsum(p * s for p, s in by_score),
            low=scores[_percentile(distribution, LOW_PERCENTILE)],
            high=scores[_percentile(distribution, HIGH_PERCENTILE)],
            expected_correct=math.fsum(k * p for k, p in enumerate(distribution)),
            total=self.total_questions,
            distribution=list(distribution),
            # sorted() is stable: ties keep the blueprint's order.
            topics=sorted(topics, key=lambda t: -t.expected_wrong),
        )


def predict(
    topics: Sequence[TopicInput], *, total_questions: int, passing_score: int, scale: str = "scaled"
) -> Prediction:
    """Predict a fresh mock exam of `total_questions` questions (see the module docstring)."""
    model = ExamModel(total_questions=total_questions, passing_score=passing_score, scale=scale)
    return model.predict(topics)


def _percentile(distribution: Sequence[float], q: float) -> int:
    """The smallest count whose cumulative probability reaches q."""
    cumulative = 0.0
    for k, p in enumerate(distribution):
        cumulative += p
        if cumulative >= q - 1e-12:  # tolerate rounding in the running sum
            return k
    return len(distribution) - 1


# -- Never-seen questions -------------------------------------------------------------------


def prior_recall(
    first_sight_correct: int, first_sight_total: int, *, fallback: float, strength: float = 4.0
) -> float:
    """The chance the learner answers a never-seen question of a topic right.

    The posterior mean of a Beta-binomial model: a Beta prior centred on `fallback` (the
    learner's overall first-sight accuracy, or DEFAULT_PRIOR when they have none) worth
    `strength` pseudo-answers, updated with their first-sight answers in this topic:

        (first_sight_correct + strength x fallback) / (first_sight_total + strength)

    With no answers it is the fallback; with many it approaches the learner's own rate.
    """
    if not 0 <= first_sight_correct <= first_sight_total:
        raise ValueError(
            f"first-sight answers: {first_sight_correct} right of {first_sight_total} is impossible"
        )
    if strength <= 0:
        raise ValueError(f"strength must be positive, not {strength}")
    fallback = _probability(fallback, "fallback")
    return (first_sight_correct + strength * fallback) / (first_sight_total + strength)


# -- Calibration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    """Predictions in [low, high) (the last bin includes 1.0) and how often they came true."""

    low: float
    high: float
    count: int
    mean_predicted: float | None  # None for an empty bin
    observed_rate: float | None


def brier_score(pairs: Sequence[tuple[float, bool]]) -> float:
    """Mean squared difference between predicted probability and outcome (0 is perfect)."""
    pairs = _checked(pairs)
    return math.fsum((p - outcome) ** 2 for p, outcome in pairs) / len(pairs)


def log_loss(pairs: Sequence[tuple[float, bool]], eps: float = 1e-6) -> float:
    """Mean negative log-likelihood of the outcomes; predictions clipped to [eps, 1 - eps]."""
    pairs = _checked(pairs)
    total = 0.0
    for p, outcome in pairs:
        p = min(max(p, eps), 1 - eps)
        total -= math.log(p if outcome else 1 - p)
    return total / len(pairs)


def reliability_table(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> list[Bin]:
    """Predictions grouped into `bins` equal-width bins over [0, 1], empty bins included.

    A calibrated predictor has observed_rate close to mean_predicted in every full bin. No
    pairs at all give a table of empty bins (a page can show the table before any outcome).
    """
    if bins <= 0:
        raise ValueError(f"bins must be positive, not {bins}")
    pairs = _checked(pairs) if pairs else []
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, outcome in pairs:
        i = min(int(p * bins), bins - 1)
        # p * bins can round across a boundary (0.57 * 100 < 57): agree with low and high.
        if i + 1 < bins and p >= (i + 1) / bins:
            i += 1
        elif i > 0 and p < i / bins:
            i -= 1
        grouped[i].append((p, outcome))
    table = []
    for i, members in enumerate(grouped):
        count = len(members)
        table.append(
            Bin(
                low=i / bins,
                high=(i + 1) / bins,
                count=count,
                mean_predicted=math.fsum(p for p, _ in members) / count if count else None,
                observed_rate=sum(1 for _, o in members if o) / count if count else None,
            )
        )
    return table


def mean_absolute_error(pairs: Sequence[tuple[float, float]]) -> float:
    """Mean of |predicted - actual|, e.g. of predicted against obtained exam scores."""
    if not pairs:
        raise ValueError("no predictions to score")
    return math.fsum(abs(predicted - actual) for predicted, actual in pairs) / len(pairs)


def _checked(pairs: Sequence[tuple[float, bool]]) -> list[tuple[float, bool]]:
    if not pairs:
        raise ValueError("no predictions to score")
    return [(_probability(p, "prediction"), bool(outcome)) for p, outcome in pairs]


# -- Study plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    days: int  # study days left, today included (0: the exam is today or past)
    new_days: int  # days that bring new questions (the first ones)
    new_per_day: int  # new questions a day needed to see every question in time
    new_by_day: list[int]  # new questions on each day (the last new day may take fewer)
    reviews_by_day: list[int]  # expected reviews on each day: already due + from new ones
    peak_reviews: int  # the busiest day's expected reviews
    new_per_day_limit: int
    reviews_per_day_limit: int
    over_new_limit: bool  # new_per_day > new_per_day_limit
    over_review_limit: bool  # peak_reviews > reviews_per_day_limit
    note: str  # one sentence for the learner


def study_plan(
    *,
    unseen: int,
    due_by_day: Sequence[int],
    days: int,
    new_per_day_limit: int,
    reviews_per_day_limit: int,
) -> Plan:
    """How to see every unseen question before the exam, and the reviews that will bring.

    `days` counts the study days left before exam day, today included; `due_by_day[i]` is
    the number of reviews the scheduler already has due on day i (today's includes overdue
    ones; missing days count 0). The last REVIEW_ONLY_DAYS (today excepted) are for reviews
    only; new questions come on the days before, tapered (`_tapered`: more on the first day,
    fewer each day after). Each new question is assumed to add one review on each day of
    NEW_CARD_REVIEW_OFFSETS after it is learned: an approximation of FSRS's first intervals,
    not a simulation of the scheduler.
    """
    for name, value in (
        ("unseen", unseen),
        ("new_per_day_limit", new_per_day_limit),
        ("reviews_per_day_limit", reviews_per_day_limit),
    ):
        if value < 0:
            raise ValueError(f"{name} cannot be negative ({value})")
    if days <= 0:
        return Plan(
            days=0,
            new_days=0,
            new_per_day=0,
            new_by_day=[],
            reviews_by_day=[],
            peak_reviews=0,
            new_per_day_limit=new_per_day_limit,
            reviews_per_day_limit=reviews_per_day_limit,
            over_new_limit=False,
            over_review_limit=False,
            note="The exam is today or has passed: there are no study days left to plan.",
        )

    new_days = days - min(REVIEW_ONLY_DAYS, days - 1)
    new_by_day = _tapered(unseen, new_days) + [0] * (days - new_days)
    new_per_day = new_by_day[0]

    reviews_by_day = [due_by_day[day] if day < len(due_by_day) else 0 for day in range(days)]
    for day, learned in enumerate(new_by_day):
        for offset in NEW_CARD_REVIEW_OFFSETS:
            if day + offset < days:
                reviews_by_day[day + offset] += learned
    peak_reviews = max(reviews_by_day)

    over_new_limit = new_per_day > new_per_day_limit
    over_review_limit = peak_reviews > reviews_per_day_limit
    if over_new_limit:
        note = (
            f"Seeing every question in time takes {new_per_day} new questions today, "
            f"more than your limit of {new_per_day_limit}."
        )
    elif over_review_limit:
        note = (
            f"The busiest day brings about {peak_reviews} reviews, "
            f"more than your limit of {reviews_per_day_limit}."
        )
    elif unseen:
        note = (
            f"{new_per_day} new questions today, then fewer each day, for {new_days} days "
            "sees every question."
            if new_days > 1
            else f"{new_per_day} new questions today sees every question."
        )
    else:
        note = "You have seen every question: keep up with your reviews."
    return Plan(
        days=days,
        new_days=new_days,
        new_per_day=new_per_day,
        new_by_day=new_by_day,
        reviews_by_day=reviews_by_day,
        peak_reviews=peak_reviews,
        new_per_day_limit=new_per_day_limit,
        reviews_per_day_limit=reviews_per_day_limit,
        over_new_limit=over_new_limit,
        over_review_limit=over_review_limit,
        note=note,
    )


def _tapered(total: int, days: int) -> list[int]:
    """`total` new questions over `days` days, from NEW_TAPER x the mean on the first day down
    to (2 - NEW_TAPER) x it on the last: questions learned early have their first, closest
    reviews while the deck is still small, so the daily load (new and reviews) stays even."""
    if days <= 1:
        return [total] * days
    weights = [NEW_TAPER - 2 * (NEW_TAPER - 1) * day / (days - 1) for day in range(days)]
    scale = total / math.fsum(weights)
    counts, given, running = [], 0, 0.0
    for weight in weights:
        running += weight * scale
        counts.append(math.floor(running + 0.5) - given)
        given += counts[-1]
    return sorted(counts, reverse=True)  # rounding can leave a later day one more


def _probability(value: float, what: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{what} must be between 0 and 1, not {value}")
    return value
