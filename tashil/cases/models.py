from __future__ import annotations

import datetime as dt
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.models import LocalizedName

# Ten quadrillion rial: far above any single unit's loans, low enough to catch a mistyped amount.
MAX_AMOUNT = 10**16


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


class Channel(models.TextChoices):
    """How a case reached the HQ."""

    PORTAL = "portal", _("portal (by the company)")
    WALK_IN = "walk_in", _("walk-in counter")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("phone")
    FIELD_VISIT = "field_visit", _("field visit")
    COUNTY_HQ = "county_hq", _("county HQ")
    OPEN311 = "open311", _("Open311 API")
    API = "api", _("REST API")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    UNRESOLVED = "unresolved", _("unresolved")
    ESCALATED_NATIONAL = "escalated_national", _("escalated to the national HQ")


class Case(models.Model):
    """An obstacle a production unit reports (DOMAIN.md §4). Its status changes only through
    `services.case_transition`, which follows `workflow.TRANSITIONS` and writes a `CaseEvent`."""

    tracking = models.CharField(_("tracking number"), max_length=8, unique=True, editable=False)
    # The Open311 `token` handed back on POST; separate from the tracking number so that a
    # client can poll for its request without learning anything guessable.
    api_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    # Copied from the company when filed: a case stays with the county HQ it was filed in.
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    company = models.ForeignKey(
        "registry.Company",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("company"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    requested_outcome = models.TextField(_("requested outcome"), blank=True)
    amount = models.PositiveBigIntegerField(
        _("amount involved (rial)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AMOUNT)],
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=CaseStatus.choices,
        default=CaseStatus.SUBMITTED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Where a case returned for information goes back to when the company answers.
    returned_from = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("expert"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    # The company may confirm or reopen until this moment; after it the job closes the case.
    confirm_until = models.DateTimeField(_("confirm by"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # What the HQ's help achieved, recorded by the secretariat once known (DOMAIN.md §7): the loan
    # or facility approved for the unit, in rial, and the jobs kept. `results_on` is the day it
    # was achieved, the day the figures count it on.
    approved_amount = models.PositiveBigIntegerField(
        _("loan or facility approved (rial)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AMOUNT)],
    )
    jobs_preserved = models.PositiveIntegerField(_("jobs preserved"), null=True, blank=True)
    results_on = models.DateField(_("results achieved on"), null=True, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    search_key = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The triage queue: new cases, oldest first.
            models.Index(fields=["province", "status", "created_at"], name="case_queue"),
            # The dashboard's case figures and the county comparison, counted from the index
            # alone (an index-only scan) rather than from the province's rows.
            models.Index(
                fields=["province", "created_at", "status", "outcome", "category", "county", "id"],
                name="case_figures",
            ),
            # The job that closes unconfirmed outcomes.
            models.Index(
                fields=["confirm_until"],
                condition=models.Q(confirm_until__isnull=False),
                name="case_confirm_until",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__lte=MAX_AMOUNT),
                name="case_amount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True)
                | models.Q(approved_amount__lte=MAX_AMOUNT),
                name="case_approved_amount_range",
            ),
            # Results carry the day they were achieved, and a day carries some result.
            models.CheckConstraint(
                condition=models.Q(
                    results_on__isnull=True,
                    approved_amount__isnull=True,
                    jobs_preserved__isnull=True,
                )
                | (
                    models.Q(results_on__isnull=False)
                    & (
                        models.Q(approved_amount__isnull=False)
                        | models.Q(jobs_preserved__isnull=False)
                    )
                ),
                name="case_results_dated",
            ),
            # A merged case points at the case it was merged into, and only a merged case does.
            models.CheckConstraint(
                condition=models.Q(status="merged", merged_into__isnull=False)
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="case_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="case_not_merged_into_itself",
            ),
            # Paused exactly while waiting for the company.
            models.CheckConstraint(
                condition=models.Q(status="returned_for_info", paused_at__isnull=False)
                | (~models.Q(status="returned_for_info") & models.Q(paused_at__isnull=True)),
                name="case_paused_while_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_tracking} · {self.title}"

    @property
    def display_tracking(self) -> str:
        return format_tracking(self.tracking)


class ReferralStatus(models.TextChoices):
    # Waiting for the agency's answer.
    OPEN = "open", _("waiting for the agency")
    # The agency answered.
    ANSWERED = "answered", _("answered")
    # The case moved on (resolved, merged, rejected…) before the agency answered.
    WITHDRAWN = "withdrawn", _("withdrawn")


class Referral(models.Model):
    """A request to one agency to act on a case. A case may have several at once, each with its
    own text, deadline and answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("agency"),
    )
    request_text = models.TextField(_("request"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    # The last working day on which an answer is on time.
    due_on = models.DateField(_("answer due"))
    extended_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Working days the case waited on the company while this referral was open: the clock was
    # stopped, so they do not count against the agency.
    paused_days = models.PositiveSmallIntegerField(default=0)
    # Working days from referral to answer, less `paused_days`; set when the agency answers so
    # that the scorecard's average and percentile are one aggregate, not a calendar walk per row.
    response_days = models.PositiveSmallIntegerField(
        _("response time (working days)"), null=True, blank=True
    )
    # 0 = on time; 1…n = the escalation steps (settings.TASHIL_ESCALATION_STEPS) already notified.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["due_on", "id"]
        indexes = [
            # The escalation job and the inboxes scan open referrals by deadline.
            models.Index(
                fields=["due_on"],
                condition=models.Q(status="open"),
                name="referral_open_due",
            ),
            # The scorecard: an agency's referrals sent in a period, with what it counts of them.
            models.Index(
                fields=[
                    "agency",
                    "created_at",
                    "status",
                    "case",
                    "response_days",
                    "due_on",
                    "answered_at",
                    "id",
                ],
                name="referral_agency_sent",
            ),
            # An agency's inbox: its open referrals by deadline. The national `referral_open_due`
            # would walk every agency's open referrals to find this one's.
            models.Index(
                fields=["agency", "due_on", "id"],
                condition=models.Q(status="open"),
                name="referral_open_by_agency",
            ),
            # An agency's inbox lists what it answered last, newest first: without this the
            # database sorts every answer the agency ever gave (docs/performance.md).
            models.Index(
                models.F("agency"),
                models.F("answered_at").desc(),
                models.F("id").desc(),
                condition=models.Q(status="answered"),
                name="referral_answered_by_agency",
            ),
        ]
        constraints = [
            # One open request to an agency per case: a second one would be a duplicate.
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(status="open"),
                name="referral_one_open_per_agency",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="referral_answered_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(response_days__isnull=False),
                name="referral_answered_has_response_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agency}"

    def is_overdue(self, today: dt.date) -> bool:
        """`selectors.overdue_q` in Python, for a referral already loaded with its case."""
        return (
            self.status == ReferralStatus.OPEN
            and self.due_on < today
            and self.case.status != CaseStatus.RETURNED_FOR_INFO
        )


class Attachment(models.Model):
    """A file on a case (filed with it, added later, or attached to an agency's answer). Stored
    under a random name and served only through a view that checks who asks."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    # Sniffed from the content, never taken from the name or the browser.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """The case timeline, append-only: every transition, referral, answer, extension, escalation,
    attachment and note, with who, when, from, to and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A case's timeline in order, and its last event (Open311's updated_datetime).
            models.Index(fields=["case", "created_at"], name="caseevent_case_time"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
