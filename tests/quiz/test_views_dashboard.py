from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import PracticeSession, Profile
from quiz.selectors.dashboard import dashboard
from quiz.services import answer_record, practice_start, profile_update
from tests.factories import CertificationFactory, QuestionFactory, TopicFactory
from tests.tasks import run_task_worker

pytestmark = pytest.mark.django_db


def test_visitors_get_the_certifications_at_the_root(client):
    certification = CertificationFactory(name="Cloud Architect – Associate")
    QuestionFactory(topic=TopicFactory(certification=certification))
    response = client.get("/")
    assertContains(response, "Cloud Architect – Associate")
    assertContains(response, "Sign in")


def test_dashboard_mastery_activity_and_streak(learner_client, user):
    topic = TopicFactory(title="Networking")
    questions = QuestionFactory.create_batch(30, topic=topic)
    now = timezone.now()
    # 25 answers today and on the 2 days before: the last 20 decide mastery.
    for index, question in enumerate(questions[:25]):
        answer_record(
            user=user,
            question=question,
            labels=["B"] if index >= 10 else ["A"],
            answered_at=now - timedelta(days=index % 3, minutes=25 - index),
        )
    data = dashboard(user)
    row = data.topics[0]
    assert (row.answered, row.total) == (25, 30)
    last20 = sorted(
        range(25), key=lambda i: -(now - timedelta(days=i % 3, minutes=25 - i)).timestamp()
    )[:20]
    assert row.recent_percent == round(100 * sum(1 for i in last20 if i >= 10) / 20)
    assert data.streak == 3 and sum(n for _d, n in data.activity) == 25
    assert len(data.activity) == 30
    response = learner_client.get("/")
    assertContains(response, "Networking")
    assertContains(response, "streak <strong>3 days</strong>", html=False)


def test_the_dashboard_reads_its_topics_days_and_session_in_one_round_trip(user, round_trips):
    topic = TopicFactory(title="Networking")
    question, _other = QuestionFactory.create_batch(2, topic=topic)
    answer_record(user=user, question=question, labels=["B"])
    session = practice_start(user=user, scope=PracticeSession.Scope.TOPICS, topics=[topic], size=2)
    with round_trips() as waits:
        data = dashboard(user)
    assert len(waits) == (1 if connection.vendor == "postgresql" else 3)
    assert [row.topic.title for row in data.topics] == ["Networking"]
    assert data.today == 1 and data.continue_session == session


def test_streak_survives_a_day_without_answers_yet_today(user):
    question = QuestionFactory()
    for days in (1, 2):
        answer_record(
            user=user,
            question=question,
            labels=["B"],
            answered_at=timezone.now() - timedelta(days=days),
        )
    assert dashboard(user).streak == 2


def test_empty_dashboard_invites_to_practise(learner_client):
    response = learner_client.get("/")
    assertContains(response, "You have not answered any questions yet.")


def test_a_new_account_is_welcomed_and_a_returning_learner_welcomed_back(learner_client, user):
    response = learner_client.get("/")
    assertContains(response, f"<h1>Welcome, {user.username}</h1>", html=True)
    assertNotContains(response, "Welcome back")
    answer_record(user=user, question=QuestionFactory(), labels=["B"])
    response = learner_client.get("/")
    assertContains(response, f"<h1>Welcome back, {user.username}</h1>", html=True)


def test_profile_saves_study_settings(learner_client, user):
    certification = CertificationFactory()
    settings = {
        "target_certification": certification.pk,
        "exam_date": "2027-03-01",
        "daily_goal": 30,
        "time_zone": "Europe/Berlin",
        "desired_retention": "0.85",
        "new_per_day": 10,
        "max_reviews_per_day": 100,
    }
    with time_machine.travel(date(2026, 12, 1)):
        response = learner_client.post(reverse("quiz:profile"), settings)
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.target_certification, str(profile.exam_date), profile.daily_goal) == (
        certification,
        "2027-03-01",
        30,
    )
    assert (profile.time_zone, profile.desired_retention) == ("Europe/Berlin", 0.85)
    for field, bad in [
        ("daily_goal", 0),
        ("desired_retention", "0.99"),
        ("time_zone", "Mars/Olympus"),
    ]:
        response = learner_client.post(reverse("quiz:profile"), {**settings, field: bad})
        assert response.status_code == 422, field
    assert Profile.objects.get(user=user).daily_goal == 30


def test_signup_logs_in_and_returns_to_a_safe_next(client, db):
    data = {
        "username": "newbie",
        "email": "n@example.com",
        "password1": "Corr3ct-horse-battery",
        "password2": "Corr3ct-horse-battery",
    }
    response = client.post(reverse("quiz:signup") + "?next=/practice/", data)
    assert response.url == "/practice/"
    client.logout()
    data["username"] = "newbie2"
    response = client.post(reverse("quiz:signup") + "?next=https://evil.example/", data)
    assert response.url == "/"


def test_login_redirects_back_with_next(client, user):
    response = client.post(
        reverse("login"),
        {
            "username": user.username,
            "password": "correct horse battery staple",
            "next": "/practice/",
        },
    )
    assert response.url == "/practice/"


def test_password_reset_mail(client, user):
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    # Sent by the task worker, outside the request (tests/quiz/test_password_reset.py).
    run_task_worker()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_password_change_page_renders(learner_client):
    assertContains(learner_client.get(reverse("password_change")), "Change your password")


@pytest.mark.parametrize(
    ("exam_date", "message"),
    [
        ("2026-11-30", "That day has passed: choose today or a later day."),
        ("2029-12-02", "Choose a day within 3 years, by 1 Dec 2029."),
        ("9999-12-31", "Choose a day within 3 years, by 1 Dec 2029."),
    ],
    ids=["yesterday", "three-years-and-a-day", "far-future"],
)
def test_an_exam_date_is_today_to_three_years_ahead(learner_client, user, exam_date, message):
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC)):
        response = learner_client.post(
            reverse("quiz:profile"),
            {
                "exam_date": exam_date,
                "time_zone": "UTC",
                "daily_goal": 20,
                "desired_retention": "0.9",
                "new_per_day": 20,
                "max_reviews_per_day": 200,
            },
        )
        assertContains(response, message, status_code=422)
        assert Profile.objects.get(user=user).exam_date is None
        with pytest.raises(ValidationError, match=r"within 3 years|has passed"):
            profile_update(user=user, exam_date=date.fromisoformat(exam_date))
        for fine in ["2026-12-01", "2029-12-01"]:
            assert profile_update(user=user, exam_date=date.fromisoformat(fine)).exam_date


def test_a_past_exam_date_kept_as_it_was_does_not_block_other_settings(learner_client, user):
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        profile_update(user=user, exam_date=date(2026, 3, 1))
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC)):
        profile_update(user=user, exam_date=date(2026, 3, 1), daily_goal=40)
    assert Profile.objects.get(user=user).daily_goal == 40
