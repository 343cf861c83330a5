"""Refitting the readiness model's population (quiz.ability.Population) from every learner's
answers, and storing it for the readiness selectors."""

from datetime import datetime

from django.utils import timezone

from quiz import ability
from quiz.models import PopulationFit
from quiz.selectors.readiness import all_answers, guessing_floor, population_parameters


def population_refit(*, now: datetime | None = None) -> PopulationFit:
    """Fit the population on every first-sight answer, count how re-asked questions went, and
    store both as the newest PopulationFit (older fits are kept: they are small, and show how
    the population moved)."""
    now = now or timezone.now()
    first_sight, reasks = [], []
    last: dict[tuple[int, int], tuple[bool, datetime]] = {}
    for user_id, question_id, topic_id, correct, answered_at in all_answers():
        key = (user_id, question_id)
        previous = last.get(key)
        if previous is None:
            first_sight.append((user_id, topic_id, question_id, correct))
        else:
            was_right, at = previous
            kind = (was_right, answered_at - at < ability.RECENT)
            reasks.append((user_id, topic_id, question_id, kind, correct))
        last[key] = (correct, answered_at)
    population = ability.Population.fit(first_sight, reasks, guess=guessing_floor())
    return PopulationFit.objects.create(
        fitted_at=now,
        learners=population.learners,
        answers=population.answers,
        parameters=population_parameters(population),
    )


def population_refit_if_stale(*, now: datetime | None = None) -> PopulationFit | None:
    """Refit when the newest fit is older than POPULATION_STALE (or there is none); called
    after a mock exam is finished and by `manage.py readiness_fit`."""
    now = now or timezone.now()
    newest = PopulationFit.objects.only("fitted_at").first()
    if newest is not None and now - newest.fitted_at < ability.POPULATION_STALE:
        return None
    return population_refit(now=now)
