from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A session (Django's row: key, signed data, expiry) with the signed-in user's id as a
    column, so each request reads the session and its user in one query (quiz.sessions).

    No foreign key constraint: a session outlives nothing it names. A deleted user's id
    finds no row, and the session reads as signed out, as Django's own sessions do.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
