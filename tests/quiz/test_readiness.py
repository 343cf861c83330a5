"""The readiness maths: pure functions, no database."""

import itertools
import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from quiz.exam_rules import allocate, score
from quiz.readiness import (
    DEFAULT_PRIOR,
    NORMAL_APPROXIMATION_THRESHOLD,
    Bin,
    ExamModel,
    TopicInput,
    brier_score,
    correct_count_distribution,
    log_loss,
    mean_absolute_error,
    predict,
    prior_recall,
    reliability_table,
    study_plan,
)


def simulate_exam(rng: random.Random, recall_by_topic: dict, quotas: dict) -> int:
    """One real mock exam: each topic's questions drawn without replacement, answered with
    their own recall. Returns the number right."""
    correct = 0
    for key, quota in quotas.items():
        for recall in rng.sample(recall_by_topic[key], quota):
            correct += rng.random() < recall
    return correct


# -- correct_count_distribution ----------------------------------------------------------------


def test_two_fair_coins():
    assert correct_count_distribution([0.5, 0.5]) == pytest.approx([0.25, 0.5, 0.25], abs=1e-15)


def test_certain_answers_give_a_certain_count():
    assert correct_count_distribution([1.0, 0.0]) == [0.0, 1.0, 0.0]


def test_three_questions_by_hand():
    # P(0) = .5 x .8 x .1; P(3) = .5 x .2 x .9; the middle two add the mixed outcomes.
    assert correct_count_distribution([0.5, 0.2, 0.9]) == pytest.approx(
        [0.04, 0.41, 0.46, 0.09], abs=1e-12
    )


def test_no_questions_means_zero_right():
    assert correct_count_distribution([]) == [1.0]


@pytest.mark.parametrize("n", [7, 65, NORMAL_APPROXIMATION_THRESHOLD + 50])
def test_distribution_sums_to_one_and_its_mean_is_the_sum_of_probabilities(n):
    rng = random.Random(n)
    probabilities = [rng.random() for _ in range(n)]
    distribution = correct_count_distribution(probabilities)
    assert len(distribution) == n + 1
    assert math.fsum(distribution) == pytest.approx(1, abs=1e-12)
    mean = math.fsum(k * p for k, p in enumerate(distribution))
    assert mean == pytest.approx(math.fsum(probabilities), abs=1e-6 if n < 400 else 0.01)


def test_large_exams_use_a_normal_approximation_close_to_the_exact_binomial():
    n = NORMAL_APPROXIMATION_THRESHOLD + 1
    approximate = correct_count_distribution([0.7] * n)
    exact = [math.comb(n, k) * 0.7**k * 0.3 ** (n - k) for k in range(n + 1)]
    gaps = [
        abs(a - e)
        for a, e in zip(itertools.accumulate(approximate), itertools.accumulate(exact), strict=True)
    ]
    assert max(gaps) < 0.005
    # Certain answers stay certain rather than dividing by a zero variance.
    assert correct_count_distribution([1.0] * n)[n] == 1.0


def test_probabilities_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        correct_count_distribution([0.5, 1.2])
    with pytest.raises(ValueError, match="between 0 and 1"):
        correct_count_distribution([math.nan])


# -- predict --------------------------------------------------------------------------------------

# Two topics, two questions each on the exam; 3 of 4 right scores 775, 2 of 4 only 550.
TINY_BANK = {"compute": [0.9, 0.7, 0.4], "storage": [0.8, 0.5]}
TINY_TOPICS = [TopicInput(key, 1, len(recall), recall) for key, recall in TINY_BANK.items()]


def test_tiny_blueprint_matches_brute_force_enumeration():
    prediction = predict(TINY_TOPICS, total_questions=4, passing_score=720)

    means = [2 / 3] * 2 + [0.65] * 2  # each drawn question is right with its topic's mean
    by_count = [0.0] * 5
    for outcome in itertools.product([True, False], repeat=4):
        p = math.prod(m if right else 1 - m for m, right in zip(means, outcome, strict=True))
        by_count[sum(outcome)] += p
    assert prediction.distribution == pytest.approx(by_count, abs=1e-12)
    assert prediction.pass_probability == pytest.approx(by_count[3] + by_count[4], abs=1e-12)
    assert prediction.expected_score == pytest.approx(
        sum(p * score(correct=k, total=4, scale="scaled") for k, p in enumerate(by_count))
    )
    assert prediction.expected_correct == pytest.approx(sum(means))
    assert prediction.total == 4
    assert {t.key: t.quota for t in prediction.topics} == {"compute": 2, "storage": 2}


