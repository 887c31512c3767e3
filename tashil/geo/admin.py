from django.contrib import admin

from tashil.geo.models import County, IndustrialEstate, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "province")
    list_filter = ("province",)
    search_fields = ("name", "code")


@admin.register(IndustrialEstate)
class IndustrialEstateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county", "province")
    list_filter = ("province", "kind")
    search_fields = ("name",)
