"""Sessions read with their user in one query (quiz.sessions, quiz.auth): Django's rules for
who is signed in hold exactly as with its own stores."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quiz.models import UserSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
migration = importlib.import_module("quiz.migrations.0032_user_sessions")


def signed_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_signed_in_page_reads_the_session_and_its_user_in_one_query(client):
    signed_in(client, UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("quiz:profile")).status_code == 200
    first = queries.captured_queries[0]["sql"]
    assert '"quiz_usersession"' in first and '"auth_user"' in first and '"quiz_profile"' in first
    assert not any(q["sql"].startswith('SELECT "auth_user".') for q in queries.captured_queries)


def test_the_session_row_names_its_user_from_sign_in_to_sign_out(client):
    user = UserFactory()
    signed_in(client, user)
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == user.pk
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=row.session_key).exists()
    assert client.get(reverse("quiz:profile")).status_code == 302


def test_a_password_changed_elsewhere_signs_the_session_out(client):
    user = UserFactory()
    signed_in(client, user)
    user.set_password("another long passphrase")
    user.save()
    assert client.get(reverse("quiz:profile")).status_code == 302  # to sign in


def test_a_deactivated_account_is_signed_out(client):
    user = UserFactory()
    signed_in(client, user)
    user.is_active = False
    user.save()
    assert client.get(reverse("quiz:profile")).status_code == 302


def test_a_deleted_account_reads_as_signed_out_and_its_session_still_saves(client):
    user = UserFactory()
    signed_in(client, user)
    user.delete()
    assert client.get(reverse("quiz:profile")).status_code == 302
    session = client.session
    session["seen"] = True
    session.save()  # no constraint names the user: nothing to break
    assert client.get(reverse("quiz:home")).status_code == 200


def test_only_the_user_the_signed_data_names_is_taken_from_the_row(client):
    """The column only saves a query: a row whose column names someone else (it cannot
    happen through the store) still signs in the user of the signed session data."""
    user, other = UserFactory(), UserFactory()
    signed_in(client, user)
    UserSession.objects.filter(session_key=client.session.session_key).update(user=other)
    response = client.get(reverse("quiz:profile"))
    assert response.status_code == 200 and response.wsgi_request.user == user


def test_the_migration_moves_live_sessions_with_their_user():
    user = UserFactory()
    live, gone = DjangoStore(), DjangoStore()
    for store in (live, gone):
        store[SESSION_KEY] = str(user.pk)
        store.create()
    Session.objects.filter(session_key=gone.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    migration._move_sessions(apps, None)
    moved = UserSession.objects.get(session_key=live.session_key)
    assert moved.user_id == user.pk and moved.session_data
    assert not UserSession.objects.filter(session_key=gone.session_key).exists()
    assert not Session.objects.exists()


def test_a_moved_session_keeps_its_learner_signed_in(client):
    user = UserFactory()
    signed_in(client, user)
    key = client.session.session_key
    row = UserSession.objects.get(session_key=key)
    Session.objects.create(
        session_key=key, session_data=row.session_data, expire_date=row.expire_date
    )
    row.delete()
    migration._move_sessions(apps, None)
    assert client.get(reverse("quiz:profile")).wsgi_request.user == user


def test_clearsessions_removes_the_expired_rows(client):
    signed_in(client, UserFactory())
    live = client.session.session_key
    expired = UserSession.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    call_command("clearsessions")
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live]
    assert expired.session_key != live
