"""The sign-in lockout holds across gunicorn workers: its counters live in the database, not
in each worker's memory. Wrong passwords are sent in parallel to three workers (on SQLite,
and on PostgreSQL in the suite's PostgreSQL leg); only the limit's number is ever checked,
and then the right password is refused until the lockout ends."""

import concurrent.futures
import http.cookiejar
import os
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.serving import (
    fetch_when_ready,
    free_port,
    run,
    start_server,
    stop_server,
    throwaway_database,
)

SETUP = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("vic", password="vic-right-password-1")
"""

# The lockout ends: its counters' windows are moved into the past.
END_LOCKOUT = """
from datetime import timedelta
from django.utils import timezone
from quiz.models import Throttle
Throttle.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
"""

CHECKED = "Please enter a correct username and password."
LOCKED = "Too many failed sign-ins for this account."
LIMIT = 5
pytestmark = pytest.mark.slow  # three gunicorn workers: about half a minute


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_the_lockout_holds_across_workers(tmp_path):
    access_log = tmp_path / "access.log"
    with throwaway_database(tmp_path, postgres=on_postgres()) as env:
        env = {
            **env,
            "LOGIN_FAILURE_LIMIT": str(LIMIT),
            "LOGIN_ADDRESS_FAILURE_LIMIT": "100",  # the account's limit is the one tested
            # Which worker (process id) answered each request.
            "GUNICORN_CMD_ARGS": shlex.join(
                ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s"]
            ),
        }
        run(env, "migrate", "-v", "0")
        run(env, "shell", "--no-imports", "-c", SETUP)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port, workers=3)
        try:
            jar = http.cookiejar.CookieJar()
            # No redirect following: a right password answers 302.
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), NoRedirect()
            )
            fetch_when_ready(opener, f"{base}/accounts/login/")
            token = next(c.value for c in jar if c.name == "csrftoken")

            def sign_in(password: str) -> str:
                data = {"username": "vic", "password": password, "csrfmiddlewaretoken": token}
                request = urllib.request.Request(
                    f"{base}/accounts/login/",
                    data=urllib.parse.urlencode(data).encode(),
                    headers={"Referer": f"{base}/accounts/login/"},
                )
                try:
                    with opener.open(request) as response:
                        body = response.read().decode()
                except urllib.error.HTTPError as error:
                    return str(error.code)
                return CHECKED if CHECKED in body else LOCKED if LOCKED in body else body

            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                answers = list(pool.map(sign_in, [f"wrong-{n}" for n in range(15)]))
            assert answers.count(CHECKED) == LIMIT, answers
            assert answers.count(LOCKED) == 15 - LIMIT, answers
            posts = [
                line.split()[0] for line in access_log.read_text().splitlines() if "POST" in line
            ]
            assert len(set(posts)) >= 2, "the attempts were answered by more than one worker"

            for _ in range(6):  # on every worker
                assert sign_in("vic-right-password-1") == LOCKED

            run(env, "shell", "--no-imports", "-c", END_LOCKOUT)
            assert sign_in("vic-right-password-1") == "302"
        finally:
            stop_server(server)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
