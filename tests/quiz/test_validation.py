from datetime import date

from quiz.validation import (
    ChoiceData,
    KeyRevisionData,
    QuestionData,
    ReferenceData,
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


def test_fewer_than_two_choices():
    result = messages(question(choices=[ChoiceData("A", "one", is_correct=True)]))
    assert (("choices",), "a question needs at least two choices, it has 1") in result


def test_no_correct_choice():
    result = messages(question(choices=[ChoiceData("A", "one"), ChoiceData("B", "two")]))
    assert (("choices",), "no choice is marked correct") in result


def test_choose_must_equal_correct_count():
    data = question(
        choose=2,
        choices=[ChoiceData("A", "x", True), ChoiceData("B", "y"), ChoiceData("C", "z")],
    )
    assert messages(data) == [
        (("choose",), "choose is 2 but 1 choice(s) are marked correct (A): they must be equal")
    ]


def test_duplicate_and_bad_labels():
    data = question(
        choices=[ChoiceData("A", "x", True), ChoiceData("A", "y"), ChoiceData("ab", "z")]
    )
    result = messages(data)
    assert (("choices", 1, "label"), "label A is used twice (choices 1 and 2)") in result
    assert (("choices", 2, "label"), "label 'ab' must be one letter A-Z") in result


def test_empty_choice_text():
    data = question(choices=[ChoiceData("A", "  ", True), ChoiceData("B", "y")])
    assert (("choices", 0, "text"), "choice A has no text") in messages(data)


def test_empty_stem_and_bad_id():
    result = messages(question(stem=" ", ext_id="Bad Id"))
    assert (("stem",), "the question has no text (stem)") in result
    assert any(path == ("id",) for path, _ in result)


def test_key_history_needs_known_labels_and_a_note():
    data = question(key_history=[KeyRevisionData(["Z"], date(2017, 2, 1), "month", "")])
    result = messages(data)
    assert (
        ("key_history", 0, "correct"),
        "earlier key names label(s) Z that no choice has",
    ) in result
    assert (
        ("key_history", 0, "note"),
        "an earlier key needs a note saying why it changed",
    ) in result


def test_reference_needs_note_or_valid_url():
    data = question(
        references=[ReferenceData(), ReferenceData(url="ftp://x"), ReferenceData(note_anchor="a")]
    )
    result = messages(data)
    assert (("references", 0), "a reference names either a notes section (note) or a url") in result
    assert (("references", 1, "url"), "url 'ftp://x' must start with http(s)://") in result
    assert len(result) == 2
