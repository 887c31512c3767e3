from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tashil.core.identifiers import validate_national_id


class Company(models.Model):
    """A company / production unit. The foundation keeps what roles need to scope to it; the
    registry issue adds activity, status, licences, products and certificates."""

    national_id = models.CharField(
        _("national ID"), max_length=11, unique=True, validators=[validate_national_id]
    )
    legal_name = models.CharField(_("legal name"), max_length=255)
    # DOMAIN.md §8: search runs on this normalised key, never on the display name.
    search_key = models.CharField(max_length=255, editable=False, db_index=True)
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    estate = models.ForeignKey(
        "geo.IndustrialEstate",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("industrial estate"),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class CompanyEvent(models.Model):
    """Append-only history of a company: who changed what, when."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.kind}"
