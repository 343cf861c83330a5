"""Sign-in with throttling: repeated wrong passwords lock that username from that address."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError


def _key(request, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    return f"login-failures:{username.strip().lower()}:{address}"


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.data.get("username", "")
        key = _key(self.request, username)
        limit = settings.LOGIN_FAILURE_LIMIT
        if cache.get(key, 0) >= limit:
            raise ValidationError(
                f"Too many failed sign-ins for this account. Try again in "
                f"{settings.LOGIN_LOCKOUT_MINUTES} minutes, or reset your password.",
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            timeout = settings.LOGIN_LOCKOUT_MINUTES * 60
            if not cache.add(key, 1, timeout):
                cache.incr(key)
            raise
        cache.delete(key)
        return cleaned


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
