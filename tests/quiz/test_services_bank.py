from datetime import date

import pytest
from django.core.exceptions import ValidationError

from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Comment,
    DuplicateSuspect,
    Question,
    Report,
    Vote,
)
from quiz.services import answer_record, key_change, question_merge
from tests.factories import (
    AnswerRecordFactory,
    CommentFactory,
    DuplicateSuspectFactory,
    QuestionFactory,
    ReportFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def test_key_change_writes_a_revision_with_note_and_author():
    editor = UserFactory()
    question = QuestionFactory()  # key B
    revision = key_change(
        question=question,
        correct_labels=["D"],
        note="[[D]] is right since the 2026 change.",
        effective=date(2026, 3, 1),
        user=editor,
    )
    assert (revision.correct_labels, revision.new_labels) == ("B", "D")
    assert revision.recorded_by == editor and revision.valid_until == date(2026, 3, 1)
    assert "2026 change" in revision.note_html
    assert '<span class="choice-ref" data-choice="D">D</span> is right' in revision.note_html
    assert sorted(c.label for c in question.choices.all() if c.is_correct) == ["D"]


def test_key_change_note_naming_a_choice_by_a_bare_letter_is_refused_and_changes_nothing():
    question = QuestionFactory()  # key B
    with pytest.raises(ValidationError, match=r"names choice D by a bare letter.*write \[\[D\]\]"):
        key_change(
            question=question,
            correct_labels=["D"],
            note="D is right since the 2026 change.",
            effective=date(2026, 3, 1),
            user=None,
        )
    with pytest.raises(ValidationError, match=r"refers to choice\(s\) \[\[F\]\]"):
        key_change(
            question=question,
            correct_labels=["D"],
            note="[[F]] is right since the 2026 change.",
            effective=date(2026, 3, 1),
            user=None,
        )
    assert not AnswerKeyRevision.objects.exists()
    assert [c.label for c in question.choices.all() if c.is_correct] == ["B"]
    assert Question.objects.get(pk=question.pk).key_labels == "B"


def test_key_change_to_two_answers_updates_choose():
    question = QuestionFactory()
    key_change(
        question=question,
        correct_labels=["A", "B"],
        note="Both now.",
        effective=date.today(),
        user=None,
    )
    question.refresh_from_db()
    assert question.choose == 2


def test_key_change_needs_a_note_and_a_real_change():
    question = QuestionFactory()
    with pytest.raises(ValidationError, match="Say why"):
        key_change(
            question=question, correct_labels=["A"], note=" ", effective=date.today(), user=None
        )
    with pytest.raises(ValidationError, match="already the answer key"):
        key_change(
            question=question, correct_labels=["B"], note="x", effective=date.today(), user=None
        )
    with pytest.raises(ValidationError, match="No choice has label"):
        key_change(
            question=question, correct_labels=["Z"], note="x", effective=date.today(), user=None
        )
    assert not AnswerKeyRevision.objects.exists()
    assert [c.label for c in question.choices.all() if c.is_correct] == ["B"]


def test_edits_are_kept_in_history():
    question = QuestionFactory(stem="First wording")
    question.stem = "Second wording"
    question.save()
    assert [h.stem for h in question.history.order_by("history_date")] == [
        "First wording",
        "Second wording",
    ]
    choice = question.choices.get(label="A")
    choice.text = "Changed"
    choice.save()
    assert choice.history.count() == 2


def test_answer_record_scores_all_or_nothing_on_the_server():
    question = QuestionFactory(choose=2)  # A and B correct
    user = UserFactory()
    assert answer_record(user=user, question=question, labels=["B", "A"]).is_correct
    with pytest.raises(ValidationError, match="Choose 2 answers; you chose 1"):
        answer_record(user=user, question=question, labels=["A"])
    with pytest.raises(ValidationError, match="Z is not a choice"):
        answer_record(user=user, question=question, labels=["A", "Z"])
    assert AnswerRecord.objects.count() == 1


SAME_LETTERS = {label: label for label in "ABCD"}  # factory questions: choices A-D


def test_merge_moves_learners_history_to_the_survivor():
    survivor, duplicate = QuestionFactory(), QuestionFactory()
    both_voter = UserFactory()
    AnswerRecordFactory.create_batch(3, question=duplicate)
    VoteFactory(question=duplicate, user=both_voter, labels="A")
    VoteFactory(question=survivor, user=both_voter, labels="B")
    VoteFactory(question=duplicate)
    ReportFactory(question=duplicate)
    CommentFactory(question=duplicate, topic=duplicate.topic)
    DuplicateSuspectFactory(question=survivor, other=duplicate)

    question_merge(duplicate=duplicate, survivor=survivor, pairing=SAME_LETTERS)

    assert AnswerRecord.objects.filter(question=survivor).count() == 3
    assert Vote.objects.filter(question=survivor).count() == 2
    assert Vote.objects.get(question=survivor, user=both_voter).labels == "B"
    assert Report.objects.filter(question=survivor).count() == 1
    assert Comment.objects.get().question == survivor
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    assert not Question.objects.live().filter(pk=duplicate.pk).exists()
    assert DuplicateSuspect.objects.get().status == DuplicateSuspect.Status.MERGED


def test_merge_refuses_itself_and_a_duplicate_survivor():
    original = QuestionFactory()
    copy = QuestionFactory(duplicate_of=original)
    with pytest.raises(ValidationError):
        question_merge(duplicate=original, survivor=original, pairing=SAME_LETTERS)
    with pytest.raises(ValidationError, match="itself a duplicate"):
        question_merge(duplicate=QuestionFactory(), survivor=copy, pairing=SAME_LETTERS)


def test_merge_moves_review_cards_and_their_history():
    from quiz.models import ReviewCard, ReviewLog
    from quiz.services import answer_record

    survivor, duplicate = QuestionFactory(), QuestionFactory()
    both, only_dup = UserFactory(), UserFactory()
    answer_record(user=both, question=survivor, labels=["B"])
    answer_record(user=both, question=duplicate, labels=["A"])
    answer_record(user=only_dup, question=duplicate, labels=["B"])
    question_merge(duplicate=duplicate, survivor=survivor, pairing=SAME_LETTERS)
    assert not ReviewCard.objects.filter(question=duplicate).exists()
    assert ReviewCard.objects.filter(question=survivor).count() == 2
    assert ReviewLog.objects.filter(card__question=survivor, user=both).count() == 2
