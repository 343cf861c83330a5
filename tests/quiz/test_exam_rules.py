import pytest

from quiz.exam_rules import allocate, passed, score


def test_allocation_follows_weights_with_largest_remainders():
    assert allocate({"a": 1, "b": 1, "c": 2}, {"a": 50, "b": 50, "c": 50}, 10) == {
        "a": 3,
        "b": 2,
        "c": 5,
    } or allocate({"a": 1, "b": 1, "c": 2}, {"a": 50, "b": 50, "c": 50}, 10) == {
        "a": 2,
        "b": 3,
        "c": 5,
    }
    assert sum(allocate({"a": 3, "b": 7}, {"a": 100, "b": 100}, 65).values()) == 65
    assert allocate({"a": 3, "b": 7}, {"a": 100, "b": 100}, 10) == {"a": 3, "b": 7}


def test_a_short_topic_gives_its_shortfall_to_the_others():
    assert allocate({"a": 1, "b": 1}, {"a": 2, "b": 50}, 10) == {"a": 2, "b": 8}


def test_a_bank_that_cannot_fill_the_exam_says_so():
    with pytest.raises(ValueError, match="needs 65 published questions, the bank has 15"):
        allocate({"ec2": 1}, {"ec2": 15}, 65)


def test_scaled_and_percent_scores():
    assert score(correct=65, total=65, scale="scaled") == 1000
    assert score(correct=0, total=65, scale="scaled") == 100
    assert score(correct=45, total=65, scale="scaled") == 723
    assert passed(score_value=723, passing_score=720) and not passed(
        score_value=719, passing_score=720
    )
    assert score(correct=7, total=10, scale="percent") == 70
