"""Merging duplicates by choice identity: answers, votes and review history stay on the same
choice text however the two questions order or letter their choices."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from quiz.duplicates import normalize, pair_choices, remap_labels
from quiz.models import AnswerRecord, DuplicateSuspect, Question, ReviewLog, Vote
from quiz.selectors import question_statistics
from quiz.selectors.editing import merge_plan
from quiz.services import answer_record, question_merge, vote_cast
from tests.factories import (
    DUPLICATE,
    SURVIVOR,
    TEXT_PAIRING,
    DuplicateSuspectFactory,
    UserFactory,
    question_with_choices,
)

pytestmark = pytest.mark.django_db


def _text_of(question: Question, labels: str) -> set[str]:
    """The chosen choices' texts, as the pairing compares them (the typo aside)."""
    chosen = question.choices.filter(label__in=labels.split(","))
    return {
        normalize(text).replace("users", "user s") for text in chosen.values_list("text", flat=True)
    }


# ---- pairing (pure) ------------------------------------------------------------------------


def test_pairing_follows_the_texts_not_the_letters():
    pairs = pair_choices(
        [(lbl, t) for lbl, t, _c in DUPLICATE], [(lbl, t) for lbl, t, _c in SURVIVOR]
    )
    assert pairs == TEXT_PAIRING


def test_a_choice_with_no_near_identical_text_has_no_partner_and_none_is_used_twice():
    pairs = pair_choices(
        [("A", "Use an IAM role"), ("B", "Use an IAM role."), ("C", "Rotate the keys daily")],
        [("A", "use an iam role"), ("B", "Something else entirely")],
    )
    assert pairs["A"] == "A" and pairs["B"] is None and pairs["C"] is None


def test_remapped_combinations_come_out_sorted():
    assert remap_labels("A,C", TEXT_PAIRING) == "A,B"
    assert remap_labels("", TEXT_PAIRING) == ""


# ---- the merge -------------------------------------------------------------------------------


def test_merge_keeps_every_answer_vote_and_review_on_the_same_choice_text():
    survivor, duplicate = question_with_choices(SURVIVOR), question_with_choices(DUPLICATE)
    learners = UserFactory.create_batch(3)
    for learner in learners:  # the right answer, "IAM role", is A on the duplicate
        answer_record(user=learner, question=duplicate, labels=["A"])
        vote_cast(user=learner, question=duplicate, labels=["A"])
    wrong = UserFactory()
    answer_record(user=wrong, question=duplicate, labels=["C"])  # "IAM user's keys"
    before = {
        record.pk: _text_of(duplicate, record.chosen_labels)
        for record in AnswerRecord.objects.filter(question=duplicate)
    }
    logs_before = {
        log.pk: _text_of(duplicate, log.chosen_labels)
        for log in ReviewLog.objects.filter(card__question=duplicate)
    }

    plan = merge_plan(duplicate=duplicate, survivor=survivor)
    assert plan.pairing == TEXT_PAIRING and plan.can_merge and not plan.warnings
    question_merge(duplicate=duplicate, survivor=survivor, pairing=plan.pairing)

    for record in AnswerRecord.objects.filter(pk__in=before):
        assert record.question_id == survivor.pk
        assert _text_of(survivor, record.chosen_labels) == before[record.pk]
    for log in ReviewLog.objects.filter(pk__in=logs_before):
        assert _text_of(survivor, log.chosen_labels) == logs_before[log.pk]
    assert set(Vote.objects.filter(question=survivor).values_list("labels", flat=True)) == {"B"}
    stats = question_statistics(survivor)
    assert (stats.answered, stats.percent_correct) == (4, 75)  # not 25% as by letter


