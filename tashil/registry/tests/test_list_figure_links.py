"""The company list behind the dashboard's unit figures: the link `figures.links` builds for the
knowledge-based units and the idle units revived lists exactly the companies the figure counts,
and a wrong value in those filters is shown on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tashil.accounts.services import role_grant
from tashil.factories import CertificateFactory, CompanyFactory, CountyFactory, ProvinceFactory
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import county_comparison, knowledge_based, revived_units
from tashil.registry.models import Company, CompanyStatus
from tashil.registry.services import company_set_status

pytestmark = pytest.mark.django_db

AZAR = Period.jalali_month(1403, 9)
DEY = Period.jalali_month(1403, 10)
ABAN = Period.jalali_month(1403, 8)
IDLE, OPERATING, PARTLY = (
    CompanyStatus.IDLE,
    CompanyStatus.OPERATING,
    CompanyStatus.PARTLY_OPERATING,
)


def listed(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {company.pk for company in response.context["companies"]}


def pks(rows: dict[str, Company], names: set[str]) -> set[int]:
    return {rows[name].pk for name in names}


def history(company: Company, *changes: tuple[str, dt.date]) -> Company:
    for status, since in changes:
        company_set_status(actor=None, company=company, status=status, since=since)
    return company


@pytest.fixture
def units(county: Any, other_county: Any) -> dict[str, Company]:
    """Companies of the province whose status went from idle to work in Azar, around it, or
    not from idle at all."""
    before = ABAN.start
    mid = AZAR.start + dt.timedelta(days=12)
    return {
        "last_day": history(CompanyFactory(county=county), (IDLE, before), (OPERATING, AZAR.end)),
        "first_day": history(CompanyFactory(county=county), (IDLE, before), (PARTLY, AZAR.start)),
        "twice": history(
            CompanyFactory(county=county),
            (IDLE, before),
            (OPERATING, AZAR.start + dt.timedelta(days=2)),
            (IDLE, mid),
            (OPERATING, mid + dt.timedelta(days=5)),
        ),
        "other_county": history(
            CompanyFactory(county=other_county), (IDLE, before), (OPERATING, mid)
        ),
        "in_dey": history(CompanyFactory(county=county), (IDLE, before), (OPERATING, DEY.start)),
        "in_aban": history(
            CompanyFactory(county=county), (IDLE, before), (OPERATING, AZAR.start - dt.timedelta(1))
        ),
        "never_idle": history(CompanyFactory(county=county), (OPERATING, before), (PARTLY, mid)),
        "still_idle": history(CompanyFactory(county=county), (OPERATING, before), (IDLE, mid)),
    }


REVIVED_IN_AZAR = {"last_day", "first_day", "twice", "other_county"}


def test_the_revived_link_lists_the_units_the_figure_counts(
    client: Any, secretariat: Any, province: Any, units: dict[str, Company]
) -> None:
    client.force_login(secretariat)

    shown = listed(client.get(links.revived(province, AZAR)))

    assert shown == pks(units, REVIVED_IN_AZAR)
    assert len(shown) == revived_units(province=province, period=AZAR)
    in_dey = listed(client.get(links.revived(province, DEY)))
    assert in_dey == {units["in_dey"].pk}
    assert len(in_dey) == revived_units(province=province, period=DEY)


def test_a_countys_revived_link_lists_what_the_county_comparison_counts(
    client: Any, secretariat: Any, province: Any, other_county: Any, units: dict[str, Company]
) -> None:
    client.force_login(secretariat)
    row = next(
        r for r in county_comparison(province=province, period=AZAR) if r.county == other_county
    )

    shown = listed(client.get(links.revived(province, AZAR, county=other_county.pk)))

    assert shown == {units["other_county"].pk}
    assert len(shown) == row.revived


def test_without_a_province_the_revived_range_covers_each_province_the_user_sees(
    client: Any, secretariat: Any, province: Any, units: dict[str, Company]
) -> None:
    tehran = ProvinceFactory(code="23", name="تهران")
    role_grant(actor=None, user=secretariat, role="secretariat", province=tehran)
    theirs = history(
        CompanyFactory(county=CountyFactory(province=tehran)),
        (IDLE, ABAN.start),
        (OPERATING, AZAR.end),
    )
    client.force_login(secretariat)
    azar = {"revived_from": "1403/09/01", "revived_to": "1403/09/30"}

    everywhere = listed(client.get(reverse("registry:company_list"), azar))
    in_tehran = listed(client.get(reverse("registry:company_list"), {**azar, "province": "23"}))

    assert everywhere == pks(units, REVIVED_IN_AZAR) | {theirs.pk}
    assert in_tehran == {theirs.pk}
    assert len(in_tehran) == revived_units(province=tehran, period=AZAR)


def test_an_open_ended_revived_range_lists_every_revival_since_its_start(
    client: Any, secretariat: Any, units: dict[str, Company]
) -> None:
    client.force_login(secretariat)

    shown = listed(client.get(reverse("registry:company_list"), {"revived_from": "1403/09/01"}))

    assert shown == pks(units, REVIVED_IN_AZAR | {"in_dey"})


def test_the_knowledge_based_link_lists_the_units_the_figure_counts(
    client: Any, secretariat: Any, province: Any, county: Any, other_county: Any
) -> None:
    def certified(where: Any, **certificate: Any) -> Company:
        company = CompanyFactory(county=where)
        CertificateFactory(company=company, **certificate)
        return company

    valid = {
        certified(county, issued_on=dt.date(2024, 3, 20)).pk,
        # Issued on the last day of Azar: valid on it.
        certified(other_county, issued_on=AZAR.end, expires_on=DEY.end).pk,
    }
    certified(county, issued_on=dt.date(2023, 9, 1), expires_on=AZAR.end - dt.timedelta(1))
    certified(county, issued_on=DEY.start)
    certified(county, issued_on=dt.date(2024, 3, 20), revoked_on=AZAR.end)
    client.force_login(secretariat)

    shown = listed(client.get(links.knowledge_based(province, AZAR)))

    assert shown == valid
    assert len(shown) == knowledge_based(province=province, period=AZAR).count
    row = next(
        r for r in county_comparison(province=province, period=AZAR) if r.county == other_county
    )
    in_county = listed(client.get(links.knowledge_based(province, AZAR, county=other_county.pk)))
    assert len(in_county) == row.knowledge_based == 1


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"province": "XX"}, "province", "گزینهٔ معتبر"),
        ({"revived_from": "1403/12/31"}, "revived_from", "۳۱"),
        ({"revived_to": "امروز"}, "revived_to", "۱۴۰۴/۰۹/۲۴"),
        ({"revived_from": "1403/10/01", "revived_to": "1403/09/01"}, "revived_to", "پایان بازه"),
    ],
)
def test_a_wrong_company_filter_is_shown_in_persian_beside_its_field(
    client: Any, secretariat: Any, params: dict[str, str], field: str, error: str
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("registry:company_list"), params)

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert error in message
    assert message in response.content.decode()
