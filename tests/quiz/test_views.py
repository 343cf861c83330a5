import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Comment, Question
from tests.factories import (
    AnswerKeyRevisionFactory,
    CommentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)
from tests.helpers import HX, question_url, topic_questions_url, vote_url

pytestmark = pytest.mark.django_db


def test_bank_lists_live_questions_with_badges(client, bank):
    response = client.get(topic_questions_url(bank.topic))
    assert response.status_code == 200
    for question in bank.live:
        assertContains(response, question_url(question))
    assertNotContains(response, question_url(bank.duplicate))  # the recorded duplicate
    assertContains(response, "Choose 2", count=3)  # pair, stateful, least-privilege
    assertContains(response, "Answer changed", count=2)  # role, pair
    assertContains(response, "Disputed", count=1)
    assertContains(response, "Questions from past exams")
    assertContains(response, "New practice questions")
    assertContains(response, "Questions are collected from the Internet")  # the disclaimer


def test_bank_shows_discussion_counts(client, bank):
    response = client.get(topic_questions_url(bank.topic))
    assertContains(response, "4 comments")  # the disputed question's two threads
    assertContains(response, reverse("quiz:topic_discussion", kwargs={"slug": bank.topic.slug}))


def test_question_detail_shows_the_answer_only_when_asked(client, bank):
    url = question_url(bank.role)
    hidden = client.get(url).content.decode()
    assert "Create a new IAM role with the same permissions" in hidden
    assert "Right answer is" not in hidden and "Possible since the 2017 change" not in hidden
    assert 'href="?answer=show#answer"' in hidden  # works without JavaScript

    shown = client.get(url, {"answer": "show"}).content.decode()
    # Each choice once, in the bank's order, with its state in words and its explanations.
    assert shown.count("Create a new IAM role with the same permissions") == 1
    assert "✓</span> Right answer is B." in shown
    assert shown.index("Create a new IAM role") < shown.index("Possible since the 2017 change")
    assert "The source’s note:" in shown and "Editors’ explanation" in shown
    assert "verified 1 Dec 2026" in shown
    assert 'href="?answer=show' not in shown

    swapped = client.get(url, {"answer": "show"}, headers=HX)
    assert swapped.content.decode().lstrip().startswith('<div id="question-block"')
    assert swapped["Vary"] and "HX-Request" in swapped["Vary"]


def test_question_detail_shows_outdated_annotation(client, bank):
    response = client.get(question_url(bank.role), {"answer": "show"})
    assertContains(response, "Outdated answer:")
    assertContains(response, "D was correct until Feb 2017.")
    assertContains(response, "not possible to add an IAM role to an existing instance")
    response = client.get(question_url(bank.pair), {"answer": "show"})
    assertContains(response, "A + E were correct until Feb 2017.")
    assertContains(
        response,
        '<span class="choice-ref">E</span> was correct before, as it was not possible',
    )


def test_multi_answer_question_says_choose_two(client, bank):
    response = client.get(question_url(bank.least_privilege))
    assertContains(response, "Choose 2 answers.")
    response = client.get(question_url(bank.least_privilege), {"answer": "show"})
    assertContains(response, "Right answers are B + C.")


def test_question_detail_shows_its_discussion_threads(client, bank):
    response = client.get(question_url(bank.disputed), {"answer": "show"})
    assertContains(response, "You can use IAM policies to deny a user specific instances")
    assertContains(response, "Question targets logging in to the instance")
    assertContains(response, "Disputed by readers:")
    assertContains(
        response, 'Readers argue that <span class="choice-ref">A</span> (Security Groups)'
    )
    # Readers' letters are explained: the question page's order.
    assertContains(response, "Readers’ letters name the choices as this page lists them")
    assertContains(response, '<span class="choice-ref">A</span> Security Groups')
    response = client.get(question_url(bank.role))
    assertContains(response, "The text of this comment was not preserved")
    assertContains(response, "Thanks Ravi, for the feedback.")


def test_duplicates_link_both_ways(client, bank):
    response = client.get(question_url(bank.original))
    assertContains(response, question_url(bank.duplicate))
    response = client.get(question_url(bank.duplicate))
    assertContains(response, "This question is a duplicate of")
    assertContains(response, question_url(bank.original))


