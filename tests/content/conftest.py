"""Fixtures for the tests of the content library: only these tests read the shipped files
(tests elsewhere build what they need with tests/factories.py and tests/bank.py)."""

import shutil
from pathlib import Path

import pytest

from content.importer import content_import
from tests.content import SHIPPED_LIBRARY


@pytest.fixture
def library(db):
    """The shipped content library, imported: for tests of the shipped content itself."""
    return content_import(root=SHIPPED_LIBRARY)


@pytest.fixture
def library_copy(tmp_path) -> Path:
    """A writable copy of the shipped library, for tests that change files."""
    destination = tmp_path / "library"
    shutil.copytree(SHIPPED_LIBRARY, destination)
    return destination
