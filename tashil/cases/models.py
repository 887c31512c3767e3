from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tashil.core.models import LocalizedName


class Category(LocalizedName):
    """An obstacle category (DOMAIN.md §4): banking & financing, tax, social security…"""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    # Agencies must answer a referral in this many working days unless the referral says otherwise.
    response_days = models.PositiveSmallIntegerField(
        _("response deadline (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("obstacle category")
        verbose_name_plural = _("obstacle categories")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_days__gte=1, response_days__lte=120),
                name="category_response_days_range",
            ),
        ]


class DefaultAgency(models.Model):
    """Which agency a category's cases go to by default in a province (editable per province)."""

    province = models.ForeignKey("geo.Province", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="default_agencies"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("default agency")
        verbose_name_plural = _("default agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "category"], name="default_agency_one_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.agency}"
