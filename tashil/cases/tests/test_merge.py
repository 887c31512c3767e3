"""Merging a duplicate into another open case of the same company."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.cases.models import Attachment, CaseEvent
from tashil.cases.services import CaseError, case_attach, case_merge
from tashil.cases.tests.conftest import S, pdf, snapshot

pytestmark = pytest.mark.django_db


def test_a_duplicate_is_merged_with_its_files_and_an_event_on_both_cases(
    case_in: Any, secretariat: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    target = case_in(S.REFERRED, title="بدهی بانکی")
    duplicate = case_in(S.SUBMITTED, title="بدهی بانکی", files=[pdf("قرارداد.pdf")])
    case_attach(actor=owner, case=duplicate, files=[pdf("نامه بانک.pdf")])

    with django_capture_on_commit_callbacks(execute=True):
        case_merge(actor=secretariat, case=duplicate, into=target, reason="همان پرونده")

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("merged", target)
    moved = Attachment.objects.filter(case=target).order_by("pk")
    assert [a.name for a in moved] == ["قرارداد.pdf", "نامه بانک.pdf"]
    assert not Attachment.objects.filter(case=duplicate).exists()
    left = CaseEvent.objects.filter(case=duplicate, kind="transition").last()
    assert (left.to_status, left.reason, left.data["into"]) == (
        "merged",
        "همان پرونده",
        target.tracking,
    )
    arrived = CaseEvent.objects.get(case=target, kind="merged_in")
    assert (arrived.actor, arrived.data["from"], arrived.data["files"]) == (
        secretariat,
        duplicate.tracking,
        ["قرارداد.pdf", "نامه بانک.pdf"],
    )
    # The target carries on where it was.
    target.refresh_from_db()
    assert target.status == "referred"
    assert owner.notifications.filter(kind="case_merged").count() == 1


def test_only_cases_of_the_same_company_are_merged(
    case_in: Any, secretariat: Any, other_company: Any
) -> None:
    duplicate = case_in(S.SUBMITTED)
    stranger = case_in(S.SUBMITTED, company=other_company, actor=secretariat, channel="letter")
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_merge(actor=secretariat, case=duplicate, into=stranger, reason="تکراری")

    assert error.value.code == "other_company"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("target_status", "code"),
    [(S.CLOSED, "closed"), (S.REJECTED, "closed"), (S.MERGED, "closed")],
)
def test_a_case_cannot_be_merged_into_a_finished_case(
    case_in: Any, secretariat: Any, target_status: str, code: str
) -> None:
    target = case_in(target_status)
    duplicate = case_in(S.SUBMITTED)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_merge(actor=secretariat, case=duplicate, into=target, reason="تکراری")

    assert error.value.code == code
    assert snapshot() == before


def test_a_case_cannot_be_merged_into_itself(case_in: Any, secretariat: Any) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_merge(actor=secretariat, case=case, into=case, reason="تکراری")

    assert error.value.code == "same_case"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["owner", "officer", "executive", "other_county_secretary"])
def test_only_the_secretariat_merges(case_in: Any, persona: Any, name: str) -> None:
    target = case_in(S.SCREENING)
    duplicate = case_in(S.SUBMITTED)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_merge(actor=persona(name), case=duplicate, into=target, reason="تکراری")

    assert error.value.code == "not_allowed"
    assert snapshot() == before
