"""Question versions: every save that changes what a question says is one, learners' records
name the version they were given, and restoring an old version brings its choices back
through the one write path."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import AnswerKeyRevision, Choice, QuestionVersion, ReviewLog
from quiz.services import (
    KeyChange,
    answer_record,
    key_change,
    practice_start,
    question_revert,
    question_save,
    questions_set_status,
    vote_cast,
)
from quiz.versions import Segment, differences, word_diff
from tests.factories import QuestionFactory, UserFactory
from tests.quiz.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


# ---- differences (pure) ----------------------------------------------------------------------


def _content(stem="Which one?", choices=(("A", "one", True), ("B", "two", False))):
    return {
        "stem": stem,
        "explanation": "",
        "disputed": "",
        "choose": 1,
        "shuffle": True,
        "difficulty": "",
        "source": "",
        "choices": [
            {
                "label": label,
                "text": text,
                "is_correct": correct,
                "explanation": "",
                "source_note": "",
                "position": i,
            }
            for i, (label, text, correct) in enumerate(choices)
        ],
    }


def test_word_diff_marks_only_the_words_that_changed():
    assert word_diff("Use an IAM user.", "Use an IAM role.") == [
        Segment("=", "Use an IAM "),
        Segment("-", "user"),
        Segment("+", "role"),
        Segment("=", "."),
    ]


def test_differences_name_choices_by_label_and_the_key_as_before_and_after():
    old = _content(choices=(("A", "one", True), ("B", "two", False), ("C", "three", False)))
    new = _content(
        stem="Which one is it?",
        choices=(("B", "two!", True), ("A", "one", False), ("D", "four", False)),
    )
    changes = {change.what: change for change in differences(old, new)}
    assert set(changes) == {
        "Question text",
        "Answer key",
        "Choice B text",
        "Choice D added",
        "Choice C removed",
        "Choice order",
    }
    assert (changes["Answer key"].before, changes["Answer key"].after) == ("A", "B")
    assert (changes["Choice order"].before, changes["Choice order"].after) == ("A B", "B A")
    assert differences(None, new)[0].after == "3 choices, key B"


# ---- recording ------------------------------------------------------------------------------


def _choices(question):
    return list(question.choices.order_by("position"))


def test_each_save_that_changes_the_question_is_one_version_with_editor_and_reason():
    editor = UserFactory()
    question = QuestionFactory()
    question_save(question=question, choices=_choices(question), user=editor)
    first = question.versions.get()  # factory rows had none: the first save records one
    question.stem = "A clearer stem?"
    question_save(question=question, choices=_choices(question), user=editor, reason="Clarity")
    questions_set_status(question_ids=[question.pk], status="retired")  # not what it says
    question_save(question=question, choices=_choices(question), user=editor)  # nothing new
    versions = list(question.versions.order_by("number"))
    assert [v.number for v in versions] == [first.number, first.number + 1]
    assert (versions[-1].created_by, versions[-1].reason) == (editor, "Clarity")
    question.refresh_from_db()
    assert question.version == versions[-1].number
    assert versions[-1].content["stem"] == "A clearer stem?"


def test_learners_records_name_the_version_they_were_given():
    question = QuestionFactory()
    question_save(question=question, choices=_choices(question))
    learner = UserFactory()
    record = answer_record(user=learner, question=question, labels=["B"])
    vote = vote_cast(user=learner, question=question, labels=["B"])
    log = ReviewLog.objects.get(record=record)
    session = practice_start(user=learner, scope="topics", size=5, topics=[question.topic])
    item = session.items.get()
    assert record.question_version == vote.question_version == log.question_version == 1
    assert item.question_version == 1
    key_change(
        question=question,
        correct_labels=["A"],
        note="Now [[A]].",
        effective=date(2026, 1, 1),
        user=None,
    )
    question.refresh_from_db()
    assert question.version == 2
    assert question.versions.get(number=2).kind == QuestionVersion.Kind.KEY_CHANGE
    assert answer_record(user=learner, question=question, labels=["A"]).question_version == 2


# ---- restoring ------------------------------------------------------------------------------


def _edited(question, user):
    """Version 1 as the factory made it; version 2 with another stem, choice D gone, a
    new choice E and C's text changed."""
    question_save(question=question, choices=_choices(question), user=user)
    choices = _choices(question)
    question.stem = "Edited stem"
    choices[2].text = "Edited choice"
    new = Choice(question=question, label="", text="A brand new choice", position=None)
    question_save(question=question, choices=[*choices[:3], new], removed=[choices[3]], user=user)
    return question


