"""The readiness model's maths (quiz.ability): pure functions, no database."""

import itertools
import math
import random
import statistics
from dataclasses import dataclass

import pytest

from quiz.ability import (
    Ability,
    Pool,
    Population,
    Section,
    ThetaNode,
    chance,
    normal_nodes,
    posterior,
    reask_shifts,
    score_distribution,
    sigmoid,
)
from quiz.readiness import ExamModel, correct_count_distribution

# A 40-question exam passed with 20 right: score(20 of 40) = 100 + 900 / 2 = 550.
EXAM = ExamModel(total_questions=40, passing_score=550)


def pass_chance(outcome) -> float:
    return EXAM.summary(outcome.distribution).pass_probability


def four_topics(pool: Pool | None = None, quota: int = 10) -> list[Section]:
    """Four topics of `quota` questions each, drawn from `pool` (fresh questions by default)."""
    return [Section(f"t{i}", quota, pool or Pool(fresh=1)) for i in range(4)]


def theta_sd(ability: Ability) -> float:
    mean = ability.mean_theta
    return math.sqrt(math.fsum(n.weight * (n.theta - mean) ** 2 for n in ability.nodes))


def known_ability(theta: float, population: Population | None = None) -> Ability:
    """A learner whose ability is known exactly (one grid point, u = 0 in every topic), so the
    model's numbers can be checked by hand."""
    node = ThetaNode(theta, 1.0, {f"t{i}": [(0.0, 1.0)] for i in range(4)})
    return Ability(population or Population(), [node], evidence=0, evidence_by_topic={})


def mean_logistic_normal(mean: float, sd: float) -> float:
    """E[sigmoid(mean + sd Z)], Z standard normal: a fine trapezoid over +-10 sd, independent
    of the module's own quadrature."""
    zs = [-10 + 20 * i / 4000 for i in range(4001)]
    weights = [math.exp(-0.5 * z * z) for z in zs]
    return math.fsum(w * sigmoid(mean + sd * z) for z, w in zip(zs, weights, strict=True)) / (
        math.fsum(weights)
    )


def balanced_answers(n: int, topics: int = 4) -> list[tuple[str, str, bool]]:
    """n first-sight answers, right and wrong in turn, two at a time in each topic in turn:
    half of them right in every topic when n is even."""
    return [(f"t{(i // 2) % topics}", f"q{i}", i % 2 == 0) for i in range(n)]


# -- Simulated learners ---------------------------------------------------------------------

# Re-asked questions in the simulation: right more often after a right last answer, less often
# after a wrong one, whether recent or not.
TRUE_SHIFTS = {(True, True): 1.0, (True, False): 1.0, (False, True): -0.5, (False, False): -0.5}


@dataclass
class Simulation:
    answers: list  # (learner, topic, question, right): first sight
    reasks: list  # (learner, topic, question, (last right?, recent?), right)
    thetas: list[float]
    easiness: dict
    difficulty: dict


def simulate(
    seed: int,
    *,
    learners: int = 150,
    per_topic: int = 30,
    share: float = 0.5,
    ability_sd: float,
    topic_sd: float,
    difficulty_sd: float,
    easiness: tuple[float, ...] = (-1.0, -0.3, 0.4, 1.1),
    reask_share: float = 0.3,
    guess: float = 0.0,
) -> Simulation:
    """Learners drawn from the model itself, each answering a random `share` of the questions
    at first sight and a `reask_share` of those again. Difficulties are centred in each topic,
    as the model defines them (how much harder than the topic's average)."""
    rng = random.Random(seed)
    topics = range(len(easiness))
    difficulty = {}
    for t in topics:
        raw = [rng.gauss(0, difficulty_sd) for _ in range(per_topic)]
        centre = statistics.fmean(raw)
        difficulty.update({(t, j): b - centre for j, b in enumerate(raw)})
    answers, reasks, thetas = [], [], []
    for learner in range(learners):
        theta = rng.gauss(0, ability_sd)
        thetas.append(theta)
        for t in topics:
            u = rng.gauss(0, topic_sd)
            for j in range(per_topic):
                if rng.random() >= share:
                    continue
                x = theta + u + easiness[t] - difficulty[(t, j)]
                right = rng.random() < chance(x, guess)
                answers.append((learner, t, (t, j), right))
                if rng.random() < reask_share:
                    kind = (right, rng.random() < 0.5)
                    again = rng.random() < chance(x + TRUE_SHIFTS[kind], guess)
                    reasks.append((learner, t, (t, j), kind, again))
    return Simulation(answers, reasks, thetas, dict(zip(topics, easiness, strict=True)), difficulty)


