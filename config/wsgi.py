import os

from django.core.wsgi import get_wsgi_application

from config.env import default_settings_module

# config.settings.dev, or config.settings.prod when DEBUG is false (config/env.py).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
application = get_wsgi_application()
