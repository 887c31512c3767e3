"""Read-mostly admin for the registry: day-to-day edits go through the registry pages, whose
services write the company's history. Reference data (ISIC classes) is edited here."""

import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tashil.audit.events import without_amounts
from tashil.core.text import search_key
from tashil.registry.models import Activity, ActivitySection, Certificate, Company, CompanyEvent
from tashil.registry.services import FINANCIAL_FIELDS


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "national_id", "county", "status")
    list_filter = ("status", "province")
    search_fields = ("search_key", "national_id")
    # Administrators manage users and reference data; a company's debts are not theirs to read
    # (DOMAIN.md §2), so the admin leaves them out.
    exclude = FINANCIAL_FIELDS
    readonly_fields = [
        field.name for field in Company._meta.fields if field.name not in (*FINANCIAL_FIELDS, "id")
    ]

    # Read-only: every field above is, and a save that changes nothing would still bypass the
    # services (and their history) if a field were ever made editable here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "company", "certificate_class", "issued_on", "expires_on")
    search_fields = ("number", "company__national_id")
    readonly_fields = [field.name for field in Certificate._meta.fields]

    # Certificates change through the registry pages, whose services keep the history, the search
    # document and the knowledge-based counts in step.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CompanyEvent)
class CompanyEventAdmin(admin.ModelAdmin):
    list_display = ("company", "kind", "actor", "created_at")
    list_filter = ("kind",)
    # As on the audit trail (/audit/): what changed, a company's debts hidden.
    fields = ("company", "kind", "actor", "changes_without_amounts", "created_at")
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_without_amounts(self, event: CompanyEvent) -> str:
        return json.dumps(without_amounts(event.changes), ensure_ascii=False, sort_keys=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivitySection)
class ActivitySectionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "section")
    list_filter = ("section",)
    search_fields = ("code", "search_key")
    readonly_fields = ("search_key",)

    def save_model(self, request, obj, form, change):
        # The key is what search matches on; a renamed class must be found by its new name.
        obj.search_key = search_key(f"{obj.code} {obj.name} {obj.name_en}")
        super().save_model(request, obj, form, change)