# The spreads differ from the fit's defaults (1.0, 0.5, 1.0), so a fit that did nothing fails.
SPREADS = {"ability_sd": 1.5, "topic_sd": 0.2, "difficulty_sd": 1.5}


@pytest.fixture(scope="module")
def simulated():
    simulation = simulate(2024, **SPREADS)
    return simulation, Population.fit(simulation.answers, simulation.reasks)


# -- Helpers ----------------------------------------------------------------------------------


def test_sigmoid_is_symmetric_and_does_not_overflow():
    assert sigmoid(0) == 0.5
    assert sigmoid(1.3) + sigmoid(-1.3) == pytest.approx(1, abs=1e-15)
    # exp(1000) would overflow: both branches avoid it.
    assert sigmoid(-1000) == 0.0
    assert sigmoid(1000) == 1.0


def test_normal_nodes_are_a_normalised_symmetric_rule():
    nodes = normal_nodes(0.8, 9)
    assert math.fsum(w for _z, w in nodes) == pytest.approx(1, abs=1e-12)
    assert math.fsum(z * w for z, w in nodes) == pytest.approx(0, abs=1e-12)
    # Nine points over +-3 sd lose little of the variance.
    assert math.fsum(z * z * w for z, w in nodes) == pytest.approx(0.8**2, rel=0.05)
    # No spread: a single point, so a zero spread does not divide by zero.
    assert normal_nodes(0.0, 9) == [(0.0, 1.0)]


# -- Population.fit -------------------------------------------------------------------------


def test_fit_without_answers_is_the_default_population():
    # No data: the defaults (spreads 1.0, 0.5, 1.0; 50-50 topics) stand.
    assert Population.fit([]) == Population()
    assert Population().topic_easiness("anything") == 0.0
    assert Population().question_difficulty("anything") is None


def test_fit_counts_learners_and_answers(simulated):
    simulation, population = simulated
    assert population.learners == 150
    assert population.answers == len(simulation.answers)


def test_fit_recovers_the_ability_spread(simulated):
    # Known spread 1.5 (the default is 1.0): within 0.3.
    assert simulated[1].ability_sd == pytest.approx(SPREADS["ability_sd"], abs=0.3)


def test_fit_recovers_a_small_topic_spread(simulated):
    # Known spread 0.2 (the default is 0.5): within 0.15. A large one: below.
    assert simulated[1].topic_sd == pytest.approx(SPREADS["topic_sd"], abs=0.15)


def test_fit_recovers_the_difficulty_spread(simulated):
    # Known spread 1.5 (the default is 1.0): within 0.3.
    assert simulated[1].difficulty_sd == pytest.approx(SPREADS["difficulty_sd"], abs=0.3)


def test_fitted_difficulties_follow_the_true_ones(simulated):
    simulation, population = simulated
    questions = sorted(simulation.difficulty)
    truth = [simulation.difficulty[q] for q in questions]
    fitted = [population.question_difficulty(q) for q in questions]
    assert statistics.correlation(truth, fitted) > 0.8


def test_fitted_topic_easiness_follows_the_true_one(simulated):
    simulation, population = simulated
    for topic, truth in simulation.easiness.items():
        assert population.topic_easiness(topic) == pytest.approx(truth, abs=0.4)


def test_fit_recovers_the_reask_shifts(simulated):
    # Re-asks go better than first sight after a right answer (+1.0) and worse after a wrong
    # one (-0.5): each kind's shift is found within 0.4.
    shifts = simulated[1].reask_shift
    assert set(shifts) == set(TRUE_SHIFTS)
    for kind, truth in TRUE_SHIFTS.items():
        assert shifts[kind] == pytest.approx(truth, abs=0.4), kind


def test_posterior_means_track_the_simulated_abilities(simulated):
    # The fitted population and each learner's own answers place them where they really are
    # (a sample of learners keeps the test fast).
    simulation, population = simulated
    sample = range(12)
    means = [
        posterior(population, [(t, q, r) for who, t, q, r in simulation.answers if who == i])
        for i in sample
    ]
    truth = [simulation.thetas[i] for i in sample]
    assert statistics.correlation(truth, [m.mean_theta for m in means]) > 0.8


