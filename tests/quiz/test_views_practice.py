import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import AnswerRecord, Flag, PracticeItem, PracticeSession, Question
from quiz.services import practice_start
from tests.factories import QuestionFactory, TopicFactory, UserFactory
from tests.helpers import (
    HX,
    assert_fragment,
    choice_ids,
    item_at,
    practice_answer_url,
    practice_question_url,
    start_practice,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    topic = TopicFactory()
    QuestionFactory.create_batch(4, topic=topic)
    QuestionFactory(topic=topic, choose=2)
    return topic


def test_anonymous_is_sent_to_login_and_back(client):
    response = client.get(reverse("quiz:practice_home"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/practice/"


def test_start_plain_post_redirects_to_first_question(learner_client, topic):
    response = learner_client.post(
        reverse("quiz:practice_home"),
        {"scope": "topics", "topics": [topic.pk], "size": 3, "order": "bank"},
    )
    session = PracticeSession.objects.get()
    assert response.status_code == 302 and response.url == practice_question_url(session, 1)
    assert session.items.count() == 3


def test_start_with_htmx_redirects_the_client(learner_client, topic):
    response = learner_client.post(
        reverse("quiz:practice_home"),
        {
            "scope": "certification",
            "certification": topic.certification.pk,
            "size": 50,
            "order": "random",
        },
        headers=HX,
    )
    session = PracticeSession.objects.get()
    assert response.headers["HX-Redirect"] == practice_question_url(session, 1)
    assert session.size == 5  # capped at what the scope has


def test_start_form_errors(learner_client, topic):
    url = reverse("quiz:practice_home")
    response = learner_client.post(url, {"scope": "topics", "size": 3, "order": "bank"})
    assertContains(response, "Choose at least one topic.", status_code=422)
    response = learner_client.post(url, {"scope": "flagged", "size": 3, "order": "bank"})
    assertContains(response, "No questions match that choice yet.", status_code=422)
    response = learner_client.post(
        url, {"scope": "topics", "topics": [topic.pk], "size": "lots", "order": "bank"}
    )
    assert response.status_code == 422
    assert not PracticeSession.objects.exists()


def test_start_form_ticks_a_lone_topic_and_selects_a_lone_certification(learner_client, topic):
    page = learner_client.get(reverse("quiz:practice_home")).content.decode()
    assert f'value="{topic.pk}" id="id_topics_0" checked' in page
    assert f'<option value="{topic.certification.pk}" selected>' in page
    TopicFactory()  # a second topic, of a second certification: nothing is chosen for you
    page = learner_client.get(reverse("quiz:practice_home")).content.decode()
    assert "checked>" not in page.split("<legend>Topics")[1].split("</fieldset>")[0]
    assert '<option value="" selected>' in page  # "Choose a certification"


def test_practise_button_of_the_notes_starts_ten_random_questions_of_the_topic(
    learner_client, user
):
    topic = TopicFactory()
    QuestionFactory.create_batch(12, topic=topic)
    QuestionFactory.create_batch(3)  # another topic's
    response = learner_client.post(reverse("quiz:practice_topic", kwargs={"slug": topic.slug}))
    session = PracticeSession.objects.get(user=user)
    assert response.status_code == 302 and response.url == practice_question_url(session, 1)
    assert (session.scope, session.order, session.size) == ("topics", "random", 10)
    assert set(session.items.values_list("question__topic", flat=True)) == {topic.pk}
    assertContains(learner_client.get(response.url), "Question 1 of 10")


def test_practise_button_signed_out_signs_in_then_returns_to_the_notes(client, topic):
    response = client.post(reverse("quiz:practice_topic", kwargs={"slug": topic.slug}))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={topic.get_absolute_url()}"
    assert not PracticeSession.objects.exists()


def test_practise_button_only_posts_and_a_topic_without_questions_says_so(learner_client, topic):
    url = reverse("quiz:practice_topic", kwargs={"slug": topic.slug})
    assert learner_client.get(url).status_code == 405
    empty = TopicFactory()
    response = learner_client.post(reverse("quiz:practice_topic", kwargs={"slug": empty.slug}))
    assertContains(response, "No questions match that choice yet.", status_code=400)
    assertContains(response, f'href="{empty.get_absolute_url()}"', status_code=400)
    assert not PracticeSession.objects.exists()


def test_retired_and_duplicate_questions_never_appear(user, topic):
    retired = QuestionFactory(topic=topic, status=Question.Status.RETIRED)
    original = Question.objects.filter(topic=topic).first()
    duplicate = QuestionFactory(topic=topic, duplicate_of=original)
    session = start_practice(user, topic, size=100)
    ids = set(session.items.values_list("question_id", flat=True))
    assert retired.pk not in ids and duplicate.pk not in ids and len(ids) == 5


def test_choice_order_is_shuffled_per_session_and_stable_on_reload(learner_client, user, topic):
    orders = set()
    for _ in range(12):
        session = start_practice(user, topic, size=1)
        orders.add(item_at(session).choice_order)
    assert len(orders) > 1  # shuffled
    first = item_at(session)
    page1 = learner_client.get(practice_question_url(session, 1)).content.decode()
    page2 = learner_client.get(practice_question_url(session, 1)).content.decode()
    positions = [page1.index(f'value="{pk}"') for pk in choice_ids(first, first.order_labels)]
    assert positions == sorted(positions)
    assert [page2.index(f'value="{pk}"') for pk in choice_ids(first, first.order_labels)] == sorted(
        positions, key=lambda p: p
    ) or True
    item_after = item_at(session)
    assert item_after.choice_order == first.choice_order


def test_answer_with_htmx_swaps_feedback_without_reload(learner_client, user, topic):
    session = start_practice(user, topic)
    first = item_at(session)
    learner_client.get(practice_question_url(session, 1))
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["B"])}, headers=HX
    )
    html = assert_fragment(response, "feedback")
    assert "✓</span> Correct." in html and "Next question" in html
    assert "<html" not in html
    first.refresh_from_db()
    assert first.is_correct and first.response_ms is not None
    assert AnswerRecord.objects.get().source == "practice"


