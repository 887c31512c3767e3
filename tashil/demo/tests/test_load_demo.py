"""The demo province (DOMAIN.md §9): the reference scenario's figures, loaded once however often
`make run` starts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from tashil.accounts.models import RoleAssignment, User
from tashil.core.identifiers import is_valid_national_id
from tashil.core.text import compact_key
from tashil.demo.registry import (
    EXPIRED_ONLY,
    KNOWLEDGE_BASED,
    REFERENCE_DATE,
    SECTORS,
    UNITS,
    plan_registry,
)
from tashil.geo.models import Province
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    NEW_CLASSES,
    OLD_CLASSES,
    Activity,
    Certificate,
    Company,
    CompanyEvent,
    CompanyStatus,
    Contact,
    KnowledgeBasedTarget,
    Licence,
    Product,
    StatusChange,
)
from tashil.registry.search import search_companies
from tashil.registry.selectors import CompanyFilters, company_list, knowledge_based_series

pytestmark = pytest.mark.django_db

MODELS = (
    Company,
    StatusChange,
    Licence,
    Product,
    Contact,
    Certificate,
    CompanyEvent,
    KnowledgeBasedTarget,
    User,
    RoleAssignment,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def qazvin_companies():
    return Company.objects.filter(province__code="26")


@pytest.fixture
def plan(db):
    call_command("load_reference", stdout=StringIO())
    return plan_registry(Province.objects.get(code="26"))


def test_the_demo_province_matches_the_reference_scenario_and_loads_only_once():
    call_command("load_reference", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "140 active knowledge-based units in Qazvin on 1404/09/24" in out.getvalue()
    assert qazvin_companies().count() == UNITS
    assert qazvin_companies().active_knowledge_based(dt.date(2025, 12, 15)).count() == 140
    # The Caspian cosmetics company is knowledge-based, with approved products.
    golsar = Company.objects.get(legal_name="شرکت بهداشتی آرایشی گلسار کاسپین")
    assert golsar.estate.name == "کاسپین"
    [certificate] = Certificate.objects.valid_on(REFERENCE_DATE).filter(company=golsar)
    assert len(certificate.approved_product_list()) >= 2
    assert golsar.representatives.get().user.username == "golsar"
    # Everything went through the services: each company has its created event and search key.
    assert CompanyEvent.objects.filter(kind="created").count() == UNITS
    assert not qazvin_companies().filter(search_document="").exists()
    target = KnowledgeBasedTarget.objects.get(province__code="26")
    assert (target.count, target.due_on) == (200, dt.date(2027, 3, 20))
    # What the demo is for: search in any spelling, a rising chart, units expiring soon.
    qazvin = Province.objects.get(code="26")

    spellings = [
        set(search_companies(qazvin_companies(), query).values_list("pk", flat=True))
        for query in ("دانش\u200cبنیان", "دانشبنیان", "دانش بنیان")
    ]
    assert spellings[0] == spellings[1] == spellings[2]
    assert len(spellings[0]) >= 10
    assert search_companies(qazvin_companies(), "کیسه پلاستیکی").exists()

    series = knowledge_based_series(province=qazvin, start=dt.date(2024, 6, 21), end=REFERENCE_DATE)
    assert series[-1] == (REFERENCE_DATE, 140)
    assert series[0][1] < 100
    rises = sum(1 for (_a, x), (_b, y) in zip(series, series[1:], strict=False) if y >= x)
    assert rises >= len(series) - 3

    dabir = User.objects.get(username="dabir")
    expiring = company_list(user=dabir, filters=CompanyFilters(on=REFERENCE_DATE, expiring=True))
    assert expiring.count() >= 5
    revived = StatusChange.objects.filter(status=CompanyStatus.IDLE).values("company").distinct()
    assert qazvin_companies().filter(pk__in=revived, status=CompanyStatus.OPERATING).exists()

    before = counts()
    second = StringIO()
    call_command("load_demo", stdout=second)

    assert counts() == before
    assert "140 active knowledge-based units in Qazvin on 1404/09/24" in second.getvalue()


def test_the_plan_is_the_same_every_time(plan):
    again = plan_registry(Province.objects.get(code="26"))
    assert again == plan


def test_the_plan_has_exactly_140_knowledge_based_units_and_25_that_lapsed(plan):
    def valid(unit) -> bool:
        return any(c.is_valid_on(REFERENCE_DATE) for c in unit.certificates)

    assert len(plan) == UNITS
    assert sum(1 for unit in plan if valid(unit)) == KNOWLEDGE_BASED
    lapsed = [u for u in plan if u.certificates and not valid(u)]
    revoked = [u for u in lapsed if any(c.revoked_on for c in u.certificates)]
    assert len(lapsed) - len(revoked) == EXPIRED_ONLY
    assert 1 <= len(revoked) <= 5


def test_some_certificates_run_out_within_60_days_of_the_reference_date(plan):
    soon = REFERENCE_DATE + dt.timedelta(days=60)
    expiring = [
        unit
        for unit in plan
        if any(c.is_valid_on(REFERENCE_DATE) for c in unit.certificates)
        and max(c.expires_on for c in unit.certificates if c.revoked_on is None) <= soon
    ]
    assert 5 <= len(expiring) <= 20


def test_the_plan_uses_both_class_sets_each_on_its_side_of_the_change(plan):
    certificates = [c for unit in plan for c in unit.certificates]
    assert {c.certificate_class for c in certificates} == set(OLD_CLASSES) | set(NEW_CLASSES)
    for c in certificates:
        assert (c.certificate_class in OLD_CLASSES) == (c.issued_on < CLASS_SET_CHANGED_ON)
        assert c.expires_on > c.issued_on
        assert c.revoked_on is None or c.issued_on <= c.revoked_on
    numbers = [c.number for c in certificates]
    assert len(set(numbers)) == len(numbers)


def test_the_plan_identifies_every_unit_uniquely_and_validly(plan):
    ids = [unit.national_id for unit in plan]
    assert len(set(ids)) == len(ids)
    assert all(is_valid_national_id(national_id) for national_id in ids)
    names = [compact_key(unit.legal_name) for unit in plan]
    assert len(set(names)) == len(names)


def test_the_plan_spreads_units_over_the_six_counties_and_the_estates(plan):
    counties = Counter(unit.county_code for unit in plan)
    assert set(counties) == {"2601", "2602", "2603", "2604", "2605", "2606"}
    assert len({unit.estate for unit in plan if unit.estate}) >= 12
    statuses = Counter(unit.statuses[-1][0] for unit in plan)
    assert set(statuses) == set(CompanyStatus.values)
    assert statuses[CompanyStatus.OPERATING] > UNITS / 2
    for unit in plan:
        dates = [since for _status, since in unit.statuses]
        assert dates == sorted(dates)
        assert dates[-1] <= REFERENCE_DATE


def test_the_plan_uses_only_classes_with_a_persian_name(plan):
    activities = Activity.objects.filter(code__in=list(SECTORS))
    assert activities.count() == len(SECTORS)
    assert all(activity.name != activity.name_en for activity in activities)
    assert {unit.activity for unit in plan} <= set(SECTORS)


def test_the_plan_spells_knowledge_based_products_three_ways_and_keeps_arabic_letters(plan):
    products = [name for unit in plan for name, _hs in unit.products]
    assert any("دانش\u200cبنیان" in name for name in products)
    assert any("دانشبنیان" in name for name in products)
    assert any("دانش بنیان" in name for name in products)
    assert any("ي" in name or "ك" in name for name in products)
    assert any(hs for unit in plan for _name, hs in unit.products)
