from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Comment
from quiz.services import comment_post
from tests.factories import CommentFactory, QuestionFactory, UserFactory
from tests.helpers import HX, assert_fragment, comment_create_url, report_url

pytestmark = pytest.mark.django_db


def test_signed_in_learner_posts_a_comment_with_htmx(learner_client, user):
    question = QuestionFactory()
    response = learner_client.post(
        comment_create_url(question), {"body": "Isn't **B** outdated?"}, headers=HX
    )
    html = assert_fragment(response, "discussion")
    assert "<strong>B</strong>" in html and "Your comment is posted." in html
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.question) == (user, user.username, question)


def test_plain_post_redirects_to_the_comment(learner_client):
    question = QuestionFactory()
    response = learner_client.post(comment_create_url(question), {"body": "Plain works too"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{question.get_absolute_url()}#comment-{comment.pk}"


def test_comment_markdown_is_sanitized(learner_client):
    question = QuestionFactory()
    learner_client.post(
        comment_create_url(question), {"body": "<script>alert(1)</script>[x](javascript:alert(1))"}
    )
    html = Comment.objects.get().body_html
    assert "<script" not in html and "javascript:" not in html


def test_anonymous_cannot_post(client):
    question = QuestionFactory()
    response = client.post(comment_create_url(question), {"body": "hello"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Comment.objects.exists()
    response = client.get(question.get_absolute_url())
    assertContains(response, "to join the discussion")
    assertNotContains(response, 'name="body"')


def test_empty_comment_is_rejected_with_a_message(learner_client):
    question = QuestionFactory()
    response = learner_client.post(comment_create_url(question), {"body": "   "}, headers=HX)
    assert response.status_code == 422
    assertContains(response, "Write something before posting.", status_code=422)
    assert not Comment.objects.exists()


def test_reply_is_one_level_deep(learner_client, user):
    question = QuestionFactory()
    root = comment_post(user=UserFactory(), question=question, body="root")
    reply = comment_post(user=UserFactory(), question=question, body="reply", parent=root)
    learner_client.post(
        comment_create_url(question), {"body": "reply to reply", "parent": reply.pk}
    )
    newest = Comment.objects.latest("pk")
    assert newest.parent == root


def test_reply_to_another_questions_comment_is_400(learner_client):
    question, other = QuestionFactory(), QuestionFactory()
    foreign = comment_post(user=UserFactory(), question=other, body="elsewhere")
    response = learner_client.post(
        comment_create_url(question), {"body": "x", "parent": foreign.pk}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_threads_are_listed_by_newest_activity(client):
    question = QuestionFactory()
    old = comment_post(user=UserFactory(), question=question, body="old thread")
    new = comment_post(user=UserFactory(), question=question, body="new thread")
    Comment.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=2))
    Comment.objects.filter(pk=new.pk).update(last_activity_at=timezone.now() - timedelta(days=1))
    html = client.get(question.get_absolute_url()).content.decode()
    assert html.index("new thread") < html.index("old thread")
    comment_post(user=UserFactory(), question=question, body="a reply revives it", parent=old)
    html = client.get(question.get_absolute_url()).content.decode()
    assert html.index("old thread") < html.index("new thread")


def test_imported_threads_keep_their_order_after_learner_threads(client, bank):
    comment_post(user=UserFactory(), question=bank.disputed, body="Fresh learner thread")
    html = client.get(bank.disputed.get_absolute_url()).content.decode()
    assert (
        html.index("Fresh learner thread")
        < html.index("You can use IAM policies")
        < html.index("i thought the answer is security groups")
    )


def test_author_edits_own_comment(learner_client, user):
    question = QuestionFactory()
    comment = comment_post(user=user, question=question, body="typo")
    url = reverse("quiz:comment_edit", kwargs={"pk": comment.pk})
    form = learner_client.get(url, headers=HX)
    assert_fragment(form, f"comment-{comment.pk}")
    response = learner_client.post(url, {"body": "fixed"}, headers=HX)
    html = assert_fragment(response, f"comment-{comment.pk}")
    assert "fixed" in html and "(edited)" in html
    comment.refresh_from_db()
    assert comment.body == "fixed" and comment.edited_at


def test_only_the_author_can_edit_or_delete(learner_client):
    comment = comment_post(user=UserFactory(), question=QuestionFactory(), body="not yours")
    for name in ["quiz:comment_edit", "quiz:comment_delete"]:
        response = learner_client.post(
            reverse(name, kwargs={"pk": comment.pk}), {"body": "hijacked"}
        )
        assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.body == "not yours" and not comment.is_deleted


def test_imported_comments_cannot_be_edited_by_anyone(learner_client):
    question = QuestionFactory()
    comment = CommentFactory(topic=question.topic, question=question)  # a source's, no user
    response = learner_client.post(
        reverse("quiz:comment_edit", kwargs={"pk": comment.pk}), {"body": "x"}
    )
    assert response.status_code == 404


def test_delete_is_soft_and_keeps_replies(learner_client, user):
    question = QuestionFactory()
    comment = comment_post(user=user, question=question, body="regret")
    comment_post(user=UserFactory(), question=question, body="a reply that stays", parent=comment)
    response = learner_client.post(
        reverse("quiz:comment_delete", kwargs={"pk": comment.pk}), headers=HX
    )
    html = assert_fragment(response, f"comment-{comment.pk}")
    assert "Comment removed by its author." in html and "a reply that stays" in html
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    page = learner_client.get(question.get_absolute_url())
    assertNotContains(page, "regret")
    assertContains(page, "a reply that stays")


def test_discussion_and_forms_need_no_javascript(learner_client):
    question = QuestionFactory()
    html = learner_client.get(question.get_absolute_url()).content.decode()
    for action in [
        comment_create_url(question),
        report_url(question),
    ]:
        assert f'action="{action}"' in html


def test_question_page_renders_imported_threads(client, bank):
    comment = CommentFactory.build()
    assert comment.author_name  # factories cover the model
    response = client.get(bank.pair.get_absolute_url())
    assertContains(response, "In option D), a user cannot be added to an instance")
