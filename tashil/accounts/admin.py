from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from tashil.accounts import services
from tashil.accounts.models import AccountEvent, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    """Read-only here: roles are granted and revoked on the role assignment page, whose saves go
    through the services that write the account's event log."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "province", "county", "agency", "company", "granted_by", "granted_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are created and edited here, and each save writes the account's event, as the
    services do. What makes a user powerful is not edited here: the staff and superuser flags
    follow the administrator role (`services.role_grant`), and Django's groups and permissions
    are unused, so all four are read-only. Users are deactivated, never deleted: deleting one
    would take their event log with it."""

    inlines = [RoleAssignmentInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("national_code", "phone")}),
    )
    readonly_fields = ("is_staff", "is_superuser", "groups", "user_permissions", "last_login")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data: dict[str, Any]
        if not change:
            kind, data = AccountEvent.Kind.CREATED, {"username": obj.username, "via": "admin"}
        else:
            # Names, not values, as `services.user_update_profile` records them.
            fields = sorted(name for name in form.changed_data if name != "password")
            if not fields:
                return
            kind, data = AccountEvent.Kind.PROFILE_UPDATED, {"fields": fields, "via": "admin"}
        AccountEvent.objects.create(
            actor=request.user,  # type: ignore[misc]
            user=obj,
            kind=kind,
            data=data,
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            rows = User.objects.filter(pk=unquote(id)).values_list("password", flat=True)
            before = rows.first()
            response = super().user_change_password(request, id, form_url)
            if before is not None and rows.first() != before:
                AccountEvent.objects.create(
                    actor=request.user,  # type: ignore[misc]
                    user_id=unquote(id),
                    kind=AccountEvent.Kind.PASSWORD_CHANGED,
                    data={"via": "admin"},
                )
        return response


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "province", "county", "agency", "company")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or "role" not in data:
            return data
        # The same rules as the service, so the form shows them as errors instead of a crash;
        # the province of a county/agency/company role is that object's own.
        scope = services.role_scope_fields(
            data["role"], data.get("province"), data.get("county"), data.get("agency"),
            data.get("company"),
        )  # fmt: skip
        if "province_id" in scope:
            data["province"] = data[next(k for k in scope if k != "province_id")].province
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "province", "county", "agency", "company", "granted_at")
    list_filter = ("role", "province")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("company",)
    fields = ("user", "role", "province", "county", "agency", "company")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A role is granted or revoked, never edited in place: the log must say what happened.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        granted = services.role_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            role=obj.role,
            province=obj.province,
            county=obj.county,
            agency=obj.agency,
            company=obj.company,
        )
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        services.role_revoke(actor=request.user, assignment=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for assignment in queryset:
            self.delete_model(request, assignment)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("user__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeviceRemovalOnly(admin.ModelAdmin):
    """Two-factor devices are set up by their user, on the profile page. An administrator only
    removes a lost phone's devices, which turns two-factor login off through the service, so
    that the account's log says who did it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.two_factor_disable(actor=request.user, user=obj.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for user in User.objects.filter(pk__in=queryset.values("user")):
            services.two_factor_disable(actor=request.user, user=user)  # type: ignore[arg-type]


# django-otp registers its own admins first (its apps come before ours in INSTALLED_APPS).
for _model, _otp_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"Tashil{_otp_admin.__name__}", (DeviceRemovalOnly, _otp_admin), {})
    )
