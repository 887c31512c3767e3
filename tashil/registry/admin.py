from django.contrib import admin

from tashil.registry.models import Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "national_id", "county")
    search_fields = ("search_key", "national_id")
    readonly_fields = ("search_key",)
