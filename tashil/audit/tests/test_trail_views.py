"""The audit trail pages: an administrator reads every app's events on one list and downloads
them; nobody else gets in. Dates are Jalali; a page costs the same queries however many events
there are and whichever apps wrote them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tashil.accounts.models import AccountEvent
from tashil.cases.models import CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import format_jalali
from tashil.investments.models import Event as InvestmentEvent
from tashil.meetings.models import MeetingEvent, ResolutionEvent
from tashil.registry import services as registry
from tashil.registry.models import CompanyEvent

pytestmark = pytest.mark.django_db

LIST = "audit:list"


def _csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_an_administrator_sees_the_events_of_every_app(
    client: Any, admin_user: Any, every_kind: None, settings: Any
) -> None:
    client.force_login(admin_user)

    response = client.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    shown = {row.source.key for row in response.context["rows"]}
    assert shown == {"case", "meeting", "resolution", "company", "account", "investment"}
    for model in (CaseEvent, MeetingEvent, ResolutionEvent, CompanyEvent, AccountEvent):
        assert model.objects.exists()
    assert InvestmentEvent.objects.filter(target=InvestmentEvent.Target.SHARE).exists()


def test_the_list_shows_jalali_dates_and_who_did_what(
    client: Any, admin_user: Any, secretariat: Any, company: Any
) -> None:
    registry.company_update(actor=secretariat, company=company, employees=48)
    event = CompanyEvent.objects.get(kind="updated")
    client.force_login(admin_user)

    response = client.get(reverse(LIST), {"source": "company"})

    body = response.content.decode()
    assert format_jalali(event.created_at) in body  # Persian digits, as the UI's language is
    assert company.legal_name in body
    assert "employees" in body
    assert str(secretariat) in body


def test_the_filters_narrow_by_kind_actor_text_and_jalali_dates(
    client: Any, admin_user: Any, secretariat: Any, company: Any, case_in: Any, owner: Any
) -> None:
    case = case_in(CaseStatus.SCREENING, title="مشکل برق کارخانه")
    registry.company_update(actor=secretariat, company=company, employees=48)
    client.force_login(admin_user)

    def listed(**query: str) -> list[tuple[str, str]]:
        response = client.get(reverse(LIST), query)
        assert response.status_code == 200
        return [(row.source.key, row.kind) for row in response.context["rows"]]

    assert set(listed(source="company")) == {("company", "updated")}
    assert {key for key, _kind in listed(actor="owner")} == {"case"}
    assert ("case", "filed") in listed(actor="owner", text="برق")
    assert listed(text="برق", source="company") == []
    today = timezone.localdate()
    yesterday = format_jalali(today - dt.timedelta(days=1), language="en")
    assert listed(date_to=yesterday) == []
    assert len(listed(date_from=format_jalali(today, language="en"))) >= 3
    assert case.events.exists()


def test_an_invalid_jalali_date_is_an_error_on_the_form(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)

    response = client.get(reverse(LIST), {"date_from": "1404/13/40"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_an_export_with_an_invalid_filter_shows_the_errors_instead_of_everything(
    client: Any, admin_user: Any
) -> None:
    client.force_login(admin_user)

    response = client.get(reverse("audit:export", args=["csv"]), {"actor": "nobody-by-this-name"})

    assert response.status_code == 302
    assert response["Location"] == reverse(LIST) + "?actor=nobody-by-this-name"


@pytest.mark.parametrize(
    "persona",
    ["secretariat", "executive", "officer", "agency_head", "owner", "county_secretary", "expert"],
)
def test_nobody_but_an_administrator_gets_in(
    client: Any, request: Any, persona: str, every_kind: None
) -> None:
    client.force_login(request.getfixturevalue(persona))

    for url in (
        reverse(LIST),
        reverse("audit:export", args=["csv"]),
        reverse("audit:export", args=["xlsx"]),
    ):
        assert client.get(url).status_code == 403


def test_only_the_administrator_is_shown_the_way_to_the_trail(
    client: Any, admin_user: Any, secretariat: Any
) -> None:
    client.force_login(secretariat)
    assert b'data-testid="nav-audit"' not in client.get("/").content

    client.force_login(admin_user)
    assert b'data-testid="nav-audit"' in client.get("/").content


def test_the_anonymous_are_sent_to_log_in(client: Any) -> None:
    response = client.get(reverse(LIST))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_superuser_without_the_role_gets_in(client: Any, db: Any) -> None:
    from tashil.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)

    assert client.get(reverse(LIST)).status_code == 200


def test_the_csv_holds_every_matching_event_without_amounts(
    client: Any, admin_user: Any, secretariat: Any, case_in: Any
) -> None:
    from tashil.cases import services as cases

    case = case_in(CaseStatus.RESOLVED)
    cases.case_record_results(
        actor=secretariat,
        case=case,
        approved_amount=7_000_000_000,
        jobs_preserved=12,
        results_on=timezone.localdate(),
    )
    client.force_login(admin_user)

    response = client.get(reverse("audit:export", args=["csv"]), {"source": "case"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert len(rows) == CaseEvent.objects.count()
    newest = CaseEvent.objects.order_by("-created_at", "-id").first()
    assert newest is not None
    assert rows[0][0] == format_jalali(newest.created_at)
    assert rows[0][3] == str(case.pk)
    assert rows[0][5] == newest.kind
    assert rows[0][8] == str(secretariat)
    # The event keeps the figure; the trail, read by administrators, does not show it.
    assert "7000000000" not in "".join(",".join(row) for row in rows)
    assert '"jobs_preserved": 12' in rows[0][9]


def test_the_workbook_holds_every_event(
    client: Any, admin_user: Any, case_in: Any, secretariat: Any, company: Any
) -> None:
    case_in(CaseStatus.REFERRED)
    registry.company_update(actor=secretariat, company=company, employees=48)
    client.force_login(admin_user)

    response = client.get(reverse("audit:export", args=["xlsx"]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = sum(
        model.objects.count()
        for model in (
            CaseEvent,
            MeetingEvent,
            ResolutionEvent,
            CompanyEvent,
            AccountEvent,
            InvestmentEvent,
        )
    )
    assert len(rows) == total
    assert {row[3] for row in rows if row[5] == "updated"} == {company.pk}


def test_the_list_costs_the_same_queries_however_many_events_of_however_many_apps(
    client: Any, admin_user: Any, every_kind: None, resolution_in: Any, secretariat: Any,
    company: Any
) -> None:  # fmt: skip
    client.force_login(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(LIST)).status_code == 200
        return len(queries)

    few = count()
    resolution_in("executed")
    for employees in range(50, 60):
        registry.company_update(actor=secretariat, company=company, employees=employees)

    assert count() == few


def test_searching_the_trail_for_digits_does_not_reveal_a_hidden_amount(
    client: Any, admin_user: Any, case_in: Any
) -> None:
    from tashil.cases.models import CaseEvent
    from tashil.cases.workflow import CaseStatus

    case = case_in(CaseStatus.SCREENING)
    CaseEvent.objects.create(
        case=case, actor=None, kind="results_recorded", data={"approved_amount": 987654321}
    )
    client.force_login(admin_user)

    every = client.get(reverse(LIST), {"source": "case"})
    searched = client.get(reverse(LIST), {"source": "case", "text": "987654"})

    assert "results_recorded" in [row.kind for row in every.context["rows"]]
    assert searched.status_code == 200
    assert list(searched.context["rows"]) == []