def test_a_new_learner_under_a_fitted_population_passes_about_as_often_as_the_population(
    simulated,
):
    # What matters for "will I pass": with no answers yet, the prediction is the population's
    # pass rate, estimated here by simulating learners from the true parameters.
    simulation, population = simulated
    rng = random.Random(7)
    runs = 4000
    passes = 0
    for _ in range(runs):
        theta = rng.gauss(0, SPREADS["ability_sd"])
        right = 0
        for easiness in simulation.easiness.values():
            u = rng.gauss(0, SPREADS["topic_sd"])
            for _slot in range(10):
                b = rng.gauss(0, SPREADS["difficulty_sd"])
                right += rng.random() < sigmoid(theta + u + easiness - b)
        passes += right >= 20
    sections = [Section(t, 10, Pool(fresh=1)) for t in simulation.easiness]
    predicted = pass_chance(score_distribution(posterior(population, []), sections))
    assert predicted == pytest.approx(passes / runs, abs=0.05)


def test_fit_recovers_a_large_topic_spread():
    # Each offset's variance given the data, not given theta: taking 1 / its own curvature
    # left out the split between ability and topic offset and found 0.8 near 0.5.
    simulation = simulate(2024, ability_sd=1.0, topic_sd=0.8, difficulty_sd=1.0, reask_share=0)
    assert Population.fit(simulation.answers).topic_sd == pytest.approx(0.8, abs=0.2)


# -- posterior --------------------------------------------------------------------------------


def test_a_learner_without_answers_is_the_population():
    # Before any answer the posterior is the prior: centred, with the population's spread, and
    # the first-sight chance is the population's base rate E[sigmoid(theta + u + delta - b)].
    population = Population(easiness={"t0": 0.8}, ability_sd=1.2, topic_sd=0.4)
    new = posterior(population, [])
    assert new.evidence == 0
    assert new.mean_theta == pytest.approx(0, abs=1e-9)
    assert theta_sd(new) == pytest.approx(1.2, abs=0.01)
    spread = math.sqrt(1.2**2 + 0.4**2 + 1.0**2)
    assert new.first_sight_chance("t0") == pytest.approx(
        mean_logistic_normal(0.8, spread), abs=0.005
    )
    assert new.first_sight_chance("t1") == pytest.approx(0.5, abs=1e-9)


def test_the_posterior_narrows_as_answers_accumulate():
    # A few answers leave the ability nearly as uncertain as the population; hundreds pin it
    # down (to the floor set by how the topics differ: topic_sd / sqrt(4 topics) = 0.25).
    sds = {n: theta_sd(posterior(Population(), balanced_answers(n))) for n in (0, 2, 10, 40, 300)}
    assert sds[0] == pytest.approx(1.0, abs=0.01)
    assert sds[2] > 0.85
    assert sds[10] > 0.5
    assert sds[300] < 0.35
    assert sds[0] > sds[2] > sds[10] > sds[40] > sds[300]


def test_the_score_distribution_narrows_as_answers_accumulate():
    # "A learner with ten answers gets a wide distribution; with three hundred, a narrow one."
    def count_sd(answers: int) -> float:
        outcome = score_distribution(
            posterior(Population(), balanced_answers(answers)), four_topics()
        )
        mean = math.fsum(k * p for k, p in enumerate(outcome.distribution))
        return math.sqrt(math.fsum((k - mean) ** 2 * p for k, p in enumerate(outcome.distribution)))

    new, wide, narrow = count_sd(0), count_sd(10), count_sd(300)
    # A learner known to be exactly 50-50 on every question: the least spread possible.
    binomial = math.sqrt(40 * 0.25)
    assert new > wide > 1.5 * binomial
    assert binomial < narrow < 1.15 * binomial


def test_a_new_learners_pass_chance_is_the_population_pass_rate():
    # The typical learner passes about half the time, so a brand-new learner must get about
    # one half, not a near-certain fail. Checked against simulated learners.
    rng = random.Random(3)
    runs = 5000
    passes = 0
    for _ in range(runs):
        theta = rng.gauss(0, 1.0)
        right = 0
        for _topic in range(4):
            u = rng.gauss(0, 0.5)
            right += sum(rng.random() < sigmoid(theta + u - rng.gauss(0, 1.0)) for _ in range(10))
        passes += right >= 20
    predicted = pass_chance(score_distribution(posterior(Population(), []), four_topics()))
    assert predicted > 0.2
    assert predicted == pytest.approx(passes / runs, abs=0.03)


