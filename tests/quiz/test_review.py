"""Spaced repetition with controlled time."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from fsrs import Card, Rating, Scheduler
from pytest_django.asserts import assertContains, assertNotContains

from quiz import srs
from quiz.models import Question, ReviewCard, ReviewDay, ReviewLog
from quiz.selectors import practice as practice_selectors
from quiz.selectors import review as review_selectors
from quiz.services import (
    answer_record,
    key_change,
    practice_answer,
    practice_start,
    profile_for,
    profile_update,
    review_start,
    srs_rate,
)
from tests.factories import QuestionFactory, TopicFactory, UserFactory
from tests.helpers import answer_at

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_rating_from_the_answer():
    usual = [10_000] * 10
    assert srs.rating_for(correct=False, response_ms=1000, usual_ms=usual) == Rating.Again
    assert srs.rating_for(correct=True, response_ms=16_000, usual_ms=usual) == Rating.Hard
    assert srs.rating_for(correct=True, response_ms=5_000, usual_ms=usual) == Rating.Easy
    assert srs.rating_for(correct=True, response_ms=10_000, usual_ms=usual) == Rating.Good
    assert (
        srs.rating_for(correct=True, response_ms=1_000, usual_ms=usual[:9]) == Rating.Good
    )  # too little history
    assert srs.rating_for(correct=True, response_ms=None, usual_ms=usual) == Rating.Good


def test_interval_labels():
    assert srs.interval_label(timedelta(minutes=10)) == "10 min"
    assert srs.interval_label(timedelta(hours=5)) == "5 h"
    assert srs.interval_label(timedelta(days=3)) == "3 d"
    assert srs.interval_label(timedelta(days=90)) == "3 mo"


def test_first_answer_creates_a_card_and_a_review_row():
    user, question = UserFactory(), QuestionFactory()
    record = answer_at(user, question, True, T0, response_ms=8000)
    card = ReviewCard.objects.get(user=user, question=question)
    log = ReviewLog.objects.get(card=card)
    assert (log.rating, log.is_correct, log.chosen_labels, log.response_ms, log.source) == (
        3,
        True,
        "B",
        8000,
        "practice",
    )
    assert log.record == record and log.reviewed_at == T0
    assert card.reps == 1 and card.lapses == 0 and card.created_at == T0


def practice_item_read_for_answering(user, question):
    """An item of a new session, shown 16 s ago and loaded as the answer post loads it."""
    session = practice_start(
        user=user, scope="topics", topics=[question.topic], size=1, question_ids=[question.pk]
    )
    session.items.update(shown_at=timezone.now() - timedelta(seconds=16))
    return practice_selectors.item_for_page(user, session.pk, 1, answering=True)


def correct_ids(question) -> list[str]:
    return [str(c.pk) for c in question.choices.all() if c.is_correct]


def test_the_answer_being_rated_counts_toward_the_learners_usual_time():
    user, topic = UserFactory(), TopicFactory()
    for question in QuestionFactory.create_batch(9, topic=topic):
        answer_at(user, question, True, timezone.now() - timedelta(hours=1), response_ms=10_000)
    question = QuestionFactory(topic=topic)
    item = practice_item_read_for_answering(user, question)
    practice_answer(item=item, raw_choice_ids=correct_ids(question), snapshot=item.card_snapshot)
    # Nine earlier times and this one make the ten needed: 16 s is slow against 10 s.
    assert ReviewLog.objects.get(record__question=question).rating == Rating.Hard


def test_the_usual_time_read_with_the_page_counts_only_questions_of_the_same_kind():
    user, topic = UserFactory(), TopicFactory()
    earlier = timezone.now() - timedelta(hours=1)
    for question in QuestionFactory.create_batch(3, topic=topic):
        answer_at(user, question, True, earlier, response_ms=10_000)
    for question in QuestionFactory.create_batch(2, topic=topic, choose=2):
        answer_at(user, question, True, earlier, response_ms=40_000)

    single = practice_item_read_for_answering(user, QuestionFactory(topic=topic))
    multi = practice_item_read_for_answering(user, QuestionFactory(topic=topic, choose=2))

    assert single.card_snapshot.earlier_correct_ms == [10_000] * 3
    assert multi.card_snapshot.earlier_correct_ms == [40_000] * 2
    assert sorted(single.card_snapshot.earlier_correct_ms) == sorted(
        review_selectors.usual_response_ms(user, multi=False)
    )


def test_an_answer_read_before_another_review_of_its_card_builds_on_that_review():
    user, question = UserFactory(), QuestionFactory()
    answer_at(user, question, True, timezone.now() - timedelta(days=2))
    item = practice_item_read_for_answering(user, question)
    assert item.card_snapshot.card.reps == 1
    answer_at(user, question, True, timezone.now() - timedelta(days=1))  # another tab, meanwhile
    practice_answer(item=item, raw_choice_ids=correct_ids(question), snapshot=item.card_snapshot)
    card = ReviewCard.objects.get(user=user, question=question)
    assert card.reps == 3 and card.logs.count() == 3


def test_reviews_are_counted_per_local_day_and_rerating_moves_the_pass():
    user, question = UserFactory(), QuestionFactory()
    profile_update(user=user, time_zone="Europe/Berlin")
    answer_at(user, question, False, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    answer_at(user, question, True, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 3 March in Berlin
    answer_at(user, question, True, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    days = {d.day: (d.reviews, d.passed) for d in ReviewDay.objects.filter(user=user)}
    assert days == {date(2026, 3, 2): (1, 0), date(2026, 3, 3): (2, 2)}
    srs_rate(log=ReviewLog.objects.latest("reviewed_at"), user=user, rating=ReviewLog.Rating.AGAIN)
    assert ReviewDay.objects.get(user=user, day=date(2026, 3, 3)).passed == 1


def test_good_and_again_progressions_match_fsrs():
    user, question = UserFactory(), QuestionFactory()
    scheduler = Scheduler(enable_fuzzing=False)
    expected = Card(card_id=1, due=T0)
    moment = T0
    for correct in [True, True, False, True, True, True]:
        answer_at(user, question, correct, moment)
        expected, _ = scheduler.review_card(
            expected, Rating.Good if correct else Rating.Again, review_datetime=moment
        )
        card = ReviewCard.objects.get(user=user, question=question)
        assert card.due == expected.due
        assert card.state == int(expected.state) and card.step == expected.step
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
        moment = expected.due  # answer exactly when due
    assert card.lapses == 1


def test_due_queue_serves_missed_cards_first_then_the_most_overdue_in_one_query(
    django_assert_num_queries,
):
    user = UserFactory()
    now = T0 + timedelta(days=30)

    def card(state, step, stability, due_days_ago, last_days_ago):
        last = now - timedelta(days=last_days_ago)
        return ReviewCard.objects.create(
            user=user,
            question=QuestionFactory(),
            state=state,
            step=step,
            stability=stability,
            difficulty=5.0,
            due=now - timedelta(days=due_days_ago),
            last_review=last,
            last_review_ts=last.timestamp(),
            created_at=last,
        )

    weak_but_recent = card(ReviewCard.State.REVIEW, None, 1.0, 0.5, 1.5)
    strong_but_long_waiting = card(ReviewCard.State.REVIEW, None, 50.0, 6, 46)
    waiting = card(ReviewCard.State.REVIEW, None, 5.0, 2, 7)
    missed = card(ReviewCard.State.RELEARNING, 0, 3.0, 0.01, 0.02)
    learning = card(ReviewCard.State.LEARNING, 1, 2.3, 0.1, 0.2)
    card(ReviewCard.State.REVIEW, None, 5.0, -1, 4)  # due tomorrow: not in the queue

    with django_assert_num_queries(1):
        queue = review_selectors.due_queue(user, now=now, limit=10)

    expected = [missed, learning, strong_but_long_waiting, waiting, weak_but_recent]
    assert queue == [c.question_id for c in expected]


def review_card(user, *, stability: float, last: datetime, due: datetime) -> ReviewCard:
    """A card in the Review state, as FSRS left it after its last review."""
    return ReviewCard.objects.create(
        user=user,
        question=QuestionFactory(),
        state=ReviewCard.State.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last,
        last_review_ts=last.timestamp(),
        created_at=last,
        reps=3,
    )


def test_under_a_daily_limit_the_queue_rotates_through_every_waiting_card():
    """8 weak cards (they come back within days) and 7 strong ones long overdue, 4 reviews a
    day: the strong ones are served in the first two days and every card within four.
    Lowest recall first served the weak cards first, day after day, while the strong ones
    waited."""
    user = UserFactory()
    profile_update(user=user, max_reviews_per_day=4, new_per_day=0)
    weak = [review_card(user, stability=1.0, last=T0 - timedelta(days=1), due=T0) for _ in range(8)]
    strong = [
        review_card(user, stability=100.0, last=T0 - timedelta(days=60), due=T0 - timedelta(days=5))
        for _ in range(7)
    ]
    served = []
    for day in range(4):
        with time_machine.travel(T0 + timedelta(days=day, hours=1), tick=False):
            session = review_start(user=user, size=20)
            for item in session.items.select_related("question").order_by("position"):
                practice_answer(item=item, raw_choice_ids=correct_ids(item.question))
                served.append(item.question_id)
    assert set(served) == {c.question_id for c in weak + strong}
    # The longest waiting first: the strong cards in the first two days, not after the weak.
    assert served[:4] == [c.question_id for c in strong[:4]]
    assert {c.question_id for c in strong} <= set(served[:8])


def test_daily_new_limit_rolls_over_at_local_midnight():
    user = UserFactory()
    topic = TopicFactory()
    QuestionFactory.create_batch(6, topic=topic)
    profile_update(user=user, time_zone="Asia/Tokyo", new_per_day=2)
    # 14:30 UTC is 23:30 in Tokyo: one more new question fits today, then none.
    evening = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    for question in Question.objects.all()[:1]:
        answer_at(user, question, True, evening)
    profile = profile_for(user)
    assert review_selectors.review_counts(user, profile, now=evening).new_available == 1
    for question in Question.objects.all()[1:2]:
        answer_at(user, question, True, evening)
    assert review_selectors.review_counts(user, profile, now=evening).new_available == 0
    after_midnight = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)  # 00:30 in Tokyo
    assert review_selectors.review_counts(user, profile, now=after_midnight).new_available == 2


def test_the_review_overview_counts_today_and_the_forecast_in_one_round_trip(round_trips):
    user = UserFactory()
    questions = QuestionFactory.create_batch(2)
    profile_update(user=user, new_per_day=1)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    answer_at(user, questions[0], False, now - timedelta(days=2))
    answer_at(user, questions[1], True, now - timedelta(hours=1))  # today's one new card
    profile = profile_for(user)
    with round_trips() as waits:
        counts, days = review_selectors.review_overview(user, profile, now=now)
    # No room for new questions left today: the unseen count is not read.
    assert len(waits) == (1 if connection.vendor == "postgresql" else 2)
    # both due by now (a first answer's next step is minutes away)
    assert (counts.new_today, counts.new_available, counts.due_total) == (1, 0, 2)
    assert days[0] == (date(2026, 3, 2), 2) and len(days) == review_selectors.FORECAST_DAYS


def test_the_old_cap_is_still_selectable_for_comparison(settings):
    settings.SRS_EXAM_SCHEDULING = "cap"
    user, question = UserFactory(), QuestionFactory()
    with time_machine.travel(T0, tick=False):  # an exam date is set ahead of the day it is set
        profile_update(user=user, exam_date=date(2026, 3, 12))
    moment = T0
    cap = datetime(2026, 3, 9, tzinfo=UTC)  # 3 days before the exam
    while moment < cap:
        answer_at(user, question, True, moment)
        card = ReviewCard.objects.get(user=user)
        assert card.due <= cap
        moment = max(card.due, moment + timedelta(hours=1))
    # Closer than 3 days: halfway to the exam, so the card is still seen once more.
    answer_at(user, question, True, datetime(2026, 3, 10, tzinfo=UTC))
    assert ReviewCard.objects.get(user=user).due == datetime(2026, 3, 11, tzinfo=UTC)
    uncapped = UserFactory()
    moment = T0
    for _ in range(8):
        answer_at(uncapped, question, True, moment)
        moment = ReviewCard.objects.get(user=uncapped).due
    assert ReviewCard.objects.get(user=uncapped).due > datetime(2026, 3, 12, tzinfo=UTC)


def test_an_unknown_exam_scheduling_setting_is_a_configuration_error(settings):
    settings.SRS_EXAM_SCHEDULING = "pile"
    user, question = UserFactory(), QuestionFactory()
    with pytest.raises(ImproperlyConfigured, match="SRS_EXAM_SCHEDULING"):
        answer_at(user, question, True, T0)


def test_key_change_resets_cards_to_relearning_due_now_with_a_notice(learner_client, user, bank):
    q1 = bank.role  # key B; the bank's other questions are new to this learner
    answer_at(user, q1, True, T0)
    answer_at(user, q1, True, T0 + timedelta(days=1))
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        revision = key_change(
            question=q1,
            correct_labels=["C"],
            note="[[C]] is right since the 2026 change.",
            effective=date(2026, 3, 4),
            user=None,
        )
        card = ReviewCard.objects.get(user=user, question=q1)
        assert card.state == ReviewCard.State.RELEARNING and card.due == T0 + timedelta(days=3)
        assert card.key_changed == revision
        session = review_start(user=user, size=5)
        assert session.items.get(position=1).question == q1
    url = reverse("quiz:practice_question", kwargs={"pk": session.pk, "position": 1})
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        page = learner_client.get(url)
    # Before answering: only that it changed; the note would give the answer away.
    assertContains(page, "This question changed since you last studied it.")
    assertNotContains(page, "is right since the 2026 change")
    assertNotContains(page, "The answer changed on")
    answer = reverse("quiz:practice_answer", kwargs={"pk": session.pk, "position": 1})
    with time_machine.travel(T0 + timedelta(days=3, minutes=1), tick=False):
        response = learner_client.post(answer, {"choice": q1.choices.get(label="A").pk})
        assert response.status_code == 302, response.content.decode()[-1500:]
    page = learner_client.get(url)
    assertContains(page, "The answer changed on 4 Mar 2026 since you last studied it:")
    # The note names choice C by the letter it has in this learner's shuffled order.
    letter = "ABCD"[session.items.get(position=1).order_labels.index("C")]
    assertContains(
        page, f'<span class="choice-ref">{letter}</span> is right since the 2026 change.'
    )


def test_past_answers_keep_their_verdict_and_statistics_count_it():
    user = UserFactory()
    q2 = QuestionFactory()  # key B
    record = answer_record(user=user, question=q2, labels=["B"])
    key_change(
        question=q2, correct_labels=["A"], note="changed", effective=date(2026, 1, 1), user=None
    )
    record.refresh_from_db()
    assert record.is_correct is True  # what the learner was told at the time
    q2.refresh_from_db()
    assert q2.key_labels == "A"
    from quiz.selectors import question_statistics

    # Scored against the key in force when answered (it was right then), not today's.
    assert question_statistics(q2).percent_correct == 100


def test_rating_override_reschedules_like_fsrs_and_only_the_latest(learner_client, user):
    question = QuestionFactory()
    answer_at(user, question, True, T0)
    log = ReviewLog.objects.get()
    response = learner_client.post(
        reverse("quiz:review_rate", kwargs={"pk": log.pk}),
        {"rating": "4"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "is-current" in response.content.decode()
    expected, _ = Scheduler(enable_fuzzing=False).review_card(
        Card(card_id=1, due=T0), Rating.Easy, review_datetime=T0
    )
    card = ReviewCard.objects.get()
    assert card.due == expected.due
    log.refresh_from_db()
    assert log.rating == 4 and log.rating_overridden
    answer_at(user, question, False, T0 + timedelta(days=10))
    with pytest.raises(Exception, match="latest review"):
        srs_rate(log=log, user=user, rating=3)
    other = UserFactory()
    learner_client.force_login(other)
    assert (
        learner_client.post(
            reverse("quiz:review_rate", kwargs={"pk": log.pk}), {"rating": "3"}
        ).status_code
        == 404
    )


def test_leech_after_eight_lapses():
    user, question = UserFactory(), QuestionFactory()
    moment = T0
    for _ in range(8):
        answer_at(user, question, False, moment)
        moment += timedelta(hours=1)
    card = ReviewCard.objects.get()
    assert card.is_leech and card.lapses == 8
    assert review_selectors.leeches(user) == [card]


def test_review_session_serves_due_first_then_new():
    user = UserFactory()
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(5, topic=topic)
    answer_at(user, questions[3], False, T0)
    answer_at(user, questions[4], True, T0)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        session = review_start(user=user, size=10)
    order = list(session.items.order_by("position").values_list("question_id", flat=True))
    assert order[:2] == [questions[3].pk, questions[4].pk] or order[0] == questions[3].pk
    assert set(order[-3:]) == {q.pk for q in questions[:3]}
    assert session.scope == "review"


def test_review_answers_are_logged_as_review(user):
    topic = TopicFactory()
    question = QuestionFactory(topic=topic)
    session = review_start(user=user, size=5)
    item = session.items.get()
    practice_answer(item=item, raw_choice_ids=[str(question.choices.get(label="B").pk)])
    assert ReviewLog.objects.get().source == "review"


def test_acceptance_failed_questions_come_back_due_first(learner_client, user, bank):
    """Answer the bank's questions, some wrong, travel a day: exactly the failed ones are due."""
    live = bank.live
    wrong = {q.pk for q in live[::4]}
    moment = T0
    for question in live:
        answer_at(user, question, question.pk not in wrong, moment)
        moment += timedelta(minutes=1)
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        due = review_selectors.due_queue(user, now=moment + timedelta(days=1), limit=50)
        assert set(due[: len(wrong)]) == wrong  # failed ones first
        page = learner_client.get(reverse("quiz:review_home"))
    assertContains(page, "due now")


