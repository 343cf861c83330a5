"""A choice's label is its identity: given once, never changed, never reused. Letters on a
learner's screen follow the order shown, so reordering changes what they read, never what
a past answer, vote or statistic refers to. New questions start as drafts, placed for the
editor."""

import pytest
from django.urls import reverse

from quiz.models import AnswerRecord, Choice, Question
from quiz.presentation import letters_on_screen
from quiz.selectors import community_vote, question_statistics
from quiz.services import QuestionInvalid, answer_record, question_save, vote_cast
from tests.factories import (
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
    UserFactory,
)
from tests.quiz.test_admin import ADD_URL, change_url, form_data

pytestmark = pytest.mark.django_db


def _texts(question, labels: str) -> set[str]:
    return set(question.choices.filter(label__in=labels.split(",")).values_list("text", flat=True))


def test_reordering_choices_changes_no_past_answer_vote_or_statistic():
    question = QuestionFactory(shuffle_choices=False)  # fixed order: letters follow position
    learners = UserFactory.create_batch(4)
    for learner, labels in zip(learners, (["B"], ["B"], ["A"], ["C"]), strict=True):
        answer_record(user=learner, question=question, labels=labels)
        vote_cast(user=learner, question=question, labels=labels)
    answers = {a.pk: _texts(question, a.chosen_labels) for a in AnswerRecord.objects.all()}
    stats, vote = question_statistics(question), community_vote(question)

    choices = list(question.choices.order_by("position"))
    for position, choice in enumerate(reversed(choices)):
        choice.position = position
    question_save(question=question, choices=choices)

    question.refresh_from_db()
    assert [c.label for c in question.choices.order_by("position")] == ["D", "C", "B", "A"]
    # What learners read: the first choice on screen is now "A." whatever its label.
    order = ["D", "C", "B", "A"]
    assert letters_on_screen(order, ["D"]) == "A" and letters_on_screen(order, ["B"]) == "C"
    assert {a.pk: _texts(question, a.chosen_labels) for a in AnswerRecord.objects.all()} == answers
    after = question_statistics(question)
    assert (after.answered, after.percent_correct, after.distribution) == (
        stats.answered,
        stats.percent_correct,
        stats.distribution,
    )
    assert community_vote(question).rows == vote.rows


def test_a_stored_choice_cannot_be_relabelled():
    question = QuestionFactory()
    answer_record(user=UserFactory(), question=question, labels=["B"])
    choices = list(question.choices.order_by("position"))
    choices[1].label = "E"
    with pytest.raises(QuestionInvalid, match="choice B cannot become E"):
        question_save(question=question, choices=choices)
    assert sorted(Choice.objects.values_list("label", flat=True)) == ["A", "B", "C", "D"]


def test_a_new_choice_never_takes_a_removed_choices_label():
    question = QuestionFactory()
    answer_record(user=UserFactory(), question=question, labels=["D"])
    choices = list(question.choices.order_by("position"))
    removed = choices.pop()  # D, which a learner chose
    question_save(question=question, choices=choices, removed=[removed])
    added = Choice(question=question, label="", text="A new option", position=None)
    question_save(question=question, choices=[*choices, added])
    assert added.label == "E" and added.position == 3
    # The old answer still names the removed choice, not the new one.
    assert not Choice.objects.filter(question=question, label="D").exists()


def test_admin_ignores_posted_labels_and_numbers_new_choices_in_order(editor_client):
    topic = TopicFactory()
    data = form_data(topic=topic, choices=[("X", "one", True), ("A", "two", False)])
    data.update({"choices-0-position": "", "choices-1-position": "0"})
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(ext_id="new-question")
    assert [(c.label, c.text, c.position) for c in question.choices.order_by("position")] == [
        ("A", "two", 0),
        ("B", "one", 1),
    ]


def test_a_new_question_is_a_draft_placed_after_the_last_of_its_topic(editor_client):
    topic = TopicFactory()
    older, latest = (
        QuestionSetFactory(topic=topic, position=0),
        QuestionSetFactory(topic=topic, position=1),
    )
    QuestionFactory(topic=topic, question_set=latest, number=7, position=30)
    QuestionFactory(topic=topic, question_set=older, number=12, position=2)
    page = editor_client.get(ADD_URL)
    form = page.context["adminform"].form
    assert form["status"].value() == Question.Status.DRAFT
    assert form["number"].value() in (None, "") and form["position"].value() in (None, "")
    data = form_data(topic=topic, choices=[("A", "one", True), ("B", "two", False)])
    data.update({"ext_id": "", "number": "", "position": "", "question_set": "", "status": "draft"})
    assert editor_client.post(ADD_URL, data).status_code == 302
    question = Question.objects.get(ext_id=f"{topic.slug}-q08")  # made from topic and number
    assert (question.status, question.question_set, question.number, question.position) == (
        Question.Status.DRAFT,
        latest,
        8,
        31,
    )
    assert not Question.objects.live().filter(pk=question.pk).exists()


def test_key_change_section_only_on_published_questions_and_after_the_choices(editor_client):
    add = editor_client.get(ADD_URL).content.decode()
    assert "Why the key changed" not in add and "Answer statistics" not in add
    draft = QuestionFactory(status=Question.Status.DRAFT)
    assert "Why the key changed" not in editor_client.get(change_url(draft)).content.decode()
    published = QuestionFactory()
    page = editor_client.get(change_url(published)).content.decode()
    assert page.index("Answer statistics") < page.index('id="choices-group"')
    assert page.index('id="choices-group"') < page.index("Why the key changed")


def test_a_drafts_key_changes_without_a_note_or_a_revision(editor_client):
    draft = QuestionFactory(status=Question.Status.DRAFT)  # B correct
    choices = [("A", "a", True), ("B", "b", False), ("C", "c", False), ("D", "d", False)]
    response = editor_client.post(
        change_url(draft), form_data(draft, choices=choices, status="draft")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.key_labels == "A" and not draft.key_revisions.exists()


def test_a_wrong_number_to_choose_is_marked_on_the_choose_field(editor_client):
    response = editor_client.post(
        ADD_URL,
        form_data(choose=2, choices=[("A", "one", True), ("B", "two", False), ("C", "x", False)]),
    )
    errors = response.context["adminform"].form.errors
    assert "choose is 2 but 1 choice(s) are marked correct" in errors["choose"][0]
    assert reverse("admin:quiz_question_add") == ADD_URL and not Question.objects.exists()
