"""The weekly report as a printed document: rendered by WeasyPrint through `core.pdf` from
`figures/pdf/weekly.html`, one printed table per table of the report (`weekly.week_tables` and
the year's `tables.dashboard_tables`), so the paper holds the numbers the page and the workbook
hold. Like the meetings' papers it is always Persian, whatever the language of the request or of
the job that mails it: Jalali dates, Persian digits, Persian labels, the vendored Vazirmatn font.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from tashil.core.pdf import render_pdf
from tashil.figures.weekly import WeeklyReport, week_tables, year_tables


def weekly_pdf(report: WeeklyReport) -> bytes:
    with translation.override("fa"):
        return render_pdf(
            "figures/pdf/weekly.html",
            {
                "title": _("Weekly report of the Production Facilitation HQ"),
                "report": report,
                "week_tables": week_tables(report),
                "year_tables": year_tables(report),
            },
        )
