"""Whether a company is knowledge-based on a day, and the figures built on it (DOMAIN.md §3, §7):
a certificate counts from its issue day through its expiry day, and not from its revocation day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashil.factories import CertificateFactory, CompanyFactory, CountyFactory, ProvinceFactory
from tashil.registry import services
from tashil.registry.models import CLASS_SET_CHANGED_ON, Certificate, CertificateClass, Company
from tashil.registry.selectors import (
    knowledge_based_count,
    knowledge_based_series,
    month_ends,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 12, 15)  # 1404/09/24


# --- One certificate -----------------------------------------------------------------------------


@pytest.fixture
def certificate(company):
    """Innovator, valid 1403/01/01 (2024-03-20) … 1406/01/01 (2027-03-20)."""
    return CertificateFactory(company=company)


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (dt.date(2024, 3, 19), False),
        (dt.date(2024, 3, 20), True),  # the issue day
        (ON, True),
        (dt.date(2027, 3, 20), True),  # the expiry day
        (dt.date(2027, 3, 21), False),
    ],
)
def test_a_certificate_is_valid_from_its_issue_day_through_its_expiry_day(certificate, day, valid):
    assert certificate.is_valid_on(day) is valid
    assert Certificate.objects.valid_on(day).exists() is valid
    assert Company.objects.active_knowledge_based(day).exists() is valid


def test_a_revoked_certificate_is_valid_until_the_day_before_its_revocation(certificate):
    services.certificate_revoke(actor=None, certificate=certificate, revoked_on=ON)
    eve = ON - dt.timedelta(days=1)
    assert certificate.is_valid_on(eve)
    assert Certificate.objects.valid_on(eve).exists()
    assert not certificate.is_valid_on(ON)
    assert not Certificate.objects.valid_on(ON).exists()
    assert not Company.objects.active_knowledge_based(ON).exists()


def test_the_flag_on_each_company_follows_its_certificates(certificate, company, other_company):
    flags = dict(
        Company.objects.with_knowledge_based_flag(ON).values_list("pk", "is_knowledge_based")
    )
    assert flags == {company.pk: True, other_company.pk: False}


def test_a_renewal_keeps_the_company_knowledge_based_without_a_gap(company):
    CertificateFactory(
        company=company,
        certificate_class=CertificateClass.PRODUCTION_2,
        issued_on=dt.date(2022, 12, 20),
        expires_on=dt.date(2025, 12, 20),
    )
    CertificateFactory(
        company=company,
        certificate_class=CertificateClass.INNOVATOR,
        issued_on=dt.date(2025, 12, 21),
        expires_on=dt.date(2028, 12, 21),
    )
    days = [dt.date(2025, 12, 20), dt.date(2025, 12, 21)]
    assert [Company.objects.active_knowledge_based(day).count() for day in days] == [1, 1]


# --- Knowledge-based figures ---------------------------------------------------------------------


@pytest.fixture
def boundaries(province, company, other_company, county):
    """گلسار: valid 2025-01-10 … 2025-06-10. سپید لیا: valid from 2024, revoked on 2025-03-01.
    A third company's certificate expired on 2025-02-01 and was revoked after that (on 2025-04-01),
    and a company of another province is always valid."""
    CertificateFactory(
        company=company, issued_on=dt.date(2025, 1, 10), expires_on=dt.date(2025, 6, 10)
    )
    revoked = CertificateFactory(
        company=other_company, issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2027, 1, 1)
    )
    services.certificate_revoke(actor=None, certificate=revoked, revoked_on=dt.date(2025, 3, 1))
    late = CertificateFactory(
        company=CompanyFactory(county=county, legal_name="شرکت دیررس"),
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2025, 2, 1),
    )
    services.certificate_revoke(actor=None, certificate=late, revoked_on=dt.date(2025, 4, 1))
    tehran = CountyFactory(
        province=ProvinceFactory(code="23", name="تهران"), code="2301", name="تهران"
    )
    CertificateFactory(
        company=CompanyFactory(county=tehran),
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2027, 1, 1),
    )


@pytest.mark.parametrize(
    ("on", "count"),
    [
        (dt.date(2025, 1, 9), 2),  # سپید لیا and دیررس
        (dt.date(2025, 1, 10), 3),  # the issue day counts
        (dt.date(2025, 2, 1), 3),  # دیررس's expiry day counts
        (dt.date(2025, 2, 2), 2),  # …the day after does not
        (dt.date(2025, 2, 28), 2),
        (dt.date(2025, 3, 1), 1),  # the revocation day does not count
        (dt.date(2025, 6, 10), 1),  # گلسار's expiry day counts
        (dt.date(2025, 6, 11), 0),
    ],
)
def test_the_knowledge_based_count_on_a_day(province, boundaries, on, count):
    assert knowledge_based_count(province=province, on=on) == count


def test_a_company_with_two_valid_certificates_counts_once(province, company):
    CertificateFactory(company=company)
    CertificateFactory(company=company, certificate_class=CertificateClass.TECHNOLOGIST)
    assert knowledge_based_count(province=province, on=ON) == 1


def test_month_ends_are_the_last_days_of_jalali_months_through_esfand_and_farvardin():
    # 1403 is a leap year: Esfand ends on its 30th (2025-03-20).
    assert month_ends(dt.date(2025, 2, 1), dt.date(2025, 4, 10)) == [
        dt.date(2025, 2, 18),  # 1403/11/30
        dt.date(2025, 3, 20),  # 1403/12/30
        dt.date(2025, 4, 10),  # "today", inside Farvardin 1404
    ]
    # 1404 is not: Esfand ends on its 29th (2026-03-20); the last point is the end itself.
    assert month_ends(dt.date(2026, 2, 25), dt.date(2026, 4, 20)) == [
        dt.date(2026, 3, 20),  # 1404/12/29
        dt.date(2026, 4, 20),  # 1405/01/31
    ]


def test_the_monthly_series_matches_the_count_on_each_point(province, boundaries):
    series = knowledge_based_series(
        province=province, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 15)
    )
    assert series == [
        (dt.date(2025, 1, 19), 3),  # 1403/10/30
        (dt.date(2025, 2, 18), 2),  # دیررس expired; its later revocation changes nothing
        (dt.date(2025, 3, 20), 1),  # 1403/12/30: سپید لیا revoked
        (dt.date(2025, 4, 20), 1),
        (dt.date(2025, 5, 21), 1),
        (dt.date(2025, 6, 15), 0),
    ]
    assert series == [
        (point, knowledge_based_count(province=province, on=point)) for point, _count in series
    ]


def test_the_monthly_series_is_read_in_one_query(province, boundaries, django_assert_num_queries):
    with django_assert_num_queries(1):
        knowledge_based_series(province=province, start=dt.date(2024, 6, 1), end=ON)


# --- The figures agree with the rule, whatever the certificates -----------------------------------

START = dt.date(2021, 1, 1)
certificates = st.lists(
    st.tuples(
        st.integers(0, 2),  # which company
        st.dates(START, dt.date(2026, 6, 30)),  # issued on
        st.integers(1, 1200),  # valid for this many days
        st.one_of(st.none(), st.integers(0, 1500)),  # revoked this many days after issue
    ),
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=certificates, day=st.dates(START, dt.date(2027, 12, 31)))
def test_the_count_and_the_series_agree_with_each_certificates_validity(
    province, county, rows, day
):
    with transaction.atomic():
        companies = [CompanyFactory(county=county) for _ in range(3)]
        made = [
            Certificate.objects.create(
                company=companies[which],
                number=f"H-{n}",
                certificate_class=(
                    CertificateClass.INNOVATOR
                    if issued >= CLASS_SET_CHANGED_ON
                    else CertificateClass.PRODUCTION_1
                ),
                issued_on=issued,
                expires_on=issued + dt.timedelta(days=term),
                revoked_on=None if revoked is None else issued + dt.timedelta(days=revoked),
            )
            for n, (which, issued, term, revoked) in enumerate(rows)
        ]

        def expected(on: dt.date) -> int:
            return len({c.company_id for c in made if c.is_valid_on(on)})

        assert knowledge_based_count(province=province, on=day) == expected(day)
        series = knowledge_based_series(province=province, start=START, end=day)
        assert series == [(point, expected(point)) for point in month_ends(START, day)]
        transaction.set_rollback(True)
