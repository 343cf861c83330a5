"""The shared throttle counter (quiz.services.throttle): window, limit, reset, concurrency."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from quiz.models import Throttle
from quiz.services.throttle import throttle_blocked, throttle_hit, throttle_reset, throttle_undo

pytestmark = pytest.mark.django_db

WINDOW = timedelta(minutes=15)


def test_hits_are_allowed_up_to_the_limit_then_refused():
    allowed = [throttle_hit(key="t:a", limit=3, window=WINDOW) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert throttle_blocked(key="t:a", limit=3)
    assert not throttle_blocked(key="t:b", limit=3), "keys are counted apart"


def test_blocked_counts_nothing():
    throttle_hit(key="t:a", limit=2, window=WINDOW)
    for _ in range(5):
        assert not throttle_blocked(key="t:a", limit=2)
    assert Throttle.objects.get().count == 1


def test_the_hit_reaching_the_limit_blocks_for_one_whole_window():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        throttle_hit(key="t:a", limit=2, window=WINDOW)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        throttle_hit(key="t:a", limit=2, window=WINDOW)  # reaches the limit
    with time_machine.travel(start + timedelta(minutes=24), tick=False):
        assert throttle_blocked(key="t:a", limit=2)
    with time_machine.travel(start + timedelta(minutes=26), tick=False):
        assert not throttle_blocked(key="t:a", limit=2)
        assert throttle_hit(key="t:a", limit=2, window=WINDOW)
        assert Throttle.objects.get().count == 1, "a new window starts from one"


def test_a_window_ends_and_expired_rows_are_pruned():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for key in ("t:a", "t:b", "t:c"):
            throttle_hit(key=key, limit=5, window=WINDOW)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        throttle_hit(key="t:d", limit=5, window=WINDOW)
    assert Throttle.objects.count() == 1


def test_reset_forgets_the_key_and_keys_are_not_stored_in_clear():
    for _ in range(3):
        throttle_hit(key="login-user:vic", limit=3, window=WINDOW)
    assert "vic" not in Throttle.objects.get().key
    throttle_reset(key="login-user:vic")
    assert not throttle_blocked(key="login-user:vic", limit=3)
    assert not Throttle.objects.exists()


def test_undo_takes_back_one_hit_and_never_goes_below_zero():
    for _ in range(3):
        throttle_hit(key="t:a", limit=3, window=WINDOW)
    throttle_undo(key="t:a")
    assert not throttle_blocked(key="t:a", limit=3)
    for _ in range(5):
        throttle_undo(key="t:a")
    assert Throttle.objects.get().count == 0
    throttle_undo(key="t:unknown")
    assert Throttle.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database serializes threads; the multi-process "
    "gunicorn test (tests/test_login_workers.py) covers SQLite",
)
def test_concurrent_hits_lose_no_count():
    barrier = threading.Barrier(8)
    results = []

    def hammer():
        barrier.wait()
        try:
            results.extend(throttle_hit(key="t:race", limit=20, window=WINDOW) for _ in range(10))
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Throttle.objects.get().count == 80
    assert results.count(True) == 20
