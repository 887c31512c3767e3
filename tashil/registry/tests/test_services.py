"""The registry's write services: every change is validated, saved and recorded with its actor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tashil.factories import (
    ActivityFactory,
    CertificateFactory,
    CountyFactory,
    EstateFactory,
    ProvinceFactory,
)
from tashil.registry import services
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    Certificate,
    CertificateClass,
    Company,
    CompanyEvent,
    CompanyStatus,
    KnowledgeBasedTarget,
    Licence,
    LicenceKind,
    Product,
    StatusChange,
)
from tashil.registry.selectors import current_target

pytestmark = pytest.mark.django_db

GOLSAR_ID = "10380284790"


def events(company, kind=None):
    qs = CompanyEvent.objects.filter(company=company).order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)


@pytest.fixture
def tehran_estate(db):
    tehran = ProvinceFactory(code="23", name="تهران")
    county = CountyFactory(province=tehran, code="2301", name="تهران")
    return EstateFactory(province=tehran, county=county, name="عباس‌آباد")


# --- Companies -----------------------------------------------------------------------------------


def test_creating_a_company_stores_it_with_a_first_status_and_a_created_event(secretariat, county):
    estate = EstateFactory(province=county.province, county=county, name="کاسپین")
    company = services.company_create(
        actor=secretariat,
        national_id="۱۰۳۸۰۲۸۴۷۹۰",
        legal_name="  شركت گلسار كاسپين ",
        county=county,
        estate=estate,
        activity=ActivityFactory(),
        economic_code="10380284790",
        status=CompanyStatus.PARTLY_OPERATING,
        status_since=dt.date(2024, 3, 20),
        employees=120,
    )

    company.refresh_from_db()
    assert company.national_id == GOLSAR_ID
    assert company.legal_name == "شركت گلسار كاسپين"
    assert company.search_key == "شرکت گلسار کاسپین"
    assert company.province == county.province
    assert company.status == CompanyStatus.PARTLY_OPERATING
    change = StatusChange.objects.get(company=company)
    assert (change.status, change.since, change.actor) == (
        CompanyStatus.PARTLY_OPERATING,
        dt.date(2024, 3, 20),
        secretariat,
    )
    [event] = events(company)
    assert (event.kind, event.actor) == ("created", secretariat)
    assert event.changes["national_id"] == GOLSAR_ID
    # The search document holds the compact keys of the name, identifiers and activity.
    assert "شرکتگلسارکاسپین" in company.search_document
    assert GOLSAR_ID in company.search_document
    assert "2023" in company.search_document


def test_a_company_with_an_invalid_national_id_is_refused(county):
    with pytest.raises(ValidationError):
        services.company_create(
            actor=None, national_id="10380284791", legal_name="شرکت آزمون", county=county
        )
    assert not Company.objects.exists()


def test_a_second_company_with_the_same_national_id_is_refused(county):
    services.company_create(actor=None, national_id=GOLSAR_ID, legal_name="الف", county=county)
    with pytest.raises(ValidationError) as error:
        services.company_create(actor=None, national_id=GOLSAR_ID, legal_name="ب", county=county)
    assert "national_id" in error.value.message_dict
    assert Company.objects.count() == 1


def test_a_company_in_an_estate_of_another_province_is_refused(county, tehran_estate):
    with pytest.raises(ValidationError) as error:
        services.company_create(
            actor=None,
            national_id=GOLSAR_ID,
            legal_name="شرکت آزمون",
            county=county,
            estate=tehran_estate,
        )
    assert "estate" in error.value.message_dict
    assert not Company.objects.exists()


def test_updating_a_company_records_what_changed_and_who_changed_it(secretariat, company):
    changed = services.company_update(
        actor=secretariat,
        company=company,
        legal_name=" شرکت گلسار کاسپین نو ",
        employees=80,
        address=company.address,  # unchanged, so not in the diff
    )

    assert sorted(changed) == ["employees", "legal_name"]
    company.refresh_from_db()
    assert company.legal_name == "شرکت گلسار کاسپین نو"
    assert company.search_key == "شرکت گلسار کاسپین نو"
    assert "شرکتگلسارکاسپیننو" in company.search_document
    [event] = events(company, "updated")
    assert event.actor == secretariat
    assert event.changes == {
        "legal_name": ["شرکت گلسار کاسپین", "شرکت گلسار کاسپین نو"],
        "employees": [None, 80],
    }


def test_an_update_that_changes_nothing_records_nothing(secretariat, company):
    assert services.company_update(actor=secretariat, company=company, employees=None) == []
    assert events(company) == []


def test_financial_amounts_are_recorded_as_changed_without_their_values(secretariat, company):
    services.company_update(
        actor=secretariat, company=company, bank_debt=75_000_000_000, tax_debt=1_200_000
    )

    company.refresh_from_db()
    assert (company.bank_debt, company.tax_debt) == (75_000_000_000, 1_200_000)
    [event] = events(company, "updated")
    assert event.changes == {"bank_debt": ["…", "…"], "tax_debt": ["…", "…"]}
    assert "75000000000" not in str(event.changes)


def test_a_negative_debt_is_refused(secretariat, company):
    with pytest.raises(ValidationError):
        services.company_update(actor=secretariat, company=company, bank_debt=-1)
    assert events(company) == []


def test_moving_a_company_into_an_estate_of_another_province_is_refused(
    secretariat, company, tehran_estate
):
    with pytest.raises(ValidationError) as error:
        services.company_update(actor=secretariat, company=company, estate=tehran_estate)
    assert "estate" in error.value.message_dict
    company.refresh_from_db()
    assert company.estate is None
    assert events(company) == []


def test_a_company_moves_to_another_county_of_its_province(secretariat, company, other_county):
    services.company_update(actor=secretariat, company=company, county=other_county)

    company.refresh_from_db()
    assert company.county == other_county
    [event] = events(company, "updated")
    assert event.changes == {"county": ["قزوین", "تاکستان"]}


def test_a_company_cannot_move_to_a_county_of_another_province(secretariat, company, county):
    tehran_county = CountyFactory(
        province=ProvinceFactory(code="23", name="تهران"), code="2301", name="تهران"
    )
    with pytest.raises(ValidationError) as error:
        services.company_update(actor=secretariat, company=company, county=tehran_county)
    assert "county" in error.value.message_dict
    company.refresh_from_db()
    assert company.county == county
    assert company.province.code == "26"
    assert events(company) == []


@pytest.mark.parametrize("field", ["national_id", "status", "province", "search_document"])
def test_fields_outside_the_update_list_are_refused(company, field):
    with pytest.raises(TypeError):
        services.company_update(actor=None, company=company, **{field: "x"})


# --- Status --------------------------------------------------------------------------------------


def test_a_status_change_becomes_the_current_status_and_joins_the_history(secretariat, company):
    services.company_set_status(
        actor=secretariat,
        company=company,
        status=CompanyStatus.IDLE,
        since=dt.date(2025, 6, 1),
        note=" بدهی بانکی ",
    )

    company.refresh_from_db()
    assert (company.status, company.status_since) == (CompanyStatus.IDLE, dt.date(2025, 6, 1))
    change = company.status_changes.get()
    assert (change.actor, change.note) == (secretariat, "بدهی بانکی")
    [event] = events(company, "status_changed")
    assert event.actor == secretariat
    assert event.changes == {
        "status": ["operating", "idle"],
        "since": "2025-06-01",
        "note": "بدهی بانکی",
    }


def test_a_back_dated_status_change_does_not_override_a_newer_one(secretariat, company):
    services.company_set_status(
        actor=secretariat, company=company, status=CompanyStatus.IDLE, since=dt.date(2025, 6, 1)
    )
    # A correction entered later but dated earlier goes into the history only.
    services.company_set_status(
        actor=secretariat,
        company=company,
        status=CompanyStatus.PARTLY_OPERATING,
        since=dt.date(2024, 1, 1),
    )

    company.refresh_from_db()
    assert (company.status, company.status_since) == (CompanyStatus.IDLE, dt.date(2025, 6, 1))
    assert list(company.status_changes.values_list("status", flat=True)) == [
        "idle",
        "partly_operating",
    ]
    assert len(events(company, "status_changed")) == 2


def test_a_unit_revived_after_idling_is_operating_again(secretariat, company):
    for status, since in [
        (CompanyStatus.IDLE, dt.date(2023, 5, 1)),
        (CompanyStatus.OPERATING, dt.date(2025, 2, 10)),
    ]:
        services.company_set_status(actor=secretariat, company=company, status=status, since=since)

    company.refresh_from_db()
    assert (company.status, company.status_since) == (
        CompanyStatus.OPERATING,
        dt.date(2025, 2, 10),
    )


def test_an_unknown_status_is_refused(company):
    with pytest.raises(ValueError):
        services.company_set_status(
            actor=None, company=company, status="bankrupt", since=dt.date(2025, 1, 1)
        )
    assert not company.status_changes.exists()


# --- Licences, products, contacts ----------------------------------------------------------------


def test_adding_and_removing_a_licence_is_recorded(secretariat, company):
    licence = services.licence_add(
        actor=secretariat,
        company=company,
        kind=LicenceKind.OPERATING,
        number=" 26-1398-0412 ",
        issued_on=dt.date(2019, 5, 5),
        expires_on=dt.date(2029, 5, 5),
        issuer="سازمان صمت قزوین",
    )
    assert Licence.objects.get(company=company).number == "26-1398-0412"

    services.licence_remove(actor=secretariat, licence=licence)

    assert not Licence.objects.filter(company=company).exists()
    added, removed = events(company)
    assert (added.kind, added.actor) == ("licence_added", secretariat)
    assert added.changes == {
        "kind": "operating",
        "number": "26-1398-0412",
        "issued_on": "2019-05-05",
    }
    assert (removed.kind, removed.changes["number"]) == ("licence_removed", "26-1398-0412")


def test_a_licence_expiring_before_its_issue_is_refused(company):
    with pytest.raises(ValidationError):
        services.licence_add(
            actor=None,
            company=company,
            kind=LicenceKind.ESTABLISHMENT,
            number="1",
            issued_on=dt.date(2020, 1, 1),
            expires_on=dt.date(2019, 1, 1),
        )
    assert events(company) == []


def test_the_same_licence_number_twice_is_refused(company):
    kwargs = {"kind": LicenceKind.OPERATING, "number": "77", "issued_on": dt.date(2020, 1, 1)}
    services.licence_add(actor=None, company=company, **kwargs)
    with pytest.raises(ValidationError):
        services.licence_add(actor=None, company=company, **kwargs)


def test_an_unknown_licence_kind_is_refused(company):
    with pytest.raises(ValueError):
        services.licence_add(
            actor=None, company=company, kind="mining", number="1", issued_on=dt.date(2020, 1, 1)
        )


def test_a_product_added_is_recorded_and_becomes_searchable(secretariat, company):
    product = services.product_add(
        actor=secretariat, company=company, name=" مایع ظرفشویی ", hs_code="۳۴۰۲.۲۰"
    )

    assert (product.name, product.hs_code) == ("مایع ظرفشویی", "340220")
    company.refresh_from_db()
    assert "مایعظرفشویی" in company.search_document
    assert "340220" in company.search_document
    [event] = events(company, "product_added")
    assert event.actor == secretariat
    assert event.changes == {"name": "مایع ظرفشویی", "hs_code": "340220"}


def test_a_removed_product_is_recorded_and_leaves_the_search_document(secretariat, company):
    product = services.product_add(actor=secretariat, company=company, name="پودر لباسشویی")

    services.product_remove(actor=secretariat, product=product)

    assert not Product.objects.filter(company=company).exists()
    company.refresh_from_db()
    assert "پودرلباسشویی" not in company.search_document
    [event] = events(company, "product_removed")
    assert (event.actor, event.changes) == (secretariat, {"name": "پودر لباسشویی"})


def test_a_product_with_a_malformed_hs_code_is_refused(company):
    with pytest.raises(ValidationError):
        services.product_add(actor=None, company=company, name="صابون", hs_code="34")
    assert not Product.objects.exists()


def test_replacing_the_product_list_adds_and_removes_only_the_differences(company):
    services.product_add(actor=None, company=company, name="صابون", hs_code="3401")
    services.product_add(actor=None, company=company, name="شامپو")

    assert services.products_replace(actor=None, company=company, names=["صابون", " کرم ", ""])
    assert not services.products_replace(actor=None, company=company, names=["صابون", "کرم"])

    assert dict(company.products.values_list("name", "hs_code")) == {"صابون": "3401", "کرم": ""}
    company.refresh_from_db()
    assert "شامپو" not in company.search_document
    assert "کرم" in company.search_document


def test_adding_and_removing_a_contact_is_recorded(secretariat, company):
    contact = services.contact_add(
        actor=secretariat,
        company=company,
        name=" سارا محمدی ",
        title="مدیرعامل",
        phone="۰۲۸-۳۳۳۴۴۵۵۶",
        email="sara@example.org",
    )
    assert (contact.name, contact.phone) == ("سارا محمدی", "028-33344556")

    services.contact_remove(actor=secretariat, contact=contact)

    assert not company.contacts.exists()
    assert [(e.kind, e.changes) for e in events(company)] == [
        ("contact_added", {"name": "سارا محمدی"}),
        ("contact_removed", {"name": "سارا محمدی"}),
    ]


def test_a_contact_with_a_malformed_email_is_refused(company):
    with pytest.raises(ValidationError):
        services.contact_add(actor=None, company=company, name="الف", email="not-an-address")


# --- Certificates --------------------------------------------------------------------------------


def add_certificate(company, **overrides):
    kwargs = {
        "actor": None,
        "company": company,
        "number": "۱۴۰۳-۵۵۵",
        "certificate_class": CertificateClass.INNOVATOR,
        "issued_on": dt.date(2024, 3, 20),
        "expires_on": dt.date(2027, 3, 20),
        "approved_products": "",
    }
    return services.certificate_add(**{**kwargs, **overrides})


def test_a_certificate_added_is_recorded_and_its_products_become_searchable(secretariat, company):
    certificate = add_certificate(
        company,
        actor=secretariat,
        approved_products=" کرم ضدآفتاب نانو \n\n  شامپوی دانش‌بنیان ",
    )

    assert certificate.number == "1403-555"
    assert certificate.approved_product_list() == ["کرم ضدآفتاب نانو", "شامپوی دانش‌بنیان"]
    company.refresh_from_db()
    assert "شامپویدانشبنیان" in company.search_document
    [event] = events(company, "certificate_added")
    assert event.actor == secretariat
    assert event.changes == {
        "number": "1403-555",
        "class": "innovator",
        "issued_on": "2024-03-20",
        "expires_on": "2027-03-20",
    }


def test_an_old_class_is_accepted_until_the_day_before_the_class_change(company):
    eve = CLASS_SET_CHANGED_ON - dt.timedelta(days=1)
    add_certificate(
        company,
        certificate_class=CertificateClass.PRODUCTION_1,
        issued_on=eve,
        expires_on=eve + dt.timedelta(days=3 * 365),
    )
    assert Certificate.objects.get(company=company).certificate_class == "production_1"


def test_an_old_class_issued_on_or_after_the_class_change_is_refused(company):
    with pytest.raises(ValidationError) as error:
        add_certificate(
            company, certificate_class=CertificateClass.STARTUP_2, issued_on=CLASS_SET_CHANGED_ON
        )
    assert "certificate_class" in error.value.message_dict
    assert not Certificate.objects.exists()
    assert events(company) == []


def test_a_new_class_is_accepted_from_the_day_of_the_class_change(company):
    add_certificate(
        company, certificate_class=CertificateClass.STARTUP, issued_on=CLASS_SET_CHANGED_ON
    )
    assert Certificate.objects.get(company=company).issued_on == dt.date(2023, 7, 23)


def test_a_new_class_issued_before_the_class_change_is_refused(company):
    with pytest.raises(ValidationError) as error:
        add_certificate(
            company,
            certificate_class=CertificateClass.TECHNOLOGIST,
            issued_on=CLASS_SET_CHANGED_ON - dt.timedelta(days=1),
        )
    assert "certificate_class" in error.value.message_dict
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("expires_on", [dt.date(2024, 3, 20), dt.date(2024, 3, 19)])
def test_a_certificate_must_expire_after_its_issue(company, expires_on):
    with pytest.raises(ValidationError) as error:
        add_certificate(company, issued_on=dt.date(2024, 3, 20), expires_on=expires_on)
    assert "expires_on" in error.value.message_dict


def test_an_unknown_certificate_class_is_refused(company):
    with pytest.raises(ValidationError) as error:
        add_certificate(company, certificate_class="gold")
    assert "certificate_class" in error.value.message_dict


def test_a_certificate_number_is_unique(company, other_company):
    add_certificate(company, number="1403-555")
    with pytest.raises(ValidationError) as error:
        add_certificate(other_company, number="۱۴۰۳-۵۵۵")
    assert "number" in error.value.message_dict


def test_the_database_itself_refuses_a_class_that_does_not_match_the_issue_date(company):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            company=company,
            number="x",
            certificate_class=CertificateClass.PRODUCTION_1,
            issued_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2026, 1, 1),
        )


def test_updating_a_certificate_records_the_diff_and_keeps_the_class_rule(secretariat, company):
    certificate = add_certificate(company)

    changed = services.certificate_update(
        actor=secretariat, certificate=certificate, expires_on=dt.date(2028, 3, 20)
    )
    assert changed == ["expires_on"]
    event = events(company, "certificate_updated")[-1]
    assert event.changes == {"number": "1403-555", "expires_on": ["2027-03-20", "2028-03-20"]}

    with pytest.raises(ValidationError):
        services.certificate_update(
            actor=secretariat,
            certificate=certificate,
            certificate_class=CertificateClass.PRODUCTION_2,
        )
    certificate.refresh_from_db()
    assert certificate.certificate_class == CertificateClass.INNOVATOR


def test_revoking_a_certificate_ends_its_validity_on_the_revocation_day(secretariat, company):
    certificate = add_certificate(company)

    services.certificate_revoke(
        actor=secretariat, certificate=certificate, revoked_on=dt.date(2025, 5, 1), reason=" تخلف "
    )

    certificate.refresh_from_db()
    assert certificate.revoked_on == dt.date(2025, 5, 1)
    assert certificate.is_valid_on(dt.date(2025, 4, 30))
    assert not certificate.is_valid_on(dt.date(2025, 5, 1))
    [event] = events(company, "certificate_revoked")
    assert event.actor == secretariat
    assert event.changes == {"number": "1403-555", "revoked_on": "2025-05-01", "reason": "تخلف"}


def test_a_certificate_cannot_be_revoked_twice_or_before_its_issue(company):
    certificate = add_certificate(company)
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            actor=None, certificate=certificate, revoked_on=dt.date(2024, 3, 19)
        )
    services.certificate_revoke(actor=None, certificate=certificate, revoked_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            actor=None, certificate=certificate, revoked_on=dt.date(2025, 2, 1)
        )
    certificate.refresh_from_db()
    assert certificate.revoked_on == dt.date(2025, 1, 1)
    assert len(events(company, "certificate_revoked")) == 1


def test_a_factory_certificate_follows_the_same_rules(company):
    # The factory's default (innovator, issued 1403/01/01) must satisfy the database constraints.
    certificate = CertificateFactory(company=company)
    certificate.full_clean()


# --- Targets -------------------------------------------------------------------------------------


def test_a_target_is_stored_with_who_set_it_and_a_newer_one_supersedes_it(secretariat, province):
    services.target_set(
        actor=secretariat, province=province, count=180, due_on=dt.date(2026, 3, 20)
    )
    target = services.target_set(
        actor=secretariat,
        province=province,
        count=200,
        due_on=dt.date(2027, 3, 20),
        note=" برنامه ۱۴۰۵ ",
    )

    assert (target.count, target.set_by, target.note) == (200, secretariat, "برنامه ۱۴۰۵")
    assert KnowledgeBasedTarget.objects.count() == 2
    assert current_target(province=province) == target


def test_a_target_of_zero_units_is_refused(province):
    with pytest.raises(ValidationError):
        services.target_set(actor=None, province=province, count=0, due_on=dt.date(2027, 1, 1))
    assert not KnowledgeBasedTarget.objects.exists()


def test_other_companies_are_untouched_by_a_change(secretariat, company, other_company):
    services.company_update(actor=secretariat, company=company, employees=5)
    other = Company.objects.get(pk=other_company.pk)
    assert other.employees is None
    assert events(other_company) == []
