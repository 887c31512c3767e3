from django.contrib import admin

from tashil.core.models import Holiday, RecurringHoliday


@admin.register(RecurringHoliday)
class RecurringHolidayAdmin(admin.ModelAdmin):
    list_display = ("name", "month", "day")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("name", "date")
    date_hierarchy = "date"
