from django.contrib import admin

from tashil.investments.models import Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Sectors are reference data (data/sectors.csv). Projects, figures, visits and shares are
    edited through the application, whose services keep their history."""

    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")
    filter_horizontal = ("activities",)
