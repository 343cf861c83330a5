"""What first-sight answers say about questions a learner has not seen yet, with the
uncertainty carried through to the exam score (pure: plain values in, no Django).

The real exam asks questions the learner has never seen, so what predicts it is how they do on
a question the first time they meet it, not how well they remember questions they have drilled.

The model (a Rasch model with random effects)
---------------------------------------------
The chance that learner i answers question q of topic t right at first sight is

    c + (1 - c) x sigmoid(theta_i + u_it + delta_t - b_q)

where c is the guessing floor: the chance of a right answer by a blind guess among the ways
a question can be answered (1/4 for one of four choices, 1/10 for two of five), the bank's
average (`Population.guess`, set by the caller; 0 gives a plain Rasch model). A weak learner
still scores about c on a multiple-choice exam, which a model without the floor under-predicts
(simulate_readiness: learners predicted under 20% passed about twice as often as predicted).

- theta_i ~ Normal(0, ability_sd^2): the learner's general ability;
- u_it ~ Normal(0, topic_sd^2): how much better or worse than that they are in topic t;
- delta_t: how easy topic t is for the average learner;
- b_q ~ Normal(0, difficulty_sd^2): how much harder question q is than its topic's average.

`Population.fit` estimates delta, b and the three spreads from every learner's first-sight
answers: penalised joint maximum likelihood (the Normal priors are the penalties), with the
spreads re-estimated EM-style (mean of estimate^2 plus its posterior variance, shrunk toward
a default worth a few pseudo-learners). A learner's ability and topic offsets are uncertain
together (an answer says something about both), so their variances come from the learner's
joint Laplace posterior, not from each one's own curvature, which found topic spreads a third
too small. Question difficulties still take their own curvature (a small understatement).
With little data the defaults dominate: spreads of 1.0 (ability), 0.5 (topic) and 1.0
(difficulty) on the logit scale, and topics of 50-50 easiness.

`posterior` weighs a grid of (theta, u_t) values by the learner's own first-sight answers:
exact up to the grid, no normal approximation. Every prediction (`score_distribution`) is a
mixture over that grid: for each theta, each topic's count of right answers is a mixture over
u_t of binomials, the topics are convolved (they share theta, so a learner who is better than
thought is better everywhere), and the results are summed with the posterior weights. A learner
with ten answers gets a wide distribution; with three hundred, a narrow one. Before any answer
the posterior is the population, so the chance of passing is the population's.

Assumptions, stated so they can be checked against simulated learners (simulate_readiness):
- first-sight answers are exchangeable given (theta, u, delta, b): order and time do not matter,
  and studying the notes between answers is part of the ability they measure;
- a drawn question is any of its pool's questions with equal chance, and the draws are
  independent (a real exam draws without replacement; with replacement is slightly wider);
- the population fit reuses the learner's own answers (it is fitted on everyone's): a small
  double count that matters only while there are few learners;
- a question asked again is answered right with its first-sight chance moved on the logit
  scale by a shift that depends on how it went last time (right or wrong, less than RECENT
  ago or not): estimated for everyone by `Population.fit`, for one learner by `reask_shifts`
  (their own later answers, shrunk toward everyone's). Before any data the shift is 0: a seen
  question counts as a new one, never as known for certain.
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_ABILITY_SD = 1.0
DEFAULT_TOPIC_SD = 0.5
DEFAULT_DIFFICULTY_SD = 1.0
# How many pseudo-learners (pseudo-questions) the default spreads are worth when they are
# re-estimated: a handful of learners cannot claim that everyone is alike.
SPREAD_PRIOR_WEIGHT = 10
# delta_t ~ Normal(0, EASINESS_SD^2): a topic nobody has answered is 50-50.
EASINESS_SD = 1.5
FIT_ITERATIONS = 40

THETA_NODES = 41  # per pass; a second pass zooms in on where the posterior lies
TOPIC_NODES = 9
DIFFICULTY_NODES = 9
WEIGHT_FLOOR = 1e-12  # grid points with less posterior weight are left out of predictions

# Re-asked questions: the learner's own shift is shrunk toward the population's.
REASK_SD = 1.0  # how far one learner's re-ask shift may lie from everyone's (logit scale)
RECENT = timedelta(days=7)  # a question last answered less than this ago counts as "recent"
# How old the stored population fit may get before a finished mock exam refits it.
POPULATION_STALE = timedelta(hours=6)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def normal_nodes(sd: float, count: int, *, width: float = 3.0) -> list[tuple[float, float]]:
    """(value, weight) pairs that integrate over Normal(0, sd^2): evenly spaced over
    +-width sd, weighted by the density and normalised (sd 0: the single point 0)."""
    if sd <= 0 or count <= 1:
        return [(0.0, 1.0)]
    step = 2 * width / (count - 1)
    points = [(-width + i * step) for i in range(count)]
    weights = [math.exp(-0.5 * z * z) for z in points]
    total = math.fsum(weights)
    return [(z * sd, w / total) for z, w in zip(points, weights, strict=True)]


# -- The population ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """What every learner's first-sight answers say about topics and questions."""

    easiness: dict[Hashable, float] = field(default_factory=dict)  # delta_t per topic
    difficulty: dict[Hashable, float] = field(default_factory=dict)  # b_q per question
    ability_sd: float = DEFAULT_ABILITY_SD
    topic_sd: float = DEFAULT_TOPIC_SD
    difficulty_sd: float = DEFAULT_DIFFICULTY_SD
    learners: int = 0
    answers: int = 0
    # Logit shift of a question asked again, by (last answer right?, less than RECENT ago?).
    reask_shift: dict[tuple[bool, bool], float] = field(default_factory=dict)
    guess: float = 0.0  # the guessing floor c (see the module docstring)

    def topic_easiness(self, topic: Hashable) -> float:
        return self.easiness.get(topic, 0.0)

    def question_difficulty(self, question: Hashable) -> float | None:
        """b_q, or None for a question nobody has answered yet (its difficulty is unknown)."""
        return self.difficulty.get(question)

    @classmethod
    def fit(
        cls,
        answers: Iterable[tuple[Hashable, Hashable, Hashable, bool]],
        reasks: Iterable[tuple[Hashable, Hashable, Hashable, tuple[bool, bool], bool]] = (),
        *,
        guess: float = 0.0,
        iterations: int = FIT_ITERATIONS,
    ) -> "Population":
        """Fit from (learner, topic, question, right) first-sight answers (one per learner and
        question: the caller keeps the first), and the shifts of questions asked again from
        (learner, topic, question, (last right?, recent?), right) later answers."""
        rows = list(answers)
        if not rows:
            return cls()
        learners = sorted({r[0] for r in rows}, key=repr)
        topics = sorted({r[1] for r in rows}, key=repr)
        questions = sorted({r[2] for r in rows}, key=repr)
        li = {k: i for i, k in enumerate(learners)}
        ti = {k: i for i, k in enumerate(topics)}
        qi = {k: i for i, k in enumerate(questions)}
        pairs: dict[tuple[int, int], int] = {}
        data = []
        for learner, topic, question, right in rows:
            pair = pairs.setdefault((li[learner], ti[topic]), len(pairs))
            data.append((li[learner], pair, ti[topic], qi[question], 1.0 if right else 0.0))
        theta = [0.0] * len(learners)
        u = [0.0] * len(pairs)
        b = [0.0] * len(questions)
        delta = [0.0] * len(topics)
        ability_var, topic_var, difficulty_var = (
            DEFAULT_ABILITY_SD**2,
            DEFAULT_TOPIC_SD**2,
            DEFAULT_DIFFICULTY_SD**2,
        )
        h_theta: list[float] = []
        h_u: list[float] = []
        h_b: list[float] = []
        for _ in range(iterations):
            # Block coordinate Newton: each group of parameters in turn (topics, learners,
            # learner-topic pairs, questions) takes a Newton step on its penalised likelihood
            # with the others held; inside a group no two parameters share an answer.
            delta = _newton(data, 2, delta, 1 / EASINESS_SD**2, theta, u, delta, b, guess)[0]
            theta, h_theta = _newton(data, 0, theta, 1 / ability_var, theta, u, delta, b, guess)
            u, h_u = _newton(data, 1, u, 1 / topic_var, theta, u, delta, b, guess)
            b, h_b = _newton(data, 3, b, 1 / difficulty_var, theta, u, delta, b, guess)
            theta_vars, u_vars = _marginal_variances(pairs, h_theta, h_u, 1 / topic_var)
            ability_var = _spread(theta, theta_vars, DEFAULT_ABILITY_SD)
            topic_var = _spread(u, u_vars, DEFAULT_TOPIC_SD)
            difficulty_var = _spread(b, [1 / h for h in h_b], DEFAULT_DIFFICULTY_SD)
        # Each kind of re-asked answer: how far (on the logit scale) it lies from what the
        # learner's fitted first-sight chance says, with a Normal(0, REASK_SD^2) prior.
        predictors: dict[tuple[bool, bool], list[tuple[float, bool]]] = {}
        for learner, topic, question, kind, right in reasks:
            if learner not in li or topic not in ti:
                continue
            pair = pairs.get((li[learner], ti[topic]))
            x = theta[li[learner]] + (u[pair] if pair is not None else 0.0) + delta[ti[topic]]
            x -= b[qi[question]] if question in qi else 0.0
            predictors.setdefault(kind, []).append((x, bool(right)))
        shifts = {kind: _shift(rows_, 0.0, guess) for kind, rows_ in predictors.items()}
        return cls(
            reask_shift=shifts,
            easiness=dict(zip(topics, delta, strict=True)),
            difficulty=dict(zip(questions, b, strict=True)),
            ability_sd=math.sqrt(ability_var),
            topic_sd=math.sqrt(topic_var),
            difficulty_sd=math.sqrt(difficulty_var),
            learners=len(learners),
            answers=len(data),
            guess=guess,
        )


