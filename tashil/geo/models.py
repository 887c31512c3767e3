from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tashil.core.models import LocalizedName


class Province(LocalizedName):
    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]


class County(LocalizedName):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="counties", verbose_name=_("province")
    )
    # Four digits: the province code and the county's number within it (Qazvin: 2601–2606).
    code = models.CharField(_("code"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["province", "name"]


class EstateKind(models.TextChoices):
    INDUSTRIAL_CITY = "industrial_city", _("industrial city")  # شهر صنعتی
    INDUSTRIAL_ESTATE = "industrial_estate", _("industrial estate")  # شهرک صنعتی
    INDUSTRIAL_ZONE = "industrial_zone", _("industrial zone")  # ناحیه صنعتی


class IndustrialEstate(LocalizedName):
    """Industrial cities, estates and zones, curated per province (شهرک و ناحیه صنعتی)."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="estates", verbose_name=_("province")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="estates",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EstateKind.choices)

    class Meta:
        verbose_name = _("industrial estate or zone")
        verbose_name_plural = _("industrial estates and zones")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="estate_unique_name"),
        ]


class Country(LocalizedName):
    """An ISO 3166-1 country: an export destination (data/countries, LGPL, see LICENSE there)."""

    code = models.CharField(_("ISO code"), max_length=2, unique=True)  # alpha-2
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]


class CountryGroup(LocalizedName):
    """A named group of countries export figures are reported by ("Arab countries" = the Arab
    League members). Groups overlap: a country may belong to several, and counts in each."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    members = models.ManyToManyField(
        Country, related_name="groups", blank=True, verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")
        ordering = ["name"]
