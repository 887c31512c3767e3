"""The project list and the export figures as CSV or Excel, streamed by `core.spreadsheets`.

Each row carries the money as entered (amount, currency, rate and its date) beside its rial
value, so that a total computed from the file matches the one the pages show and can be
checked against the rates. The company is named by its national ID and name only: the
company's financial figures (debts) are never read, let alone exported (DOMAIN.md §2).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tashil.core.jalali import jalali_input_value
from tashil.core.money import Currency
from tashil.core.spreadsheets import CHUNK_SIZE, csv_response, xlsx_response
from tashil.investments.models import ExportFigure, Project
from tashil.investments.workflow import ProjectStatus

# Company fields the exports never read.
COMPANY_PRIVATE = (
    "company__search_document",
    "company__bank_debt",
    "company__tax_debt",
    "company__insurance_debt",
)


def _number(value: Decimal | None) -> int | Decimal | None:
    """An amount as a number cell: whole amounts without «.00»."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _currency(code: str) -> str:
    return str(Currency(code).label)


# --- Projects ------------------------------------------------------------------------------------

PROJECT_WIDTHS = (36, 14, 30, 20, 14, 20, 16, 10, 16, 12, 12, 12, 20, 10, 10, 10, 12, 12, 12, 12)


def _project_headers() -> list[str]:
    return [
        _("Title"),
        _("National ID"),
        _("Company"),
        _("Sector"),
        _("County"),
        _("Industrial estate"),
        _("Status"),
        _("Physical progress (%)"),
        _("Investment (as entered)"),
        _("Currency"),
        _("Rate (rials per unit)"),
        _("Date of the rate (Jalali)"),
        _("Investment in rials"),
        _("Jobs planned"),
        _("Jobs created"),
        _("Product types"),
        _("Planned opening (Jalali)"),
        _("Planned opening (Gregorian)"),
        _("Opening date (Jalali)"),
        _("Opening date (Gregorian)"),
    ]


def _project_records(projects: QuerySet[Project]) -> Iterator[list[Any]]:
    rows = projects.select_related("company", "sector", "county", "estate").defer(*COMPANY_PRIVATE)
    for project in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            project.title,
            project.company.national_id,
            project.company.legal_name,
            project.sector.display_name,
            project.county.display_name,
            project.estate.display_name if project.estate else "",
            str(ProjectStatus(project.status).label),
            project.progress,
            _number(project.amount),
            _currency(project.currency),
            project.rate,
            jalali_input_value(project.rate_on),
            project.amount_rial,
            project.jobs_planned,
            project.jobs_created,
            project.product_types,
            jalali_input_value(project.planned_opening_on),
            project.planned_opening_on,
            jalali_input_value(project.opened_on),
            project.opened_on,
        ]


def projects_csv(projects: QuerySet[Project]) -> StreamingHttpResponse:
    return csv_response(
        headers=_project_headers(),
        records=_project_records(projects),
        filename=f"projects-{timezone.localdate():%Y%m%d}.csv",
    )


def projects_xlsx(projects: QuerySet[Project]) -> FileResponse:
    return xlsx_response(
        headers=_project_headers(),
        records=_project_records(projects),
        filename=f"projects-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Investment projects"),
        widths=PROJECT_WIDTHS,
    )


# --- Export figures ------------------------------------------------------------------------------

FIGURE_WIDTHS = (14, 30, 30, 10, 8, 24, 10, 16, 12, 12, 12, 20, 24, 30)


def _figure_headers() -> list[str]:
    return [
        _("National ID"),
        _("Company"),
        _("Project"),
        _("Kind"),
        _("Year"),
        _("Destination"),
        _("Destination code"),
        _("Amount (as entered)"),
        _("Currency"),
        _("Rate (rials per unit)"),
        _("Date of the rate (Jalali)"),
        _("Amount in rials"),
        _("Source"),
        _("Note"),
    ]


def _figure_records(figures: QuerySet[ExportFigure]) -> Iterator[list[Any]]:
    rows = figures.select_related("company", "project", "country", "group").defer(*COMPANY_PRIVATE)
    for figure in rows.iterator(chunk_size=CHUNK_SIZE):
        destination = figure.country or figure.group
        yield [
            figure.company.national_id,
            figure.company.legal_name,
            figure.project.title if figure.project else "",
            figure.get_kind_display(),
            figure.year,
            destination.display_name if destination else "",
            destination.code if destination else "",
            _number(figure.amount),
            _currency(figure.currency),
            figure.rate,
            jalali_input_value(figure.rate_on),
            figure.amount_rial,
            figure.source,
            figure.note,
        ]


def figures_csv(figures: QuerySet[ExportFigure]) -> StreamingHttpResponse:
    return csv_response(
        headers=_figure_headers(),
        records=_figure_records(figures),
        filename=f"export-figures-{timezone.localdate():%Y%m%d}.csv",
    )


def figures_xlsx(figures: QuerySet[ExportFigure]) -> FileResponse:
    return xlsx_response(
        headers=_figure_headers(),
        records=_figure_records(figures),
        filename=f"export-figures-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Export figures"),
        widths=FIGURE_WIDTHS,
    )