def _newton(data, column, values, precision, theta, u, delta, b, guess=0.0):
    """One Newton step (Fisher scoring) for the parameters in `column` of the data rows (0
    learner, 1 pair, 2 topic, 3 question) under a Normal(0, 1 / precision) penalty; returns
    the new values and their curvatures. Questions enter with a minus sign (b is a
    difficulty). With the guessing floor an answer's score is (y - p) s / (p (1 - p)) and its
    information s^2 / (p (1 - p)), s the slope of p; without it, y - p and p (1 - p)."""
    gradient = [-precision * x for x in values]
    curvature = [precision] * len(values)
    sign = -1.0 if column == 3 else 1.0
    for row in data:
        learner, pair, topic, question, y = row
        score, information = _answer_terms(
            theta[learner] + u[pair] + delta[topic] - b[question], y, guess
        )
        index = row[column]
        gradient[index] += sign * score
        curvature[index] += information
    return (
        [x + g / h for x, g, h in zip(values, gradient, curvature, strict=True)],
        curvature,
    )


def chance(x: float, guess: float = 0.0) -> float:
    """The chance of a right answer at logit x above the guessing floor (module docstring)."""
    return guess + (1 - guess) * sigmoid(x)


def _answer_terms(x: float, y: float, guess: float) -> tuple[float, float]:
    """(score, Fisher information) of one answer y (1 right, 0 wrong) at logit x."""
    q = sigmoid(x)
    if not guess:
        return y - q, q * (1 - q)
    p = guess + (1 - guess) * q
    slope = (1 - guess) * q * (1 - q)
    spread = max(p * (1 - p), 1e-12)
    return (y - p) * slope / spread, slope * slope / spread


