"""Every learner page answers in at most ten SQL queries, whatever the size of the bank.

Signed in, two of the ten are given: the session row and the user row. The learner here has
a history (answers, cards, a leech, a flag, an exam date, a finished and an open mock exam),
so the counts are the steady state, not a first visit.
"""

import contextlib
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from quiz.models import (
    Attempt,
    AttemptQuestion,
    PracticeItem,
    PracticeSession,
    Profile,
    Question,
    ReviewCard,
    ReviewLog,
)
from quiz.services import (
    answer_save,
    attempt_finalize,
    attempt_start,
    flag_toggle,
    practice_answer,
    practice_finish,
    practice_start,
    profile_update,
    vote_cast,
)
from study.models import Topic
from tests.bank import Bank
from tests.factories import QuestionFactory, TopicFactory, UserFactory
from tests.helpers import assert_fragment

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
BUDGET = 10
# The factory-built bank (tests/bank.py): its topic, and its first question in bank order,
# whose answer changed once and which has references: everything the feedback can show.
TOPIC = "instance-security"
QUESTION = "role"


@dataclass
class Learner:
    client: Client
    user: AbstractBaseUser
    finished_session: PracticeSession
    attempt: Attempt
    finished_attempt: Attempt

    def session(self) -> PracticeSession:
        """A new practice session over the topic in bank order: QUESTION comes first."""
        topic = Topic.objects.get(slug=TOPIC)
        return practice_start(user=self.user, scope="topics", topics=[topic], size=5, order="bank")


def choice_ids(question: Question, *, correct: bool) -> list[str]:
    choices = [c for c in question.choices.all() if c.is_correct == correct]
    return [str(c.pk) for c in choices[: question.choose]]


def practice_url(name: str, session: PracticeSession, position: int) -> str:
    return reverse(f"quiz:{name}", kwargs={"pk": session.pk, "position": position})


def exam_url(name: str, attempt: Attempt, position: int) -> str:
    return reverse(f"quiz:{name}", kwargs={"pk": attempt.pk, "position": position})


def learner_with_history(client: Client, user: AbstractBaseUser, bank: Bank) -> Learner:
    profile_update(user=user, exam_date=timezone.localdate() + timedelta(days=60))
    topic = bank.topic
    done = practice_start(user=user, scope="topics", topics=[topic], size=4, order="bank")
    items = done.items.select_related("session__user", "question").prefetch_related(
        "question__choices"
    )
    for item in items:
        ids = choice_ids(item.question, correct=item.position % 2 == 1)
        practice_answer(item=item, raw_choice_ids=ids)
    practice_finish(session=done)
    first = bank.role
    vote_cast(user=user, question=first, labels=[c.label for c in first.choices.all()][:1])
    missed = done.items.get(position=2).question
    ReviewCard.objects.filter(user=user, question=missed).update(lapses=8, is_leech=True)
    flag_toggle(user=user, question=missed)

    blueprint = bank.mini
    finished = attempt_start(user=user, blueprint=blueprint)
    for item in AttemptQuestion.objects.filter(attempt=finished).select_related("question"):
        answer_save(item=item, raw_choice_ids=choice_ids(item.question, correct=True))
    finished = attempt_finalize(attempt=finished, reason=Attempt.FinishReason.SUBMITTED)
    attempt = attempt_start(user=user, blueprint=blueprint)

    client.force_login(user)
    return Learner(client, user, done, attempt, finished)


@pytest.fixture
def learner(bank, client, user) -> Learner:
    return learner_with_history(client, user, bank)


Counted = Callable[[], AbstractContextManager]
Visit = Callable[[Learner, Counted], None]


# Each visit prepares what its request needs, then makes that one request inside counted().


def page(url_name: str, text: str, query: dict | None = None, **kwargs) -> Visit:
    """A signed-in GET of a page that needs nothing prepared."""

    def visit(learner: Learner, counted: Counted) -> None:
        with counted():
            response = learner.client.get(reverse(url_name, kwargs=kwargs), query)
        assertContains(response, text)

    return visit


def question_page_signed_out(learner: Learner, counted: Counted) -> None:
    with counted():
        response = Client().get(reverse("quiz:question_detail", kwargs={"ext_id": QUESTION}))
    assertContains(response, "What learners think")


