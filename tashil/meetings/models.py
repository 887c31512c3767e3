from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from tashil.agencies.models import Agency

from tashil.meetings.workflow import (
    WITH_AGENCY,
    MeetingKind,
    MeetingStatus,
    ResolutionState,
)


class Weekday(models.IntegerChoices):
    """Python's numbering (Monday = 0), so `date.weekday()` compares directly."""

    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class Body(models.Model):
    """A body that meets and numbers its sessions: the provincial HQ, one of its specialist
    working groups (by category), or a county HQ. Its member agencies are expected at every
    session and receive the agenda."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # The regular schedule, from which the next session is proposed (Qazvin: Wednesdays).
    weekday = models.PositiveSmallIntegerField(
        _("meets on"), choices=Weekday.choices, default=Weekday.WEDNESDAY
    )
    time = models.TimeField(_("at"), default=dt.time(9, 0))
    place = models.CharField(_("usual place"), max_length=200, blank=True)
    chair = models.CharField(_("usual chair"), max_length=200, blank=True)
    # Sessions held before Tashil: the first session recorded here gets this number.
    first_number = models.PositiveIntegerField(_("first session number"), default=1)
    members = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="bodies", verbose_name=_("member agencies")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting body")
        verbose_name_plural = _("meeting bodies")
        ordering = ["province", "kind", "name"]
        constraints = [
            # A county HQ names its county, a working group its category, the provincial HQ
            # neither.
            models.CheckConstraint(
                condition=(
                    Q(kind=MeetingKind.PROVINCIAL, county__isnull=True, category__isnull=True)
                    | Q(kind=MeetingKind.COUNTY, county__isnull=False, category__isnull=True)
                    | Q(kind=MeetingKind.WORKING_GROUP, county__isnull=True, category__isnull=False)
                ),
                name="body_kind_scope",
            ),
            models.UniqueConstraint(
                fields=["province"],
                condition=Q(kind=MeetingKind.PROVINCIAL),
                name="body_one_provincial_hq",
            ),
            models.UniqueConstraint(
                fields=["county"], condition=Q(kind=MeetingKind.COUNTY), name="body_one_per_county"
            ),
            models.UniqueConstraint(
                fields=["province", "category"],
                condition=Q(kind=MeetingKind.WORKING_GROUP),
                name="body_one_group_per_category",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from tashil.core.jalali import is_persian_ui

        return self.name if is_persian_ui() or not self.name_en else self.name_en


class Meeting(models.Model):
    """One numbered session of a body. Changes only through `services.meeting_*`; once closed its
    agenda, attendance, notes and resolutions are the minutes and stay as they are."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    number = models.PositiveIntegerField(_("session number"))
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
        db_index=True,
    )
    # Guests who are not member agencies (e.g. the company's managing director).
    guests = models.TextField(_("other attendees"), blank=True)
    notes = models.TextField(_("general notes"), blank=True)
    agenda_sent_at = models.DateTimeField(_("agenda sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="meeting_unique_number"),
            # Closed exactly when its status says so: the lock on the minutes reads `closed_at`.
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=MeetingStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="meeting_closed_at_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class AgendaItemKind(models.TextChoices):
    CASE = "case", _("case")
    # An earlier resolution back for review (objected or overdue).
    RESOLUTION = "resolution", _("resolution follow-up")
    # Any other topic (a report, a briefing).
    TOPIC = "topic", _("other topic")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaItemKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("case"),
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("resolution under review"),
    )
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(_("discussion notes"), blank=True)
    # The meeting ran out of time or needs more information: the case stays ready for the next.
    postponed = models.BooleanField(_("postponed"), default=False)
    # Why the builder proposed it ("objected", "overdue", "ready"), kept for the agenda's reader.
    reason = models.CharField(max_length=20, blank=True)
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AgendaItemKind.CASE, case__isnull=False, resolution__isnull=True)
                | Q(kind=AgendaItemKind.RESOLUTION, resolution__isnull=False)
                | Q(kind=AgendaItemKind.TOPIC, case__isnull=True, resolution__isnull=True),
                name="agenda_item_kind_target",
            ),
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=Q(kind=AgendaItemKind.CASE),
                name="agenda_item_case_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "resolution"],
                condition=Q(resolution__isnull=False),
                name="agenda_item_resolution_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Presence(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    REPRESENTED = "represented", _("represented by a deputy")