def _marginal_variances(
    pairs: Mapping[tuple[int, int], int],
    h_theta: Sequence[float],
    h_u: Sequence[float],
    topic_precision: float,
) -> tuple[list[float], list[float]]:
    """Each learner's ability and topic offsets, given the answers, as one Laplace posterior:
    its Hessian is an arrowhead (theta against every topic offset of the learner), whose
    inverse's diagonal is exact and cheap. Taking 1 / own curvature instead would leave out
    how uncertain the split between ability and topic offset is, and shrink the spreads
    (a topic spread of 0.8 came out near 0.5)."""
    by_learner: dict[int, list[int]] = {}
    for (learner, _topic), pair in pairs.items():
        by_learner.setdefault(learner, []).append(pair)
    theta_vars = [1 / h for h in h_theta]
    u_vars = [1 / h for h in h_u]
    for learner, learner_pairs in by_learner.items():
        # The answers' curvature shared by theta and u_t is u_t's own, less its prior.
        shared = {pair: h_u[pair] - topic_precision for pair in learner_pairs}
        schur = h_theta[learner] - math.fsum(c * c / h_u[pair] for pair, c in shared.items())
        if schur <= 0:
            continue
        theta_vars[learner] = 1 / schur
        for pair, c in shared.items():
            u_vars[pair] = 1 / h_u[pair] + (c / h_u[pair]) ** 2 / schur
    return theta_vars, u_vars


def _spread(estimates: Sequence[float], variances: Sequence[float], default_sd: float) -> float:
    """EM-style variance of random effects: each estimate's square plus its posterior
    variance, averaged with SPREAD_PRIOR_WEIGHT pseudo-values at the default."""
    total = math.fsum(x * x + v for x, v in zip(estimates, variances, strict=True))
    variance = (total + SPREAD_PRIOR_WEIGHT * default_sd**2) / (
        len(estimates) + SPREAD_PRIOR_WEIGHT
    )
    return max(variance, 0.01)


# -- One learner ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThetaNode:
    theta: float
    weight: float  # posterior probability of this grid point
    topics: dict[Hashable, list[tuple[float, float]]]  # topic -> (u, posterior weight | theta)


