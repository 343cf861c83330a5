"""The per-topic progress rows the dashboard reads: kept by the database on every answer,
recounted when history moves or a key changes, checked by progress_check."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Question, ReviewCard, TopicCardCount, TopicProgress, TopicQuestionCount
from quiz.selectors.bank import live_question_counts
from quiz.selectors.dashboard import DASHBOARD_TOPICS, dashboard, progress_topics
from quiz.selectors.review import review_counts
from quiz.services import (
    QuestionPlacement,
    answer_record,
    key_change,
    profile_for,
    question_merge,
    question_retire,
    question_save,
    questions_set_status,
    questions_sync,
)
from quiz.services.progress import (
    card_counts_drift,
    progress_check,
    progress_drift,
    question_counts_drift,
)
from quiz.services.time_travel import srs_time_travel
from quiz.validation import ChoiceData, QuestionData
from tests.factories import CertificationFactory, QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def row(user, topic) -> TopicProgress:
    return TopicProgress.objects.get(user=user, topic=topic)


def test_each_answer_updates_its_topic_row_as_it_is_recorded(user):
    topic = TopicFactory()
    first, second = QuestionFactory.create_batch(2, topic=topic)
    now = timezone.now()
    answer_record(user=user, question=first, labels=["B"], answered_at=now)
    assert (row(user, topic).answered, row(user, topic).answers) == (1, 1)
    assert row(user, topic).recent == "1" and row(user, topic).last_answered_at == now
    answer_record(user=user, question=first, labels=["A"], answered_at=now + timedelta(1))
    answer_record(user=user, question=second, labels=["B"], answered_at=now + timedelta(2))
    progress = row(user, topic)
    # A repeat adds an answer, not a question; the window reads oldest first.
    assert (progress.answered, progress.answers, progress.recent) == (2, 3, "101")
    assert progress.recent_percent == 67 and progress.last_answered_at == now + timedelta(2)


def test_the_window_keeps_the_latest_twenty_answers(user):
    topic = TopicFactory()
    question = QuestionFactory(topic=topic)
    now = timezone.now()
    for minute in range(25):
        right = minute >= 10  # the first 10 wrong, the last 15 right
        labels = ["B"] if right else ["A"]
        answer_record(
            user=user, question=question, labels=labels, answered_at=now + timedelta(minutes=minute)
        )
    assert row(user, topic).recent == "0" * 5 + "1" * 15
    assert row(user, topic).recent_percent == 75


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answers_in_any_order_leave_the_rows_as_a_recount_finds_them(seed):
    """Back-dated answers (imports, simulations, a clock set back) recompute the window."""
    rng = random.Random(seed)
    learners = UserFactory.create_batch(3)
    topics = TopicFactory.create_batch(3)
    questions = [QuestionFactory(topic=topic) for topic in topics for _ in range(4)]
    now = timezone.now()
    for _ in range(120):
        answer_record(
            user=rng.choice(learners),
            question=rng.choice(questions),
            labels=[rng.choice("AB")],
            answered_at=now - timedelta(minutes=rng.randint(0, 3000)),
        )
    assert TopicProgress.objects.count() == 9
    assert progress_drift() == []


def test_a_key_change_recounts_the_window_by_the_new_key(user):
    topic = TopicFactory()
    question = QuestionFactory(topic=topic)
    answer_record(user=user, question=question, labels=["C"])
    assert row(user, topic).recent == "0"
    key_change(
        question=question,
        correct_labels=["C"],
        note="[[C]] is right since the change.",
        effective=date(2026, 3, 4),
        user=None,
    )
    assert row(user, topic).recent == "1"
    assert progress_drift() == []


def test_moving_a_question_to_another_topic_moves_its_learners_counts(user):
    old, new = TopicFactory(), TopicFactory()
    moved, staying = QuestionFactory(topic=old), QuestionFactory(topic=old)
    answer_record(user=user, question=moved, labels=["B"])
    answer_record(user=user, question=staying, labels=["A"])
    moved.topic = new
    question_save(question=moved, choices=list(moved.choices.all()))
    assert (row(user, old).answered, row(user, old).recent) == (1, "0")
    assert (row(user, new).answered, row(user, new).recent) == (1, "1")
    assert progress_drift() == []


def test_a_sync_that_moves_a_question_recounts_both_topics(user):
    old, new = TopicFactory(), TopicFactory()
    question = QuestionFactory(topic=old)
    answer_record(user=user, question=question, labels=["B"])
    data = QuestionData(
        ext_id=question.ext_id,
        stem=question.stem,
        choose=1,
        shuffle=True,
        choices=[ChoiceData(label, f"Service {n}", label == "C") for n, label in enumerate("ABCD")],
    )
    questions_sync(placements=[QuestionPlacement(topic=new, data=data, number=1)])
    assert not TopicProgress.objects.filter(topic=old).exists()
    assert row(user, new).recent == "0"  # B was right; the file's key says C
    assert progress_drift() == []


def test_a_merge_moves_the_counts_with_the_answers(user):
    here, there = TopicFactory(), TopicFactory()
    survivor, duplicate = QuestionFactory(topic=here), QuestionFactory(topic=there)
    answer_record(user=user, question=survivor, labels=["B"])
    answer_record(user=user, question=duplicate, labels=["B"])
    question_merge(
        duplicate=duplicate, survivor=survivor, pairing={label: label for label in "ABCD"}
    )
    assert (row(user, here).answered, row(user, here).answers) == (1, 2)
    assert not TopicProgress.objects.filter(topic=there).exists()
    assert progress_drift() == []


def test_time_travel_moves_the_latest_answer_time(user):
    question = QuestionFactory()
    answer_record(user=user, question=question, labels=["B"])
    before = row(user, question.topic).last_answered_at
    srs_time_travel(user=user, days=3)
    assert row(user, question.topic).last_answered_at == before - timedelta(days=3)
    assert progress_drift() == []


def test_progress_check_reports_drift_and_fix_rewrites_it(user):
    question = QuestionFactory()
    answer_record(user=user, question=question, labels=["B"])
    TopicProgress.objects.update(answered=7, recent="00")
    stray = TopicFactory()
    TopicProgress.objects.create(
        user=user, topic=stray, answered=1, answers=1, last_answered_at=timezone.now()
    )
    assert len(progress_check()) == 2
    with pytest.raises(CommandError, match="2 progress row"):
        call_command("progress_check")
    call_command("progress_check", "--fix")
    assert progress_check() == []
    assert (row(user, question.topic).answered, row(user, question.topic).recent) == (1, "1")
    assert not TopicProgress.objects.filter(topic=stray).exists()


def test_the_dashboard_lists_the_latest_topics_and_links_to_all(learner_client, user):
    topics = TopicFactory.create_batch(DASHBOARD_TOPICS + 2)
    now = timezone.now()
    for index, topic in enumerate(topics):
        answer_record(
            user=user,
            question=QuestionFactory(topic=topic),
            labels=["B"],
            answered_at=now - timedelta(hours=len(topics) - index),
        )
    data = dashboard(user)
    shown = [mastery.topic for mastery in data.topics]
    assert shown == list(reversed(topics))[:DASHBOARD_TOPICS]  # latest practised first
    assert (data.topics_practised, data.more_topics) == (len(topics), 2)
    response = learner_client.get(reverse("quiz:home"))
    assertContains(response, f"All {len(topics)} topics you have practised")
    assertNotContains(response, topics[0].title)
    everything = learner_client.get(reverse("quiz:progress"))
    for topic in topics:
        assertContains(everything, topic.title)
    assert [m.topic for m in progress_topics(user)] == sorted(
        topics, key=lambda t: (t.certification.position, t.position, t.title)
    )


def test_a_few_topics_need_no_link_to_the_progress_page(learner_client, user):
    answer_record(user=user, question=QuestionFactory(), labels=["B"])
    assertNotContains(learner_client.get(reverse("quiz:home")), reverse("quiz:progress"))


def live(topic) -> int:
    return TopicQuestionCount.objects.get(topic=topic).live


def test_each_topic_counts_its_live_questions_as_they_change():
    topic, other = TopicFactory(), TopicFactory()
    first, second = QuestionFactory.create_batch(2, topic=topic)
    QuestionFactory(topic=topic, status=Question.Status.DRAFT)
    assert live(topic) == 2
    question_retire(question=first)
    assert live(topic) == 1
    questions_set_status(question_ids=[first.pk], status=Question.Status.PUBLISHED)
    assert live(topic) == 2
    second.topic = other
    question_save(question=second, choices=list(second.choices.all()))
    assert (live(topic), live(other)) == (1, 1)
    survivor = QuestionFactory(topic=other)
    question_merge(duplicate=first, survivor=survivor, pairing={x: x for x in "ABCD"})
    assert (live(topic), live(other)) == (0, 2)
    second.delete()
    assert live(other) == 1
    assert question_counts_drift() == []


def test_the_pages_read_the_kept_counts(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    answer_record(user=user, question=QuestionFactory(topic=topic), labels=["B"])
    assert dashboard(user).topics[0].total == 4
    assert live_question_counts([topic.pk]) == {topic.pk: 4}
    topic.is_active = False
    topic.save()
    assert live_question_counts([topic.pk]) == {}  # an inactive topic offers none
    assert dashboard(user).topics[0].total == 0


def test_progress_check_repairs_a_topic_count(user):
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic)
    TopicQuestionCount.objects.filter(topic=topic).update(live=9)
    assert question_counts_drift() == [(topic.pk, 9, 2)]
    with pytest.raises(CommandError, match="1 topic count"):
        call_command("progress_check")
    call_command("progress_check", "--fix")
    assert live(topic) == 2 and question_counts_drift() == []


def cards_live(user, topic) -> int:
    """The kept count of the learner's cards on live questions of the topic."""
    row = TopicCardCount.objects.filter(user=user, topic=topic).first()
    return row.live if row else 0


