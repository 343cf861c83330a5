"""Settings from the environment, production checks, and what every page sends."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_debug_false_without_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_false_with_secret_key_starts():
    result = run_manage("check", DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="exams.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_settings_with_debug_off_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="another-long-random-production-secret-" + "z9" * 20,
        ALLOWED_HOSTS="localhost",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_url_selects_postgresql():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": "postgres://user:pw@db.internal:5432/exams",
        },
        check=False,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "exams",
        "db.internal",
        "5432",
    ]


@pytest.mark.parametrize(
    ("setting", "expected"), [(None, "True 2"), ("true", "True 2"), ("false", "None None")]
)
def test_postgresql_keeps_prepared_statements_unless_told_not_to(setting, expected):
    code = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": "postgres://user:pw@db.internal:5432/exams",
    }
    if setting is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = setting
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.stdout.strip() == expected, result.stderr


# Public pages of the factory-built bank (tests/bank.py), by what they show.
PAGES = {
    "certifications": lambda bank: reverse("study:home"),
    "notes": lambda bank: bank.topic.get_absolute_url(),
    "question list": lambda bank: reverse("quiz:topic_questions", args=[bank.topic.slug]),
    "discussion": lambda bank: reverse("quiz:topic_discussion", args=[bank.topic.slug]),
    "question, choose 2": lambda bank: bank.pair.get_absolute_url(),
    "search": lambda bank: reverse("quiz:search") + "?q=key",
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_pages_load_nothing_from_other_hosts_and_send_a_strict_csp(client, bank, page):
    url = page(bank)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    # Links inside notes may point at documentation; scripts, styles and icons may not.
    assets = [u for u in external if re.search(r"\.(js|css|svg|png|woff2?)(\?|$)", u)]
    assert assets == []
    assert "/static/django_htmx/htmx" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "<script>" not in html  # every script is a file with our nonce, none inline
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert html.count("<h1") == 1