@dataclass(frozen=True)
class Ability:
    """A learner's posterior over (theta, u_t), on a grid, and the evidence it rests on."""

    population: Population
    nodes: list[ThetaNode]
    evidence: int  # first-sight answers used
    evidence_by_topic: dict[Hashable, int]

    @property
    def mean_theta(self) -> float:
        return math.fsum(n.theta * n.weight for n in self.nodes)

    def first_sight_chance(self, topic: Hashable) -> float:
        """The chance of answering a new question of this topic right, over the posterior."""
        section = Section(topic, 1, Pool(fresh=1))
        return math.fsum(
            node.weight * p * w
            for node in self.nodes
            for p, w in _topic_chances(self.population, node, section)
        )


def posterior(
    population: Population, answers: Sequence[tuple[Hashable, Hashable, bool]]
) -> Ability:
    """The learner's posterior from their (topic, question, right) first-sight answers."""
    by_topic: dict[Hashable, list[tuple[float, bool]]] = {}
    for topic, question, right in answers:
        b = population.question_difficulty(question)
        by_topic.setdefault(topic, []).append((0.0 if b is None else b, bool(right)))
    u_nodes = normal_nodes(population.topic_sd, TOPIC_NODES)
    sd = population.ability_sd

    def evaluate(thetas: Sequence[float]) -> list[tuple[float, float, dict]]:
        out = []
        for theta in thetas:
            log_weight = -0.5 * (theta / sd) ** 2
            topics = {}
            for topic, rows in by_topic.items():
                easiness = population.topic_easiness(topic)
                logs = []
                for u, w in u_nodes:
                    x = theta + u + easiness
                    total = math.log(w)
                    for b, right in rows:
                        p = chance(x - b, population.guess)
                        total += math.log(p if right else 1 - p) if 0 < p < 1 else -745.0
                    logs.append(total)
                top = max(logs)
                mass = math.fsum(math.exp(v - top) for v in logs)
                log_weight += top + math.log(mass)
                topics[topic] = [
                    (u, math.exp(v - top) / mass) for (u, _w), v in zip(u_nodes, logs, strict=True)
                ]
            out.append((theta, log_weight, topics))
        return out

    coarse = evaluate([sd * (-6 + 12 * i / (THETA_NODES - 1)) for i in range(THETA_NODES)])
    top = max(lw for _t, lw, _ in coarse)
    kept = [t for t, lw, _ in coarse if lw - top > -30]  # the region with any real mass
    step = 12 * sd / (THETA_NODES - 1)
    low, high = min(kept) - step, max(kept) + step
    fine = evaluate([low + (high - low) * i / (THETA_NODES - 1) for i in range(THETA_NODES)])
    top = max(lw for _t, lw, _ in fine)
    mass = math.fsum(math.exp(lw - top) for _t, lw, _ in fine)
    nodes = [
        ThetaNode(theta, math.exp(lw - top) / mass, topics)
        for theta, lw, topics in fine
        if math.exp(lw - top) / mass > WEIGHT_FLOOR
    ]
    total = math.fsum(n.weight for n in nodes)
    nodes = [ThetaNode(n.theta, n.weight / total, n.topics) for n in nodes]
    return Ability(
        population=population,
        nodes=nodes,
        evidence=sum(len(rows) for rows in by_topic.values()),
        evidence_by_topic={topic: len(rows) for topic, rows in by_topic.items()},
    )


