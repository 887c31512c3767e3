from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PressBrief(models.Model):
    """A press brief for a province and a day. `generated` is the text the figures produced,
    kept as it was; `text` is what the press office made of it. Every number in `generated` comes
    from the records (`press.brief_text`); the edit is the press office's responsibility."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    on = models.DateField(_("figures as of"))
    generated = models.TextField(_("generated text"))
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("press brief")
        verbose_name_plural = _("press briefs")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.province} {self.on}"


class WeeklyReportDelivery(models.Model):
    """One row per province, week and executive once the weekly report is on its way to them,
    so the scheduled job sends each executive each week's report once however often it runs;
    the unique constraint decides between two runs at once."""

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province", "week_start", "user"], name="weekly_report_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.week_start} {self.user_id}"
