"""The demo province's obstacle cases: every state, some overdue today, across categories and
counties, each with a genuine timeline, loaded once however often `make run` starts."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tashil.cases.models import Case, CaseEvent, Category, DefaultAgency, Referral
from tashil.cases.workflow import FINAL, CaseStatus
from tashil.demo.cases import frozen_clock
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Case, CaseEvent, Referral, Notification)
    }


def test_the_demo_has_cases_in_every_state_category_and_county_and_loads_them_only_once(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out = load_demo()

    cases = Case.objects.filter(province__code="26")
    assert 60 <= cases.count() <= 120
    assert f"Cases: {cases.count()} added" in out
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(cases.values_list("county__code", flat=True)) == {
        "2601", "2602", "2603", "2604", "2605", "2606",
    }  # fmt: skip
    assert set(cases.values_list("category", flat=True)) == set(
        Category.objects.values_list("pk", flat=True)
    )
    # Each category's cases reach its default agency (the first agency of its topics).
    for default in DefaultAgency.objects.filter(province__code="26").select_related("category"):
        referred = Referral.objects.filter(case__category=default.category)
        assert referred.filter(agency=default.agency).exists(), default
    # Filed by the company on the portal, by the secretariat and by a county HQ.
    assert {"portal", "county_hq", "letter"} <= set(cases.values_list("channel", flat=True))
    # Parallel referrals: some cases went to two or three agencies at once.
    referred_to = [
        len(event.data["agencies"]) for event in CaseEvent.objects.filter(data__action="refer")
    ]
    assert {1, 2, 3} <= set(referred_to)
    assert Referral.objects.filter(case__in=cases).values("case").distinct().count() >= 40
    # Amounts in rial where money is involved, Persian titles.
    assert cases.filter(amount__gte=10**9).count() >= 30
    assert all("\u0600" <= title[0] <= "\u06ff" for title in cases.values_list("title", flat=True))

    # The services queued their mail and texts after commit, but none left: the events are
    # months old and the addresses invented. The in-app notices stay, the old ones read.
    assert callbacks
    assert mail.outbox == []
    assert sms_outbox == []
    week_ago = timezone.now() - dt.timedelta(days=7)
    assert Notification.objects.filter(created_at__lt=week_ago).count() >= 100
    assert not Notification.objects.filter(created_at__lt=week_ago, read_at__isnull=True).exists()

    before = counts()
    again = load_demo()

    assert counts() == before
    assert f"Cases: 0 added, {before['Case']} in the demo" in again


def test_every_demo_case_starts_with_its_filing_and_runs_in_order_over_the_last_six_months():
    load_demo()

    now = timezone.now()
    filed = []
    for case in Case.objects.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda event: (event.created_at, event.pk))
        assert events[0].kind == "filed"
        assert events[0].created_at == case.created_at
        # Written in the order it happened: ids and times agree.
        assert [event.pk for event in events] == sorted(event.pk for event in events)
        assert events[-1].created_at <= now
        assert case.status_changed_at == max(
            [e.created_at for e in events if e.to_status] or [case.created_at]
        )
        filed.append(case.created_at)
    assert min(filed) >= now - dt.timedelta(days=200)
    assert min(filed) <= now - dt.timedelta(days=120)
    # Spread out, not bunched: cases were filed in at least five different months.
    assert len({(day.year, day.month) for day in filed}) >= 5
    # New cases wait in the queue, filed in the last working days (Nowruz included).
    new = Case.objects.filter(status=CaseStatus.SUBMITTED)
    assert new.filter(created_at__gte=now - dt.timedelta(days=21)).count() == new.count() >= 3


def test_referrals_are_overdue_today_at_several_levels_and_timelines_show_every_turn():
    load_demo()

    today = timezone.localdate()
    overdue = Referral.objects.filter(status="open", due_on__lt=today)
    assert overdue.count() >= 5
    assert len(set(overdue.values_list("escalation_level", flat=True))) >= 3
    assert overdue.filter(escalation_level__gte=3).exists()
    # Each step the job reached is on the timeline, once, in order.
    for referral in overdue.filter(escalation_level__gt=0):
        levels = list(
            CaseEvent.objects.filter(referral=referral, kind="escalated")
            .order_by("created_at", "pk")
            .values_list("data__level", flat=True)
        )
        assert levels == list(range(1, referral.escalation_level + 1))
    # Others are open but not yet due.
    assert Referral.objects.filter(status="open", due_on__gte=today).exists()

    # The other turns a case takes: late answers, an extension, a pause, a merge, a reopening.
    answered_late = CaseEvent.objects.filter(kind="answered", data__late=True)
    assert answered_late.count() >= 2
    for event in answered_late:
        assert CaseEvent.objects.filter(referral=event.referral, kind="escalated").exists()
    [extension] = CaseEvent.objects.filter(kind="extended")
    assert extension.referral.extended_days == extension.data["days"]
    assert extension.data["to"] > extension.data["from"]
    assert CaseEvent.objects.filter(kind="deadlines_moved").exists()
    # One case waits for the company while an agency's referral is open: its clock is stopped.
    paused = Case.objects.filter(status=CaseStatus.RETURNED_FOR_INFO, referrals__status="open")
    assert paused.exists()
    assert not paused.filter(referrals__escalation_level__gt=0).exists()
    for merged in Case.objects.filter(status=CaseStatus.MERGED):
        assert merged.merged_into.company_id == merged.company_id
        assert merged.merged_into.events.filter(kind="merged_in").exists()
    reopened = Case.objects.filter(events__data__action="reopen")
    assert reopened.count() == 1
    assert reopened.get().status not in FINAL
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.filter(satisfaction__isnull=False).count() >= 5
    assert closed.filter(events__data__unconfirmed=True).count() >= 5
    # Outcomes still in their confirmation window; the others were confirmed or closed.
    waiting = Case.objects.filter(status__in=["resolved", "unresolved", "escalated_national"])
    assert waiting.exists()
    assert not waiting.filter(confirm_until__lte=timezone.now()).exists()


def test_the_frozen_clock_reaches_model_defaults_and_is_undone_after_an_error():
    at = dt.datetime(2025, 12, 15, 9, 30, tzinfo=dt.UTC)
    default = CaseEvent._meta.get_field("created_at").get_default

    with pytest.raises(ZeroDivisionError), frozen_clock(at):
        assert timezone.now() == at
        assert timezone.localdate() == dt.date(2025, 12, 15)
        assert default() == at
        1 / 0  # noqa: B018

    assert timezone.now() - dt.datetime.now(dt.UTC) < dt.timedelta(seconds=5)
    assert default() > at + dt.timedelta(days=300)
