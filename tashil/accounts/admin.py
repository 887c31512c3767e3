from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

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
    inlines = [RoleAssignmentInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("national_code", "phone")}),
    )


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
