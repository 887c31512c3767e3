"""The case list behind each dashboard and scorecard figure: the link `figures.links` builds for
a figure lists exactly the cases the figure counts (same province, bucket, county, category,
local days filed, results achieved, referrals sent, overdue today), and a wrong value in any of
those filters is shown on the form rather than breaking the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tashil.agencies.models import Agency
from tashil.cases.models import Case, Referral
from tashil.cases.selectors import CASE_BUCKETS
from tashil.cases.services import ReferralRequest, case_record_results, case_refer
from tashil.cases.tests.conftest import TEHRAN, S
from tashil.factories import CategoryFactory
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import (
    case_figures,
    case_figures_by,
    county_comparison,
    results,
    scorecards,
)

pytestmark = pytest.mark.django_db

# Azar 1403 (21 November – 20 December 2024); the clock stands in Dey, on 8 January 2025.
AZAR = Period.jalali_month(1403, 9)
DEY = Period.jalali_month(1403, 10)


def tehran(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


MID_AZAR = tehran(AZAR.start + dt.timedelta(days=10), 10)
# The last evening of Azar, Tehran time: still Azar.
LAST_EVENING = tehran(AZAR.end, 23, 30)
# Half past midnight on 1 Dey, Tehran time: Dey, although in UTC it is still 30 Azar (21:00).
FIRST_NIGHT_OF_DEY = tehran(DEY.start, 0, 30)
LAST_NIGHT_OF_ABAN = tehran(AZAR.start - dt.timedelta(days=1), 23, 59)


def listed(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {case.pk for case in response.context["cases"]}


def filed_at(case: Case, moment: dt.datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(created_at=moment)
    case.refresh_from_db()
    return case


@pytest.fixture
def filed(
    clock: Any,
    case_in: Any,
    secretariat: Any,
    other_company: Any,
    customs_agency: Any,
) -> dict[str, Case]:
    """Cases of the province in every bucket, filed in Azar, on either side of its edges, in
    another county and in another category."""
    customs = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    found = {
        "submitted": filed_at(case_in(S.SUBMITTED), LAST_EVENING),
        "referred": filed_at(case_in(S.REFERRED), tehran(AZAR.start, 0, 5)),
        "resolved": filed_at(case_in(S.RESOLVED), MID_AZAR),
        "closed": filed_at(case_in(S.CLOSED), MID_AZAR),
        "unresolved": filed_at(case_in(S.UNRESOLVED), MID_AZAR),
        "rejected": filed_at(case_in(S.REJECTED), MID_AZAR),
        "merged": filed_at(case_in(S.MERGED), MID_AZAR),
        "customs": filed_at(case_in(S.SCREENING, category=customs), MID_AZAR),
        "other_county": filed_at(
            case_in(S.SUBMITTED, actor=secretariat, company=other_company, channel="letter"),
            MID_AZAR,
        ),
        "resolved_in_dey": filed_at(case_in(S.RESOLVED), FIRST_NIGHT_OF_DEY),
        "submitted_in_aban": filed_at(case_in(S.SUBMITTED), LAST_NIGHT_OF_ABAN),
    }
    return found


# What each bucket holds of the cases filed in Azar, by name.
IN_AZAR = {
    "received": {
        "submitted",
        "referred",
        "resolved",
        "closed",
        "unresolved",
        "rejected",
        "customs",
        "other_county",
    },
    "in_progress": {"submitted", "referred", "customs", "other_county"},
    "resolved": {"resolved", "closed"},
    "not_resolved": {"unresolved", "rejected"},
}


def pks(cases: dict[str, Case], names: set[str]) -> set[int]:
    return {cases[name].pk for name in names}


@pytest.mark.parametrize("bucket", sorted(CASE_BUCKETS))
def test_each_buckets_link_lists_the_cases_its_figure_counts(
    client: Any, secretariat: Any, province: Any, filed: dict[str, Case], bucket: str
) -> None:
    client.force_login(secretariat)

    shown = listed(client.get(links.cases(province, AZAR, bucket=bucket)))

    assert shown == pks(filed, IN_AZAR[bucket])
    assert len(shown) == getattr(case_figures(province=province, period=AZAR), bucket)


def test_a_case_filed_after_midnight_on_1_dey_is_listed_in_dey_not_in_azar(
    client: Any, secretariat: Any, province: Any, filed: dict[str, Case]
) -> None:
    client.force_login(secretariat)

    in_azar = listed(client.get(links.cases(province, AZAR, bucket="resolved")))
    in_dey = listed(client.get(links.cases(province, DEY, bucket="resolved")))

    assert filed["resolved_in_dey"].pk not in in_azar
    assert in_dey == {filed["resolved_in_dey"].pk}
    assert case_figures(province=province, period=DEY).resolved == 1
    # The last evening of Azar is Azar's, and the last night of Aban is not.
    received = listed(client.get(links.cases(province, AZAR)))
    assert filed["submitted"].pk in received
    assert filed["submitted_in_aban"].pk not in received


def test_the_links_by_county_and_by_category_list_what_their_rows_count(
    client: Any,
    secretariat: Any,
    province: Any,
    other_county: Any,
    filed: dict[str, Case],
) -> None:
    client.force_login(secretariat)
    by_county = {
        row.county.pk: row.cases for row in county_comparison(province=province, period=AZAR)
    }
    by_category = dict(case_figures_by(province=province, period=AZAR, by="category"))

    county_rows = listed(
        client.get(links.cases(province, AZAR, bucket="in_progress", county=other_county.pk))
    )
    customs = filed["customs"].category
    category_rows = listed(client.get(links.cases(province, AZAR, category=customs.pk)))

    assert county_rows == {filed["other_county"].pk}
    assert len(county_rows) == by_county[other_county.pk].in_progress
    assert category_rows == {filed["customs"].pk}
    assert len(category_rows) == by_category[customs].received


def test_the_results_link_lists_the_cases_whose_results_the_figure_counts(
    client: Any, secretariat: Any, province: Any, filed: dict[str, Case]
) -> None:
    for name, day, jobs in (
        ("resolved", AZAR.end, 40),
        ("closed", AZAR.start + dt.timedelta(days=20), 12),
        ("resolved_in_dey", DEY.start, 7),
    ):
        case_record_results(
            actor=secretariat,
            case=filed[name],
            approved_amount=5_000_000_000,
            jobs_preserved=jobs,
            results_on=day,
        )
    client.force_login(secretariat)

    shown = listed(client.get(links.case_results(province, AZAR)))

    assert shown == pks(filed, {"resolved", "closed"})
    counted = results(province=province, period=AZAR)
    assert len(shown) == counted.cases
    assert counted.jobs_preserved == sum(
        Case.objects.filter(pk__in=shown).values_list("jobs_preserved", flat=True)
    )


@pytest.fixture
def referred(
    filed: dict[str, Case],
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    case_in: Any,
) -> dict[str, Case]:
    """Referrals to tax and customs sent in Azar and around it; some overdue today."""
    both = case_in(S.SCREENING)
    case_refer(
        actor=secretariat,
        case=both,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="بررسی شود"),
            ReferralRequest(agency=customs_agency, request_text="بررسی شود"),
        ],
    )
    late_aban = case_in(S.REFERRED)
    sent = {
        (filed["referred"].pk, tax_agency.pk): LAST_EVENING,
        (both.pk, tax_agency.pk): MID_AZAR,
        (both.pk, customs_agency.pk): MID_AZAR,
        (late_aban.pk, tax_agency.pk): LAST_NIGHT_OF_ABAN,
    }
    for (case, agency), moment in sent.items():
        Referral.objects.filter(case_id=case, agency_id=agency).update(created_at=moment)
    today = timezone.localdate()
    # Overdue today: tax on the case referred in Azar and on Aban's; customs on the shared one.
    Referral.objects.filter(case=filed["referred"]).update(due_on=today - dt.timedelta(days=2))
    Referral.objects.filter(case=late_aban).update(due_on=today - dt.timedelta(days=9))
    Referral.objects.filter(case=both, agency=customs_agency).update(
        due_on=today - dt.timedelta(days=1)
    )
    Referral.objects.filter(case=both, agency=tax_agency).update(
        due_on=today + dt.timedelta(days=3)
    )
    return {"referred": filed["referred"], "both": both, "late_aban": late_aban}


def _card(province: Any, agency: Agency) -> Any:
    (card,) = scorecards(
        province=province,
        period=AZAR,
        agencies=Agency.objects.filter(pk=agency.pk),
        today=timezone.localdate(),
    )
    return card


def test_the_scorecards_referral_links_list_the_cases_referred_to_the_agency_in_the_period(
    client: Any,
    secretariat: Any,
    province: Any,
    tax_agency: Any,
    customs_agency: Any,
    referred: dict[str, Case],
) -> None:
    client.force_login(secretariat)

    to_tax = listed(client.get(links.referrals(province, AZAR, agency=tax_agency.pk)))
    to_customs = listed(client.get(links.referrals(province, AZAR, agency=customs_agency.pk)))

    assert to_tax == pks(referred, {"referred", "both"})
    assert len(to_tax) == _card(province, tax_agency).received
    assert to_customs == {referred["both"].pk}
    assert len(to_customs) == _card(province, customs_agency).received


def test_the_overdue_link_lists_the_agencys_own_overdue_referrals_not_another_agencys(
    client: Any,
    secretariat: Any,
    province: Any,
    tax_agency: Any,
    customs_agency: Any,
    referred: dict[str, Case],
) -> None:
    client.force_login(secretariat)

    tax_late = listed(
        client.get(links.referrals(province, AZAR, agency=tax_agency.pk, overdue=True))
    )
    customs_late = listed(
        client.get(links.referrals(province, AZAR, agency=customs_agency.pk, overdue=True))
    )

    # The shared case is late at customs only: tax's overdue list does not show it.
    assert tax_late == pks(referred, {"referred", "late_aban"})
    assert len(tax_late) == _card(province, tax_agency).open_overdue
    assert customs_late == {referred["both"].pk}
    assert len(customs_late) == _card(province, customs_agency).open_overdue


def test_the_referred_range_without_an_agency_lists_cases_with_any_referral_sent_then(
    client: Any, secretariat: Any, referred: dict[str, Case]
) -> None:
    client.force_login(secretariat)

    shown = listed(
        client.get(
            reverse("cases:list"), {"referred_from": "1403/09/01", "referred_to": "1403/09/30"}
        )
    )

    assert shown == pks(referred, {"referred", "both"})


def test_another_provinces_code_is_refused_on_the_form_and_lists_none_of_its_cases(
    client: Any, county_secretary: Any, filed: dict[str, Case]
) -> None:
    from tashil.factories import ProvinceFactory

    tehran_province = ProvinceFactory(code="23", name="تهران")
    client.force_login(county_secretary)

    response = client.get(reverse("cases:list"), {"province": tehran_province.code})

    assert response.status_code == 200
    errors = response.context["form"].errors["province"]
    assert errors == ["یک گزینهٔ معتبر انتخاب کنید. آن گزینه از گزینه‌های موجود نیست."]
    assert errors[0] in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"province": "XX"}, "province", "گزینهٔ معتبر"),
        ({"bucket": "everything"}, "bucket", "گزینهٔ معتبر"),
        ({"results_from": "1403/13/01"}, "results_from", "ماه"),
        ({"results_from": "1403/10/01", "results_to": "1403/09/01"}, "results_to", "پایان بازه"),
        ({"referred_to": "فردا"}, "referred_to", "۱۴۰۴/۰۹/۲۴"),
        ({"referred_from": "1403/10/01", "referred_to": "1403/09/01"}, "referred_to", "پایان بازه"),
        ({"filed_from": "1403/10/01", "filed_to": "1403/09/01"}, "filed_to", "پایان بازه"),
    ],
)
def test_a_wrong_filter_value_is_shown_in_persian_beside_its_field(
    client: Any, secretariat: Any, params: dict[str, str], field: str, error: str
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("cases:list"), params)

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert error in message
    assert message in response.content.decode()