def test_more_right_answers_give_a_higher_first_sight_chance():
    questions = [("t0", f"q{i}") for i in range(20)]
    chances = [
        posterior(Population(), [(t, q, i < right) for i, (t, q) in enumerate(questions)])
        for right in range(21)
    ]
    in_topic = [a.first_sight_chance("t0") for a in chances]
    elsewhere = [a.first_sight_chance("t1") for a in chances]
    assert all(a < b for a, b in itertools.pairwise(in_topic))
    # Ability is shared, so the other topics move too, but less: only theta carries over.
    assert all(a < b for a, b in itertools.pairwise(elsewhere))
    assert in_topic[20] > elsewhere[20] > 0.5
    assert in_topic[0] < elsewhere[0] < 0.5


def test_the_order_of_answers_does_not_matter():
    # First-sight answers are exchangeable: the same answers in any order, the same posterior.
    answers = [*balanced_answers(12), ("t0", "hard", True), ("t1", "easy", False)]
    shuffled = answers[:]
    random.Random(1).shuffle(shuffled)
    population = Population(difficulty={"hard": 1.5, "easy": -1.5})
    assert posterior(population, shuffled).first_sight_chance("t0") == pytest.approx(
        posterior(population, answers).first_sight_chance("t0"), abs=1e-12
    )


def test_a_right_answer_to_a_hard_question_says_more_than_to_an_easy_one():
    population = Population(difficulty={"hard": 2.0, "easy": -2.0})
    hard = posterior(population, [("t0", "hard", True)]).mean_theta
    easy = posterior(population, [("t0", "easy", True)]).mean_theta
    assert hard > easy > 0


# -- Seen questions and reask_shifts ----------------------------------------------------------


def one_question(ability: Ability, pool: Pool) -> float:
    """The chance of answering one question drawn from the pool right."""
    return score_distribution(ability, [Section("t0", 1, pool)]).distribution[1]


def test_a_seen_question_without_a_shift_counts_as_a_new_one():
    # Before any re-ask data the shift is 0: a seen question (even one missed last time)
    # counts exactly as an unseen one of the same difficulty, never as known.
    learner = posterior(Population(), balanced_answers(20))
    assert one_question(learner, Pool(seen=[(0.7, 0.0)])) == pytest.approx(
        one_question(learner, Pool(unseen=[0.7])), abs=1e-12
    )


def test_a_seen_question_not_yet_estimated_counts_like_an_unseen_one_not_as_average():
    # Difficulties come with the next refit: until then a seen question is averaged over the
    # difficulty spread, as an unseen one is, not taken as exactly average (difficulty 0).
    learner = known_ability(1.0, Population())
    assert one_question(learner, Pool(seen=[(None, 0.0)])) == pytest.approx(
        one_question(learner, Pool(unseen=[None])), abs=1e-12
    )
    assert one_question(learner, Pool(seen=[(None, 0.0)])) < one_question(
        learner, Pool(seen=[(0.0, 0.0)])
    )


def test_a_seen_question_is_its_first_sight_chance_moved_by_its_shift():
    # Exactly sigmoid(theta + u + delta - b + shift), whatever the sign of the shift.
    population = Population(easiness={"t0": 0.3})
    learner = known_ability(0.4, population)
    for shift in (-1.0, 0.0, 1.5):
        assert one_question(learner, Pool(seen=[(0.9, shift)])) == pytest.approx(
            sigmoid(0.4 + 0.3 - 0.9 + shift), abs=1e-12
        )


def test_a_question_missed_last_time_is_not_counted_as_known():
    # A learner whose re-asks after a miss go worse than first sight gets a negative shift
    # for that kind, so a missed question counts for less than its first-sight chance, and
    # still more than nothing.
    learner = posterior(Population(), balanced_answers(40))
    missed_recently = (False, True)
    reasks = [("t0", f"q{i}", missed_recently, i % 5 == 0) for i in range(20)]  # 20% right
    shifts = reask_shifts(learner, reasks)
    assert shifts[missed_recently] < 0
    first_sight = one_question(learner, Pool(unseen=[0.0]))
    missed = one_question(learner, Pool(seen=[(0.0, shifts[missed_recently])]))
    assert 0 < missed < first_sight


