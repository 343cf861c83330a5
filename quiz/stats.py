"""Question statistics: pure functions over plain numbers.

Discrimination index (as Moodle reports it): the correlation between getting this
question right (0/1) and the learner's score on everything else they answered. A good
question is answered right more often by stronger learners; below 0.3 it "needs
checking" (wrong key, ambiguous wording, or a trick question). It is only computed
once MIN_LEARNERS_FOR_DISCRIMINATION learners have answered.
"""

from math import sqrt

MIN_LEARNERS_FOR_DISCRIMINATION = 20
LOW_DISCRIMINATION = 0.3


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / sqrt(sxx * syy)


def discrimination_index(item_correct: list[bool], rest_scores: list[float]) -> float | None:
    """Correlation of item correctness with each learner's score on the other questions.

    None when there are too few learners, or no spread (everyone right or everyone wrong).
    """
    if len(item_correct) < MIN_LEARNERS_FOR_DISCRIMINATION:
        return None
    return pearson([1.0 if c else 0.0 for c in item_correct], rest_scores)
