"""Investment projects and production lines, export figures, official visits and sector shares
(DOMAIN.md §6).

Money is stored as entered and in rials (`core.money`): totals add the rial column, and every
row keeps the amount, currency and rate it was counted from. Figures come from somewhere (the
company, the estate's company, a speech, a news agency): projects keep the source of each change
in their update history, export figures and sector shares carry their own.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tashil.core.models import LocalizedName
from tashil.core.money import MoneyFields, money_constraints
from tashil.investments.workflow import ProjectStatus

# Jalali years an export figure may be for: wide enough for history and plans, narrow enough to
# catch a Gregorian year typed by mistake.
FIRST_YEAR, LAST_YEAR = 1370, 1430


class Sector(LocalizedName):
    """A sector the province reports on (detergents, cosmetics and hygiene, auto parts…): the
    sector of a project and of a share of national output. Curated in `data/sectors.csv`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    activities = models.ManyToManyField(
        "registry.Activity", related_name="sectors", blank=True, verbose_name=_("ISIC classes")
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]


class Project(MoneyFields):
    """An investment project or a new production line of a company. The money fields are the
    investment. Jobs and product counts may be unknown (null) rather than zero."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    company = models.ForeignKey(
        "registry.Company",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("company"),
    )
    title = models.CharField(_("title"), max_length=255)
    search_key = models.CharField(max_length=600, editable=False, db_index=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="projects", verbose_name=_("sector")
    )
    # Where the line is: usually the company's site, but a company may build elsewhere.
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    estate = models.ForeignKey(
        "geo.IndustrialEstate",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("industrial estate or zone"),
    )
    description = models.TextField(_("description"), blank=True)
    jobs_planned = models.PositiveIntegerField(_("jobs planned"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), null=True, blank=True)
    product_types = models.PositiveIntegerField(_("product types"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("physical progress (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    planned_opening_on = models.DateField(_("planned opening date"), null=True, blank=True)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            *money_constraints("project"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="project_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_known"
            ),
            # An operating line has opened, on a known day; nothing else has.
            models.CheckConstraint(
                condition=(
                    Q(status=ProjectStatus.OPERATING, opened_on__isnull=False)
                    | (~Q(status=ProjectStatus.OPERATING) & Q(opened_on__isnull=True))
                ),
                name="project_opened_iff_operating",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status"], name="project_province_status"),
            models.Index(fields=["province", "opened_on"], name="project_province_opened"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(models.Model):
    """The history of a project: every change of its figures, as of a date, with its source.
    `changes` maps a field to `[old, new]` (on creation, old is null). The source of a figure
    shown on the project page is that of the latest update that set it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("recorded")
        UPDATED = "updated", _("updated")
        PROGRESS = "progress", _("progress reported")
        OPENED = "opened", _("opened")
        # An opening taken back: the stop that recorded it was removed or re-pointed.
        WITHDRAWN = "withdrawn", _("opening withdrawn")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="updates", verbose_name=_("project")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # An opening recorded on an official visit's itinerary.
    item = models.ForeignKey(
        "investments.ItineraryItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-on", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.on}"


class ExportKind(models.TextChoices):
    FORECAST = "forecast", _("forecast")
    ACTUAL = "actual", _("actual")


