"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # pytest-playwright runs an event loop


class _OneRequestAtATime(WSGIServer):
    """The live server on SQLite: the tests' in-memory database is one connection, shared
    with the server's threads, and SQLite refuses two requests using it at once ("bad
    parameter or other API misuse" when a page and its htmx requests overlap). Served one
    at a time, in the server's thread, which Django already gave that connection; Django
    closes each HTTP connection after its response when the server is not threaded."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
    LiveServerThread.server_class = _OneRequestAtATime

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by the marker
def pytest_collection_modifyitems(config, items):
    """Every test here is marked `browser` (the development run leaves them out). Without
    Chromium they are skipped with the reason, except in CI, which must run them."""
    browser_tests = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: CI must run the browser tests.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in browser_tests:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions on the page; tests assert it stays empty."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def shot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, full_page: bool = True):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def bank(transactional_db):
    """The factory-built bank (tests/bank.py), committed so the live server sees it."""
    from tests.bank import bank_build

    return bank_build()


PASSWORD = "Sup3r-secret-pass"


@pytest.fixture
def learner(transactional_db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)


def sign_in(page, live_server, username="ada", password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_load_state("load")


def no_navigation_marker(page):
    page.evaluate("window.__stayed = 'yes'")


def stayed(page) -> bool:
    return page.evaluate("window.__stayed") == "yes"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}
