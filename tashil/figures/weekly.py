"""The governor's weekly report (issue 7, item 4): a Saturday-to-Friday week of the provincial HQ.

The week's sessions held, the cases filed, the resolutions issued, the overdue items by agency,
the agencies' cards for the week, and the dashboard of the year so far, all read from
`selectors.py`, so each number is the one the dashboard shows for the same period. The lists are
the rows behind the week's figures (the same querysets, capped at `LISTED_ROWS` rows; the report
says how many more there are), and their totals are those figures, so a list and its count
cannot disagree.

Overdue items are counted on the day the report is made (`today`), not at the week's end:
whether a referral was open on a past day is not recorded, only where it stands now. The weekly
job runs on Saturday morning, so for the report it mails the two are the same day.

The report is shown, printed (`pdf.py`) and written to a workbook from the same tables
(`week_tables` here, `tables.dashboard_tables` for the year so far), built in the language of the
reader: the page's, or Persian for the PDF and the emailed workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tashil.agencies.models import Agency
from tashil.cases.models import Case, Referral
from tashil.cases.selectors import CASE_BUCKETS, overdue_q
from tashil.core.jalali import format_jalali, is_persian_ui
from tashil.core.text import to_persian_digits
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import (
    CaseFigures,
    Dashboard,
    ResolutionFigures,
    Scorecard,
    SessionFigures,
    case_figures,
    dashboard,
    filed_in,
    held_sessions,
    issued_resolutions,
    resolution_figures,
    scorecards,
    session_figures,
)
from tashil.figures.tables import Table, dashboard_tables, scorecard_table, workbook_bytes
from tashil.geo.models import Province
from tashil.meetings.models import Meeting, Resolution, ResolutionAgency
from tashil.meetings.selectors import resolution_overdue_q
from tashil.meetings.workflow import ISSUED

# A week of a province rarely has more; past this the report names how many are left out and
# the lists behind the dashboard hold them all.
LISTED_ROWS = 200

T = TypeVar("T")


@dataclass
class Listed(Generic[T]):
    """The first rows of a list and how many the list has in all."""

    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass
class AgencyOverdue:
    """An agency's referrals open past their deadline and its resolutions past theirs, today."""

    agency: Agency
    referrals: int
    resolutions: int

    @property
    def total(self) -> int:
        return self.referrals + self.resolutions


@dataclass
class WeeklyReport:
    province: Province
    week: Period
    today: dt.date
    # The figures' last day: the week's end, or today for the week under way.
    as_of: dt.date
    # Each session annotated with `agenda_items` and `resolutions_issued`.
    sessions: Listed[Meeting]
    cases: Listed[Case]
    resolutions: Listed[Resolution]
    overdue: list[AgencyOverdue]
    # Resolutions overdue today, each once however many agencies it is addressed to.
    overdue_resolutions: int
    # Cases with a referral overdue today: a case late at two agencies is one case, as the case
    # list (its link) shows it; the per-agency rows count each agency's own.
    overdue_cases: int
    # The agencies' cards for the week (referrals sent in the week, open overdue today).
    cards: list[Scorecard]
    week_cases: CaseFigures
    week_resolutions: ResolutionFigures
    week_sessions: SessionFigures
    # The dashboard from 1 Farvardin to `as_of`.
    year: Dashboard


def last_complete_week(today: dt.date) -> Period:
    """The Saturday-to-Friday week before the one holding `today`."""
    return Period.week_of(Period.week_of(today).start - dt.timedelta(days=1))


