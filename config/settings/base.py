"""What every environment shares. `dev`, `test` and `prod` import it and state their own
choices on top (DEBUG, the secret key, HTTPS, database connections, mail, tasks).

Values come from the environment (README, Configuration): which database, cache, limits.
Which environment this is never does: that is the settings module's name.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "study",
    "quiz",
    "content",
]

MIDDLEWARE = [
    "config.middleware.PermissionsPolicyMiddleware",  # first: static files get it too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NulQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, handed the user the session store read with the session (quiz.auth).
    "quiz.auth.AuthenticationMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# DATABASE_URL, or a SQLite file in the project. How long a connection is kept is each
# environment's choice (CONN_MAX_AGE).
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work side by side; a busy timeout waits instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Writers queued by the kernel rather than polling in SQLite's busy handler (its module
    # says why): the same database, files and settings.
    DATABASES["default"]["ENGINE"] = "config.sqlite"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Storage is SSD or memory: the default random_page_cost (4, for spinning disks) made
    # PostgreSQL hash-join whole tables (50,000 questions) to read one learner's rows
    # instead of looking each up by primary key (dashboard 60 ms -> 10 ms at full size).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters bound by the server and a statement run twice on a connection kept as
        # a prepared statement: PostgreSQL then stops planning each page's queries again
        # (1-1.7 ms of its CPU per learner page). Off for a pooler that cannot keep
        # prepared statements (PgBouncer in transaction mode before 1.21).
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The model backend, loading each request's user together with their study settings.
AUTHENTICATION_BACKENDS = ["quiz.auth.ProfileBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only, no translations: off, so formatting a number or date in a template does not
# look up the active language (a context-local read) every time: a third of a long page's
# render time.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Everything is served from this host; scripts and styles need the per-request nonce
# or must be files of ours. No inline event handlers, no eval.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Mail (password resets) is sent by the MAILERS each environment chooses, from this address.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Exam Prep <no-reply@localhost>")

# Where the shipped content library lives (import_content's default path).
CONTENT_LIBRARY_DIR = BASE_DIR / "content" / "library"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quiz:home"
LOGOUT_REDIRECT_URL = "study:home"

# Widgets may use project templates (the admin markdown preview does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
SRS_FUZZING = True  # FSRS interval fuzzing; tests turn it off for exact expectations

# Permissions-Policy (config.middleware): no page uses any of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions with the user's id as a column, read with the user in one
# query compiled once per connection (quiz.sessions).
SESSION_ENGINE = "quiz.sessions"

# Per-process memory by default (it holds only rendered notes, which a token keeps fresh);
# DJANGO_CACHE=db shares one (after `manage.py createcachetable`). Room for two rendered
# fragments per topic of a large library (the default 300 entries would keep evicting them).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if os.environ.get("DJANGO_CACHE") == "db"
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cache_entries",  # the database cache's table; the memory cache's name
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # The shared part of rendered question blocks (quiz.templatetags.question_blocks), keyed
    # by what they show: always this process's memory, as a database cache would cost a
    # query per block and there is nothing to keep in step between processes.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "question-blocks",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Learners' writes to shared pages: (most, per minutes), counted per learner in the database.
LEARNER_RATE_LIMITS = {"comment": (10, 10), "vote": (30, 10), "report": (10, 60)}

# Sign-in lockout (quiz.services.signin), counted in the database so every worker and
# server shares it: LOGIN_FAILURE_LIMIT failed sign-ins for one name (any spelling, any
# address), or LOGIN_ADDRESS_FAILURE_LIMIT from one client address (any names), lock it
# for LOGIN_LOCKOUT_MINUTES.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)

# Origins a form may be posted from besides this host's own (behind a proxy that changes it).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
