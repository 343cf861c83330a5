"""Exam-aware scheduling (quiz.srs): each card's recall on exam day reaches the desired
retention, the reviews spread over the days left, the rating buttons stay exact and
distinct, and changing the exam date re-plans every card. Time is controlled throughout."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from fsrs import Card, Rating, Scheduler, State
from pytest_django.asserts import assertContains, assertNotContains

from quiz import srs
from quiz.models import Question, ReviewCard, ReviewLog
from quiz.selectors import review as review_selectors
from quiz.services import profile_for, profile_update, rating_previews, srs_rate
from quiz.services.profile import cards_replan
from tests.factories import QuestionFactory, QuestionSetFactory, TopicFactory, UserFactory
from tests.helpers import (
    HX,
    answer_at,
    key_choice_ids,
    practice_answer_url,
    practice_question_url,
    start_practice,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 9:00 UTC
SCHEDULER = Scheduler(enable_fuzzing=False)  # desired retention 0.9, FSRS's defaults


def set_exam(user, day: date | None, *, at: datetime = T0, **settings):
    with time_machine.travel(at, tick=False):
        return profile_update(user=user, exam_date=day, **settings)


def review_state(stability: float, last: datetime, due: datetime | None = None) -> Card:
    """A Review card as FSRS leaves it: due one interval after its last review."""
    interval = timedelta(days=srs.interval_days(SCHEDULER, stability))
    return Card(
        card_id=1,
        state=State.Review,
        stability=stability,
        difficulty=5.0,
        last_review=last,
        due=due or last + interval,
    )


def recall_at_exam(card: Card, exam: srs.Exam) -> float:
    return SCHEDULER.get_card_retrievability(card, current_datetime=exam.at)


# ---- the rule, on plain values -------------------------------------------------------------


@pytest.mark.parametrize("retention", [0.8, 0.9, 0.95])
@pytest.mark.parametrize("stability", [0.5, 2.3, 7.0, 33.3, 400.0])
def test_interval_days_is_py_fsrs_interval(stability, retention):
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = review_state(stability, T0 - timedelta(days=1))
    reviewed, _log = scheduler.review_card(card, Rating.Good, review_datetime=T0)
    expected = (reviewed.due - T0).days
    assert srs.interval_days(scheduler, reviewed.stability) == expected


@pytest.mark.parametrize("state", ["new", "learning", "review", "relearning"])
def test_without_an_exam_every_rating_is_exactly_py_fsrs(state):
    cards = {
        "new": Card(card_id=1, due=T0),
        "learning": SCHEDULER.review_card(Card(card_id=1, due=T0), Rating.Good, T0)[0],
        "review": review_state(12.0, T0 - timedelta(days=15)),
        "relearning": SCHEDULER.review_card(
            review_state(12.0, T0 - timedelta(days=15)), Rating.Again, T0 - timedelta(hours=1)
        )[0],
    }
    before = cards[state]
    planned = srs.plan_ratings(SCHEDULER, before, now=T0, exam=None, loads={})
    for rating in Rating:
        expected, _log = SCHEDULER.review_card(before, rating, review_datetime=T0)
        assert planned[rating].to_dict() == expected.to_dict()


def test_a_review_due_before_the_exam_moves_to_the_least_loaded_day_of_its_window():
    exam = srs.Exam(day=date(2026, 4, 30), time_zone="UTC")
    card = review_state(7.0, T0)  # FSRS: due in 7 days, 9 March; 15% of 7 days: 8-10 March
    assert card.due.date() == date(2026, 3, 9)
    loads = {date(2026, 3, 8): 5, date(2026, 3, 9): 3, date(2026, 3, 10): 4}
    # Its own day is the least loaded: it stays on it, due from the day's start.
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads=loads)
    assert due == datetime(2026, 3, 9, tzinfo=UTC)
    loads[date(2026, 3, 8)] = 1
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads=loads)
    assert due == datetime(2026, 3, 8, tzinfo=UTC)
    # A tie goes to the latest day.
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={})
    assert due == datetime(2026, 3, 10, tzinfo=UTC)
    # Longer intervals have wider windows: 20 days may move 3 days either way.
    card = review_state(20.0, T0)
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={})
    assert due == datetime(2026, 3, 25, tzinfo=UTC)


def test_a_planned_review_is_due_from_the_start_of_the_learners_day():
    """A learner who studies at 8:00 still meets a review planned for the eve."""
    exam = srs.Exam(day=date(2026, 3, 10), time_zone="America/Los_Angeles")
    last = datetime(2026, 3, 2, 18, 6, tzinfo=UTC)  # 10:06 in Los Angeles
    card = review_state(7.0, last)  # FSRS: 9 March, 10:06 (after the change to summer time)
    due = srs.plan_due(SCHEDULER, card, now=last, exam=exam, loads={})
    assert due == datetime(2026, 3, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert (
        srs.due_label(
            srs.Card(card_id=1, state=State.Review, due=due),
            now=last,
            time_zone="America/Los_Angeles",
        )
        == "7 d"
    )


def test_a_window_never_reaches_the_exam_day():
    exam = srs.Exam(day=date(2026, 3, 13), time_zone="UTC")
    card = review_state(10.0, T0)  # due 12 March, the eve: the window may not go later
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={date(2026, 3, 12): 4})
    assert due.date() == date(2026, 3, 11)  # 10-12 March allowed; the 12th is busier
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={})
    assert due.date() == date(2026, 3, 12)


def test_a_card_whose_recall_holds_on_exam_day_stays_after_the_exam():
    exam = srs.Exam(day=date(2026, 3, 20), time_zone="UTC")
    card = review_state(40.0, T0)  # due in 40 days; recall after 18 days is still over 0.9
    assert recall_at_exam(card, exam) >= 0.9
    assert srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={}) == card.due


def test_a_card_that_would_fall_below_the_target_gets_one_review_where_it_still_holds():
    exam = srs.Exam(day=date(2026, 3, 22), time_zone="UTC")
    card = review_state(12.0, T0 - timedelta(days=6), due=T0 + timedelta(days=21))
    assert recall_at_exam(card, exam) < 0.9  # left alone it reaches the exam below target
    earliest, latest = srs.final_review_days(
        SCHEDULER, card, exam=exam, first=date(2026, 3, 3), last=exam.eve
    )

    def holds(day: date) -> bool:
        at = datetime.combine(day, time.min, tzinfo=UTC)
        good, _log = SCHEDULER.review_card(card, Rating.Good, review_datetime=at)
        return recall_at_exam(good, exam) >= 0.9

    days = [date(2026, 3, 3) + timedelta(days=i) for i in range(19)]
    assert [d for d in days if holds(d)] == [
        earliest + timedelta(days=i) for i in range((latest - earliest).days + 1)
    ]
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads={})
    assert earliest <= due.date() <= latest == exam.eve
    good, _log = SCHEDULER.review_card(card, Rating.Good, review_datetime=due)
    assert recall_at_exam(good, exam) >= 0.9
    # Not crammed into the first days: in the later half of the time left.
    assert due.date() >= date(2026, 3, 2) + timedelta(days=10)


def test_the_least_loaded_day_takes_the_final_review():
    exam = srs.Exam(day=date(2026, 3, 22), time_zone="UTC")
    card = review_state(12.0, T0 - timedelta(days=6), due=T0 + timedelta(days=21))
    busy = {date(2026, 3, 2) + timedelta(days=i): 9 for i in range(20)}
    busy[date(2026, 3, 15)] = 2
    due = srs.plan_due(SCHEDULER, card, now=T0, exam=exam, loads=busy)
    assert due.date() == date(2026, 3, 15)


def test_rating_previews_stay_distinct_and_increasing_near_the_exam():
    """The cap made Hard, Good and Easy all "21 h" two days before the exam."""
    exam = srs.Exam(day=date(2026, 3, 5), time_zone="UTC")
    before = review_state(8.0, T0 - timedelta(days=8))
    planned = srs.plan_ratings(SCHEDULER, before, now=T0, exam=exam, loads={})
    dues = [planned[rating].due for rating in Rating]
    assert dues == sorted(dues) and len(set(dues)) == 4
    labels = [srs.due_label(planned[r], now=T0, time_zone="UTC") for r in Rating]
    assert len(set(labels)) == 4, labels


@pytest.mark.parametrize("days_left", range(1, 30))
@pytest.mark.parametrize("stability", [0.3, 2.0, 9.0, 40.0])
def test_every_rating_ladder_is_strictly_increasing(days_left, stability):
    exam = srs.Exam(day=T0.date() + timedelta(days=days_left), time_zone="UTC")
    before = review_state(stability, T0 - timedelta(days=stability))
    loads = {T0.date() + timedelta(days=i): (i * 7) % 5 for i in range(days_left)}
    planned = srs.plan_ratings(SCHEDULER, before, now=T0, exam=exam, loads=loads)
    dues = [planned[rating].due for rating in Rating]
    assert all(a < b for a, b in pairwise(dues))
    assert len({srs.due_label(planned[r], now=T0, time_zone="UTC") for r in Rating}) == 4
    # After the exam only when recall holds there, or when the exam is tomorrow (no day).
    for rating in (Rating.Hard, Rating.Good, Rating.Easy):
        card = planned[rating]
        if card.due >= exam.starts and days_left > 1:
            assert recall_at_exam(card, exam) >= 0.9


def test_reviews_still_waiting_at_the_exam():
    exam = srs.Exam(day=date(2026, 3, 9), time_zone="UTC")
    today = date(2026, 3, 2)
    due = {today: 11, date(2026, 3, 3): 2, date(2026, 3, 5): 6}
    # 4 a day: 7 wait tonight, 5 after the 3rd, 1 after the 4th, 3 after the 5th, then 0.
    assert srs.waiting_at_exam(due, today=today, exam=exam, room_today=4, per_day=4) == 0
    assert srs.waiting_at_exam(due, today=today, exam=exam, room_today=0, per_day=2) == 7


# ---- spread against the old cap, on a small deck -------------------------------------------


@dataclass
class Journey:
    loads: list[int]  # reviews answered per day, day 0 to the eve
    recalls: list[float]  # each card's predicted recall at the exam moment

    @property
    def largest(self) -> int:
        return max(self.loads)

    @property
    def mean_recall(self) -> float:
        return sum(self.recalls) / len(self.recalls)


def study_until_the_exam(settings, mode: str, *, cards=30, days=14, per_day_new=10) -> Journey:
    """A learner sets an exam `days` ahead, learns `per_day_new` new questions a day until
    the deck is in, and every day at 9:00 answers every due card right (Good)."""
    settings.SRS_EXAM_SCHEDULING = mode
    user, topic = UserFactory(), TopicFactory()
    questions = QuestionFactory.create_batch(cards, topic=topic)
    exam_day = T0.date() + timedelta(days=days)
    set_exam(user, exam_day)
    loads = []
    for day in range(days):
        now = T0 + timedelta(days=day)
        due = list(
            ReviewCard.objects.filter(user=user, due__lte=now)
            .select_related("question")
            .order_by("due", "pk")
        )
        new = questions[day * per_day_new : (day + 1) * per_day_new]
        for i, question in enumerate([card.question for card in due] + new):
            answer_at(user, question, True, now + timedelta(seconds=i))
        loads.append(len(due) + len(new))
    exam = srs.Exam(day=exam_day, time_zone="UTC")
    recalls = [
        recall_at_exam(srs.card_of(card), exam) for card in ReviewCard.objects.filter(user=user)
    ]
    return Journey(loads, recalls)


@pytest.mark.django_db
def test_spread_lowers_the_largest_day_and_keeps_every_card_at_the_target(settings):
    cap = study_until_the_exam(settings, "cap")
    spread = study_until_the_exam(settings, "spread")
    print(f"cap: {cap.loads} largest {cap.largest} mean recall {cap.mean_recall:.4f}")
    print(f"spread: {spread.loads} largest {spread.largest} mean recall {spread.mean_recall:.4f}")
    assert spread.largest < cap.largest
    assert min(spread.recalls) >= 0.9  # every card at the desired retention on exam day
    # The cap piled the whole deck onto its day and came back for all of it two days later.
    assert cap.loads.count(30) >= 2 and max(spread.loads[4:]) < 30 // 2


# ---- through the services: recording, re-rating, previews ----------------------------------


@pytest.mark.django_db
def test_each_preview_is_exactly_what_re_rating_schedules_and_they_increase():
    user, topic = UserFactory(), TopicFactory()
    question = QuestionFactory(topic=topic)
    for other in QuestionFactory.create_batch(6, topic=topic):  # some load on the days ahead
        answer_at(user, other, True, T0)
        answer_at(user, other, True, T0 + timedelta(minutes=15))
    set_exam(user, date(2026, 3, 20))
    moment = T0
    for _ in range(3):
        answer_at(user, question, True, moment)
        moment = max(ReviewCard.objects.get(user=user, question=question).due, moment)
    log = ReviewLog.objects.filter(card__question=question).latest("reviewed_at")
    previews = rating_previews(log, profile_for(user))
    assert len({label for _rating, _name, label in previews}) == 4
    dues = []
    for rating, _name, label in previews:
        card = srs_rate(log=log, user=user, rating=rating)
        log.refresh_from_db()
        card.refresh_from_db()
        after = srs.Card(card_id=1, state=State(card.state), due=card.due)
        assert srs.due_label(after, now=log.reviewed_at, time_zone="UTC") == label
        dues.append(card.due)
    assert dues == sorted(dues)


@pytest.mark.django_db
def test_an_answer_planned_around_the_exam_reads_its_load_with_the_page(
    learner_client, user, django_assert_max_num_queries
):
    """The load per day comes with the card snapshot the answer post reads anyway, so the
    answer stays within the ten queries of every learner page; its buttons reuse the plan."""
    topic = TopicFactory()
    question = QuestionFactory(topic=topic)
    now = T0 + timedelta(days=20)
    for other in QuestionFactory.create_batch(5, topic=topic):
        stored_card(user, other, review_state(6.0, now - timedelta(days=3)))
    card = stored_card(user, question, review_state(9.0, now - timedelta(days=9)))
    set_exam(user, date(2026, 5, 20), at=now)
    data = {"choice": key_choice_ids(question)}
    with time_machine.travel(now - timedelta(seconds=20), tick=False):
        session = start_practice(user, topic, size=1, question_ids=[question.pk])
        learner_client.get(practice_question_url(session), headers=HX)
    with time_machine.travel(now, tick=False), django_assert_max_num_queries(10):
        response = learner_client.post(practice_answer_url(session), data, headers=HX)
    assertContains(response, "How well did you know it?")
    card.refresh_from_db()
    fsrs, _log = SCHEDULER.review_card(
        review_state(9.0, now - timedelta(days=9)), Rating.Good, review_datetime=now
    )
    reach = timedelta(days=round(0.15 * (fsrs.due - now).days))
    assert fsrs.due - reach <= card.due <= fsrs.due + reach
    log = ReviewLog.objects.get(card=card)
    label = srs.due_label(srs.card_of(card), now=log.reviewed_at, time_zone="UTC")
    assertContains(response, 'name="rating" value="3" class="rating-button is-current"')
    assertContains(response, f'<span class="interval">{label}</span>')


# ---- re-planning when the exam date changes -------------------------------------------------


STABILITIES = [1.5, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0]


def learner_with_cards(time_zone: str, *, count=24) -> tuple:
    """A learner in `time_zone`, no exam yet, with cards as FSRS left them: review cards of
    many stabilities last reviewed over the past days (due one interval later, some overdue),
    and two learning steps."""
    user = UserFactory()
    set_exam(user, None, time_zone=time_zone, at=T0 - timedelta(days=40))
    questions = QuestionFactory.create_batch(count + 2, topic=TopicFactory(), choices=False)
    cards = []
    for i, question in enumerate(questions[:count]):
        last = T0 - timedelta(days=(i * 0.7) % 9, minutes=37 * i)
        fsrs = review_state(STABILITIES[i % len(STABILITIES)], last)
        cards.append(stored_card(user, question, fsrs))
    for question in questions[count:]:
        step = Card(card_id=1, due=T0 - timedelta(minutes=5))
        cards.append(stored_card(user, question, SCHEDULER.review_card(step, Rating.Good, T0)[0]))
    return user, cards


def stored_card(user, question, fsrs: Card) -> ReviewCard:
    return ReviewCard.objects.create(
        user=user,
        question=question,
        state=int(fsrs.state),
        step=fsrs.step,
        stability=fsrs.stability,
        difficulty=fsrs.difficulty,
        due=fsrs.due,
        last_review=fsrs.last_review,
        last_review_ts=fsrs.last_review.timestamp(),
        created_at=fsrs.last_review,
        reps=3,
    )


def dues(user) -> dict[int, datetime]:
    return dict(ReviewCard.objects.filter(user=user).values_list("pk", "due"))


@pytest.mark.django_db
@pytest.mark.parametrize("time_zone", ["Europe/Berlin", "America/Los_Angeles"])
def test_setting_the_exam_date_re_plans_every_card_by_the_rule(time_zone):
    user, cards = learner_with_cards(time_zone)
    exam_day = date(2026, 3, 30)  # after the change to summer time in both zones
    now = T0 + timedelta(hours=3)
    set_exam(user, exam_day, at=now)
    exam = srs.Exam(day=exam_day, time_zone=time_zone)
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    planned = dues(user)
    moved = 0
    for card in cards:
        fsrs, due = srs.card_of(card), planned[card.pk]
        if card.state != ReviewCard.State.REVIEW or card.due <= now:
            assert due == card.due  # learning steps and overdue cards stay due
        elif card.due >= exam.starts:  # left after the exam: FSRS's due, recall holds
            assert due == card.due
            assert recall_at_exam(fsrs, exam) >= 0.9
        else:  # within its window, on a local day before the exam day
            own_day = card.due.astimezone(zone).date()
            reach = timedelta(days=round(0.15 * (card.due - card.last_review).days))
            day = due.astimezone(zone).date()
            assert max(today, own_day - reach) <= day <= min(exam.eve, own_day + reach)
            # Due from the start of its local day (DST too), or now when that is today.
            assert due == max(now, datetime.combine(day, time.min, tzinfo=zone))
            moved += due.astimezone(zone).date() != own_day
    assert moved


@pytest.mark.django_db
def test_the_re_plan_reads_once_and_writes_in_batches(django_assert_max_num_queries):
    user, _cards = learner_with_cards("Europe/Berlin", count=8)
    topic = TopicFactory()
    more = [QuestionFactory.build(topic=topic, question_set=None) for _ in range(1100)]
    more = Question.objects.bulk_create(more)
    ReviewCard.objects.bulk_create(
        ReviewCard(
            user=user,
            question=question,
            state=ReviewCard.State.REVIEW,
            stability=6.0,
            difficulty=5.0,
            due=T0 + timedelta(days=6, minutes=i),
            last_review=T0,
            last_review_ts=T0.timestamp(),
            created_at=T0,
        )
        for i, question in enumerate(more)
    )
    profile = profile_for(user)
    profile.exam_date = date(2026, 3, 20)  # as profile_update leaves it before re-planning
    # One read and one UPDATE per 500 cards moved, however many cards there are.
    with django_assert_max_num_queries(4), time_machine.travel(T0, tick=False):
        moved = cards_replan(profile=profile)
    assert moved > 500


@pytest.mark.django_db
@pytest.mark.parametrize("time_zone", ["Europe/Berlin", "America/Los_Angeles"])
def test_moving_the_exam_re_plans_and_removing_it_gives_fsrs_its_dues_back(time_zone):
    user, cards = learner_with_cards(time_zone)
    own = {c.pk: srs.own_due(SCHEDULER, srs.card_of(c)) for c in cards}
    set_exam(user, date(2026, 3, 6), at=T0)
    early = dues(user)
    exam = srs.Exam(day=date(2026, 3, 6), time_zone=time_zone)
    for card in ReviewCard.objects.filter(user=user, due__gte=exam.starts):
        assert recall_at_exam(srs.card_of(card), exam) >= 0.9
    set_exam(user, date(2026, 3, 26), at=T0 + timedelta(hours=2))
    later = dues(user)
    assert later != early
    later_exam = srs.Exam(day=date(2026, 3, 26), time_zone=time_zone)
    for card in ReviewCard.objects.filter(user=user, due__gte=later_exam.starts):
        assert recall_at_exam(srs.card_of(card), later_exam) >= 0.9
    set_exam(user, None, at=T0 + timedelta(hours=4))
    assert dues(user) == own


@pytest.mark.django_db
def test_a_deck_the_cap_piled_up_is_spread_when_re_planned(settings):
    settings.SRS_EXAM_SCHEDULING = "cap"
    user, _cards = learner_with_cards("UTC")
    set_exam(user, date(2026, 3, 14), at=T0)
    piled = Counter(due.date() for due in dues(user).values())
    settings.SRS_EXAM_SCHEDULING = "spread"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        cards_replan(profile=profile_for(user))
    spread = Counter(due.date() for due in dues(user).values())
    assert max(spread.values()) < max(piled.values())


@pytest.mark.django_db
def test_saving_other_settings_leaves_the_plan_alone(django_assert_max_num_queries):
    user, _cards = learner_with_cards("UTC", count=6)
    set_exam(user, date(2026, 3, 25))
    before = dues(user)
    # A savepoint, the stored plan settings, two uniqueness checks, the save, its release.
    with django_assert_max_num_queries(6), time_machine.travel(T0, tick=False):
        profile_update(user=user, exam_date=date(2026, 3, 25), daily_goal=30)
    assert dues(user) == before


# ---- the review page -------------------------------------------------------------------------


def overdue_cards(user, count: int, *, at: datetime) -> list[ReviewCard]:
    cards = []
    topic = TopicFactory()
    for question in QuestionFactory.create_batch(count, topic=topic):
        last = at - timedelta(days=10)
        cards.append(
            ReviewCard.objects.create(
                user=user,
                question=question,
                state=ReviewCard.State.REVIEW,
                stability=5.0,
                difficulty=5.0,
                due=at - timedelta(days=2),
                last_review=last,
                last_review_ts=last.timestamp(),
                created_at=last,
                reps=3,
            )
        )
    return cards


@pytest.mark.django_db
def test_the_review_page_tells_what_waits_beyond_the_daily_limit(
    learner_client, user, django_assert_max_num_queries
):
    set_exam(user, date(2026, 3, 9), max_reviews_per_day=4, new_per_day=0)
    overdue_cards(user, 11, at=T0)
    with time_machine.travel(T0, tick=False), django_assert_max_num_queries(10):
        response = learner_client.get(reverse("quiz:review_home"))
    assert response.status_code == 200
    assertContains(response, "<strong>4</strong> due now")
    assertContains(response, "<strong>7</strong> reviews wait beyond today's limit of 4")
    assertContains(response, "they still fit in before the exam")
    assertNotContains(response, "Nothing to review right now")


@pytest.mark.django_db
def test_the_backlog_notice_counts_cards_that_reach_the_exam_below_target(learner_client, user):
    set_exam(user, date(2026, 3, 4), max_reviews_per_day=4, new_per_day=0)
    overdue_cards(user, 15, at=T0)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        response = learner_client.get(reverse("quiz:review_home"))
    # 4 today, 4 tomorrow (3 March, the eve): 7 of the 15 reach 4 March unreviewed.
    assertContains(response, "<strong>11</strong> reviews wait beyond today's limit of 4")
    assertContains(
        response, "at this pace <strong>7</strong> cards reach the exam below your target recall"
    )


@pytest.mark.django_db
def test_at_the_limit_the_page_says_what_waits_instead_of_nothing_to_review(learner_client, user):
    profile_update(user=user, max_reviews_per_day=4, new_per_day=0)
    cards = overdue_cards(user, 7, at=T0)
    for card in cards[:4]:
        ReviewLog.objects.create(
            card=card,
            user=user,
            rating=3,
            is_correct=True,
            chosen_labels="B",
            reviewed_at=T0 - timedelta(hours=1),
            source="review",
            card_before={},
        )
    ReviewCard.objects.filter(pk__in=[c.pk for c in cards[:4]]).update(due=T0 - timedelta(hours=1))
    with time_machine.travel(T0, tick=False):
        response = learner_client.get(reverse("quiz:review_home"))
    assertContains(response, "<strong>0</strong> due now")
    assertContains(response, "<strong>7</strong> reviews wait beyond today's limit of 4.")
    assertNotContains(response, "Nothing to review right now")
    assertNotContains(response, "Start review")


@pytest.mark.django_db
def test_the_forecast_labels_today_and_tomorrow_by_the_learners_day(learner_client, user):
    profile_update(user=user, time_zone="America/Los_Angeles")
    cards = overdue_cards(user, 3, at=T0)
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 12:00 on 2 March in Los Angeles
    local = ZoneInfo("America/Los_Angeles")
    tomorrow_late = datetime(2026, 3, 3, 23, 30, tzinfo=local)  # 07:30 UTC on 4 March
    later_today = datetime(2026, 3, 2, 23, 0, tzinfo=local)  # 07:00 UTC on 3 March
    ReviewCard.objects.filter(pk=cards[0].pk).update(due=later_today)
    ReviewCard.objects.filter(pk=cards[1].pk).update(due=tomorrow_late)
    with time_machine.travel(now, tick=False):
        response = learner_client.get(reverse("quiz:review_home"))
    assertContains(response, "Due reviews per day: today 2, tomorrow 1, Wed 4 Mar 0")
    assertContains(response, "(1 due now, questions you answered wrong today included)")


@pytest.mark.django_db
def test_leeches_are_named_by_topic_set_and_number_under_their_threshold(learner_client, user):
    topic = TopicFactory(title="EC2 Security")
    first = QuestionSetFactory(topic=topic, title="Practice questions")
    second = QuestionSetFactory(topic=topic, title="New practice questions")
    for question_set, lapses in ((first, 12), (second, 8)):
        question = QuestionFactory(topic=topic, question_set=question_set, number=4)
        ReviewCard.objects.create(
            user=user,
            question=question,
            due=T0 + timedelta(days=1),
            created_at=T0,
            lapses=lapses,
            is_leech=True,
        )
    response = learner_client.get(reverse("quiz:review_home"))
    assertContains(response, f"missed each of these questions {srs.LEECH_LAPSES} times or more")
    assertContains(response, "EC2 Security · Practice questions Q4</a> (missed 12 times)")
    assertContains(response, "EC2 Security · New practice questions Q4</a> (missed 8 times)")
    assert review_selectors.leeches(user)[0].lapses == 12
