"""How often a learner may write to shared pages: comments, votes and problem reports.

Counted per learner in the shared throttle table (quiz.services.throttle), so a limit holds
across every worker and server. The numbers are settings (LEARNER_RATE_LIMITS): hits per
window in minutes, generous for a person and a wall for a script.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from quiz.services.throttle import throttle_hit

WHAT = {"comment": "comments", "vote": "votes", "report": "problem reports"}


class RateLimited(ValidationError):
    """Too many writes of one kind in a short time; the view answers 429."""

    status = 429


def rate_limit(*, user: AbstractBaseUser, action: str) -> None:
    """Count one `action` by `user`; RateLimited when it is over the limit."""
    limit, minutes = settings.LEARNER_RATE_LIMITS[action]
    window = timedelta(minutes=minutes)
    if not throttle_hit(key=f"{action}:{user.pk}", limit=limit, window=window):
        raise RateLimited(
            f"That is {limit} {WHAT[action]} in {minutes} minutes, the most we take: "
            f"please wait {minutes} minutes before the next one."
        )
