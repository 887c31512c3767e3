from __future__ import annotations

from django.conf import settings as django_settings
from django.test import override_settings

from tashil.accounts.services import user_create


def test_passwords_are_hashed_with_argon2(db):
    # conftest swaps in a fast hasher for every test; this one uses the project's real setting.
    from tashil import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = user_create(actor=None, username="argon", password="Str0ng-pass-1404")

    assert user.password.startswith("argon2$")
    assert django_settings.AUTH_USER_MODEL == "accounts.User"
