"""Database sessions that read the signed-in user with the session: one query per request.

Django's database store reads the session row, then the authentication middleware reads
the user it names: two round trips on every signed-in page (on PostgreSQL each a wait for a
server sharing the cores). This store keeps the user's id in a column of its own table
(quiz.models.UserSession), reads the row joined with the user and their profile by a query
compiled once per connection (config.prepared), and hands that user to the authentication
backend for this request only (quiz.auth.AuthenticationMiddleware): Django's rules are
unchanged (the id in the signed session data must match, the account must be active, the
session's password hash is checked against this user as read now). The expiry is checked
in Python, the same rule as Django's store; saving, cycling keys and deleting on logout
are Django's.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from config.prepared import PreparedQuery
from quiz.models import UserSession

_BY_KEY = PreparedQuery(
    lambda key: UserSession.objects.filter(session_key=key).select_related("user__profile"),
    str,
)


class SessionStore(DatabaseSessionStore):
    _user_read = None

    @classmethod
    def get_model_class(cls):
        return UserSession

    def _get_session_from_db(self):
        key = self.session_key
        found = _BY_KEY(key) if key else []
        if found and found[0].expire_date > timezone.now():
            self._user_read = found[0].user
            return found[0]
        self._session_key = None
        return None

    def user_read_with_session(self):
        """The user the stored session named when this request read it (None: none, or no
        longer an account). Reading it loads the session if nothing has yet."""
        self._get_session()
        return self._user_read

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if str(user_id).isdigit() else None
        return session
