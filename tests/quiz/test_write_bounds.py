"""Writes that one learner can make costly for everyone: bounded in time, in rate, and in
what counts as text."""

import time

import pytest
from django.db import connection
from django.test import override_settings
from pytest_django.asserts import assertContains

from quiz.models import Comment, Report, Vote
from quiz.services import comment_post
from quiz.validation import ChoiceData, QuestionData, validate_question
from study.markdown import render_markdown
from study.text import clean_text, has_visible_text
from tests.factories import AnswerRecordFactory, QuestionFactory, UserFactory
from tests.helpers import HX, comment_create_url, report_url, vote_url

# ---- markdown of any comment renders in milliseconds --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000,
        "[](" * 1666,
        "[a](" * 1250,
        "1. " * 1666 + "x",
        "- " * 2500 + "x",
        "> " * 2500 + "x",
        ">" * 4999 + "x",
        "".join("    " * depth + "- x\n" for depth in range(100)),
        "\n".join(">" * depth + " x" for depth in range(1, 100)),
    ],
    ids=[
        "brackets",
        "empty-links",
        "open-links",
        "ordered",
        "bullets",
        "quotes",
        "quote-run",
        "indent",
        "quote-lines",
    ],
)
def test_the_worst_comment_renders_quickly_and_keeps_its_text(text):
    start = time.perf_counter()
    html = render_markdown(text, hard_breaks=True)
    assert time.perf_counter() - start < 0.25  # it took 5 s (or overflowed the stack)
    assert "x" in html or "[" in html or "(" in html


def test_a_comment_past_the_bounds_is_shown_as_plain_escaped_text():
    html = render_markdown("[" * 300 + " <b>bold</b>\nnext line", hard_breaks=True)
    assert html.startswith("<p>[[[") and "&lt;b&gt;bold&lt;/b&gt;<br>" in html


def test_ordinary_markdown_is_still_markdown():
    assert render_markdown("- a\n    - b\n        - c").count("<ul>") == 3
    assert '<a href="https://x.test"' in render_markdown("[x](https://x.test) " * 20)


@pytest.mark.django_db(transaction=True)
def test_a_comment_is_rendered_before_the_write_transaction(monkeypatch):
    """The write lock is held only for the insert, not while markdown runs."""
    import quiz.services.discussion as discussion

    seen = []

    def spy(source, **kwargs):
        seen.append(connection.in_atomic_block)
        return render_markdown(source, **kwargs)

    monkeypatch.setattr(discussion, "render_markdown", spy)
    question, user = QuestionFactory(), UserFactory()
    comment = comment_post(user=user, question=question, body="**hello**")
    discussion.comment_edit(comment=comment, user=user, body="*edited*")
    assert seen == [False, False]


# ---- rate limits: comments, votes, reports ------------------------------------------------


@pytest.mark.django_db
@override_settings(LEARNER_RATE_LIMITS={"comment": (3, 10), "vote": (2, 10), "report": (2, 60)})
def test_comments_past_the_limit_are_refused_with_429_and_not_saved(learner_client):
    question = QuestionFactory()
    for n in range(3):
        assert (
            learner_client.post(comment_create_url(question), {"body": f"note {n}"}).status_code
            == 302
        )
    response = learner_client.post(
        comment_create_url(question), {"body": "one too many"}, headers=HX
    )
    assertContains(response, "please wait 10 minutes", status_code=429)
    assert Comment.objects.count() == 3


@pytest.mark.django_db
@override_settings(LEARNER_RATE_LIMITS={"comment": (3, 10), "vote": (2, 10), "report": (2, 60)})
def test_votes_and_reports_past_the_limit_are_refused_with_429(learner_client, user):
    questions = QuestionFactory.create_batch(3)
    for question in questions:
        AnswerRecordFactory(user=user, question=question)
    statuses = [learner_client.post(vote_url(q), {"labels": ["B"]}).status_code for q in questions]
    assert statuses == [302, 302, 429] and Vote.objects.count() == 2
    statuses = [
        learner_client.post(report_url(q), {"reason": "wrong_key"}).status_code for q in questions
    ]
    assert statuses[:2] == [302, 302] and statuses[2] == 429 and Report.objects.count() == 2


@pytest.mark.django_db
@override_settings(LEARNER_RATE_LIMITS={"comment": (1, 10), "vote": (2, 10), "report": (2, 60)})
def test_one_learners_limit_is_not_anothers(client):
    question = QuestionFactory()
    for _ in range(2):
        client.force_login(UserFactory())
        assert client.post(comment_create_url(question), {"body": "mine"}).status_code == 302


# ---- what counts as text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "\u200b\u200b\u200b",
        "\u2060\ufeff",
        " \u00a0\u3000 ",
        "\u2800\u2800",
        "\u3164",
        "\u0301\u0301",
    ],
    ids=[
        "zero-width-space",
        "word-joiner-bom",
        "spaces",
        "braille-blank",
        "hangul-filler",
        "marks",
    ],
)
@pytest.mark.django_db
def test_a_comment_of_only_invisible_characters_is_refused_like_an_empty_one(learner_client, body):
    response = learner_client.post(
        comment_create_url(QuestionFactory()), {"body": body}, headers=HX
    )
    assertContains(response, "Write something before posting.", status_code=422)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_control_characters_are_stripped_from_comments_and_nul_is_refused(learner_client):
    question = QuestionFactory()
    learner_client.post(comment_create_url(question), {"body": "be\x07ll\x1b[31m red\r\nnext"})
    assert Comment.objects.get().body == "bell[31m red\nnext"
    response = learner_client.post(
        comment_create_url(question), {"body": "nul\x00here"}, headers=HX
    )
    assert response.status_code == 422 and Comment.objects.count() == 1


def test_text_cleaning_rules():
    assert clean_text("a\x00b\x0bc\td\r\ne\x85f") == "abc\td\nef"
    assert has_visible_text("\u200b x") and not has_visible_text("\u200b\u200d\u2063 ")


def test_the_question_validator_refuses_control_characters_where_they_are():
    data = QuestionData(
        ext_id="q-1",
        stem="Which\x00one?",
        choices=[ChoiceData("A", "one\x07"), ChoiceData("B", "two", True)],
    )
    problems = {(p.path, p.message) for p in validate_question(data)}
    assert (("stem",), "the question text contains the control character U+0000") in problems
    assert (
        ("choices", 0, "text"),
        "choice 1's text contains the control character U+0007",
    ) in problems