def weekly_report(
    *, province: Province, week: Period, today: dt.date, rows: int = LISTED_ROWS
) -> WeeklyReport:
    as_of = min(week.end, today)
    week_cases = case_figures(province=province, period=week)
    week_resolutions = resolution_figures(province=province, period=week)
    week_sessions = session_figures(province=province, period=week)

    sessions: list[Meeting] = list(
        held_sessions(province=province, period=week)
        .select_related("body")
        .annotate(
            agenda_items=Count("items", distinct=True),
            resolutions_issued=Count(
                "resolutions",
                filter=Q(resolutions__state__in=sorted(ISSUED)),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")[:rows]
    )
    cases = list(
        Case.objects.filter(filed_in(week), CASE_BUCKETS["received"], province=province)
        .select_related("company", "category", "county")
        .order_by("created_at", "pk")[:rows]
    )
    resolutions = list(
        issued_resolutions(province=province, period=week)
        .select_related("meeting__body")
        .prefetch_related(
            Prefetch(
                "addressees",
                queryset=ResolutionAgency.objects.select_related("agency").order_by("agency__name"),
            )
        )
        .order_by("meeting__starts_at", "meeting__number", "number", "pk")[:rows]
    )

    agencies = Agency.objects.filter(province=province)
    cards = scorecards(province=province, period=week, agencies=agencies, today=today)
    overdue_resolutions = Resolution.objects.filter(resolution_overdue_q(today), province=province)
    late_by_agency = dict(
        overdue_resolutions.values(agency=F("addressees__agency"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("agency", "n")
    )
    overdue = [
        AgencyOverdue(
            agency=card.agency,
            referrals=card.open_overdue,
            resolutions=late_by_agency.get(card.agency.pk, 0),
        )
        for card in cards
    ]
    overdue = sorted(
        (row for row in overdue if row.total),
        key=lambda row: (-row.total, -row.referrals, str(row.agency)),
    )

    return WeeklyReport(
        province=province,
        week=week,
        today=today,
        as_of=as_of,
        sessions=Listed(sessions, week_sessions.total),
        cases=Listed(cases, week_cases.received),
        resolutions=Listed(resolutions, week_resolutions.total),
        overdue=overdue,
        overdue_resolutions=overdue_resolutions.count(),
        overdue_cases=Case.objects.filter(
            Exists(Referral.objects.filter(overdue_q(today), case=OuterRef("pk"))),
            province=province,
        ).count(),
        cards=cards,
        week_cases=week_cases,
        week_resolutions=week_resolutions,
        week_sessions=week_sessions,
        year=dashboard(province=province, period=Period.year_to_date(as_of)),
    )


# --- Tables ---------------------------------------------------------------------------------------

# A resolution's text is quoted up to this many characters; its page has the rest.
EXCERPT_CHARS = 180


def _more(listed: Listed[Any]) -> str:
    if not listed.more:
        return ""
    return ngettext(
        "and %(count)s more, not listed here", "and %(count)s more, not listed here", listed.more
    ) % {"count": listed.more}


def summary_table(report: WeeklyReport) -> Table:
    province, week = report.province, report.week
    s, c, r = report.week_sessions, report.week_cases, report.week_resolutions
    # Overdue today, whenever sent or issued: the lists' own "overdue" filters.
    overdue = urlencode({"province": province.code, "overdue": "on"})

    rows: list[tuple[str, Any, str | None]] = [
        (
            _("Sessions of the provincial HQ"),
            s.provincial,
            links.sessions(province, week, kind="provincial"),
        ),
        (
            _("Sessions of specialist working groups"),
            s.working_group,
            links.sessions(province, week, kind="working_group"),
        ),
        (_("Sessions of county HQs"), s.county, links.sessions(province, week, kind="county")),
        (_("Cases received"), c.received, links.cases(province, week)),
        (
            _("of which in progress"),
            c.in_progress,
            links.cases(province, week, bucket="in_progress"),
        ),
        (_("of which resolved"), c.resolved, links.cases(province, week, bucket="resolved")),
        (
            _("of which not resolved"),
            c.not_resolved,
            links.cases(province, week, bucket="not_resolved"),
        ),
        (_("Resolutions issued"), r.total, links.resolutions(province, week)),
        (_("of which executed"), r.executed, links.resolutions(province, week, bucket="executed")),
        (
            _("of which in follow-up"),
            r.follow_up,
            links.resolutions(province, week, bucket="follow_up"),
        ),
        (
            _("of which not executed"),
            r.not_executed,
            links.resolutions(province, week, bucket="not_executed"),
        ),
        (
            _("Cases with a referral overdue today"),
            report.overdue_cases,
            f"{reverse('cases:list')}?{overdue}",
        ),
        (
            _("Resolutions overdue today"),
            report.overdue_resolutions,
            f"{reverse('meetings:register')}?{overdue}",
        ),
    ]
    return Table(
        name="week",
        title=_("The week at a glance"),
        headers=[_("Figure"), _("Value")],
        rows=[[label, value] for label, value, _url in rows],
        links=[[None, url] for _label, _value, url in rows],
    )


def sessions_table(report: WeeklyReport) -> Table:
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for meeting in report.sessions.rows:
        rows.append(
            [
                meeting.body.display_name,
                meeting.number,
                timezone.localtime(meeting.starts_at),
                meeting.agenda_items,  # type: ignore[attr-defined]
                meeting.resolutions_issued,  # type: ignore[attr-defined]
            ]
        )
        cell_links.append([None, reverse("meetings:meeting", args=[meeting.pk])])
    return Table(
        name="week-sessions",
        title=_("Sessions held this week"),
        headers=[
            _("Body"),
            _("Session number"),
            _("Date"),
            _("Agenda items"),
            _("Resolutions issued"),
        ],
        rows=rows,
        links=cell_links,
        note=_more(report.sessions),
    )


def cases_table(report: WeeklyReport) -> Table:
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for case in report.cases.rows:
        rows.append(
            [
                case.display_tracking,
                case.company.legal_name,
                case.title,
                case.category.display_name,
                case.county.display_name,
                str(case.get_status_display()),
                timezone.localtime(case.created_at),
            ]
        )
        cell_links.append([reverse("cases:detail", args=[case.tracking])])
    return Table(
        name="week-cases",
        title=_("Cases filed this week"),
        headers=[
            _("Tracking number"),
            _("Company"),
            _("Title"),
            _("Category"),
            _("County"),
            _("Status"),
            _("Filed"),
        ],
        rows=rows,
        links=cell_links,
        note=_more(report.cases),
    )


def resolutions_table(report: WeeklyReport) -> Table:
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for resolution in report.resolutions.rows:
        meeting = resolution.meeting
        rows.append(
            [
                # "227/3" is a name, not a number: written in the reader's digits, as the
                # minutes print it.
                to_persian_digits(resolution.code) if is_persian_ui() else resolution.code,
                _("%(body)s, session %(number)s")
                % {"body": meeting.body.display_name, "number": meeting.number},
                Truncator(resolution.text).chars(EXCERPT_CHARS),
                "، ".join(a.agency.display_name for a in resolution.addressees.all()),
                resolution.deadline,
                str(resolution.get_state_display()),
            ]
        )
        cell_links.append([reverse("meetings:resolution", args=[resolution.pk])])
    return Table(
        name="week-resolutions",
        title=_("Resolutions issued this week"),
        headers=[
            _("Resolution"),
            _("Session"),
            _("Text"),
            _("Responsible agencies"),
            _("Deadline"),
            _("State"),
        ],
        rows=rows,
        links=cell_links,
        note=_more(report.resolutions),
    )


def overdue_table(report: WeeklyReport) -> Table:
    province, week = report.province, report.week
    register = reverse("meetings:register")
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for row in report.overdue:
        query = urlencode(
            {"province": province.code, "agency": str(row.agency.pk), "overdue": "on"}
        )
        rows.append([row.agency.display_name, row.referrals, row.resolutions, row.total])
        cell_links.append(
            [
                None,
                links.referrals(province, week, agency=row.agency.pk, overdue=True),
                f"{register}?{query}",
                None,
            ]
        )
    return Table(
        name="week-overdue",
        title=_("Overdue items by agency"),
        headers=[
            _("Agency"),
            _("Referrals overdue"),
            _("Resolutions overdue"),
            _("Total"),
        ],
        rows=rows,
        links=cell_links,
        note=_(
            "Counted on %(date)s: referrals still open past their deadline (not while the case "
            "waits on the company) and resolutions past their deadline still with the agency."
        )
        % {"date": format_jalali(report.today)},
    )


def week_tables(report: WeeklyReport) -> list[Table]:
    """The week's sections, in the report's order, in the active language."""
    cards = scorecard_table(report.cards, province=report.province, period=report.week)
    cards.name, cards.title = "week-scorecard", _("Agency scorecards for the week")
    return [
        summary_table(report),
        sessions_table(report),
        cases_table(report),
        resolutions_table(report),
        overdue_table(report),
        cards,
    ]


def year_tables(report: WeeklyReport) -> list[Table]:
    return dashboard_tables(report.year)


def weekly_workbook(report: WeeklyReport) -> bytes:
    """One right-to-left sheet per section: the week's, then the year so far."""
    return workbook_bytes([*week_tables(report), *year_tables(report)])


def weekly_filename(report: WeeklyReport, extension: str) -> str:
    return f"weekly-report-{report.province.code}-{report.week.start.isoformat()}.{extension}"