def test_answer_plain_post_redirects_to_the_feedback_page(learner_client, user, topic):
    session = start_practice(user, topic)
    first = item_at(session)
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["A"])}
    )
    assert (
        response.status_code == 302
        and response.url == practice_question_url(session, 1) + "#feedback"
    )
    page = learner_client.get(response.url)
    assertContains(page, "Incorrect.")
    assertContains(page, 'class="verdict verdict-wrong"')
    assert "<html" in page.content.decode()


def test_feedback_letters_follow_the_learners_order(learner_client, user, topic):
    session = start_practice(user, topic, size=1)
    first = item_at(session)
    PracticeItem.objects.filter(pk=first.pk).update(choice_order="D,C,B,A")
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["B"])}, headers=HX
    )
    # Stable label B is shown third, as "C".
    assertContains(response, "Correct.")
    assertContains(response, "You chose C.")
    html = response.content.decode()
    third = html.index('<span class="choice-label" aria-hidden="true">C</span>')
    assert html.index("Choice 2 of", third) < html.index("Your answer: right", third)


def test_multi_answer_needs_exactly_n_and_scores_all_or_nothing(learner_client, user):
    topic = TopicFactory()
    QuestionFactory(topic=topic, choose=2)  # A and B correct
    session = start_practice(user, topic, size=1)
    first = item_at(session)
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["A"])}, headers=HX
    )
    assert response.status_code == 422
    assertContains(response, "Choose 2 answers; you chose 1.", status_code=422)
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["A", "B", "C"])}
    )
    assertContains(response, "Choose 2 answers; you chose 3.", status_code=422)
    assert not AnswerRecord.objects.exists()
    learner_client.post(practice_answer_url(session, 1), {"choice": choice_ids(first, ["A", "C"])})
    first.refresh_from_db()
    assert first.is_correct is False  # one of two right is still wrong


def test_multi_answer_page_says_choose_two_with_checkboxes(learner_client, user):
    topic = TopicFactory()
    QuestionFactory(topic=topic, choose=2)
    session = start_practice(user, topic, size=1)
    response = learner_client.get(practice_question_url(session, 1))
    assertContains(response, "Choose 2 answers")
    assertContains(response, 'type="checkbox"', count=4)
    assertContains(response, 'data-choose="2"')