def test_no_reasks_and_no_population_shifts_leave_no_shift():
    # The caller then takes 0 (`shifts.get(kind, 0.0)`): a seen question is a new one.
    assert reask_shifts(posterior(Population(), balanced_answers(8)), []) == {}


def test_reasks_that_go_better_than_first_sight_give_a_positive_shift_shrunk_by_few_answers():
    # The learner is 50-50 at first sight (x = 0); 80% of their re-asks are right, whose
    # unshrunk shift is logit(0.8). Few re-asks stay near the population's 0, many approach it.
    learner = posterior(Population(), balanced_answers(40))
    kind = (True, False)

    def shift(reasks: int) -> float:
        rows = [("t0", f"q{i}", kind, i % 5 != 0) for i in range(reasks)]
        return reask_shifts(learner, rows)[kind]

    unshrunk = math.log(0.8 / 0.2)
    few, some, many = shift(5), shift(50), shift(1000)
    assert 0 < few < some < many < unshrunk
    assert few < unshrunk / 2
    assert many == pytest.approx(unshrunk, abs=0.05)


def test_reask_shifts_are_shrunk_toward_the_population_not_toward_zero():
    population = Population(reask_shift={(True, True): 1.0, (False, True): -0.5})
    learner = posterior(population, balanced_answers(40))
    # Two re-asks after a recent right answer, one of them right (unshrunk: 0).
    shifts = reask_shifts(
        learner, [("t0", "a", (True, True), True), ("t0", "b", (True, True), False)]
    )
    assert 0 < shifts[(True, True)] < 1.0
    # A kind the learner has no re-asks of takes the population's shift.
    assert shifts[(False, True)] == -0.5


# -- score_distribution -----------------------------------------------------------------------


def test_score_distribution_sums_to_one_over_every_count():
    learner = posterior(Population(), balanced_answers(30))
    pool = Pool(fresh=2, unseen=[0.5, None, -1.0], seen=[(0.2, 0.8), (None, -0.3)])
    outcome = score_distribution(learner, four_topics(pool))
    assert len(outcome.distribution) == 41
    assert math.fsum(outcome.distribution) == pytest.approx(1, abs=1e-12)
    assert min(outcome.distribution) >= 0


def test_a_known_ability_gives_the_convolution_of_binomials():
    # One grid point: each topic's count is Binomial(quota, mean chance over its pool), and the
    # topics add up: the Poisson-binomial of quiz.readiness with those chances.
    learner = known_ability(0.5, Population(easiness={"t1": -0.4}))
    sections = [Section("t0", 2, Pool(unseen=[0.2, -0.3])), Section("t1", 3, Pool(unseen=[1.0]))]
    p0 = (sigmoid(0.5 - 0.2) + sigmoid(0.5 + 0.3)) / 2
    p1 = sigmoid(0.5 - 0.4 - 1.0)
    outcome = score_distribution(learner, sections)
    assert outcome.distribution == pytest.approx(
        correct_count_distribution([p0, p0, p1, p1, p1]), abs=1e-12
    )
    assert outcome.topic_means == pytest.approx({"t0": p0, "t1": p1}, abs=1e-12)


def test_expected_count_is_the_quotas_times_the_topic_means():
    learner = posterior(Population(easiness={"t1": 1.0}), balanced_answers(16))
    sections = [Section("t0", 7, Pool(fresh=1)), Section("t1", 5, Pool(unseen=[0.5, -0.5]))]
    outcome = score_distribution(learner, sections)
    expected = math.fsum(k * p for k, p in enumerate(outcome.distribution))
    assert expected == pytest.approx(
        7 * outcome.topic_means["t0"] + 5 * outcome.topic_means["t1"], abs=1e-9
    )


def test_the_pass_chance_rises_with_ability():
    questions = [(f"t{i % 4}", f"q{i}") for i in range(24)]
    chances = [
        pass_chance(
            score_distribution(
                posterior(Population(), [(t, q, i < right) for i, (t, q) in enumerate(questions)]),
                four_topics(),
            )
        )
        for right in range(0, 25, 4)
    ]
    assert all(a < b for a, b in itertools.pairwise(chances))
    assert chances[0] < 0.1 < 0.9 < chances[-1]


