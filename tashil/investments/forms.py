"""Forms of the investment pages: they check the shape of input (a Jalali date or year, an
amount in any digit script, a choice from the list offered); the services in
`tashil.investments.services` enforce the rules (a status move the table allows, a project of
the same company, an opening date only for an operating line) and their errors are put back on
the field at fault (`core.forms.apply_service_errors`).

Money is typed as entered: an amount, its currency and, for dollars, the rate and its date. The
form works the rial value out with `core.money.to_rials`, so a dollar amount without its rate is
refused on the rate field with core.money's own message before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import jdatetime
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.core import identifiers
from tashil.core.forms import LONG_TEXT_LENGTH, DigitsIntegerField, JalaliDateField
from tashil.core.money import Currency, Money, to_rials
from tashil.core.text import to_ascii_digits
from tashil.geo.models import Country, CountryGroup, County, IndustrialEstate, Province
from tashil.investments import selectors
from tashil.investments.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ExportKind,
    Project,
    Sector,
    SectorShare,
    ShareBasis,
)
from tashil.investments.workflow import PROJECT_TRANSITIONS, ProjectStatus
from tashil.registry.models import Company

# Bounds that keep a typing slip out of the columns (and out of the province's totals).
MAX_JOBS = 1_000_000
MAX_PRODUCTS = 100_000
MAX_RATE = 10**12


def current_jalali_year() -> int:
    return int(jdatetime.date.fromgregorian(date=timezone.localdate()).year)


# --- Fields --------------------------------------------------------------------------------------


class DigitsDecimalField(forms.DecimalField):
    """A decimal typed in Persian, Arabic-Indic or ASCII digits, with ٬ or , between thousands
    and ٫ or . before the fraction: «۴٬۰۰۰٬۰۰۰» and «4,000,000» are the same amount."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = (
                to_ascii_digits(value)
                .replace("\u066c", "")
                .replace(",", "")
                .replace("\u066b", ".")
                .replace(" ", "")
                .strip()
            )
            # Decimal() also reads «1e9», «NaN» and «Infinity»: letters in an amount are a slip.
            if value and not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class JalaliYearField(DigitsIntegerField):
    """A Jalali year (1404), in any digit script, within the range the models accept."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "dir": "ltr", "placeholder": "1404", "size": 6}
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": _("Enter a Jalali year such as 1404.")})
        super().__init__(**kwargs)


class ProvinceField(forms.ModelChoiceField):
    """A province by its code (the figures' links name it so), among the user's."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Province"))
        kwargs.setdefault("queryset", Province.objects.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("all"))
        super().__init__(**kwargs)


