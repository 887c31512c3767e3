from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.core.jalali import format_jalali
from tashil.demo.cases import load_cases
from tashil.demo.figures import FiguresResult, load_figures
from tashil.demo.investments import InvestmentsResult, load_investments
from tashil.demo.meetings import BANKING, COUNTY, PROVINCIAL, MeetingsResult, meetings_result
from tashil.demo.province import DEMO_PASSWORD, QAZVIN, load_companies, load_users
from tashil.demo.registry import REFERENCE_DATE, load_registry
from tashil.geo.models import Province

SCOPED_LISTING = {Role.AGENCY_OFFICER, Role.AGENCY_HEAD, Role.COUNTY_SECRETARIAT}


class Command(BaseCommand):
    help = "Load the demo province (Qazvin) and its demo users; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference", stdout=self.stdout)
        # One transaction: on SQLite, thousands of service calls then cost one commit.
        with transaction.atomic():
            companies = load_companies()
            users = load_users(companies)
            started = time.monotonic()
            registry = load_registry()
            seconds = time.monotonic() - started
            started = time.monotonic()
            cases = load_cases()
            case_seconds = time.monotonic() - started
            meetings = meetings_result(
                Province.objects.get(code=QAZVIN), user=User.objects.get(username="dabir")
            )
            started = time.monotonic()
            investments = load_investments()
            investment_seconds = time.monotonic() - started
            started = time.monotonic()
            figures = load_figures()
            figure_seconds = time.monotonic() - started
        self.stdout.write(
            f"Registry: {registry.companies} companies and {registry.certificates} certificates "
            f"added in {seconds:.1f} s"
        )
        self.stdout.write(
            f"{registry.knowledge_based} active knowledge-based units in Qazvin on "
            f"{format_jalali(REFERENCE_DATE, language='en')}: see "
            f"/registry/knowledge-based/?on={format_jalali(REFERENCE_DATE, language='en')} "
            "(log in as dabir or ostandar)"
        )
        self.stdout.write(
            f"Cases: {cases.added} added, {cases.total} in the demo, {cases.overdue} referrals "
            f"overdue today, results recorded on {cases.results}, in {case_seconds:.1f} s with "
            "the meetings "
            "(see /cases/ as dabir, maliat or golsar)"
        )
        self.stdout.write(meetings_line(meetings))
        self.stdout.write(investments_line(investments, investment_seconds))
        self.stdout.write(figures_line(figures, figure_seconds))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for user in users:
            # Several officers share a role; the scope (agency code, county…) tells them apart.
            scope = f" ({user.scope})" if user.role in SCOPED_LISTING else ""
            self.stdout.write(f"  {user.username:<14} {user.role.label}{scope}")


def meetings_line(meetings: MeetingsResult) -> str:
    """Sessions held and the resolutions' figures, as `selectors.resolution_totals` counts them."""
    held = meetings.held
    totals = meetings.totals
    coming = ""
    if meetings.coming is not None:
        day = format_jalali(meetings.coming.starts_at, language="en")
        coming = f"; session {meetings.coming.number} of the HQ planned for {day}"
    return (
        f"Meetings: {sum(held.values())} sessions held ({held[PROVINCIAL]} of the provincial HQ, "
        f"{held[BANKING]} of the banking working group, {held[COUNTY]} of the Takestan county HQ)"
        f"{coming}. Resolutions: {totals['total']} issued, {totals['executed']} executed, "
        f"{totals['follow_up']} in follow-up ({totals['overdue']} overdue), "
        f"{totals['not_executed']} not executed (see /meetings/ and /meetings/resolutions/ as "
        "dabir, /meetings/resolutions/mine/ as maliat)"
    )


def investments_line(result: InvestmentsResult, seconds: float) -> str:
    counties = ", ".join(f"{name} {count}" for name, count in result.by_county.items())
    return (
        f"Investments: {result.added} projects added, {result.projects} in the demo ({counties}), "
        f"{result.opened} opened; {result.visits} official visits, {result.exports} export "
        f"figures, {result.shares} sector shares, in {seconds:.1f} s (see /investments/visits/ "
        "as dabir or ostandar: the spokesperson's visit of 1404/09/24)"
    )


def figures_line(result: FiguresResult, seconds: float) -> str:
    return (
        f"Figures: {result.certified} knowledge-based certificates issued since "
        f"{format_jalali(REFERENCE_DATE, language='en')}, {result.revived} idle units revived, "
        f"{result.forecasts} export forecasts for {result.forecast_year} added, "
        f"in {seconds:.1f} s (see /figures/ as dabir or ostandar, and the reference day's "
        f"/figures/?on={format_jalali(REFERENCE_DATE, language='en')})"
    )
