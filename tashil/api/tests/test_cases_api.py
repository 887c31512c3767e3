"""The case API: who sees which case, the list's filters and pages, the detail, filing, moves,
referrals, the agencies' answers and extensions, files, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tashil.api.services import token_create
from tashil.cases import services
from tashil.cases.models import Attachment, Case, CaseEvent, Referral, ReferralStatus
from tashil.cases.services import ReferralRequest
from tashil.core.selectors import work_calendar
from tashil.factories import AgencyFactory, CategoryFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api-v1:case_list")
FILE = reverse("api-v1:case_file")
INBOX = reverse("api-v1:referral_inbox")
JSON = "application/json"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def detail(case):
    return reverse("api-v1:case_detail", args=[case.tracking])


def transitions(case):
    return reverse("api-v1:case_transition", args=[case.tracking])


def referrals_url(case):
    return reverse("api-v1:case_refer", args=[case.tracking])


def answer_url(referral):
    return reverse("api-v1:referral_answer", args=[referral.pk])


def extension_url(referral):
    return reverse("api-v1:referral_extend", args=[referral.pk])


def trackings(response):
    assert response.status_code == 200, response.content
    return [item["tracking"] for item in response.json()["items"]]


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type=JSON, headers=headers)


def file_case(owner, company, category, title="تقسیط بدهی مالیاتی"):
    return services.case_file(
        actor=owner,
        company=company,
        category=category,
        title=title,
        description="بدهی مالیاتی سال ۱۴۰۲ را نمی‌توانیم یکجا بپردازیم.",
        channel="portal",
        amount=2_500_000_000,
    )


def refer(case, secretariat, *requests):
    if case.status == "submitted":
        services.case_start_screening(actor=secretariat, case=case)
    return services.case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=agency, request_text=f"بررسی از سوی {agency.name}", days=days)
            for agency, days in requests
        ],
    )


def state(case):
    """What a refused write must leave as it was."""
    case.refresh_from_db()
    return (
        case.status,
        case.status_changed_at,
        case.assignee_id,
        CaseEvent.objects.filter(case=case).count(),
        Referral.objects.filter(case=case).count(),
    )


def rule(response):
    body = response.json()
    [error] = body["errors"]["__all__"]
    return body["code"], error["code"]


@pytest.fixture
def case(owner, company, category):
    return file_case(owner, company, category)


@pytest.fixture
def tax_case(case, secretariat, tax_agency):
    """Company A's case, referred to the tax agency only."""
    refer(case, secretariat, (tax_agency, None))
    return case


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Who sees what -------------------------------------------------------------------------------


def test_the_secretariat_lists_every_case_of_its_province(
    client, secretariat, case, other_owner, other_company, category, bearer
):
    other = file_case(other_owner, other_company, category)

    response = client.get(LIST, headers=bearer(secretariat))

    assert sorted(trackings(response)) == sorted([case.tracking, other.tracking])


def test_a_representative_lists_only_their_own_companys_cases(
    client, owner, case, other_owner, other_company, category, bearer
):
    file_case(other_owner, other_company, category)

    assert trackings(client.get(LIST, headers=bearer(owner))) == [case.tracking]


def test_a_representative_of_company_b_gets_404_on_company_as_case(
    client, other_owner, case, bearer
):
    headers = bearer(other_owner)
    before = state(case)

    response = client.get(detail(case), headers=headers)
    move = post(client, transitions(case), {"to": "screening"}, headers)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert case.title not in response.content.decode()
    assert move.status_code == 404
    assert state(case) == before


def test_an_officer_of_customs_sees_nothing_of_a_case_referred_only_to_tax(
    client, officer, other_officer, tax_case, bearer
):
    customs = bearer(other_officer)
    [referral] = tax_case.referrals.all()

    assert trackings(client.get(LIST, headers=customs)) == []
    assert client.get(detail(tax_case), headers=customs).status_code == 404
    assert client.get(INBOX, headers=customs).json()["items"] == []
    answer = post(client, answer_url(referral), {"answer": "پاسخ"}, customs)
    assert answer.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN
    # The tax officer does see it.
    assert trackings(client.get(LIST, headers=bearer(officer))) == [tax_case.tracking]


def test_an_officer_sees_no_case_before_it_is_referred_to_the_agency(client, officer, case, bearer):
    assert trackings(client.get(LIST, headers=bearer(officer))) == []
    assert client.get(detail(case), headers=bearer(officer)).status_code == 404


def test_a_county_secretariat_sees_the_cases_of_its_county_only(
    client, county_secretary, case, other_owner, other_company, category, bearer
):
    other = file_case(other_owner, other_company, category)
    headers = bearer(county_secretary)

    assert trackings(client.get(LIST, headers=headers)) == [case.tracking]
    assert client.get(detail(other), headers=headers).status_code == 404


def test_a_tracking_number_is_found_with_a_dash_lowercase_or_persian_digits(
    client, owner, case, bearer
):
    headers = bearer(owner)
    typed = case.display_tracking.lower()
    persian = case.display_tracking.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    for form in (typed, persian):
        response = client.get(reverse("api-v1:case_detail", args=[form]), headers=headers)
        assert response.status_code == 200, form
        assert response.json()["tracking"] == case.tracking


def test_an_unknown_or_malformed_tracking_number_is_404(client, owner, case, bearer):
    headers = bearer(owner)

    for tracking in ("AAAAAAAA", "x", "K7M4-QX9C-EXTRA"):
        response = client.get(reverse("api-v1:case_detail", args=[tracking]), headers=headers)
        assert response.status_code == 404, tracking


def test_a_request_without_credentials_is_401(client, case):
    assert client.get(LIST).status_code == 401
    assert client.get(detail(case)).status_code == 401
    assert client.post(FILE, "{}", content_type=JSON).status_code == 401


# --- The list ------------------------------------------------------------------------------------


