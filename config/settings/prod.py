"""Production: the base settings with DEBUG forced off (HTTPS, secure cookies, HSTS, SMTP).

Every secret and host comes from the environment; see README "Running in production".
"""

import os

os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403