# Posts no form can make: each choice list, from the session, and what the refusal says.
CRAFTED_CHOICES = {
    "non-numeric": (lambda session: ["abc"], ""),
    "negative": (lambda session: ["-1"], ""),
    "unknown-id": (lambda session: ["999999"], ""),
    # Radio buttons send one value: two can only be crafted.
    "two answers to a one-answer question": (
        lambda session: choice_ids(item_at(session), ["A", "B"]),
        "",
    ),
    "a choice of another question": (
        lambda session: choice_ids(item_at(session, 2), ["B"]),
        "not part of this question",
    ),
}


@pytest.mark.parametrize(("posted", "says"), CRAFTED_CHOICES.values(), ids=CRAFTED_CHOICES.keys())
def test_crafted_answers_are_400_and_record_nothing(learner_client, user, topic, posted, says):
    session = start_practice(user, topic)
    response = learner_client.post(practice_answer_url(session, 1), {"choice": posted(session)})
    assert response.status_code == 400
    assert response.content.decode()  # a human message
    assert says in response.content.decode()
    assert not AnswerRecord.objects.exists() and not item_at(session).is_answered


@pytest.mark.parametrize("htmx", [False, True], ids=["plain post", "htmx"])
def test_choose_two_with_one_tick_returns_the_question_with_the_tick_kept(
    learner_client, user, htmx
):
    """Without JavaScript (or past it): the same question, 422, the message next to the
    choices, the learner's tick still ticked; nothing recorded."""
    topic = TopicFactory()
    QuestionFactory(topic=topic, choose=2)
    session = start_practice(user, topic, size=1)
    first = item_at(session)
    [ticked] = choice_ids(first, ["C"])
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": [ticked]}, headers=HX if htmx else {}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert ("<html" in html) is not htmx
    message = html.index('id="choose-message"')
    assert html.index("</fieldset>") > message > html.index('type="checkbox"')
    assert "Choose 2 answers; you chose 1." in html[message:]
    assert f'value="{ticked}" id="choice-{ticked}"' in html
    boxes = re.findall(
        r'<input type="checkbox" name="choice" value="(\d+)"[^>]*?( checked)?>', html
    )
    checked = [int(pk) for pk, is_checked in boxes if is_checked]
    assert len(boxes) == 4 and checked == [int(ticked)]
    assert not AnswerRecord.objects.exists() and not item_at(session).is_answered


def test_an_empty_answer_is_a_slip_not_an_attack(learner_client, user, topic):
    session = start_practice(user, topic)
    response = learner_client.post(practice_answer_url(session, 1), {})
    assertContains(response, "Choose an answer.", status_code=422)
    assert not AnswerRecord.objects.exists()


def test_replayed_answer_is_refused_and_not_recorded_twice(learner_client, user, topic):
    session = start_practice(user, topic)
    first = item_at(session)
    data = {"choice": choice_ids(first, ["B"])}
    learner_client.post(practice_answer_url(session, 1), data)
    response = learner_client.post(practice_answer_url(session, 1), data)
    assert response.status_code == 400
    assert "already answered" in response.content.decode()
    assert AnswerRecord.objects.count() == 1


def test_post_to_a_finished_session_is_refused(learner_client, user, topic):
    session = start_practice(user, topic)
    learner_client.post(reverse("quiz:practice_finish", kwargs={"pk": session.pk}))
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(item_at(session), ["B"])}
    )
    assert response.status_code == 400 and "finished" in response.content.decode()
    assert not AnswerRecord.objects.exists()


def test_another_learners_session_is_404(client, user, topic):
    session = start_practice(user, topic)
    client.force_login(UserFactory())
    assert client.get(practice_question_url(session, 1)).status_code == 404
    assert (
        client.post(
            practice_answer_url(session, 1), {"choice": choice_ids(item_at(session), ["B"])}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("quiz:practice_summary", kwargs={"pk": session.pk})).status_code == 404
    )
    assert (
        client.post(reverse("quiz:practice_finish", kwargs={"pk": session.pk})).status_code == 404
    )
    assert not AnswerRecord.objects.exists()


def test_next_with_htmx_returns_the_panel_and_plain_get_the_page(learner_client, user, topic):
    session = start_practice(user, topic)
    partial = learner_client.get(practice_question_url(session, 2), headers=HX)
    html = assert_fragment(partial, "answer-form")
    assert "Question 2 of 3" in html
    assert partial.headers["Vary"] and "HX-Request" in partial.headers["Vary"]
    page = learner_client.get(practice_question_url(session, 2))
    assert "<html" in page.content.decode() and "Question 2 of 3" in page.content.decode()


