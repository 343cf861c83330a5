"""Production: anything public (DEBUG off, HTTPS only, persistent connections, SMTP, a task
worker). Used by `gunicorn config.wsgi` and `manage.py` when DJANGO_SETTINGS_MODULE is
config.settings.prod or DEBUG is false (config/env.py).

Every secret and host comes from the environment; see README "Running in production".
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is false.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# DATABASES
# ------------------------------------------------------------------------------
# Connections are kept between requests (opening a PostgreSQL connection starts a backend
# process), checked alive before reuse.
DATABASES = {
    "default": {
        **DATABASES["default"],
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }
}

# SECURITY
# ------------------------------------------------------------------------------
# Anything public runs over HTTPS. Behind a TLS-terminating proxy, the proxy says so with
# X-Forwarded-Proto; SECURE_SSL_REDIRECT=false lets the proxy do the redirect.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# STATIC FILES
# ------------------------------------------------------------------------------
# Compressed once, with hashed names, by `collectstatic` at each release.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# EMAIL AND TASKS
# ------------------------------------------------------------------------------
# Password-reset mail is queued in the database by the page and sent over SMTP by
# `manage.py db_worker` (Procfile `worker`, deploy/examprep-worker.service).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# PROXIES
# ------------------------------------------------------------------------------
# How many proxies in front of the app append the client's address to X-Forwarded-For
# (quiz.views.login.client_address). Production runs behind one TLS proxy (see
# SECURE_PROXY_SSL_HEADER); without this, every client would share the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
