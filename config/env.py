"""Reading the environment: typed values for the settings, and which settings module an
entry point (manage.py, config.wsgi, config.asgi) runs with when DJANGO_SETTINGS_MODULE
does not say.

No Django here: the entry points call `default_settings_module()` before Django is set up.
"""

import os

DEVELOPMENT = "config.settings.dev"
PRODUCTION = "config.settings.prod"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def default_settings_module() -> str:
    """The settings module when DJANGO_SETTINGS_MODULE is not set: production when DEBUG is
    false, development when it is true or not set. DEBUG=false is how a deployment has always
    said "production" (README, Configuration), so such a deployment keeps HTTPS and the rest
    of config.settings.prod without naming the module."""
    return DEVELOPMENT if env_bool("DEBUG", True) else PRODUCTION
