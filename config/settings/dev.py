"""Development on one machine: `manage.py` and scripts/serve.sh (DEBUG on, plain HTTP).

The base settings plus the choices below; values still come from the environment where
README's Configuration table says so.
"""

import os

from config.env import env_int, env_list

from .base import *  # noqa: F403
from .base import DATABASES

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = True
# A fixed, clearly unsafe key unless SECRET_KEY is given: nothing served from here is public.
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "insecure-local-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# DATABASES
# ------------------------------------------------------------------------------
# A connection per request unless CONN_MAX_AGE says otherwise: nothing to keep warm.
DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 0)}}

# STATIC FILES
# ------------------------------------------------------------------------------
# whitenoise serves straight from the app folders and sees every edit: no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# EMAIL AND TASKS
# ------------------------------------------------------------------------------
# Mail is printed to the console, and tasks (quiz/tasks.py) run at once inside the request,
# so the development server needs neither a mail server nor a task worker.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# PROXIES
# ------------------------------------------------------------------------------
# No proxy in front of the development server: the peer's address is the client's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
