"""Two simulated weeks of study, as a learner would live them: follow the study plan, review
what is due every morning, sometimes have a bad day. Time is controlled throughout; the
learner is in Europe/Berlin and the exam is fourteen days ahead (issue 18's journey)."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quiz.models import ReviewCard
from quiz.selectors.readiness import readiness_for
from quiz.services import profile_for, profile_update
from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory, UserFactory
from tests.helpers import answer_at

pytestmark = pytest.mark.slow  # three fortnights of study through the services: about a minute

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)  # a Monday morning in Berlin
DAYS = 14
BAD_DAYS = {4, 8, 11}  # mostly wrong answers on these days


def chances(user, blueprint, at: datetime) -> tuple[float, float]:
    report = readiness_for(
        user=user, profile=profile_for(user), blueprint=blueprint, now=at, with_plan=False
    )
    return report.real.pass_probability, report.mock.pass_probability


def two_weeks(bad_days: set[int]) -> list[dict]:
    """Fourteen mornings of one learner (60 questions, exam on day 14): per day the reviews
    due that morning, the new questions taken, and both chances before and after."""
    rng = random.Random(18)
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(60, topic=topic)
    blueprint = BlueprintFactory(question_count=20, topics=[topic])
    user = UserFactory()
    with time_machine.travel(START, tick=False):
        profile_update(
            user=user, exam_date=(START + timedelta(days=DAYS)).date(), time_zone="Europe/Berlin"
        )
    unseen = list(questions)
    days = []
    for day in range(DAYS):
        morning = START + timedelta(days=day)
        right_rate = 0.2 if day in bad_days else 0.6 if day == 0 else 0.8
        before = chances(user, blueprint, morning)
        # The plan's new questions for today: everything seen by the last review-only days.
        with time_machine.travel(morning, tick=False):
            plan = readiness_for(
                user=user, profile=profile_for(user), blueprint=blueprint, now=morning
            ).plan
        new = unseen[: plan.new_by_day[0] if plan.new_by_day else 0]
        del unseen[: len(new)]
        at, reviews = morning, 0
        # The morning's reviews and new questions, then another look at what came due in the
        # meantime (learning steps are minutes apart), as a learner finishing a session would.
        for look in range(3):
            due = list(
                ReviewCard.objects.filter(user=user, due__lte=at)
                .select_related("question")
                .order_by("due", "pk")
            )
            reviews += len(due) if look == 0 else 0  # the scheduled reviews: the morning's
            for question in [card.question for card in due] + (new if look == 0 else []):
                at += timedelta(seconds=40)
                answer_at(user, question, rng.random() < right_rate, at)
            at += timedelta(minutes=20)
        days.append(
            {
                "reviews": reviews,
                "new": len(new),
                "before": before,
                "after": chances(user, blueprint, at + timedelta(minutes=1)),
            }
        )
    return days


@pytest.fixture
def journey(db):
    return two_weeks(BAD_DAYS)


def over_even_share(loads: list[int]) -> list[int]:
    """Days whose reviews exceed an even share by more than half: every review from the
    first day with reviews to the exam, spread evenly over those days."""
    even = sum(loads[1:]) / len(loads[1:])
    return [day for day in range(1, len(loads)) if loads[day] > 1.5 * even]


def test_the_plan_brings_every_question_and_no_day_exceeds_an_even_share_by_half(db, settings):
    loads = {}
    for mode in ("spread", "cap"):
        settings.SRS_EXAM_SCHEDULING = mode
        steady = two_weeks(set())
        assert sum(d["new"] for d in steady) == 60
        assert all(d["new"] == 0 for d in steady[-5:])  # the last five days are for reviews
        loads[mode] = [d["reviews"] for d in steady]
    print(loads)
    assert over_even_share(loads["spread"]) == []
    # The check has teeth: the cap piled the whole deck onto its day and onto the eve.
    assert loads["cap"][11] == loads["cap"][13] == 60
    assert over_even_share(loads["cap"]) == [11, 13]
    assert max(loads["spread"]) < max(loads["cap"]) / 1.5


def test_readiness_never_rises_on_a_day_of_mostly_wrong_answers(journey):
    for day, d in enumerate(journey):
        print(day, d["before"], d["after"])
    for day in BAD_DAYS:
        (real_before, mock_before), (real_after, mock_after) = (
            journey[day]["before"],
            journey[day]["after"],
        )
        assert real_after <= real_before, day
        assert mock_after <= mock_before, day
