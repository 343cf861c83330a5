"""Editors see mock exam blueprints and whether the bank fills them, and are told what a
key change does to them (the question leaves mock exams for a while)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam_of_four():
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(4, topic=topic)
    blueprint = BlueprintFactory(
        name="Mini mock", certification=topic.certification, question_count=4, topics=[topic]
    )
    return blueprint, questions


def test_editors_see_blueprints_and_whether_they_can_start(editor_client, exam_of_four):
    page = editor_client.get(reverse("admin:quiz_blueprint_changelist"))
    assert page.status_code == 200  # was 403
    assertContains(page, "Mini mock")
    assertContains(page, '<td class="field-can_start">yes</td>', html=True)
    blueprint, _questions = exam_of_four
    view = editor_client.get(reverse("admin:quiz_blueprint_change", args=[blueprint.pk]))
    assert view.status_code == 200
    assert (
        editor_client.post(
            reverse("admin:quiz_blueprint_change", args=[blueprint.pk]), {"name": "x"}
        ).status_code
        == 403
    )


def test_the_key_change_page_says_which_mock_exam_it_stops(editor_client, exam_of_four):
    _blueprint, questions = exam_of_four
    page = editor_client.get(reverse("admin:quiz_question_change_key", args=[questions[0].pk]))
    assertContains(page, "Mock exams leave out a question for 90 days")
    assertContains(page, "<strong>Mini mock could no longer start: it needs 4 questions")
    assertContains(page, "the bank has 3")
    form = editor_client.get(reverse("admin:quiz_question_change", args=[questions[0].pk]))
    assertContains(form, "Mini mock could no longer start")


def test_with_questions_to_spare_the_exam_still_starts(editor_client, exam_of_four):
    _blueprint, questions = exam_of_four
    QuestionFactory(topic=questions[0].topic)
    page = editor_client.get(reverse("admin:quiz_question_change_key", args=[questions[0].pk]))
    assertContains(page, "Mini mock still starts (4 questions for 4)")
