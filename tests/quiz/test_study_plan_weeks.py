"""The study plan table: each day for two weeks, then a row per calendar week."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.planning import DAILY_DAYS, PlanRow, plan_rows
from quiz.services import answer_record, profile_update

# Wednesday 4 March 2026: the plan's first day is the exam date minus its length.
START = date(2026, 3, 4)


def rows_for(days: int, *, start: date = START, new: int = 1, reviews: int = 2) -> list[PlanRow]:
    return plan_rows(
        new_by_day=[new] * days, reviews_by_day=[reviews] * days, exam_date=start + timedelta(days)
    )


def test_a_plan_of_two_weeks_or_less_is_day_by_day():
    rows = rows_for(DAILY_DAYS)
    assert [row.first for row in rows] == [START + timedelta(i) for i in range(DAILY_DAYS)]
    assert all(row.is_day for row in rows)
    assert rows[0].label == "Wed 4 Mar"
    assert rows[-1].label == "Tue 17 Mar"
    assert rows_for(0) == []


def test_past_two_weeks_the_days_are_summed_by_monday_to_sunday_week():
    rows = rows_for(30, new=3, reviews=5)  # 4 Mar to 2 Apr, exam on 3 Apr
    weeks = rows[DAILY_DAYS:]
    assert [(w.first, w.last) for w in weeks] == [
        (date(2026, 3, 18), date(2026, 3, 22)),  # Wednesday to Sunday: a partial first week
        (date(2026, 3, 23), date(2026, 3, 29)),
        (date(2026, 3, 30), date(2026, 4, 2)),  # up to the day before the exam
    ]
    assert [w.label for w in weeks] == ["18–22 Mar", "23–29 Mar", "30 Mar – 2 Apr"]
    assert [(w.new, w.reviews) for w in weeks] == [(15, 25), (21, 35), (12, 20)]
    assert sum(r.new for r in rows) == 90 and sum(r.reviews for r in rows) == 150


def test_sums_keep_every_days_numbers():
    new = list(range(40))
    reviews = [n * n for n in range(40)]
    rows = plan_rows(new_by_day=new, reviews_by_day=reviews, exam_date=START + timedelta(40))
    assert sum(r.new for r in rows) == sum(new)
    assert sum(r.reviews for r in rows) == sum(reviews)
    assert sum(r.days for r in rows) == 40
    assert all(row.first.weekday() == 0 for row in rows[DAILY_DAYS + 1 :])
    assert all(row.last.weekday() == 6 for row in rows[DAILY_DAYS:-1])


def test_an_exam_three_years_ahead_needs_about_a_hundred_and_seventy_rows_not_a_thousand():
    days = 3 * 365 + 1
    rows = rows_for(days)
    assert len(rows) <= DAILY_DAYS + days // 7 + 2
    assert len(rows) < 175


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (date(2026, 3, 4), date(2026, 3, 4), "Wed 4 Mar"),
        (date(2026, 3, 16), date(2026, 3, 22), "16–22 Mar"),
        (date(2026, 3, 30), date(2026, 4, 5), "30 Mar – 5 Apr"),
        (date(2026, 12, 28), date(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"),
        (date(2027, 1, 4), date(2027, 1, 10), "4–10 Jan 2027"),
        (date(2027, 2, 1), date(2027, 2, 1), "Mon 1 Feb 2027"),
        (date(2027, 3, 29), date(2027, 4, 4), "29 Mar – 4 Apr 2027"),
    ],
    ids=[
        "a day",
        "a week in one month",
        "a week over two months",
        "a week over two years",
        "a week in a later year",
        "a lone day in a later year",
        "two months of a later year",
    ],
)
def test_labels_name_the_dates_and_the_year_only_when_it_is_not_the_plans(first, last, label):
    assert PlanRow(first, last, new=0, reviews=0, plan_year=2026).label == label


def test_days_of_new_questions_and_of_reviews_must_match():
    with pytest.raises(ValueError, match="3 days of new questions but 2 of reviews"):
        plan_rows(new_by_day=[1, 1, 1], reviews_by_day=[1, 1], exam_date=START)


# -- on the readiness page ---------------------------------------------------------------------


def plan_page(client, user, bank, *, exam_date):
    profile_update(user=user, target_certification=bank.certification, exam_date=exam_date)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("quiz:readiness"), {"blueprint": bank.mini.slug})
    return page, len(queries)


@pytest.mark.django_db
def test_a_far_exam_shows_two_weeks_of_days_then_weeks_in_as_many_queries_as_a_near_one(
    bank, learner_client, user
):
    for question in bank.live:
        answer_record(user=user, question=question, labels=question.key_labels.split(","))
    today = timezone.localdate()
    _near, near_queries = plan_page(
        learner_client, user, bank, exam_date=today + timedelta(days=10)
    )
    farthest = today.replace(year=today.year + 3) - timedelta(days=1)  # the profile's bound
    page, far_queries = plan_page(learner_client, user, bank, exam_date=farthest)
    assert far_queries == near_queries  # the rows are worked out from the plan, not read
    assertContains(page, "Study plan to")
    assertContains(page, "<summary>Day by day, then week by week</summary>", html=True)
    html = page.content.decode()
    table = html[html.index("<caption>") : html.index("</table>", html.index("<caption>"))]
    assert "New questions and expected reviews up to the exam: each day for the first two " in table
    assert table.count("<tr>") < 175  # not a row per day for three years
    assert f'<th scope="row">{today:%a} {today.day} {today:%b}</th>' in table  # today first
    assert table.count('<th scope="row">') == len(
        plan_rows(
            new_by_day=[0] * (farthest - today).days,
            reviews_by_day=[0] * (farthest - today).days,
            exam_date=farthest,
        )
    )
    assertNotContains(page, "<td>1000</td>")  # no day counter running to a thousand


@pytest.mark.django_db
def test_a_near_exam_keeps_the_plan_day_by_day(bank, learner_client, user):
    for question in bank.live[:8]:
        answer_record(user=user, question=question, labels=question.key_labels.split(","))
    profile_update(
        user=user,
        target_certification=bank.certification,
        exam_date=timezone.localdate() + timedelta(days=10),
    )
    page = learner_client.get(reverse("quiz:readiness"), {"blueprint": bank.mini.slug})
    assertContains(page, "<summary>Day by day</summary>", html=True)
    assertContains(page, "New questions and expected reviews up to the exam: each day")
    assert page.content.decode().count('<th scope="row">') == 10