class ExportFigure(MoneyFields):
    """A company's export value for one Jalali year to one destination: a country or a named
    group of countries, never both. Forecasts and actuals are separate rows. The year is an
    Iranian reporting year (1404 = 21 March 2025 – 20 March 2026), not a date."""

    company = models.ForeignKey(
        "registry.Company",
        on_delete=models.PROTECT,
        related_name="export_figures",
        verbose_name=_("company"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="export_figures",
        null=True,
        blank=True,
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExportKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    country = models.ForeignKey(
        "geo.Country",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("country"),
    )
    group = models.ForeignKey(
        "geo.CountryGroup",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("group of countries"),
    )
    source = models.CharField(_("source"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("export figure")
        verbose_name_plural = _("export figures")
        ordering = ["-year", "kind", "id"]
        constraints = [
            *money_constraints("export"),
            models.CheckConstraint(
                condition=Q(kind__in=ExportKind.values), name="export_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="export_year_range"
            ),
            models.CheckConstraint(
                condition=(
                    Q(country__isnull=False, group__isnull=True)
                    | Q(country__isnull=True, group__isnull=False)
                ),
                name="export_one_destination",
            ),
            # One figure per company, project, kind, year and destination. Four partial
            # constraints because a NULL never equals another NULL in a plain unique one.
            *(
                models.UniqueConstraint(
                    fields=[
                        "company",
                        *(["project"] if with_project else []),
                        "kind",
                        "year",
                        destination,
                    ],
                    condition=Q(project__isnull=not with_project),
                    name=f"export_unique_{'project' if with_project else 'company'}_{destination}",
                )
                for with_project in (False, True)
                for destination in ("country", "group")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.kind} {self.year}"

    @property
    def destination(self) -> object:
        return self.country or self.group


class Visit(models.Model):
    """An official visit to the province (سفر استانی) and its programme."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    title = models.CharField(_("title"), max_length=255)
    visitor_name = models.CharField(_("visitor"), max_length=255)
    visitor_title = models.CharField(_("visitor's title"), max_length=255)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("official visit")
        verbose_name_plural = _("official visits")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="visit_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ItineraryKind(models.TextChoices):
    # Not the HQ's "meeting" (جلسه): a call on someone (دیدار).
    MEETING = "meeting", pgettext_lazy("itinerary", "meeting")
    EXHIBITION = "exhibition", _("exhibition visit")
    OPENING = "opening", _("opening")
    CEREMONY = "ceremony", _("ceremony")
    COUNCIL = "council", _("council session")
    UNIVERSITY = "university", _("university event")
    OTHER = "other", _("other")


class ItineraryItem(models.Model):
    """One stop of a visit's programme. An opening names the project it opens; recording it
    sets the project's opening date (`services.item_add`)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="items", verbose_name=_("visit")
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=ItineraryKind.choices)
    title = models.CharField(_("title"), max_length=255)
    place = models.CharField(_("place"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    company = models.ForeignKey(
        "registry.Company",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("company"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="itinerary_items",
        null=True,
        blank=True,
        verbose_name=_("project"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("HQ meeting"),
    )

    class Meta:
        verbose_name = _("itinerary item")
        verbose_name_plural = _("itinerary items")
        ordering = ["day", models.F("starts_at").asc(nulls_last=True), "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ItineraryKind.values), name="itinerary_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ItineraryKind.OPENING) | Q(project__isnull=False),
                name="itinerary_opening_names_project",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ShareBasis(models.TextChoices):
    OUTPUT = "output", _("share of national output")
    NEED = "need", _("share of the national need")


class SectorShare(models.Model):
    """The province's share of the country's output or need in a sector, as one source stated
    it on one date. Sources disagree, so several coexist; none overwrites another."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="shares", verbose_name=_("sector")
    )
    basis = models.CharField(_("measure"), max_length=10, choices=ShareBasis.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, default="%")
    source = models.CharField(_("source"), max_length=255)
    source_url = models.URLField(_("source address"), blank=True)
    stated_on = models.DateField(_("date stated"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sector share")
        verbose_name_plural = _("sector shares")
        ordering = ["-stated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="share_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(unit="%") | Q(value__lte=100), name="share_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(basis__in=ShareBasis.values), name="share_basis_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.value}{self.unit}"


class Event(models.Model):
    """Append-only history of export figures, visits and sector shares (projects keep theirs
    in ProjectUpdate, with the source of each figure). `target` and `target_id` name the row,
    which may since have been removed; `changes` maps a field to `[old, new]`."""

    class Target(models.TextChoices):
        EXPORT = "export", _("export figure")
        VISIT = "visit", _("visit")
        ITEM = "item", _("itinerary item")
        SHARE = "share", _("sector share")

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20)  # created, updated, removed
    changes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target", "target_id"], name="investment_event_target")]

    def __str__(self) -> str:
        return f"{self.target} {self.target_id} {self.kind}"
