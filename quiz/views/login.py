"""Sign-in with lockout (quiz.services.signin), for the site's and the admin's sign-in pages."""

import ipaddress

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from quiz.services.signin import SigninLock, signin_attempt, signin_success_record


def client_address(request: HttpRequest | None) -> str:
    """The address a request came from, as a key for counting: the peer's address, or with
    TRUSTED_PROXY_COUNT proxies in front of the app the address the outermost of them saw
    (that many entries from the right of X-Forwarded-For; entries further left are the
    client's say-so). IPv6 addresses are cut to their /64 network."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [entry.strip() for entry in forwarded if entry.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class ThrottledLoginMixin:
    """Counts every sign-in attempt before its password is checked, refuses it unchecked
    over the name's or the address's limit, and takes a right password's attempt back."""

    throttle_messages = {
        SigninLock.ACCOUNT: "Too many failed sign-ins for this account. Try again in {minutes} "
        "minutes, or reset your password.",
        SigninLock.ADDRESS: "Too many failed sign-ins from your network. Try again in "
        "{minutes} minutes.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # a missing field: no password is checked
        address = client_address(self.request)
        lock = signin_attempt(username=username, address=address)
        if lock:
            message = self.throttle_messages[lock].format(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            raise ValidationError(message, code="locked")
        try:
            return super().clean()
        finally:
            # user_cache is set by a right password, even for an account that may not use
            # this page (a learner on the admin's): no guess failed.
            if self.user_cache is not None:
                signin_success_record(username=username, address=address)


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct username and password. The password is "
        "case-sensitive; the username is not.",
    }


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
