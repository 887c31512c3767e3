from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from tashil.core.jalali import format_jalali
from tashil.core.models import Holiday, RecurringHoliday
from tashil.factories import ProvinceFactory


def test_healthz_reports_a_working_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, db):
    with mock.patch("tashil.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_the_home_page_is_persian_right_to_left_with_a_jalali_date(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("core:home"))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    today = timezone.localdate()
    assert format_jalali(today, "long", language="fa") in html
    assert "دبیرخانه ستاد" in html  # the user's role, translated


def test_the_browser_language_does_not_override_persian(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="fa" dir="rtl">' in response.content.decode()


def test_switching_to_english_turns_the_page_left_to_right(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("core:home")}
    )
    assert response.status_code == 302

    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html
    assert format_jalali(timezone.localdate(), "long", language="en") in html


def test_the_reference_page_shows_the_users_province_only(client, secretariat, tax_agency):
    other = ProvinceFactory(code="23", name="تهران")
    client.force_login(secretariat)

    response = client.get(reverse("core:reference"), {"province": other.code})

    assert response.status_code == 200
    assert response.context["province"] == secretariat.role_assignments.get().province
    assert tax_agency.name in response.content.decode()


def test_a_user_without_a_role_gets_404_on_the_reference_page(client, db):
    from tashil.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("core:reference")).status_code == 404


def test_the_reference_page_query_count_does_not_grow_with_rows(
    client, secretariat, province, django_assert_max_num_queries
):
    from tashil.factories import AgencyFactory, CountyFactory

    client.force_login(secretariat)
    AgencyFactory.create_batch(3, province=province)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("core:reference"))
    AgencyFactory.create_batch(30, province=province)
    CountyFactory.create_batch(10, province=province)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:reference"))


class TestWorkingDaysCalculator:
    url = reverse("core:working_days")

    @pytest.fixture(autouse=True)
    def _login(self, client, secretariat):
        client.force_login(secretariat)

    def test_it_counts_working_days_skipping_fridays_and_holidays(self, client):
        # 1404/12/26 is Tuesday 2026-03-17. Counted: Wed 18, Thu 19; skipped: Friday 20 (also
        # 29 Esfand) and Nowruz, Sat 21 to Tue 24; counted: Wed 25, Thu 26.
        RecurringHoliday.objects.create(month=12, day=29, name="ملی شدن صنعت نفت")
        for day in range(1, 5):
            RecurringHoliday.objects.create(month=1, day=day, name="نوروز")

        response = client.get(self.url, {"start": "۱۴۰۴/۱۲/۲۶", "days": "۴"})

        assert response.context["result"] == dt.date(2026, 3, 26)

    def test_a_dated_lunar_holiday_is_skipped(self, client):
        Holiday.objects.create(date=dt.date(2026, 3, 16), name="تعطیل آزمایشی")
        response = client.get(self.url, {"start": "1404/12/24", "days": "1"})
        assert response.context["result"] == dt.date(2026, 3, 17)

    def test_an_impossible_date_gets_a_clear_persian_error(self, client):
        response = client.get(self.url, {"start": "1404/12/30", "days": "3"})

        assert response.context["result"] is None
        assert "روز ۳۰ ندارد" in response.content.decode()

    def test_the_leap_day_of_1403_is_accepted(self, client):
        response = client.get(self.url, {"start": "1403/12/30", "days": "0"})
        assert response.context["result"] == dt.date(2025, 3, 20)

    def test_htmx_gets_only_the_result_fragment(self, client):
        response = client.get(
            self.url, {"start": "1404/09/24", "days": "1"}, HTTP_HX_REQUEST="true"
        )

        html = response.content.decode()
        assert "<html" not in html
        assert 'data-testid="working-days-result"' in html

    def test_a_negative_number_of_days_is_refused(self, client):
        response = client.get(self.url, {"start": "1404/09/24", "days": "-1"})
        assert response.context["result"] is None
        assert response.context["form"].errors["days"]


def test_responses_vary_on_the_language_cookie(client, db):
    response = client.get(reverse("accounts:login"))
    assert "Cookie" in response.headers["Vary"]
    assert response.headers["Content-Language"] == "fa"
