"""question_save: the one write path for a question edited with its choices (the admin's
change form calls it), validated whole, rendering its HTML, recording key changes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from quiz.models import AnswerKeyRevision, Choice, Question, ReviewCard
from quiz.services import KeyChange, QuestionInvalid, question_problems, question_save
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def edited(question: Question) -> tuple[Question, list[Choice]]:
    """The question and its choices as a form would hand them over: fresh, unsaved copies."""
    question = Question.objects.get(pk=question.pk)
    return question, list(question.choices.order_by("position"))


def test_saving_renders_the_html_learners_see_from_the_new_markdown():
    question, choices = edited(QuestionFactory())
    question.stem = "Which **one** fits? See [[C]]."
    choices[0].text = "An *encrypted* volume"
    question_save(question=question, choices=choices)
    stored = Question.objects.get(pk=question.pk)
    assert "<strong>one</strong>" in stored.stem_html
    assert 'data-choice="C"' in stored.stem_html
    assert stored.choices.get(label="A").text_html == "<p>An <em>encrypted</em> volume</p>"


def test_an_invalid_question_raises_with_paths_and_writes_nothing():
    question, choices = edited(QuestionFactory())
    question.stem = "Changed, but must not be saved"
    choices[1].text = ""
    with pytest.raises(QuestionInvalid) as raised:
        question_save(question=question, choices=choices)
    assert [problem.path for problem in raised.value.problems] == [("choices", 1, "text")]
    assert Question.objects.get(pk=question.pk).stem != "Changed, but must not be saved"


def test_a_changed_key_without_a_reason_is_refused_and_changes_nothing():
    question, choices = edited(QuestionFactory())  # key B
    for choice in choices:
        choice.is_correct = choice.label == "A"
    problems = question_problems(question=question, choices=choices, key_change=None)
    assert [problem.path for problem in problems] == [("key_change",)]
    assert "from B to A" in problems[0].message
    with pytest.raises(QuestionInvalid):
        question_save(question=question, choices=choices)
    assert Question.objects.get(pk=question.pk).key_labels == "B"
    assert Choice.objects.get(question=question, label="B").is_correct


def test_a_changed_key_with_a_reason_records_a_revision_and_relearns_cards():
    editor = UserFactory()
    original = QuestionFactory()
    card = ReviewCard.objects.create(
        user=UserFactory(),
        question=original,
        state=ReviewCard.State.REVIEW,
        stability=10.0,
        difficulty=5.0,
        due=timezone.now() + timedelta(days=9),
        created_at=timezone.now(),
    )
    question, choices = edited(original)
    for choice in choices:
        choice.is_correct = choice.label == "A"
    revision = question_save(
        question=question,
        choices=choices,
        key_change=KeyChange(note="[[B]] was right until 2025.", effective=date(2025, 6, 1)),
        user=editor,
    )
    assert (revision.correct_labels, revision.new_labels) == ("B", "A")
    assert revision.recorded_by == editor and revision.valid_until == date(2025, 6, 1)
    assert Question.objects.get(pk=question.pk).key_labels == "A"
    card.refresh_from_db()
    assert card.key_changed == revision


def test_a_reason_with_a_bare_letter_is_refused_like_any_text_of_the_question():
    question, choices = edited(QuestionFactory())
    for choice in choices:
        choice.is_correct = choice.label == "A"
    with pytest.raises(QuestionInvalid, match="bare letter"):
        question_save(
            question=question,
            choices=choices,
            key_change=KeyChange(note="B was right until 2025.", effective=date(2025, 6, 1)),
        )
    assert not AnswerKeyRevision.objects.exists()


def test_a_removed_choice_is_deleted_and_its_label_may_be_given_to_a_new_one():
    question, choices = edited(QuestionFactory())  # A-D, key B
    removed = choices.pop()  # D
    choices.append(Choice(label="D", text="A new fourth option", position=3))
    question_save(question=question, choices=choices, removed=[removed])
    stored = Question.objects.get(pk=question.pk)
    assert not Choice.objects.filter(pk=removed.pk).exists()
    assert stored.choices.get(label="D").text_html == "<p>A new fourth option</p>"


def test_unchanged_choices_are_not_written_again():
    question, choices = edited(QuestionFactory())
    history_before = Choice.history.count()
    choices[2].text = "Only this one changes"
    question_save(question=question, choices=choices)
    assert Choice.history.count() == history_before + 1
