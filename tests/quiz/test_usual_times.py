"""A learner's usual response times, kept by the database as answers are recorded (one row
per kind of question) and read by the answer post with the page: the same times the answer
history gives, checked and repaired by progress_check."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from quiz.models import AnswerRecord, UsualTimes
from quiz.selectors import review as review_selectors
from quiz.services import answer_record
from quiz.services.progress import usual_times_check, usual_times_drift
from quiz.services.time_travel import srs_time_travel
from quiz.srs import USUAL_TIME_WINDOW
from tests.factories import QuestionFactory, TopicFactory, UserFactory
from tests.helpers import answer_at

pytestmark = pytest.mark.django_db


def from_history(user, *, multi: bool) -> list[int]:
    """The definition: the latest correct timed answers of the kind, newest first."""
    answers = AnswerRecord.objects.filter(
        user=user, multi=multi, is_correct=True, response_ms__isnull=False
    ).order_by("-answered_at", "-pk")
    return list(answers.values_list("response_ms", flat=True)[:USUAL_TIME_WINDOW])


def test_only_correct_timed_answers_count_newest_first_per_kind():
    user, topic = UserFactory(), TopicFactory()
    single, multi = QuestionFactory(topic=topic), QuestionFactory(topic=topic, choose=2)
    start = timezone.now() - timedelta(hours=5)
    answer_at(user, single, True, start, response_ms=11_000)
    answer_at(user, single, False, start + timedelta(minutes=1), response_ms=99_000)  # wrong
    answer_at(user, single, True, start + timedelta(minutes=2))  # untimed (an exam's)
    answer_at(user, multi, True, start + timedelta(minutes=3), response_ms=40_000)
    answer_at(user, single, True, start + timedelta(minutes=4), response_ms=12_345)

    assert review_selectors.usual_response_ms(user, multi=False) == [12_345, 11_000]
    assert review_selectors.usual_response_ms(user, multi=True) == [40_000]
    assert review_selectors.usual_response_ms(UserFactory(), multi=False) == []


def test_the_window_keeps_the_latest_fifty_and_matches_the_history_throughout():
    user, topic = UserFactory(), TopicFactory()
    rng = random.Random(7)
    questions = [QuestionFactory(topic=topic, choose=choose) for choose in (1, 2, 1, 2, 1, 2)]
    start = timezone.now() - timedelta(days=3)
    for step in range(240):
        question = rng.choice(questions)
        ms = None if rng.random() < 0.15 else rng.randint(0, 2_000_000_000)  # to the largest
        answer_at(user, question, rng.random() < 0.8, start + timedelta(minutes=step), ms)
        if step % 60 == 0 or step == 239:
            for multi in (False, True):
                assert review_selectors.usual_response_ms(user, multi=multi) == from_history(
                    user, multi=multi
                )
    assert all(len(from_history(user, multi=m)) == USUAL_TIME_WINDOW for m in (False, True))
    assert usual_times_drift() == []


def test_moving_history_in_time_keeps_the_times():
    user, question = UserFactory(), QuestionFactory()
    answer_at(user, question, True, timezone.now() - timedelta(days=2), response_ms=9_000)
    srs_time_travel(user=user, days=5)
    assert review_selectors.usual_response_ms(user, multi=False) == [9_000]
    assert usual_times_drift() == []


def test_the_answer_page_reads_the_times_before_this_answer():
    """What the answer post rates against: the window without the answer being recorded
    (it completes the window), read with the item in the page's query."""
    from tests.quiz.test_review import practice_item_read_for_answering

    user, topic = UserFactory(), TopicFactory()
    start = timezone.now() - timedelta(hours=2)
    for minute, question in enumerate(QuestionFactory.create_batch(55, topic=topic)):
        answer_at(user, question, True, start + timedelta(minutes=minute), 1_000 + minute)
    item = practice_item_read_for_answering(user, QuestionFactory(topic=topic))
    assert item.card_snapshot.earlier_correct_ms == from_history(user, multi=False)[:49]


def test_progress_check_reports_and_repairs_drifted_times(capsys):
    user, question = UserFactory(), QuestionFactory()
    answer_record(user=user, question=question, labels=["B"], response_ms=5_000)
    UsualTimes.objects.filter(user=user).update(times=UsualTimes.written([1, 2]))
    stray = UserFactory()
    UsualTimes.objects.create(user=stray, multi=True, times=UsualTimes.written([7]))

    assert usual_times_drift() == [(user.pk, False, [1, 2], [5_000]), (stray.pk, True, [7], [])]
    with pytest.raises(CommandError, match="2 set"):
        call_command("progress_check")
    call_command("progress_check", "--fix")

    assert "single-answer questions: stored 2 usual time(s)" in capsys.readouterr().out
    assert usual_times_drift() == []
    assert review_selectors.usual_response_ms(user, multi=False) == [5_000]
    assert not UsualTimes.objects.filter(user=stray).exists()
    assert usual_times_check() == []
