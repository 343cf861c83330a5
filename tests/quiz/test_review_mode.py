"""Review mode: any mock exam untimed, the same kind of draw, each answer checked and
explained as it is given (the practice feedback); scored and kept in the history, marked,
and left out of the score trend and the readiness calibration."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz import exam_rules
from quiz.models import Attempt, AttemptQuestion
from quiz.selectors.readiness import calibration
from quiz.services import ExamError, attempt_finalize, attempt_start
from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory
from tests.helpers import attempt_question_url, attempt_save_url, item_at, key_choice_ids

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def blueprint():
    topic = TopicFactory()
    QuestionFactory.create_batch(4, topic=topic)
    QuestionFactory.create_batch(1, topic=topic, choose=2)
    return BlueprintFactory(
        slug="mini", certification=topic.certification, topics=[topic], question_count=5
    )


def start(user, blueprint, mode="review") -> Attempt:
    with time_machine.travel(T0, tick=False):
        return attempt_start(user=user, blueprint=blueprint, mode=mode)


def post(client, attempt, position, data):
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        return client.post(attempt_save_url(attempt, position), data)


def single_position(attempt) -> int:
    return next(i.position for i in attempt.questions.all() if i.question.choose == 1)


def test_review_mode_is_untimed_and_separate_from_a_timed_attempt(user, blueprint):
    timed = start(user, blueprint, mode="timed")
    review = start(user, blueprint)
    assert review.pk != timed.pk and review.is_review and not timed.is_review
    assert review.deadline == T0 + timedelta(days=exam_rules.REVIEW_MODE_DAYS)
    assert review.total == timed.total == 5
    assert start(user, blueprint).pk == review.pk  # resumed, not a second one
    with pytest.raises(ExamError, match="No such exam mode"):
        start(user, blueprint, mode="practice")


def test_a_checked_answer_shows_its_feedback_and_is_final(learner_client, user, blueprint):
    attempt = start(user, blueprint)
    position = single_position(attempt)
    item = item_at(attempt, position)
    response = post(
        learner_client, attempt, position, {"choice": key_choice_ids(item.question), "go": "check"}
    )
    assert response.url == attempt_question_url(attempt, position) + "#feedback"
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        page = learner_client.get(attempt_question_url(attempt, position))
    assertContains(page, "Correct. You chose")
    assertContains(page, 'id="feedback"')
    assertNotContains(page, 'id="exam-form"')
    assertContains(page, "Review mode · untimed")
    assertNotContains(page, 'role="timer"')
    # Checked once: a second answer is refused and the first stands.
    again = post(learner_client, attempt, position, {"choice": [], "go": "check"})
    assert again.status_code == 400
    assertContains(again, "final once checked", status_code=400)
    assert AttemptQuestion.objects.get(pk=item.pk).chosen == item.question.key_labels.split(",")


def test_checking_the_wrong_number_of_answers_saves_nothing(learner_client, user, blueprint):
    attempt = start(user, blueprint)
    pair = next(i for i in attempt.questions.all() if i.question.choose == 2)
    one = key_choice_ids(pair.question)[:1]
    response = post(learner_client, attempt, pair.position, {"choice": one, "go": "check"})
    assert response.status_code == 422
    assertContains(response, "Choose 2 answers to check them; you chose 1.", status_code=422)
    assert AttemptQuestion.objects.get(pk=pair.pk).chosen == []


def test_moving_on_without_checking_skips_the_question(learner_client, user, blueprint):
    attempt = start(user, blueprint)
    item = item_at(attempt, 1)
    response = post(
        learner_client, attempt, 1, {"choice": key_choice_ids(item.question), "go": "2"}
    )
    assert response.url == attempt_question_url(attempt, 2)
    assert AttemptQuestion.objects.get(pk=item.pk).chosen == []


def test_the_result_is_kept_marked_and_left_out_of_trend_and_calibration(
    learner_client, user, blueprint
):
    timed = start(user, blueprint, mode="timed")
    review = start(user, blueprint)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        attempt_finalize(attempt=timed, reason="submitted")
        attempt_finalize(attempt=review, reason="submitted")
    Attempt.objects.update(prediction_shown=True, predicted_pass=0.5, predicted_score=500)
    assert review.pk in Attempt.objects.filter(user=user).values_list("pk", flat=True)
    mock = calibration(Attempt.objects.filter(user=user))[0]
    assert mock.attempts == 1  # the timed one only
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        history = learner_client.get(reverse("quiz:exam_history"))
        results = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": review.pk}))
        listing = learner_client.get(reverse("quiz:exam_list"))
    assertContains(history, "Review mode", count=1)
    assertContains(results, "left out of your score trend and of the readiness calibration")
    assertContains(listing, "Start in review mode")


def test_the_exam_list_starts_review_mode_and_refuses_an_unknown_mode(learner_client, blueprint):
    url = reverse("quiz:exam_start", kwargs={"slug": blueprint.slug})
    with time_machine.travel(T0, tick=False):
        refused = learner_client.post(url, {"mode": "sprint"})
        assert refused.status_code == 400 and not Attempt.objects.exists()
        started = learner_client.post(url, {"mode": "review"})
        listing = learner_client.get(reverse("quiz:exam_list"))
    attempt = Attempt.objects.get()
    assert attempt.is_review and started.url == attempt_question_url(attempt, 1)
    assertContains(listing, "Continue in review mode")
    assertContains(listing, "Start the exam")  # the timed one can still start