def test_a_list_item_has_codes_names_labels_and_referral_counts(
    client, secretariat, tax_case, english, bearer
):
    Referral.objects.filter(case=tax_case).update(due_on=timezone.localdate() - dt.timedelta(7))

    [item] = client.get(LIST, headers=bearer(secretariat)).json()["items"]

    assert item == {
        "tracking": tax_case.tracking,
        "display_tracking": tax_case.display_tracking,
        "title": "تقسیط بدهی مالیاتی",
        "status": "referred",
        "status_label": "referred to agencies",
        "category": "tax",
        "company": {
            "national_id": tax_case.company.national_id,
            "legal_name": "شرکت گلسار کاسپین",
        },
        "county": {"code": "2603", "name": "قزوین", "name_en": ""},
        "amount": 2_500_000_000,
        "channel": "portal",
        "created_at": item["created_at"],
        "status_changed_at": item["status_changed_at"],
        "open_referrals": 1,
        "overdue_referrals": 1,
    }
    tax_case.refresh_from_db()
    # ISO 8601 with the time zone, to the millisecond (as Django's JSON encoder writes it).
    for field in ("created_at", "status_changed_at"):
        sent = dt.datetime.fromisoformat(item[field])
        assert abs(sent - getattr(tax_case, field)) < dt.timedelta(milliseconds=1)


def test_the_status_filter_can_be_repeated(client, secretariat, owner, company, category, bearer):
    submitted = file_case(owner, company, category, title="یک")
    screening = file_case(owner, company, category, title="دو")
    services.case_start_screening(actor=secretariat, case=screening)
    rejected = file_case(owner, company, category, title="سه")
    services.case_start_screening(actor=secretariat, case=rejected)
    services.case_reject(actor=secretariat, case=rejected, reason="خارج از حیطه")
    headers = bearer(secretariat)

    one = client.get(LIST, {"status": "screening"}, headers=headers)
    two = client.get(LIST, {"status": ["submitted", "rejected"]}, headers=headers)
    bad = client.get(LIST, {"status": "lost"}, headers=headers)

    assert trackings(one) == [screening.tracking]
    assert sorted(trackings(two)) == sorted([submitted.tracking, rejected.tracking])
    assert bad.status_code == 422
    assert bad.json()["errors"]["status"][0]["code"] == "enum"


def test_the_list_filters_by_category_county_and_company_codes(
    client, secretariat, case, other_owner, other_company, bearer
):
    customs = CategoryFactory(code="customs")
    other = file_case(other_owner, other_company, customs)
    headers = bearer(secretariat)

    assert trackings(client.get(LIST, {"category": "customs"}, headers=headers)) == [other.tracking]
    assert trackings(client.get(LIST, {"county": "۲۶۰۳"}, headers=headers)) == [case.tracking]
    assert trackings(client.get(LIST, {"company": other_company.national_id}, headers=headers)) == [
        other.tracking
    ]
    assert trackings(client.get(LIST, {"category": "nothing"}, headers=headers)) == []


def test_the_list_filters_by_agency_code_or_id(
    client, secretariat, tax_case, owner, company, category, customs_agency, bearer
):
    customs_case = file_case(owner, company, category, title="ترخیص ماشین‌آلات")
    refer(customs_case, secretariat, (customs_agency, None))
    headers = bearer(secretariat)

    assert trackings(client.get(LIST, {"agency": "tax"}, headers=headers)) == [tax_case.tracking]
    by_id = client.get(LIST, {"agency": str(customs_agency.pk)}, headers=headers)
    assert trackings(by_id) == [customs_case.tracking]
    assert trackings(client.get(LIST, {"agency": "999999"}, headers=headers)) == []
    too_big = client.get(LIST, {"agency": "99999999999999999999"}, headers=headers)
    assert too_big.status_code == 422
    assert "agency" in too_big.json()["errors"]


def test_the_list_filters_by_filing_dates(client, secretariat, owner, company, category, bearer):
    old = file_case(owner, company, category, title="قدیمی")
    new = file_case(owner, company, category, title="جدید")
    Case.objects.filter(pk=old.pk).update(created_at=dt.datetime(2025, 11, 1, 10, tzinfo=dt.UTC))
    Case.objects.filter(pk=new.pk).update(created_at=dt.datetime(2025, 12, 15, 10, tzinfo=dt.UTC))
    headers = bearer(secretariat)

    since = client.get(LIST, {"filed_from": "2025-12-01"}, headers=headers)
    until = client.get(LIST, {"filed_to": "2025-11-30"}, headers=headers)
    both = client.get(LIST, {"filed_from": "2025-11-01", "filed_to": "2025-12-15"}, headers=headers)

    assert trackings(since) == [new.tracking]
    assert trackings(until) == [old.tracking]
    assert trackings(both) == [new.tracking, old.tracking]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"filed_from": "2025-12-15", "filed_to": "2025-12-01"}, "filed_from"),
        ({"filed_from": "1404-09-24"}, "filed_from"),
        ({"overdue": "maybe"}, "overdue"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_are_field_errors(client, secretariat, query, field, bearer):
    response = client.get(LIST, query, headers=bearer(secretariat))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_the_overdue_filter_keeps_cases_with_an_overdue_open_referral(
    client, secretariat, tax_case, owner, company, category, customs_agency, bearer
):
    on_time = file_case(owner, company, category, title="به موقع")
    refer(on_time, secretariat, (customs_agency, None))
    Referral.objects.filter(case=tax_case).update(due_on=timezone.localdate() - dt.timedelta(3))

    response = client.get(LIST, {"overdue": "true"}, headers=bearer(secretariat))

    assert trackings(response) == [tax_case.tracking]


def test_the_search_finds_title_words_company_names_and_tracking_numbers(
    client, secretariat, case, other_owner, other_company, category, bearer
):
    other = file_case(other_owner, other_company, category, title="قطعی برق شهرک لیا")
    headers = bearer(secretariat)

    # Arabic yeh and kaf, and no ZWNJ: the search key finds them all the same.
    assert trackings(client.get(LIST, {"q": "قطعي برق"}, headers=headers)) == [other.tracking]
    assert trackings(client.get(LIST, {"q": "سپید"}, headers=headers)) == [other.tracking]
    by_number = client.get(LIST, {"q": case.display_tracking}, headers=headers)
    assert trackings(by_number) == [case.tracking]


def test_the_list_pages_with_limit_and_offset(client, owner, company, category, bearer):
    made = [file_case(owner, company, category, title=f"مورد {n}") for n in range(3)]
    newest_first = [c.tracking for c in reversed(made)]
    headers = bearer(owner)

    first = client.get(LIST, {"limit": 2}, headers=headers)
    second = client.get(LIST, {"limit": 2, "offset": 2}, headers=headers)

    assert trackings(first) == newest_first[:2]
    assert first.json()["next_offset"] == 2
    assert trackings(second) == newest_first[2:]
    assert second.json()["next_offset"] is None
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 100_001}):
        response = client.get(LIST, bad, headers=headers)
        assert response.status_code == 422, bad