def test_restoring_brings_back_the_choices_and_the_rendered_text():
    editor = UserFactory()
    question = _edited(QuestionFactory(stem="Original stem"), editor)
    original = question.versions.get(number=1)
    before_d = Choice.history.filter(question_id=question.pk, label="D").first().text

    restored = question_revert(question=question, version=original, user=editor, reason="Typo")

    question.refresh_from_db()
    assert (restored.number, restored.kind, restored.reason) == (
        3,
        QuestionVersion.Kind.REVERTED,
        "Restored version 1: Typo",
    )
    assert question.stem == "Original stem" and question.stem_html == "<p>Original stem</p>"
    assert [(c.label, c.text) for c in _choices(question)] == [
        (c["label"], c["text"]) for c in original.content["choices"]
    ]
    assert question.choices.get(label="D").text == before_d
    assert (
        question.choices.get(label="C").text_html
        == f"<p>{question.choices.get(label='C').text}</p>"
    )
    assert not question.choices.filter(label="E").exists()
    assert restored.content == original.content
    with pytest.raises(ValidationError, match="already says what version 1 says"):
        question_revert(question=question, version=original, user=editor, reason="Again")


def test_restoring_an_older_key_records_a_key_change_learners_read():
    question = QuestionFactory()  # B correct
    question_save(question=question, choices=_choices(question))
    choices = _choices(question)
    choices[0].is_correct, choices[1].is_correct = True, False
    question_save(
        question=question,
        choices=choices,
        key_change=KeyChange(note="[[A]] since the 2026 change.", effective=date(2026, 1, 1)),
    )
    question_revert(
        question=question,
        version=question.versions.get(number=1),
        user=None,
        reason="The 2026 change was announced but never shipped: [[B]] stays right.",
    )
    question.refresh_from_db()
    assert question.key_labels == "B"
    latest = AnswerKeyRevision.objects.order_by("-position").first()
    assert (latest.correct_labels, latest.new_labels) == ("A", "B")
    assert "never shipped" in latest.note


# ---- the editor's pages ---------------------------------------------------------------------


def test_history_lists_one_entry_per_save_with_a_readable_difference(editor_client, editor):
    question = _edited(QuestionFactory(stem="Original stem"), editor)
    page = editor_client.get(reverse("admin:quiz_question_history", args=[question.pk]))
    assert page.status_code == 200
    assertContains(page, "<h2>Version", count=2)
    assertContains(page, "<del>Original</del><ins>Edited</ins>", html=False)
    assertContains(page, "Choice E added")
    assertContains(page, "Choice D removed")
    assertContains(page, "reason: —")
    assertNotContains(page, "/admin/auth/user/")  # editors cannot open accounts (was a 403)
    assertNotContains(page, "style=")  # the old template's inline styles broke the CSP


def test_editor_restores_a_version_after_seeing_what_it_changes(editor_client, editor):
    question = _edited(QuestionFactory(stem="Original stem"), editor)
    url = reverse("admin:quiz_question_restore", args=[question.pk, 1])
    page = editor_client.get(url)
    assertContains(page, "<del>Edited</del><ins>Original</ins>", html=False)
    assertContains(page, "Choice D added")  # back, with its own label
    assert editor_client.post(url, {"reason": ""}).status_code == 200
    response = editor_client.post(url, {"reason": "The edit was wrong"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.stem == "Original stem" and question.version == 3
    # simple_history's revert form (the stem without its choices) is no longer reachable.
    old_form = f"/admin/quiz/question/{question.pk}/history/1/"
    assert editor_client.get(old_form).url == reverse(
        "admin:quiz_question_history", args=[question.pk]
    )


def test_the_reason_given_in_the_change_form_is_kept_with_the_version(editor_client):
    question = QuestionFactory()
    choices = [(c.label, c.text, c.is_correct) for c in question.choices.all()]
    data = form_data(question, choices=choices, stem="Sharper?", change_reason="Reader report")
    assert editor_client.post(change_url(question), data).status_code == 302
    version = question.versions.order_by("-number").first()
    assert (version.reason, version.content["stem"]) == ("Reader report", "Sharper?")
