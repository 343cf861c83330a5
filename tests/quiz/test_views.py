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

pytestmark = pytest.mark.django_db


def bank_url(slug="ec2-security"):
    return reverse("quiz:topic_questions", kwargs={"slug": slug})


def question_url(ext_id):
    return reverse("quiz:question_detail", kwargs={"ext_id": ext_id})


def test_bank_lists_live_questions_with_badges(client, library):
    response = client.get(bank_url())
    assert response.status_code == 200
    for question in Question.objects.live():
        assertContains(response, question_url(question.ext_id))
    assertNotContains(response, question_url("ec2-security-q10"))  # the recorded duplicate
    assertContains(response, "Choose 2", count=3)
    assertContains(response, "Answer changed", count=2)
    assertContains(response, "Disputed", count=1)
    assertContains(response, "AWS Certification Exam Practice Questions")
    assertContains(response, "New Practice Questions")
    assertContains(response, "Questions are collected from Internet")  # the disclaimer


def test_bank_shows_discussion_counts(client, library):
    response = client.get(bank_url())
    assertContains(response, "6 comments")  # Q3's two threads
    assertContains(response, reverse("quiz:topic_discussion", kwargs={"slug": "ec2-security"}))


def test_question_detail_shows_the_answer_only_when_asked(client, library):
    url = question_url("ec2-security-q01")
    hidden = client.get(url).content.decode()
    assert "Create a new IAM role with the same permissions" in hidden
    assert "Right answer is" not in hidden and "As per AWS latest enhancement" not in hidden
    assert 'href="?answer=show#answer"' in hidden  # works without JavaScript

    shown = client.get(url, {"answer": "show"}).content.decode()
    # Each choice once, in the bank's order, with its state in words and its explanations.
    assert shown.count("Create a new IAM role with the same permissions") == 1
    assert "✓</span> Right answer is B." in shown
    assert shown.index("Create a new IAM role") < shown.index("As per AWS latest enhancement")
    assert "The source’s note:" in shown and "Editors’ explanation" in shown
    assert "verified 1 Dec 2026" in shown
    assert 'href="?answer=show' not in shown

    swapped = client.get(url, {"answer": "show"}, headers={"HX-Request": "true"})
    assert swapped.content.decode().lstrip().startswith('<div id="question-block"')
    assert swapped["Vary"] and "HX-Request" in swapped["Vary"]


def test_question_detail_shows_outdated_annotation(client, library):
    response = client.get(question_url("ec2-security-q01"), {"answer": "show"})
    assertContains(response, "Outdated answer:")
    assertContains(response, "D was correct until Feb 2017.")
    assertContains(response, "not possible to add an IAM role to an existing instance")
    response = client.get(question_url("ec2-security-q06"), {"answer": "show"})
    assertContains(response, "A + E were correct until Feb 2017.")
    assertContains(
        response,
        '<span class="choice-ref">E</span> was correct before, as it was not possible',
    )


def test_multi_answer_question_says_choose_two(client, library):
    response = client.get(question_url("ec2-security-new-q06"))
    assertContains(response, "Choose 2 answers.")
    response = client.get(question_url("ec2-security-new-q06"), {"answer": "show"})
    assertContains(response, "Right answers are B + C.")


def test_question_detail_shows_its_discussion_threads(client, library):
    response = client.get(question_url("ec2-security-q03"), {"answer": "show"})
    assertContains(response, "You can use IAM System to deny specific user")
    assertContains(response, "Question targets access to the EC2 instance")
    assertContains(response, "Disputed by readers:")
    assertContains(
        response, 'Readers argue that <span class="choice-ref">A</span> (Security Groups)'
    )
    # Readers' letters are explained: the question page's order.
    assertContains(response, "Readers’ letters name the choices as this page lists them")
    assertContains(response, '<span class="choice-ref">A</span> Security Groups')
    response = client.get(question_url("ec2-security-q01"))
    assertContains(response, "The text of this comment was not preserved")
    assertContains(response, "Thanks nidhish, for the feedback.")


def test_duplicates_link_both_ways(client, library):
    response = client.get(question_url("ec2-security-q07"))
    assertContains(response, question_url("ec2-security-q10"))
    response = client.get(question_url("ec2-security-q10"))
    assertContains(response, "This question is a duplicate of")
    assertContains(response, question_url("ec2-security-q07"))


def test_topic_discussion_has_every_comment_including_general(client, library):
    response = client.get(reverse("quiz:topic_discussion", kwargs={"slug": "ec2-security"}))
    for comment in Comment.objects.exclude(is_missing=True):
        first_line = comment.body.strip().split("\n")[0]
        assertContains(response, first_line[:40].replace("’", "’"))
    assertContains(response, "You have done a great job in updating answering")
    # Each thread on a question says which choice each letter of the readers names.
    assertContains(response, "Letters in this thread name the choices", count=5)
    assertContains(response, '<span class="choice-ref">D</span> Create an image of the instance')


def test_every_seed_question_and_the_discussion_are_reachable_from_home(client, library):
    home = client.get(reverse("study:home")).content.decode()
    assert bank_url() in home
    bank = client.get(bank_url()).content.decode()
    discussion_url = reverse("quiz:topic_discussion", kwargs={"slug": "ec2-security"})
    assert discussion_url in bank
    reachable = {q.ext_id for q in Question.objects.all() if question_url(q.ext_id) in bank}
    q7 = client.get(question_url("ec2-security-q07")).content.decode()
    if question_url("ec2-security-q10") in q7:
        reachable.add("ec2-security-q10")
    assert reachable == set(Question.objects.values_list("ext_id", flat=True))


def test_unknown_and_retired_questions_are_404(client):
    assert client.get(question_url("no-such-question")).status_code == 404
    retired = QuestionFactory(status=Question.Status.RETIRED)
    assert client.get(question_url(retired.ext_id)).status_code == 404
    assert client.get(bank_url("no-such-topic")).status_code == 404


def test_search_groups_notes_and_questions_by_topic(client, library):
    response = client.get(reverse("quiz:search"), {"q": "IMDSv2"})
    assertContains(response, "Instance Metadata Service v2 (IMDSv2)")  # a notes section
    assertContains(response, question_url("ec2-security-new-q02"))  # a question
    assertContains(response, 'id="result-ec2-security"', count=1)


def test_search_matches_choice_text_and_all_words(client, library):
    response = client.get(reverse("quiz:search"), {"q": "Site-to-Site VPN"})
    assertContains(response, question_url("ec2-security-new-q01"))
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
        client.get(bank_url(topic.slug))
    QuestionFactory.create_batch(100, topic=topic)
    with django_assert_max_num_queries(6):
        response = client.get(bank_url(topic.slug))
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