def test_the_list_costs_the_same_queries_for_few_cases_and_many(
    client, secretariat, owner, company, category, tax_agency, django_assert_max_num_queries
):
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}

    def add(count):
        for n in range(count):
            refer(
                file_case(owner, company, category, title=f"مورد {n}"), secretariat, (tax_agency, 5)
            )

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"limit": 100}, headers=headers)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    # The first request records the token's use; after it: the token with its user, the user's
    # roles, the page's ids, the page's rows.
    client.get(LIST, headers=headers)
    add(2)
    with django_assert_max_num_queries(4):
        few = measure()
    add(8)
    with django_assert_max_num_queries(4):
        many = measure()

    assert (few[0], many[0]) == (2, 10)
    assert few[1] == many[1]


# --- The detail ----------------------------------------------------------------------------------


def test_the_detail_shows_referrals_moves_files_and_the_timeline(
    client, secretariat, owner, tax_case, customs_agency, english, bearer
):
    refer(tax_case, secretariat, (customs_agency, 3))

    response = client.get(detail(tax_case), headers=bearer(secretariat))

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == tax_case.description
    assert body["requested_outcome"] == ""
    assert body["outcome"] is None
    assert body["assignee"] is None
    assert body["confirm_until"] is None
    assert body["satisfaction"] is None
    assert body["merged_into"] is None
    assert (body["open_referrals"], body["overdue_referrals"]) == (2, 0)
    tax, customs = body["referrals"]
    assert tax["agency"]["code"] == "tax"
    assert customs["agency"]["code"] == "customs"
    assert set(tax) == {
        "id",
        "agency",
        "request_text",
        "status",
        "status_label",
        "due_on",
        "extended_days",
        "extension_reason",
        "answer",
        "answered_at",
        "answered_by",
        "escalation_level",
        "overdue",
        "created_at",
    }
    assert (tax["status"], tax["overdue"], tax["answer"], tax["answered_at"]) == (
        "open",
        False,
        "",
        None,
    )
    assert {move["to"]: move["action"] for move in body["allowed_moves"]} == {
        "returned_for_info": "return_for_info",
        "on_agenda": "to_agenda",
        "working_group": "to_working_group",
        "resolved": "resolve",
        "unresolved": "mark_unresolved",
        "escalated_national": "escalate_national",
    }
    unresolved = next(m for m in body["allowed_moves"] if m["to"] == "unresolved")
    assert unresolved == {
        "to": "unresolved",
        "to_label": "unresolved",
        "action": "mark_unresolved",
        "reason_required": True,
    }
    assert body["can_refer"] is True
    assert body["attachments"] == []
    kinds = [event["kind"] for event in body["timeline"]]
    assert kinds == ["filed", "transition", "transition", "referred", "referred"]
    filed, screening = body["timeline"][:2]
    assert filed["actor"] == str(owner)
    assert filed["data"] == {"channel": "portal"}
    assert (screening["from_status"], screening["to_status"]) == ("submitted", "screening")
    assert screening["actor"] == str(secretariat)
    assert screening["kind_label"] == "status changed"
    assert body["timeline"][-1]["referral"] == customs["id"]


def test_the_company_sees_its_own_moves_and_nobody_elses(
    client, owner, secretariat, executive, case, tax_agency, bearer
):
    def moves(user):
        response = client.get(detail(case), headers=bearer(user))
        return {move["to"] for move in response.json()["allowed_moves"]}

    assert moves(owner) == set()
    assert moves(secretariat) == {"screening", "merged"}
    assert moves(executive) == set()
    refer(case, secretariat, (tax_agency, None))
    services.case_conclude(actor=secretariat, case=case, outcome="resolved")
    assert moves(owner) == {"closed", "screening"}
    assert moves(secretariat) == set()


def test_the_detail_reads_a_bounded_number_of_queries(
    client, secretariat, tax_case, customs_agency, django_assert_max_num_queries
):
    refer(tax_case, secretariat, (customs_agency, 3))
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")

    # Token, its use, roles, the case, its referrals and their files, its files, its timeline.
    with django_assert_max_num_queries(8):
        response = client.get(detail(tax_case), headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200


# --- Filing --------------------------------------------------------------------------------------


def filing(for_company, **changes):
    return {
        "company": for_company.national_id,
        "category": "tax",
        "title": "کمبود نقدینگی برای خرید مواد اولیه",
        "description": "درخواست تسهیلات تبصره ۱۸",
        "amount": 50_000_000_000,
        "requested_outcome": "معرفی به بانک عامل",
        **changes,
    }


def test_a_representative_files_a_case_for_their_company_through_the_api(
    client, owner, company, category, secretariat, bearer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, FILE, filing(company), bearer(owner))

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(tracking=body["tracking"])
    assert (case.company, case.category, case.filed_by) == (company, category, owner)
    assert (case.channel, case.status, case.amount) == ("api", "submitted", 50_000_000_000)
    assert case.requested_outcome == "معرفی به بانک عامل"
    assert body["status"] == "submitted"
    assert body["channel"] == "api"
    assert [event["kind"] for event in body["timeline"]] == ["filed"]
    assert CaseEvent.objects.get(case=case).data == {"channel": "api"}


def test_the_secretariat_files_on_a_companys_behalf_recording_a_letter(
    client, secretariat, company, category, bearer
):
    data = filing(
        company, channel="letter", company=f" {company.national_id[:5]}-{company.national_id[5:]}"
    )

    response = post(client, FILE, data, bearer(secretariat))

    assert response.status_code == 201, response.content
    case = Case.objects.get(tracking=response.json()["tracking"])
    assert (case.company, case.channel, case.filed_by) == (company, "letter", secretariat)


def test_a_representative_cannot_file_for_another_company(
    client, owner, other_company, category, bearer
):
    response = post(client, FILE, filing(other_company), bearer(owner))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Case.objects.exists()


def test_an_unregistered_company_gets_the_same_answer_as_another_company(
    client, owner, other_company, category, bearer
):
    # Otherwise the API would tell anyone with a key which national IDs are registered.
    other = post(client, FILE, filing(other_company), bearer(owner))
    unknown = post(client, FILE, filing(other_company, company="10380284790"), bearer(owner))

    assert other.status_code == unknown.status_code == 403
    assert other.json() == unknown.json()
    assert not Case.objects.exists()


def test_a_representative_cannot_claim_the_case_came_by_letter(
    client, owner, company, category, bearer
):
    response = post(client, FILE, filing(company, channel="letter"), bearer(owner))

    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize("user", ["executive", "officer", "expert"])
def test_roles_that_file_nothing_are_refused(client, request, company, category, user, bearer):
    response = post(client, FILE, filing(company), bearer(request.getfixturevalue(user)))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_an_unknown_category_is_a_clear_field_error(
    client, owner, company, category, english, bearer
):
    response = post(client, FILE, filing(company, category="nope"), bearer(owner))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["category"] == [
        {"code": "unknown_category", "message": "No obstacle category has this code."}
    ]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": "x" * 201}, "title", "string_too_long"),
        ({"title": ""}, "title", "string_too_short"),
        ({"amount": 10**16 + 1}, "amount", "less_than_equal"),
        ({"amount": -1}, "amount", "greater_than_equal"),
        ({"channel": "open311"}, "channel", "literal_error"),
        ({"description": None}, "description", "string_type"),
    ],
)
def test_filing_input_out_of_bounds_is_refused(
    client, owner, company, category, changes, field, code, bearer
):
    response = post(client, FILE, filing(company, **changes), bearer(owner))

    assert response.status_code == 422
    assert response.json()["errors"][field][0]["code"] == code
    assert not Case.objects.exists()


