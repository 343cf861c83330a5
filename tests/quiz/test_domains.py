"""Exam domains in what a learner reads: results by domain (a question's own domain over its
topic's), the history's trend by domain, readiness by domain; the admin edits them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Question
from quiz.selectors.exams import by_domain
from quiz.services import answer_save, attempt_finalize
from tests.factories import (
    BlueprintFactory,
    CertificationFactory,
    ExamDomainFactory,
    QuestionFactory,
    TopicFactory,
)
from tests.helpers import choice_ids, key_choice_ids, start_attempt

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def exam():
    """Two topics in two domains (secure 30%, resilient 26%), one question of the second
    topic counted toward the first domain."""
    certification = CertificationFactory()
    secure = ExamDomainFactory(
        certification=certification, name="Design Secure Architectures", weight=30, position=0
    )
    resilient = ExamDomainFactory(
        certification=certification, name="Design Resilient Architectures", weight=26, position=1
    )
    first = TopicFactory(certification=certification, domain=secure)
    second = TopicFactory(certification=certification, domain=resilient)
    QuestionFactory.create_batch(3, topic=first)
    QuestionFactory.create_batch(3, topic=second)
    moved = Question.objects.filter(topic=second).first()
    moved.domain = secure
    moved.save()
    return BlueprintFactory(certification=certification, topics=[first, second], question_count=6)


def finish_with_key_answers_for(user, blueprint, domain_name: str, at=T0):
    """An attempt answering right exactly the questions of one domain."""
    attempt = start_attempt(user, blueprint, at=at)
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        for item in attempt.questions.select_related("question__domain", "question__topic__domain"):
            right = item.question.exam_domain.name == domain_name
            ids = key_choice_ids(item.question) if right else choice_ids(item, ["A"])
            if not right and item.question.key_labels == "A":
                ids = choice_ids(item, ["B"])
            answer_save(item=item, raw_choice_ids=ids)
        return attempt_finalize(attempt=attempt, reason="submitted")


def test_results_report_by_exam_domain_with_the_questions_own_domain_first(
    learner_client, user, exam
):
    attempt = finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    html = page.content.decode()
    section = html.split('id="by-domain"')[1].split("</section>")[0]
    assert section.index("Design Secure Architectures") < section.index("Design Resilient")
    assert "(30% of the exam)" in section and "(26% of the exam)" in section
    assert "4/4 (100%)" in section  # three of its topic and the one moved to it
    assert "0/2 (0%)" in section


def test_without_domains_the_results_have_no_domain_section(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    blueprint = BlueprintFactory(
        certification=topic.certification, topics=[topic], question_count=3
    )
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        attempt_finalize(attempt=attempt, reason="submitted")
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    assertNotContains(page, "By exam domain")
    assertContains(page, "By topic")


def test_questions_of_no_domain_are_reported_last_when_others_have_one(exam):
    no_domain = QuestionFactory(topic=TopicFactory(certification=exam.certification))
    rows = by_domain(
        [(q, True) for q in Question.objects.filter(topic__certification=exam.certification)]
        + [(no_domain, False)]
    )
    assert [(r.title, r.correct, r.total) for r in rows] == [
        ("Design Secure Architectures", 4, 4),
        ("Design Resilient Architectures", 2, 2),
        ("No exam domain", 1, 2),
    ]


def test_the_results_trend_shows_each_domain_across_attempts(learner_client, user, exam):
    first = finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    second = finish_with_key_answers_for(
        user, exam, "Design Resilient Architectures", at=T0 + timedelta(hours=1)
    )
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": second.pk}))
    table = page.content.decode().split("Percent right by exam domain")[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)', table)
    assert [(name, re.findall(r"<td>([^<]*)</td>", cells)) for name, cells in rows] == [
        ("Design Secure Architectures", ["100%", "0%"]),
        ("Design Resilient Architectures", ["0%", "100%"]),
    ]
    assert first.pk != second.pk


def test_readiness_shows_the_real_exam_by_domain(learner_client, user, exam):
    from quiz.models import AnswerSource
    from quiz.services import answer_record

    for question in Question.objects.filter(topic__certification=exam.certification):
        answer_record(
            user=user,
            question=question,
            labels=question.key_labels.split(","),
            source=AnswerSource.PRACTICE,
            answered_at=T0,
        )
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        page = learner_client.get(reverse("quiz:readiness"), {"blueprint": exam.slug})
    html = page.content.decode()
    section = html.split('id="domains-title"')[1].split("</section>")[0]
    assert section.index("Design Secure Architectures") < section.index("Design Resilient")


def test_a_blueprint_weighted_by_domain_splits_each_share_among_the_domains_topics(user):
    from fractions import Fraction

    from quiz.models import BlueprintDomain
    from quiz.selectors.exams import blueprint_topics

    certification = CertificationFactory()
    secure = ExamDomainFactory(certification=certification, weight=30)
    resilient = ExamDomainFactory(certification=certification, weight=70)
    a, b = TopicFactory.create_batch(2, certification=certification, domain=secure)
    c = TopicFactory(certification=certification, domain=resilient)
    TopicFactory(certification=certification)  # in no domain: not drawn from
    for topic in (a, b, c):
        QuestionFactory.create_batch(20, topic=topic)
    blueprint = BlueprintFactory(certification=certification, question_count=20)
    BlueprintDomain.objects.create(blueprint=blueprint, domain=secure, weight=30)
    BlueprintDomain.objects.create(blueprint=blueprint, domain=resilient, weight=70)
    assert blueprint_topics(blueprint) == {a: Fraction(15), b: Fraction(15), c: Fraction(70)}
    attempt = start_attempt(user, blueprint, at=T0)
    drawn = {t: attempt.questions.filter(question__topic=t).count() for t in (a, b, c)}
    assert drawn == {a: 3, b: 3, c: 14}


def _trend_table(page) -> list[tuple[str, list[str]]]:
    table = page.content.decode().split("Percent right by exam domain")[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)', table)
    return [(name, re.findall(r"<td>([^<]*)</td>", cells)) for name, cells in rows]


def test_a_finished_attempt_keeps_its_right_and_total_per_domain(user, exam):
    attempt = finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    assert [(t["name"], t["right"], t["total"]) for t in attempt.domain_tallies] == [
        ("Design Secure Architectures", 4, 4),
        ("Design Resilient Architectures", 0, 2),
    ]
    attempt.refresh_from_db()
    assert sum(t["total"] for t in attempt.domain_tallies) == attempt.total


def test_the_trend_counts_past_attempts_by_the_domains_their_questions_had(
    learner_client, user, exam
):
    """Moving a question to another domain changes the exams taken after, not those before;
    a renamed domain shows its new name in every column."""
    finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    moved = Question.objects.get(domain__name="Design Secure Architectures")
    moved.domain = None  # back to its topic's domain
    moved.save()
    resilient = moved.topic.domain
    resilient.name = "Resilience"
    resilient.save()
    second = finish_with_key_answers_for(user, exam, "Resilience", at=T0 + timedelta(hours=1))
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": second.pk}))
    assert _trend_table(page) == [
        ("Design Secure Architectures", ["100%", "0%"]),
        ("Resilience", ["0%", "100%"]),
    ]


def test_the_results_page_reads_the_same_whatever_the_length_of_the_history(
    learner_client, user, exam
):
    """The trend's domain tallies are read with the attempts, not counted from their answers:
    the same queries after one exam as after three."""
    attempts = [
        finish_with_key_answers_for(user, exam, "Resilience", at=T0 + timedelta(hours=hour))
        for hour in range(3)
    ]
    first_url = reverse("quiz:attempt_results", kwargs={"pk": attempts[0].pk})
    last_url = reverse("quiz:attempt_results", kwargs={"pk": attempts[-1].pk})
    learner_client.get(first_url)
    with CaptureQueriesContext(connection) as first:
        learner_client.get(first_url)
    with CaptureQueriesContext(connection) as last:
        page = learner_client.get(last_url)
    assert len(last.captured_queries) == len(first.captured_queries)
    assert "Percent right by exam domain" in page.content.decode()
    assert not any(
        "quiz_attemptquestion" in q["sql"] and "COUNT(" in q["sql"] for q in last.captured_queries
    )


def test_progress_check_reports_missing_or_miscounted_domain_tallies_and_fix_recounts(
    user, exam, capsys
):
    from django.core.management import CommandError, call_command

    from quiz.models import Attempt

    kept = finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    lost = finish_with_key_answers_for(user, exam, "Resilience", at=T0 + timedelta(hours=1))
    Attempt.objects.filter(pk=lost.pk).update(domain_tallies=None)
    moved = Question.objects.get(domain__name="Design Secure Architectures")
    moved.domain = None  # not drift: the finished exams keep the domains they had
    moved.save()
    with pytest.raises(CommandError, match="1 exam attempt"):
        call_command("progress_check")
    assert f"exam attempt {lost.pk}: stored nothing by domain" in capsys.readouterr().out
    call_command("progress_check", "--fix")
    lost.refresh_from_db()
    assert [(t["name"], t["right"], t["total"]) for t in lost.domain_tallies] == [
        ("Design Secure Architectures", 0, 3),
        ("Design Resilient Architectures", 0, 3),
    ]
    kept.refresh_from_db()
    assert kept.domain_tallies[0]["total"] == 4  # as it finished
    call_command("progress_check")  # clean now


def test_the_migration_counts_the_tallies_of_attempts_finished_before_it(user, exam):
    import importlib

    from django.apps import apps

    from quiz.models import Attempt

    attempt = finish_with_key_answers_for(user, exam, "Design Secure Architectures")
    stored = Attempt.objects.get(pk=attempt.pk).domain_tallies
    Attempt.objects.update(domain_tallies=None)
    importlib.import_module("quiz.migrations.0035_attempt_domain_tallies").forward(apps, None)
    assert Attempt.objects.get(pk=attempt.pk).domain_tallies == stored