def test_tiny_blueprint_matches_a_monte_carlo_simulation_of_the_exam():
    prediction = predict(TINY_TOPICS, total_questions=4, passing_score=720)
    quotas = allocate({"compute": 1, "storage": 1}, {"compute": 3, "storage": 2}, 4)
    rng = random.Random(720)
    samples = 40_000
    counts = [simulate_exam(rng, TINY_BANK, quotas) for _ in range(samples)]

    assert sum(c >= 3 for c in counts) / samples == pytest.approx(
        prediction.pass_probability, abs=0.02
    )
    assert sum(counts) / samples == pytest.approx(prediction.expected_correct, abs=0.02)


def test_drawing_without_replacement_only_narrows_the_spread():
    # The real exam never draws a question twice: enumerate every draw and every outcome.
    real = [0.0] * 5
    for compute in itertools.combinations(TINY_BANK["compute"], 2):
        for storage in itertools.combinations(TINY_BANK["storage"], 2):
            for k, p in enumerate(correct_count_distribution([*compute, *storage])):
                real[k] += p / 3  # 3 ways to draw 2 of compute's 3, 1 way for storage
    prediction = predict(TINY_TOPICS, total_questions=4, passing_score=720)

    def mean_and_variance(distribution):
        mean = sum(k * p for k, p in enumerate(distribution))
        return mean, sum((k - mean) ** 2 * p for k, p in enumerate(distribution))

    real_mean, real_variance = mean_and_variance(real)
    model_mean, model_variance = mean_and_variance(prediction.distribution)
    assert model_mean == pytest.approx(real_mean)
    # Smaller by quota (quota - 1) Var / (n - 1) for compute; storage is drawn whole.
    compute_var = sum((r - 2 / 3) ** 2 for r in TINY_BANK["compute"]) / 3
    storage_var = sum((r - 0.65) ** 2 for r in TINY_BANK["storage"]) / 2
    assert model_variance - real_variance == pytest.approx(2 * compute_var / 2 + 2 * storage_var)
    assert prediction.pass_probability == pytest.approx(real[3] + real[4], abs=0.01)


def test_interval_is_the_10th_to_90th_percentile_score():
    # Binomial(10, 0.5): P(<= 2) = 0.055, P(<= 3) = 0.172, P(<= 6) = 0.828, P(<= 7) = 0.945.
    topics = [TopicInput("all", 1, 12, [0.2, 0.8] * 6)]
    prediction = predict(topics, total_questions=10, passing_score=720)
    assert (prediction.low, prediction.high) == (370, 730)  # 3 and 7 right of 10
    assert prediction.expected_score == pytest.approx(550)
    assert prediction.pass_probability == pytest.approx(176 / 1024)  # 7 or more right

    percent = predict(topics, total_questions=10, passing_score=70, scale="percent")
    assert (percent.low, percent.high) == (30, 70)
    assert percent.pass_probability == pytest.approx(176 / 1024)


def test_perfect_recall_passes_for_certain():
    prediction = predict(
        [TopicInput("a", 3, 5, [1.0] * 5), TopicInput("b", 1, 5, [1.0] * 5)],
        total_questions=8,
        passing_score=720,
    )
    assert prediction.pass_probability == 1.0
    assert (prediction.low, prediction.high, prediction.expected_score) == (1000, 1000, 1000)


def test_pass_probability_rises_with_recall():
    chances = []
    for level in [i / 20 for i in range(21)]:
        topics = [
            TopicInput("a", 2, 30, [level] * 20 + [0.6] * 10),
            TopicInput("b", 1, 30, [0.7] * 30),
        ]
        chances.append(predict(topics, total_questions=30, passing_score=720).pass_probability)
    assert all(low < high for low, high in itertools.pairwise(chances))


def test_topics_with_the_most_expected_wrong_answers_come_first():
    topics = [
        TopicInput("strong", 1, 10, [0.95] * 10),
        TopicInput("weak", 1, 10, [0.5] * 10),
        TopicInput("middling", 2, 10, [0.7] * 10),
        TopicInput("unweighted", 0, 10, [0.1] * 10),  # not on the exam
    ]
    prediction = predict(topics, total_questions=20, passing_score=720)
    assert [t.key for t in prediction.topics] == ["middling", "weak", "strong"]
    middling = prediction.topics[0]
    assert (middling.quota, middling.mean_recall) == (10, pytest.approx(0.7))
    assert middling.expected_wrong == pytest.approx(3)


