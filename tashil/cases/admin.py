from django.contrib import admin

from tashil.cases.models import Category, DefaultAgency


class DefaultAgencyInline(admin.TabularInline):
    model = DefaultAgency
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "response_days", "order")
    inlines = [DefaultAgencyInline]