def test_a_title_of_only_spaces_is_refused_by_the_model(client, owner, company, category, bearer):
    response = post(client, FILE, filing(company, title="   "), bearer(owner))

    assert response.status_code == 422
    assert "title" in response.json()["errors"]
    assert not Case.objects.exists()


def test_the_largest_amount_is_accepted(client, owner, company, category, bearer):
    response = post(client, FILE, filing(company, amount=10**16), bearer(owner))

    assert response.status_code == 201
    assert Case.objects.get().amount == 10**16


# --- Transitions ---------------------------------------------------------------------------------


def test_the_secretariat_starts_screening(client, secretariat, case, bearer):
    response = post(client, transitions(case), {"to": "screening"}, bearer(secretariat))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "screening"
    case.refresh_from_db()
    assert case.status == "screening"
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "transition",
        "submitted",
        "screening",
        secretariat,
    )


def test_a_transition_the_table_does_not_allow_is_400_and_changes_nothing(
    client, secretariat, case, english, bearer
):
    before = state(case)

    response = post(
        client, transitions(case), {"to": "resolved", "reason": "حل شد"}, bearer(secretariat)
    )

    assert response.status_code == 400
    assert rule(response) == ("case_rule", "invalid_transition")
    assert response.json()["message"] == "A case that is “submitted” cannot become “resolved”."
    assert state(case) == before


def test_a_move_that_needs_a_reason_is_refused_without_one(client, secretariat, case, bearer):
    services.case_start_screening(actor=secretariat, case=case)
    before = state(case)

    response = post(
        client, transitions(case), {"to": "rejected", "reason": "  "}, bearer(secretariat)
    )

    assert response.status_code == 400
    assert rule(response) == ("case_rule", "reason_required")
    assert state(case) == before


def test_rejecting_with_a_reason_records_it_for_the_company(
    client, secretariat, owner, case, bearer
):
    services.case_start_screening(actor=secretariat, case=case)

    response = post(
        client,
        transitions(case),
        {"to": "rejected", "reason": "موضوع در حیطه ستاد نیست"},
        bearer(secretariat),
    )

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "rejected"
    seen = client.get(detail(case), headers=bearer(owner)).json()
    assert seen["timeline"][-1]["reason"] == "موضوع در حیطه ستاد نیست"
    assert seen["allowed_moves"] == []


def test_assigning_an_expert_needs_an_expert_of_the_province(
    client, secretariat, expert, officer, case, bearer
):
    services.case_start_screening(actor=secretariat, case=case)
    headers = bearer(secretariat)
    before = state(case)

    missing = post(client, transitions(case), {"to": "expert_review"}, headers)
    not_expert = post(
        client, transitions(case), {"to": "expert_review", "expert_username": "officer"}, headers
    )
    assert (missing.status_code, not_expert.status_code) == (422, 422)
    assert missing.json()["errors"]["expert_username"][0]["code"] == "required"
    assert not_expert.json()["errors"]["expert_username"][0]["code"] == "unknown_expert"
    assert state(case) == before

    response = post(
        client, transitions(case), {"to": "expert_review", "expert_username": "expert"}, headers
    )

    assert response.status_code == 200
    assert response.json()["assignee"] == {"username": "expert", "name": str(expert)}
    case.refresh_from_db()
    assert (case.status, case.assignee) == ("expert_review", expert)
    # The expert now sees the case and may send it to the agenda.
    assert "on_agenda" in {
        move["to"]
        for move in client.get(detail(case), headers=bearer(expert)).json()["allowed_moves"]
    }


def test_referring_through_transitions_points_to_the_referrals_endpoint(
    client, secretariat, case, bearer
):
    services.case_start_screening(actor=secretariat, case=case)
    before = state(case)

    response = post(client, transitions(case), {"to": "referred"}, bearer(secretariat))

    assert response.status_code == 400
    assert response.json()["code"] == "case_rule"
    assert response.json()["errors"]["to"][0]["code"] == "use_referrals"
    assert state(case) == before


