import pytest


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
