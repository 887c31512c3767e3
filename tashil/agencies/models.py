from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tashil.core.models import LocalizedName


class Agency(LocalizedName):
    """A provincial executive agency (دستگاه اجرایی) bound by the HQ's resolutions.

    Its head and officers are users holding the agency_head / agency_officer role for it.
    """

    province = models.ForeignKey(
        "geo.Province",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("province"),
    )
    # A stable short code (e.g. "tax") that reference data and imports use to name the agency.
    code = models.SlugField(_("code"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="agency_unique_code"),
        ]