def test_a_duplicate_is_merged_into_another_case_of_the_same_company(
    client, secretariat, owner, company, category, case, other_owner, other_company, bearer
):
    duplicate = file_case(owner, company, category, title="تقسیط بدهی مالیاتی (دوباره)")
    elsewhere = file_case(other_owner, other_company, category)
    headers = bearer(secretariat)

    no_target = post(client, transitions(duplicate), {"to": "merged", "reason": "تکراری"}, headers)
    unknown = post(
        client,
        transitions(duplicate),
        {"to": "merged", "reason": "تکراری", "merge_into": "AAAA-AAAA"},
        headers,
    )
    other_company_case = post(
        client,
        transitions(duplicate),
        {"to": "merged", "reason": "تکراری", "merge_into": elsewhere.tracking},
        headers,
    )
    assert (no_target.status_code, unknown.status_code) == (422, 422)
    assert other_company_case.status_code == 400
    assert rule(other_company_case) == ("case_rule", "other_company")

    response = post(
        client,
        transitions(duplicate),
        {"to": "merged", "reason": "تکراری", "merge_into": case.display_tracking},
        headers,
    )

    assert response.status_code == 200
    assert response.json()["merged_into"] == case.tracking
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("merged", case)


def test_the_company_confirms_the_outcome_with_a_score(
    client, secretariat, owner, tax_case, bearer
):
    case = tax_case
    services.case_conclude(actor=secretariat, case=case, outcome="resolved")

    bad = post(client, transitions(case), {"to": "closed", "satisfaction": 6}, bearer(owner))
    response = post(client, transitions(case), {"to": "closed", "satisfaction": 4}, bearer(owner))

    assert bad.status_code == 422
    assert bad.json()["errors"]["satisfaction"][0]["code"] == "less_than_equal"
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["satisfaction"]) == ("closed", 4)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.satisfaction) == ("closed", "resolved", 4)


def test_the_company_cannot_make_the_secretariats_moves(client, owner, case, bearer):
    before = state(case)

    response = post(client, transitions(case), {"to": "screening"}, bearer(owner))

    assert response.status_code == 403
    assert rule(response) == ("permission_denied", "not_allowed")
    assert state(case) == before


def test_an_officer_only_reads_a_case_referred_to_their_agency(client, officer, tax_case, bearer):
    before = state(tax_case)

    response = post(client, transitions(tax_case), {"to": "on_agenda"}, bearer(officer))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert state(tax_case) == before


def test_the_executive_reads_everything_and_changes_nothing(
    client, executive, tax_case, tax_agency, settings, tmp_path, bearer
):
    settings.MEDIA_ROOT = tmp_path
    headers = bearer(executive)
    [referral] = tax_case.referrals.all()
    before = state(tax_case)

    assert client.get(detail(tax_case), headers=headers).status_code == 200
    assert trackings(client.get(LIST, headers=headers)) == [tax_case.tracking]
    writes = [
        post(client, transitions(tax_case), {"to": "resolved"}, headers),
        post(client, transitions(tax_case), {"to": "closed"}, headers),
        post(
            client,
            referrals_url(tax_case),
            {"referrals": [{"agency": "customs", "request_text": "x"}]},
            headers,
        ),
        post(client, answer_url(referral), {"answer": "پاسخ"}, headers),
        post(client, extension_url(referral), {"days": 3, "reason": "دلیل"}, headers),
        client.post(
            reverse("api-v1:case_attach", args=[tax_case.tracking]),
            {"files": [SimpleUploadedFile("a.pdf", PDF)]},
            headers=headers,
        ),
    ]

    assert [response.status_code for response in writes] == [403] * len(writes)
    assert {response.json()["code"] for response in writes} == {"permission_denied"}
    assert state(tax_case) == before
    referral.refresh_from_db()
    assert (referral.status, referral.extended_days) == ("open", 0)
    assert not Attachment.objects.exists()


def test_while_the_company_is_asked_for_information_the_agency_cannot_answer(
    client, secretariat, owner, officer, tax_case, bearer
):
    [referral] = tax_case.referrals.all()
    hq, company_headers = bearer(secretariat), bearer(owner)

    returned = post(
        client,
        transitions(tax_case),
        {"to": "returned_for_info", "reason": "صورت‌حساب‌ها را بفرستید"},
        hq,
    )
    paused = post(client, answer_url(referral), {"answer": "پاسخ"}, bearer(officer))
    offered = client.get(detail(tax_case), headers=company_headers).json()["allowed_moves"]
    provided = post(
        client,
        transitions(tax_case),
        {"to": "referred", "reason": "صورت‌حساب‌ها پیوست شد"},
        company_headers,
    )

    assert returned.status_code == 200
    assert paused.status_code == 400
    assert rule(paused) == ("case_rule", "paused")
    # The company answers towards the state the case was returned from, and only that one.
    assert [(m["to"], m["action"]) for m in offered] == [("referred", "provide_info")]
    assert provided.status_code == 200, provided.content
    tax_case.refresh_from_db()
    referral.refresh_from_db()
    assert (tax_case.status, tax_case.paused_at) == ("referred", None)
    assert referral.status == "open"
    assert provided.json()["timeline"][-1]["reason"] == "صورت‌حساب‌ها پیوست شد"


def test_a_journey_through_the_api_from_filing_to_confirmed_closure(
    client, owner, secretariat, officer, other_officer, company, category, bearer
):
    company_headers, hq, tax, customs = (
        bearer(owner),
        bearer(secretariat),
        bearer(officer),
        bearer(other_officer),
    )
    filed = post(client, FILE, filing(company), company_headers)
    tracking = filed.json()["tracking"]
    case = Case.objects.get(tracking=tracking)
    assert post(client, transitions(case), {"to": "screening"}, hq).status_code == 200
    referred = post(
        client,
        referrals_url(case),
        {
            "referrals": [
                {"agency": "tax", "request_text": "بررسی تقسیط"},
                {"agency": "customs", "request_text": "ترخیص", "days": 3},
            ]
        },
        hq,
    )
    assert referred.status_code == 201
    tax_referral = client.get(INBOX, headers=tax).json()["items"][0]
    assert tax_referral["case"]["tracking"] == tracking
    answered = post(
        client, answer_url(Referral.objects.get(pk=tax_referral["id"])), {"answer": "انجام شد"}, tax
    )
    assert answered.status_code == 200
    assert post(client, transitions(case), {"to": "resolved"}, hq).status_code == 200
    # Resolving withdrew the customs referral, so it is no longer in its inbox.
    assert client.get(INBOX, headers=customs).json()["items"] == []
    closed = post(client, transitions(case), {"to": "closed", "satisfaction": 5}, company_headers)

    assert closed.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.outcome, case.satisfaction) == ("closed", "resolved", 5)
    assert dict(case.referrals.values_list("agency__code", "status")) == {
        "tax": "answered",
        "customs": "withdrawn",
    }
    kinds = [event["kind"] for event in closed.json()["timeline"]]
    assert kinds == [
        "filed",
        "transition",
        "transition",
        "referred",
        "referred",
        "answered",
        "transition",
        "withdrawn",
        "transition",
    ]


