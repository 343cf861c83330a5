"""Question statistics: pure functions over plain numbers.

Both are computed on each learner's *first* attempt at a question (a repeat is practice,
not a measurement), scored as the learner was scored then, against the key in force when
they answered (an answer right under a key later corrected counts as right).

Facility index (Moodle's): the share of first attempts that were right. Under 5% or over
95% a question tells learners apart hardly at all (too hard, too easy, or a wrong key).

Discrimination index (Moodle's): the correlation between getting this question right (0/1)
at the first attempt and the learner's score on everything else they answered. A good
question is answered right more often by stronger learners. Moodle's question bank says a
question "needs checking" very likely below 0.3 and likely below 0.5 (wrong key, ambiguous
wording, or a trick question). It is computed once MIN_LEARNERS_FOR_DISCRIMINATION
learners have answered it and something else.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from math import sqrt

MIN_LEARNERS_FOR_DISCRIMINATION = 20
LOW_DISCRIMINATION = 0.3  # "needs checking: very likely"
FAIR_DISCRIMINATION = 0.5  # below: "needs checking: likely"
FACILITY_RANGE = (0.05, 0.95)
MIN_LEARNERS_FOR_FACILITY = 20  # fewer first attempts say little about a question


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


@dataclass(frozen=True)
class ItemStatistics:
    first_attempts: int
    facility: float | None  # share right at the first attempt
    discrimination: float | None

    @property
    def extreme_facility(self) -> bool:
        low, high = FACILITY_RANGE
        return (
            self.facility is not None
            and self.first_attempts >= MIN_LEARNERS_FOR_FACILITY
            and not low <= self.facility <= high
        )

    @property
    def needs_checking(self) -> bool:
        """Moodle's "very likely" (discrimination under 0.3), or an extreme facility: what
        the editors' to-do view lists."""
        low = self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION
        return low or self.extreme_facility

    @property
    def checking(self) -> str:
        """Why the question may need checking, in an editor's words; "" when it need not."""
        reasons = []
        if self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            reasons.append(f"discrimination {self.discrimination:.2f}: very likely")
        elif self.discrimination is not None and self.discrimination < FAIR_DISCRIMINATION:
            reasons.append(f"discrimination {self.discrimination:.2f}: likely")
        if self.extreme_facility:
            who = "nobody" if self.facility < FACILITY_RANGE[0] else "everybody"
            reasons.append(f"facility {self.facility:.0%}: almost {who} gets it right")
        return "; ".join(reasons)


def item_statistics(first: Mapping[object, bool], rest: Mapping[object, float]) -> ItemStatistics:
    """A question's statistics from each learner's first attempt (learner -> right?) and
    their score on everything else they answered (learner -> share right; learners who
    answered nothing else are left out of the discrimination)."""
    n = len(first)
    facility = sum(first.values()) / n if n else None
    learners = [learner for learner in first if learner in rest]
    index = discrimination_index([first[u] for u in learners], [rest[u] for u in learners])
    return ItemStatistics(n, facility, index)
