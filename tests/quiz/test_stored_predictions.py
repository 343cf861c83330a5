"""What a mock attempt stores about the predictions at its start, and what calibration
counts: a brand-new learner is stored at the population's base rate (not a near-certain
fail) and marked not shown; only shown predictions are scored; the real-exam prediction is
checked only on attempts whose questions were all new to the learner."""

import pytest

from quiz import ability
from quiz.models import Attempt
from quiz.selectors.readiness import calibration
from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory, UserFactory
from tests.helpers import answer_all, take_mock

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam():
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(40, topic=topic)
    return BlueprintFactory(question_count=10, topics=[topic]), questions


def base_rate(questions: int, passing_correct: int) -> float:
    """The default population's chance that a learner nobody knows gets enough right."""
    nobody = ability.posterior(ability.Population(), [])
    pool = ability.Pool(fresh=questions)
    distribution = ability.score_distribution(
        nobody, [ability.Section("t", questions, pool)]
    ).distribution
    return sum(distribution[passing_correct:])


def test_a_brand_new_learner_is_stored_at_the_base_rate_and_not_shown(exam):
    blueprint, _questions = exam
    attempt = take_mock(UserFactory(), blueprint, right=10)
    assert attempt.prediction_shown is False
    assert attempt.seen_at_start == 0
    # 720 of 1000 scaled is 7 of 10 right (100 + 900 x 7 / 10 = 730).
    assert attempt.predicted_real_pass == pytest.approx(base_rate(10, 7), abs=0.02)
    assert 0.2 < attempt.predicted_real_pass < 0.8  # never the 0.8% of the old prior
    assert attempt.predicted_pass == pytest.approx(attempt.predicted_real_pass, abs=0.02)


def test_with_enough_first_sight_answers_the_prediction_is_shown_and_seen_ones_counted(exam):
    blueprint, questions = exam
    user = UserFactory()
    answer_all(user, questions[:20])
    attempt = take_mock(user, blueprint, right=10)
    assert attempt.prediction_shown is True
    drawn = set(attempt.questions.values_list("question_id", flat=True))
    assert attempt.seen_at_start == len(drawn & {q.pk for q in questions[:20]})
    # Twenty right first answers: a likely pass, said with less than certainty.
    assert 0.5 < attempt.predicted_real_pass < 1


def test_calibration_scores_only_shown_predictions_and_the_real_one_on_unseen_exams(exam):
    blueprint, questions = exam
    newcomer, practised = UserFactory(), UserFactory()
    take_mock(newcomer, blueprint, right=0)  # not shown: left out of both tables
    answer_all(practised, questions[:20])
    first = take_mock(practised, blueprint, right=10)
    mock, real = calibration()
    assert mock.attempts == 1
    assert mock.brier == pytest.approx((first.predicted_pass - 1) ** 2)
    assert real.attempts == (1 if first.seen_at_start == 0 else 0)
    # An attempt of questions all new to the learner is what the real exam is like.
    Attempt.objects.filter(pk=first.pk).update(seen_at_start=0)
    _mock, real = calibration()
    assert real.attempts == 1
    assert real.brier == pytest.approx((first.predicted_real_pass - 1) ** 2)
