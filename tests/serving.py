"""A real server for tests that need one: a throwaway database (a SQLite file, or a new
database in the PostgreSQL cluster the suite runs on) and gunicorn workers serving it."""

import contextlib
import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


@contextlib.contextmanager
def throwaway_database(tmp_path: Path, *, postgres: bool = False):
    """Environment variables for a new, empty database, removed afterwards. postgres: a new
    database in the cluster of $DATABASE_URL (the suite's PostgreSQL leg)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if not postgres:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'served.sqlite3'}"
        yield env
        return
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"served_{uuid.uuid4().hex[:12]}"
    base, _slash, _db = server_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": f"{base}/{name}"}
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(env, port, workers: int = 2):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not start")


def stop_server(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def fetch_when_ready(opener, url: str) -> str:
    """The first request may race the workers' boot: retry briefly, then give up loudly."""
    for _ in range(50):
        try:
            return opener.open(url).read().decode()
        except (ConnectionResetError, ConnectionRefusedError, urllib.error.URLError):
            time.sleep(0.1)
    return opener.open(url).read().decode()


def signed_in_opener(base: str, username: str, password: str):
    """(opener with the session cookie, CSRF token) after signing in through the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    fetch_when_ready(opener, f"{base}/accounts/login/")
    token = next(c.value for c in jar if c.name == "csrftoken")
    login = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/", data=login, headers={"Referer": f"{base}/accounts/login/"}
        )
    ).read()
    return opener, next(c.value for c in jar if c.name == "csrftoken")


def post(opener, base: str, token: str, path: str, data: dict) -> tuple[int, str]:
    """An htmx POST: (status, body); a 4xx answer is returned, not raised."""
    request = urllib.request.Request(
        f"{base}{path}",
        data=urllib.parse.urlencode(data, doseq=True).encode(),
        headers={"X-CSRFToken": token, "HX-Request": "true", "Referer": base},
    )
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
