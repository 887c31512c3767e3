from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class LocalizedName(models.Model):
    """A Persian name (the official one) with an optional English name for the English UI."""

    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from tashil.core.jalali import is_persian_ui

        return self.name if is_persian_ui() or not self.name_en else self.name_en


class RecurringHoliday(LocalizedName):
    """An official holiday on the same Jalali month/day every year (Nowruz, 22 Bahman…)."""

    month = models.PositiveSmallIntegerField(
        _("Jalali month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )

    class Meta:
        verbose_name = _("recurring holiday")
        verbose_name_plural = _("recurring holidays")
        ordering = ["month", "day"]
        constraints = [
            models.UniqueConstraint(fields=["month", "day"], name="recurring_holiday_unique_day"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12, day__gte=1)
                & (
                    models.Q(month__lte=6, day__lte=31)
                    | models.Q(month__gte=7, month__lte=11, day__lte=30)
                    | models.Q(month=12, day__lte=30)
                ),
                name="recurring_holiday_real_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}/{self.month} {self.display_name}"


class Holiday(LocalizedName):
    """A holiday on one date: lunar holidays move every year and are entered per year."""

    date = models.DateField(_("date"), unique=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.display_name}"


class WorkerHeartbeat(models.Model):
    """One row, touched by a periodic job, so /healthz can say whether the worker runs."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at}"
