import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tashil.audit.events import without_amounts
from tashil.cases.models import Case, CaseEvent, Category, DefaultAgency, Referral


class DefaultAgencyInline(admin.TabularInline):
    model = DefaultAgency
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "response_days", "order")
    inlines = [DefaultAgencyInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through the workflow services, which check the transition table and
    write the timeline; the admin shows them for support and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    fields = ("agency", "status", "due_on", "extended_days", "escalation_level", "answered_at")
    readonly_fields = fields
    can_delete = False

    # Referrals are sent, answered and extended through the services, which write the case's
    # timeline.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("tracking", "title", "company", "category", "status", "created_at")
    list_filter = ("status", "category", "channel")
    search_fields = ("tracking", "title", "company__legal_name", "company__national_id")
    list_select_related = ("company", "category")
    inlines = [ReferralInline]
    # The administrator runs the system, not the cases: a company's financial details are for
    # the secretariat, the executive, the company and its agencies (DOMAIN.md §2).
    exclude = ("amount", "approved_amount")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "from_status", "to_status", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = ("case", "actor")
    # As on the audit trail (/audit/): what changed, amounts hidden.
    exclude = ("data",)
    readonly_fields = ("data_without_amounts",)

    @admin.display(description=_("change"))
    def data_without_amounts(self, event: CaseEvent) -> str:
        return json.dumps(without_amounts(event.data), ensure_ascii=False, sort_keys=True)
