"""Sector shares: the province's share as each source stated it. Published figures disagree
(detergents were quoted at 50%, 60% and 10%), so none overwrites another."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tashil.factories import ProvinceFactory
from tashil.investments.models import Event, SectorShare, ShareBasis
from tashil.investments.selectors import shares_by_sector
from tashil.investments.services import share_add, share_remove, share_update

pytestmark = pytest.mark.django_db

SPOKESPERSON_DAY = dt.date(2025, 12, 15)  # 1404/09/24


def add(province: Any, sector: Any, value: str | int, **fields: Any) -> SectorShare:
    fields.setdefault("actor", None)
    fields.setdefault("basis", ShareBasis.NEED)
    fields.setdefault("source", "سخنگوی دولت")
    fields.setdefault("stated_on", SPOKESPERSON_DAY)
    return share_add(province=province, sector=sector, value=Decimal(value), **fields)


def field_errors(raised: Any) -> set[str]:
    return set(raised.value.message_dict)


def share_events(share_id: int) -> list[Event]:
    return list(Event.objects.filter(target=Event.Target.SHARE, target_id=share_id).order_by("id"))


def test_figures_of_several_sources_coexist(province, detergents, secretariat):
    spokesperson = add(province, detergents, 50, actor=secretariat)
    news_agency = add(
        province,
        detergents,
        60,
        source="خبرگزاری ایرنا",
        source_url="https://www.irna.ir/news/1",
        stated_on=dt.date(2025, 11, 2),
    )
    association = add(
        province, detergents, 10, basis=ShareBasis.OUTPUT, source="انجمن صنایع شوینده"
    )

    stored = SectorShare.objects.order_by("id")
    assert [(s.value, s.source) for s in stored] == [
        (50, "سخنگوی دولت"),
        (60, "خبرگزاری ایرنا"),
        (10, "انجمن صنایع شوینده"),
    ]
    assert stored[0].created_by == secretariat
    for share in (spokesperson, news_agency, association):
        [event] = share_events(share.pk)
        assert event.kind == "created"
        assert event.province_id == province.pk
    assert share_events(spokesperson.pk)[0].actor == secretariat


def test_a_percentage_above_a_hundred_is_refused(province, detergents):
    add(province, detergents, 100)

    with pytest.raises(ValidationError) as raised:
        add(province, detergents, "100.01")

    assert field_errors(raised) == {"value"}
    assert SectorShare.objects.count() == 1


def test_a_figure_in_another_unit_may_exceed_a_hundred(province, detergents):
    share = add(province, detergents, 250_000, unit="تن در سال", basis=ShareBasis.OUTPUT)
    assert SectorShare.objects.get(pk=share.pk).value == 250_000


def test_a_blank_unit_is_a_percentage(province, detergents):
    assert add(province, detergents, 50, unit="  ").unit == "%"
    with pytest.raises(ValidationError):
        add(province, detergents, 150, unit=" ")


def test_a_date_in_the_future_is_refused(province, detergents, today):
    assert add(province, detergents, 50, stated_on=today).stated_on == today

    with pytest.raises(ValidationError) as raised:
        add(province, detergents, 50, stated_on=today + dt.timedelta(days=1))

    assert field_errors(raised) == {"stated_on"}
    assert SectorShare.objects.count() == 1


@pytest.mark.parametrize("source", ["", "   "])
def test_a_figure_without_a_source_is_refused(province, detergents, source):
    with pytest.raises(ValidationError) as raised:
        add(province, detergents, 50, source=source)

    assert field_errors(raised) == {"source"}
    assert not SectorShare.objects.exists()
    assert not Event.objects.exists()


def test_a_negative_share_is_refused_on_the_value(province, detergents):
    with pytest.raises(ValidationError) as raised:
        add(province, detergents, -5)
    assert field_errors(raised) == {"value"}


def test_an_unknown_basis_is_refused(province, detergents):
    with pytest.raises(ValidationError) as raised:
        add(province, detergents, 50, basis="guess")
    assert field_errors(raised) == {"basis"}


def test_the_database_refuses_a_percentage_above_a_hundred(province, detergents):
    share = add(province, detergents, 50)

    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        SectorShare.objects.filter(pk=share.pk).update(value=Decimal("101"))

    assert "share_percent_at_most_100" in str(raised.value)
    assert SectorShare.objects.get(pk=share.pk).value == 50


def test_an_update_records_what_changed(province, detergents, secretariat):
    share = add(province, detergents, 50)

    changed = share_update(
        actor=secretariat, share=share, value=Decimal("55.5"), note="به نقل از استاندار"
    )

    assert sorted(changed) == ["note", "value"]
    assert SectorShare.objects.get(pk=share.pk).value == Decimal("55.5")
    created, updated = share_events(share.pk)
    assert (updated.kind, updated.actor) == ("updated", secretariat)
    assert updated.changes["value"][1] == "55.5"
    assert Decimal(updated.changes["value"][0]) == 50
    assert updated.changes["note"] == ["", "به نقل از استاندار"]


def test_an_update_that_changes_nothing_writes_nothing(province, detergents):
    share = add(province, detergents, 50)

    assert share_update(actor=None, share=share, value=Decimal("50.00"), source="سخنگوی دولت") == []
    assert len(share_events(share.pk)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": Decimal(101)}, "value"),
        ({"source": " "}, "source"),
        ({"stated_on": dt.date(2999, 1, 1)}, "stated_on"),
    ],
)
def test_an_update_is_held_to_the_same_rules(province, detergents, changes, field):
    share = add(province, detergents, 50)

    with pytest.raises(ValidationError) as raised:
        share_update(actor=None, share=share, **changes)

    assert field_errors(raised) == {field}
    stored = SectorShare.objects.get(pk=share.pk)
    assert (stored.value, stored.source, stored.stated_on) == (50, "سخنگوی دولت", SPOKESPERSON_DAY)
    assert len(share_events(share.pk)) == 1


def test_an_update_of_an_unknown_field_is_a_programming_error(province, detergents):
    share = add(province, detergents, 50)
    with pytest.raises(TypeError):
        share_update(actor=None, share=share, province=None)


def test_removing_a_figure_leaves_an_event_with_what_it_said(province, detergents, secretariat):
    share = add(province, detergents, 50)
    pk = share.pk

    share_remove(actor=secretariat, share=share)

    assert not SectorShare.objects.exists()
    removed = share_events(pk)[-1]
    assert (removed.kind, removed.actor) == ("removed", secretariat)
    assert removed.changes["source"] == "سخنگوی دولت"
    assert removed.changes["stated_on"] == SPOKESPERSON_DAY.isoformat()
    assert Decimal(removed.changes["value"]) == 50


# --- shares_by_sector ----------------------------------------------------------------------------


def test_each_sector_lists_its_figures_newest_first(province, detergents, sector, secretariat):
    old = add(province, detergents, 40, stated_on=dt.date(2024, 3, 1), source="گزارش ۱۴۰۲")
    first_that_day = add(province, detergents, 50)
    second_that_day = add(province, detergents, 10, source="انجمن")
    newest = add(province, detergents, 60, stated_on=dt.date(2025, 12, 20), source="ایرنا")
    cosmetics = add(province, sector, 30)

    grouped = shares_by_sector(user=secretariat)

    as_ids = {found.code: [s.pk for s in shares] for found, shares in grouped}
    assert as_ids == {
        "detergents": [newest.pk, second_that_day.pk, first_that_day.pk, old.pk],
        "cosmetics": [cosmetics.pk],
    }
    # Sectors by name: آرایشی و بهداشتی before شوینده.
    assert [found.code for found, _ in grouped] == ["cosmetics", "detergents"]


def test_the_shares_page_can_show_one_sector(province, detergents, sector, secretariat):
    add(province, detergents, 50)
    add(province, sector, 30)

    grouped = shares_by_sector(user=secretariat, sector=detergents.pk)

    assert [(found.code, len(shares)) for found, shares in grouped] == [("detergents", 1)]


def test_the_shares_of_another_province_are_not_listed(province, detergents, secretariat):
    add(province, detergents, 50)
    tehran: Any = ProvinceFactory(code="23", name="تهران")
    add(tehran, detergents, 20)

    grouped = shares_by_sector(user=secretariat)
    assert [[s.value for s in shares] for _, shares in grouped] == [[50]]
    assert shares_by_sector(user=secretariat, province=tehran) == []


def test_listing_the_shares_takes_a_fixed_number_of_queries(
    province, detergents, sector, secretariat, django_assert_max_num_queries
):
    for value in range(10):
        add(province, detergents if value % 2 else sector, value)

    # The user's roles, then the figures with their sectors.
    with django_assert_max_num_queries(2):
        grouped = shares_by_sector(user=secretariat)
        names = [str(found) for found, _ in grouped]

    assert len(names) == 2
