"""Mock-exam rules as pure functions: question allocation by topic weight, and scoring.

Scaled score (AWS style): AWS does not publish its raw-to-scaled mapping, so we use the
honest linear one: scaled = 100 + 900 x (correct / total), rounded. The pass mark (720 for
associate exams) then means 69% correct. Unanswered and partly answered questions count
wrong; there is no partial credit.
"""

from collections.abc import Mapping
from fractions import Fraction

GRACE_SECONDS = 60  # answers in flight when time runs out (Moodle's default for slow servers)
TIMER_LOW_SECONDS = 300  # the timer's warning state: the last five minutes
REVIEW_MODE_DAYS = 30  # an untimed review-mode attempt left open is scored after this long


def clock_text(seconds: int) -> str:
    """A countdown as the timer shows it: '9:05', '1:02:03' (exam.js formats alike)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def allocate(
    weights: Mapping[object, int | Fraction], available: Mapping[object, int], total: int
) -> dict:
    """How many questions to draw from each topic.

    Proportional to the weights by the largest-remainder method; a topic that has too few
    questions gives its shortfall to the others, in weight order. Raises ValueError when the
    topics together cannot fill `total`.
    """
    supply = sum(min(available.get(topic, 0), total) for topic in weights)
    if supply < total:
        raise ValueError(f"needs {total} published questions, the bank has {supply}")
    quota = dict.fromkeys(weights, 0)
    remaining = total
    open_topics = {t for t in weights if available.get(t, 0) > 0 and weights[t] > 0}
    while remaining and open_topics:
        weight_sum = sum(weights[t] for t in open_topics)
        shares = {t: remaining * weights[t] / weight_sum for t in open_topics}
        floors = {t: int(shares[t]) for t in open_topics}
        leftover = remaining - sum(floors.values())
        by_remainder = sorted(
            open_topics, key=lambda t: (-(shares[t] - floors[t]), -weights[t], str(t))
        )
        for t in by_remainder[:leftover]:
            floors[t] += 1
        for t in open_topics:
            room = available[t] - quota[t]
            take = min(floors[t], room)
            quota[t] += take
            remaining -= take
        open_topics = {t for t in open_topics if quota[t] < available[t]}
    return {t: n for t, n in quota.items() if n}


def score(*, correct: int, total: int, scale: str) -> int:
    if total <= 0:
        return 0
    fraction = correct / total
    if scale == "percent":
        return round(100 * fraction)
    return round(100 + 900 * fraction)


def passed(*, score_value: int, passing_score: int) -> bool:
    return score_value >= passing_score
