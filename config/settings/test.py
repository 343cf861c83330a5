"""The test suite (pyproject.toml: pytest-django): fast and the same whatever the shell
exports, except DATABASE_URL, which chooses SQLite or the PostgreSQL leg (scripts/test.sh).
"""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES

# GENERAL
# ------------------------------------------------------------------------------
# DEBUG off, as in production: error pages and checks behave as they will there.
DEBUG = False
SECRET_KEY = "test-only-key-never-used-outside-the-test-suite"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# DATABASES
# ------------------------------------------------------------------------------
# A connection per test run's thread, never kept past a request.
DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": 0}}

# PASSWORDS
# ------------------------------------------------------------------------------
# A fast hasher: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# CACHES
# ------------------------------------------------------------------------------
# Per-process memory whatever DJANGO_CACHE says: each run starts empty.
CACHES = {
    **CACHES,
    "default": {**CACHES["default"], "BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# STATIC FILES
# ------------------------------------------------------------------------------
# Served from the app folders, as in development: tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# EMAIL AND TASKS
# ------------------------------------------------------------------------------
# Sent mail is kept in django.core.mail.outbox. Tasks are queued in the database as in
# production; tests run the worker (`db_worker --batch`) where they need the work done.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SPACED REPETITION
# ------------------------------------------------------------------------------
# No interval fuzzing: tests expect exact due dates.
SRS_FUZZING = False

# PROXIES
# ------------------------------------------------------------------------------
# The tests' client has no proxy in front of it.
TRUSTED_PROXY_COUNT = 0