# -- Exams ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """The questions a topic's exam slots are drawn from.

    fresh: questions nobody knows yet (the real exam's), of the topic's usual difficulty
    spread; unseen: bank questions the learner has not seen, by their estimated difficulty
    (None: not yet estimated, treated like fresh ones); seen: questions asked again, as
    (difficulty, shift): a first-sight chance moved by the re-ask shift of how the question
    went last time (`reask_shifts`); a seen question of unknown difficulty is averaged over
    the spread like a fresh one.
    """

    fresh: int = 0
    unseen: Sequence[float | None] = ()
    seen: Sequence[tuple[float | None, float]] = ()

    @property
    def size(self) -> int:
        return self.fresh + len(self.unseen) + len(self.seen)


@dataclass(frozen=True)
class Section:
    topic: Hashable
    quota: int  # questions of this topic on the exam
    pool: Pool


@dataclass(frozen=True)
class Outcome:
    distribution: list[float]  # P(k right), k = 0..total
    topic_means: dict[Hashable, float]  # expected share right per topic


def score_distribution(ability: Ability, sections: Sequence[Section]) -> Outcome:
    """The number of right answers on an exam of these sections, integrated over the
    learner's posterior (see the module docstring)."""
    total = sum(section.quota for section in sections)
    mixture = [0.0] * (total + 1)
    topic_means = dict.fromkeys((s.topic for s in sections), 0.0)
    for node in ability.nodes:
        counts = [1.0]
        for section in sections:
            if not section.quota:
                continue
            if section.pool.size == 0:
                raise ValueError(f"topic {section.topic!r} has questions on the exam but none")
            per_u = _topic_chances(ability.population, node, section)
            mixed = [0.0] * (section.quota + 1)
            for p, w in per_u:
                for k, q in enumerate(_binomial(section.quota, p)):
                    mixed[k] += w * q
            topic_means[section.topic] += node.weight * math.fsum(p * w for p, w in per_u)
            counts = _convolve(counts, mixed)
        for k, q in enumerate(counts):
            mixture[k] += node.weight * q
    scale = math.fsum(mixture)
    return Outcome([q / scale for q in mixture], topic_means)


def _topic_chances(
    population: Population, node: ThetaNode, section: Section
) -> list[tuple[float, float]]:
    """(mean chance over the pool, weight) for each u of the node's topic posterior."""
    topic = section.topic
    u_posterior = node.topics.get(topic) or normal_nodes(population.topic_sd, TOPIC_NODES)
    return [
        (_pool_mean(population, node.theta + u, topic, section.pool), w) for u, w in u_posterior
    ]


def _pool_mean(population: Population, ability: float, topic: Hashable, pool: Pool) -> float:
    easiness = population.topic_easiness(topic)
    x = ability + easiness
    spread = normal_nodes(population.difficulty_sd, DIFFICULTY_NODES)

    c = population.guess

    def mean_over_spread(shift: float) -> float:
        """A question of not yet estimated difficulty: averaged over the difficulty spread."""
        return math.fsum(w * chance(x - b + shift, c) for b, w in spread)

    total = math.fsum(
        mean_over_spread(shift) if b is None else chance(x - b + shift, c) for b, shift in pool.seen
    )
    unknown = pool.fresh + sum(1 for b in pool.unseen if b is None)
    if unknown:
        total += unknown * mean_over_spread(0.0)
    total += math.fsum(chance(x - b, c) for b in pool.unseen if b is not None)
    return min(max(total / pool.size, 0.0), 1.0)


def _binomial(n: int, p: float) -> list[float]:
    if p <= 0:
        return [1.0] + [0.0] * n
    if p >= 1:
        return [0.0] * n + [1.0]
    log_p, log_q = math.log(p), math.log1p(-p)
    return [
        math.exp(
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + k * log_p
            + (n - k) * log_q
        )
        for k in range(n + 1)
    ]


def _convolve(a: Sequence[float], b: Sequence[float]) -> list[float]:
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


# -- Re-asked questions -----------------------------------------------------------------------


def _shift(
    rows: Sequence[tuple[float, bool]], prior: float, guess: float = 0.0, iterations: int = 20
) -> float:
    """The logit shift s that best explains right/wrong answers whose chance without it was
    chance(x, guess), under a Normal(prior, REASK_SD^2) prior (Fisher scoring on the
    penalised likelihood)."""
    s = prior
    for _ in range(iterations):
        gradient = -(s - prior) / REASK_SD**2
        curvature = 1 / REASK_SD**2
        for x, right in rows:
            score, information = _answer_terms(x + s, 1.0 if right else 0.0, guess)
            gradient += score
            curvature += information
        s += gradient / curvature
    return s


def reask_shifts(
    ability: Ability, reasks: Sequence[tuple[Hashable, Hashable, tuple[bool, bool], bool]]
) -> dict[tuple[bool, bool], float]:
    """The learner's own shifts for questions asked again, from their (topic, question,
    (last right?, recent?), right) later answers, shrunk toward the population's; a kind they
    have no answers of takes the population's (0 before any fit: as a new question)."""
    population = ability.population
    theta = ability.mean_theta
    rows: dict[tuple[bool, bool], list[tuple[float, bool]]] = {}
    for topic, question, kind, right in reasks:
        b = population.question_difficulty(question) or 0.0
        x = theta + _mean_u(ability, topic) + population.topic_easiness(topic) - b
        rows.setdefault(kind, []).append((x, bool(right)))
    kinds = set(population.reask_shift) | set(rows)
    return {
        kind: _shift(rows.get(kind, []), population.reask_shift.get(kind, 0.0), population.guess)
        for kind in kinds
    }


def _mean_u(ability: Ability, topic: Hashable) -> float:
    return math.fsum(
        node.weight * u * w for node in ability.nodes for u, w in node.topics.get(topic, [])
    )
