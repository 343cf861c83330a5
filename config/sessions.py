"""Database sessions, read with a query compiled once per process (config.prepared).

Django's own database store builds and compiles the same `SELECT ... WHERE session_key = %s
AND expire_date > %s` on every request: about half a millisecond of Python, on every
signed-in page. This store reads the row by its key with a prepared query and checks the
expiry date in Python, which is the same rule; everything else (saving, creating, cycling
keys, deleting on logout) is Django's.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.prepared import PreparedQuery

_BY_KEY = PreparedQuery(lambda key: Session.objects.filter(session_key=key), str)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        found = _BY_KEY(key) if key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
