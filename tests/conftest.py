import contextlib

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rendered notes, question blocks): rolled-back
    rows are not forgotten by a cache, and their ids are used again."""
    from django.core.cache import caches

    for each in caches.all(initialized_only=False):
        each.clear()
    yield
    for each in caches.all(initialized_only=False):
        each.clear()


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


@pytest.fixture
def round_trips():
    """A context manager counting the waits for the database inside it: a statement
    executed alone is one, a run of statements queued in a PostgreSQL pipeline is one (two
    pipelines back to back count as one). Yields a list; its length after the block is the count."""
    from django.db import connection

    @contextlib.contextmanager
    def counting():
        waits = []

        def count(execute, sql, params, many, context):
            pgconn = getattr(connection.connection, "pgconn", None)
            piped = pgconn is not None and pgconn.pipeline_status != 0
            if not (piped and waits and waits[-1] == "pipeline"):
                waits.append("pipeline" if piped else "statement")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            yield waits

    return counting
