"""How a case's workflow shows through Open311: open/closed, the detail in status_notes, and the
referrals in agency_responsible and expected_datetime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tashil.cases.models import Referral
from tashil.cases.services import (
    ReferralRequest,
    case_conclude,
    case_confirm,
    case_merge,
    case_move,
    case_refer,
    case_reject,
    case_reopen,
    case_return_for_info,
    case_start_screening,
    referral_answer,
)
from tashil.cases.workflow import CaseStatus
from tashil.open311.serialize import CLOSED, OPEN, status
from tashil.open311.tests.conftest import BASE, json_body, xml_items


@pytest.fixture
def read(client: Any, owner: Any, key_for: Callable[..., str]) -> Callable[..., dict[str, Any]]:
    """The owner's view of one case through GET requests/{id}.json."""
    key = key_for(owner)

    def get(case: Any, **params: str) -> dict[str, Any]:
        response = client.get(BASE + f"requests/{case.tracking}.json", {"api_key": key, **params})
        assert response.status_code == 200
        [row] = json_body(response)
        return row

    return get


# Closed once the HQ reached an outcome or the case ended; open while the HQ still works on it.
CLOSED_STATUSES = {"resolved", "unresolved", "escalated_national", "closed", "rejected", "merged"}


@pytest.mark.parametrize("value", [s.value for s in CaseStatus])
def test_every_status_collapses_to_open_or_closed(value: str) -> None:
    case: Any = type("C", (), {"status": value})()

    assert status(case) == (CLOSED if value in CLOSED_STATUSES else OPEN)


def test_a_new_case_is_open_with_its_status_in_the_notes(
    file_case: Callable[..., Any], read: Callable[..., dict[str, Any]]
) -> None:
    case = file_case()

    row = read(case)
    english = read(case, lang="en")

    assert row["status"] == "open"
    assert row["status_notes"] == str(CaseStatus.SUBMITTED.label)
    assert english["status_notes"] == "submitted"


def test_a_referred_case_names_the_agencies_and_the_last_deadline(
    file_case: Callable[..., Any],
    secretariat: Any,
    officer: Any,
    tax_agency: Any,
    customs_agency: Any,
    read: Callable[..., dict[str, Any]],
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    tax, customs = case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="بررسی تقسیط", days=3),
            ReferralRequest(agency=customs_agency, request_text="ترخیص", days=8),
        ],
    )
    assert customs.due_on > tax.due_on

    row = read(case, lang="en")

    assert row["status"] == "open"
    assert row["status_notes"] == "referred to agencies"
    assert row["agency_responsible"] == f"{tax_agency.name}, {customs_agency.name}"
    assert row["expected_datetime"] == f"{customs.due_on.isoformat()}T23:59:59+03:30"

    referral_answer(actor=officer, referral=tax, answer="تقسیط تأیید شد")
    after_answer = read(case)

    assert after_answer["agency_responsible"] == customs_agency.name
    assert after_answer["expected_datetime"] == f"{customs.due_on.isoformat()}T23:59:59+03:30"
    assert after_answer["updated_datetime"] >= row["updated_datetime"]


def test_a_resolved_case_is_closed_and_still_names_the_agencies_it_went_to(
    file_case: Callable[..., Any],
    secretariat: Any,
    tax_agency: Any,
    read: Callable[..., dict[str, Any]],
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی")],
    )
    case_conclude(actor=secretariat, case=case, outcome="resolved")

    row = read(case, lang="en")

    assert Referral.objects.get().status == "withdrawn"
    assert row["status"] == "closed"
    assert row["status_notes"] == "resolved"
    assert row["agency_responsible"] == tax_agency.name
    assert row["expected_datetime"] is None


def test_a_closed_case_keeps_its_outcome_and_reason_in_the_notes(
    file_case: Callable[..., Any],
    secretariat: Any,
    owner: Any,
    read: Callable[..., dict[str, Any]],
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    # Through a meeting: the HQ's road to "unresolved" when no agency was asked.
    case_move(actor=secretariat, case=case, to=CaseStatus.ON_AGENDA)
    case_move(actor=secretariat, case=case, to=CaseStatus.DISCUSSED)
    case_move(actor=secretariat, case=case, to=CaseStatus.RESOLUTIONS_ISSUED)
    case_conclude(
        actor=secretariat, case=case, outcome="unresolved", reason="بانک عامل همکاری نکرد"
    )
    case_confirm(actor=owner, case=case)

    row = read(case, lang="en")

    assert row["status"] == "closed"
    assert row["status_notes"] == "closed (unresolved): بانک عامل همکاری نکرد"


def test_a_rejected_case_shows_the_reason_the_company_is_given(
    file_case: Callable[..., Any], secretariat: Any, read: Callable[..., dict[str, Any]]
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    case_reject(actor=secretariat, case=case, reason="موضوع در صلاحیت دادگستری است")

    row = read(case, lang="en")

    assert row["status"] == "closed"
    assert row["status_notes"] == "rejected: موضوع در صلاحیت دادگستری است"


def test_a_case_returned_for_information_says_what_is_missing(
    file_case: Callable[..., Any], secretariat: Any, read: Callable[..., dict[str, Any]]
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    case_return_for_info(actor=secretariat, case=case, reason="اظهارنامه سال ۱۴۰۲ را پیوست کنید")

    row = read(case, lang="en")

    assert row["status"] == "open"
    assert row["status_notes"] == ("returned for information: اظهارنامه سال ۱۴۰۲ را پیوست کنید")


def test_a_reason_from_an_earlier_status_is_not_repeated(
    file_case: Callable[..., Any],
    secretariat: Any,
    owner: Any,
    read: Callable[..., dict[str, Any]],
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    case_move(actor=secretariat, case=case, to=CaseStatus.WORKING_GROUP)
    case_conclude(actor=secretariat, case=case, outcome="resolved")
    case_reopen(actor=owner, case=case, reason="مشکل هنوز باقی است")
    case_move(actor=secretariat, case=case, to=CaseStatus.WORKING_GROUP)

    row = read(case, lang="en")

    assert row["status"] == "open"
    assert row["status_notes"] == "working group"


def test_a_merged_case_points_to_the_case_it_was_merged_into(
    file_case: Callable[..., Any], secretariat: Any, read: Callable[..., dict[str, Any]]
) -> None:
    duplicate = file_case(title="duplicate")
    kept = file_case(title="kept")
    case_merge(actor=secretariat, case=duplicate, into=kept, reason="تکراری")

    row = read(duplicate, lang="en")

    assert row["status"] == "closed"
    assert row["status_notes"] == f"merged into another case {kept.display_tracking}: تکراری"


def test_the_xml_detail_carries_the_same_collapse(
    client: Any,
    owner: Any,
    file_case: Callable[..., Any],
    secretariat: Any,
    tax_agency: Any,
    key_for: Callable[..., str],
) -> None:
    case = file_case()
    case_start_screening(actor=secretariat, case=case)
    [referral] = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی")],
    )

    response = client.get(
        BASE + f"requests/{case.display_tracking}.xml", {"api_key": key_for(owner)}
    )

    [row] = xml_items(response, "service_requests", "request")
    assert row["status"] == "open"
    assert row["agency_responsible"] == tax_agency.name
    assert row["expected_datetime"] == f"{referral.due_on.isoformat()}T23:59:59+03:30"
    assert row["lat"] == ""