def test_review_page_renders_forecast_and_stats_with_fixed_queries(
    learner_client, user, django_assert_max_num_queries
):
    topic = TopicFactory()
    for question in QuestionFactory.create_batch(20, topic=topic):
        answer_at(user, question, True, T0)
    with time_machine.travel(T0, tick=False):
        profile_update(user=user, exam_date=date(2026, 4, 1))
    with (
        time_machine.travel(T0 + timedelta(hours=1), tick=False),
        django_assert_max_num_queries(10),
    ):
        response = learner_client.get(reverse("quiz:review_home"))
    html = response.content.decode()
    assert "<svg" in html and "Due reviews per day" in html
    assert "Retention (last 30 days)" in html and "Predicted recall on exam day" in html


def test_optimizer_command_with_too_few_reviews_keeps_defaults(capsys):
    user, question = UserFactory(username="ada"), QuestionFactory()
    answer_at(user, question, True, T0)
    call_command("optimize_srs", "--user", "ada")
    assert (
        "fewer than the 512 the optimizer needs; keeping FSRS's default parameters"
        in capsys.readouterr().out
    )
    assert profile_for(user).fsrs_parameters is None
    with pytest.raises(CommandError, match="No user named"):
        call_command("optimize_srs", "--user", "nobody")


def test_time_travel_command(settings, capsys):
    settings.DEBUG = True
    user, question = UserFactory(username="tt"), QuestionFactory()
    answer_at(user, question, True, T0)
    due = ReviewCard.objects.get().due
    call_command("srs_time_travel", "--user", "tt", "--days", "1")
    assert ReviewCard.objects.get().due == due - timedelta(days=1)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG"):
        call_command("srs_time_travel", "--user", "tt")
