"""Sign-in lockout: how many passwords an account name and a client address may try.

- **Per account name**: LOGIN_FAILURE_LIMIT failed sign-ins for one name lock it for
  LOGIN_LOCKOUT_MINUTES, from every address, the right password included. Attempts are
  counted under the name's skeleton (quiz.usernames: NFKC, look-alike letters, case folded),
  the same for every spelling that can reach the account (quiz.auth), so ``ｖｉｃ``,
  ``𝐯𝐢𝐜``, ``ᵛic`` and ``VIC`` all count against, and are locked with, ``vic``. Names without
  an account are counted and locked the same way, so a lockout says nothing about whether
  an account exists.
- **Per client address**: LOGIN_ADDRESS_FAILURE_LIMIT failed sign-ins from one address,
  whatever the names, lock that address for LOGIN_LOCKOUT_MINUTES (guessing one common
  password across many names). IPv6 addresses count per /64, what one client usually holds.

Each attempt is counted before its password is checked, in one atomic increment per key, so
requests sent in parallel (to any workers or servers) cannot all pass a check made before
any of them failed: at most the limit's number of passwords is ever checked. A right
password then takes its attempt back from the address and clears the name's count; a
password reset clears the name's count too. The counters are shared by every worker and
server (quiz.services.throttle, in the database).
"""

from datetime import timedelta
from enum import StrEnum

from django.conf import settings

from quiz.services.throttle import throttle_hit, throttle_reset, throttle_undo
from quiz.usernames import username_skeleton


class SigninLock(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


def _name_key(username: str) -> str:
    return f"login-name:{username_skeleton(username)}"


def _address_key(address: str) -> str:
    return f"login-address:{address}"


def signin_attempt(*, username: str, address: str) -> SigninLock | None:
    """Count a sign-in attempt, before its password is checked; what refuses it, if anything
    (a refused attempt must not have its password checked)."""
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if address and not throttle_hit(
        key=_address_key(address), limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT, window=window
    ):
        return SigninLock.ADDRESS
    if not throttle_hit(key=_name_key(username), limit=settings.LOGIN_FAILURE_LIMIT, window=window):
        return SigninLock.ACCOUNT
    return None


def signin_success_record(*, username: str, address: str) -> None:
    """The attempt had the right password: it was no failure."""
    signin_name_clear(username=username)
    if address:
        throttle_undo(key=_address_key(address))


def signin_name_clear(*, username: str) -> None:
    """Forget a name's failures: after its right password, or a reset of its password."""
    throttle_reset(key=_name_key(username))
