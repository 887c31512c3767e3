"""Registry forms: they check the shape of input; the services enforce the rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.core import spreadsheets
from tashil.core.forms import (
    LONG_TEXT_LENGTH,
    DigitsIntegerField,
    EconomicCodeField,
    JalaliDateField,
    NationalIdField,
)
from tashil.core.text import to_ascii_digits
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.imports import ADDRESS_LENGTH, APPROVED_PRODUCTS_LENGTH, ImportKind
from tashil.registry.models import (
    Activity,
    ActivitySection,
    CertificateClass,
    CompanyStatus,
    LicenceKind,
)
from tashil.registry.selectors import SORTS, CompanyFilters
from tashil.registry.services import COMPANY_FIELDS

# Bounds that keep a typing slip out of the database columns (and their arithmetic).
MAX_EMPLOYEES = 1_000_000
MAX_RIAL = 10**18

YES_NO = [("", _("all")), ("yes", _("yes")), ("no", _("no"))]


class ListedChoices(ModelChoiceIterator):
    """A model select's options read in one query. Django's own iterator reads them with
    `.iterator()`, which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three
    round trips for a few dozen rows, on every select of a filter form (docs/performance.md)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are read in one query (see `ListedChoices`); `show()`
    gives the options from rows already read, or from another queryset than the one that
    validates (a select that offers the latest rows but accepts any)."""

    iterator = ListedChoices

    def show(self, shown: Iterable[Any]) -> None:
        choices = ListedChoices(self)
        choices.queryset = shown  # type: ignore[assignment]
        self.widget.choices = choices


class ActivityChoiceField(forms.ModelChoiceField):
    """An ISIC class typed as its four-digit code (any digit script) or picked from the list."""

    def to_python(self, value: Any) -> Activity | None:
        if isinstance(value, str) and value.strip():
            code = to_ascii_digits(value.strip())
            if code.isdigit() and len(code) == 4:
                activity = Activity.objects.filter(code=code).first()
                if activity is None:
                    raise forms.ValidationError(
                        _("There is no ISIC class with this code."), code="invalid_choice"
                    )
                return activity
        return super().to_python(value)

    def label_from_instance(self, obj: Activity) -> str:
        return str(obj)


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    county = ListedModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )
    estate = ListedModelChoiceField(
        label=_("Industrial estate"), queryset=IndustrialEstate.objects.none(), required=False
    )
    section = ListedModelChoiceField(
        label=_("Activity section"),
        queryset=ActivitySection.objects.all(),
        required=False,
        to_field_name="code",
    )
    activity = forms.CharField(label=_("ISIC code"), required=False, max_length=4)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *CompanyStatus.choices], required=False
    )
    knowledge_based = forms.ChoiceField(label=_("Knowledge-based"), choices=YES_NO, required=False)
    certificate_class = forms.ChoiceField(
        label=_("Certificate class"),
        choices=[("", _("all")), *CertificateClass.choices],
        required=False,
    )
    expiring = forms.BooleanField(label=_("Certificate expiring soon"), required=False)
    on = JalaliDateField(label=_("On date"), required=False)
    province = ListedModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("all"),
    )
    revived_from = JalaliDateField(label=_("Revived from"), required=False)
    revived_to = JalaliDateField(label=_("Revived until"), required=False)

    field_order = ["q", "province"]
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("name")),
            ("-name", _("name, descending")),
            ("-employees", _("most employees")),
            ("employees", _("fewest employees")),
            ("-updated", _("recently changed")),
            ("national_id", _("national ID")),
        ],
    )

    def __init__(self, *args: Any, provinces: list[Province], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = Province.objects.filter(  # type: ignore[attr-defined]
            pk__in=[province.pk for province in provinces]
        )
        # The caller read them already: listed (in the model's order) without a query.
        field.show(sorted(provinces, key=lambda province: province.name))  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.filter(province__in=provinces)  # type: ignore[attr-defined]
        self.fields["estate"].queryset = IndustrialEstate.objects.filter(  # type: ignore[attr-defined]
            province__in=provinces
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("revived_from"), data.get("revived_to")
        if start and end and start > end:
            self.add_error("revived_to", _("The end of the range is before its start."))
        return data

    def filters(self) -> CompanyFilters:
        data = self.cleaned_data if self.is_valid() else {}
        activity_code = to_ascii_digits(data.get("activity") or "").strip()
        activity = (
            Activity.objects.filter(code=activity_code).values_list("pk", flat=True).first()
            if activity_code
            else None
        )
        knowledge_based = {"yes": True, "no": False}.get(data.get("knowledge_based") or "")
        section = data.get("section")
        return CompanyFilters(
            query=data.get("q") or "",
            county=data["county"].pk if data.get("county") else None,
            estate=data["estate"].pk if data.get("estate") else None,
            # An unknown code must find nothing rather than ignore the filter.
            activity=activity if activity or not activity_code else -1,
            section=section.code if section else "",
            status=data.get("status") or "",
            knowledge_based=knowledge_based,
            certificate_class=data.get("certificate_class") or "",
            expiring=bool(data.get("expiring")),
            on=data.get("on") or timezone.localdate(),
            province=data["province"].pk if data.get("province") else None,
            revived_from=data.get("revived_from"),
            revived_to=data.get("revived_to"),
        )

    def ordering(self) -> str:
        value = self.cleaned_data.get("sort") if self.is_valid() else ""
        return value if value in SORTS else "name"


class CompanyForm(forms.Form):
    """Create and edit. On edit the national ID is shown but not editable (it is the identity)."""

    national_id = NationalIdField(label=_("National ID"), max_length=30)
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    economic_code = EconomicCodeField(label=_("Economic code"), required=False, max_length=30)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    estate = forms.ModelChoiceField(
        label=_("Industrial estate"), queryset=IndustrialEstate.objects.none(), required=False
    )
    activity = ActivityChoiceField(
        label=_("Activity (ISIC code)"),
        queryset=Activity.objects.all(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "list": "isic-codes", "dir": "ltr"}),
        help_text=_("The four-digit ISIC Rev.4 class, e.g. 2023."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=ADDRESS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    employees = DigitsIntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=MAX_EMPLOYEES
    )
    bank_debt = DigitsIntegerField(
        label=_("Bank debt (rial)"), required=False, min_value=0, max_value=MAX_RIAL
    )
    tax_debt = DigitsIntegerField(
        label=_("Tax debt (rial)"), required=False, min_value=0, max_value=MAX_RIAL
    )
    insurance_debt = DigitsIntegerField(
        label=_("Social security debt (rial)"), required=False, min_value=0, max_value=MAX_RIAL
    )

    def __init__(
        self, *args: Any, province: Province, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.filter(province=province)  # type: ignore[attr-defined]
        self.fields["estate"].queryset = IndustrialEstate.objects.filter(province=province)  # type: ignore[attr-defined]
        if editing:
            self.fields["national_id"].disabled = True
            self.fields["national_id"].required = False

    def clean_postal_code(self) -> str:
        value = to_ascii_digits(self.cleaned_data["postal_code"]).replace("-", "").strip()
        if value and (not value.isdigit() or len(value) != 10):
            raise forms.ValidationError(_("A postal code has 10 digits."))
        return value

    def field_values(self) -> dict[str, Any]:
        """The cleaned values the company services take."""
        return {name: self.cleaned_data[name] for name in COMPANY_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CompanyStatus.choices)
    since = JalaliDateField(label=_("Since"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=255)
    hs_code = forms.CharField(label=_("HS code"), required=False, max_length=14)


class LicenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LicenceKind.choices)
    number = forms.CharField(label=_("Number"), max_length=50)
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=255)
    issued_on = JalaliDateField(label=_("Issued on"))
    expires_on = JalaliDateField(label=_("Expires on"), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    title = forms.CharField(label=_("Position"), required=False, max_length=255)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    # The column's length (an address may be up to 320 characters by the standard).
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=50)
    certificate_class = forms.ChoiceField(label=_("Class"), choices=CertificateClass.choices)
    issued_on = JalaliDateField(label=_("Issued on"))
    expires_on = JalaliDateField(label=_("Expires on"))
    approved_products = forms.CharField(
        label=_("Approved knowledge-based products"),
        required=False,
        max_length=APPROVED_PRODUCTS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One product per line."),
    )


class RevokeForm(forms.Form):
    revoked_on = JalaliDateField(label=_("Revoked on"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class TargetForm(forms.Form):
    count = DigitsIntegerField(
        label=_("Target number of active units"), min_value=1, max_value=1_000_000
    )
    due_on = JalaliDateField(label=_("By date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise forms.ValidationError(_("A target is set for a date still to come."))
        return due_on


class KnowledgeBasedForm(forms.Form):
    on = JalaliDateField(label=_("On date"), required=False)
    start = JalaliDateField(label=_("Chart from"), required=False)

    # A chart of more than this many years is unreadable and costs a long scan.
    MAX_YEARS = 10

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on, start = data.get("on") or timezone.localdate(), data.get("start")
        if start and start > on:
            self.add_error("start", _("The chart must start before the date it counts on."))
        elif start and (on - start).days > 366 * self.MAX_YEARS:
            self.add_error(
                "start",
                _("The chart can span at most %(years)d years.") % {"years": self.MAX_YEARS},
            )
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File (Excel .xlsx or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): validate every row and import nothing"),
        required=False,
        initial=True,
    )

    def clean_file(self) -> Any:
        # What can be told without parsing (too large, not a workbook or CSV whatever its name,
        # a zip bomb) is answered here, beside the input, rather than by a job that fails.
        upload = self.cleaned_data["file"]
        try:
            spreadsheets.check_upload(upload, upload.name or "")
        except spreadsheets.ImportFileError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return upload