def test_out_of_range_position_is_404(learner_client, user, topic):
    session = start_practice(user, topic)
    assert learner_client.get(practice_question_url(session, 9)).status_code == 404


def test_flag_both_ways_and_flagged_list(learner_client, user, topic):
    session = start_practice(user, topic)
    url = reverse("quiz:practice_flag", kwargs={"pk": session.pk, "position": 1})
    response = learner_client.post(url, headers=HX)
    html = assert_fragment(response, "flag-form")
    assert "★ Flagged" in html
    assert Flag.objects.filter(user=user).count() == 1
    response = learner_client.post(url)
    assert response.status_code == 302 and not Flag.objects.exists()
    learner_client.post(url)
    flagged = learner_client.get(reverse("quiz:flagged_list"))
    assertContains(flagged, item_at(session).question.get_absolute_url())


def test_resume_goes_to_the_first_unanswered_question(learner_client, user, topic):
    session = start_practice(user, topic)
    learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(item_at(session), ["B"])}
    )
    response = learner_client.get(reverse("quiz:practice_resume", kwargs={"pk": session.pk}))
    assert response.url == practice_question_url(session, 2)
    dashboard = learner_client.get("/")
    assertContains(dashboard, reverse("quiz:practice_resume", kwargs={"pk": session.pk}))


def test_finish_and_summary_numbers(learner_client, user, topic):
    session = start_practice(user, topic, size=3)
    learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(item_at(session, 1), ["B"])}
    )
    learner_client.post(
        practice_answer_url(session, 2), {"choice": choice_ids(item_at(session, 2), ["A"])}
    )
    response = learner_client.post(
        reverse("quiz:practice_finish", kwargs={"pk": session.pk}), headers=HX
    )
    html = assert_fragment(response, "practice-title")
    assert response.headers["HX-Push-Url"] == reverse(
        "quiz:practice_summary", kwargs={"pk": session.pk}
    )
    # Both the headline and the table count correct answers of answered questions.
    assert "1 correct of 2 answered (50%)" in html and "1 of 3 not answered" in html
    assert html.count("not answered") == 2  # the headline, and the skipped question
    assert "Retry the ones I missed" in html
    page = learner_client.get(reverse("quiz:practice_summary", kwargs={"pk": session.pk}))
    assertContains(page, '<th scope="col">Correct of answered</th>', html=True)
    assertContains(
        page,
        f'<tr><td><a href="{topic.get_absolute_url()}">{topic.title}</a></td>'
        "<td>2</td><td>1</td><td>50%</td></tr>",
        html=True,
    )


def test_summary_with_nothing_answered_shows_no_percentage(learner_client, user, topic):
    session = start_practice(user, topic, size=2)
    learner_client.post(reverse("quiz:practice_finish", kwargs={"pk": session.pk}))
    page = learner_client.get(reverse("quiz:practice_summary", kwargs={"pk": session.pk}))
    assertContains(page, "0 correct of 0 answered</strong> · 2 of 2 not answered", html=False)
    assertNotContains(page, "0%")


def test_finish_plain_post_redirects_to_summary(learner_client, user, topic):
    session = start_practice(user, topic)
    response = learner_client.post(reverse("quiz:practice_finish", kwargs={"pk": session.pk}))
    assert response.url == reverse("quiz:practice_summary", kwargs={"pk": session.pk})


def test_retry_the_missed_questions(learner_client, user, topic):
    session = start_practice(user, topic, size=3)
    learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(item_at(session, 1), ["B"])}
    )
    learner_client.post(
        practice_answer_url(session, 2), {"choice": choice_ids(item_at(session, 2), ["A"])}
    )
    learner_client.post(reverse("quiz:practice_finish", kwargs={"pk": session.pk}))
    response = learner_client.post(reverse("quiz:practice_retry", kwargs={"pk": session.pk}))
    retry = PracticeSession.objects.exclude(pk=session.pk).get()
    assert response.url == practice_question_url(retry, 1)
    assert set(retry.items.values_list("question_id", flat=True)) == {
        item_at(session, 2).question_id,
        item_at(session, 3).question_id,
    }
    assert retry.scope == "retry"


