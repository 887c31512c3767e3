"""The secretariat records what the HQ's help achieved on the case page: the loan or facility
approved (a financial detail, shown only to those who see the case's amounts), the jobs kept
(shown to everyone who sees the case) and the day. A refusal keeps what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from tashil.cases.models import Case, CaseEvent
from tashil.cases.services import ReferralRequest, case_record_results, case_refer
from tashil.cases.tests.conftest import S
from tashil.core.jalali import format_number

pytestmark = pytest.mark.django_db

# The clock's day: Wednesday 8 January 2025, 19 Dey 1403.
TODAY = "1403/10/19"
AMOUNT = 5_000_000_000
SHOWN_AMOUNT = "۵٬۰۰۰٬۰۰۰٬۰۰۰"


def results_url(case: Case) -> str:
    return reverse("cases:results", args=[case.tracking])


def detail(client: Any, case: Case) -> str:
    response = client.get(reverse("cases:detail", args=[case.tracking]))
    assert response.status_code == 200
    return response.content.decode()


def post(client: Any, case: Case, **values: str) -> Any:
    return client.post(results_url(case), {f"results-{k}": v for k, v in values.items()})


def filed_last_week(case: Case) -> Case:
    # The row's default time is the real clock's, not the test clock's: filed before "today".
    Case.objects.filter(pk=case.pk).update(
        created_at=dt.datetime(2025, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=3.5)))
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def resolved(clock: Any, case_in: Any) -> Case:
    return filed_last_week(case_in(S.RESOLVED))


def test_the_secretariat_records_the_results_typed_in_persian_digits(
    client: Any, secretariat: Any, resolved: Case
) -> None:
    client.force_login(secretariat)
    assert 'data-testid="results-form"' in detail(client, resolved)

    response = post(
        client,
        resolved,
        approved_amount="۵٬۰۰۰٬۰۰۰٬۰۰۰",
        jobs_preserved="۴۰",
        results_on="۱۴۰۳/۱۰/۱۹",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[resolved.tracking])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        gettext("The results were recorded.")
    ]
    resolved.refresh_from_db()
    assert (resolved.approved_amount, resolved.jobs_preserved, resolved.results_on) == (
        AMOUNT,
        40,
        dt.date(2025, 1, 8),
    )
    event = CaseEvent.objects.get(case=resolved, kind="results")
    assert event.actor == secretariat
    assert event.data["after"] == {
        "approved_amount": AMOUNT,
        "jobs_preserved": 40,
        "results_on": "2025-01-08",
    }
    page = detail(client, resolved)
    assert 'data-testid="case-results"' in page
    assert SHOWN_AMOUNT in page
    assert format_number(40) in page


def test_the_timeline_tells_what_was_recorded(
    client: Any, secretariat: Any, resolved: Case
) -> None:
    client.force_login(secretariat)
    post(client, resolved, approved_amount="5,000,000,000", jobs_preserved="40", results_on=TODAY)

    timeline = client.get(reverse("cases:detail", args=[resolved.tracking])).context["timeline"]
    (line,) = [event.sentence for event in timeline if event.kind == "results"]
    # Not the bare label of the kind: the day, the amount and the jobs.
    assert SHOWN_AMOUNT in line
    assert format_number(40) in line
    assert "۱۴۰۳" in line


def test_a_county_secretariat_records_jobs_without_reading_or_losing_the_loan_recorded(
    client: Any, secretariat: Any, county_secretary: Any, resolved: Case
) -> None:
    case_record_results(
        actor=secretariat,
        case=resolved,
        approved_amount=AMOUNT,
        jobs_preserved=10,
        results_on=dt.date(2025, 1, 8),
    )
    client.force_login(county_secretary)
    page = detail(client, resolved)
    assert 'data-testid="results-form"' in page
    assert SHOWN_AMOUNT not in page and str(AMOUNT) not in page

    response = post(client, resolved, approved_amount="", jobs_preserved="25", results_on=TODAY)

    assert response.status_code == 302
    resolved.refresh_from_db()
    assert (resolved.approved_amount, resolved.jobs_preserved) == (AMOUNT, 25)
    page = detail(client, resolved)
    assert format_number(25) in page
    assert SHOWN_AMOUNT not in page and str(AMOUNT) not in page


@pytest.fixture
def shared(clock: Any, case_in: Any, secretariat: Any, expert: Any, tax_agency: Any) -> Case:
    """A case under review by the expert, referred to the tax agency: seen by the secretariat,
    the county secretariat, the executive, the expert, the tax officer and the company."""
    case = case_in(S.EXPERT_REVIEW)
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی شود")],
    )
    case.refresh_from_db()
    assert case.assignee == expert
    return filed_last_week(case)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("owner", 403),
        ("officer", 403),
        ("executive", 403),
        ("expert", 403),
        ("other_owner", 404),
        ("other_county_secretary", 404),
    ],
)
def test_only_the_secretariat_may_record_results(
    client: Any, request: Any, shared: Case, viewer: str, status: int
) -> None:
    client.force_login(request.getfixturevalue(viewer))

    response = post(client, shared, approved_amount="1000", jobs_preserved="3", results_on=TODAY)

    assert response.status_code == status
    shared.refresh_from_db()
    assert (shared.approved_amount, shared.jobs_preserved, shared.results_on) == (None, None, None)
    assert not CaseEvent.objects.filter(case=shared, kind="results").exists()
    if status == 403:
        assert 'data-testid="results-form"' not in detail(client, shared)


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        (
            {"approved_amount": "1000", "jobs_preserved": "3", "results_on": "1403/10/20"},
            "results_on",
            "Results cannot be dated in the future.",
        ),
        (
            {"approved_amount": "1000", "jobs_preserved": "3", "results_on": ""},
            "results_on",
            "Enter the day the results were achieved.",
        ),
        (
            {"approved_amount": "1000", "jobs_preserved": "3", "results_on": "1403/10/01"},
            "results_on",
            "Results cannot be dated before the case was filed.",
        ),
        (
            {"approved_amount": "1000", "jobs_preserved": "-3", "results_on": TODAY},
            "jobs_preserved",
            "Ensure this value is greater than or equal to %(limit_value)s.",
        ),
        (
            {"approved_amount": "۵ میلیارد", "jobs_preserved": "3", "results_on": TODAY},
            "approved_amount",
            "Enter a whole number.",
        ),
    ],
)
def test_a_refusal_is_shown_beside_its_field_and_keeps_what_was_typed(
    client: Any,
    secretariat: Any,
    resolved: Case,
    values: dict[str, str],
    field: str,
    error: str,
) -> None:
    client.force_login(secretariat)

    response = post(client, resolved, **values)

    assert response.status_code == 422
    form = response.context["results_form"]
    (message,) = form.errors[field]
    assert message == gettext(error).replace("%(limit_value)s", "0")
    page = response.content.decode()
    assert message in page
    for name, typed in values.items():
        assert form[name].value() == typed
        if typed:
            assert f'value="{typed}"' in page
    resolved.refresh_from_db()
    assert (resolved.approved_amount, resolved.jobs_preserved, resolved.results_on) == (
        None,
        None,
        None,
    )
    assert not CaseEvent.objects.filter(case=resolved, kind="results").exists()


@pytest.mark.parametrize(
    ("viewer", "sees_amount"),
    [
        ("secretariat", True),
        ("executive", True),
        ("owner", True),
        ("officer", True),
        ("county_secretary", False),
        ("expert", False),
    ],
)
def test_everyone_who_sees_the_case_reads_the_jobs_and_only_some_the_loan(
    client: Any,
    request: Any,
    secretariat: Any,
    shared: Case,
    viewer: str,
    sees_amount: bool,
) -> None:
    case_record_results(
        actor=secretariat,
        case=shared,
        approved_amount=AMOUNT,
        jobs_preserved=40,
        results_on=dt.date(2025, 1, 8),
    )
    client.force_login(request.getfixturevalue(viewer))

    page = detail(client, shared)

    assert 'data-testid="jobs-preserved"' in page
    assert ('data-testid="approved-amount"' in page) is sees_amount
    # Nowhere else on the page either: not in the timeline, not in a form.
    assert (SHOWN_AMOUNT in page) is sees_amount
    assert (str(AMOUNT) in page) is (sees_amount and viewer == "secretariat")
