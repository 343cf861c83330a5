"""The shared part of a question block (quiz.templatetags.question_blocks): rendered once per
question, order and form, each learner's state filled in per request. What a learner reads
must be what rendering their block afresh would give, and an edit must show at once."""

import itertools

import pytest
from django.core.cache import caches
from django.template.loader import render_to_string

from quiz.models import Question
from quiz.presentation import present
from quiz.services import question_save
from tests.factories import (
    AnswerKeyRevisionFactory,
    ChoiceFactory,
    NoteFactory,
    QuestionFactory,
    QuestionReferenceFactory,
)

pytestmark = pytest.mark.django_db


def _render(question_pk, *, order, chosen=(), struck=(), answered=False, revealed=False, **extra):
    question = Question.objects.get(pk=question_pk)
    view = present(
        question,
        order=list(order),
        chosen=list(chosen),
        struck=list(struck),
        answered=answered,
        revealed=revealed,
    )
    return render_to_string("quiz/_question.html", {"view": view, **extra})


def _rich_question(choose=1):
    question = QuestionFactory(choose=choose, explanation="See [[C]] and why [[A]] is not it.")
    question.explanation_html = "<p>See <b>[[C]]</b></p>"
    choice = question.choices.get(label="A")
    choice.explanation_html = "<p>Not [[A]]: compare [[D]].</p>"
    choice.source_note_html = "<p>The source said [[B]].</p>"
    choice.save()
    AnswerKeyRevisionFactory(question=question, correct_labels="D")
    QuestionReferenceFactory(question=question, title="", url="", note=NoteFactory())
    QuestionReferenceFactory(question=question)
    return question


STATES = [
    {"answered": True, "chosen": ["A"]},
    {"answered": True, "chosen": ["B"]},
    {"answered": True, "chosen": ["B"], "struck": ["C", "D"]},
    {"answered": True, "chosen": []},
    {"revealed": True},
    {"chosen": ["C"], "answer_url": "/answer", "strike_url": "/strike", "struck": ["A"]},
    {"chosen": [], "answer_url": "/answer", "strike_url": "/strike"},
    {"chosen": ["D"], "answer_url": "/save", "optional": True, "input_name": "choice"},
    {"chosen": ["A"], "answer_url": "/answer", "input_name": "answer"},
    {},
]


@pytest.mark.parametrize("choose", [1, 2])
def test_a_block_from_the_cache_is_what_rendering_it_afresh_gives(choose):
    question = _rich_question(choose)
    orders = [("A", "B", "C", "D"), ("D", "C", "B", "A"), ("B", "D", "A", "C")]
    fresh = {}
    for order, (index, state) in itertools.product(orders, enumerate(STATES)):
        caches["fragments"].clear()
        fresh[order, index] = _render(question.pk, order=order, show_links=True, **state)
    # Now every block is in the cache, each rendered for some other learner's state first.
    for order, (index, state) in itertools.product(orders, enumerate(STATES)):
        assert _render(question.pk, order=order, show_links=True, **state) == fresh[order, index]


def test_learners_shown_the_same_question_in_the_same_order_each_see_their_own_state():
    question = QuestionFactory()  # key B
    order = ("C", "A", "D", "B")  # B is D on this screen
    right = _render(question.pk, order=order, answered=True, chosen=["B"])
    wrong = _render(question.pk, order=order, answered=True, chosen=["C"], struck=["A"])
    assert "You chose D." in right and 'class="choice state-right-pick"' in right
    assert "state-wrong-pick" not in right and "You ruled it out" not in right
    assert "You chose A; the right answer is D." in wrong
    assert wrong.count("state-wrong-pick") == 1 and wrong.count("state-missed") == 1
    assert wrong.count("You ruled it out") == 1


def test_a_ticked_choice_and_a_ruled_out_one_are_each_learners_own():
    question = QuestionFactory()
    order = ("A", "B", "C", "D")
    c = question.choices.get(label="C")
    ticked = _render(question.pk, order=order, chosen=["C"], answer_url="/a", strike_url="/s")
    struck = _render(
        question.pk, order=order, chosen=[], struck=["C"], answer_url="/a", strike_url="/s"
    )
    assert f'id="choice-{c.pk}" data-key="3" data-letter="C" checked' in ticked
    assert " checked" not in struck
    assert 'aria-pressed="true"' in struck and 'aria-pressed="true"' not in ticked
    assert struck.count('name="restore"') == 1 and ticked.count('name="restore"') == 0


def test_an_edited_choice_is_shown_at_once():
    question = QuestionFactory()
    order = ("A", "B", "C", "D")
    before = _render(question.pk, order=order, answered=True, chosen=["A"])
    choices = list(question.choices.all())
    for choice in choices:
        if choice.label == "A":
            choice.text = "Attach an instance profile"
            choice.explanation = "Roles give temporary keys, unlike [[B]]."
    question_save(question=question, choices=choices)
    after = _render(question.pk, order=order, answered=True, chosen=["A"])
    assert "Attach an instance profile" not in before
    assert "Attach an instance profile" in after
    assert "Roles give temporary keys, unlike" in after


def test_an_edited_outdated_key_note_and_a_renamed_note_are_shown_at_once():
    question = QuestionFactory()
    revision = AnswerKeyRevisionFactory(question=question, note_html="<p>Before 2024.</p>")
    note = NoteFactory(heading="Instance profiles")
    QuestionReferenceFactory(question=question, title="", url="", note=note)
    order = ("A", "B", "C", "D")
    before = _render(question.pk, order=order, revealed=True, show_links=True)
    assert "Before 2024." in before and "Notes: Instance profiles" in before
    revision.note_html = "<p>Before March 2024.</p>"
    revision.save()
    note.heading = "IAM roles for EC2"
    note.save()
    after = _render(question.pk, order=order, revealed=True, show_links=True)
    assert "Before March 2024." in after and "Notes: IAM roles for EC2" in after


def test_a_new_choice_order_is_its_own_block():
    question = QuestionFactory()
    ChoiceFactory(question=question, label="E", position=4, text="A fifth choice")
    first = _render(question.pk, order=("A", "B", "C", "D", "E"), revealed=True)
    second = _render(question.pk, order=("E", "D", "C", "B", "A"), revealed=True)
    assert first.index("A fifth choice") > first.index(f"Choice 1 of {question.ext_id}")
    assert second.index("A fifth choice") < second.index(f"Choice 1 of {question.ext_id}")
    assert "Right answer is B." in first and "Right answer is D." in second
