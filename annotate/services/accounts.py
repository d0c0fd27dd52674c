"""Accounts: the demo personas that `make run` creates so a new user can log in at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

# The Token is a model (one row per user), not the API layer: creating it here keeps the
# "every demo account can call the API" rule in one place for the command and its tests.
from rest_framework.authtoken.models import Token


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    admin: bool


# Fixed, public, demo-only passwords: they are printed by `make run` and written in the README.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(username="carol", password="carol-demo-admin", admin=True),
    DemoAccount(username="alice", password="alice-demo-reviewer", admin=False),
    DemoAccount(username="bob", password="bob-demo-reviewer", admin=False),
    DemoAccount(username="dave", password="dave-demo-reviewer", admin=False),
)


@dataclass(frozen=True)
class DemoAccountState:
    username: str
    role: str
    created: bool
    # The demo password when the account still uses it, None when its owner changed it.
    password: str | None
    password_reset: bool
    token: str


def _demo_user_create(*, account: DemoAccount) -> AbstractUser:
    user = get_user_model().objects.create_user(
        username=account.username,
        email=f"{account.username}@example.org",
        password=account.password,
        is_staff=account.admin,
        is_superuser=account.admin,
    )
    return user


def _demo_account_ensure(*, account: DemoAccount, reset_password: bool) -> DemoAccountState:
    user = get_user_model().objects.filter(username=account.username).first()
    created = user is None
    password_reset = False
    if user is None:
        user = _demo_user_create(account=account)
        uses_demo_password = True
    else:
        uses_demo_password = user.check_password(account.password)
        if reset_password and not uses_demo_password:
            user.set_password(account.password)
            # Only the hash changes: leave roles and profile edits made since alone.
            user.save(update_fields=["password"])
            uses_demo_password = password_reset = True
    token, _ = Token.objects.get_or_create(user=user)
    return DemoAccountState(
        username=user.get_username(),
        role="admin" if user.is_staff else "reviewer",
        created=created,
        password=account.password if uses_demo_password else None,
        password_reset=password_reset,
        token=token.key,
    )


@transaction.atomic
def demo_accounts_ensure(*, reset_passwords: bool = False) -> list[DemoAccountState]:
    """Create the demo admin (carol) and reviewers (alice, bob, dave) if missing.

    Existing accounts are never changed, so a password a user set survives a second
    `make run`, unless `reset_passwords` puts the demo passwords back.
    """
    return [
        _demo_account_ensure(account=account, reset_password=reset_passwords)
        for account in DEMO_ACCOUNTS
    ]
