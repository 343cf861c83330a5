"""Every acknowledged exam answer survives the server being killed (SIGKILL) and restarted."""

import http.cookiejar
import os
import re
import signal
import sqlite3
import sys
import urllib.parse
import urllib.request

import pytest

from tests.serving import fetch_when_ready, free_port, run, start_server

SETUP = """
from django.contrib.auth import get_user_model
from quiz.services import attempt_start
from tests.bank import bank_build
bank = bank_build()  # the factory-built bank: its mini mock has 10 questions
user = get_user_model().objects.create_user("crash", password="crash-test-pw-1")
attempt = attempt_start(user=user, blueprint=bank.mini)
for item in attempt.questions.select_related("question").order_by("position")[:5]:
    first = sorted(item.question.choices.all(), key=lambda c: c.label)[0]
    print(attempt.pk, item.position, first.pk, first.label)
"""


def test_acknowledged_answers_survive_sigkill(tmp_path):
    database = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    run(env, "migrate", "-v", "0")
    output = run(env, "shell", "--no-imports", "-c", SETUP).stdout
    rows = [
        line.split() for line in output.splitlines() if re.fullmatch(r"\d+ \d+ \d+ [A-Z]", line)
    ]
    assert len(rows) == 5
    attempt_id = rows[0][0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        fetch_when_ready(opener, f"{base}/accounts/login/")
        token = next(c.value for c in jar if c.name == "csrftoken")
        login = urllib.parse.urlencode(
            {"username": "crash", "password": "crash-test-pw-1", "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(
            urllib.request.Request(
                f"{base}/accounts/login/",
                data=login,
                headers={"Referer": f"{base}/accounts/login/"},
            )
        ).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        acknowledged = {}
        for _attempt, position, choice_id, label in rows:
            body = urllib.parse.urlencode({"choice": choice_id}).encode()
            request = urllib.request.Request(
                f"{base}/exams/attempt/{attempt_id}/q/{position}/save/",
                data=body,
                headers={"X-CSRFToken": token, "HX-Request": "true", "Referer": base},
            )
            with opener.open(request) as response:
                assert response.status == 200 and b"Saved at" in response.read()
            acknowledged[int(position)] = label
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # no clean shutdown, no flush
        server.wait(timeout=10)

    server = start_server(env, port)
    try:
        page = fetch_when_ready(opener, f"{base}/exams/attempt/{attempt_id}/q/1/")
        assert f'value="{rows[0][2]}" id="choice-{rows[0][2]}" data-key="' in page
        assert "checked" in page.split(f'id="choice-{rows[0][2]}"')[1].split(">")[0]
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    with sqlite3.connect(database) as connection:
        saved = dict(
            connection.execute(
                "SELECT position, chosen_labels FROM quiz_attemptquestion WHERE attempt_id = ?",
                (attempt_id,),
            ).fetchall()
        )
    assert {position: saved[position] for position in acknowledged} == acknowledged


pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL are POSIX"),
    pytest.mark.slow,  # a gunicorn server started twice and killed: about twenty seconds
]
