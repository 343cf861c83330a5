import pytest
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Report, Vote
from quiz.services import report_resolve
from tests.factories import (
    AnswerRecordFactory,
    QuestionFactory,
    ReportFactory,
    UserFactory,
    VoteFactory,
)
from tests.helpers import HX, assert_fragment, report_url, vote_url

pytestmark = pytest.mark.django_db


def test_vote_distribution_shows_disagreement_with_the_key(client):
    question = QuestionFactory()  # official key B
    for _ in range(5):
        VoteFactory(question=question, labels="A")
    for _ in range(3):
        VoteFactory(question=question, labels="B")
    from quiz.services import community_refresh

    community_refresh(question=question)
    response = client.get(question.get_absolute_url())
    assertContains(
        response, "<strong>Official: B</strong>; learners:\n      A 62%, B 38%", html=False
    )
    assertContains(response, "Most learners disagree with the official key")
    assertContains(response, "Disputed")


def test_voting_requires_an_answer_first(learner_client, user):
    question = QuestionFactory()
    response = learner_client.post(vote_url(question), {"labels": ["A"]})
    assert response.status_code == 400
    assert "Answer the question first" in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_after_answering_htmx_and_plain(learner_client, user):
    question = QuestionFactory()
    AnswerRecordFactory(user=user, question=question)
    response = learner_client.post(vote_url(question), {"labels": ["A"]}, headers=HX)
    assert_fragment(response, "community")
    assertContains(response, "Thanks, your vote is counted.")
    response = learner_client.post(vote_url(question), {"labels": ["C"]})
    assert response.status_code == 302 and response.url.endswith("#community")
    assert Vote.objects.get().labels == "C"  # changed, not doubled


@pytest.mark.parametrize("labels", [["Z"], ["A", "B"], []])
def test_tampered_vote_is_400_and_records_nothing(learner_client, user, labels):
    question = QuestionFactory()
    AnswerRecordFactory(user=user, question=question)
    response = learner_client.post(vote_url(question), {"labels": labels})
    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_anonymous_cannot_vote_or_report(client):
    question = QuestionFactory()
    response = client.post(vote_url(question), {"labels": ["A"]})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(report_url(question), {"reason": "typo"}, headers=HX)
    assert response.headers["HX-Redirect"].startswith("/accounts/login/")
    assert not Report.objects.exists()


def test_report_is_filed_both_ways(learner_client, user):
    question = QuestionFactory()
    response = learner_client.post(
        report_url(question), {"reason": "outdated", "text": "Changed in 2026"}, headers=HX
    )
    assert_fragment(response, "report")
    assertContains(response, "the editors will look at your report")
    response = learner_client.post(report_url(question), {"reason": "typo"})
    assert response.status_code == 302
    assert Report.objects.filter(user=user).count() == 2


def test_report_other_needs_text_and_unknown_reason_is_400(learner_client):
    question = QuestionFactory()
    response = learner_client.post(
        report_url(question), {"reason": "other", "text": ""}, headers=HX
    )
    assert response.status_code == 422
    assertContains(response, "Tell us what is wrong.", status_code=422)
    response = learner_client.post(report_url(question), {"reason": "hacked"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_resolved_report_appears_in_the_public_changelog(client):
    report = ReportFactory(reason=Report.Reason.TYPO)
    report_resolve(report=report, user=UserFactory(), decision="Fixed the typo in choice C.")
    response = client.get(report.question.get_absolute_url())
    assertContains(response, "Changelog")
    assertContains(response, "Report “Typo or formatting” fixed: Fixed the typo in choice C.")


def test_report_resolution_needs_a_decision_and_only_once():
    from django.core.exceptions import ValidationError

    report = ReportFactory()
    with pytest.raises(ValidationError):
        report_resolve(report=report, user=UserFactory(), decision="  ")
    report_resolve(report=report, user=UserFactory(), decision="No change", accepted=False)
    assert report.status == Report.Status.DECLINED
    with pytest.raises(ValidationError, match="already closed"):
        report_resolve(report=report, user=UserFactory(), decision="again")


def test_key_change_shows_outdated_annotation_and_changelog(client):
    from datetime import date

    from quiz.services import key_change

    question = QuestionFactory()  # official key B
    key_change(
        question=question,
        correct_labels=["A"],
        note="The CLI changed.",
        effective=date(2026, 5, 1),
        user=None,
    )
    response = client.get(question.get_absolute_url(), {"answer": "show"})
    assertContains(response, "B was correct until 1 May 2026.")
    assertContains(response, "Answer key changed from B to A")
    assertNotContains(response, "No votes yet.</p>\n    \n    <form")
