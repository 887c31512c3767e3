from __future__ import annotations

import datetime as dt

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tashil.core.identifiers import validate_economic_code, validate_national_id
from tashil.core.models import LocalizedName

# DOMAIN.md §3: the knowledge-based class sets changed on 1402/05/01. A certificate issued before
# that day carries an old class, one issued on or after it a new class.
CLASS_SET_CHANGED_ON = dt.date(2023, 7, 23)  # 1402/05/01

hs_code_validator = RegexValidator(
    r"^\d{4,10}$", _("An HS code has 4 to 10 digits."), code="invalid_hs_code"
)


class ActivitySection(LocalizedName):
    """An ISIC Rev.4 section (A…U)."""

    code = models.CharField(_("code"), max_length=1, unique=True)

    class Meta:
        verbose_name = _("activity section")
        verbose_name_plural = _("activity sections")
        ordering = ["code"]


class Activity(LocalizedName):
    """An ISIC Rev.4 class (four digits). `name` is Persian where we have a translation and the
    English name otherwise, so every class always has something to show and to search."""

    code = models.CharField(_("ISIC code"), max_length=4, unique=True)
    section = models.ForeignKey(
        ActivitySection, on_delete=models.PROTECT, related_name="activities"
    )
    search_key = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.display_name}"


class CompanyStatus(models.TextChoices):
    # Producing at (roughly) its licensed capacity.
    OPERATING = "operating", _("operating")
    # Producing well below capacity: the units the HQ most often tries to revive.
    PARTLY_OPERATING = "partly_operating", _("partly operating")
    # راکد: licensed and built, not producing.
    IDLE = "idle", _("idle")
    # Wound up or permanently shut.
    CLOSED = "closed", _("closed")
    # Holds an establishment permit and is still building.
    UNDER_CONSTRUCTION = "under_construction", _("under construction")


class CompanyQuerySet(models.QuerySet["Company"]):
    def active_knowledge_based(self, on: dt.date) -> CompanyQuerySet:
        """Companies holding a certificate valid on `on`: derived, never stored."""
        return self.filter(Exists(Certificate.objects.valid_on(on).filter(company=OuterRef("pk"))))

    def with_knowledge_based_flag(self, on: dt.date) -> CompanyQuerySet:
        return self.annotate(
            is_knowledge_based=Exists(
                Certificate.objects.valid_on(on).filter(company=OuterRef("pk"))
            )
        )


