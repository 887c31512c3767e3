from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tashil.accounts.roles import ROLE_SCOPE, Role, ScopeKind
from tashil.core.identifiers import validate_national_code

_SCOPE_FIELDS = ("county", "agency", "company")


def _scope_condition(kind: str) -> models.Q:
    """The fields a role of this scope kind must and must not have set."""
    if kind == ScopeKind.GLOBAL:
        return models.Q(province__isnull=True, **{f"{f}__isnull": True for f in _SCOPE_FIELDS})
    others = {f"{f}__isnull": True for f in _SCOPE_FIELDS if f != kind}
    own = {} if kind == ScopeKind.PROVINCE else {f"{kind}__isnull": False}
    return models.Q(province__isnull=False, **own, **others)


class User(AbstractUser):
    national_code = models.CharField(
        _("national code"),
        max_length=10,
        blank=True,
        validators=[validate_national_code],
        help_text=_("10 digits; Persian or English digits are accepted."),
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A user holding a role within a scope. Granted and revoked only through services, which
    write an AccountEvent; `province` is stored for every scoped role so that province-wide lists
    can filter on one column."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "geo.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("agency"),
    )
    company = models.ForeignKey(
        "registry.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("company"),
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        models.Q(role=role) & _scope_condition(kind)
                        for role, kind in ROLE_SCOPE.items()
                    ),
                ),
                name="role_assignment_scope_matches_role",
            ),
            # One row per user, role and scope object. Separate partial constraints because
            # NULLs are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(province__isnull=True),
                name="role_assignment_unique_global",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"],
                condition=models.Q(
                    province__isnull=False,
                    county__isnull=True,
                    agency__isnull=True,
                    company__isnull=True,
                ),
                name="role_assignment_unique_province",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "role", field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"role_assignment_unique_{field}",
                )
                for field in _SCOPE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        scope = self.company or self.agency or self.county or self.province
        role = self.get_role_display()
        return f"{role} — {scope}" if scope else str(role)


class AccountEvent(models.Model):
    """Append-only log of account changes: roles granted and revoked, profile and password
    changes. `actor` is who did it; `user` is whose account changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("account created")
        PROFILE_UPDATED = "profile_updated", _("profile updated")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset by email")
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_REVOKED = "role_revoked", _("role revoked")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("two-factor login turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("two-factor login turned off")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
