"""The app's URLs plus one reference page, for benchmark runs only (never in the product)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


@login_required
def signed_in_shell(request):
    """What every learner page costs before its own work: the session and user lookups and
    the site layout (header, navigation, CSRF token, CSP nonce) around an empty body."""
    return render(request, "base.html", {})


urlpatterns = [path("bench/shell/", signed_in_shell), *app_urlpatterns]
