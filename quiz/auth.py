"""The authentication backend: which account a sign-in names, and the learner's settings
loaded with the user.

A username names an account when it is that account's username after NFKC (Django's
normalisation), or, failing that, when it differs from exactly one account's username only
in case and has the same skeleton (quiz.usernames): ``VIC`` signs in as ``vic``. The case
comparison is the database's ``iexact``, the rule Django's sign-up form uses to refuse a
name that differs from an existing one only in case, so sign-in and sign-up agree on what is
one name. Requiring equal skeletons on top means every spelling that can reach an account
has that account's skeleton, which is what the sign-in lockout counts failures under.

Sign-up (username_taken) refuses a name that differs from an existing one only in case
(Django's rule) or has an existing one's skeleton (``ᴀdmin``, ``аdmin`` while ``admin``
exists). Two sign-ups racing with look-alike names are not serialized: the check is a read.
"""

import unicodedata
from contextvars import ContextVar

from asgiref.sync import sync_to_async
from django.contrib import auth
from django.contrib.auth import check_password_with_timing_attack_mitigation, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.db.models import Q
from django.utils.functional import SimpleLazyObject
from django.views.decorators.debug import sensitive_variables

from config.prepared import PreparedQuery
from quiz.usernames import username_skeleton


def user_for_username(username: str):
    """The account `username` names (see the module docstring), or None."""
    User = get_user_model()
    username = unicodedata.normalize("NFKC", username)
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        pass
    skeleton = username_skeleton(username)
    matches = [
        user
        for user in User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username})
        if username_skeleton(user.get_username()) == skeleton
    ]
    return matches[0] if len(matches) == 1 else None


def username_taken(username: str) -> bool:
    """True when `username` is, to a reader, an existing account's name."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    username = unicodedata.normalize("NFKC", username)
    if User._default_manager.filter(**{f"{field}__iexact": username}).exists():
        return True
    skeleton = username_skeleton(username)
    # A name of printable ASCII is its own skeleton up to case: only those equal to this
    # skeleton but for case can match, and the names with other characters are checked here.
    candidates = User._default_manager.filter(
        Q(**{f"{field}__iexact": skeleton}) | Q(**{f"{field}__regex": r"[^ -~]"})
    ).values_list(field, flat=True)
    return any(username_skeleton(name) == skeleton for name in candidates)


_USER_WITH_PROFILE = PreparedQuery(
    lambda pk: get_user_model()._default_manager.select_related("profile").filter(pk=pk), int
)


class ProfileBackend(ModelBackend):
    """Django's model backend, finding the account with user_for_username, and loading the
    learner's study settings with the user: one query for both on every signed-in request
    (profile_for then reads nothing)."""

    @sensitive_variables("password")
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_username(username)
        # Hashes the password even without an account, so timing does not tell them apart.
        if check_password_with_timing_attack_mitigation(
            user, password
        ) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )

    def get_user(self, user_id):
        """The signed-in user with their profile, on every request: the one the session
        store read with the session in this request (quiz.sessions), else a query compiled
        once per process (config.prepared)."""
        user = _READ_WITH_SESSION.get()
        if user is None or user.pk != int(user_id):
            found = _USER_WITH_PROFILE(int(user_id))
            user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


# The user read with this request's session, while Django's get_user runs for the request.
_READ_WITH_SESSION: ContextVar = ContextVar("user_read_with_session", default=None)


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, passing the user the session store read along with the session to the
    backend's get_user (through a context variable set for that call only), so a signed-in
    request reads both in one query. Everything get_user checks is Django's."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        read = getattr(request.session, "user_read_with_session", None)
        token = _READ_WITH_SESSION.set(read() if read else None)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _READ_WITH_SESSION.reset(token)
    return request._cached_user
