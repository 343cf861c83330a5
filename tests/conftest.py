import shutil
from pathlib import Path

import pytest
from django.conf import settings

from content.importer import content_import

SHIPPED_LIBRARY = Path(settings.CONTENT_LIBRARY_DIR)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rendered notes): rolled-back
    rows are not forgotten by a cache, and their ids are used again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bank(db):
    """A small question bank built with the factories (tests/bank.py says what it holds):
    what tests of the screens need, without the shipped library."""
    from tests.bank import bank_build

    return bank_build()


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


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def learner_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def assert_fragment(response, element_id: str) -> str:
    """An htmx response: just the fragment with this id, not a whole page."""
    html = response.content.decode()
    assert "<html" not in html and "<!doctype" not in html.lower(), "got a whole page"
    assert f'id="{element_id}"' in html, f"no element #{element_id} in the fragment"
    return html
