"""Password reset: the page only enqueues the mail, the same for every address; the worker
sends it and logs a failed delivery."""

import logging
import os
import subprocess
import sys
from pathlib import Path
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tests.tasks import run_task_worker

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def request_reset(client, email):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": email})
    return response, [query["sql"].split(" VALUES")[0] for query in queries]


def test_reset_does_the_same_work_for_a_known_and_an_unknown_address(client):
    user = UserFactory(email="vic@example.com")
    known, known_sql = request_reset(client, "vic@example.com")
    assert mail.outbox == [], "no mail is sent inside the request"
    unknown, unknown_sql = request_reset(client, "nobody@example.com")
    assert mail.outbox == []
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("password_reset_done")
    assert known_sql == unknown_sql, "the same statements for both addresses"
    assert not any("auth_user" in sql for sql in known_sql), "no account is looked up"
    assert DBTaskResult.objects.count() == 2

    run_task_worker()
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "http://testserver/accounts/reset/" in mail.outbox[0].body
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [0, 1]


def test_the_mailed_link_sets_a_new_password(client):
    user = UserFactory(email="vic@example.com")
    client.post(reverse("password_reset"), {"email": "VIC@example.com"})
    run_task_worker()
    link = next(
        line.strip() for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line
    )
    form = client.get(link.removeprefix("http://testserver"), follow=True)
    new = "another horse battery staple"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_failed_delivery_is_logged_and_the_task_recorded_as_failed(client, monkeypatch, caplog):
    user = UserFactory(email="vic@example.com")

    def refuse(self, fail_silently=False):
        raise SMTPException("451 try later")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302, "the page does not wait for, or show, the mail server"
    with caplog.at_level(logging.ERROR, logger="quiz.tasks"):
        run_task_worker()
    assert f"Password reset email to user {user.pk} was not delivered" in caplog.text
    assert "451 try later" in caplog.text
    assert DBTaskResult.objects.get().status == "FAILED"


def test_production_queues_tasks_in_the_database_and_runs_a_worker():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "exams.example.com",
    }
    backend = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TASKS['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert backend == "django_tasks_db.DatabaseBackend"
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert procfile["worker"].startswith("python manage.py db_worker")
    unit = (ROOT / "deploy" / "examprep-worker.service").read_text()
    assert "ExecStart=/srv/examprep/.venv/bin/python manage.py db_worker" in unit
