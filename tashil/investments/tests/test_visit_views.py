"""The official visits' pages: the list, the summary page, recording a visit and the stops of its
programme, and who may do what.

The cast: Qazvin's secretariat records visits; the executive and a county secretariat read
them; a company's representative and an agency officer do not reach them; Tehran's secretariat
sees Tehran's visits only. The visit is the government spokesperson's, yesterday (openings are
recorded once they have happened), and the line it opens is the reference scenario's cosmetics
line (USD 4,000,000; 100 jobs; 90 product types).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, pgettext

from tashil.core.jalali import format_jalali, jalali_input_value
from tashil.core.money import Currency, Money
from tashil.core.text import to_persian_digits
from tashil.investments import services
from tashil.investments.models import (
    Event,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    Visit,
)
from tashil.investments.tests.conftest import dollars, reference_programme
from tashil.investments.visit_forms import day_label
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting
from tashil.meetings.workflow import MeetingKind

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def url(name: str, *args: Any) -> str:
    return reverse(f"investments:{name}", args=args)


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def fa(message: str, context: str | None = None) -> str:
    """A message as the Persian page shows it, HTML-escaped (the English text until it is
    translated)."""
    with translation.override("fa"):
        return escape(pgettext(context, message) if context else gettext(message))


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def invalid_fields(page: str) -> set[str]:
    """The names of the inputs the page marks invalid."""
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    return {
        match.group(1)
        for tag in tags
        if 'aria-invalid="true"' in tag and (match := re.search(r'name="([^"]+)"', tag))
    }


def jalali(day: dt.date, *, persian: bool = False) -> str:
    text = jalali_input_value(day)
    return to_persian_digits(text) if persian else text


def long_date(day: dt.date) -> str:
    with translation.override("fa"):
        return format_jalali(day, style="long")


def add(visit: Visit, **fields: Any) -> ItineraryItem:
    fields.setdefault("day", visit.starts_on)
    fields.setdefault("kind", ItineraryKind.MEETING)
    return services.item_add(actor=None, visit=visit, **fields)


def item_data(visit: Visit, **fields: Any) -> dict[str, Any]:
    data = {
        "day": jalali(visit.starts_on),
        "starts_at": "",
        "kind": ItineraryKind.MEETING,
        "title": "دیدار با امام جمعه",
        "place": "",
        "company": "",
        "project": "",
        "meeting": "",
        "note": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def tehran_secretariat(db: Any) -> Any:
    from tashil.conftest import _user_with_role
    from tashil.factories import ProvinceFactory

    return _user_with_role(
        "tehran", "secretariat", province=ProvinceFactory(code="23", name="تهران")
    )


@pytest.fixture
def tehran_visit(tehran_secretariat: Any, today: dt.date) -> Visit:
    province = tehran_secretariat.role_assignments.get().province
    return services.visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت به تهران",
        visitor_name="محمد اتابک",
        visitor_title="وزیر صمت",
        starts_on=today,
    )


@pytest.fixture
def hq_meeting(province: Any, visit: Visit) -> Meeting:
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان قزوین",
    )
    return Meeting.objects.create(
        body=body,
        number=227,
        starts_at=dt.datetime.combine(visit.starts_on, dt.time(9, 30), tzinfo=TEHRAN),
    )


@pytest.fixture
def forecast(cosmetics_line: Project, destinations: Any, today: dt.date) -> None:
    """The line's export forecast: USD 1,000,000 a year, split between the Arab countries (as a
    group) and Russia."""
    year = int(jalali_input_value(today)[:4])
    for destination, amount in ((destinations.arab, 600_000), (destinations.russia, 400_000)):
        services.export_record(
            actor=None,
            company=cosmetics_line.company,
            project=cosmetics_line,
            kind=ExportKind.FORECAST,
            year=year,
            destination=destination,
            value=dollars(amount),
            source="سخنگوی دولت",
        )


# --- Who sees the visits --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretariat", "executive", "county_secretary"])
def test_the_secretariat_the_executive_and_a_county_secretariat_see_the_provinces_visits(
    client: Any, request: Any, persona: str, visit: Visit, tehran_visit: Visit
) -> None:
    login(client, request.getfixturevalue(persona))

    listing = client.get(url("visit_list"))
    detail = client.get(url("visit_detail", visit.pk))

    assert listing.status_code == 200
    assert visit.title in listing.content.decode()
    assert tehran_visit.title not in listing.content.decode()
    assert detail.status_code == 200
    assert client.get(url("visit_detail", tehran_visit.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["owner", "officer", "expert"])
def test_companies_agencies_and_experts_do_not_reach_the_visits(
    client: Any, request: Any, persona: str, visit: Visit
) -> None:
    login(client, request.getfixturevalue(persona))

    assert client.get(url("visit_list")).status_code == 403
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert client.get(url("visit_programme", visit.pk)).status_code == 404
    assert client.get(url("visit_edit", visit.pk)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client: Any, visit: Visit) -> None:
    response = client.get(url("visit_detail", visit.pk))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["executive", "county_secretary"])
def test_readers_get_no_buttons_and_may_not_write(
    client: Any, request: Any, persona: str, visit: Visit, province: Any
) -> None:
    item = add(visit, title="دیدار با امام جمعه")
    login(client, request.getfixturevalue(persona))

    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert 'data-testid="visit-edit"' not in page
    assert 'data-testid="item-add"' not in page
    assert 'data-testid="item-edit"' not in page
    assert 'data-testid="visit-programme"' in page  # the programme is for every reader

    assert client.get(url("visit_create")).status_code == 403
    created = client.post(
        url("visit_create"),
        {"title": "سفر", "visitor_name": "الف", "visitor_title": "ب", "starts_on": "1404/09/24"},
    )
    assert created.status_code == 403
    assert client.post(url("visit_edit", visit.pk), {"title": "x"}).status_code == 403
    assert client.post(url("item_add", visit.pk), item_data(visit)).status_code == 403
    assert client.post(url("item_edit", visit.pk, item.pk), item_data(visit)).status_code == 403
    assert client.post(url("item_remove", visit.pk, item.pk)).status_code == 403
    assert Visit.objects.count() == 1
    assert list(visit.items.values_list("title", flat=True)) == ["دیدار با امام جمعه"]


def test_another_provinces_secretariat_cannot_touch_the_visit(
    client: Any, tehran_secretariat: Any, visit: Visit
) -> None:
    item = add(visit, title="دیدار با امام جمعه")
    login(client, tehran_secretariat)

    assert client.get(url("visit_edit", visit.pk)).status_code == 404
    assert client.post(url("item_remove", visit.pk, item.pk)).status_code == 404
    assert ItineraryItem.objects.filter(pk=item.pk).exists()


def test_an_item_is_reached_only_through_its_own_visit(
    client: Any, secretariat: Any, visit: Visit, province: Any, today: dt.date
) -> None:
    other = services.visit_create(
        actor=None,
        province=province,
        title="سفر معاون رئیس جمهور",
        visitor_name="الف",
        visitor_title="معاون",
        starts_on=today,
    )
    item = add(other, title="بازدید از شهرک")
    login(client, secretariat)

    assert client.get(url("item_edit", visit.pk, item.pk)).status_code == 404
    assert client.post(url("item_remove", visit.pk, item.pk)).status_code == 404
    assert ItineraryItem.objects.filter(pk=item.pk).exists()


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_each_visit_with_its_visitor_dates_stops_and_openings_newest_first(
    client: Any,
    secretariat: Any,
    visit: Visit,
    cosmetics_line: Project,
    province: Any,
    today: dt.date,
) -> None:
    add(visit, title="دیدار با امام جمعه")
    add(visit, kind=ItineraryKind.OPENING, title="افتتاح خط تولید", project=cosmetics_line)
    older = services.visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="محمد اتابک",
        visitor_title="وزیر صمت",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=39),
    )
    login(client, secretariat)

    response = client.get(url("visit_list"))

    page = response.content.decode()
    assert page.index(visit.title) < page.index(older.title)
    rows = page.split('data-testid="visit-row"')[1:]
    assert "فاطمه مهاجرانی" in rows[0] and "سخنگوی دولت" in rows[0]
    assert long_date(visit.starts_on) in rows[0]
    assert 'data-testid="visit-stops">۲<' in rows[0]
    assert 'data-testid="visit-openings">۱<' in rows[0]
    assert long_date(older.starts_on) in rows[1] and long_date(older.ends_on) in rows[1]
    assert 'data-testid="visit-stops">۰<' in rows[1]
    assert 'data-testid="visit-create"' in page


def test_the_list_takes_the_same_queries_however_many_visits_and_stops(
    client: Any,
    secretariat: Any,
    province: Any,
    today: dt.date,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, secretariat)

    def visits(count: int) -> None:
        for number in range(count):
            visit = services.visit_create(
                actor=None,
                province=province,
                title=f"سفر {number}",
                visitor_name="الف",
                visitor_title="ب",
                starts_on=today - dt.timedelta(days=number + 1),
            )
            for stop in range(3):
                add(visit, title=f"برنامه {stop}")

    visits(2)
    with django_assert_max_num_queries(6) as few:
        client.get(url("visit_list"))
    visits(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("visit_list"))
    assert response.content.decode().count('data-testid="visit-row"') == 12


# --- Recording a visit ----------------------------------------------------------------------------


def test_the_secretariat_records_a_visit_with_jalali_dates_in_persian_digits(
    client: Any, secretariat: Any, province: Any
) -> None:
    login(client, secretariat)

    response = client.post(
        url("visit_create"),
        {
            "title": "سفر سخنگوی دولت به استان قزوین",
            "visitor_name": "فاطمه مهاجرانی",
            "visitor_title": "سخنگوی دولت",
            "starts_on": "۱۴۰۴/۰۹/۲۴",
            "ends_on": "۱۴۰۴/۰۹/۲۵",
            "summary": "بازدید از توانمندی‌های صنعتی استان",
        },
    )

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("visit_detail", visit.pk)
    assert visit.province == province
    assert visit.starts_on == dt.date(2025, 12, 15)
    assert visit.ends_on == dt.date(2025, 12, 16)
    assert visit.visitor_name == "فاطمه مهاجرانی"
    assert visit.created_by == secretariat
    assert Event.objects.filter(target=Event.Target.VISIT, target_id=visit.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "۲۴ آذر ۱۴۰۴" in page and "۲۵ آذر ۱۴۰۴" in page


def test_a_secretariat_of_two_provinces_chooses_the_province_others_are_not_offered(
    client: Any, secretariat: Any, province: Any
) -> None:
    from tashil.accounts.services import role_grant
    from tashil.factories import ProvinceFactory

    zanjan = ProvinceFactory(code="19", name="زنجان")
    ProvinceFactory(code="23", name="تهران")
    role_grant(actor=None, user=secretariat, role="secretariat", province=zanjan)
    login(client, secretariat)
    form = client.get(url("visit_create")).content.decode()
    province_select = form.split('name="province"')[1].split("</select>")[0]
    assert "زنجان" in province_select and "قزوین" in province_select
    assert "تهران" not in province_select

    client.post(
        url("visit_create"),
        {
            "province": zanjan.pk,
            "title": "سفر",
            "visitor_name": "الف",
            "visitor_title": "ب",
            "starts_on": "1404/09/24",
        },
    )

    assert Visit.objects.get().province == zanjan


def test_a_one_day_visit_ends_the_day_it_starts(client: Any, secretariat: Any) -> None:
    login(client, secretariat)

    client.post(
        url("visit_create"),
        {"title": "سفر", "visitor_name": "الف", "visitor_title": "ب", "starts_on": "1404/09/24"},
    )

    visit = Visit.objects.get()
    assert visit.ends_on == visit.starts_on == dt.date(2025, 12, 15)


def test_a_visit_that_ends_before_it_starts_is_refused_and_the_form_keeps_the_input(
    client: Any, secretariat: Any
) -> None:
    login(client, secretariat)

    response = client.post(
        url("visit_create"),
        {
            "title": "سفر سخنگوی دولت",
            "visitor_name": "فاطمه مهاجرانی",
            "visitor_title": "سخنگوی دولت",
            "starts_on": "۱۴۰۴/۰۹/۲۴",
            "ends_on": "۱۴۰۴/۰۹/۲۰",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert fa("The last day cannot be before the first.") in page
    assert "فاطمه مهاجرانی" in page
    assert "۱۴۰۴/۰۹/۲۰" in page
    assert not Visit.objects.exists()


def test_a_date_that_does_not_exist_is_refused(client: Any, secretariat: Any) -> None:
    login(client, secretariat)

    response = client.post(
        url("visit_create"),
        {"title": "سفر", "visitor_name": "الف", "visitor_title": "ب", "starts_on": "1404/12/30"},
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Visit.objects.exists()


def test_the_secretariat_edits_the_visit(client: Any, secretariat: Any, visit: Visit) -> None:
    login(client, secretariat)
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert jalali(visit.starts_on) in page  # the form shows the Jalali day

    response = client.post(
        url("visit_edit", visit.pk),
        {
            "title": "سفر استانی سخنگوی دولت",
            "visitor_name": visit.visitor_name,
            "visitor_title": visit.visitor_title,
            "starts_on": jalali(visit.starts_on, persian=True),
            "ends_on": jalali(visit.starts_on + dt.timedelta(days=1), persian=True),
            "summary": "",
        },
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "سفر استانی سخنگوی دولت"
    assert visit.ends_on == visit.starts_on + dt.timedelta(days=1)
    assert Event.objects.filter(target_id=visit.pk, kind="updated").exists()


def test_a_visit_cannot_shrink_past_its_stops(
    client: Any, secretariat: Any, province: Any, today: dt.date
) -> None:
    visit = services.visit_create(
        actor=None,
        province=province,
        title="سفر دو روزه",
        visitor_name="الف",
        visitor_title="ب",
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
    )
    add(visit, day=today + dt.timedelta(days=1), title="شورای اداری")
    login(client, secretariat)

    response = client.post(
        url("visit_edit", visit.pk),
        {
            "title": visit.title,
            "visitor_name": "الف",
            "visitor_title": "ب",
            "starts_on": jalali(today),
            "ends_on": jalali(today),
        },
    )

    assert response.status_code == 200
    assert fa("Some itinerary items fall outside these days; move them first.") in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.ends_on == today + dt.timedelta(days=1)


# --- The stops of the programme -------------------------------------------------------------------


def test_the_item_form_offers_the_visits_days_the_provinces_projects_and_meetings(
    client: Any,
    secretariat: Any,
    province: Any,
    today: dt.date,
    cosmetics_line: Project,
    make_project: Any,
    hq_meeting: Meeting,
) -> None:
    from tashil.factories import CompanyFactory, ProvinceFactory

    days = [today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)]
    visit = services.visit_create(
        actor=None,
        province=province,
        title="سفر سه روزه",
        visitor_name="الف",
        visitor_title="ب",
        starts_on=days[0],
        ends_on=days[-1],
    )
    elsewhere = make_project(
        CompanyFactory(county__province=ProvinceFactory(code="23")), title="طرح استان دیگر"
    )
    login(client, secretariat)

    page = client.get(url("item_add", visit.pk)).content.decode()

    day_select = page.split('name="day"')[1].split("</select>")[0]
    with translation.override("fa"):
        labels = [day_label(day) for day in days]
    assert day_select.count("<option") == 3
    for day, label in zip(days, labels, strict=True):
        assert f'value="{jalali(day)}"' in day_select
        assert label in day_select
    assert f'value="{jalali(today)}" selected' in day_select  # today, during the visit
    assert cosmetics_line.title in page
    assert elsewhere.title not in page
    assert "ستاد تسهیل و رفع موانع تولید استان قزوین" in page


def test_an_opening_on_the_visit_opens_the_project(
    client: Any, secretariat: Any, visit: Visit, cosmetics_line: Project, company: Any
) -> None:
    login(client, secretariat)

    response = client.post(
        url("item_add", visit.pk),
        item_data(
            visit,
            kind=ItineraryKind.OPENING,
            title="افتتاح خط تولید محصولات آرایشی و بهداشتی",
            starts_at="۱۰:۳۰",
            place="شهرک صنعتی کاسپین",
            project=str(cosmetics_line.pk),
        ),
        follow=True,
    )

    item = ItineraryItem.objects.get()
    assert item.kind == ItineraryKind.OPENING
    assert item.starts_at == dt.time(10, 30)
    assert item.company == company  # the project's company
    cosmetics_line.refresh_from_db()
    assert cosmetics_line.opened_on == visit.starts_on
    assert cosmetics_line.status == ProjectStatus.OPERATING
    assert cosmetics_line.progress == 100
    opening = cosmetics_line.updates.get(kind=ProjectUpdate.Kind.OPENED)
    assert opening.item == item
    assert opening.on == visit.starts_on
    assert visit.title in opening.source
    # The page says so, with the way to the project.
    page = response.content.decode()
    project_url = reverse("investments:project_detail", args=[cosmetics_line.pk])
    assert f'href="{project_url}" class="alert-link" data-testid="opened-project"' in page
    assert format_jalali(visit.starts_on) in page
    assert 'data-testid="item-time">۱۰:۳۰<' in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": ItineraryKind.OPENING, "title": "افتتاح خط تولید"},
            "project",
            "Name the project this opening opens.",
        ),
        ({"starts_at": "ساعت ده"}, "starts_at", "Enter a time such as 09:30."),
        ({"starts_at": "25:00"}, "starts_at", "Enter a time such as 09:30."),
        ({"title": "  "}, "title", "This field is required."),
        (
            {"company": "10380284791"},
            "company",
            "This national ID is not valid: its check digit does not match.",
        ),
    ],
)
def test_bad_stops_are_refused_with_the_reason_and_the_input_kept(
    client: Any,
    secretariat: Any,
    visit: Visit,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    login(client, secretariat)
    data = item_data(visit, place="مصلای قزوین", **fields)

    response = client.post(url("item_add", visit.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert fa(message) in page
    assert field in invalid_fields(page) or field == "project"  # a select left empty
    assert "مصلای قزوین" in page  # what was typed stays
    for value in fields.values():
        if value.strip() and field != "project":
            assert value in page
    assert not ItineraryItem.objects.exists()


def test_a_day_outside_the_visit_is_refused_and_stays_selected(
    client: Any, secretariat: Any, visit: Visit
) -> None:
    login(client, secretariat)
    outside = visit.starts_on - dt.timedelta(days=3)

    response = client.post(url("item_add", visit.pk), item_data(visit, day=jalali(outside)))

    page = response.content.decode()
    assert response.status_code == 200
    assert fa("The day must be one of the visit's days.") in page
    assert f'value="{jalali(outside)}" selected' in page
    assert not ItineraryItem.objects.exists()


def test_an_opening_after_today_goes_on_the_programme_and_leaves_the_line_as_it_is(
    client: Any, secretariat: Any, province: Any, today: dt.date, cosmetics_line: Project
) -> None:
    visit = services.visit_create(
        actor=None,
        province=province,
        title="سفر آینده",
        visitor_name="الف",
        visitor_title="ب",
        starts_on=today + dt.timedelta(days=2),
    )
    login(client, secretariat)

    response = client.post(
        url("item_add", visit.pk),
        item_data(visit, kind=ItineraryKind.OPENING, project=str(cosmetics_line.pk)),
    )

    item = ItineraryItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('visit_detail', visit.pk)}#item-{item.pk}"
    assert (item.kind, item.day, item.project) == (
        ItineraryKind.OPENING,
        visit.starts_on,
        cosmetics_line,
    )
    # The line opens on the day (services.openings_due), not when the programme is drawn up.
    cosmetics_line.refresh_from_db()
    assert (cosmetics_line.status, cosmetics_line.opened_on) == (
        ProjectStatus.UNDER_CONSTRUCTION,
        None,
    )
    assert not cosmetics_line.updates.filter(kind=ProjectUpdate.Kind.OPENED).exists()


def test_a_stop_names_a_company_by_its_national_id_in_persian_digits(
    client: Any, secretariat: Any, visit: Visit, company: Any, other_company: Any
) -> None:
    login(client, secretariat)

    client.post(
        url("item_add", visit.pk),
        item_data(
            visit,
            kind=ItineraryKind.EXHIBITION,
            title="بازدید از نمایشگاه توانمندی‌های صنعتی",
            company=to_persian_digits(company.national_id),
        ),
    )

    item = ItineraryItem.objects.get()
    assert item.company == company
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    company_url = reverse("registry:company_detail", args=[company.national_id])
    assert f'href="{company_url}" data-testid="item-company"' in page


def test_a_company_outside_the_province_is_not_found(
    client: Any, secretariat: Any, visit: Visit
) -> None:
    from tashil.factories import CompanyFactory, ProvinceFactory

    stranger = CompanyFactory(county__province=ProvinceFactory(code="23"))
    login(client, secretariat)

    response = client.post(
        url("item_add", visit.pk), item_data(visit, company=stranger.national_id)
    )

    assert fa("No company with this national ID is registered in the visit's province.") in (
        response.content.decode()
    )
    assert not ItineraryItem.objects.exists()


def test_a_stop_links_an_hq_meeting_of_the_province(
    client: Any, secretariat: Any, visit: Visit, hq_meeting: Meeting
) -> None:
    login(client, secretariat)

    response = client.post(
        url("item_add", visit.pk),
        item_data(
            visit,
            kind=ItineraryKind.COUNCIL,
            title="جلسه ستاد تسهیل با حضور سخنگوی دولت",
            meeting=str(hq_meeting.pk),
        ),
        follow=True,
    )

    assert ItineraryItem.objects.get().meeting == hq_meeting
    meeting_url = reverse("meetings:meeting", args=[hq_meeting.pk])
    assert f'href="{meeting_url}" data-testid="item-meeting"' in response.content.decode()


def test_editing_a_stop_changes_it_and_keeps_its_links(
    client: Any, secretariat: Any, visit: Visit, hq_meeting: Meeting
) -> None:
    login(client, secretariat)
    client.post(
        url("item_add", visit.pk),
        item_data(visit, kind=ItineraryKind.COUNCIL, title="جلسه ستاد", meeting=str(hq_meeting.pk)),
    )
    item = ItineraryItem.objects.get()
    form = client.get(url("item_edit", visit.pk, item.pk)).content.decode()
    assert "جلسه ستاد" in form
    assert f'value="{hq_meeting.pk}" selected' in form

    response = client.post(
        url("item_edit", visit.pk, item.pk),
        item_data(
            visit,
            kind=ItineraryKind.COUNCIL,
            title="شورای اداری استان",
            starts_at="۱۶:۰۰",
            meeting=str(hq_meeting.pk),
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "شورای اداری استان"
    assert item.starts_at == dt.time(16, 0)
    assert item.meeting == hq_meeting
    assert Event.objects.filter(target=Event.Target.ITEM, target_id=item.pk, kind="updated")


def test_choosing_another_companys_project_takes_its_company_along(
    client: Any,
    secretariat: Any,
    visit: Visit,
    cosmetics_line: Project,
    make_project: Any,
    company: Any,
    other_company: Any,
) -> None:
    detergents_line = make_project(other_company, title="خط تولید شوینده")
    item = add(visit, kind=ItineraryKind.EXHIBITION, title="بازدید", project=cosmetics_line)
    login(client, secretariat)

    response = client.post(
        url("item_edit", visit.pk, item.pk),
        # The company field as the form showed it: company A's national ID, left unchanged.
        item_data(
            visit,
            kind=ItineraryKind.EXHIBITION,
            title="بازدید",
            company=company.national_id,
            project=str(detergents_line.pk),
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.project == detergents_line
    assert item.company == other_company


def test_a_company_typed_against_the_project_is_refused(
    client: Any,
    secretariat: Any,
    visit: Visit,
    cosmetics_line: Project,
    other_company: Any,
) -> None:
    login(client, secretariat)

    response = client.post(
        url("item_add", visit.pk),
        item_data(visit, company=other_company.national_id, project=str(cosmetics_line.pk)),
    )

    assert fa("The project belongs to another company.") in response.content.decode()
    assert not ItineraryItem.objects.exists()


def test_turning_a_stop_into_an_opening_opens_the_project(
    client: Any, secretariat: Any, visit: Visit, cosmetics_line: Project
) -> None:
    item = add(visit, kind=ItineraryKind.EXHIBITION, title="بازدید از خط تولید")
    login(client, secretariat)

    response = client.post(
        url("item_edit", visit.pk, item.pk),
        item_data(
            visit,
            kind=ItineraryKind.OPENING,
            title="افتتاح خط تولید",
            project=str(cosmetics_line.pk),
        ),
    )

    assert response.status_code == 302
    cosmetics_line.refresh_from_db()
    assert cosmetics_line.status == ProjectStatus.OPERATING
    assert cosmetics_line.updates.get(kind=ProjectUpdate.Kind.OPENED).item_id == item.pk
    assert any("alert-link" in message for message in page_messages(response))


def test_removing_a_stop_asks_first_then_removes_it(
    client: Any, secretariat: Any, visit: Visit
) -> None:
    item = add(visit, title="مراسم روز زن در دانشگاه فرهنگیان", kind=ItineraryKind.CEREMONY)
    login(client, secretariat)

    confirm = client.get(url("item_remove", visit.pk, item.pk))
    assert confirm.status_code == 200
    assert "مراسم روز زن در دانشگاه فرهنگیان" in confirm.content.decode()
    assert ItineraryItem.objects.filter(pk=item.pk).exists()

    response = client.post(url("item_remove", visit.pk, item.pk))

    assert response.status_code == 302
    assert not ItineraryItem.objects.filter(pk=item.pk).exists()
    assert Event.objects.filter(target=Event.Target.ITEM, target_id=item.pk, kind="removed")


# --- The summary page -----------------------------------------------------------------------------


@pytest.fixture
def scenario(
    province: Any, today: dt.date, cosmetics_line: Project, forecast: None, company: Any
) -> Visit:
    """The reference scenario's programme over two days (DOMAIN.md §9), entered out of order."""
    return reference_programme(province, today, cosmetics_line, university_at=dt.time(12, 30))


