"""The sector share page: figures from different sources side by side, newest first, each with
its source and date; the secretariat records, corrects and removes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tashil.core.jalali import format_jalali
from tashil.investments.models import Event, SectorShare
from tashil.investments.services import share_add

pytestmark = pytest.mark.django_db

LIST = reverse("investments:share_list")
CREATE = reverse("investments:share_create")


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def fa(message: str) -> str:
    with translation.override("fa"):
        return str(translation.gettext(message))


def edit_url(share: SectorShare) -> str:
    return reverse("investments:share_edit", args=[share.pk])


def remove_url(share: SectorShare) -> str:
    return reverse("investments:share_remove", args=[share.pk])


@pytest.fixture
def detergent_figures(province: Any, detergents: Any, today: dt.date) -> list[SectorShare]:
    """What was said on the day of the visit, and what other sources had said before."""
    said = [
        ("60", "خبرگزاری ایرنا", today - dt.timedelta(days=300), "https://www.irna.ir/x"),
        ("50", "استاندار قزوین", today - dt.timedelta(days=2), ""),
        ("10", "انجمن صنایع شوینده", today - dt.timedelta(days=100), ""),
    ]
    return [
        share_add(
            actor=None,
            province=province,
            sector=detergents,
            basis="need",
            value=Decimal(value),
            source=source,
            stated_on=on,
            source_url=url,
        )
        for value, source, on, url in said
    ]


def test_the_figures_of_a_sector_stand_side_by_side_newest_first(
    client: Any, secretariat: Any, detergent_figures: list[SectorShare]
) -> None:
    response = login(client, secretariat).get(LIST)
    assert response.status_code == 200
    ((sector, shares),) = response.context["sectors"]
    assert sector.code == "detergents"
    assert [share.source for share in shares] == [
        "استاندار قزوین",
        "انجمن صنایع شوینده",
        "خبرگزاری ایرنا",
    ]
    body = response.content.decode()
    assert "۵۰٪" in body and "۶۰٪" in body and "۱۰٪" in body
    assert '<a href="https://www.irna.ir/x"' in body
    assert format_jalali(detergent_figures[1].stated_on, style="long") in body


def test_the_page_filters_by_sector(
    client: Any,
    secretariat: Any,
    province: Any,
    sector: Any,
    detergents: Any,
    detergent_figures: list[SectorShare],
    today: dt.date,
) -> None:
    share_add(
        actor=None,
        province=province,
        sector=sector,
        basis="output",
        value=Decimal(12),
        source="اداره کل صمت",
        stated_on=today,
    )
    client = login(client, secretariat)
    assert len(client.get(LIST).context["sectors"]) == 2
    only = client.get(LIST, {"sector": sector.pk}).context["sectors"]
    assert [entry[0] for entry in only] == [sector]


def test_anyone_with_a_role_in_the_province_reads_the_shares_but_only_the_secretariat_edits(
    client: Any,
    owner: Any,
    officer: Any,
    executive: Any,
    secretariat: Any,
    detergent_figures: list[SectorShare],
) -> None:
    share = detergent_figures[0]
    for user in (owner, officer, executive):
        response = login(client, user).get(LIST)
        assert len(response.context["sectors"][0][1]) == 3
        body = response.content.decode()
        assert edit_url(share) not in body
        assert CREATE not in body
    body = login(client, secretariat).get(LIST).content.decode()
    assert edit_url(share) in body
    assert remove_url(share) in body


def test_the_secretariat_records_a_figure_beside_the_others(
    client: Any, secretariat: Any, province: Any, detergents: Any, detergent_figures: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE,
        {
            "sector": detergents.pk,
            "basis": "output",
            "value": "۴۵٫۵",
            "unit": "%",
            "source": "وزارت صمت",
            "source_url": "",
            "stated_on": "1404/09/24",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?sector={detergents.pk}"
    share = SectorShare.objects.get(source="وزارت صمت")
    assert (share.value, share.basis, share.province) == (Decimal("45.5"), "output", province)
    assert share.stated_on == dt.date(2025, 12, 15)
    assert SectorShare.objects.count() == 4
    assert Event.objects.filter(target=Event.Target.SHARE, target_id=share.pk).exists()


def test_a_percentage_above_100_is_refused_and_the_input_kept(
    client: Any, secretariat: Any, detergents: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE,
        {
            "sector": detergents.pk,
            "basis": "need",
            "value": "150",
            "unit": "%",
            "source": "منبع نادرست",
            "stated_on": "1404/09/24",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["value"] == [fa("A percentage cannot be more than 100.")]
    assert 'value="منبع نادرست"' in response.content.decode()
    assert not SectorShare.objects.exists()


def test_the_secretariat_corrects_and_removes_a_figure(
    client: Any, secretariat: Any, detergent_figures: list[SectorShare]
) -> None:
    share = detergent_figures[1]
    client = login(client, secretariat)
    response = client.post(
        edit_url(share),
        {
            "sector": share.sector_id,
            "basis": "need",
            "value": "50",
            "unit": "%",
            "source": "استاندار قزوین",
            "source_url": "https://www.irna.ir/y",
            "stated_on": format_jalali(share.stated_on),
            "note": "در سفر سخنگوی دولت",
        },
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.source_url, share.note) == ("https://www.irna.ir/y", "در سفر سخنگوی دولت")
    event = Event.objects.get(target_id=share.pk, kind="updated")
    assert set(event.changes) == {"source_url", "note"}
    assert client.get(remove_url(share)).status_code == 200
    client.post(remove_url(share))
    assert not SectorShare.objects.filter(pk=share.pk).exists()
    assert SectorShare.objects.count() == 2


def test_the_executive_cannot_record_correct_or_remove(
    client: Any, executive: Any, detergents: Any, detergent_figures: list[SectorShare]
) -> None:
    share = detergent_figures[0]
    client = login(client, executive)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"sector": detergents.pk}).status_code == 403
    assert client.post(edit_url(share), {"value": "1"}).status_code == 403
    assert client.post(remove_url(share)).status_code == 403
    assert SectorShare.objects.count() == 3


def test_a_share_of_another_province_is_not_found(
    client: Any, secretariat: Any, detergents: Any, today: dt.date
) -> None:
    from tashil.factories import ProvinceFactory

    tehran = ProvinceFactory(code="23", name="تهران")
    theirs = share_add(
        actor=None,
        province=tehran,
        sector=detergents,
        basis="output",
        value=Decimal(5),
        source="منبع",
        stated_on=today,
    )
    client = login(client, secretariat)
    assert client.get(LIST).context["sectors"] == []
    assert client.get(edit_url(theirs)).status_code == 404