# --- Referrals -----------------------------------------------------------------------------------


def test_the_secretariat_refers_to_two_agencies_each_with_its_own_deadline(
    client, secretariat, case, category, tax_agency, customs_agency, bearer
):
    services.case_start_screening(actor=secretariat, case=case)
    today = timezone.localdate()

    response = post(
        client,
        referrals_url(case),
        {
            "referrals": [
                {"agency": "tax", "request_text": "بررسی تقسیط بدهی", "days": 7},
                {"agency": "customs", "request_text": "ترخیص ماشین‌آلات"},
            ]
        },
        bearer(secretariat),
    )

    assert response.status_code == 201, response.content
    tax, customs = response.json()
    calendar = work_calendar()
    # The tax agency was given 7 working days; customs the category's 5.
    assert tax["due_on"] == calendar.add_working_days(today, 7).isoformat()
    assert customs["due_on"] == calendar.add_working_days(today, category.response_days).isoformat()
    assert tax["due_on"] != customs["due_on"]
    case.refresh_from_db()
    assert case.status == "referred"
    rows = {r.agency.code: r for r in case.referrals.select_related("agency")}
    assert rows["tax"].request_text == "بررسی تقسیط بدهی"
    assert rows["tax"].due_on.isoformat() == tax["due_on"]
    assert rows["customs"].due_on.isoformat() == customs["due_on"]
    assert {r.created_by for r in rows.values()} == {secretariat}


def test_a_referred_case_can_be_referred_to_a_further_agency(
    client, secretariat, tax_case, customs_agency, bearer
):
    response = post(
        client,
        referrals_url(tax_case),
        {"referrals": [{"agency": "customs", "request_text": "ترخیص", "days": 2}]},
        bearer(secretariat),
    )

    assert response.status_code == 201
    assert sorted(tax_case.referrals.values_list("agency__code", flat=True)) == ["customs", "tax"]


def test_an_unknown_agency_is_a_field_error_and_nothing_is_referred(
    client, secretariat, case, bearer
):
    services.case_start_screening(actor=secretariat, case=case)
    before = state(case)

    response = post(
        client,
        referrals_url(case),
        {
            "referrals": [
                {"agency": "tax", "request_text": "بررسی"},
                {"agency": "bank", "request_text": "بررسی"},
            ]
        },
        bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["referrals.1.agency"][0]["code"] == "unknown_agency"
    assert state(case) == before


def test_an_agency_of_another_province_is_not_found(client, secretariat, case, bearer):
    AgencyFactory(province=ProvinceFactory(code="23"), code="water")
    services.case_start_screening(actor=secretariat, case=case)

    response = post(
        client,
        referrals_url(case),
        {"referrals": [{"agency": "water", "request_text": "بررسی"}]},
        bearer(secretariat),
    )

    assert response.status_code == 422
    assert not case.referrals.exists()


def test_an_agency_already_holding_the_case_is_refused(client, secretariat, tax_case, bearer):
    before = state(tax_case)

    response = post(
        client,
        referrals_url(tax_case),
        {"referrals": [{"agency": "tax", "request_text": "دوباره"}]},
        bearer(secretariat),
    )

    assert response.status_code == 400
    assert rule(response) == ("case_rule", "already_referred")
    assert state(tax_case) == before


@pytest.mark.parametrize(
    ("referrals", "field"),
    [
        ([], "referrals"),
        ([{"agency": "tax", "request_text": "x", "days": 0}], "referrals.0.days"),
        ([{"agency": "tax", "request_text": "x", "days": 121}], "referrals.0.days"),
        ([{"agency": "tax", "request_text": ""}], "referrals.0.request_text"),
        ([{"agency": "tax", "request_text": "x"}] * 21, "referrals"),
    ],
)
def test_referral_input_out_of_bounds_is_refused(
    client, secretariat, case, referrals, field, bearer
):
    services.case_start_screening(actor=secretariat, case=case)
    before = state(case)

    response = post(client, referrals_url(case), {"referrals": referrals}, bearer(secretariat))

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert state(case) == before


def test_a_case_still_submitted_cannot_be_referred(client, secretariat, case, tax_agency, bearer):
    before = state(case)

    response = post(
        client,
        referrals_url(case),
        {"referrals": [{"agency": "tax", "request_text": "بررسی"}]},
        bearer(secretariat),
    )

    assert response.status_code == 400
    assert rule(response) == ("case_rule", "invalid_transition")
    assert state(case) == before


# --- The agency's inbox, answers and extensions --------------------------------------------------


def test_the_inbox_lists_the_agencys_open_referrals_overdue_first(
    client, secretariat, officer, agency_head, owner, company, category, tax_agency, bearer
):
    late = file_case(owner, company, category, title="دیر")
    soon = file_case(owner, company, category, title="زود")
    [late_referral] = refer(late, secretariat, (tax_agency, 10))
    [soon_referral] = refer(soon, secretariat, (tax_agency, 2))
    Referral.objects.filter(pk=late_referral.pk).update(
        due_on=timezone.localdate() - dt.timedelta(4)
    )

    items = client.get(INBOX, headers=bearer(officer)).json()["items"]

    assert [item["id"] for item in items] == [late_referral.pk, soon_referral.pk]
    assert [item["overdue"] for item in items] == [True, False]
    assert items[0]["case"]["tracking"] == late.tracking
    assert items[0]["case"]["company"]["national_id"] == company.national_id
    # The agency head sees the same inbox.
    head_items = client.get(INBOX, headers=bearer(agency_head)).json()["items"]
    assert [item["id"] for item in head_items] == [late_referral.pk, soon_referral.pk]


def test_the_inbox_lists_answered_referrals_on_request(
    client, secretariat, officer, owner, company, category, tax_agency, bearer
):
    first = file_case(owner, company, category, title="یکم")
    second = file_case(owner, company, category, title="دوم")
    [answered] = refer(first, secretariat, (tax_agency, None))
    [waiting] = refer(second, secretariat, (tax_agency, None))
    services.referral_answer(actor=officer, referral=answered, answer="انجام شد")
    headers = bearer(officer)

    open_items = client.get(INBOX, headers=headers).json()["items"]
    done = client.get(INBOX, {"answered": "true"}, headers=headers).json()["items"]

    assert [item["id"] for item in open_items] == [waiting.pk]
    assert [item["id"] for item in done] == [answered.pk]
    assert done[0]["answer"] == "انجام شد"
    assert done[0]["answered_by"]["username"] == "officer"


def test_the_inbox_is_empty_for_those_who_are_not_agency_staff(
    client, secretariat, owner, tax_case, bearer
):
    assert client.get(INBOX, headers=bearer(secretariat)).json()["items"] == []
    assert client.get(INBOX, headers=bearer(owner)).json()["items"] == []


def test_the_inbox_pages_with_limit_and_offset(
    client, secretariat, officer, owner, company, category, tax_agency, bearer
):
    made = [
        refer(
            file_case(owner, company, category, title=f"مورد {n}"), secretariat, (tax_agency, n + 1)
        )[0]
        for n in range(3)
    ]
    headers = bearer(officer)

    first = client.get(INBOX, {"limit": 2}, headers=headers).json()
    second = client.get(INBOX, {"limit": 2, "offset": 2}, headers=headers).json()

    assert [item["id"] for item in first["items"]] == [made[0].pk, made[1].pk]
    assert first["next_offset"] == 2
    assert [item["id"] for item in second["items"]] == [made[2].pk]
    assert second["next_offset"] is None
    assert client.get(INBOX, {"limit": 101}, headers=headers).status_code == 422


def test_the_tax_officer_answers_a_referral_once(
    client, officer, tax_case, bearer, django_capture_on_commit_callbacks
):
    [referral] = tax_case.referrals.all()
    headers = bearer(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, answer_url(referral), {"answer": "تقسیط ۳۶ ماهه تصویب شد"}, headers)
    again = post(client, answer_url(referral), {"answer": "پاسخ دوم"}, headers)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["answer"]) == ("answered", "تقسیط ۳۶ ماهه تصویب شد")
    assert body["case"]["tracking"] == tax_case.tracking
    assert again.status_code == 400
    assert rule(again) == ("case_rule", "not_open")
    referral.refresh_from_db()
    assert (referral.status, referral.answer, referral.answered_by) == (
        "answered",
        "تقسیط ۳۶ ماهه تصویب شد",
        officer,
    )
    assert CaseEvent.objects.filter(case=tax_case, kind="answered").count() == 1


