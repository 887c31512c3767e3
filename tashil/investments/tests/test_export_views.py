"""The export figure pages: the list with totals by country, by group and overall (a country in
two groups counts in both, once in the grand total), who sees and changes what, and what the
forms write."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tashil.factories import CompanyFactory
from tashil.investments.models import Event, ExportFigure, Project
from tashil.investments.services import export_record
from tashil.investments.tests.conftest import RATE, dollars, rials

pytestmark = pytest.mark.django_db

LIST = reverse("investments:export_list")
CREATE = reverse("investments:export_create")


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def fa(message: str) -> str:
    with translation.override("fa"):
        return str(translation.gettext(message))


def edit_url(figure: ExportFigure) -> str:
    return reverse("investments:export_edit", args=[figure.pk])


def remove_url(figure: ExportFigure) -> str:
    return reverse("investments:export_remove", args=[figure.pk])


@pytest.fixture
def record() -> Callable[..., ExportFigure]:
    def make(company: Any, destination: Any, value: Any, **fields: Any) -> ExportFigure:
        fields.setdefault("kind", "forecast")
        fields.setdefault("year", 1405)
        fields.setdefault("source", "اداره کل صمت")
        figure, _outcome = export_record(
            actor=None, company=company, destination=destination, value=value, **fields
        )
        return figure

    return make


# --- The list ------------------------------------------------------------------------------------


def test_the_totals_count_a_country_in_each_of_its_groups_and_once_overall(
    client: Any,
    secretariat: Any,
    company: Any,
    destinations: Any,
    record: Callable[..., ExportFigure],
) -> None:
    record(company, destinations.russia, dollars(400_000))
    record(company, destinations.arab, dollars(600_000))
    record(company, destinations.iraq, rials(2_000_000_000))
    response = login(client, secretariat).get(LIST)
    [period] = response.context["periods"]
    totals = period.totals
    assert totals.total.rial == 1_000_000 * RATE + 2_000_000_000
    assert totals.total.count == 3
    by_group = {group.code: amounts.rial for group, amounts in totals.by_group}
    assert by_group == {
        "arab_league": 600_000 * RATE + 2_000_000_000,  # the group's figure and Iraq's
        "eaeu": 400_000 * RATE,
        "neighbours": 400_000 * RATE + 2_000_000_000,  # Russia and Iraq
    }
    by_country = {country.code: amounts.rial for country, amounts in totals.by_country}
    assert by_country == {"RU": 400_000 * RATE, "IQ": 2_000_000_000}
    body = response.content.decode()
    assert 'data-testid="totals-note"' in body
    # The grand total in rials: 1,052,000,000,000, in Persian digits.
    assert "۱٬۰۵۲٬۰۰۰٬۰۰۰٬۰۰۰" in body


def test_the_totals_never_add_a_forecast_to_an_actual_nor_one_year_to_another(
    client: Any,
    secretariat: Any,
    company: Any,
    destinations: Any,
    record: Callable[..., ExportFigure],
) -> None:
    record(company, destinations.russia, dollars(1_000_000), year=1405)
    record(company, destinations.russia, dollars(900_000), year=1405, kind="actual")
    record(company, destinations.russia, dollars(800_000), year=1404)
    periods = login(client, secretariat).get(LIST).context["periods"]
    assert [(p.year, p.kind, p.totals.total.by_currency["USD"]) for p in periods] == [
        (1405, "forecast", 1_000_000),
        (1405, "actual", 900_000),
        (1404, "forecast", 800_000),
    ]


def test_the_totals_keep_the_amounts_per_currency_as_entered(
    client: Any,
    secretariat: Any,
    company: Any,
    destinations: Any,
    record: Callable[..., ExportFigure],
) -> None:
    record(company, destinations.russia, dollars(400_000))
    record(company, destinations.china, rials(2_000_000_000))
    [period] = login(client, secretariat).get(LIST).context["periods"]
    totals = period.totals
    assert totals.total.by_currency == {"USD": 400_000, "IRR": 2_000_000_000}


def test_the_list_filters_by_year_kind_and_company(
    client: Any,
    secretariat: Any,
    company: Any,
    other_company: Any,
    destinations: Any,
    record: Callable[..., ExportFigure],
) -> None:
    forecast = record(company, destinations.russia, dollars(1), year=1405)
    actual = record(company, destinations.russia, dollars(2), year=1404, kind="actual")
    theirs = record(other_company, destinations.china, dollars(3), year=1405)
    client = login(client, secretariat)
    assert list(client.get(LIST, {"year": "۱۴۰۵"}).context["figures"]) == [forecast, theirs]
    assert list(client.get(LIST, {"kind": "actual"}).context["figures"]) == [actual]
    in_company = client.get(LIST, {"company": company.pk}).context["figures"]
    assert set(in_company) == {forecast, actual}
    filtered = client.get(LIST, {"company": other_company.pk})
    assert [p.totals.total.rial for p in filtered.context["periods"]] == [3 * RATE]


def test_a_representative_sees_only_their_companys_figures(
    client: Any,
    owner: Any,
    company: Any,
    other_company: Any,
    destinations: Any,
    record: Callable[..., ExportFigure],
) -> None:
    ours = record(company, destinations.russia, dollars(1))
    record(other_company, destinations.china, dollars(3))
    response = login(client, owner).get(LIST)
    assert list(response.context["figures"]) == [ours]
    assert [p.totals.total.rial for p in response.context["periods"]] == [RATE]
    assert list(response.context["form"].fields["company"].queryset) == [company]
    assert edit_url(ours) not in response.content.decode()


def test_the_executive_reads_the_figures_without_edit_links(
    client: Any, executive: Any, company: Any, destinations: Any, record: Callable[..., Any]
) -> None:
    figure = record(company, destinations.russia, dollars(1))
    response = login(client, executive).get(LIST)
    assert list(response.context["figures"]) == [figure]
    body = response.content.decode()
    assert edit_url(figure) not in body
    assert remove_url(figure) not in body
    assert CREATE not in body


def test_the_list_costs_the_same_few_queries_for_many_figures(
    client: Any,
    secretariat: Any,
    company: Any,
    destinations: Any,
    make_project: Callable[..., Any],
    record: Callable[..., ExportFigure],
    django_assert_max_num_queries: Any,
) -> None:
    record(company, destinations.russia, dollars(1))
    client = login(client, secretariat)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for year in range(1395, 1405):
        other = CompanyFactory(county=company.county)
        project = make_project(other)
        record(other, destinations.uae, dollars(year), year=year, project=project)
        record(other, destinations.arab, rials(year), year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["figures"]) == 21


# --- Record ---------------------------------------------------------------------------------------


def figure_data(company: Any, destination: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "company": company.national_id,
        "project": "",
        "kind": "forecast",
        "year": "۱۴۰۵",
        "destination": destination,
        "amount": "600,000",
        "currency": "USD",
        "rate": "1050000",
        "rate_on": "1404/09/19",
        "source": "سخنگوی دولت",
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_secretariat_records_a_figure_for_a_group_of_countries(
    client: Any, secretariat: Any, cosmetics_line: Project, destinations: Any
) -> None:
    company = cosmetics_line.company
    response = login(client, secretariat).post(
        CREATE,
        figure_data(company, f"group:{destinations.arab.pk}", project=str(cosmetics_line.pk)),
    )
    figure = ExportFigure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("investments:project_detail", args=[cosmetics_line.pk])
    assert (figure.company, figure.project, figure.group, figure.country) == (
        company,
        cosmetics_line,
        destinations.arab,
        None,
    )
    assert (figure.year, figure.kind, figure.amount_rial) == (1405, "forecast", 600_000 * RATE)
    event = Event.objects.get(target=Event.Target.EXPORT, target_id=figure.pk)
    assert (event.kind, event.actor) == ("created", secretariat)


def test_a_figure_for_a_country_without_a_project_goes_back_to_the_companys_figures(
    client: Any, secretariat: Any, company: Any, destinations: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE,
        figure_data(
            company,
            f"country:{destinations.russia.pk}",
            currency="IRR",
            amount="۵۰۰٬۰۰۰٬۰۰۰",
            rate="",
            rate_on="",
        ),
    )
    figure = ExportFigure.objects.get()
    assert figure.country == destinations.russia
    assert figure.amount_rial == 500_000_000
    assert response["Location"] == f"{LIST}?company={company.pk}&year=1405"


def test_recording_the_same_figure_again_updates_it(
    client: Any, secretariat: Any, company: Any, destinations: Any
) -> None:
    client = login(client, secretariat)
    data = figure_data(company, f"country:{destinations.russia.pk}")
    client.post(CREATE, data)
    client.post(CREATE, {**data, "amount": "700000"})
    figure = ExportFigure.objects.get()
    assert figure.amount == 700_000
    assert Event.objects.filter(target_id=figure.pk, kind="updated").exists()


def test_a_dollar_value_without_its_rate_is_refused_and_the_input_kept(
    client: Any, secretariat: Any, company: Any, destinations: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE,
        figure_data(company, f"country:{destinations.russia.pk}", rate="", note="برآورد اولیه"),
    )
    assert response.status_code == 422
    message = fa("A dollar amount needs the exchange rate (rials per dollar) it is counted at.")
    assert response.context["form"].errors["rate"] == [message]
    body = response.content.decode()
    assert message in body
    assert "برآورد اولیه" in body
    assert f'value="country:{destinations.russia.pk}" selected' in body
    assert not ExportFigure.objects.exists()


def test_a_figure_needs_a_destination(
    client: Any, secretariat: Any, company: Any, destinations: Any
) -> None:
    response = login(client, secretariat).post(CREATE, figure_data(company, ""))
    assert response.status_code == 422
    assert "destination" in response.context["form"].errors
    assert not ExportFigure.objects.exists()


def test_the_project_must_be_the_companys(
    client: Any,
    secretariat: Any,
    cosmetics_line: Project,
    other_company: Any,
    destinations: Any,
) -> None:
    response = login(client, secretariat).post(
        CREATE,
        figure_data(
            other_company, f"country:{destinations.russia.pk}", project=str(cosmetics_line.pk)
        ),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["project"] == [
        fa("The project belongs to another company.")
    ]


def test_a_link_from_a_project_prefills_the_company_and_the_project(
    client: Any,
    secretariat: Any,
    cosmetics_line: Project,
    make_project: Callable[..., Any],
    other_company: Any,
) -> None:
    make_project(other_company, title="پروژه دیگر")
    response = login(client, secretariat).get(
        CREATE, {"company": cosmetics_line.company.national_id, "project": cosmetics_line.pk}
    )
    form = response.context["form"]
    assert form.initial["company"] == cosmetics_line.company.national_id
    assert form.initial["project"] == cosmetics_line.pk
    assert list(form.fields["project"].queryset) == [cosmetics_line]


def test_the_executive_and_representatives_cannot_record_figures(
    client: Any, executive: Any, owner: Any, company: Any, destinations: Any
) -> None:
    data = figure_data(company, f"country:{destinations.russia.pk}")
    for user in (executive, owner):
        client = login(client, user)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, data).status_code == 403
    assert not ExportFigure.objects.exists()


# --- Correct, remove -----------------------------------------------------------------------------


def test_the_secretariat_corrects_the_value_and_the_event_keeps_the_change(
    client: Any, secretariat: Any, company: Any, destinations: Any, record: Callable[..., Any]
) -> None:
    figure = record(company, destinations.russia, dollars(400_000))
    response = login(client, secretariat).post(
        edit_url(figure),
        {
            "amount": "450000",
            "currency": "USD",
            "rate": "1050000",
            "rate_on": "1404/09/19",
            "source": "گمرک قزوین",
            "note": "",
            # Fixed on the edit form: whatever is sent is ignored.
            "year": "1399",
            "destination": f"country:{destinations.china.pk}",
        },
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.amount, figure.source, figure.year) == (450_000, "گمرک قزوین", 1405)
    assert figure.country == destinations.russia
    event = Event.objects.get(target_id=figure.pk, kind="updated")
    assert [Decimal(value) for value in event.changes["amount"]] == [400_000, 450_000]
    assert event.actor == secretariat


def test_the_secretariat_removes_a_figure_after_confirming(
    client: Any, secretariat: Any, company: Any, destinations: Any, record: Callable[..., Any]
) -> None:
    figure = record(company, destinations.russia, dollars(400_000))
    client = login(client, secretariat)
    confirm = client.get(remove_url(figure))
    assert confirm.status_code == 200
    assert ExportFigure.objects.filter(pk=figure.pk).exists()
    client.post(remove_url(figure))
    assert not ExportFigure.objects.filter(pk=figure.pk).exists()
    assert Event.objects.filter(target_id=figure.pk, kind="removed").exists()


def test_only_the_secretariat_corrects_or_removes_and_others_do_not_find_it(
    client: Any,
    executive: Any,
    owner: Any,
    other_owner: Any,
    company: Any,
    destinations: Any,
    record: Callable[..., Any],
) -> None:
    figure = record(company, destinations.russia, dollars(400_000))
    for user, status in ((executive, 403), (owner, 403), (other_owner, 404)):
        client = login(client, user)
        assert client.get(edit_url(figure)).status_code == status
        assert client.post(remove_url(figure)).status_code == status
    assert ExportFigure.objects.filter(pk=figure.pk).exists()
