"""Exam readiness as a learner sees it, and its calibration as staff see it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Question
from quiz.services import (
    ExamError,
    attempt_start,
    profile_update,
)
from tests.factories import (
    AnswerKeyRevisionFactory,
    BlueprintFactory,
    CertificationFactory,
    QuestionFactory,
    TopicFactory,
)
from tests.helpers import answer_all, take_mock

pytestmark = pytest.mark.django_db
READINESS = reverse("quiz:readiness")


def test_a_learner_practises_takes_the_mini_mock_twice_and_sees_a_calibrated_chance(
    bank, learner_client, user, capsys
):
    profile_update(user=user, target_certification=bank.certification)
    answer_all(user, bank.live)
    first = take_mock(user, bank.mini, right=8)
    second = take_mock(user, bank.mini, right=6)
    assert first.predicted_pass is not None and second.predicted_score is not None

    page = learner_client.get(READINESS, {"blueprint": bank.mini.slug})
    assertContains(page, "Chance of passing the real exam:")
    assertContains(page, "From 12 first-sight answers in this exam's topics")
    assertContains(page, "Your next mock exam from this bank:")
    assertContains(page, "80% range")
    assertContains(page, "Where the points are lost")
    assertContains(page, bank.topic.get_absolute_url())
    assertContains(page, "Practise Instance Security")

    call_command("readiness_report")
    out = capsys.readouterr().out
    assert "Finished attempts with a shown prediction: 2" in out
    assert "Brier score:" in out and "observed pass rate" in out


def test_too_little_history_says_what_is_needed_instead_of_a_number(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(60, topic=topic)
    BlueprintFactory(
        name="Topic mock", certification=topic.certification, question_count=20, topics=[topic]
    )
    answer_all(user, Question.objects.all()[:5])
    page = learner_client.get(READINESS)
    assertContains(page, "Answer at least 20 new questions of this exam&#x27;s topics first")
    assertContains(page, "you have answered 5")
    assertContains(page, "5 of 20 first-sight answers so far")
    assertNotContains(page, "Chance of passing")


def _three_questions_for_sixty_five(topic):
    QuestionFactory.create_batch(3, topic=topic)
    return 65


def _a_key_changed_last_week_leaves_nineteen_for_twenty(topic):
    questions = QuestionFactory.create_batch(20, topic=topic)
    # The exam leaves out a question whose key changed lately.
    AnswerKeyRevisionFactory(question=questions[0], valid_until=timezone.localdate())
    return 20


# Each arranges a topic's questions and says how many the mock exam of that topic needs.
SHORT_BANKS = {
    "three questions for sixty-five": _three_questions_for_sixty_five,
    "a key changed last week leaves nineteen for twenty": (
        _a_key_changed_last_week_leaves_nineteen_for_twenty
    ),
}


@pytest.mark.parametrize("arrange", SHORT_BANKS.values(), ids=SHORT_BANKS.keys())
def test_a_bank_too_small_for_the_blueprint_is_said_plainly(learner_client, user, arrange):
    topic = TopicFactory()
    needed = arrange(topic)
    blueprint = BlueprintFactory(
        slug="short",
        name="Short mock",
        certification=topic.certification,
        question_count=needed,
        topics=[topic],
    )
    with pytest.raises(ExamError):
        attempt_start(user=user, blueprint=blueprint)
    page = learner_client.get(READINESS, {"blueprint": "short"})
    assertContains(page, "The question bank cannot fill Short mock yet")
    assertNotContains(page, "Chance of passing")


def test_readiness_and_the_dashboard_card_default_to_an_exam_that_can_start(
    bank, learner_client, user
):
    """The bank's full-length exam (65 questions) cannot start from 12: never the default."""
    profile_update(user=user, target_certification=bank.certification)
    page = learner_client.get(READINESS)
    assertContains(page, "<h1>Exam readiness: Instance Security mini mock</h1>", html=True)
    assertNotContains(page, "Cloud Architect full length")  # not in the picker either
    card = learner_client.get(reverse("quiz:readiness_card"), headers={"HX-Request": "true"})
    assertContains(card, "For Instance Security mini mock")
    assertNotContains(card, "full length")


