from django.contrib import admin

from tashil.agencies.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "province", "is_active")
    list_filter = ("province", "is_active")
    search_fields = ("name", "code")