class Attendance(models.Model):
    """Whether an agency sat at the session, and who for it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    presence = models.CharField(_("presence"), max_length=20, choices=Presence.choices)
    # The head who came, or the deputy who represented the agency.
    person = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_once"),
            # "Represented by" must say by whom.
            models.CheckConstraint(
                condition=~Q(presence=Presence.REPRESENTED) | ~Q(person=""),
                name="attendance_representative_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_presence_display()}"


class Resolution(models.Model):
    """A binding decision (مصوبه) of a meeting, addressed to one or more agencies. Its state
    changes only through `services.resolution_*`, which follow `workflow.RESOLUTION_TRANSITIONS`
    and write a `ResolutionEvent` (and an event on the linked case's timeline)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("meeting")
    )
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("agenda item"),
    )
    # Copied from the meeting's body so the register filters and scopes without joins.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("case"),
    )
    # Its place in the meeting's minutes: resolution 3 of session 227 reads "227/3".
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    deliverable = models.CharField(_("expected deliverable"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    agencies: models.ManyToManyField[Agency, ResolutionAgency] = models.ManyToManyField(
        "agencies.Agency",
        through="ResolutionAgency",
        related_name="resolutions",
        verbose_name=_("responsible agencies"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ResolutionState.choices,
        default=ResolutionState.DRAFT,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    # The last day an agency may object (inclusive).
    objection_until = models.DateField(_("objection window ends"), null=True, blank=True)
    # Escalation steps already notified after the deadline, as on referrals.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)
    # Marked for the national HQ (DOMAIN.md §1): what the province cannot solve.
    national_letter = models.TextField(_("letter to the national HQ"), blank=True)
    escalated_national_at = models.DateTimeField(null=True, blank=True)
    # The whole text's compact key (core.text.compact_key): "ماشین آلات" finds "ماشین‌آلات".
    # A TextField: resolutions run long, and `contains` cannot use a btree index anyway.
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-meeting__starts_at", "meeting_id", "number"]
        indexes = [
            # The follow-up job: issued, with the agency, by deadline.
            models.Index(
                fields=["deadline"],
                condition=Q(state__in=sorted(WITH_AGENCY)),
                name="resolution_followup",
            ),
            # The register lists a province's resolutions by deadline: without this the database
            # walks the national deadline order and throws most rows away (docs/performance.md).
            models.Index(fields=["province", "deadline"], name="resolution_province_deadline"),
            # The dashboard and the scorecard count a province's resolutions by session and state
            # from this index alone.
            models.Index(fields=["province", "meeting", "state", "id"], name="resolution_figures"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="resolution_unique_number"),
            # Issued exactly when it has left the draft state, with its objection window.
            models.CheckConstraint(
                condition=Q(
                    state=ResolutionState.DRAFT,
                    notified_at__isnull=True,
                    objection_until__isnull=True,
                )
                | (
                    ~Q(state=ResolutionState.DRAFT)
                    & Q(notified_at__isnull=False, objection_until__isnull=False)
                ),
                name="resolution_notified_when_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """ "227/3": the session number and the resolution's place in its minutes."""
        return f"{self.meeting.number}/{self.number}"

    def is_overdue(self, today: dt.date) -> bool:
        """`selectors.resolution_overdue_q` in Python."""
        return self.state in WITH_AGENCY and self.deadline < today


class ResolutionAgency(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="addressees")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "agency"], name="resolution_agency_once")
        ]

    def __str__(self) -> str:
        return f"{self.resolution_id} → {self.agency_id}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("progress report")
    OBJECTION = "objection", _("objection")
    EXECUTION = "execution", _("execution report")


class ProgressReport(models.Model):
    """What an agency says about a resolution: progress, an objection, or that it is done."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.resolution_id} {self.kind}"


class Evidence(models.Model):
    """A file with a progress report, checked like case attachments; served through a view that
    checks who asks."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="resolutions/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class MeetingEvent(models.Model):
    """The meeting's log, append-only: created, agenda changes, agenda sent, closed, cancelled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.kind}"


class ResolutionEvent(models.Model):
    """The resolution's timeline, append-only: every change of state, report, reminder,
    escalation, with who, when and why."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.resolution_id} {self.kind}"
