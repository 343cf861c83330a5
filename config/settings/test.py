from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SRS_FUZZING = False
# Tasks are queued in the database as in production; tests run the worker
# (`db_worker --batch`) where they need the work done.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The tests' client has no proxy in front of it.
TRUSTED_PROXY_COUNT = 0