def test_multi_answer_choices_are_translated_together():
    survivor = question_with_choices(
        [(lbl, t, c or lbl == "C") for lbl, t, c in SURVIVOR], choose=2
    )
    duplicate = question_with_choices(
        [(lbl, t, c or lbl == "D") for lbl, t, c in DUPLICATE], choose=2
    )
    learner = UserFactory()
    answer_record(user=learner, question=duplicate, labels=["A", "D"])
    question_merge(duplicate=duplicate, survivor=survivor, pairing=TEXT_PAIRING)
    record = AnswerRecord.objects.get(user=learner)
    assert record.chosen_labels == "B,C" and record.is_correct


def test_merge_without_a_partner_for_every_choice_is_refused_and_moves_nothing():
    survivor = question_with_choices(SURVIVOR)
    duplicate = question_with_choices([*DUPLICATE, ("E", "Use AWS Secrets Manager", False)])
    answer_record(user=UserFactory(), question=duplicate, labels=["E"])
    plan = merge_plan(duplicate=duplicate, survivor=survivor)
    assert not plan.can_merge and "Choice E" in plan.problems[0]
    with pytest.raises(ValidationError, match="Choice E"):
        question_merge(duplicate=duplicate, survivor=survivor, pairing=plan.pairing)
    with pytest.raises(ValidationError, match="paired with 2 choices"):
        question_merge(duplicate=duplicate, survivor=survivor, pairing={**TEXT_PAIRING, "E": "A"})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
    assert AnswerRecord.objects.get().question_id == duplicate.pk


def test_a_pairing_that_disagrees_on_the_key_is_allowed_with_a_warning():
    survivor = question_with_choices(SURVIVOR)
    duplicate = question_with_choices([(lbl, t, lbl == "B") for lbl, t, _c in DUPLICATE])
    plan = merge_plan(duplicate=duplicate, survivor=survivor)
    assert plan.can_merge and "keys differ" in plan.warnings[0]


# ---- the editor's screens ------------------------------------------------------------------


def test_editor_checks_the_pairing_then_merges(editor_client):
    survivor, duplicate = question_with_choices(SURVIVOR), question_with_choices(DUPLICATE)
    answer_record(user=UserFactory(), question=duplicate, labels=["A"])
    url = reverse("admin:quiz_question_merge", args=[duplicate.pk])
    page = editor_client.get(url, {"into": survivor.pk})
    assertContains(page, '<option value="B" selected>', count=1)  # A -> "IAM role"
    assertContains(page, "1 answers")

    # A tampered partner is no partner: shown as a problem, nothing moves.
    tampered = {
        "into": survivor.pk,
        "confirm": "1",
        **{f"pair-{k}": v for k, v in TEXT_PAIRING.items()},
    }
    page = editor_client.post(url, {**tampered, "pair-A": "Z"})
    assertContains(page, "Choice A of")
    assert AnswerRecord.objects.get().question_id == duplicate.pk

    response = editor_client.post(url, tampered)
    assert response.status_code == 302
    assert response.url == reverse("admin:quiz_question_change", args=[survivor.pk])
    assert AnswerRecord.objects.get().chosen_labels == "B"
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor


def test_suspect_list_sends_one_pair_to_the_merge_screen(editor_client):
    first, second = question_with_choices(SURVIVOR), question_with_choices(DUPLICATE)
    suspect = DuplicateSuspectFactory(question=first, other=second)
    other = DuplicateSuspectFactory()
    changelist = reverse("admin:quiz_duplicatesuspect_changelist")
    response = editor_client.post(
        changelist, {"action": "merge_into_first", "_selected_action": [suspect.pk]}
    )
    assert (
        response.url == f"{reverse('admin:quiz_question_merge', args=[second.pk])}?into={first.pk}"
    )
    response = editor_client.post(
        changelist,
        {"action": "merge_into_second", "_selected_action": [suspect.pk, other.pk]},
        follow=True,
    )
    assertContains(response, "Select one open pair to merge")
    assert not Question.objects.filter(duplicate_of__isnull=False).exists()
    assert DuplicateSuspect.objects.filter(status="open").count() == 2
