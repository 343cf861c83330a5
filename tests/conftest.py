import shutil
from pathlib import Path

import pytest
from django.conf import settings

from content.importer import content_import

SHIPPED_LIBRARY = Path(settings.CONTENT_LIBRARY_DIR)


@pytest.fixture
def library(db):
    """The shipped content library, imported."""
    return content_import(root=SHIPPED_LIBRARY)


@pytest.fixture
def library_copy(tmp_path) -> Path:
    """A writable copy of the shipped library, for tests that change files."""
    destination = tmp_path / "library"
    shutil.copytree(SHIPPED_LIBRARY, destination)
    return destination
