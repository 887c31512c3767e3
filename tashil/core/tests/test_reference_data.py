from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tashil.accounts.models import AccountEvent, RoleAssignment, User
from tashil.agencies.models import Agency
from tashil.cases.models import Category, DefaultAgency
from tashil.core.models import RecurringHoliday
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.models import Company

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (Province, County, IndustrialEstate, Agency, Category, DefaultAgency, RecurringHoliday)
    return {model.__name__: model.objects.count() for model in models}


def test_reference_data_loads_the_country_and_qazvin():
    call_command("load_reference", stdout=StringIO())

    assert Province.objects.count() == 31
    qazvin = Province.objects.get(code="26")
    assert qazvin.name == "قزوین"
    assert sorted(County.objects.filter(province=qazvin).values_list("code", flat=True)) == [
        "2601", "2602", "2603", "2604", "2605", "2606",
    ]  # fmt: skip
    estates = set(IndustrialEstate.objects.filter(province=qazvin).values_list("name", flat=True))
    assert len(estates) == 17
    assert {"البرز", "کاسپین", "لیا", "آبیک", "حیدریه", "خرمدشت", "شال", "حکیمیه"} <= estates
    assert DefaultAgency.objects.get(province=qazvin, category__code="tax").agency.code == "tax"
    assert RecurringHoliday.objects.filter(month=1, day__in=[1, 2, 3, 4]).count() == 4


def test_loading_reference_data_twice_duplicates_nothing():
    call_command("load_reference", stdout=StringIO())
    first = counts()
    call_command("load_reference", stdout=StringIO())
    assert counts() == first


def test_a_default_agency_changed_by_an_administrator_survives_a_reload():
    call_command("load_reference", stdout=StringIO())
    qazvin = Province.objects.get(code="26")
    customs = Agency.objects.get(province=qazvin, code="customs")
    DefaultAgency.objects.filter(province=qazvin, category__code="tax").update(agency=customs)

    call_command("load_reference", stdout=StringIO())

    assert DefaultAgency.objects.get(province=qazvin, category__code="tax").agency == customs


def test_the_demo_province_is_idempotent_and_prints_its_accounts():
    out = StringIO()
    call_command("load_demo", stdout=out)
    users, roles, companies = (
        User.objects.count(),
        RoleAssignment.objects.count(),
        Company.objects.count(),
    )
    events = AccountEvent.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert (User.objects.count(), RoleAssignment.objects.count(), Company.objects.count()) == (
        users, roles, companies,
    )  # fmt: skip
    assert AccountEvent.objects.count() == events
    assert "Tashil@1404" in out.getvalue()
    assert "dabir" in out.getvalue()
    dabir = User.objects.get(username="dabir")
    assert dabir.check_password("Tashil@1404")
    assert dabir.role_assignments.get().role == "secretariat"
    # The Caspian cosmetics company of the reference scenario, with a valid national ID.
    golsar = Company.objects.get(representatives__user__username="golsar")
    assert golsar.estate.name == "کاسپین"
    golsar.full_clean()
