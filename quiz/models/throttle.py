from django.db import models


class Throttle(models.Model):
    """How many times something was done under one key (a sign-in failure for a username,
    a comment by a learner, ...) in the current window. Kept in the database so every
    worker and every server shares it; written only by quiz.services.throttle."""

    # A keyed hash of the caller's key (usernames and addresses are not stored as such).
    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key[:12]}… {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"