def test_topic_discussion_has_every_comment_including_general(client, bank):
    response = client.get(reverse("quiz:topic_discussion", kwargs={"slug": bank.topic.slug}))
    for comment in Comment.objects.exclude(is_missing=True):
        first_line = comment.body.strip().split("\n")[0]
        assertContains(response, first_line[:40])
    assertContains(response, "You have done a great job keeping these answers")
    # Each thread on a question says which choice each letter of the readers names.
    assertContains(response, "Letters in this thread name the choices", count=4)
    assertContains(response, '<span class="choice-ref">D</span> Launch a new instance from')


def test_every_question_and_the_discussion_are_reachable_from_home(client, bank):
    home = client.get(reverse("study:home")).content.decode()
    assert topic_questions_url(bank.topic) in home
    listing = client.get(topic_questions_url(bank.topic)).content.decode()
    discussion_url = reverse("quiz:topic_discussion", kwargs={"slug": bank.topic.slug})
    assert discussion_url in listing
    reachable = {q.ext_id for q in Question.objects.all() if question_url(q) in listing}
    original = client.get(question_url(bank.original)).content.decode()
    if question_url(bank.duplicate) in original:
        reachable.add(bank.duplicate.ext_id)
    assert reachable == set(Question.objects.values_list("ext_id", flat=True))


def test_unknown_and_retired_questions_are_404(client):
    assert client.get(question_url("no-such-question")).status_code == 404
    retired = QuestionFactory(status=Question.Status.RETIRED)
    assert client.get(question_url(retired.ext_id)).status_code == 404
    assert client.get(topic_questions_url("no-such-topic")).status_code == 404


def test_a_draft_is_404_to_learners_and_open_to_editors(client, learner_client, editor):
    draft = QuestionFactory(status=Question.Status.DRAFT, stem="Work in progress")
    assert client.get(question_url(draft)).status_code == 404
    assert learner_client.get(question_url(draft)).status_code == 404
    vote = learner_client.post(vote_url(draft), {"labels": ["A"]})
    assert vote.status_code == 404
    learner_client.force_login(editor)
    assertContains(learner_client.get(question_url(draft)), "Work in progress")


def test_search_groups_notes_and_questions_by_topic(client, bank):
    response = client.get(reverse("quiz:search"), {"q": "IMDSv2"})
    assertContains(response, "Instance Metadata Service v2 (IMDSv2)")  # a notes section
    assertContains(response, question_url(bank.imds))  # a question
    assertContains(response, 'id="result-instance-security"', count=1)


def test_search_matches_choice_text_and_all_words(client, bank):
    response = client.get(reverse("quiz:search"), {"q": "Site-to-Site VPN"})
    assertContains(response, question_url(bank.vpn))
    response = client.get(reverse("quiz:search"), {"q": "IMDSv2 zebra"})
    assertContains(response, "0 results")


def test_empty_search_shows_form_only(client, db):
    response = client.get(reverse("quiz:search"))
    assert response.status_code == 200
    assertNotContains(response, "results for")


def test_bank_query_count_is_fixed(client, django_assert_max_num_queries):
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(5, topic=topic)
    AnswerKeyRevisionFactory(question=questions[0])
    with django_assert_max_num_queries(6):
        client.get(topic_questions_url(topic))
    QuestionFactory.create_batch(100, topic=topic)
    with django_assert_max_num_queries(6):
        response = client.get(topic_questions_url(topic))
    assertContains(response, "105 questions")


def test_question_page_query_count_is_fixed(client, django_assert_max_num_queries):
    question = QuestionFactory()
    for _ in range(30):
        root = CommentFactory(topic=question.topic, question=question)
        CommentFactory(topic=question.topic, question=question, parent=root)
    with django_assert_max_num_queries(10):
        response = client.get(question_url(question.ext_id))
    assertContains(response, "I think the answer is A.", count=60)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(10):  # + session and user
        response = client.get(question_url(question.ext_id))
    assertContains(response, "I think the answer is A.", count=60)