def cards_counted(user, topic) -> int:
    """The same, counted from the cards."""
    return ReviewCard.objects.filter(
        user=user,
        question__topic=topic,
        question__status=Question.Status.PUBLISHED,
        question__duplicate_of__isnull=True,
    ).count()


def test_each_learners_card_count_follows_their_cards_and_the_questions(user):
    topic, other = TopicFactory(), TopicFactory()
    first, second, third = QuestionFactory.create_batch(3, topic=topic)
    someone = UserFactory()
    for question in (first, second, third):
        answer_record(user=user, question=question, labels=["B"])
    answer_record(user=someone, question=first, labels=["A"])
    answer_record(user=user, question=first, labels=["A"])  # a second answer: the same card

    def counts():
        kept = (cards_live(user, topic), cards_live(user, other), cards_live(someone, topic))
        assert kept == (
            cards_counted(user, topic),
            cards_counted(user, other),
            cards_counted(someone, topic),
        )
        return kept

    assert counts() == (3, 0, 1)
    question_retire(question=first)
    assert counts() == (2, 0, 0)
    questions_set_status(question_ids=[first.pk], status=Question.Status.PUBLISHED)
    assert counts() == (3, 0, 1)
    second.topic = other
    question_save(question=second, choices=list(second.choices.all()))
    assert counts() == (2, 1, 1)
    survivor = QuestionFactory(topic=other)
    question_merge(duplicate=third, survivor=survivor, pairing={x: x for x in "ABCD"})
    counts()  # the duplicate's card moved to the survivor or stopped counting
    assert cards_live(user, topic) == 1
    ReviewCard.objects.filter(user=user, question=first).delete()
    first.delete()
    assert counts() == (0, cards_counted(user, other), 0)
    assert card_counts_drift() == []


