"""Sign-in lockout: one count per account name whatever its spelling, one per client address,
shared through the database; sign-up refuses look-alike names."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.auth import user_for_username, username_taken
from quiz.usernames import username_skeleton
from quiz.views.login import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ACCOUNT_LOCKED = "Too many failed sign-ins for this account."
ADDRESS_LOCKED = "Too many failed sign-ins from your network."
LOOK_ALIKES = {
    "fullwidth": "ｖｉｃ",
    "mathematical-bold": "𝐯𝐢𝐜",
    "modifier-letter": "ᵛic",
    "capitals": "VIC",
    "mixed-case": "Vic",
}


def sign_in(client, username, password=PASSWORD, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def alert(response) -> str:
    return re.search(r'<p class="form-error" role="alert">(.*?)</p>', response.content.decode())[1]


def lock(client, username, times=5):
    for _ in range(times):
        response = sign_in(client, username, "wrong")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "skeleton"),
    [
        ("vic", "vic"),
        ("ｖｉｃ", "vic"),
        ("𝐯𝐢𝐜", "vic"),
        ("ᵛic", "vic"),
        ("VIC", "vic"),
        ("ᴀdmin", "admin"),  # small capital
        ("аdmin", "admin"),  # Cyrillic a
        ("ΑDMIN", "admin"),  # Greek capital alpha
        ("vıc", "vic"),  # dotless i
        ("ɡreg", "greg"),  # script g
        ("ѕаm", "sam"),  # Cyrillic dze and a
        ("Νick", "nick"),  # Greek capital nu is an N ...
        ("νick", "vick"),  # ... its small letter a v
        ("adm1n", "adm1n"),  # digits are their own
        ("élodie", "élodie"),  # accents read differently
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else None,
)
def test_username_skeleton(name, skeleton):
    assert username_skeleton(name) == skeleton


@pytest.mark.parametrize("spelling", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_locked_account_stays_locked_under_any_spelling(client, spelling):
    UserFactory(username="vic")
    lock(client, "vic")
    response = sign_in(client, spelling)
    assert response.status_code == 200
    assertContains(response, ACCOUNT_LOCKED)
    assert "_auth_user_id" not in client.session


def test_failures_spread_over_spellings_lock_the_account(client):
    UserFactory(username="vic")
    for spelling in ["ｖｉｃ", "𝐯𝐢𝐜", "ᵛic", "VIC", "vіc"]:  # the last with a Cyrillic і
        sign_in(client, spelling, "wrong")
    assertContains(sign_in(client, "vic"), ACCOUNT_LOCKED)


def test_usernames_sign_in_whatever_their_case_or_width(client):
    vic = UserFactory(username="vic")
    response = sign_in(client, "ＶＩＣ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(vic.pk)


def test_a_look_alike_name_is_not_the_account(client):
    UserFactory(username="vic")
    response = sign_in(client, "vіc")  # Cyrillic і: another name, with no account
    assert response.status_code == 200
    assertContains(response, "Please enter a correct username and password.")


def test_case_insensitive_sign_in_needs_one_account_with_that_skeleton():
    vic = UserFactory(username="vic")
    assert user_for_username("VIC") == vic
    assert user_for_username("ｖｉｃ") == vic
    UserFactory(username="Vic")  # made before sign-up refused case variants
    assert user_for_username("VIC") is None, "ambiguous: neither account"
    assert user_for_username("Vic").username == "Vic"


def test_a_name_without_an_account_locks_alike(client):
    UserFactory(username="vic")
    lock(client, "nobody")
    locked_unknown = sign_in(client, "nobody", "wrong")
    lock(Client(), "vic")
    locked_known = sign_in(Client(), "vic", "wrong")
    assert alert(locked_unknown) == alert(locked_known)
    assert locked_unknown.status_code == locked_known.status_code == 200


def test_many_names_from_one_address_lock_the_address(client):
    UserFactory(username="vic")
    for n in range(20):
        sign_in(client, f"guess{n}", "wrong")
    response = sign_in(client, "vic")
    assertContains(response, ADDRESS_LOCKED)
    assertNotContains(response, ACCOUNT_LOCKED)
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "vic").status_code == 302, "only that address is locked"


def test_a_good_sign_in_does_not_reset_its_address(client):
    UserFactory(username="vic")
    for n in range(19):
        sign_in(client, f"guess{n}", "wrong")
    assert sign_in(client, "vic").status_code == 302
    client.logout()
    sign_in(client, "guess-last", "wrong")
    assertContains(sign_in(client, "vic"), ADDRESS_LOCKED)


def test_good_sign_ins_do_not_count_against_the_address():
    users = [UserFactory() for _ in range(25)]  # a classroom behind one address
    for user in users:
        client = Client()
        assert sign_in(client, user.username).status_code == 302


def test_a_good_sign_in_forgets_the_names_failures(client):
    UserFactory(username="vic")
    lock(client, "vic", times=4)
    assert sign_in(client, "VIC").status_code == 302
    client.logout()
    lock(client, "vic", times=4)
    assert sign_in(client, "vic").status_code == 302


def test_the_lockout_ends_after_its_minutes(client):
    UserFactory(username="vic")
    lock(client, "vic")
    assertContains(sign_in(client, "ｖｉｃ"), "Try again in 15 minutes")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "ｖｉｃ").status_code == 302


def test_the_admin_sign_in_shares_the_lockout(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    lock(client, "boss")
    response = sign_in(client, "ＢＯＳＳ", url=reverse("admin:login"))
    assertContains(response, ACCOUNT_LOCKED)
    assert "_auth_user_id" not in client.session


def test_a_password_reset_ends_the_names_lockout(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    vic = UserFactory(username="vic")
    lock(client, "vic")
    uid = urlsafe_base64_encode(force_bytes(vic.pk))
    token = default_token_generator.make_token(vic)
    link = client.get(reverse("password_reset_confirm", args=[uid, token]))
    new = "another horse battery staple"
    response = client.post(link.url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert sign_in(client, "vic", new).status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", "", 0, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", 0, "203.0.113.9"),  # no proxy: the header is a lie
        ("127.0.0.1", "10.0.0.1, 198.51.100.1", 1, "198.51.100.1"),  # the proxy's entry
        ("127.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.2", 2, "198.51.100.1"),
        ("127.0.0.1", "", 1, "127.0.0.1"),  # no header: the peer
        ("2001:db8:1:2:3:4:5:6", "", 0, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "", 0, "203.0.113.9"),
    ],
    ids=["peer", "unproxied", "one-proxy", "two-proxies", "no-header", "ipv6", "ipv4-mapped"],
)
def test_client_address(remote, forwarded, proxies, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected


def test_addresses_behind_a_proxy_are_counted_apart():
    UserFactory(username="vic")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
        for n in range(20):
            sign_in(attacker, f"guess{n}", "wrong")
        learner = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert sign_in(learner, "vic").status_code == 302


@pytest.mark.parametrize(
    "name",
    ["admin", "Admin", "ᴀdmin", "аdmin", "ΑDMIN", "ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧"],
)
def test_signup_refuses_a_name_that_reads_as_a_taken_one(client, name):
    UserFactory(username="admin")
    response = client.post(
        reverse("quiz:signup"),
        {
            "username": name,
            "email": "new@example.com",
            "password1": "a long new password 1",
            "password2": "a long new password 1",
        },
    )
    assert response.status_code == 400
    assertContains(
        response, "That username is taken, or looks the same as one that is.", status_code=400
    )
    assert get_user_model().objects.count() == 1


def test_signup_accepts_a_different_name(client):
    UserFactory(username="admin")
    assert not username_taken("adm1n") and not username_taken("admins")
    UserFactory(username="ѕаm")  # names with other letters are checked too
    assert username_taken("sam") and username_taken("SAM") and not username_taken("sa")
