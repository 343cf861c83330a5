"""Counting an action per key in a time window, shared by every worker and every server.

Sign-in lockout uses it, and so can any rate limit (comments, votes, reports)::

    from quiz.services.throttle import (
        throttle_blocked, throttle_hit, throttle_reset, throttle_undo,
    )

    # Count, then refuse what is over the limit (here the 11th comment in ten minutes):
    if not throttle_hit(key=f"comment:{user.pk}", limit=10, window=timedelta(minutes=10)):
        ...
    throttle_blocked(key=..., limit=5)  # has the key reached its limit? (counts nothing)
    throttle_undo(key=...)  # take back one hit: counted up front, the work did not count
    throttle_reset(key=...)  # forget the key (e.g. an account's failures after a good sign-in)

The model, per key: a fixed window. The first hit starts it (count 1, ends one `window`
later); each hit adds one and is allowed while the count, itself included, is at most
`limit`. The hit that reaches the limit restarts the window, so a key that reached its
limit stays blocked for one whole `window` after that hit (a lockout of a known length, not
whatever was left of the window). After the window ends the next hit starts a new one.
Callers choose the key's prefix ("login-name:", "comment:") so two uses never share a
counter; keys are stored as an HMAC under SECRET_KEY, never in clear.

Counters live in the database (quiz.models.Throttle), not in a per-process cache, so a limit
holds across gunicorn workers and servers. The increment is one
``UPDATE ... SET count = count + 1`` on the live row inside a transaction, so concurrent
hits never lose a count (a row lock on PostgreSQL, the write lock on SQLite); a missing row
is INSERTed in a savepoint, and when a concurrent hit inserted it first the unique key's
IntegrityError sends this hit back to the UPDATE. Each new window deletes every expired
row, so the table holds only live counters.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from quiz.models import Throttle

__all__ = ["throttle_blocked", "throttle_hit", "throttle_reset", "throttle_undo"]


def _digest(key: str) -> str:
    return salted_hmac("quiz.services.throttle", key, algorithm="sha256").hexdigest()


def throttle_hit(*, key: str, limit: int, window: timedelta) -> bool:
    """Count one hit under `key`; True when it is within `limit` hits per `window`."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    digest = _digest(key)
    while True:
        with transaction.atomic():
            now = timezone.now()
            live = Throttle.objects.filter(key=digest, expires_at__gt=now)
            # SET expressions read the row as it was: count = limit - 1 is the hit that
            # reaches the limit, which restarts the window.
            reaches_limit = When(count=limit - 1, then=Value(now))
            updated = live.update(
                count=F("count") + 1,
                window_start=Case(reaches_limit, default=F("window_start")),
                expires_at=Case(
                    When(count=limit - 1, then=Value(now + window)), default=F("expires_at")
                ),
            )
            if updated:
                # Our UPDATE holds the row until commit: this reads our own increment.
                return live.values_list("count", flat=True).get() <= limit
            Throttle.objects.filter(expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    Throttle.objects.create(
                        key=digest, count=1, window_start=now, expires_at=now + window
                    )
            except IntegrityError:
                continue  # a concurrent hit created the row: count on it
            return True


def throttle_blocked(*, key: str, limit: int) -> bool:
    """True when `key` has reached `limit` hits in its current window (counts nothing)."""
    return Throttle.objects.filter(
        key=_digest(key), expires_at__gt=timezone.now(), count__gte=limit
    ).exists()


def throttle_undo(*, key: str) -> None:
    """Take back one hit under `key` in its current window (none: nothing changes). For a
    hit counted before the work, so parallel requests cannot all pass a check, when the
    work turned out not to count."""
    Throttle.objects.filter(key=_digest(key), expires_at__gt=timezone.now(), count__gt=0).update(
        count=F("count") - 1
    )


def throttle_reset(*, key: str) -> None:
    """Forget every hit under `key`."""
    Throttle.objects.filter(key=_digest(key)).delete()
