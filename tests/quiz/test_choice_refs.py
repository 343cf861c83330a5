"""Choice references: every letter a learner reads names the choice it means, in any order."""

import itertools
import re
import string

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from quiz import choice_refs
from quiz.models import Question
from quiz.presentation import present
from study.markdown import render_markdown

LETTERS = string.ascii_uppercase


# ---- the pure functions ------------------------------------------------------------------


def test_render_marks_references_in_text_but_not_in_addresses():
    html = choice_refs.render("[[D]] was right; see [the page](https://x.test/[[B]]).")
    assert html.startswith('<p><span class="choice-ref" data-choice="D">D</span> was right')
    assert 'href="https://x.test/[[B]]"' in html


def test_relabel_writes_each_screens_letter_and_leaves_other_html_alone():
    html = choice_refs.render("[[A]] + [[E]] were right; **[[E]]** still works.")
    relabelled = choice_refs.relabel_html(html, {"A": "C", "E": "B"})
    assert strip_tags(relabelled) == "C + B were right; B still works."
    assert "data-choice" not in relabelled and "<strong>" in relabelled
    assert choice_refs.relabel_html("<p>No references</p>", {"A": "B"}) == "<p>No references</p>"


def test_relabel_text_for_exports():
    assert choice_refs.relabel_text("[[D]] was correct, not [[A]].", {"D": "B", "A": "D"}) == (
        "B was correct, not D."
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("D was correct until Feb 2017.", ["D"]),
        ("C + D were correct until Feb 2017. E was correct before", ["C", "D", "E"]),
        ("Readers argue that A (Security Groups) is the answer", ["A"]),
        ("I have seen a different answer(Option B) in Braincert", ["B"]),
        ("I still think answer should be D for this reason.", ["D"]),
        ("The answer is A.", ["A"]),
        ("Correct answers: B and C", ["B", "C"]),
        ("(B)", ["B"]),
        ("answers A, C and E", ["A", "C", "E"]),
        ("Both A and B", ["A", "B"]),
        ("B) first line\nC. second line", ["B", "C"]),
        ("imaging and relaunching (D, right until February 2017)", ["D"]),
    ],
)
def test_bare_letters_used_as_references_are_found(text, found):
    assert [bare.label for bare in choice_refs.bare_letters(text, "ABCDE")] == found


@pytest.mark.parametrize(
    "text",
    [
        "A company is building software on AWS. A user has created an application.",
        "If host B initiates traffic to host A within 600 seconds",
        "I was wrong; I think so.",
        "Send an E-mail from the T-shirt shop.",
        "Run `ec2-revoke A` or read https://example.test/A/B.html",
        "[[D]] was correct until Feb 2017.",
        "Choose 2 answers.",
        "The F option is not a choice here (F).",  # F is no label of an A-E question
    ],
)
def test_words_that_are_not_references_are_left_alone(text):
    assert choice_refs.bare_letters(text, "ABCDE") == []


def test_letters_naming_things_in_a_true_false_question_are_left_alone():
    text = "VPC peering is transitive: if A peers with B and B with C, A can reach C."
    assert choice_refs.bare_letters(text, "AB") == []


def test_bracketing_turns_fixed_letters_into_references():
    text = "C + D were correct until Feb 2017. E was correct before."
    assert choice_refs.bracket_bare_letters(text, "ABCDE") == (
        "[[C]] + [[D]] were correct until Feb 2017. [[E]] was correct before."
    )


# ---- every question of a bank, in every order ----------------------------------------------

REF_FIELDS = "explanation", "disputed"


def expected_text(source: str, letter_of: dict[str, str]) -> str:
    """The words a learner should read: the source with each reference as their letter,
    rendered by the plain renderer (no reference handling at all)."""
    return " ".join(
        strip_tags(render_markdown(choice_refs.relabel_text(source, letter_of))).split()
    )


def shown_text(html: str) -> str:
    return " ".join(strip_tags(html).split())


def letters_checked(questions) -> int:
    """Answer each question wrongly in every order of its choices and check every letter the
    feedback shows; returns how many references were checked (tests/content runs this on
    the shipped library too)."""
    questions = questions.prefetch_related("choices", "key_revisions", "references__note")
    checked_references = 0
    for question in questions.order_by("position"):
        choices = sorted(question.choices.all(), key=lambda c: c.position)
        labels = [choice.label for choice in choices]
        key = [choice.label for choice in choices if choice.is_correct]
        wrong = [label for label in labels if label not in key][: question.choose]
        for order in itertools.permutations(labels):
            letter_of = {label: LETTERS[i] for i, label in enumerate(order)}
            view = present(question, order=list(order), chosen=wrong, answered=True)
            html = render_to_string("quiz/_question.html", {"view": view, "show_links": True})
            text = shown_text(html)
            assert "[[" not in html and "data-choice" not in html, question.ext_id

            # The verdict and every outdated key name the learner's letters.
            right = " + ".join(sorted(letter_of[label] for label in key))
            assert f"the right answer{'s are' if len(key) > 1 else ' is'} {right}." in text
            for revision in question.key_revisions.all():
                old = " + ".join(sorted(letter_of[label] for label in revision.labels))
                assert f"Outdated answer: {old} w" in text

            # Every text that refers to choices reads with this order's letters.
            sources = [getattr(question, name) for name in REF_FIELDS]
            sources += [r.note for r in question.key_revisions.all()]
            for choice in choices:
                sources += [choice.text, choice.explanation, choice.source_note]
            for source in sources:
                if "[[" in source:
                    checked_references += len(choice_refs.REFERENCE.findall(source))
                    assert expected_text(source, letter_of) in text, (question.ext_id, order)

            # Each choice is shown once, under its own letter, with its own explanation.
            assert html.count('<li class="choice state-') == len(choices)
            for choice in choices:
                body = shown_text(choice.text_html)
                item = re.search(
                    rf'aria-hidden="true">{letter_of[choice.label]}</span>\s*<div class="choice-body">'
                    rf".*?</li>",
                    html,
                    re.DOTALL,
                )
                assert item and body in shown_text(item.group()), (question.ext_id, choice.label)
                if choice.explanation:
                    assert expected_text(choice.explanation, letter_of) in shown_text(item.group())
    return checked_references


@pytest.mark.django_db
def test_every_letter_in_feedback_names_the_right_choice_in_every_order(bank):
    checked = letters_checked(Question.objects.filter(topic=bank.topic))
    # role and pair name choices twice (4 choices: 24 orders; 5 choices: 120), the disputed
    # question once (24 orders): every reference was checked in every order.
    assert checked == 2 * 24 + 2 * 120 + 1 * 24


@pytest.mark.django_db
def test_the_question_page_letters_follow_the_banks_order(client, bank):
    response = client.get(bank.pair.get_absolute_url(), {"answer": "show"})
    html = response.content.decode()
    assert "A + E were correct until Feb 2017." in shown_text(html)
    assert '<span class="choice-ref">E</span> was correct before' in html
