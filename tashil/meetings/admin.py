"""Administrators set up the bodies that meet (the provincial HQ, its working groups, county
HQs) and their member agencies. Meetings and resolutions are read-only here: they change only
through the services, which write their events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tashil.meetings.models import Body, Meeting, Resolution


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "county", "category", "weekday", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "name_en"]
    filter_horizontal = ["members"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_at", "status"]
    list_filter = ["status", "body"]
    list_select_related = ["body"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "meeting", "deadline", "state"]
    list_select_related = ["meeting__body"]
    list_filter = ["state"]
    search_fields = ["text"]