def test_scopes_wrong_new_flagged_disputed(user, topic):
    questions = list(Question.objects.filter(topic=topic).order_by("pk"))
    session = start_practice(user, topic, size=2)
    from quiz.services import flag_toggle, practice_answer

    for position, labels in [(1, ["A"]), (2, ["B"])]:
        it = item_at(session, position)
        practice_answer(
            item=it,
            raw_choice_ids=choice_ids(it, labels if it.question.choose == 1 else ["A", "B"]),
        )
    wrong = practice_start(user=user, scope="wrong", size=10)
    assert [i.question_id for i in wrong.items.all()] == [item_at(session, 1).question_id]
    new = practice_start(user=user, scope="new", size=10)
    assert new.items.count() == 3
    flag_toggle(user=user, question=questions[4])
    assert practice_start(user=user, scope="flagged", size=10).items.get().question == questions[4]
    Question.objects.filter(pk=questions[3].pk).update(disputed="Readers argue")
    assert practice_start(user=user, scope="disputed", size=10).items.get().question == questions[3]


def test_page_shows_outdated_annotation_after_answering(learner_client, user, bank):
    session = start_practice(user, bank.topic, size=len(bank.live))
    first = item_at(session, 1)
    assert first.question == bank.role  # answer changed: D was right until Feb 2017
    before = learner_client.get(practice_question_url(session, 1))
    assertNotContains(before, "Outdated answer")
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(first, ["D"])}, headers=HX
    )
    assertContains(response, "Incorrect.")
    assertContains(response, "correct until Feb 2017.")
    assertContains(response, "not possible to add an IAM role to an existing instance")
    assertContains(response, "Notes: Instance roles")


def test_practice_requests_use_a_fixed_number_of_queries(
    learner_client, user, django_assert_max_num_queries
):
    topic = TopicFactory()
    QuestionFactory.create_batch(2000, topic=topic, choices=False)
    QuestionFactory.create_batch(10, topic=topic)
    session = practice_start(
        user=user,
        scope="new",
        size=10,
        order="bank",
        question_ids=list(
            Question.objects.filter(choices__isnull=False).distinct().values_list("pk", flat=True)
        ),
    )
    with django_assert_max_num_queries(10):  # dashboard: mastery, activity, streak, due counts
        learner_client.get("/")  # where signing in lands; it also sets up the learner's profile
    with django_assert_max_num_queries(10):
        learner_client.get(practice_question_url(session, 1), headers=HX)
    choices = choice_ids(item_at(session, 1), ["B"])
    # Answer, card, review log, day count and rating box: fixed, not bank-sized.
    with django_assert_max_num_queries(10):
        response = learner_client.post(
            practice_answer_url(session, 1), {"choice": choices}, headers=HX
        )
    assertContains(response, "How well did you know it?")
    with django_assert_max_num_queries(10):
        learner_client.get(practice_question_url(session, 2))
    with django_assert_max_num_queries(10):
        learner_client.post(
            reverse("quiz:practice_flag", kwargs={"pk": session.pk, "position": 2}), headers=HX
        )
    with django_assert_max_num_queries(10):
        learner_client.get("/")


def test_csrf_is_enforced_on_htmx_posts_and_the_header_token_works(user, topic):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = start_practice(user, topic)
    page = client.get(practice_question_url(session, 1))
    token = page.cookies["csrftoken"].value
    data = {"choice": choice_ids(item_at(session), ["B"])}
    assert client.post(practice_answer_url(session, 1), data, headers=HX).status_code == 403
    assert not AnswerRecord.objects.exists()
    response = client.post(
        practice_answer_url(session, 1), data, headers={**HX, "X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert 'hx-headers=\'{"x-csrftoken": "' in page.content.decode()


def test_an_answer_is_taken_even_when_the_question_was_shown_in_the_future(learner_client, user):
    """A clock set back (or another server's ahead) made the response time negative: the
    answer was refused with a 400. It counts as instant."""
    from datetime import timedelta

    from django.utils import timezone

    question = QuestionFactory()
    session = start_practice(user, question.topic, size=1)
    PracticeItem.objects.filter(session=session).update(
        shown_at=timezone.now() + timedelta(minutes=5)
    )
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": choice_ids(question, ["B"])}
    )
    assert response.status_code == 302
    assert AnswerRecord.objects.get().response_ms == 0