def question_page_signed_in(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.get(reverse("quiz:question_detail", kwargs={"ext_id": QUESTION}))
    assertContains(response, "Change your vote")  # answered it, and voted


def practice_question_htmx(learner: Learner, counted: Counted) -> None:
    session = learner.session()
    with counted():
        response = learner.client.get(practice_url("practice_question", session, 1), headers=HX)
    assert_fragment(response, "answer-form")


def practice_question_page(learner: Learner, counted: Counted) -> None:
    session = learner.session()
    with counted():
        response = learner.client.get(practice_url("practice_question", session, 1))
    assertContains(response, "Submit answer")


def _shown_question(learner: Learner) -> tuple[PracticeSession, dict]:
    session = learner.session()
    learner.client.get(practice_url("practice_question", session, 1), headers=HX)
    question = Question.objects.get(ext_id=QUESTION)
    return session, {"choice": choice_ids(question, correct=True)}


def practice_answer_htmx(learner: Learner, counted: Counted) -> None:
    session, data = _shown_question(learner)
    with counted():
        response = learner.client.post(
            practice_url("practice_answer", session, 1), data, headers=HX
        )
    assertContains(response, "Correct.")
    assertContains(response, "Outdated answer")  # key revisions
    assertContains(response, "How well did you know it?")  # the rating box


def practice_answer_plain(learner: Learner, counted: Counted) -> None:
    session, data = _shown_question(learner)
    with counted():
        response = learner.client.post(practice_url("practice_answer", session, 1), data)
    assert response.status_code == 302 and response.url.endswith("#feedback")


def practice_next_question(learner: Learner, counted: Counted) -> None:
    session, data = _shown_question(learner)
    learner.client.post(practice_url("practice_answer", session, 1), data, headers=HX)
    with counted():
        response = learner.client.get(practice_url("practice_question", session, 2), headers=HX)
    assertContains(response, "Question 2 of 5")


def practice_flag(learner: Learner, counted: Counted) -> None:
    session = learner.session()
    with counted():
        response = learner.client.post(practice_url("practice_flag", session, 1), headers=HX)
    assertContains(response, "★ Flagged")


def practice_summary(learner: Learner, counted: Counted) -> None:
    url = reverse("quiz:practice_summary", kwargs={"pk": learner.finished_session.pk})
    with counted():
        response = learner.client.get(url)
    assertContains(response, "Your results")


def review_page(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.get(reverse("quiz:review_home"))
    assertContains(response, "Predicted recall on exam day")
    assertContains(response, "Study these again")  # the leech


def review_rate(learner: Learner, counted: Counted) -> None:
    session, data = _shown_question(learner)
    learner.client.post(practice_url("practice_answer", session, 1), data, headers=HX)
    log = ReviewLog.objects.get(record=PracticeItem.objects.get(session=session, position=1).record)
    url = reverse("quiz:review_rate", kwargs={"pk": log.pk})
    with counted():
        response = learner.client.post(url, {"rating": "4"}, headers=HX)
    assertContains(response, "is-current")


def dashboard(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.get(reverse("quiz:home"))
    assertContains(response, "Mastery (last 20)")


def readiness_card(learner: Learner, counted: Counted) -> None:
    # Loaded by the dashboard: the exam it is about is one that can start, found from the
    # fill status of every exam on offer (the full-length one, once the bank can fill it).
    with counted():
        response = learner.client.get(reverse("quiz:readiness_card"), headers=HX)
    assertContains(response, "Am I ready?")
    assertContains(response, "For ")


def exam_question_htmx(learner: Learner, counted: Counted) -> None:
    # Position 2: moving on also records where to resume.
    with counted():
        response = learner.client.get(exam_url("attempt_question", learner.attempt, 2), headers=HX)
    assertContains(response, "Question 2 of 10")


def exam_autosave(learner: Learner, counted: Counted) -> None:
    question = learner.attempt.questions.get(position=1).question
    data = {"choice": choice_ids(question, correct=False)[:1]}
    with counted():
        response = learner.client.post(
            exam_url("attempt_save", learner.attempt, 1), data, headers=HX
        )
    assertContains(response, "Saved at")


def exam_flag(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.post(exam_url("attempt_flag", learner.attempt, 1), headers=HX)
    assertContains(response, "⚑</span> Flagged for review")


def exam_review_page(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.get(
            reverse("quiz:attempt_review", kwargs={"pk": learner.attempt.pk})
        )
    assertContains(response, "Review before you submit")


def exam_results_page(learner: Learner, counted: Counted) -> None:
    with counted():
        response = learner.client.get(
            reverse("quiz:attempt_results", kwargs={"pk": learner.finished_attempt.pk})
        )
    assertContains(response, "Review your answers")


VISITS: dict[str, Visit] = {
    "topic notes page": page("study:topic_detail", "Practise", slug=TOPIC),
    "topic question list": page("quiz:topic_questions", "practice questions", slug=TOPIC),
    "topic discussion": page("quiz:topic_discussion", "discussion", slug=TOPIC),
    "search": page("quiz:search", "results for", {"q": "instance role"}),
    "question page, signed out": question_page_signed_out,
    "question page, signed in": question_page_signed_in,
    "practice home": page("quiz:practice_home", "Practice questions"),
    "practice question, htmx": practice_question_htmx,
    "practice question, whole page": practice_question_page,
    "practice answer, htmx": practice_answer_htmx,
    "practice answer, plain post": practice_answer_plain,
    "next practice question": practice_next_question,
    "practice flag": practice_flag,
    "practice summary": practice_summary,
    "flagged questions": page("quiz:flagged_list", "Flagged questions"),
    "review page": review_page,
    "review rating": review_rate,
    "dashboard": dashboard,
    "topics progress page": page("quiz:progress", "Your topics"),
    "dashboard readiness card": readiness_card,
    "study settings": page("quiz:profile", "Your account"),
    "mock exam list": page("quiz:exam_list", "Continue your attempt"),
    "exam question": exam_question_htmx,
    "exam autosave": exam_autosave,
    "exam flag": exam_flag,
    "exam review page": exam_review_page,
    "exam results": exam_results_page,
    "exam history": page("quiz:exam_history", "in progress"),
}


@pytest.mark.parametrize("visit", VISITS.values(), ids=VISITS.keys())
def test_each_learner_request_needs_at_most_ten_queries(
    visit, learner, django_assert_max_num_queries
):
    visit(learner, lambda: django_assert_max_num_queries(BUDGET))


@pytest.mark.parametrize("visit", VISITS.values(), ids=VISITS.keys())
def test_each_learner_page_names_each_element_id_once(visit, learner, monkeypatch):
    """Labels, descriptions and in-page links point at ids: a page showing several
    questions (exam results) must not repeat one block's ids."""
    responses = []
    request = Client.request

    def kept(self, **kwargs):
        responses.append(response := request(self, **kwargs))
        return response

    monkeypatch.setattr(Client, "request", kept)
    visit(learner, contextlib.nullcontext)
    pages = [r for r in responses if r.get("Content-Type", "").startswith("text/html")]
    assert pages
    for response in pages:
        ids = re.findall(r'\sid="([^"]+)"', response.content.decode())
        assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.slow  # every visit twice, around 2,000 more questions
def test_query_counts_do_not_grow_with_two_thousand_more_questions(bank):
    def counts() -> dict[str, int]:
        cache.clear()  # both passes count the cold-cache case (the topic page caches notes)
        learner = learner_with_history(Client(), UserFactory(), bank)
        found = {}
        for name, visit in VISITS.items():
            context = CaptureQueriesContext(connection)
            visit(learner, lambda context=context: context)
            found[name] = len(context)
        return found

    small = counts()
    QuestionFactory.create_batch(
        2000, topic=TopicFactory(certification=bank.certification), choices=False
    )
    assert Question.objects.live().count() > 2000
    assert counts() == small
    assert max(small.values()) <= BUDGET


def test_a_new_learners_very_first_answer_stays_within_budget(
    bank, learner_client, user, django_assert_max_num_queries
):
    """Accounts get their study settings when created, not on the first answer."""
    assert Profile.objects.filter(user=user).exists()
    session = practice_start(user=user, scope="topics", topics=[bank.topic], size=5, order="bank")
    learner_client.get(practice_url("practice_question", session, 1), headers=HX)
    data = {"choice": choice_ids(bank.role, correct=True)}
    with django_assert_max_num_queries(BUDGET):
        response = learner_client.post(
            practice_url("practice_answer", session, 1), data, headers=HX
        )
    assertContains(response, "How well did you know it?")