def test_a_pool_of_known_questions_passes_more_often_than_a_fresh_one():
    # Seen questions answered right before (positive shift) beat fresh ones; half of each lies
    # in between, with the pool's mean chance the average of its questions'.
    learner = posterior(Population(), balanced_answers(20))
    known = Pool(seen=[(0.0, 2.0)] * 10)
    unseen = Pool(unseen=[0.0] * 10)
    mixed = Pool(unseen=[0.0] * 5, seen=[(0.0, 2.0)] * 5)
    outcomes = {
        name: score_distribution(learner, four_topics(pool))
        for name, pool in (("known", known), ("unseen", unseen), ("mixed", mixed))
    }
    fresh = score_distribution(learner, four_topics())
    chances = {name: pass_chance(outcome) for name, outcome in outcomes.items()}
    assert chances["known"] > chances["mixed"] > chances["unseen"]
    assert chances["known"] > pass_chance(fresh) + 0.3
    assert outcomes["mixed"].topic_means["t0"] == pytest.approx(
        (outcomes["known"].topic_means["t0"] + outcomes["unseen"].topic_means["t0"]) / 2,
        abs=1e-12,
    )


def test_a_harder_pool_lowers_the_pass_chance():
    learner = posterior(Population(), balanced_answers(20))
    easy = pass_chance(score_distribution(learner, four_topics(Pool(unseen=[-1.0, -0.5]))))
    hard = pass_chance(score_distribution(learner, four_topics(Pool(unseen=[0.5, 1.0]))))
    assert easy > hard


def test_a_small_pool_can_fill_more_slots_than_it_has_questions():
    # Draws are independent (with replacement, the documented simplification): one question
    # fills three slots, each answered with that question's chance.
    learner = known_ability(0.2)
    outcome = score_distribution(learner, [Section("t0", 3, Pool(unseen=[-0.4]))])
    assert outcome.distribution == pytest.approx(
        correct_count_distribution([sigmoid(0.6)] * 3), abs=1e-12
    )


def test_a_topic_not_on_the_exam_needs_no_questions():
    learner = posterior(Population(), [])
    outcome = score_distribution(
        learner, [Section("t0", 0, Pool()), Section("t1", 2, Pool(fresh=1))]
    )
    assert len(outcome.distribution) == 3


# -- Bad inputs -------------------------------------------------------------------------------


def test_a_topic_on_the_exam_with_no_questions_is_refused():
    learner = posterior(Population(), [])
    with pytest.raises(ValueError, match="topic 't0' has questions on the exam but none"):
        score_distribution(learner, [Section("t0", 3, Pool())])


# -- The guessing floor -----------------------------------------------------------------------


def test_the_chance_of_a_right_answer_never_falls_below_the_guessing_floor():
    assert chance(-50, 0.25) == pytest.approx(0.25)
    assert chance(50, 0.25) == pytest.approx(1.0)
    assert chance(0.0, 0.25) == pytest.approx(0.625)
    assert chance(0.3, 0.0) == sigmoid(0.3)  # no floor: the Rasch model


def test_a_learner_who_gets_everything_wrong_still_expects_the_guessing_floor():
    wrong = [(f"t{i % 4}", f"q{i}", False) for i in range(40)]
    floored = posterior(Population(guess=0.25), wrong)
    plain = posterior(Population(), wrong)
    assert 0.25 <= floored.first_sight_chance("t0") < 0.35
    assert plain.first_sight_chance("t0") < 0.1


def test_with_its_guessing_floor_the_fit_recovers_what_a_plain_fit_misreads():
    """Learners who guess a quarter of the time: fitted without the floor, the easy end is
    squeezed (difficulties and spreads shrink); with it they come back."""
    simulation = simulate(7, guess=0.25, **SPREADS)
    floored = Population.fit(simulation.answers, simulation.reasks, guess=0.25)
    plain = Population.fit(simulation.answers, simulation.reasks)
    assert floored.guess == 0.25
    true_sd = SPREADS["difficulty_sd"]
    assert abs(floored.difficulty_sd - true_sd) < abs(plain.difficulty_sd - true_sd)
    assert floored.ability_sd == pytest.approx(SPREADS["ability_sd"], rel=0.2)
    assert abs(floored.ability_sd - SPREADS["ability_sd"]) < abs(
        plain.ability_sd - SPREADS["ability_sd"]
    )
