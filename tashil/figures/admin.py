from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tashil.figures.models import PressBrief, WeeklyReportDelivery


@admin.register(WeeklyReportDelivery)
class WeeklyReportDeliveryAdmin(admin.ModelAdmin):
    """Which weeks went out. Deleting a row lets the Saturday job send that week again (it sends
    only the last complete week, so only that one)."""

    list_display = ("province", "week_start", "user", "sent_at")
    list_filter = ("province",)
    date_hierarchy = "week_start"
    readonly_fields = ("province", "week_start", "user", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PressBrief)
class PressBriefAdmin(admin.ModelAdmin):
    """Saved briefs are read here; the press office writes them on /figures/press/, whose service
    keeps the generated text beside the edited one."""

    list_display = ("province", "on", "created_by", "created_at")
    list_filter = ("province",)
    date_hierarchy = "on"
    readonly_fields = (
        "province",
        "on",
        "generated",
        "text",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