def test_the_summary_page_shows_the_programme_by_day_in_order(
    client: Any, executive: Any, scenario: Visit
) -> None:
    login(client, executive)

    page = client.get(url("visit_detail", scenario.pk)).content.decode()

    order = [
        "دیدار با امام جمعه قزوین",
        "بازدید از نمایشگاه توانمندی‌های صنعتی استان",
        "افتتاح خط تولید محصولات آرایشی و بهداشتی",
        "مراسم روز زن در دانشگاه فرهنگیان",
        "جلسه شورای اداری استان",
    ]
    assert [page.index(title) for title in order] == sorted(page.index(title) for title in order)
    days = page.split('data-testid="programme-day"')[1:]
    assert len(days) == 2
    assert long_date(scenario.starts_on) in days[0].split("</h2>")[0]
    assert long_date(scenario.ends_on) in days[1].split("</h2>")[0]
    assert "۰۸:۳۰" in days[0] and "۱۱:۰۰" in days[0]
    assert "۱۰:۰۰" in days[1] and "۱۷:۰۰" in days[1]
    assert fa("opening") in days[1] and fa("council session") in days[1]
    assert "شهر صنعتی کاسپین" in days[0]


def test_the_summary_page_counts_the_stops_and_shows_the_line_opened_and_its_forecast(
    client: Any, executive: Any, scenario: Visit, cosmetics_line: Project, destinations: Any
) -> None:
    login(client, executive)

    response = client.get(url("visit_detail", scenario.pk))

    page = response.content.decode()
    kinds = page.split('data-testid="stops-by-kind"')[1].split("</ul>")[0]
    for label in ("exhibition visit", "opening", "council session", "university event"):
        assert fa(label) in kinds
    assert fa("meeting", "itinerary") in kinds
    assert "ceremony" not in kinds and fa("ceremony") not in kinds
    opened = page.split('data-testid="opened-project-row"')[1].split("</tr>")[0]
    assert cosmetics_line.title in opened
    assert f"۴٬۰۰۰٬۰۰۰ {fa('US dollar')}" in opened
    assert f"۴٬۲۰۰٬۰۰۰٬۰۰۰٬۰۰۰ {fa('rial')}" in opened  # at 1,050,000 rials a dollar
    assert 'data-testid="opened-jobs">۱۰۰<' in opened
    assert 'data-testid="opened-products">۹۰<' in opened
    project_url = reverse("investments:project_detail", args=[cosmetics_line.pk])
    assert f'href="{project_url}"' in opened
    forecast = page.split('data-testid="export-forecast"')[1].split("</section>")[0]
    groups = forecast.split('data-testid="forecast-group"')[1:]
    countries = forecast.split('data-testid="forecast-country"')[1:]
    # Russia is in the Eurasian union and among the neighbours: its figure counts in each.
    assert {row.split("</td>")[0].split(">")[-1] for row in groups} == {
        "کشورهای عربی",
        "اتحادیه اقتصادی اوراسیا",
        "کشورهای همسایه",
    }
    assert [row.split("</td>")[0].split(">")[-1] for row in countries] == ["روسیه"]
    total = forecast.split('data-testid="forecast-total"')[1]
    assert f"۱٬۰۰۰٬۰۰۰ {fa('US dollar')}" in total
    assert f"۱٬۰۵۰٬۰۰۰٬۰۰۰٬۰۰۰ {fa('rial')}" in total


def test_the_summary_page_takes_a_bounded_number_of_queries(
    client: Any,
    executive: Any,
    scenario: Visit,
    cosmetics_line: Project,
    make_project: Any,
    company: Any,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, executive)
    with django_assert_max_num_queries(14) as before:
        client.get(url("visit_detail", scenario.pk))

    for number in range(4):
        project = make_project(
            company, title=f"خط {number}", investment=Money(Decimal(10**9), Currency.RIAL)
        )
        add(scenario, kind=ItineraryKind.OPENING, title=f"افتتاح {number}", project=project)

    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url("visit_detail", scenario.pk))
    assert response.content.decode().count('data-testid="opened-project-row"') == 5


def test_an_empty_programme_says_so(client: Any, secretariat: Any, visit: Visit) -> None:
    login(client, secretariat)

    page = client.get(url("visit_detail", visit.pk)).content.decode()

    assert 'data-testid="programme-empty"' in page
    assert 'data-testid="export-forecast"' not in page


def test_the_programme_pdf_is_downloaded_by_whoever_sees_the_visit(
    client: Any, executive: Any, scenario: Visit
) -> None:
    login(client, executive)

    response = client.get(url("visit_programme", scenario.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
