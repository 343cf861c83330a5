"""Question statistics: first attempts only, scored as the learner was scored then; stored
for the whole bank and shown to editors, with what needs checking on their to-do."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import DuplicateSuspect, Question
from quiz.selectors import question_statistics
from quiz.services import answer_record, key_change, statistics_refresh
from quiz.stats import ItemStatistics, item_statistics
from tests.factories import (
    BlueprintFactory,
    QuestionFactory,
    ReportFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# ---- the rules (pure) ------------------------------------------------------------------------


def test_facility_counts_first_attempts_and_discrimination_waits_for_twenty_learners():
    stats = item_statistics({1: True, 2: False, 3: True, 4: True}, {1: 0.9, 2: 0.2, 3: 0.8})
    assert (stats.first_attempts, stats.facility, stats.discrimination) == (4, 0.75, None)
    assert not stats.needs_checking and stats.checking == ""


def test_a_question_strong_learners_miss_needs_checking():
    first = {u: u < 10 for u in range(24)}  # the weak ones get it right
    rest = {u: u / 24 for u in range(24)}
    stats = item_statistics(first, rest)
    assert stats.discrimination < 0 and stats.needs_checking
    assert "very likely" in stats.checking
    assert "likely" in ItemStatistics(30, 0.6, 0.42).checking
    assert not ItemStatistics(30, 0.6, 0.42).needs_checking  # Moodle's "likely" only


def test_an_extreme_facility_needs_checking_once_enough_learners_tried():
    assert ItemStatistics(25, 0.98, None).needs_checking
    assert "almost everybody" in ItemStatistics(25, 0.98, None).checking
    assert not ItemStatistics(5, 1.0, None).needs_checking


# ---- computed on answers --------------------------------------------------------------------


def test_repeats_and_key_changes_do_not_bend_the_statistics():
    question = QuestionFactory()  # key B
    early, late = UserFactory(), UserFactory()
    answer_record(user=early, question=question, labels=["B"])  # right when given
    for _ in range(3):  # repeats: practice, not a measurement
        answer_record(user=early, question=question, labels=["A"])
    key_change(
        question=question,
        correct_labels=["A"],
        note="Now [[A]].",
        effective=date(2026, 1, 1),
        user=None,
    )
    answer_record(user=late, question=question, labels=["A"])  # right under the new key
    live = question_statistics(question)
    assert (live.answered, live.learners, live.percent_correct) == (5, 2, 100)

    statistics_refresh()
    question.refresh_from_db()
    assert (question.first_attempts, question.facility) == (2, 1.0)
    assert question.statistics_at is not None


def test_the_bank_refresh_agrees_with_the_change_form():
    questions = QuestionFactory.create_batch(3)
    learners = UserFactory.create_batch(22)
    for n, learner in enumerate(learners):
        for index, question in enumerate(questions):
            right = (n + index) % 3 != 0 if index else n > 10
            answer_record(user=learner, question=question, labels=["B" if right else "A"])
    statistics_refresh()
    for question in questions:
        question.refresh_from_db()
        live = question_statistics(question)
        assert question.first_attempts == live.learners
        assert round(100 * question.facility) == live.percent_correct
        assert round(question.discrimination, 2) == live.discrimination
        assert question.needs_checking == live.needs_checking


# ---- the editors' pages ---------------------------------------------------------------------


def test_the_list_shows_facility_and_discrimination_and_filters_what_needs_checking(
    editor_client,
):
    checked = QuestionFactory(ext_id="fine")
    flagged = QuestionFactory(ext_id="flagged")
    Question.objects.filter(pk=checked.pk).update(
        first_attempts=30, facility=0.6, discrimination=0.55
    )
    Question.objects.filter(pk=flagged.pk).update(
        first_attempts=30, facility=0.6, discrimination=0.1, needs_checking=True
    )
    page = editor_client.get(reverse("admin:quiz_question_changelist"))
    assertContains(page, "60% of 30", count=2)
    assertContains(page, "0.55")
    assertContains(page, '<span class="needs-checking">0.10 ⚠</span>', html=True)
    only = editor_client.get(
        reverse("admin:quiz_question_changelist"), {"needs_checking__exact": "1"}
    )
    assertContains(only, "flagged")
    assertNotContains(only, ">fine<")


def test_editors_first_page_is_their_to_do(editor_client):
    topic = TopicFactory()
    QuestionFactory(topic=topic, status=Question.Status.DRAFT)
    QuestionFactory.create_batch(3, topic=topic, last_verified=date(2020, 1, 1))
    never = QuestionFactory(topic=topic)
    ReportFactory(question=never)
    Question.objects.filter(pk=never.pk).update(needs_checking=True)
    BlueprintFactory(
        name="Mini mock", certification=topic.certification, question_count=4, topics=[topic]
    )
    page = editor_client.get(reverse("admin:index"))
    todo = page.context["todo"]
    assert (todo.open_reports, todo.drafts, todo.never_verified, todo.stale_verified) == (
        1,
        1,
        1,
        3,
    )
    assert todo.needs_checking == 1
    assertContains(page, "1 open report")
    assertContains(page, "1 draft</a> to check and publish")
    assertContains(page, "?verified=never")
    assertContains(page, "3 live questions last verified before")
    assertContains(page, "1 question whose statistics need checking")
    assertContains(page, "Mini mock")
    assertContains(page, f"in {topic.title} would stop it")


def test_the_to_do_scans_for_duplicates_without_selecting_rows(editor_client):
    original = QuestionFactory(stem="Which service rotates database credentials automatically?")
    copy = QuestionFactory(stem=original.stem, topic=original.topic, choices=False)
    for choice in original.choices.all():
        copy.choices.create(label=choice.label, text=choice.text, is_correct=choice.is_correct)
    response = editor_client.post(reverse("admin:quiz_question_scan_duplicates"), follow=True)
    assertContains(response, "1 new suspected pair(s) found.")
    assert DuplicateSuspect.objects.filter(status="open").count() == 1
    assertContains(response, "1 suspected duplicate pair")
    assert editor_client.get(reverse("admin:quiz_question_scan_duplicates")).status_code == 405


def test_learners_get_no_to_do(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("admin:index"))
    assert "todo" not in page.context
    assert client.post(reverse("admin:quiz_question_refresh_statistics")).status_code in (302, 403)
