#!/usr/bin/env python
import os
import sys

from config.env import default_settings_module


def main():
    # config.settings.dev, or config.settings.prod when DEBUG is false (config/env.py).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