def test_a_bank_that_cannot_fill_the_blueprint_says_so():
    with pytest.raises(ValueError, match="needs 10 published questions, the bank has 5"):
        predict([TopicInput("a", 1, 5, [0.5] * 5)], total_questions=10, passing_score=720)


def test_a_topic_on_the_exam_needs_recall_values():
    topics = [TopicInput("a", 1, 5, [0.5] * 5), TopicInput("b", 1, 5, [])]
    with pytest.raises(ValueError, match="topic 'b' has 2 questions on the exam but no recall"):
        predict(topics, total_questions=4, passing_score=720)


@pytest.mark.parametrize(
    ("topics", "kwargs", "message"),
    [
        ([TopicInput("a", 1, 5, [1.5])], {}, "recall in topic 'a' must be between 0 and 1"),
        ([TopicInput("a", 1, 5, [0.5])] * 2, {}, "each topic may appear only once"),
        ([TopicInput("a", 1, 5, [0.5])], {"scale": "raw"}, "unknown score scale 'raw'"),
        ([TopicInput("a", 1, 5, [0.5])], {"total_questions": 0}, "at least one question"),
    ],
)
def test_bad_inputs_are_refused(topics, kwargs, message):
    arguments = {"total_questions": 4, "passing_score": 720, **kwargs}
    with pytest.raises(ValueError, match=message):
        predict(topics, **arguments)


def test_exam_model_is_the_same_prediction():
    model = ExamModel(total_questions=4, passing_score=720)
    assert model.predict(TINY_TOPICS) == predict(TINY_TOPICS, total_questions=4, passing_score=720)


# -- prior_recall ---------------------------------------------------------------------------------


def test_prior_without_first_sight_answers_is_the_fallback():
    assert prior_recall(0, 0, fallback=0.62) == pytest.approx(0.62)
    assert prior_recall(0, 0, fallback=DEFAULT_PRIOR) == 0.5


def test_prior_shrinks_a_few_answers_toward_the_fallback():
    # (3 + 4 x 0.5) / (4 + 4)
    assert prior_recall(3, 4, fallback=0.5) == pytest.approx(0.625)
    assert prior_recall(3, 4, fallback=0.5, strength=1) == pytest.approx(0.7)


def test_prior_with_many_answers_is_the_learners_own_rate():
    assert prior_recall(800, 1000, fallback=0.3) == pytest.approx(0.8, abs=0.002)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((5, 4), {"fallback": 0.5}), ((-1, 4), {"fallback": 0.5}), ((1, 4), {"fallback": 2})],
)
def test_impossible_first_sight_counts_are_refused(args, kwargs):
    with pytest.raises(ValueError):
        prior_recall(*args, **kwargs)


def test_prior_strength_must_be_positive():
    with pytest.raises(ValueError, match="strength must be positive"):
        prior_recall(1, 2, fallback=0.5, strength=0)


# -- calibration metrics -----------------------------------------------------------------------


def test_brier_score_of_perfect_and_of_coin_flip_predictions():
    assert brier_score([(1.0, True), (0.0, False)]) == 0
    assert brier_score([(0.5, True), (0.5, False), (0.5, True)]) == pytest.approx(0.25)


def test_log_loss_of_a_coin_flip_is_ln_2_and_certainty_is_clipped():
    assert log_loss([(0.5, True), (0.5, False)]) == pytest.approx(math.log(2))
    assert log_loss([(0.0, True)]) == pytest.approx(-math.log(1e-6))


def test_reliability_table_bins_predictions_and_keeps_empty_bins():
    pairs = [(0.05, False), (0.15, True), (0.18, False), (0.1, True), (1.0, True)]
    table = reliability_table(pairs, bins=10)
    assert len(table) == 10
    assert table[0] == Bin(0.0, 0.1, 1, 0.05, 0.0)
    assert table[1] == Bin(0.1, 0.2, 3, pytest.approx(0.43 / 3), pytest.approx(2 / 3))
    assert table[9] == Bin(0.9, 1.0, 1, 1.0, 1.0)  # the last bin includes 1.0
    assert table[5] == Bin(0.5, 0.6, 0, None, None)
    assert sum(b.count for b in table) == len(pairs)