def test_new_questions_left_are_the_live_questions_without_a_card(user):
    """Counted from the kept counts, as the unseen questions are: live questions of active
    topics (of the target exam), less the learner's cards on them."""
    target, elsewhere = CertificationFactory(), CertificationFactory()
    topic = TopicFactory(certification=target)
    retired_topic = TopicFactory(certification=target)
    other = TopicFactory(certification=elsewhere)
    questions = QuestionFactory.create_batch(6, topic=topic)
    QuestionFactory.create_batch(2, topic=retired_topic)
    QuestionFactory.create_batch(4, topic=other)
    QuestionFactory(topic=topic, status=Question.Status.DRAFT)
    for question in [*questions[:2], *Question.objects.filter(topic=other)[:1]]:
        answer_record(user=user, question=question, labels=["B"])
    answer_record(user=user, question=Question.objects.filter(topic=retired_topic)[0], labels=["B"])
    retired_topic.is_active = False
    retired_topic.save()
    profile = profile_for(user)
    profile.new_per_day = 100
    profile.save()
    now = timezone.now()
    assert review_counts(user, profile, now=now).new_available == (6 - 2) + (4 - 1)
    profile.target_certification = target
    profile.save()
    assert review_counts(user, profile, now=now).new_available == 6 - 2
    question_retire(question=questions[0])  # studied: one live question and one card fewer
    assert review_counts(user, profile, now=now).new_available == 6 - 2
    question_retire(question=questions[5])  # not studied: one fewer left
    assert review_counts(user, profile, now=now).new_available == 6 - 2 - 1


def test_progress_check_repairs_a_learners_card_count(user):
    topic = TopicFactory()
    answer_record(user=user, question=QuestionFactory(topic=topic), labels=["B"])
    TopicCardCount.objects.filter(user=user, topic=topic).update(live=7)
    assert card_counts_drift() == [(user.pk, topic.pk, 7, 1)]
    with pytest.raises(CommandError, match="1 card count"):
        call_command("progress_check")
    call_command("progress_check", "--fix")
    assert cards_live(user, topic) == 1 and card_counts_drift() == []