class CodeChoiceField(forms.ModelChoiceField):
    """A row by its code as a link writes it: "RU" (or "ru") for a country, "eaeu" for a
    group."""

    def __init__(self, *, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("all"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper() if self.upper else value.strip()
        return super().to_python(value)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CompanyByNationalIdField(forms.CharField):
    """A company typed as its national ID (any digit script), among the companies the form
    offers (those of the secretariat's province)."""

    def __init__(self, *, companies: QuerySet[Company] | None = None, **kwargs: Any) -> None:
        self.companies = companies if companies is not None else Company.objects.none()
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Company | None:
        text = super().clean(value)
        if not text:
            return None
        national_id = identifiers.normalize_national_id(text)
        company = self.companies.filter(national_id=national_id).first()
        if company is None:
            raise ValidationError(
                _("No company with this national ID is registered in your province."),
                code="unknown_company",
            )
        return company


class DestinationField(forms.ChoiceField):
    """One select for a country or a named group of countries, grouped in the list: an export
    figure goes to one or the other, never both (the model's constraint)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)

    def load(self) -> None:
        groups = [(f"group:{g.pk}", g.display_name) for g in CountryGroup.objects.all()]
        countries = sorted(
            ((f"country:{c.pk}", c.display_name) for c in Country.objects.all()),
            key=lambda choice: choice[1],
        )
        self.choices = [
            ("", "—"),
            (str(_("Groups of countries")), groups),
            (str(_("Countries")), countries),
        ]

    def clean(self, value: Any) -> Country | CountryGroup | None:
        text = super().clean(value)
        if not text:
            return None
        kind, _sep, pk = text.partition(":")
        destination: Country | CountryGroup | None = None
        if pk.isdigit() and kind == "country":
            destination = Country.objects.filter(pk=pk).first()
        elif pk.isdigit() and kind == "group":
            destination = CountryGroup.objects.filter(pk=pk).first()
        if destination is None:
            raise ValidationError(_("Choose a country or a group of countries."))
        return destination


def destination_value(destination: Country | CountryGroup | None) -> str:
    if isinstance(destination, Country):
        return f"country:{destination.pk}"
    if isinstance(destination, CountryGroup):
        return f"group:{destination.pk}"
    return ""


# --- Money ---------------------------------------------------------------------------------------


class MoneyForm(forms.Form):
    """An amount as entered. `money()` is what the services take; `clean()` has already made
    sure it converts to rials, with core.money's message on the field at fault."""

    MONEY_FIELDS = ("amount", "currency", "rate", "rate_on")

    amount = DigitsDecimalField(
        label=_("Amount"),
        min_value=0,
        max_digits=20,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    rate = DigitsIntegerField(
        label=_("Exchange rate (rials per dollar)"),
        required=False,
        min_value=1,
        max_value=MAX_RATE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("Only for a dollar amount: the rate it is counted at, and its date."),
    )
    rate_on = JalaliDateField(label=_("Date of the rate"), required=False)

    def money(self) -> Money:
        data = self.cleaned_data
        return Money(data["amount"], data["currency"], data.get("rate"), data.get("rate_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") is not None and data.get("currency"):
            try:
                to_rials(self.money())
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
        return data


def money_initial(money: Money) -> dict[str, Any]:
    amount = Decimal(money.amount)
    return {
        # 4000000, not 4000000.00: the form shows what someone would type.
        "amount": amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount,
        "currency": money.currency,
        "rate": money.rate,
        "rate_on": money.rate_on,
    }


# --- Projects ------------------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )
    estate = forms.ModelChoiceField(
        label=_("Industrial estate"), queryset=IndustrialEstate.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *ProjectStatus.choices], required=False
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False
    )
    opening_year = JalaliYearField(
        label=_("Opening year"),
        required=False,
        help_text=_("The Jalali year the line opened or is planned to open."),
    )
    province = ProvinceField()
    opened_from = JalaliDateField(label=_("Opened from"), required=False)
    opened_to = JalaliDateField(label=_("Opened until"), required=False)

    field_order = ["q", "province"]

    def __init__(self, *args: Any, provinces: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(pk__in=provinces)  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.filter(province__in=provinces)  # type: ignore[attr-defined]
        self.fields["estate"].queryset = IndustrialEstate.objects.filter(  # type: ignore[attr-defined]
            province__in=provinces
        )

    def filters(self) -> selectors.ProjectFilters:
        """The filters as typed; a filter that does not validate is left out (and shown with
        its error), the others still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.ProjectFilters(
            q=data.get("q") or "",
            county=data["county"].pk if data.get("county") else None,
            estate=data["estate"].pk if data.get("estate") else None,
            status=data.get("status") or "",
            sector=data["sector"].pk if data.get("sector") else None,
            opening_year=data.get("opening_year"),
            province=data["province"].pk if data.get("province") else None,
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and start > end:
            self.add_error("opened_to", _("The end of the range is before its start."))
        return data


def status_choices(current: str | None) -> list[tuple[str, Any]]:
    """The statuses a project may be given: all of them for a new one, else its own and those
    the transition table allows from it."""
    if current is None:
        return list(ProjectStatus.choices)
    allowed = {current, *PROJECT_TRANSITIONS.get(current, frozenset())}
    return [(value, label) for value, label in ProjectStatus.choices if value in allowed]


class ProjectForm(MoneyForm):
    """Create (with the company) and edit (the company is fixed). The investment is the money
    part; the source and the as-of date go on the history row of the change."""

    company = CompanyByNationalIdField(
        label=_("Company (national ID)"),
        help_text=_("The 11-digit national ID of a company registered in your province."),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("Leave empty for the company's county and industrial estate."),
    )
    estate = forms.ModelChoiceField(
        label=_("Industrial estate"), queryset=IndustrialEstate.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    jobs_planned = DigitsIntegerField(
        label=_("Jobs planned"), required=False, min_value=0, max_value=MAX_JOBS
    )
    jobs_created = DigitsIntegerField(
        label=_("Jobs created"), required=False, min_value=0, max_value=MAX_JOBS
    )
    product_types = DigitsIntegerField(
        label=_("Product types"), required=False, min_value=0, max_value=MAX_PRODUCTS
    )
    progress = DigitsIntegerField(
        label=_("Physical progress (%)"), min_value=0, max_value=100, initial=0
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    planned_opening_on = JalaliDateField(label=_("Planned opening date"), required=False)
    opened_on = JalaliDateField(
        label=_("Opening date"),
        required=False,
        help_text=_("Only for an operating line."),
    )
    source = forms.CharField(
        label=_("Source of these figures"),
        max_length=255,
        help_text=_("Who gave the figures: the company, the estate's company, an official…"),
    )
    on = JalaliDateField(label=_("Figures as of"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    field_order = [
        "company",
        "title",
        "sector",
        "county",
        "estate",
        "description",
        "amount",
        "currency",
        "rate",
        "rate_on",
        "jobs_planned",
        "jobs_created",
        "product_types",
        "progress",
        "status",
        "planned_opening_on",
        "opened_on",
        "source",
        "on",
        "note",
    ]

    def __init__(
        self,
        *args: Any,
        province_ids: set[int],
        companies: QuerySet[Company] | None = None,
        project: Project | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["county"].queryset = County.objects.filter(province__in=province_ids)  # type: ignore[attr-defined]
        self.fields["estate"].queryset = IndustrialEstate.objects.filter(  # type: ignore[attr-defined]
            province__in=province_ids
        )
        status = self.fields["status"]
        if project is None:
            self.fields["company"].companies = (  # type: ignore[attr-defined]
                companies if companies is not None else Company.objects.none()
            )
            # project_create takes no note: its history row holds the figures and their source.
            del self.fields["note"]
        else:
            del self.fields["company"]
            self.fields["county"].required = True
            self.fields["county"].help_text = ""
            # The select offers the moves the table allows; any known status still validates so
            # that a move the table refuses gets the service's own message, on this field.
            status.widget.choices = status_choices(project.status)

    def project_values(self) -> dict[str, Any]:
        """What project_create / project_update take, besides actor and project."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "title",
                "sector",
                "county",
                "estate",
                "description",
                "jobs_planned",
                "jobs_created",
                "product_types",
                "progress",
                "status",
                "planned_opening_on",
                "opened_on",
            )
        }
        values["description"] = values["description"] or ""
        return values


class ProgressForm(forms.Form):
    """A progress report: what changed as of a date, and who says so. The opening is not
    reported here: it needs its date, which the edit form and the visit's opening record."""

    on = JalaliDateField(label=_("As of"))
    progress = DigitsIntegerField(
        label=_("Physical progress (%)"), required=False, min_value=0, max_value=100
    )
    jobs_created = DigitsIntegerField(
        label=_("Jobs created"), required=False, min_value=0, max_value=MAX_JOBS
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.CharField(label=_("Source"), max_length=255)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        moves = [
            (value, label)
            for value, label in status_choices(project.status)
            if value not in (project.status, ProjectStatus.OPERATING)
        ]
        self.fields["status"].choices = [("", _("unchanged")), *moves]  # type: ignore[attr-defined]

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("A report is as of today or an earlier day."))
        return on

    def report_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "on": data["on"],
            "progress": data.get("progress"),
            "jobs_created": data.get("jobs_created"),
            "status": data.get("status") or None,
            "source": data["source"],
            "note": data.get("note") or "",
        }


# --- Export figures ------------------------------------------------------------------------------


class ExportFilterForm(forms.Form):
    year = JalaliYearField(label=_("Year"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("all")), *ExportKind.choices], required=False
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), required=False
    )
    province = ProvinceField()
    group = CodeChoiceField(
        label=_("Group of countries"),
        queryset=CountryGroup.objects.all(),
        help_text=_("The group's own figures and those to its member countries."),
    )
    country = CodeChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        upper=True,
    )
    recorded_to = JalaliDateField(label=_("Recorded by"), required=False)

    field_order = ["province"]

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Company],
        provinces: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["province"].queryset = Province.objects.filter(pk__in=list(provinces))  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.export_figures`; a filter that does not validate
        is left out (and shown with its error), the others still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "year": data.get("year"),
            "kind": data.get("kind") or "",
            "company": data["company"].pk if data.get("company") else None,
            "province": data["province"].pk if data.get("province") else None,
            "country": data["country"].pk if data.get("country") else None,
            "group": data["group"].pk if data.get("group") else None,
            "recorded_to": data.get("recorded_to"),
        }


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.title} — {obj.company.legal_name}"


class ExportFigureForm(MoneyForm):
    """Create: the company, the optional project, kind, year and destination pick the figure
    (recording one that exists updates it). Edit: those are fixed; the value, source and note
    change."""

    company = CompanyByNationalIdField(label=_("Company (national ID)"))
    project = ProjectChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("Optional: a project of the same company."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ExportKind.choices)
    year = JalaliYearField(label=_("Year"))
    destination = DestinationField(label=_("Destination"))
    source = forms.CharField(label=_("Source"), max_length=255)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = [
        "company",
        "project",
        "kind",
        "year",
        "destination",
        "amount",
        "currency",
        "rate",
        "rate_on",
        "source",
        "note",
    ]
    KEY_FIELDS = ("company", "project", "kind", "year", "destination")

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Company],
        projects: QuerySet[Project],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].companies = companies  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects.select_related("company")  # type: ignore[attr-defined]
        self.fields["destination"].load()  # type: ignore[attr-defined]
        if editing:
            for name in self.KEY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        company, project = data.get("company"), data.get("project")
        if company is not None and project is not None and project.company_id != company.pk:
            self.add_error("project", _("The project belongs to another company."))
        return data


# --- Sector shares -------------------------------------------------------------------------------


class ShareFilterForm(forms.Form):
    province = ProvinceField()
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False
    )
    stated_to = JalaliDateField(label=_("Stated by"), required=False)

    def __init__(self, *args: Any, provinces: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(pk__in=list(provinces))  # type: ignore[attr-defined]

    def stated_by(self) -> dt.date | None:
        self.is_valid()
        day: dt.date | None = getattr(self, "cleaned_data", {}).get("stated_to")
        return day

    def sector_id(self) -> int | None:
        self.is_valid()
        sector = getattr(self, "cleaned_data", {}).get("sector")
        return sector.pk if sector else None

    def province_chosen(self) -> Province | None:
        self.is_valid()
        province: Province | None = getattr(self, "cleaned_data", {}).get("province")
        return province


class ShareForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    basis = forms.ChoiceField(label=_("Measure"), choices=ShareBasis.choices)
    value = DigitsDecimalField(
        label=_("Value"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        initial="%",
        help_text=_("For a share: percent (%). For a quantity: another unit (tonnes a year…)."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        help_text=_("Who stated the figure: an official, an agency, a news agency…"),
    )
    source_url = forms.URLField(
        label=_("Source address (URL)"),
        required=False,
        assume_scheme="https",
        # The column's length: a longer address would fail the write on PostgreSQL.
        max_length=SectorShare._meta.get_field("source_url").max_length,
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    stated_on = JalaliDateField(label=_("Date stated"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def first_province(ids: set[int]) -> Province | None:
    """The province a secretariat records for (the first, should one hold several)."""
    return Province.objects.filter(pk__in=ids).order_by("pk").first() if ids else None
