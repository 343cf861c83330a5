"""Strike-through: a learner rules choices out (and back in) in an exam or in practice. In an
exam it is saved like an answer (only while the attempt is open) and shown again on reload,
resume and the results; in practice it is kept with the session's item until the answer."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import AttemptQuestion, PracticeItem
from quiz.services import (
    ExamClosed,
    PracticeError,
    attempt_finalize,
    practice_answer,
    practice_strike,
    strike_set,
)
from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory, UserFactory
from tests.helpers import (
    HX,
    attempt_question_url,
    attempt_url,
    choice_ids,
    item_at,
    practice_question_url,
    practice_url,
    start_attempt,
    start_practice,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def topic():
    topic = TopicFactory()
    QuestionFactory.create_batch(4, topic=topic)
    return topic


@pytest.fixture
def attempt(user, topic):
    blueprint = BlueprintFactory(
        slug="mini", certification=topic.certification, topics=[topic], question_count=4
    )
    return start_attempt(user, blueprint, at=T0)


def strike_url(attempt, position=1):
    return attempt_url("attempt_strike", attempt, position)


def stored(item) -> list[str]:
    return type(item).objects.get(pk=item.pk).struck


def test_ruling_out_and_back_in_is_saved_at_once_in_stable_order(attempt):
    item = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        for label in ("C", "A"):
            strike_set(item=item, raw_choice_id=choice_ids(item, [label])[0], struck=True)
        assert stored(item) == ["A", "C"]
        strike_set(item=item, raw_choice_id=choice_ids(item, ["C"])[0], struck=False)
    assert stored(item) == ["A"]
    assert AttemptQuestion.objects.get(pk=item.pk).chosen == []  # an answer is another thing


def test_a_strike_read_before_another_one_does_not_undo_it(attempt):
    first, second = item_at(attempt, 1), item_at(attempt, 1)  # two tabs, read together
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        strike_set(item=first, raw_choice_id=choice_ids(first, ["B"])[0], struck=True)
        strike_set(item=second, raw_choice_id=choice_ids(second, ["D"])[0], struck=True)
    assert stored(first) == ["B", "D"]


def test_no_strike_after_the_exam_is_over(attempt):
    item = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        attempt_finalize(attempt=attempt, reason="submitted")
        with pytest.raises(ExamClosed):
            strike_set(
                item=item_at(attempt, 1), raw_choice_id=choice_ids(item, ["A"])[0], struck=True
            )
    assert stored(item) == []


def test_the_plain_post_redirects_and_the_page_shows_the_choice_ruled_out(learner_client, attempt):
    item = item_at(attempt, 2)
    [b_id] = choice_ids(item, ["B"])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(strike_url(attempt, 2), {"strike": b_id})
        assert response.url == attempt_question_url(attempt, 2)
        page = learner_client.get(attempt_question_url(attempt, 2)).content.decode()
    toggle = page.split(f'value="{b_id}" aria-pressed=')[1][:7]
    assert toggle == '"true" '
    assert f'name="restore" value="{b_id}"' in page  # the next press brings it back
    assert 'id="strike-form"' in page


def test_the_htmx_post_answers_with_the_toggle_in_the_learners_letter(learner_client, attempt):
    item = item_at(attempt, 1)
    label = item.order_labels[2]  # shown third: the letter C on this learner's screen
    [raw] = choice_ids(item, [label])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(strike_url(attempt), {"strike": raw}, headers=HX)
        html = response.content.decode()
        assert html.startswith("<button") and 'aria-pressed="true"' in html
        assert (
            'name="restore"' in html and 'Rule out<span class="visually-hidden"> C</span>' in html
        )
        back = learner_client.post(strike_url(attempt), {"restore": raw}, headers=HX)
    assert 'aria-pressed="false"' in back.content.decode()
    assert stored(item) == []


@pytest.mark.parametrize(
    "posted",
    [{}, {"strike": "abc"}, {"strike": "999999"}, {"restore": ""}],
    ids=["nothing", "not-an-id", "other-question", "empty"],
)
def test_a_tampered_strike_is_400_and_changes_nothing(learner_client, attempt, posted):
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(strike_url(attempt), posted)
    assert response.status_code == 400
    assert stored(item_at(attempt, 1)) == []


def test_another_learners_attempt_is_404(client, attempt):
    client.force_login(UserFactory())
    item = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = client.post(strike_url(attempt), {"strike": choice_ids(item, ["A"])[0]})
    assert response.status_code == 404
    assert stored(item) == []


def test_the_results_say_which_choices_were_ruled_out(learner_client, attempt):
    item = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        strike_set(item=item, raw_choice_id=choice_ids(item, ["B"])[0], struck=True)
        attempt_finalize(attempt=attempt, reason="submitted")
        results = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    assertContains(results, "You ruled it out", count=1)
    assertNotContains(results, 'class="strike-toggle"')  # nothing to toggle once it is over


def test_practice_keeps_ruled_out_choices_until_the_answer(learner_client, user, topic):
    session = start_practice(user, topic, size=2)
    item = item_at(session, 1)
    [raw] = choice_ids(item, ["D"])
    response = learner_client.post(practice_url("practice_strike", session, 1), {"strike": raw})
    assert response.url == practice_question_url(session, 1)
    page = learner_client.get(practice_question_url(session, 1))
    assertContains(page, f'name="restore" value="{raw}" aria-pressed="true"')
    practice_answer(
        item=PracticeItem.objects.get(pk=item.pk), raw_choice_ids=choice_ids(item, ["A"])
    )
    with pytest.raises(PracticeError, match="already answered"):
        practice_strike(item=PracticeItem.objects.get(pk=item.pk), raw_choice_id=raw, struck=False)
    assertContains(learner_client.get(practice_question_url(session, 1)), "You ruled it out")


def test_another_learners_practice_item_is_404(client, user, topic):
    session = start_practice(user, topic, size=2)
    client.force_login(UserFactory())
    raw = choice_ids(item_at(session, 1), ["A"])[0]
    response = client.post(practice_url("practice_strike", session, 1), {"strike": raw})
    assert response.status_code == 404


def test_the_review_screen_lists_the_ruled_out_choices_in_the_learners_letters(
    learner_client, attempt
):
    item = item_at(attempt, 3)
    shown_second, shown_fourth = item.order_labels[1], item.order_labels[3]
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        for label in (shown_fourth, shown_second):
            strike_set(item=item, raw_choice_id=choice_ids(item, [label])[0], struck=True)
        page = learner_client.get(reverse("quiz:attempt_review", kwargs={"pk": attempt.pk}))
    assertContains(page, "Choices you ruled out")
    assertContains(page, "Question 3</a>: B, D")
