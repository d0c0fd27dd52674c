"""Passwords are stored as Django's salted, slow hashes, never as given."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_password_is_stored_as_a_salted_pbkdf2_hash(alice: AbstractUser) -> None:
    alice.refresh_from_db()
    algorithm, iterations, salt, digest = alice.password.split("$")
    assert algorithm == "pbkdf2_sha256"
    assert int(iterations) >= 1_000_000
    assert salt
    assert digest
    assert PASSWORD not in alice.password
    assert alice.check_password(PASSWORD)
    assert not alice.check_password(PASSWORD.upper())


def test_two_users_with_the_same_password_get_different_hashes(
    alice: AbstractUser, bob: AbstractUser
) -> None:
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.password != bob.password
