"""Case fixtures: a builder that drives a case into any status through the services, a clock
the services read, holidays, and uploads of every kind the attachment checks tell apart.

The builder walks the workflow table's own moves (checked against `TRANSITIONS` at each step),
so a case "in status X" is always one the application itself could have produced.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tashil.cases.models import Attachment, Case, CaseEvent, Channel, Referral
from tashil.cases.services import ReferralRequest, case_file, case_move
from tashil.cases.workflow import TRANSITIONS, Actor, CaseStatus
from tashil.notifications.models import Notification

S = CaseStatus
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
REASON = "توضیح برای آزمون"

# How the builder reaches each status from `submitted`. Outcomes go through a working group:
# the shortest way that leaves no referral open and no expert assigned.
ROUTES: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (),
    S.SCREENING: (S.SCREENING,),
    S.REJECTED: (S.SCREENING, S.REJECTED),
    S.EXPERT_REVIEW: (S.SCREENING, S.EXPERT_REVIEW),
    S.REFERRED: (S.SCREENING, S.REFERRED),
    S.WORKING_GROUP: (S.SCREENING, S.WORKING_GROUP),
    S.ON_AGENDA: (S.SCREENING, S.ON_AGENDA),
    S.DISCUSSED: (S.SCREENING, S.ON_AGENDA, S.DISCUSSED),
    S.RESOLUTIONS_ISSUED: (S.SCREENING, S.ON_AGENDA, S.DISCUSSED, S.RESOLUTIONS_ISSUED),
    S.RESOLVED: (S.SCREENING, S.WORKING_GROUP, S.RESOLVED),
    S.UNRESOLVED: (S.SCREENING, S.WORKING_GROUP, S.UNRESOLVED),
    S.ESCALATED_NATIONAL: (S.SCREENING, S.WORKING_GROUP, S.ESCALATED_NATIONAL),
    S.CLOSED: (S.SCREENING, S.WORKING_GROUP, S.RESOLVED, S.CLOSED),
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    # Attachments are written to disk; each test gets its own folder, so "nothing was saved"
    # can be checked by listing it.
    settings.MEDIA_ROOT = tmp_path / "media"


def saved_files(settings: Any) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- The clock -------------------------------------------------------------------------------


class Clock:
    """What `django.utils.timezone.now()` (and so `localdate()`) returns while installed."""

    def __init__(self) -> None:
        self.current = dt.datetime(2025, 1, 8, 10, 0, tzinfo=TEHRAN)

    def now(self) -> dt.datetime:
        return self.current.astimezone(dt.UTC)

    def set(self, day: dt.date, hour: int = 10) -> None:
        self.current = dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN)

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freezes "now" for the services at Wednesday 2025-01-08 10:00 Tehran (19 Dey 1403)."""
    found = Clock()
    monkeypatch.setattr("django.utils.timezone.now", found.now)
    return found


@pytest.fixture
def holiday(db: Any) -> Callable[[dt.date], Any]:
    from tashil.core.models import Holiday

    def make(date: dt.date, name: str = "تعطیل رسمی") -> Any:
        return Holiday.objects.create(date=date, name=name)

    return make


# --- More of the cast ------------------------------------------------------------------------


@pytest.fixture
def other_expert(province: Any) -> Any:
    from tashil.conftest import _user_with_role

    return _user_with_role("other_expert", "expert", province=province)


@pytest.fixture
def other_county_secretary(other_county: Any) -> Any:
    from tashil.conftest import _user_with_role

    return _user_with_role("other_county_secretary", "county_secretariat", county=other_county)


