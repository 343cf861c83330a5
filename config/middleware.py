"""Headers every response carries that Django has no setting for."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response, static files and redirects included (placed
    first, so it wraps whitenoise): the pages use no camera, microphone, location, payment,
    USB and so on, and say so, so an injected frame or script cannot ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class PrivateCacheMiddleware:
    """A signed-in learner's page (progress, answers, exam state) is stored by no cache:
    ``Cache-Control: private, no-store`` unless the view chose its own Cache-Control.

    Placed after the authentication middleware. A response whose request never read the
    session cannot depend on who is signed in, so it is left alone, and asking here would
    read the session (and add ``Vary: Cookie``) for nothing; static files never get here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class NulQueryMiddleware:
    """A query string with a NUL character is refused (400). No search, filter, page or
    next-URL of ours has one, and PostgreSQL cannot compare one with text: the admin's
    list filters, its autocomplete and the site's search answered 500 there. (Posted
    forms refuse or strip NUL field by field: Django's form fields, study.text.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest(
                "A NUL character is not allowed in a query.", content_type="text/plain"
            )
        return self.get_response(request)
