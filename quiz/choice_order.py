"""The order a learner sees a question's choices in: the bank's (by position), or a shuffle
fixed when a session or attempt starts. Pure functions over a question whose choices are
loaded (no queries, no models imported)."""

from typing import Any


def bank_order(question: Any) -> list[str]:
    """The labels in the order editors keep them (position): the question page's order."""
    choices = sorted(question.choices.all(), key=lambda c: (c.position, c.label))
    return [choice.label for choice in choices]


def shuffled_order(question: Any, rng) -> list[str]:
    """A learner's order of the choices, or the bank's for a question that keeps its order."""
    labels = bank_order(question)
    if question.shuffle_choices:
        rng.shuffle(labels)
    return labels