# Who each persona of the cast counts as on a case of `company` (county 2603) that the builder
# made; the expert counts only where the builder assigned the case to them (expert review).
PERSONA_KIND: dict[str, str | None] = {
    "secretariat": Actor.SECRETARIAT,
    "county_secretary": Actor.SECRETARIAT,
    "expert": Actor.EXPERT,
    "owner": Actor.COMPANY,
    "system": Actor.SYSTEM,
    "other_county_secretary": None,
    "other_expert": None,
    "other_owner": None,
    "officer": None,
    "agency_head": None,
    "executive": None,
    "admin_user": None,
}
KIND_PERSONAS: dict[str, list[str]] = {
    kind: [name for name, k in PERSONA_KIND.items() if k == kind] for kind in Actor
}


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """The user behind a persona name; "system" is None (the periodic jobs)."""

    def get(name: str) -> Any:
        return None if name == "system" else request.getfixturevalue(name)

    return get


# --- The builder -----------------------------------------------------------------------------


class CaseBuilder:
    def __init__(
        self, *, owner: Any, secretariat: Any, expert: Any, agency: Any, company: Any, category: Any
    ) -> None:
        self.owner = owner
        self.secretariat = secretariat
        self.expert = expert
        self.agency = agency
        self.company = company
        self.category = category

    def file(self, **overrides: Any) -> Case:
        values: dict[str, Any] = {
            "actor": self.owner,
            "company": self.company,
            "category": self.category,
            "title": "تأخیر در استرداد مالیات بر ارزش افزوده",
            "description": "مبلغ استرداد شش ماه است پرداخت نشده.",
            "channel": Channel.PORTAL,
        }
        values.update(overrides)
        return case_file(**values)

    def extras(self, case: Case, to: str) -> dict[str, Any]:
        """What the move from the case's status to `to` needs besides a reason."""
        action = TRANSITIONS[case.status][to].action
        if action == "assign_expert":
            return {"expert": self.expert}
        if action == "refer":
            return {"requests": [ReferralRequest(agency=self.agency, request_text="بررسی کنید")]}
        if action == "merge":
            return {"into": self.file(title="پرونده‌ای دیگر از همین شرکت")}
        return {}

    def step(self, case: Case, to: str) -> None:
        found = TRANSITIONS[case.status][to]  # KeyError: the route leaves the table
        actor = self.secretariat if Actor.SECRETARIAT in found.actors else self.owner
        case_move(actor=actor, case=case, to=to, reason=REASON, **self.extras(case, to))
        case.refresh_from_db()
        assert case.status == to

    def __call__(self, status: str, *, returned_from: str = S.SCREENING, **overrides: Any) -> Case:
        case = self.file(**overrides)
        if status == S.MERGED:
            self.step(case, S.MERGED)
            return case
        route = ROUTES[returned_from] + (S.RETURNED_FOR_INFO,)
        for target in route if status == S.RETURNED_FOR_INFO else ROUTES[status]:
            self.step(case, target)
        return case


@pytest.fixture
def builder(
    owner: Any, secretariat: Any, expert: Any, tax_agency: Any, company: Any, category: Any
) -> CaseBuilder:
    return CaseBuilder(
        owner=owner,
        secretariat=secretariat,
        expert=expert,
        agency=tax_agency,
        company=company,
        category=category,
    )


@pytest.fixture
def case_in(builder: CaseBuilder) -> CaseBuilder:
    """`case_in(status, returned_from=…, **case_file overrides)`: a case of `company`, filed by
    its owner through the portal, moved into `status` by the secretariat (and the owner where
    only the company may move)."""
    return builder


def snapshot() -> dict[str, Any]:
    """Everything a refused move must leave as it was."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk",
                "status",
                "status_changed_at",
                "returned_from",
                "paused_at",
                "assignee_id",
                "outcome",
                "confirm_until",
                "satisfaction",
                "merged_into_id",
            )
        ),
        "referrals": list(
            Referral.objects.order_by("pk").values_list(
                "pk", "status", "due_on", "extended_days", "escalation_level", "answer"
            )
        ),
        "events": CaseEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "notifications": Notification.objects.count(),
    }


# --- Uploads ---------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["بدهی", 1200])
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    """An upload as a browser sends it: the name and the claimed type are the sender's word."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "نامه.pdf") -> Any:
    return upload(name, PDF, "application/pdf")
