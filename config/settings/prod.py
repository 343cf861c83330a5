"""Production: the base settings with DEBUG forced off (HTTPS, secure cookies, HSTS, SMTP).

Every secret and host comes from the environment; see README "Running in production".
"""

import os

os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403

# Keep each worker's database connection between requests (opening one costs a PostgreSQL
# backend start per request) and check it is alive before reusing it.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
