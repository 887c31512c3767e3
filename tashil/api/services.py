"""API tokens: created and revoked here only, each with its row in the account's event log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tashil.accounts.access import is_administrator
from tashil.accounts.models import AccountEvent, User
from tashil.api.models import KEY_PREFIX, PREFIX_LENGTH, ApiToken

# AccountEvent.Kind (accounts/models.py) has no members for tokens yet; the column is a plain
# CharField whose choices are not enforced by the database, so these kinds are stored as they are.
EVENT_TOKEN_CREATED = AccountEvent.Kind.API_TOKEN_CREATED
EVENT_TOKEN_REVOKED = AccountEvent.Kind.API_TOKEN_REVOKED
# `last_used_at` is refreshed at most this often, so a busy client does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_actor(actor: User | None, user: User) -> None:
    # `actor=None` is the system (the management command run by an operator on the server).
    if actor is not None and actor.pk != user.pk and not is_administrator(actor):
        raise PermissionDenied


@transaction.atomic
def token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key exists outside the client."""
    _check_actor(actor, user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")}, code="required")
    if not user.is_active:
        raise ValidationError(_("This account is not active."), code="user_inactive")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=key_hash(key))
    token.full_clean()
    token.save()
    AccountEvent.objects.create(
        actor=actor,
        user=user,
        kind=EVENT_TOKEN_CREATED,
        data={"token": token.pk, "prefix": token.prefix, "name": token.name},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke the token from now on. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _check_actor(actor, token.user)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    AccountEvent.objects.create(
        actor=actor,
        user=token.user,
        kind=EVENT_TOKEN_REVOKED,
        data={"token": token.pk, "prefix": token.prefix, "name": token.name},
    )
    return token


def token_mark_used(*, token: ApiToken) -> None:
    """Record that the token was just used, unless that was already recorded in the last
    minute. No event row: this is bookkeeping, not a change someone made."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
