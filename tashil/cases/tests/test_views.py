"""The case pages: who sees and does what, what each form writes, what a bad input shows, and
that list pages cost the same number of queries however many cases there are."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tashil.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    DefaultAgency,
    Referral,
    ReferralStatus,
)
from tashil.cases.services import (
    ReferralRequest,
    case_attach,
    case_file,
    case_refer,
    case_start_screening,
)
from tashil.cases.tests.conftest import EXE, JPEG, PDF, PNG, pdf, saved_files, snapshot, upload
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.text import to_persian_digits
from tashil.factories import CategoryFactory

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
S = CaseStatus


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def detail(case: Case) -> str:
    return reverse("cases:detail", args=[case.tracking])


def move_url(case: Case) -> str:
    return reverse("cases:move", args=[case.tracking])


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refer(case: Case, secretariat: Any, *agencies: Any, days: int | None = None) -> list[Any]:
    if case.status == S.SUBMITTED:
        case_start_screening(actor=secretariat, case=case)
    return case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=a, request_text="بررسی کنید", days=days) for a in agencies
        ],
    )


@pytest.fixture
def filed(case_in: Any) -> Case:
    """A new case of `company`, filed by its owner through the portal."""
    return case_in(S.SUBMITTED)


@pytest.fixture
def referred_to_tax(filed: Case, secretariat: Any, tax_agency: Any) -> Case:
    refer(filed, secretariat, tax_agency)
    filed.refresh_from_db()
    return filed


def intake(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "تأخیر در استرداد مالیات",
        "description": "استرداد شش ماه است پرداخت نشده.",
        "requested_outcome": "پرداخت استرداد",
        "amount": "۱۲٬۵۰۰٬۰۰۰",
    }
    data.update(overrides)
    return data


# --- Intake --------------------------------------------------------------------------------------


def test_a_representative_files_with_a_pdf_and_is_sent_to_the_receipt(
    client: Any, owner: Any, company: Any, category: Any
) -> None:
    login(client, owner)
    page = client.get(reverse("cases:create"))
    assert page.status_code == 200
    assert page.context["form"].fixed_company == company
    assert company.legal_name in page.content.decode()

    response = client.post(
        reverse("cases:create"),
        intake(
            company=company.national_id,
            channel=Channel.PORTAL,
            category=category.pk,
            attachments=[pdf("نامه اداره.pdf"), upload("scan.jpg", JPEG, "image/png")],
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:receipt", args=[case.tracking])
    assert (case.company, case.channel, case.amount) == (company, Channel.PORTAL, 12_500_000)
    assert case.filed_by == owner
    files = {a.name: a.content_type for a in Attachment.objects.filter(case=case)}
    # The browser called the second file a PNG; its bytes are a JPEG, and that is what is kept.
    assert files == {"نامه اداره.pdf": "application/pdf", "scan.jpg": "image/jpeg"}


@pytest.mark.parametrize("content", [PNG, EXE], ids=["png-bytes", "exe-bytes"])
def test_a_disguised_file_is_refused_with_the_input_kept_and_nothing_saved(
    client: Any, owner: Any, company: Any, category: Any, settings: Any, content: bytes
) -> None:
    name = "نامه.pdf" if content is EXE else "invoice.pdf"
    response = login(client, owner).post(
        reverse("cases:create"),
        intake(
            company=company.national_id,
            channel=Channel.PORTAL,
            category=category.pk,
            attachments=[pdf(), upload(name, content, "application/pdf")],
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.as_data()["attachments"]
    # EXE bytes are no accepted type; PNG bytes are, but not under a PDF's name.
    assert errors[0].code == ("bad_type" if content is EXE else "name_mismatch")
    assert name in str(errors[0].message % (errors[0].params or {}))
    assert name in response.content.decode()
    assert form["title"].value() == "تأخیر در استرداد مالیات"
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert saved_files(settings) == []


def test_a_representative_cannot_file_for_another_company(
    client: Any, owner: Any, company: Any, other_company: Any, category: Any
) -> None:
    response = login(client, owner).post(
        reverse("cases:create"),
        intake(company=other_company.national_id, channel=Channel.PORTAL, category=category.pk),
    )
    assert response.status_code == 200
    assert "company" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_a_representative_cannot_pick_a_secretariat_channel(
    client: Any, owner: Any, company: Any, category: Any
) -> None:
    response = login(client, owner).post(
        reverse("cases:create"),
        intake(company=company.national_id, channel=Channel.LETTER, category=category.pk),
    )
    assert "channel" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_the_secretariat_files_a_letter_for_a_company_typed_in_persian_digits(
    client: Any, secretariat: Any, other_company: Any, category: Any
) -> None:
    login(client, secretariat)
    page = client.get(reverse("cases:create"))
    assert page.context["form"].fixed_company is None
    assert [value for value, _label in page.context["form"].fields["channel"].choices] == [
        Channel.WALK_IN,
        Channel.LETTER,
        Channel.PHONE,
        Channel.FIELD_VISIT,
    ]
    response = client.post(
        reverse("cases:create"),
        intake(
            company=to_persian_digits(other_company.national_id),
            channel=Channel.LETTER,
            category=category.pk,
            amount="",
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.company, case.channel, case.amount) == (other_company, Channel.LETTER, None)


def test_the_county_secretariat_files_only_for_the_companies_of_its_county(
    client: Any, county_secretary: Any, company: Any, other_company: Any, category: Any
) -> None:
    login(client, county_secretary)
    refused = client.post(
        reverse("cases:create"),
        intake(company=other_company.national_id, channel=Channel.COUNTY_HQ, category=category.pk),
    )
    assert "company" in refused.context["form"].errors
    assert Case.objects.count() == 0
    client.post(
        reverse("cases:create"),
        intake(company=company.national_id, channel=Channel.COUNTY_HQ, category=category.pk),
    )
    assert Case.objects.get().channel == Channel.COUNTY_HQ


@pytest.mark.parametrize("who", ["officer", "executive", "expert", "admin_user"])
def test_users_who_file_for_no_company_are_refused_the_intake_page(
    client: Any, persona: Any, who: str, company: Any
) -> None:
    assert login(client, persona(who)).get(reverse("cases:create")).status_code == 403


def test_a_representatives_company_stays_fixed_whatever_the_link_says(
    client: Any, owner: Any, company: Any, other_company: Any
) -> None:
    response = login(client, owner).get(
        reverse("cases:create"), {"company": other_company.national_id}
    )
    assert response.context["form"]["company"].value() == company.national_id


def test_the_company_page_starts_the_intake_form_with_its_company(
    client: Any, secretariat: Any, other_company: Any
) -> None:
    response = login(client, secretariat).get(
        reverse("cases:create"), {"company": other_company.national_id}
    )
    assert response.context["form"]["company"].value() == other_company.national_id


def test_the_duplicates_hint_lists_open_cases_of_the_company_and_similar_titles(
    client: Any, secretariat: Any, case_in: Any, company: Any, other_company: Any, owner: Any
) -> None:
    same_company = case_in(S.SUBMITTED, title="قطعی برق کارخانه")
    similar_title = case_file(
        actor=secretariat,
        company=other_company,
        category=same_company.category,
        title="تأخیر در استرداد مالیات",
        description="...",
        channel=Channel.LETTER,
    )
    closed = case_in(S.REJECTED, title="استرداد مالیات رد شده")
    response = login(client, secretariat).get(
        reverse("cases:duplicates_hint"),
        {"company": company.national_id, "title": "استرداد مالیات معوق"},
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in response.content.decode()
    assert set(response.context["duplicates"]) == {same_company, similar_title}
    assert closed not in response.context["duplicates"]

    # The owner is shown their own company's cases, never another company's.
    response = login(client, owner).get(
        reverse("cases:duplicates_hint"),
        {"company": company.national_id, "title": "استرداد مالیات معوق"},
    )
    assert response.context["duplicates"] == [same_company]
    assert similar_title.title not in response.content.decode()


def test_the_duplicates_hint_shows_nothing_for_a_company_the_user_cannot_file_for(
    client: Any, other_owner: Any, filed: Case, company: Any
) -> None:
    response = login(client, other_owner).get(
        reverse("cases:duplicates_hint"), {"company": company.national_id, "title": filed.title}
    )
    assert response.context["duplicates"] == []


# --- Receipt and tracking ------------------------------------------------------------------------


def test_the_receipt_shows_the_tracking_number_grouped_in_persian_digits(
    client: Any, owner: Any, filed: Case
) -> None:
    response = login(client, owner).get(reverse("cases:receipt", args=[filed.tracking]))
    body = response.content.decode()
    assert response.status_code == 200
    assert to_persian_digits(format_tracking(filed.tracking)) in body
    assert filed.title in body and filed.company.legal_name in body
    assert filed.category.name in body


def test_the_receipt_of_another_companys_case_is_not_found(
    client: Any, other_owner: Any, filed: Case
) -> None:
    response = login(client, other_owner).get(reverse("cases:receipt", args=[filed.tracking]))
    assert response.status_code == 404


def test_a_tracking_number_typed_loosely_finds_the_case(
    client: Any, owner: Any, filed: Case
) -> None:
    typed = to_persian_digits(f" {filed.tracking[:4].lower()} - {filed.tracking[4:]} ")
    response = login(client, owner).get(reverse("cases:track"), {"number": typed})
    assert response.status_code == 302
    assert response.url == detail(filed)


def test_tracking_says_the_same_for_a_missing_and_an_invisible_case(
    client: Any, other_owner: Any, filed: Case
) -> None:
    login(client, other_owner)
    invisible = client.get(reverse("cases:track"), {"number": filed.tracking})
    missing = client.get(reverse("cases:track"), {"number": "XXXX-XXXX"})
    assert invisible.status_code == missing.status_code == 200
    assert invisible.context["form"].errors == missing.context["form"].errors
    assert invisible.context["form"].errors["number"]


# --- The case page -------------------------------------------------------------------------------


def test_the_owner_sees_the_case_page_with_its_timeline(
    client: Any, owner: Any, referred_to_tax: Case, tax_agency: Any
) -> None:
    response = login(client, owner).get(detail(referred_to_tax))
    assert response.status_code == 200
    events = response.context["timeline"]
    assert [e.kind for e in events] == ["filed", "transition", "transition", "referred"]
    assert all(e.sentence for e in events)
    body = response.content.decode()
    assert tax_agency.name in body
    assert 'data-testid="timeline"' in body
    # Jalali date with Persian digits: the year 14xx reads ۱۴۰…
    assert to_persian_digits(str(events[0].created_at.astimezone(TEHRAN).year - 621)) in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("secretariat", 200),
        ("county_secretary", 200),
        ("executive", 200),
        ("officer", 200),
        ("agency_head", 200),
        ("other_officer", 404),
        ("other_owner", 404),
        ("expert", 404),
        ("admin_user", 404),
    ],
)
def test_the_case_page_is_shown_only_to_whoever_may_see_the_case(
    client: Any, persona: Any, referred_to_tax: Case, who: str, status: int
) -> None:
    assert login(client, persona(who)).get(detail(referred_to_tax)).status_code == status


def test_the_secretariat_is_offered_the_moves_of_the_table(
    client: Any, secretariat: Any, filed: Case
) -> None:
    response = login(client, secretariat).get(detail(filed))
    # From `submitted`: start screening; merge needs another open case of the company.
    assert [f.target for f in response.context["move_forms"]] == [S.SCREENING]


def test_the_executive_reads_the_case_and_is_offered_no_action(
    client: Any, executive: Any, referred_to_tax: Case
) -> None:
    response = login(client, executive).get(detail(referred_to_tax))
    assert response.context["move_forms"] == []
    assert response.context["can_refer"] is False
    assert response.context["can_attach"] is False
    assert not any(r.can_answer for r in response.context["referrals"])


def test_the_officer_of_the_referred_agency_is_offered_the_answer_form(
    client: Any, officer: Any, referred_to_tax: Case
) -> None:
    response = login(client, officer).get(detail(referred_to_tax))
    [referral] = response.context["referrals"]
    assert referral.can_answer
    assert response.context["move_forms"] == []
    assert 'data-testid="answer-form"' in response.content.decode()


def test_an_overdue_referral_shows_how_many_working_days_late_it_is(
    client: Any, secretariat: Any, referred_to_tax: Case
) -> None:
    today = timezone.localdate()
    # A Saturday-to-Saturday week back has six working days (Friday is the weekend).
    due = today - dt.timedelta(days=7)
    Referral.objects.filter(case=referred_to_tax).update(due_on=due)
    response = login(client, secretariat).get(detail(referred_to_tax))
    [referral] = response.context["referrals"]
    assert referral.late
    assert referral.days_late >= 5
    assert 'data-testid="overdue"' in response.content.decode()


# --- Moves ---------------------------------------------------------------------------------------


def test_the_secretariat_starts_screening_through_the_move_form(
    client: Any, secretariat: Any, filed: Case
) -> None:
    response = login(client, secretariat).post(move_url(filed), {"to": S.SCREENING})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == S.SCREENING
    event = CaseEvent.objects.filter(case=filed).last()
    assert (event.kind, event.actor, event.to_status) == ("transition", secretariat, S.SCREENING)


def test_rejecting_without_a_reason_keeps_the_form_and_changes_nothing(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()
    response = login(client, secretariat).post(
        move_url(case), {"to": S.REJECTED, "rejected-reason": "  "}
    )
    assert response.status_code == 200
    [form] = [f for f in response.context["move_forms"] if f.target == S.REJECTED]
    assert form.errors["reason"]
    assert form.open
    assert snapshot() == before


def test_rejecting_with_a_reason_records_it_for_the_company(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    case = case_in(S.SCREENING)
    login(client, secretariat).post(
        move_url(case), {"to": S.REJECTED, "rejected-reason": "خارج از حوزه ستاد"}
    )
    case.refresh_from_db()
    assert case.status == S.REJECTED
    assert CaseEvent.objects.filter(case=case).last().reason == "خارج از حوزه ستاد"


def test_a_move_chosen_on_a_page_that_showed_another_status_is_refused(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    # The page showed screening; a colleague has since returned the case for information, from
    # where "reject" is also allowed: carrying it out would be a decision nobody took.
    case = case_in(S.RETURNED_FOR_INFO)
    before = snapshot()

    response = login(client, secretariat).post(
        move_url(case),
        {"to": S.REJECTED, "seen": S.SCREENING, "rejected-reason": "خارج از حوزه ستاد"},
    )

    assert response.status_code == 302
    assert len(page_messages(response)) == 1
    assert snapshot() == before


def test_the_move_forms_carry_the_status_the_page_showed(
    client: Any, secretariat: Any, filed: Case
) -> None:
    page = login(client, secretariat).get(detail(filed))

    assert f'name="seen" value="{filed.status}"' in page.content.decode()


def test_a_move_the_table_does_not_allow_is_refused_with_a_message(
    client: Any, secretariat: Any, filed: Case
) -> None:
    before = snapshot()
    response = login(client, secretariat).post(move_url(filed), {"to": S.RESOLVED})
    assert response.status_code == 302
    [message] = page_messages(response)
    assert str(S.SUBMITTED.label) in message and str(S.RESOLVED.label) in message
    assert snapshot() == before


def test_an_unknown_status_is_refused_with_a_message(
    client: Any, secretariat: Any, filed: Case
) -> None:
    before = snapshot()
    response = login(client, secretariat).post(move_url(filed), {"to": "banana"})
    assert response.status_code == 302
    assert page_messages(response)
    assert snapshot() == before


def test_the_company_cannot_make_the_secretariats_moves(
    client: Any, owner: Any, filed: Case
) -> None:
    before = snapshot()
    response = login(client, owner).post(move_url(filed), {"to": S.SCREENING})
    assert response.status_code == 302
    assert page_messages(response)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["executive", "officer"])
def test_readers_of_a_case_cannot_post_moves(
    client: Any, persona: Any, who: str, referred_to_tax: Case
) -> None:
    before = snapshot()
    response = login(client, persona(who)).post(move_url(referred_to_tax), {"to": S.ON_AGENDA})
    assert response.status_code == 403
    assert snapshot() == before


def test_another_company_cannot_post_moves_on_a_case_it_cannot_see(
    client: Any, other_owner: Any, filed: Case
) -> None:
    assert login(client, other_owner).post(move_url(filed), {"to": S.SCREENING}).status_code == 404


def test_posting_the_refer_move_leads_to_the_referral_form(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()
    response = login(client, secretariat).post(move_url(case), {"to": S.REFERRED})
    assert response.status_code == 302
    assert response.url == reverse("cases:refer", args=[case.tracking])
    assert snapshot() == before


def test_the_assigned_expert_puts_the_case_on_the_agenda(
    client: Any, expert: Any, case_in: Any
) -> None:
    case = case_in(S.EXPERT_REVIEW)
    login(client, expert)
    page = client.get(detail(case))
    assert {f.target for f in page.context["move_forms"]} == {S.RETURNED_FOR_INFO, S.ON_AGENDA}
    client.post(move_url(case), {"to": S.ON_AGENDA, "on_agenda-reason": "نیاز به تصمیم ستاد"})
    case.refresh_from_db()
    assert case.status == S.ON_AGENDA


def test_the_case_page_reads_in_english_with_ascii_digits(
    client: Any, secretariat: Any, referred_to_tax: Case, settings: Any
) -> None:
    login(client, secretariat).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(detail(referred_to_tax)).content.decode()
    assert '<html lang="en" dir="ltr">' in body
    assert "Screening started." in body
    assert format_tracking(referred_to_tax.tracking) in body


def test_the_secretariat_assigns_an_expert(
    client: Any, secretariat: Any, expert: Any, case_in: Any
) -> None:
    case = case_in(S.SCREENING)
    login(client, secretariat).post(
        move_url(case), {"to": S.EXPERT_REVIEW, "expert_review-expert": expert.pk}
    )
    case.refresh_from_db()
    assert (case.status, case.assignee) == (S.EXPERT_REVIEW, expert)


def test_the_owner_confirms_an_outcome_with_a_score(client: Any, owner: Any, case_in: Any) -> None:
    case = case_in(S.RESOLVED)
    response = login(client, owner).get(detail(case))
    assert [f.target for f in response.context["move_forms"]] == [S.CLOSED, S.SCREENING]
    client.post(move_url(case), {"to": S.CLOSED, "closed-satisfaction": "4"})
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == (S.CLOSED, 4)


def test_the_owner_answers_a_request_for_information_with_a_document(
    client: Any, owner: Any, case_in: Any
) -> None:
    case = case_in(S.RETURNED_FOR_INFO)
    login(client, owner).post(
        move_url(case),
        {
            "to": S.SCREENING,
            "screening-reason": "صورتحساب پیوست شد",
            "screening-documents": [pdf("صورتحساب.pdf")],
        },
    )
    case.refresh_from_db()
    assert case.status == S.SCREENING
    assert list(case.attachments.values_list("name", flat=True)) == ["صورتحساب.pdf"]


def test_the_secretariat_merges_a_duplicate_into_an_open_case_of_the_company(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    original = case_in(S.SCREENING, title="قطعی مکرر برق کارخانه")
    duplicate = case_in(S.SUBMITTED, title="قطعی برق کارخانه")
    login(client, secretariat)
    page = client.get(detail(duplicate))
    [merge] = [f for f in page.context["move_forms"] if f.target == S.MERGED]
    assert [value for value, _label in merge.fields["into"].choices] == [original.tracking]
    client.post(
        move_url(duplicate),
        {"to": S.MERGED, "merged-into": original.tracking, "merged-reason": "تکراری"},
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (S.MERGED, original)


def test_merging_into_a_case_not_offered_is_refused(
    client: Any, secretariat: Any, case_in: Any, other_company: Any, category: Any
) -> None:
    duplicate = case_in(S.SUBMITTED, title="قطعی برق کارخانه")
    case_in(S.SUBMITTED, title="قطعی برق")  # makes the merge form available
    elsewhere = case_file(
        actor=secretariat,
        company=other_company,
        category=category,
        title="قطعی برق کارخانه",
        description="...",
        channel=Channel.LETTER,
    )
    before = snapshot()
    response = login(client, secretariat).post(
        move_url(duplicate),
        {"to": S.MERGED, "merged-into": elsewhere.tracking, "merged-reason": "تکراری"},
    )
    assert response.status_code == 200
    [form] = [f for f in response.context["move_forms"] if f.target == S.MERGED]
    assert form.errors["into"]
    assert snapshot() == before


# --- Referrals -----------------------------------------------------------------------------------


def test_the_referral_form_pre_checks_the_default_agency_and_deadline(
    client: Any, secretariat: Any, case_in: Any, province: Any, tax_agency: Any, customs_agency: Any
) -> None:
    case = case_in(S.SCREENING)
    DefaultAgency.objects.create(province=province, category=case.category, agency=tax_agency)
    response = login(client, secretariat).get(reverse("cases:refer", args=[case.tracking]))
    form = response.context["form"]
    rows = {row["agency"]: row for row in form.rows}
    assert rows[tax_agency]["check"].value() is True
    assert rows[customs_agency]["check"].value() is False
    assert rows[tax_agency]["days"].value() == case.category.response_days == 5


def test_the_secretariat_refers_to_two_agencies_with_their_own_deadlines(
    client: Any, secretariat: Any, case_in: Any, tax_agency: Any, customs_agency: Any
) -> None:
    case = case_in(S.SCREENING)
    response = login(client, secretariat).post(
        reverse("cases:refer", args=[case.tracking]),
        {
            f"agency_{tax_agency.pk}": "on",
            f"request_{tax_agency.pk}": "بررسی استرداد",
            f"days_{tax_agency.pk}": "۳",
            f"agency_{customs_agency.pk}": "on",
            f"request_{customs_agency.pk}": "ترخیص دستگاه",
            f"days_{customs_agency.pk}": "10",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.REFERRED
    referrals = {r.agency: r for r in Referral.objects.filter(case=case)}
    assert set(referrals) == {tax_agency, customs_agency}
    assert referrals[tax_agency].due_on < referrals[customs_agency].due_on
    assert referrals[customs_agency].request_text == "ترخیص دستگاه"


def test_a_chosen_agency_without_a_request_is_refused_and_nothing_is_referred(
    client: Any, secretariat: Any, case_in: Any, tax_agency: Any
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()
    response = login(client, secretariat).post(
        reverse("cases:refer", args=[case.tracking]),
        {f"agency_{tax_agency.pk}": "on", f"request_{tax_agency.pk}": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"request_{tax_agency.pk}"]
    assert snapshot() == before


def test_a_referred_case_can_be_referred_to_one_more_agency_but_not_the_same_again(
    client: Any, secretariat: Any, referred_to_tax: Case, tax_agency: Any, customs_agency: Any
) -> None:
    login(client, secretariat)
    page = client.get(reverse("cases:refer", args=[referred_to_tax.tracking]))
    rows = {row["agency"]: row for row in page.context["form"].rows}
    assert rows[tax_agency]["busy"] and rows[tax_agency]["check"].field.disabled
    client.post(
        reverse("cases:refer", args=[referred_to_tax.tracking]),
        {
            f"agency_{tax_agency.pk}": "on",  # ignored: the field is disabled
            f"agency_{customs_agency.pk}": "on",
            f"request_{customs_agency.pk}": "ترخیص",
        },
    )
    assert Referral.objects.filter(case=referred_to_tax).count() == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 403), ("officer", 403), ("executive", 403), ("other_owner", 404)],
)
def test_only_the_secretariat_opens_the_referral_form(
    client: Any, persona: Any, case_in: Any, who: str, status: int
) -> None:
    case = case_in(S.REFERRED)
    refer_url = reverse("cases:refer", args=[case.tracking])
    assert login(client, persona(who)).get(refer_url).status_code == status


def test_the_officer_answers_with_a_document(
    client: Any, officer: Any, referred_to_tax: Case
) -> None:
    referral = Referral.objects.get(case=referred_to_tax)
    response = login(client, officer).post(
        reverse("cases:referral_answer", args=[referral.pk]),
        {
            f"answer-{referral.pk}-answer": "استرداد پرداخت شد",
            f"answer-{referral.pk}-documents": [pdf()],
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.answer, referral.answered_by) == (
        ReferralStatus.ANSWERED,
        "استرداد پرداخت شد",
        officer,
    )
    assert list(referral.attachments.values_list("name", flat=True)) == ["نامه.pdf"]


def test_an_empty_answer_keeps_the_form_open_and_changes_nothing(
    client: Any, officer: Any, referred_to_tax: Case
) -> None:
    referral = Referral.objects.get(case=referred_to_tax)
    before = snapshot()
    response = login(client, officer).post(
        reverse("cases:referral_answer", args=[referral.pk]), {f"answer-{referral.pk}-answer": ""}
    )
    assert response.status_code == 200
    [shown] = response.context["referrals"]
    assert shown.answer_form.errors["answer"] and shown.answer_form.open
    assert snapshot() == before


@pytest.mark.parametrize(("who", "status"), [("other_officer", 404), ("secretariat", 403)])
def test_only_the_referred_agency_answers(
    client: Any, persona: Any, referred_to_tax: Case, who: str, status: int
) -> None:
    referral = Referral.objects.get(case=referred_to_tax)
    before = snapshot()
    response = login(client, persona(who)).post(
        reverse("cases:referral_answer", args=[referral.pk]),
        {f"answer-{referral.pk}-answer": "پاسخ"},
    )
    assert response.status_code == status
    assert snapshot() == before


def test_the_referral_actions_take_only_posts(
    client: Any, officer: Any, referred_to_tax: Case
) -> None:
    referral = Referral.objects.get(case=referred_to_tax)
    login(client, officer)
    assert client.get(reverse("cases:referral_answer", args=[referral.pk])).status_code == 405
    assert client.get(reverse("cases:referral_extend", args=[referral.pk])).status_code == 405


def test_the_officer_extends_the_deadline_once(
    client: Any, officer: Any, referred_to_tax: Case
) -> None:
    referral = Referral.objects.get(case=referred_to_tax)
    due = referral.due_on
    url = reverse("cases:referral_extend", args=[referral.pk])
    login(client, officer).post(
        url, {f"extend-{referral.pk}-days": "۳", f"extend-{referral.pk}-reason": "استعلام از تهران"}
    )
    referral.refresh_from_db()
    assert referral.extended_days == 3 and referral.due_on > due
    again = client.post(
        url, {f"extend-{referral.pk}-days": "2", f"extend-{referral.pk}-reason": "باز هم"}
    )
    assert again.status_code == 200
    assert again.context["referrals"][0].extend_form.non_field_errors()
    referral.refresh_from_db()
    assert referral.extended_days == 3


def test_an_extension_beyond_the_limit_is_refused(
    client: Any, officer: Any, referred_to_tax: Case, settings: Any
) -> None:
    settings.TASHIL_MAX_EXTENSION_DAYS = 10
    referral = Referral.objects.get(case=referred_to_tax)
    response = login(client, officer).post(
        reverse("cases:referral_extend", args=[referral.pk]),
        {f"extend-{referral.pk}-days": "11", f"extend-{referral.pk}-reason": "زمان بیشتر"},
    )
    assert response.status_code == 200
    assert response.context["referrals"][0].extend_form.errors["days"]
    referral.refresh_from_db()
    assert referral.extended_days == 0


# --- Attachments ---------------------------------------------------------------------------------


def test_the_owner_adds_files_to_an_open_case(client: Any, owner: Any, filed: Case) -> None:
    response = login(client, owner).post(
        reverse("cases:attach", args=[filed.tracking]), {"attach-documents": [pdf("تکمیلی.pdf")]}
    )
    assert response.status_code == 302
    assert list(filed.attachments.values_list("name", flat=True)) == ["تکمیلی.pdf"]


def test_adding_no_file_or_a_bad_file_keeps_the_form_open(
    client: Any, owner: Any, filed: Case, settings: Any
) -> None:
    login(client, owner)
    url = reverse("cases:attach", args=[filed.tracking])
    empty = client.post(url, {})
    assert empty.status_code == 200 and empty.context["attach_form"].errors["documents"]
    bad = client.post(url, {"attach-documents": [upload("x.pdf", EXE)]})
    assert bad.context["attach_form"].open
    assert Attachment.objects.count() == 0 and saved_files(settings) == []


@pytest.mark.parametrize(("who", "status"), [("executive", 403), ("other_owner", 404)])
def test_readers_and_strangers_cannot_add_files(
    client: Any, persona: Any, filed: Case, who: str, status: int
) -> None:
    response = login(client, persona(who)).post(
        reverse("cases:attach", args=[filed.tracking]), {"attach-documents": [pdf()]}
    )
    assert response.status_code == status
    assert Attachment.objects.count() == 0


@pytest.fixture
def attachment(referred_to_tax: Case, owner: Any) -> Attachment:
    [created] = case_attach(
        actor=owner, case=referred_to_tax, files=[upload("گزارش مالی.pdf", PDF, "text/html")]
    )
    return created


@pytest.mark.parametrize("who", ["owner", "secretariat", "officer", "executive"])
def test_a_file_downloads_as_an_attachment_with_its_sniffed_type(
    client: Any, persona: Any, attachment: Attachment, who: str
) -> None:
    response = login(client, persona(who)).get(reverse("cases:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Persian name travels percent-encoded as UTF-8.
    assert "filename*=utf-8''" in disposition
    assert "%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4" in disposition  # گزارش
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_owner", "other_officer", "admin_user"])
def test_a_file_is_not_found_for_whoever_cannot_see_its_case(
    client: Any, persona: Any, attachment: Attachment, who: str
) -> None:
    response = login(client, persona(who)).get(reverse("cases:attachment", args=[attachment.pk]))
    assert response.status_code == 404


# --- The list ------------------------------------------------------------------------------------


@pytest.fixture
def two_companies_cases(
    case_in: Any, secretariat: Any, other_company: Any, category: Any, tax_agency: Any
) -> tuple[Case, Case]:
    mine = case_in(S.SUBMITTED, title="قطعی برق")
    theirs = case_file(
        actor=secretariat,
        company=other_company,
        category=CategoryFactory(code="customs"),
        title="ترخیص دستگاه",
        description="...",
        channel=Channel.LETTER,
    )
    refer(theirs, secretariat, tax_agency)
    return mine, theirs


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("secretariat", {"mine", "theirs"}),
        ("executive", {"mine", "theirs"}),
        ("owner", {"mine"}),
        ("other_owner", {"theirs"}),
        ("county_secretary", {"mine"}),
        ("officer", {"theirs"}),
        ("other_officer", set()),
    ],
)
def test_the_list_shows_each_role_its_own_cases(
    client: Any, persona: Any, two_companies_cases: tuple[Case, Case], who: str, expected: set
) -> None:
    names = dict(zip(two_companies_cases, ["mine", "theirs"], strict=True))
    response = login(client, persona(who)).get(reverse("cases:list"))
    assert response.status_code == 200
    assert {names[c] for c in response.context["cases"]} == expected


def test_the_list_filters_by_status_category_county_agency_and_text(
    client: Any,
    secretariat: Any,
    two_companies_cases: tuple[Case, Case],
    tax_agency: Any,
    county: Any,
) -> None:
    mine, theirs = two_companies_cases
    login(client, secretariat)

    def listed(**params: Any) -> list[Case]:
        return list(client.get(reverse("cases:list"), params).context["cases"])

    assert listed(status=S.REFERRED) == [theirs]
    assert listed(category=mine.category.pk) == [mine]
    assert listed(county=county.pk) == [mine]
    assert listed(agency=tax_agency.pk) == [theirs]
    assert listed(q="ترخیص") == [theirs]
    assert listed(q=mine.tracking.lower()) == [mine]
    assert listed(company=to_persian_digits(theirs.company.national_id)) == [theirs]
    assert listed(company="10380284790") == []


def test_the_list_filters_by_a_jalali_date_range(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    autumn = case_in(S.SUBMITTED, title="پرونده پاییز")
    winter = case_in(S.SUBMITTED, title="پرونده زمستان")
    # 1404/09/24 is 2025-12-15; 1404/10/15 is 2026-01-05.
    Case.objects.filter(pk=autumn.pk).update(created_at=dt.datetime(2025, 12, 15, 9, tzinfo=TEHRAN))
    Case.objects.filter(pk=winter.pk).update(created_at=dt.datetime(2026, 1, 5, 9, tzinfo=TEHRAN))
    login(client, secretariat)
    response = client.get(
        reverse("cases:list"), {"filed_from": "۱۴۰۴/۰۹/۰۱", "filed_to": "۱۴۰۴/۰۹/۳۰"}
    )
    assert list(response.context["cases"]) == [autumn]
    response = client.get(reverse("cases:list"), {"filed_from": "1404/10/01"})
    assert list(response.context["cases"]) == [winter]
    reversed_range = client.get(
        reverse("cases:list"), {"filed_from": "1404/10/01", "filed_to": "1404/09/01"}
    )
    assert reversed_range.context["form"].errors["filed_to"]


def test_the_list_filters_overdue_and_open_cases(
    client: Any, secretariat: Any, case_in: Any, tax_agency: Any
) -> None:
    late = case_in(S.REFERRED)
    Referral.objects.filter(case=late).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    on_time = case_in(S.REFERRED)
    rejected = case_in(S.REJECTED)
    login(client, secretariat)
    assert list(client.get(reverse("cases:list"), {"overdue": "on"}).context["cases"]) == [late]
    open_cases = client.get(reverse("cases:list"), {"open_only": "on"}).context["cases"]
    assert set(open_cases) == {late, on_time}
    assert rejected not in open_cases


def test_htmx_gets_only_the_case_table(client: Any, secretariat: Any, filed: Case) -> None:
    response = login(client, secretariat).get(reverse("cases:list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-testid="case-table"' in body
    assert "<html" not in body


def test_the_list_pages_by_25(client: Any, secretariat: Any, case_in: Any) -> None:
    for n in range(27):
        case_in(S.SUBMITTED, title=f"پرونده {n}")
    login(client, secretariat)
    first = client.get(reverse("cases:list"))
    assert len(first.context["cases"]) == 25 and first.context["has_next"]
    second = client.get(reverse("cases:list"), {"page": "2"})
    assert len(second.context["cases"]) == 2 and not second.context["has_next"]


def _many_cases(case_in: Any, secretariat: Any, tax_agency: Any, count: int) -> None:
    """Every kind of row from the first batch on (new, referred on time, referred and late),
    so the first count already includes the queries each kind brings."""
    for n in range(count):
        case = case_in(S.SUBMITTED, title=f"پرونده شماره {n}")
        if n % 3:
            refer(case, secretariat, tax_agency)
        if n % 3 == 1:
            Referral.objects.filter(case=case).update(
                due_on=timezone.localdate() - dt.timedelta(days=10)
            )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("secretariat", "cases:list"),
        ("officer", "cases:list"),
        ("secretariat", "cases:secretariat"),
        ("officer", "cases:inbox"),
        ("owner", "core:home"),
        ("secretariat", "core:home"),
        ("officer", "core:home"),
    ],
)
def test_list_pages_cost_the_same_queries_with_more_cases(
    client: Any,
    persona: Any,
    case_in: Any,
    secretariat: Any,
    tax_agency: Any,
    django_assert_max_num_queries: Any,
    who: str,
    url: str,
) -> None:
    login(client, persona(who))
    _many_cases(case_in, secretariat, tax_agency, 3)
    client.get(reverse(url))  # warm the session and the calendar's first read
    with django_assert_max_num_queries(30) as few:
        client.get(reverse(url))
    _many_cases(case_in, secretariat, tax_agency, 24)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url))
    assert response.status_code == 200


# --- Secretariat dashboard and agency inbox ------------------------------------------------------


def test_the_secretariat_dashboard_lists_each_queue(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    new = case_in(S.SUBMITTED)
    waiting = case_in(S.RETURNED_FOR_INFO)
    overdue = case_in(S.REFERRED)
    Referral.objects.filter(case=overdue).update(due_on=timezone.localdate() - dt.timedelta(days=9))
    meeting = case_in(S.ON_AGENDA)
    confirm = case_in(S.RESOLVED)
    response = login(client, secretariat).get(reverse("cases:secretariat"))
    assert response.status_code == 200
    queues = response.context["queues"]
    assert queues.new == [new]
    assert [r.case for r in queues.overdue] == [overdue]
    assert queues.overdue[0].days_late >= 6
    assert queues.awaiting_company == [waiting]
    assert queues.ready_for_meeting == [meeting]
    assert queues.awaiting_confirmation == [confirm]
    counts = {anchor: len(items) for anchor, _label, items in response.context["counts"]}
    assert counts == {
        "new": 1,
        "overdue": 1,
        "awaiting-company": 1,
        "ready": 1,
        "confirmation": 1,
    }


@pytest.mark.parametrize("who", ["owner", "officer", "executive", "expert"])
def test_the_secretariat_dashboard_is_forbidden_to_others(
    client: Any, persona: Any, who: str
) -> None:
    assert login(client, persona(who)).get(reverse("cases:secretariat")).status_code == 403


def test_the_county_secretariat_sees_its_county_queues(
    client: Any, county_secretary: Any, filed: Case, two_companies_cases: tuple[Case, Case]
) -> None:
    mine, _theirs = two_companies_cases
    response = login(client, county_secretary).get(reverse("cases:secretariat"))
    assert set(response.context["queues"].new) == {filed, mine}


def test_the_inbox_lists_open_referrals_overdue_first_then_the_answered(
    client: Any, officer: Any, secretariat: Any, case_in: Any, tax_agency: Any
) -> None:
    on_time = case_in(S.REFERRED)
    late = case_in(S.REFERRED)
    Referral.objects.filter(case=late).update(due_on=timezone.localdate() - dt.timedelta(days=4))
    answered = case_in(S.REFERRED)
    Referral.objects.filter(case=answered).update(
        status=ReferralStatus.ANSWERED,
        answer="انجام شد",
        answered_at=timezone.now(),
        response_days=0,
    )
    response = login(client, officer).get(reverse("cases:inbox"))
    assert [r.case for r in response.context["open_referrals"]] == [late, on_time]
    assert response.context["open_referrals"][0].late
    assert not response.context["open_referrals"][1].late
    assert response.context["overdue_count"] == 1
    assert [r.case for r in response.context["answered"]] == [answered]


def test_a_referral_waiting_on_the_company_is_not_shown_late(
    client: Any, officer: Any, case_in: Any
) -> None:
    case = case_in(S.RETURNED_FOR_INFO, returned_from=S.REFERRED)
    Referral.objects.filter(case=case).update(due_on=timezone.localdate() - dt.timedelta(days=9))
    response = login(client, officer).get(reverse("cases:inbox"))
    [referral] = response.context["open_referrals"]
    assert not referral.late and response.context["overdue_count"] == 0
    assert not login(client, officer).get(detail(case)).context["referrals"][0].late


def test_the_inbox_of_another_agency_is_empty(
    client: Any, other_officer: Any, referred_to_tax: Case
) -> None:
    response = login(client, other_officer).get(reverse("cases:inbox"))
    assert response.context["open_referrals"] == []


@pytest.mark.parametrize("who", ["owner", "secretariat", "executive"])
def test_the_inbox_is_forbidden_to_non_agency_users(client: Any, persona: Any, who: str) -> None:
    assert login(client, persona(who)).get(reverse("cases:inbox")).status_code == 403


# --- Navigation, home page, company page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("owner", {"nav-cases", "nav-new-case"}),
        ("secretariat", {"nav-cases", "nav-new-case", "nav-secretariat"}),
        ("county_secretary", {"nav-cases", "nav-new-case", "nav-secretariat"}),
        ("officer", {"nav-cases", "nav-inbox"}),
        ("executive", {"nav-cases"}),
        ("admin_user", set()),
    ],
)
def test_the_navigation_shows_the_case_links_of_the_users_roles(
    client: Any, persona: Any, who: str, links: set
) -> None:
    body = login(client, persona(who)).get(reverse("core:home")).content.decode()
    every = {"nav-cases", "nav-new-case", "nav-secretariat", "nav-inbox"}
    assert {link for link in every if f'data-testid="{link}"' in body} == links


def test_the_home_page_asks_the_owner_to_confirm_an_outcome(
    client: Any, owner: Any, case_in: Any
) -> None:
    resolved = case_in(S.RESOLVED, title="پرونده حل‌شده")
    body = login(client, owner).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-confirm"' in body
    assert resolved.title in body


def test_the_company_page_lists_only_the_cases_the_user_may_see(
    client: Any, secretariat: Any, officer: Any, company: Any, case_in: Any, tax_agency: Any
) -> None:
    referred = case_in(S.REFERRED, title="ارجاع به مالیات")
    unreferred = case_in(S.SUBMITTED, title="پرونده بدون ارجاع")
    url = reverse("registry:company_detail", args=[company.national_id])
    body = login(client, secretariat).get(url).content.decode()
    assert referred.title in body and unreferred.title in body
    body = login(client, officer).get(url).content.decode()
    assert 'data-testid="company-cases"' in body
    assert referred.title in body and unreferred.title not in body


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        ("secretariat", True),
        ("executive", True),
        ("owner", True),
        ("expert", False),
        ("county_secretary", False),
    ],
)
def test_the_amount_is_shown_only_to_those_who_see_financial_details(
    client: Any,
    request: Any,
    viewer: str,
    shown: bool,
    secretariat: Any,
    expert: Any,
    company: Any,
    category: Any,
) -> None:
    from tashil.cases.services import case_assign_expert, case_file, case_start_screening

    case = case_file(
        actor=secretariat,
        company=company,
        category=category,
        title="وام تبصره ۱۸",
        description="...",
        channel="letter",
        amount=987654321,
    )
    case_start_screening(actor=secretariat, case=case)
    case_assign_expert(actor=secretariat, case=case, expert=expert)
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("cases:detail", args=[case.tracking]))

    assert response.status_code == 200
    assert ("۹۸۷٬۶۵۴٬۳۲۱" in response.content.decode()) is shown
    assert Case.objects.get(pk=case.pk).amount == 987654321
