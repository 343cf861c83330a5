"""Production settings plus a per-request SQL query counter, for benchmark runs only."""

from config.settings.prod import *  # noqa: F403
from config.settings.prod import MIDDLEWARE

# Outermost, so the session and user lookups and the session save are counted too.
MIDDLEWARE = ["benchmarks.middleware.instruments", *MIDDLEWARE]

ROOT_URLCONF = "benchmarks.urls"
