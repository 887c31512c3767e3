"""Defects a review of issue 7 found, each pinned by a test: a link listing more than its figure
counts, a table rounding differently from the tile, a weekly report mailed twice."""

# The investments' fixtures are imported below; a test naming one as a parameter "redefines" it.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client
from django.utils import timezone

from tashil.factories import CertificateFactory, CompanyFactory
from tashil.figures import links, selectors
from tashil.figures.period import Period
from tashil.figures.services import weekly_report_send
from tashil.figures.tables import knowledge_based_table
from tashil.figures.weekly import last_complete_week
from tashil.investments.models import ExportFigure, ExportKind
from tashil.investments.services import export_record
from tashil.investments.tests.conftest import destinations, dollars  # noqa: F401 (fixtures)
from tashil.registry.services import target_set

pytestmark = pytest.mark.django_db

# --- A figure and its link ------------------------------------------------------------------------


def test_the_export_forecast_link_lists_only_the_figures_the_dashboard_counts(
    secretariat: Any, province: Any, company: Any, destinations: Any, tehran_clock: Any
) -> None:
    """The dashboard of Azar 1403 quotes the 1404 forecasts recorded by 30 Azar
    (`selectors.recorded_by`), and its link lists those, not one recorded in Dey."""
    azar = Period.jalali_month(1403, 9)
    tehran_clock.set(dt.datetime(2024, 12, 1, 10, tzinfo=timezone.get_current_timezone()))
    export_record(
        actor=None,
        company=company,
        kind=ExportKind.FORECAST,
        year=1404,
        destination=destinations.russia,
        value=dollars(500_000),
        source="صمت",
    )
    tehran_clock.set(dt.datetime(2025, 1, 5, 10, tzinfo=timezone.get_current_timezone()))
    export_record(
        actor=None,
        company=company,
        kind=ExportKind.FORECAST,
        year=1404,
        destination=destinations.iraq,
        value=dollars(300_000),
        source="صمت",
    )
    assert ExportFigure.objects.count() == 2
    figure = selectors.export_figures(province=province, year=1404, as_of=azar.end)
    client = Client()
    client.force_login(secretariat)

    response = client.get(links.exports(province, year=1404, recorded_to=azar.end))

    assert figure.total_usd == Decimal(500_000)
    assert len(response.context["figures"]) == 1


# --- One figure, two roundings --------------------------------------------------------------------


def test_the_knowledge_based_table_gives_the_share_of_target_the_tile_gives(
    province: Any, county: Any
) -> None:
    """1 unit of a target of 8 is 12.5%: the tile and the table's row both say 13 (half up)."""
    day = timezone.localdate()
    CertificateFactory(
        company=CompanyFactory(county=county),
        issued_on=day - dt.timedelta(days=30),
        expires_on=day + dt.timedelta(days=300),
    )
    target_set(actor=None, province=province, count=8, due_on=day + dt.timedelta(days=100))
    d = selectors.dashboard(province=province, period=Period(day, day))

    last_row = knowledge_based_table(d).rows[-1]

    assert d.knowledge_based.target_share == 13
    assert last_row[3] == d.knowledge_based.target_share  # fails: 12


# --- The weekly email -----------------------------------------------------------------------------


class _SecondMessageFailsOnce(LocmemBackend):
    """Delivers into the outbox like locmem, but the second message fails once (a refused
    address, a dropped connection), after the first has gone out."""

    failed = False
    seen = 0

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            _SecondMessageFailsOnce.seen += 1
            if _SecondMessageFailsOnce.seen == 2 and not _SecondMessageFailsOnce.failed:
                _SecondMessageFailsOnce.failed = True
                raise ConnectionError("connection dropped")
            super().send_messages([message])
        return len(messages)


def test_a_weekly_report_is_not_mailed_twice_to_an_executive_when_a_later_address_fails(
    settings: Any, province: Any, executive: Any, django_user_model: Any
) -> None:
    from tashil.accounts.services import role_grant

    second = django_user_model.objects.create_user(
        username="deputy", password="x", email="deputy@example.org"
    )
    role_grant(actor=None, user=second, role="executive", province=province)
    executive.email = "governor@example.org"
    executive.save()
    settings.EMAIL_BACKEND = f"{__name__}._SecondMessageFailsOnce"
    _SecondMessageFailsOnce.failed = False
    _SecondMessageFailsOnce.seen = 0
    today = timezone.localdate()
    week = last_complete_week(today)

    assert weekly_report_send(province=province, week=week, today=today) == 1
    # The job's next hourly run sends the one that failed, and only it.
    assert weekly_report_send(province=province, week=week, today=today) == 1

    to_governor = [m for m in mail.outbox if m.to == ["governor@example.org"]]
    to_deputy = [m for m in mail.outbox if m.to == ["deputy@example.org"]]
    assert (len(to_governor), len(to_deputy)) == (1, 1)