def test_mean_absolute_error_of_scores():
    assert mean_absolute_error([(700, 720), (800, 760)]) == 30


def test_averages_need_predictions_but_the_table_can_be_empty():
    for metric in (brier_score, log_loss, mean_absolute_error):
        with pytest.raises(ValueError, match="no predictions"):
            metric([])
    assert reliability_table([], bins=4) == [
        Bin(0.0, 0.25, 0, None, None),
        Bin(0.25, 0.5, 0, None, None),
        Bin(0.5, 0.75, 0, None, None),
        Bin(0.75, 1.0, 0, None, None),
    ]


# -- study_plan -------------------------------------------------------------------------------------


def test_plan_keeps_the_last_five_days_for_reviews_and_tapers_the_new_ones():
    plan = study_plan(
        unseen=70, due_by_day=[5] * 10, days=10, new_per_day_limit=30, reviews_per_day_limit=50
    )
    assert (plan.new_days, plan.new_per_day) == (5, 21)
    # 1.5 x the mean of 14 on the first day down to 0.5 x it on the last, rounded as a sum.
    assert plan.new_by_day == [21, 18, 14, 10, 7] + [0] * 5
    # 5 already due, plus each earlier day's new questions 1, 3 and 7 days on.
    assert plan.reviews_by_day == [5, 26, 23, 40, 33, 26, 15, 33, 23, 19]
    assert plan.peak_reviews == 40
    assert not plan.over_new_limit and not plan.over_review_limit
    assert plan.note == (
        "21 new questions today, then fewer each day, for 5 days sees every question."
    )


@pytest.mark.parametrize("unseen", [0, 1, 7, 60, 61, 999])
@pytest.mark.parametrize("days", [1, 2, 6, 9, 30])
def test_the_taper_brings_every_question_fewer_each_day(unseen, days):
    plan = study_plan(
        unseen=unseen, due_by_day=[], days=days, new_per_day_limit=999, reviews_per_day_limit=999
    )
    new = plan.new_by_day[: plan.new_days]
    assert sum(plan.new_by_day) == unseen and len(plan.new_by_day) == days
    assert all(a >= b for a, b in itertools.pairwise(new))


def test_plan_flags_limits_with_the_numbers():
    busy = study_plan(
        unseen=70, due_by_day=[5] * 10, days=10, new_per_day_limit=30, reviews_per_day_limit=30
    )
    assert busy.over_review_limit and not busy.over_new_limit
    assert "about 40 reviews" in busy.note and "limit of 30" in busy.note

    rushed = study_plan(
        unseen=100, due_by_day=[], days=5, new_per_day_limit=10, reviews_per_day_limit=200
    )
    assert (rushed.new_days, rushed.new_per_day) == (1, 100)  # the last 4 days for reviews
    assert rushed.over_new_limit
    assert "100 new questions today" in rushed.note and "limit of 10" in rushed.note


def test_plan_close_to_the_exam_brings_everything_new_first_and_missing_due_days_count_zero():
    plan = study_plan(
        unseen=11, due_by_day=[2], days=4, new_per_day_limit=5, reviews_per_day_limit=50
    )
    assert plan.new_per_day == 11  # the last three days are kept for reviews
    assert plan.new_by_day == [11, 0, 0, 0]
    assert plan.reviews_by_day == [2, 11, 0, 11]


def test_plan_with_nothing_new_only_reviews():
    plan = study_plan(
        unseen=0, due_by_day=[4, 9], days=2, new_per_day_limit=5, reviews_per_day_limit=50
    )
    assert (plan.new_per_day, plan.reviews_by_day, plan.peak_reviews) == (0, [4, 9], 9)
    assert plan.note == "You have seen every question: keep up with your reviews."


def test_the_reserve_of_review_days_holds_as_the_exam_comes_closer():
    # Read again each day by a learner who follows it: new questions end before the last days.
    kept = {
        days: days
        - study_plan(
            unseen=30, due_by_day=[], days=days, new_per_day_limit=99, reviews_per_day_limit=99
        ).new_days
        for days in range(1, 15)
    }
    assert kept == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4} | dict.fromkeys(range(6, 15), 5)