def test_an_officer_of_another_agency_on_the_same_case_cannot_answer_for_tax(
    client, secretariat, other_officer, tax_case, customs_agency, bearer
):
    refer(tax_case, secretariat, (customs_agency, None))
    tax_referral = tax_case.referrals.get(agency__code="tax")

    response = post(client, answer_url(tax_referral), {"answer": "پاسخ"}, bearer(other_officer))

    # Customs sees the case now, so the tax referral is found, but it is not theirs to answer.
    assert response.status_code == 403
    assert rule(response) == ("permission_denied", "not_allowed")
    tax_referral.refresh_from_db()
    assert tax_referral.status == "open"


@pytest.mark.parametrize("user", ["owner", "secretariat"])
def test_only_the_agencys_staff_answer_its_referrals(client, request, tax_case, user, bearer):
    [referral] = tax_case.referrals.all()

    response = post(
        client, answer_url(referral), {"answer": "پاسخ"}, bearer(request.getfixturevalue(user))
    )

    assert response.status_code == 403
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == ("open", "")


def test_a_referral_that_does_not_exist_is_404(client, officer, tax_case, bearer):
    for referral_id in (999_999, 2**31):
        url = reverse("api-v1:referral_answer", args=[referral_id])
        assert post(client, url, {"answer": "x"}, bearer(officer)).status_code == 404


def test_an_empty_answer_is_refused(client, officer, tax_case, bearer):
    [referral] = tax_case.referrals.all()
    headers = bearer(officer)

    empty = post(client, answer_url(referral), {"answer": ""}, headers)
    spaces = post(client, answer_url(referral), {"answer": "   "}, headers)

    assert empty.status_code == 422
    assert spaces.status_code == 400
    assert rule(spaces) == ("case_rule", "answer_required")
    referral.refresh_from_db()
    assert referral.status == "open"


def test_an_officer_extends_the_deadline_once(client, officer, tax_case, bearer):
    [referral] = tax_case.referrals.all()
    old_due = referral.due_on
    headers = bearer(officer)

    response = post(
        client, extension_url(referral), {"days": 4, "reason": "استعلام از تهران"}, headers
    )
    again = post(client, extension_url(referral), {"days": 2, "reason": "باز هم"}, headers)

    assert response.status_code == 200, response.content
    expected = work_calendar().add_working_days(max(old_due, timezone.localdate()), 4)
    assert response.json()["due_on"] == expected.isoformat()
    assert response.json()["extended_days"] == 4
    assert again.status_code == 400
    assert rule(again) == ("case_rule", "extended_once")
    referral.refresh_from_db()
    assert (referral.due_on, referral.extended_days, referral.extension_reason) == (
        expected,
        4,
        "استعلام از تهران",
    )


def test_an_extension_beyond_the_limit_is_refused(client, officer, tax_case, settings, bearer):
    settings.TASHIL_MAX_EXTENSION_DAYS = 10
    [referral] = tax_case.referrals.all()
    headers = bearer(officer)

    too_many = post(client, extension_url(referral), {"days": 30, "reason": "دلیل"}, headers)
    out_of_bounds = post(client, extension_url(referral), {"days": 121, "reason": "دلیل"}, headers)
    no_reason = post(client, extension_url(referral), {"days": 3}, headers)

    assert too_many.status_code == 400
    assert rule(too_many) == ("case_rule", "bad_days")
    assert out_of_bounds.status_code == 422
    assert no_reason.status_code == 422
    referral.refresh_from_db()
    assert referral.extended_days == 0


def test_a_customs_officer_cannot_extend_a_tax_referral_they_cannot_see(
    client, other_officer, tax_case, bearer
):
    [referral] = tax_case.referrals.all()

    response = post(
        client, extension_url(referral), {"days": 3, "reason": "x"}, bearer(other_officer)
    )

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.extended_days == 0


