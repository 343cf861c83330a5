from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, register_converter

from config.ids import IdConverter
from config.views import healthz
from quiz.views.accounts import QueuedPasswordResetView, UnlockingPasswordResetConfirmView
from quiz.views.login import ThrottledAdminAuthenticationForm, ThrottledLoginView

# The admin's sign-in page keeps the same lockout as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm

# <id:pk>: every id and position in a URL (ASCII digits in the database's range; see
# config/ids.py). Registered before the URLconfs below, which use it, are loaded.
register_converter(IdConverter, "id")

urlpatterns = [
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/password_reset/", QueuedPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("quiz.urls")),
    path("", include("study.urls")),
]