@pytest.mark.parametrize("days", [0, -3])
def test_plan_when_the_exam_is_today_or_past(days):
    plan = study_plan(
        unseen=40, due_by_day=[10], days=days, new_per_day_limit=5, reviews_per_day_limit=50
    )
    assert (plan.days, plan.new_per_day, plan.reviews_by_day) == (0, 0, [])
    assert not plan.over_new_limit and not plan.over_review_limit
    assert plan.note == "The exam is today or has passed: there are no study days left to plan."


# -- calibration against FSRS's own memory model ------------------------------------------------

LEARNERS = 300
QUESTIONS_PER_TOPIC = 20
WEIGHTS = {"compute": 5, "storage": 3, "networking": 2}
EXAM_QUESTIONS = 20  # 10 + 6 + 4; 14 right (730) passes, 13 (685) does not
PASSING_SCORE = 720
EXAMS_PER_LEARNER = 10  # independent sittings on the same day: more outcomes per prediction


def studied_card(rng, scheduler, card_id, *, first_review, reviews, spacing, first_sight):
    """A card reviewed `reviews` times, each answer drawn from the card's own retrievability.

    fsrs gives a never-reviewed card retrievability 0, so the first answer is drawn from the
    learner's first-sight accuracy instead.
    """
    card = Card(card_id=card_id)
    moment = first_review
    for n in range(reviews):
        recall = first_sight if n == 0 else scheduler.get_card_retrievability(card, moment)
        rating = Rating.Good if rng.random() < recall else Rating.Again
        card, _log = scheduler.review_card(card, rating, review_datetime=moment)
        moment += timedelta(days=rng.uniform(0.5, 1.5) * spacing)
    return card


def simulated_learners(seed: int, *, recall_bias: float = 0.0) -> list[tuple[float, bool]]:
    """(predicted pass probability, passed) for simulated learners with FSRS memories.

    The prediction sees each question's true recall plus `recall_bias` (0: the truth).
    """
    rng = random.Random(seed)
    scheduler = Scheduler(enable_fuzzing=False)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    pairs = []
    card_ids = itertools.count(1)
    for _learner in range(LEARNERS):
        # Learners differ in first-sight accuracy, diligence, spacing and exam timing.
        first_sight = rng.uniform(0.2, 0.9)
        reviews = rng.randint(1, 6)
        spacing = rng.uniform(1, 8)
        cards = {
            topic: [
                studied_card(
                    rng,
                    scheduler,
                    next(card_ids),
                    first_review=start + timedelta(days=rng.uniform(0, 30)),
                    reviews=max(1, reviews + rng.randint(-1, 1)),
                    spacing=spacing,
                    first_sight=first_sight,
                )
                for _ in range(QUESTIONS_PER_TOPIC)
            ]
            for topic in WEIGHTS
        }
        last_review = max(card.last_review for deck in cards.values() for card in deck)
        exam_day = last_review + timedelta(days=rng.uniform(1, 60))
        recall = {
            topic: [scheduler.get_card_retrievability(card, exam_day) for card in deck]
            for topic, deck in cards.items()
        }

        topics = [
            TopicInput(
                topic, weight, QUESTIONS_PER_TOPIC, [min(1, r + recall_bias) for r in recall[topic]]
            )
            for topic, weight in WEIGHTS.items()
        ]
        prediction = predict(topics, total_questions=EXAM_QUESTIONS, passing_score=PASSING_SCORE)
        quotas = {t.key: t.quota for t in prediction.topics}
        for _sitting in range(EXAMS_PER_LEARNER):
            correct = simulate_exam(rng, recall, quotas)
            obtained = score(correct=correct, total=EXAM_QUESTIONS, scale="scaled")
            pairs.append((prediction.pass_probability, obtained >= PASSING_SCORE))
    return pairs


@pytest.fixture(scope="module")
def calibration_pairs():
    return simulated_learners(seed=2026)


def test_predictions_are_calibrated_against_fsrs_memories(calibration_pairs):
    assert brier_score(calibration_pairs) < 0.2
    checked = [b for b in reliability_table(calibration_pairs) if b.count >= 20]
    assert len(checked) >= 5  # the learners spread over the range, not just the ends
    for b in checked:
        assert abs(b.observed_rate - b.mean_predicted) <= 0.15, b


def test_the_calibration_check_catches_an_overconfident_model():
    # The same learners and exams, predicted as if every recall were 10 points higher.
    pairs = simulated_learners(seed=2026, recall_bias=0.1)
    gaps = [b.mean_predicted - b.observed_rate for b in reliability_table(pairs) if b.count >= 20]
    assert max(gaps) > 0.15
