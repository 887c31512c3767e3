"""Export figures: one figure per company, project, kind, year and destination (recorded again,
it is updated, so the import can run twice), a destination that is a country or a group, never
both, and totals by country and by group that count each figure where it belongs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tashil.core.money import Currency
from tashil.investments.models import Event, ExportFigure, ExportKind
from tashil.investments.selectors import Amounts, export_figures, export_totals
from tashil.investments.services import export_record, export_remove
from tashil.investments.tests.conftest import RATE, RATE_ON, dollars, rials, tomans

pytestmark = pytest.mark.django_db

FORECAST, ACTUAL = ExportKind.FORECAST, ExportKind.ACTUAL


def record(company: Any, destination: Any, value: Any, **fields: Any) -> tuple[Any, str]:
    fields.setdefault("actor", None)
    fields.setdefault("kind", FORECAST)
    fields.setdefault("year", 1404)
    fields.setdefault("source", "سخنگوی دولت")
    return export_record(company=company, destination=destination, value=value, **fields)


def events(figure: Any) -> list[Any]:
    return list(
        Event.objects.filter(target=Event.Target.EXPORT, target_id=figure.pk).order_by("id")
    )


# --- export_record -------------------------------------------------------------------------------


def test_a_figure_is_recorded_in_rials_with_an_event(company, destinations, secretariat):
    figure, outcome = record(
        company, destinations.russia, dollars(500_000), actor=secretariat, note=" سالانه "
    )

    assert outcome == "created"
    stored = ExportFigure.objects.get()
    assert (stored.country, stored.group, stored.kind, stored.year) == (
        destinations.russia,
        None,
        FORECAST,
        1404,
    )
    assert (stored.currency, stored.rate, stored.rate_on, stored.amount_rial) == (
        Currency.USD,
        RATE,
        RATE_ON,
        500_000 * RATE,
    )
    assert (stored.source, stored.note, stored.created_by) == ("سخنگوی دولت", "سالانه", secretariat)
    [event] = events(figure)
    assert (event.kind, event.actor, event.province_id) == (
        "created",
        secretariat,
        company.province_id,
    )
    assert event.changes["amount_rial"] == [None, 500_000 * RATE]
    assert event.changes["country"] == [None, str(destinations.russia)]


def test_recording_the_same_figure_again_changes_nothing(company, destinations):
    first, _ = record(company, destinations.arab, dollars(500_000))

    again, outcome = record(company, destinations.arab, dollars("500000.00"))

    assert (again.pk, outcome) == (first.pk, "unchanged")
    assert ExportFigure.objects.count() == 1
    assert len(events(first)) == 1


def test_recording_a_new_value_updates_the_figure(company, destinations, secretariat):
    first, _ = record(company, destinations.arab, dollars(500_000))

    again, outcome = record(
        company, destinations.arab, dollars(600_000), actor=secretariat, source="گمرک"
    )

    assert (again.pk, outcome) == (first.pk, "updated")
    stored = ExportFigure.objects.get()
    assert (stored.amount, stored.amount_rial, stored.source) == (600_000, 600_000 * RATE, "گمرک")
    created, updated = events(first)
    assert (updated.kind, updated.actor) == ("updated", secretariat)
    assert set(updated.changes) == {"amount", "amount_rial", "source"}
    assert updated.changes["amount_rial"] == [500_000 * RATE, 600_000 * RATE]
    assert updated.changes["source"] == ["سخنگوی دولت", "گمرک"]


def test_a_new_rate_alone_updates_the_figure(company, destinations):
    record(company, destinations.russia, dollars(500_000))

    _, outcome = record(company, destinations.russia, dollars(500_000, rate=RATE + 1))

    assert outcome == "updated"
    assert ExportFigure.objects.get().amount_rial == 500_000 * (RATE + 1)


def test_each_part_of_the_key_makes_another_figure(company, destinations, cosmetics_line):
    record(company, destinations.russia, dollars(1))
    variants: list[dict[str, Any]] = [
        {"kind": ACTUAL},
        {"year": 1405},
        {"project": cosmetics_line},
    ]
    for fields in variants:
        assert record(company, destinations.russia, dollars(1), **fields)[1] == "created"
    assert record(company, destinations.eaeu, dollars(1))[1] == "created"
    assert record(company, destinations.uae, dollars(1))[1] == "created"

    assert ExportFigure.objects.count() == 6
    # And each of them, recorded again, is found rather than duplicated.
    for fields in variants:
        assert record(company, destinations.russia, dollars(1), **fields)[1] == "unchanged"
    assert ExportFigure.objects.count() == 6


def test_a_project_of_another_company_is_refused(
    company, other_company, destinations, make_project
):
    theirs = make_project(other_company)

    with pytest.raises(ValidationError) as raised:
        record(company, destinations.russia, dollars(1), project=theirs)

    assert set(raised.value.message_dict) == {"project"}
    assert not ExportFigure.objects.exists()
    assert not Event.objects.filter(target=Event.Target.EXPORT).exists()


@pytest.mark.parametrize(
    ("fields", "value", "field"),
    [
        ({"kind": "guess"}, dollars(1), "kind"),
        ({"year": 2025}, dollars(1), "year"),  # a Gregorian year typed by mistake
        ({"source": "  "}, dollars(1), "source"),
        ({}, dollars(1, rate=None), "rate"),
        ({}, dollars(1, on=None), "rate_on"),
        ({}, rials("10.5"), "amount"),
        ({}, tomans(-1), "amount"),
    ],
)
def test_a_figure_that_cannot_be_counted_is_refused_on_its_field(
    company, destinations, fields, value, field
):
    with pytest.raises(ValidationError) as raised:
        record(company, destinations.russia, value, **fields)

    assert field in raised.value.message_dict
    assert not ExportFigure.objects.exists()


def test_a_destination_is_a_country_or_a_group(company):
    with pytest.raises(TypeError):
        record(company, "Russia", dollars(1))


def test_the_database_wants_exactly_one_destination(company, destinations):
    figure, _ = record(company, destinations.russia, dollars(1))

    for destination in ({"group": destinations.eaeu}, {"country": None}):
        with pytest.raises(IntegrityError) as raised, transaction.atomic():
            ExportFigure.objects.filter(pk=figure.pk).update(**destination)
        assert "export_one_destination" in str(raised.value)
    assert ExportFigure.objects.get().country == destinations.russia


def test_the_database_keeps_one_company_figure_per_destination(company, destinations):
    figure, _ = record(company, destinations.russia, dollars(1))
    copy = {
        name: getattr(figure, name)
        for name in ("company", "kind", "year", "country", "source", "amount", "currency")
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportFigure.objects.create(
            **copy, rate=RATE, rate_on=RATE_ON, amount_rial=figure.amount_rial
        )
    assert ExportFigure.objects.count() == 1


def test_removing_a_figure_leaves_an_event(company, destinations, secretariat):
    figure, _ = record(company, destinations.arab, dollars(250_000), year=1405)
    pk = figure.pk

    export_remove(actor=secretariat, figure=figure)

    assert not ExportFigure.objects.exists()
    removed = Event.objects.get(target=Event.Target.EXPORT, target_id=pk, kind="removed")
    assert removed.actor == secretariat
    assert removed.changes["year"] == 1405
    assert removed.changes["destination"] == str(destinations.arab)
    assert removed.changes["currency"] == Currency.USD
    assert Decimal(removed.changes["amount"]) == 250_000


# --- export_totals -------------------------------------------------------------------------------


def summary(amounts: Amounts) -> tuple[int, int, dict[str, Decimal]]:
    return amounts.count, amounts.rial, amounts.by_currency


def by_code(entries: list[tuple[Any, Amounts]]) -> dict[str, tuple[int, int, dict[str, Decimal]]]:
    return {destination.code: summary(amounts) for destination, amounts in entries}


def test_a_country_in_two_groups_counts_once_in_each_and_once_in_the_total(company, destinations):
    record(company, destinations.russia, dollars(500_000))

    totals = export_totals(ExportFigure.objects.all())

    russia = (1, 500_000 * RATE, {"USD": Decimal(500_000)})
    assert summary(totals.total) == russia
    assert by_code(totals.by_country) == {"RU": russia}
    assert by_code(totals.by_group) == {"eaeu": russia, "neighbours": russia}


def test_a_figure_for_a_group_counts_for_that_group_only(company, destinations):
    record(company, destinations.arab, dollars(500_000))

    totals = export_totals(ExportFigure.objects.all())

    arab = (1, 500_000 * RATE, {"USD": Decimal(500_000)})
    assert by_code(totals.by_group) == {"arab_league": arab}
    assert totals.by_country == []
    assert summary(totals.total) == arab


def test_totals_by_country_and_by_group_add_every_currency(company, other_company, destinations):
    record(company, destinations.russia, dollars(500_000))
    record(company, destinations.arab, dollars(500_000))
    record(company, destinations.uae, rials(7_000_000_000))
    record(other_company, destinations.uae, tomans(100_000_000))
    record(other_company, destinations.iraq, dollars("1000.5", rate=3, on=RATE_ON))
    record(other_company, destinations.china, rials(1))

    totals = export_totals(ExportFigure.objects.all())

    usd_half = 500_000 * RATE
    iraq = 3002  # 3001.5 rounded half up
    assert summary(totals.total) == (
        6,
        2 * usd_half + 7_000_000_000 + 1_000_000_000 + iraq + 1,
        {"USD": Decimal("1001000.5"), "IRR": Decimal(7_000_000_001), "IRT": Decimal(100_000_000)},
    )
    uae = (2, 8_000_000_000, {"IRR": Decimal(7_000_000_000), "IRT": Decimal(100_000_000)})
    assert by_code(totals.by_country) == {
        "RU": (1, usd_half, {"USD": Decimal(500_000)}),
        "AE": uae,
        "IQ": (1, iraq, {"USD": Decimal("1000.5")}),
        "CN": (1, 1, {"IRR": Decimal(1)}),
    }
    assert by_code(totals.by_group) == {
        # The group's own figure, then the Emirates and Iraq as members.
        "arab_league": (
            4,
            usd_half + 8_000_000_000 + iraq,
            {
                "USD": Decimal("501000.5"),
                "IRR": Decimal(7_000_000_000),
                "IRT": Decimal(100_000_000),
            },
        ),
        "eaeu": (1, usd_half, {"USD": Decimal(500_000)}),
        "neighbours": (
            4,
            usd_half + 8_000_000_000 + iraq,
            {
                "USD": Decimal("501000.5"),
                "IRR": Decimal(7_000_000_000),
                "IRT": Decimal(100_000_000),
            },
        ),
    }
    # The grand total is every figure once: not the sum of the groups, which overlap.
    assert totals.total.rial == sum(ExportFigure.objects.values_list("amount_rial", flat=True))
    assert sum(amounts.rial for _, amounts in totals.by_group) > totals.total.rial


def test_the_largest_destinations_come_first(company, destinations):
    record(company, destinations.china, rials(10))
    record(company, destinations.iraq, rials(30))
    record(company, destinations.uae, rials(20))
    record(company, destinations.russia, rials(5))

    totals = export_totals(ExportFigure.objects.all())

    assert [country.code for country, _ in totals.by_country] == ["IQ", "AE", "CN", "RU"]
    # Neighbours 30 + 20 + 5, Arab countries 30 + 20, the Eurasian union 5.
    assert [group.code for group, _ in totals.by_group] == ["neighbours", "arab_league", "eaeu"]


def test_no_figures_make_zero_totals(db):
    totals = export_totals(ExportFigure.objects.none())
    assert (summary(totals.total), totals.by_country, totals.by_group) == ((0, 0, {}), [], [])


def test_totals_of_many_figures_take_a_fixed_number_of_queries(
    company, destinations, secretariat, django_assert_max_num_queries
):
    for year in range(1395, 1405):
        record(company, destinations.russia, dollars(1), year=year)
        record(company, destinations.arab, dollars(1), year=year)
        record(company, destinations.iraq, dollars(1), year=year)

    # The user's roles, the figures, the groups of their countries, and those groups' members.
    with django_assert_max_num_queries(4):
        totals = export_totals(export_figures(user=secretariat))
        names = [str(destination) for destination, _ in (*totals.by_country, *totals.by_group)]

    assert totals.total.count == 30
    assert len(names) == 2 + 3
