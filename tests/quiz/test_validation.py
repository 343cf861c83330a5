from datetime import date

import pytest

from quiz.validation import (
    ChoiceData,
    KeyRevisionData,
    QuestionData,
    ReferenceData,
    explanation_gaps,
    validate_question,
)


def question(**overrides):
    data = {
        "ext_id": "q-1",
        "stem": "Which?",
        "choose": 1,
        "choices": [ChoiceData("A", "one"), ChoiceData("B", "two", is_correct=True)],
    }
    data.update(overrides)
    return QuestionData(**data)


def messages(data):
    return [(p.path, p.message) for p in validate_question(data)]


def test_valid_question_has_no_problems():
    assert validate_question(question()) == []


# Each invalid question, and the problems (path, message) the validator must find in it.
INVALID = {
    "fewer than two choices": (
        {"choices": [ChoiceData("A", "one", is_correct=True)]},
        [(("choices",), "a question needs at least two choices, it has 1")],
    ),
    "no correct choice": (
        {"choices": [ChoiceData("A", "one"), ChoiceData("B", "two")]},
        [(("choices",), "no choice is marked correct")],
    ),
    "a label used twice and a label that is no letter": (
        {"choices": [ChoiceData("A", "x", True), ChoiceData("A", "y"), ChoiceData("ab", "z")]},
        [
            (("choices", 1, "label"), "label A is used twice (choices 1 and 2)"),
            (("choices", 2, "label"), "label 'ab' must be one letter A-Z"),
        ],
    ),
    "a choice without text": (
        {"choices": [ChoiceData("A", "  ", True), ChoiceData("B", "y")]},
        [(("choices", 0, "text"), "choice A has no text")],
    ),
    "an earlier key with an unknown label and no note": (
        {"key_history": [KeyRevisionData(["Z"], date(2017, 2, 1), "month", "")]},
        [
            (("key_history", 0, "correct"), "earlier key names label(s) Z that no choice has"),
            (("key_history", 0, "note"), "an earlier key needs a note saying why it changed"),
        ],
    ),
}


@pytest.mark.parametrize(("overrides", "expected"), INVALID.values(), ids=INVALID.keys())
def test_an_invalid_question_gets_each_problem_at_its_path(overrides, expected):
    result = messages(question(**overrides))
    for problem in expected:
        assert problem in result


def test_choose_must_equal_correct_count():
    data = question(
        choose=2,
        choices=[ChoiceData("A", "x", True), ChoiceData("B", "y"), ChoiceData("C", "z")],
    )
    assert messages(data) == [
        (("choose",), "choose is 2 but 1 choice(s) are marked correct (A): they must be equal")
    ]


def test_empty_stem_and_bad_id():
    result = messages(question(stem=" ", ext_id="Bad Id"))
    assert (("stem",), "the question has no text (stem)") in result
    assert any(path == ("id",) for path, _ in result)


def test_reference_needs_note_or_valid_url():
    data = question(
        references=[ReferenceData(), ReferenceData(url="ftp://x"), ReferenceData(note_anchor="a")]
    )
    result = messages(data)
    assert (("references", 0), "a reference names either a notes section (note) or a url") in result
    assert (("references", 1, "url"), "url 'ftp://x' must start with http(s)://") in result
    assert len(result) == 2


# ---- choice references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"explanation": "D was correct until 2017."}, ("explanation",)),
        ({"disputed": "Readers argue for (A)."}, ("disputed",)),
        ({"stem": "Is the answer A or B?"}, ("stem",)),
        (
            {
                "choices": [
                    ChoiceData("A", "one"),
                    ChoiceData("B", "Both A and C", True),
                    ChoiceData("C", "x"),
                ]
            },
            ("choices", 1, "text"),
        ),
        (
            {
                "choices": [
                    ChoiceData("A", "one", explanation="Unlike option B, this works."),
                    ChoiceData("B", "two", True),
                ]
            },
            ("choices", 0, "explanation"),
        ),
        (
            {"key_history": [KeyRevisionData(["A"], date(2017, 2, 1), "month", "A was right.")]},
            ("key_history", 0, "note"),
        ),
    ],
    ids=["explanation", "disputed", "stem", "choice text", "choice explanation", "key note"],
)
def test_a_bare_letter_naming_a_choice_is_refused_where_it_is(overrides, path):
    data = question(
        choices=[
            ChoiceData("A", "one"),
            ChoiceData("B", "two", True),
            ChoiceData("C", "x"),
            ChoiceData("D", "y"),
        ]
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    problems = [p for p in validate_question(data) if "bare letter" in p.message]
    assert problems and {p.path for p in problems} == {path}
    assert all("[[" in p.message and "shuffle: false" in p.message for p in problems)


def test_references_are_fine_and_must_name_a_choice_of_the_question():
    data = question(explanation="[[B]] is right, not [[A]].", disputed="Readers argue for [[A]].")
    assert validate_question(data) == []
    data.explanation = "[[E]] is right."
    assert messages(data) == [
        (
            ("explanation",),
            "the explanation refers to choice(s) [[E]] that the question does not have",
        )
    ]


def test_a_question_that_keeps_its_order_may_use_fixed_letters():
    data = question(explanation="B is right.", shuffle=False)
    assert validate_question(data) == []


def test_the_line_of_a_bare_letter_inside_a_long_text_is_given():
    data = question(explanation="First line.\n\nSecond paragraph: the answer is B.")
    [problem] = validate_question(data)
    assert problem.text_line == 2


def test_explanation_gaps_name_what_a_fully_explained_question_lacks():
    data = question(
        choices=[
            ChoiceData("A", "one"),
            ChoiceData("B", "two", True),
            ChoiceData("C", "x", explanation="No."),
        ]
    )
    assert [(p.path, p.message) for p in explanation_gaps(data)] == [
        (("explanation",), "has no explanation of why the key is right"),
        (("choices", 0, "explanation"), "wrong choice A has no explanation of why it is wrong"),
    ]
    data.explanation = "Because."
    data.choices[0].explanation = "No."
    assert explanation_gaps(data) == []
