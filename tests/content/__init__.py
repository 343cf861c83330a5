from pathlib import Path

from django.conf import settings

SHIPPED_LIBRARY = Path(settings.CONTENT_LIBRARY_DIR)  # the content library the app ships