# --- Files ---------------------------------------------------------------------------------------


def test_the_company_attaches_a_pdf_that_the_referred_agency_downloads(
    client, owner, officer, other_owner, tax_case, settings, tmp_path, bearer
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("نامه.pdf", PDF, content_type="text/plain")

    response = client.post(
        reverse("api-v1:case_attach", args=[tax_case.tracking]),
        {"files": [upload]},
        headers=bearer(owner),
    )

    assert response.status_code == 201, response.content
    [item] = response.json()
    attachment = Attachment.objects.get()
    assert item["id"] == attachment.pk
    assert (item["name"], item["content_type"], item["size"]) == (
        "نامه.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.uploaded_by == owner
    download_url = reverse("api-v1:attachment_get", args=[attachment.pk])
    download = client.get(download_url, headers=bearer(officer))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert client.get(download_url, headers=bearer(other_owner)).status_code == 404
    listed = client.get(detail(tax_case), headers=bearer(owner)).json()["attachments"]
    assert [a["id"] for a in listed] == [attachment.pk]


def test_a_file_that_is_not_a_document_is_refused_by_its_content(
    client, owner, case, settings, tmp_path, bearer
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("letter.pdf", b"<html><script>alert(1)</script>", "application/pdf")

    response = client.post(
        reverse("api-v1:case_attach", args=[case.tracking]),
        {"files": [upload]},
        headers=bearer(owner),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["files"][0]["code"] == "bad_type"
    assert not Attachment.objects.exists()


# --- The schema ----------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_case_operations_and_their_bounds(admin_client):
    spec = json.loads(admin_client.get(reverse("api-v1:openapi-json")).content)
    operations = {
        (method, path): operation["operationId"]
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    components = spec["components"]["schemas"]

    assert {
        ("get", "/api/v1/cases"): "case_list",
        ("post", "/api/v1/cases"): "case_file",
        ("get", "/api/v1/cases/{tracking}"): "case_get",
        ("post", "/api/v1/cases/{tracking}/transitions"): "case_transition",
        ("post", "/api/v1/cases/{tracking}/referrals"): "case_refer",
        ("post", "/api/v1/cases/{tracking}/attachments"): "case_attach",
        ("get", "/api/v1/attachments/{attachment_id}"): "attachment_get",
        ("get", "/api/v1/referrals"): "referral_inbox",
        ("post", "/api/v1/referrals/{referral_id}/answer"): "referral_answer",
        ("post", "/api/v1/referrals/{referral_id}/extension"): "referral_extend",
    }.items() <= operations.items()
    filing = components["CaseFileIn"]["properties"]
    assert filing["title"]["maxLength"] == 200
    assert filing["amount"]["anyOf"][0] == {"maximum": 10**16, "minimum": 0, "type": "integer"}
    days = components["ReferralIn"]["properties"]["days"]["anyOf"][0]
    assert (days["minimum"], days["maximum"]) == (1, 120)
    score = components["TransitionIn"]["properties"]["satisfaction"]["anyOf"][0]
    assert (score["minimum"], score["maximum"]) == (1, 5)
    extension = components["ExtensionIn"]["properties"]["days"]
    assert (extension["minimum"], extension["maximum"]) == (1, 120)
    assert "case_rule" in components["ErrorCode"]["enum"]
    assert set(components["CaseStatus"]["enum"]) >= {"submitted", "referred", "closed", "merged"}
    status_param = next(
        p for p in spec["paths"]["/api/v1/cases"]["get"]["parameters"] if p["name"] == "status"
    )
    assert status_param["schema"]["type"] == "array"
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if operations[(method, path)] in {"case_transition", "case_refer", "referral_answer"}:
                for code in ("400", "403", "404", "422"):
                    assert code in operation["responses"], (path, code)


@pytest.mark.parametrize(("viewer", "shown"), [("secretariat", True), ("county_secretary", False)])
def test_the_api_blanks_the_amount_for_those_who_may_not_see_it(
    client, request, viewer, shown, secretariat, company, category, bearer
):
    from tashil.cases.services import case_file

    case = case_file(
        actor=secretariat,
        company=company,
        category=category,
        title="وام",
        description="...",
        channel="letter",
        amount=987654321,
    )
    headers = bearer(request.getfixturevalue(viewer))

    detail = client.get(f"/api/v1/cases/{case.tracking}", headers=headers)
    listed = client.get("/api/v1/cases", headers=headers)

    expected = 987654321 if shown else None
    assert detail.status_code == listed.status_code == 200
    assert detail.json()["amount"] == expected
    assert [item["amount"] for item in listed.json()["items"]] == [expected]


@pytest.mark.parametrize(("viewer", "shown"), [("secretariat", True), ("county_secretary", False)])
def test_the_results_loan_is_blanked_on_the_case_and_its_timeline_for_those_who_may_not_see_it(
    client, request, viewer, shown, secretariat, company, category, bearer
):
    from tashil.cases.services import case_file, case_record_results

    case = case_file(
        actor=secretariat,
        company=company,
        category=category,
        title="وام",
        description="...",
        channel="letter",
    )
    case_record_results(
        actor=secretariat,
        case=case,
        approved_amount=123_000_000_000,
        jobs_preserved=40,
        results_on=timezone.localdate(),
    )

    detail = client.get(
        f"/api/v1/cases/{case.tracking}", headers=bearer(request.getfixturevalue(viewer))
    ).json()

    expected = 123_000_000_000 if shown else None
    assert (detail["approved_amount"], detail["jobs_preserved"]) == (expected, 40)
    (event,) = [event for event in detail["timeline"] if event["kind"] == "results"]
    assert event["data"]["after"].get("approved_amount") == expected
    assert event["data"]["after"]["jobs_preserved"] == 40
    assert Case.objects.get().approved_amount == 123_000_000_000


def test_a_nul_character_in_text_is_a_field_error_not_a_server_error(
    client, owner, company, category, bearer
):
    response = post(client, FILE, filing(company, title="null\x00byte"), bearer(owner))

    assert response.status_code == 422
    assert response.json()["errors"]["title"][0]["code"] == "nul_character"
    assert not Case.objects.exists()
