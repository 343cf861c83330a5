"""The readiness simulation harness (manage.py simulate_readiness), small enough for the suite.

The full figures (200 learners, both truths) are in the README; here a small world checks the
ordering the harness exists to show: no prediction beats the oracle that knows the true
chances, and ours beats saying the base rate to everyone.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from quiz.management.simulation import figures, load_figures, simulate, simulate_rolled_back
from quiz.models import Attempt, Blueprint

pytestmark = pytest.mark.slow  # sixteen simulated fortnights through the services: ~15 s

SMALL = {"topics": 2, "per_topic": 12, "exam_questions": 8, "max_new": 24}


@pytest.fixture(scope="module")
def small_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world = simulate_rolled_back(learners=16, seed=3, truth="memory", **SMALL)
        # Run after the browser tests (in pytest-playwright's event loop), this fixture
        # gets a connection of its own; left open, PostgreSQL refused to drop the test
        # database at the end of the run ("being accessed by other users").
        connections.close_all()
    return world


@pytest.mark.parametrize("kind", ["real", "mock"])
def test_predictions_rank_between_the_oracle_and_the_base_rate(small_world, kind):
    table = figures(getattr(small_world, kind))
    ours, oracle, base = table["ours"], table["oracle"], table["base rate"]
    assert ours.count >= 8  # enough learners earned a shown prediction
    # Expected Brier (against the known true chances) ranks without the luck of 16 outcomes.
    assert oracle.expected_brier <= ours.expected_brier < base.expected_brier


def test_every_learner_sits_the_mock_and_only_shown_predictions_are_scored(small_world):
    assert len(small_world.mock) == len(small_world.real) == 16
    unshown = [r for r in small_world.mock if not r.shown]
    assert figures(small_world.mock)["ours"].count == 16 - len(unshown)


def test_the_scheduling_figures_cover_every_learner_day(small_world):
    loads = load_figures(small_world)
    assert len(small_world.daily_loads) == 16 * 14
    assert loads["largest day"] >= loads["mean day"] > 0
    assert 0 < loads["mean recall on exam day"] <= 1


@pytest.mark.django_db
def test_two_schedulings_on_one_seed_meet_the_same_learners(settings):
    """Paired draws: the comparison of schedulings is not luck of who was simulated."""
    runs = {}
    for mode in ("spread", "cap"):
        settings.SRS_EXAM_SCHEDULING = mode
        runs[mode] = simulate_rolled_back(learners=4, seed=5, truth="static", **SMALL)
    spread, cap = runs["spread"], runs["cap"]
    # The same abilities and real exams; the same cards (the same new questions)...
    assert [r.oracle for r in spread.real] == [r.oracle for r in cap.real]
    assert [r.passed for r in spread.real] == [r.passed for r in cap.real]
    assert len(spread.exam_day_recall) == len(cap.exam_day_recall) > 0
    # ...which, under the static truth, reviews do not change: the same true chances.
    assert sorted(t for *_, t in spread.exam_day_recall) == sorted(
        t for *_, t in cap.exam_day_recall
    )


@pytest.mark.django_db
def test_unknown_truth_is_refused():
    with pytest.raises(ValueError, match="static or memory"):
        simulate(learners=1, seed=1, truth="dynamic", **SMALL)


@pytest.mark.django_db
def test_the_command_prints_the_figures_and_leaves_nothing_behind():
    users = get_user_model().objects.count()
    out = StringIO()
    call_command(
        "simulate_readiness",
        learners=3,
        topics=1,
        per_topic=10,
        exam_questions=5,
        max_new=10,
        scheduling="both",
        stdout=out,
    )
    text = out.getvalue()
    assert "== Real exam" in text and "== Next mock exam" in text
    assert "Scheduling (spread)" in text and "Scheduling (cap)" in text
    assert get_user_model().objects.count() == users
    assert not Blueprint.objects.filter(slug__startswith="sim-").exists()
    assert not Attempt.objects.exists()