class Company(models.Model):
    """A company / production unit (DOMAIN.md §3)."""

    national_id = models.CharField(
        _("national ID"), max_length=11, unique=True, validators=[validate_national_id]
    )
    economic_code = models.CharField(
        _("economic code"),
        max_length=14,
        blank=True,
        validators=[validate_economic_code],
    )
    legal_name = models.CharField(_("legal name"), max_length=255)
    # DOMAIN.md §8: search runs on normalised keys, never on the display name. `search_key` is the
    # name's key (for sorting and exact lookups); `search_document` gathers the compact keys of the
    # name, national ID, economic code, products, approved products and activity, and is what the
    # FTS5 table (SQLite) or the trigram index (PostgreSQL) searches.
    search_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_document = models.TextField(editable=False, default="")
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
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("activity (ISIC)"),
    )
    address = models.TextField(_("address"), blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", _("A postal code has 10 digits."))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.OPERATING
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    # Financial details (DOMAIN.md §2): shown only to the secretariat, the executive, the company
    # itself and agencies a case of the company was referred to. Amounts in rial.
    bank_debt = models.BigIntegerField(
        _("bank debt (rial)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    tax_debt = models.BigIntegerField(
        _("tax debt (rial)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    insurance_debt = models.BigIntegerField(
        _("social security debt (rial)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["province", "status"], name="company_province_status"),
            models.Index(fields=["province", "search_key"], name="company_province_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_name=""),
                name="company_legal_name_not_empty",
                violation_error_message=_("Enter the legal name."),
            ),
            models.CheckConstraint(
                condition=Q(bank_debt__gte=0) | Q(bank_debt__isnull=True),
                name="company_bank_debt_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(tax_debt__gte=0) | Q(tax_debt__isnull=True),
                name="company_tax_debt_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(insurance_debt__gte=0) | Q(insurance_debt__isnull=True),
                name="company_insurance_debt_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class StatusChange(models.Model):
    """The company's status history: one row per change, the newest is the current status."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("company"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CompanyStatus.choices)
    since = models.DateField(_("since"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-since", "-id"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.status} {self.since}"


class LicenceKind(models.TextChoices):
    # جواز تأسیس: permission to build.
    ESTABLISHMENT = "establishment", _("establishment permit")
    # پروانه بهره‌برداری: permission to produce.
    OPERATING = "operating", _("operating licence")


class Licence(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="licences", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=50)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"], name="licence_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("issued_on")),
                name="licence_expires_after_issue",
                violation_error_message=_("The expiry date must be after the issue date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Product(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="products", verbose_name=_("company")
    )
    name = models.CharField(_("product"), max_length=255)
    hs_code = models.CharField(
        _("HS code"), max_length=10, blank=True, validators=[hs_code_validator]
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="product_name_not_empty",
                violation_error_message=_("Enter the product name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(_("position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CertificateClass(models.TextChoices):
    # Before 1402/05/01 (the old regulation).
    PRODUCTION_1 = "production_1", _("production, type 1")
    PRODUCTION_2 = "production_2", _("production, type 2")
    STARTUP_1 = "startup_1", _("start-up, type 1")
    STARTUP_2 = "startup_2", _("start-up, type 2")
    PRODUCTION_3 = "production_3", _("production, type 3 (emerging)")
    # Since 1402/05/01.
    STARTUP = "startup", _("start-up")
    INNOVATOR = "innovator", _("innovator")
    TECHNOLOGIST = "technologist", _("technologist")


OLD_CLASSES = frozenset(
    {
        CertificateClass.PRODUCTION_1,
        CertificateClass.PRODUCTION_2,
        CertificateClass.STARTUP_1,
        CertificateClass.STARTUP_2,
        CertificateClass.PRODUCTION_3,
    }
)
NEW_CLASSES = frozenset(set(CertificateClass) - OLD_CLASSES)


def valid_on_q(day: dt.date) -> models.Q:
    """A certificate valid on `day`: issued on or before it, expiring on or after it, not revoked
    by then. A Q, so that conditional aggregates count with the same rule."""
    return models.Q(issued_on__lte=day, expires_on__gte=day) & (
        models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=day)
    )


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid_on(self, day: dt.date) -> CertificateQuerySet:
        return self.filter(valid_on_q(day))


class Certificate(models.Model):
    """A knowledge-based certificate (تأیید دانش‌بنیان). Whether a company is knowledge-based on a
    date is derived from these rows (`valid_on`), never stored on the company."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("company")
    )
    number = models.CharField(_("certificate number"), max_length=50, unique=True)
    certificate_class = models.CharField(
        _("class"), max_length=20, choices=CertificateClass.choices
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), db_index=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    # One approved product per line, as the certificate lists them.
    approved_products = models.TextField(_("approved knowledge-based products"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge-based certificate")
        verbose_name_plural = _("knowledge-based certificates")
        ordering = ["-expires_on", "-id"]
        indexes = [models.Index(fields=["issued_on", "expires_on"], name="certificate_validity")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="certificate_expires_after_issue",
                violation_error_message=_("The expiry date must be after the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("issued_on")),
                name="certificate_revoked_after_issue",
                violation_error_message=_("The certificate was revoked before this issue date."),
            ),
            # The class set follows the issue date (DOMAIN.md §3).
            models.CheckConstraint(
                condition=(
                    Q(
                        certificate_class__in=sorted(OLD_CLASSES),
                        issued_on__lt=CLASS_SET_CHANGED_ON,
                    )
                    | Q(
                        certificate_class__in=sorted(NEW_CLASSES),
                        issued_on__gte=CLASS_SET_CHANGED_ON,
                    )
                ),
                name="certificate_class_matches_issue_date",
                violation_error_message=_(
                    "The certificate class does not match its issue date "
                    "(the classes changed on 1402/05/01)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def approved_product_list(self) -> list[str]:
        return [line.strip() for line in self.approved_products.splitlines() if line.strip()]

    def is_valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day <= self.expires_on and (
            self.revoked_on is None or self.revoked_on > day
        )


class CertificateReminder(models.Model):
    """That the expiry warning `days_before` was sent for a certificate, so the daily job sends
    each warning once however often it runs."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="certificate_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} -{self.days_before}d"


class KnowledgeBasedTarget(models.Model):
    """The secretariat's target: `count` active knowledge-based units in a province by `due_on`.
    Targets are never edited in place: a new row supersedes the old, so the history stays."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    count = models.PositiveIntegerField(_("target count"), validators=[MinValueValidator(1)])
    due_on = models.DateField(_("target date"))
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("knowledge-based target")
        verbose_name_plural = _("knowledge-based targets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="target_count_positive",
                violation_error_message=_("The target must be at least one unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} @ {self.due_on}"


class CompanyEvent(models.Model):
    """Append-only history of a company: who changed what, when. `changes` maps a field to
    `[old, new]` for updates, or holds the created/removed object's fields."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="events", verbose_name=_("company")
    )
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


class ImportJobStatus(models.TextChoices):
    # Uploaded; waiting for the background worker.
    QUEUED = "queued", _("waiting")
    # The worker is checking (and, unless a dry run, applying) the rows.
    RUNNING = "running", _("running")
    # Finished: the report says whether anything was imported.
    DONE = "done", _("finished")
    # The file itself could not be read (or the worker failed): `error` says why.
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One uploaded spreadsheet and what became of it. Imports run in the worker: a large file
    takes minutes, longer than a web request may. The file is deleted once it has been read;
    the row-level report stays."""

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    dry_run = models.BooleanField(default=True)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255)
    # The uploader's language: the worker writes the report's messages in it.
    language = models.CharField(max_length=8, default="fa")
    status = models.CharField(
        max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