def test_the_target_certifications_exam_that_can_start_comes_first(learner_client, user):
    exams = {}
    for slug, size, in_bank in [("other", 20, 20), ("mine", 10, 10), ("mine-full", 40, 10)]:
        certification = (
            exams["mine"].certification if slug == "mine-full" else CertificationFactory()
        )
        QuestionFactory.create_batch(in_bank, topic=TopicFactory(certification=certification))
        exams[slug] = BlueprintFactory(
            slug=slug, name=f"Exam {slug}", certification=certification, question_count=size
        )
    profile_update(user=user, target_certification=exams["mine"].certification)
    # "mine-full" has the most questions of the target's exams, but the bank cannot fill it;
    # "other" has more than "mine", but is not the target's.
    page = learner_client.get(READINESS)
    assertContains(page, "<h1>Exam readiness: Exam mine</h1>", html=True)
    picker = page.content.decode().split('id="readiness-blueprint"')[1].split("</select>")[0]
    assert "Exam other" in picker and "Exam mine" in picker and "mine-full" not in picker
    # Named on purpose, an exam that cannot start is shown, and marked in the picker.
    page = learner_client.get(READINESS, {"blueprint": "mine-full"})
    assertContains(page, "The question bank cannot fill Exam mine-full yet")
    assertContains(page, "Exam mine-full (not available yet)")


def test_when_no_exam_can_start_readiness_says_so_and_offers_practice(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    BlueprintFactory(name="Big mock", certification=topic.certification, question_count=65)
    for page in [
        learner_client.get(READINESS),
        learner_client.get(reverse("quiz:readiness_card"), headers={"HX-Request": "true"}),
    ]:
        assertContains(page, "No mock exam can be started yet")
        assertContains(page, f'href="{reverse("quiz:practice_home")}"')
        assertNotContains(page, "Big mock")
        assertNotContains(page, "Chance of passing today")


def test_an_unknown_or_retired_mock_exam_is_not_found(learner_client):
    topic = TopicFactory()
    BlueprintFactory(slug="old", certification=topic.certification, question_count=20)
    topic.certification.is_active = False
    topic.certification.save()

    assert learner_client.get(READINESS, {"blueprint": "nope"}).status_code == 404
    # Its certification is retired: the exam list does not offer it, nor does readiness.
    assert learner_client.get(READINESS, {"blueprint": "old"}).status_code == 404


def test_the_prediction_and_a_study_plan_when_an_exam_date_is_set(learner_client, user):
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(40, topic=topic)
    BlueprintFactory(certification=topic.certification, question_count=20, topics=[topic])
    answer_all(user, questions[:25])
    profile_update(user=user, exam_date=timezone.localdate() + timedelta(days=30))
    page = learner_client.get(READINESS)
    assertContains(page, "Chance of passing the real exam")
    assertContains(page, "Study plan to")
    # The dashboard card shows the chances only: it does not work out the plan.
    with CaptureQueriesContext(connection) as card_queries:
        card = learner_client.get(reverse("quiz:readiness_card"), headers={"HX-Request": "true"})
    assertContains(card, "Chance of passing the real exam")
    assertNotContains(card, "Study plan to")
    assert not any("quiz_reviewlog" in q["sql"] for q in card_queries.captured_queries)


def test_dashboard_loads_the_readiness_card_lazily_and_the_card_renders(learner_client, user):
    dashboard = learner_client.get("/")
    assertContains(dashboard, reverse("quiz:readiness_card"))
    card = learner_client.get(reverse("quiz:readiness_card"), headers={"HX-Request": "true"})
    html = card.content.decode()
    assert 'id="readiness-card"' in html and "<html" not in html


def test_calibration_page_is_for_staff_only(learner_client, client, django_user_model):
    assert learner_client.get(reverse("quiz:readiness_calibration")).status_code == 404
    staff = django_user_model.objects.create_user("staffer", password="x", is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("quiz:readiness_calibration"))
    assertContains(page, "No finished mock exam has a shown prediction of this kind yet.")


@pytest.mark.parametrize(
    ("probability", "shown"),
    [(0.999, "over 99%"), (0.995, "over 99%"), (0.641, "64%"), (0.004, "under 1%"), (None, "–")],
)
def test_chances_are_shown_without_claiming_certainty(probability, shown):
    from quiz.templatetags.readiness import chance

    assert chance(probability) == shown
