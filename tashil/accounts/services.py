from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tashil.accounts.access import forget_scopes
from tashil.accounts.models import AccountEvent, RoleAssignment, User
from tashil.accounts.roles import ROLE_SCOPE, Role, ScopeKind
from tashil.accounts.two_factor import RECOVERY_CODE, normalize_token
from tashil.agencies.models import Agency
from tashil.geo.models import County, Province
from tashil.registry.models import Company

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "national_code")


def _event(
    *, actor: User | None, user: User, kind: str, data: dict[str, Any] | None = None
) -> None:
    AccountEvent.objects.create(actor=actor, user=user, kind=kind, data=data or {})


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    # What the account was created with, for the audit trail; never the password.
    created = {"username": user.username, "name": user.get_full_name(), "email": user.email}
    _event(actor=actor, user=user, kind=AccountEvent.Kind.CREATED, data=created)
    return user


@transaction.atomic
def user_update_profile(*, actor: User, user: User, **changes: Any) -> User:
    """Update the profile fields; records the names (not values) of what changed."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed)
    _event(actor=actor, user=user, kind=AccountEvent.Kind.PROFILE_UPDATED, data={"fields": changed})
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str, via_reset: bool) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    kind = AccountEvent.Kind.PASSWORD_RESET if via_reset else AccountEvent.Kind.PASSWORD_CHANGED
    _event(actor=actor, user=user, kind=kind)
    return user


def role_scope_fields(
    role: str,
    province: Province | None,
    county: County | None,
    agency: Agency | None,
    company: Company | None,
) -> dict[str, Any]:
    kind = ROLE_SCOPE[role]
    given = {"county": county, "agency": agency, "company": company}
    extra = [name for name, value in given.items() if value is not None and name != kind]
    if extra or (kind == ScopeKind.GLOBAL and province is not None):
        raise ValidationError(
            _("This role is not scoped by %(fields)s.") % {"fields": ", ".join(extra)},
            code="role_scope_extra",
        )
    if kind == ScopeKind.GLOBAL:
        return {}
    if kind == ScopeKind.PROVINCE:
        if province is None:
            raise ValidationError(_("Choose the province of this role."), code="role_scope")
        return {"province": province}
    scope_object = given[kind]
    if scope_object is None:
        messages = {
            ScopeKind.COUNTY: _("Choose the county of this role."),
            ScopeKind.AGENCY: _("Choose the agency of this role."),
            ScopeKind.COMPANY: _("Choose the company of this role."),
        }
        raise ValidationError(messages[ScopeKind(kind)], code="role_scope")
    # The province is always the scope object's own: it cannot be chosen separately.
    return {kind: scope_object, "province_id": scope_object.province_id}


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    province: Province | None = None,
    county: County | None = None,
    agency: Agency | None = None,
    company: Company | None = None,
) -> RoleAssignment:
    """Give `user` a role in a scope; granting a role the user already holds changes nothing."""
    role = Role(role)
    fields = role_scope_fields(role, province, county, agency, company)
    # Lock the user row so two administrators granting at once cannot race the unique check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, **fields, defaults={"granted_by": actor}
    )
    if created:
        if role == Role.ADMINISTRATOR:
            # Administrators work in the Django admin, which reads these two flags.
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        _event(
            actor=actor,
            user=user,
            kind=AccountEvent.Kind.ROLE_GRANTED,
            data={"role": role.value, "scope": str(assignment)},
        )
        forget_scopes(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    user = assignment.user
    data = {"role": assignment.role, "scope": str(assignment)}
    assignment.delete()
    if assignment.role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    _event(actor=actor, user=user, kind=AccountEvent.Kind.ROLE_REVOKED, data=data)
    forget_scopes(user)


# --- Two-factor login -----------------------------------------------------------------------------
RECOVERY_CODE_COUNT = 10


class TwoFactorError(Exception):
    """A one-time code was not accepted; `message` says why, for the user."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _throttled(device: TOTPDevice | StaticDevice) -> TwoFactorError | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    seconds = 1
    locked_until = (details or {}).get("locked_until")
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return TwoFactorError(
        _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": seconds},
        code="throttled",
    )


def _wrong_code() -> TwoFactorError:
    return TwoFactorError(str(_("This code is not right, or it has expired.")), code="wrong")


@transaction.atomic
def two_factor_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP secret for `user`; nothing changes at login until it is confirmed.

    Starting again replaces an unconfirmed secret, never a confirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=False)


def two_factor_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Turns on two-factor login once the user proves their app makes the right codes.

    Returns the new recovery codes, shown once; django-otp stores them as they are (static
    tokens, each deleted when used), so the admin hides them (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""
    outcome = _confirm(actor=actor, device=device, token=token)
    if isinstance(outcome, TwoFactorError):
        raise outcome
    return outcome


@transaction.atomic
def _confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str] | TwoFactorError:
    # Errors are returned, not raised, inside the transaction: raising would roll back the
    # failure count that django-otp's throttling has just saved.
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
    if locked is None:
        # Confirmed (the form sent twice) or replaced by a newer setup in another tab.
        return TwoFactorError(
            str(_("This setup is no longer open; start again from your profile.")), code="stale"
        )
    device = locked
    refused = _throttled(device)
    if refused is not None:
        return refused
    if not device.verify_token(normalize_token(token)):
        return _wrong_code()
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(device.user)
    _event(actor=actor, user=device.user, kind=AccountEvent.Kind.TWO_FACTOR_ENABLED)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def two_factor_check(*, user: User, token: str) -> TOTPDevice | StaticDevice:
    """The device that accepts `token` for `user`: a code of their app, or a recovery code
    (used up by this). Raises TwoFactorError otherwise. Wrong codes count towards django-otp's
    throttling of that device."""
    outcome = _check(user=user, token=normalize_token(token))
    if isinstance(outcome, TwoFactorError):
        raise outcome
    return outcome


@transaction.atomic
def _check(*, user: User, token: str) -> TOTPDevice | StaticDevice | TwoFactorError:
    # The device row is locked so that parallel guesses cannot slip past the failure count.
    device: TOTPDevice | StaticDevice | None
    if RECOVERY_CODE.fullmatch(token):
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return _wrong_code()
    refused = _throttled(device)
    if refused is not None:
        return refused
    if not device.verify_token(token):
        return _wrong_code()
    if isinstance(device, StaticDevice):
        _event(
            actor=user,
            user=user,
            kind=AccountEvent.Kind.RECOVERY_CODE_USED,
            data={"left": device.token_set.count()},
        )
    return device


@transaction.atomic
def two_factor_disable(*, actor: User, user: User) -> None:
    """Turns two-factor login off: the app's secret and the recovery codes are deleted."""
    deleted, _counts = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if deleted:
        _event(actor=actor, user=user, kind=AccountEvent.Kind.TWO_FACTOR_DISABLED)
