"""The registry over HTTP: companies, their knowledge-based certificates and the province's
knowledge-based series. Every read goes through `tashil.registry.selectors`, so a user sees over
the API exactly what they see on the pages; every write goes through `tashil.registry.services`.

Who may do what (DOMAIN.md §2): the province's secretariat reads and writes; the executive reads;
a county secretariat reads its county; a company representative reads their own company; agency
staff and experts see no companies yet (they will reach them through cases). A company the user
may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tashil.accounts.models import User
from tashil.api import schemas
from tashil.api.auth import acting_user
from tashil.api.errors import ApiError, ErrorCode, in_field
from tashil.api.paging import page
from tashil.core.identifiers import clean_digits, normalize_economic_code, normalize_national_id
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry import selectors, services
from tashil.registry.models import Activity, Certificate, CertificateQuerySet, Company

router = Router(tags=["registry"])

# The longest knowledge-based series one request may ask for (one point per month).
MAX_SERIES_YEARS = 10


def _errors(*statuses: int) -> dict[int, type[schemas.ErrorOut]]:
    return dict.fromkeys(statuses, schemas.ErrorOut)


def _forbidden() -> ApiError:
    return ApiError(
        403, ErrorCode.PERMISSION_DENIED, _("Your role does not allow changing the registry.")
    )


def _company_detail(user: User, national_id: str) -> Company:
    company = selectors.company_get_for_user(user=user, national_id=clean_digits(national_id))
    # One query per list, whatever their length.
    prefetch_related_objects(
        [company],
        "products",
        "licences",
        "contacts",
        Prefetch("certificates", queryset=Certificate.objects.select_related("company")),
    )
    return company


# --- Companies -----------------------------------------------------------------------------------


@router.get(
    "/companies",
    response={200: schemas.CompanyPage, **_errors(401, 422)},
    operation_id="company_list",
    url_name="company_list",
    summary="List the companies you may see",
    description=(
        "Filtered and sorted as on the registry page. Pages are read with `limit` and "
        "`offset`; `next_offset` is null on the last page (no total is counted)."
    ),
)
def company_list(request: HttpRequest, filters: Query[schemas.CompanyFiltersIn]) -> Any:
    user = acting_user(request)
    qs = selectors.company_list(
        user=user,
        filters=selectors.CompanyFilters(
            query=filters.q,
            estate=filters.estate,
            section=(filters.section or "").upper(),
            status=filters.status or "",
            knowledge_based=filters.knowledge_based,
            certificate_class=filters.certificate_class or "",
            expiring=filters.expiring,
            on=filters.on or timezone.localdate(),
        ),
        sort=filters.sort,
    )
    # The list filters by id; the API speaks in the codes people use.
    if filters.county:
        qs = qs.filter(county__code=clean_digits(filters.county))
    if filters.activity:
        qs = qs.filter(activity__code=clean_digits(filters.activity))
    return page(qs, offset=filters.offset, limit=filters.limit)


@router.get(
    "/companies/{national_id}",
    response={200: schemas.CompanyDetail, **_errors(401, 404)},
    operation_id="company_get",
    url_name="company_detail",
    summary="One company with its products, licences, contacts and certificates",
    description=(
        "The debts (`bank_debt`, `tax_debt`, `insurance_debt`) are null unless "
        "`financials_visible` is true: only the province's secretariat and executive and the "
        "company's own representatives see them."
    ),
)
def company_get(request: HttpRequest, national_id: str) -> Any:
    return _company_detail(acting_user(request), national_id)


def _references(payload: dict[str, Any], province_ids: set[int] | None = None) -> dict[str, Any]:
    """County, estate and activity codes → objects; unknown ones are field errors."""
    errors: dict[str, ValidationError] = {}
    resolved: dict[str, Any] = {}
    if payload.get("county") is not None:
        county = County.objects.filter(code=clean_digits(payload["county"])).first()
        if county is None:
            errors["county"] = ValidationError(_("No county has this code."), code="unknown_county")
        resolved["county"] = county
    if "estate" in payload:
        estate = None
        if payload["estate"] is not None:
            estate = IndustrialEstate.objects.filter(pk=payload["estate"]).first()
            if estate is None:
                errors["estate"] = ValidationError(
                    _("No industrial estate has this id."), code="unknown_estate"
                )
        resolved["estate"] = estate
    if "activity" in payload:
        activity = None
        if payload["activity"] is not None:
            activity = Activity.objects.filter(code=clean_digits(payload["activity"])).first()
            if activity is None:
                errors["activity"] = ValidationError(
                    _("No ISIC class has this code."), code="unknown_activity"
                )
        resolved["activity"] = activity
    if errors:
        raise ValidationError(errors)
    return resolved


def _normalized_identifiers(payload: dict[str, Any]) -> dict[str, str]:
    """National ID and economic code in canonical digits. The normalisers raise errors that
    know no field; here they are attached to theirs, so a client can show them in place."""
    errors: dict[str, list[ValidationError]] = {}
    result: dict[str, str] = {}
    for field, normalize in (
        ("national_id", normalize_national_id),
        ("economic_code", normalize_economic_code),
    ):
        if payload.get(field):
            try:
                result[field] = normalize(payload[field])
            except ValidationError as exc:
                errors[field] = in_field(field, exc).error_dict[field]
    if errors:
        raise ValidationError(errors)
    return result


@router.post(
    "/companies",
    response={201: schemas.CompanyDetail, **_errors(401, 403, 422)},
    operation_id="company_create",
    url_name="company_create",
    summary="Register a company (the province's secretariat)",
)
def company_create(request: HttpRequest, payload: schemas.CompanyCreateIn) -> Any:
    user = acting_user(request)
    provinces = {province.pk for province in selectors.registry_provinces(user)}
    if not provinces:
        raise _forbidden()
    data = payload.model_dump()
    references = _references(data)
    if references["county"].province_id not in provinces:
        raise _forbidden()
    data.update(references)
    data.update(_normalized_identifiers(data))
    data["postal_code"] = clean_digits(data["postal_code"])
    company = services.company_create(actor=user, **data)
    return Status(201, _company_detail(user, company.national_id))


@router.patch(
    "/companies/{national_id}",
    response={200: schemas.CompanyDetail, **_errors(401, 403, 404, 422)},
    operation_id="company_update",
    url_name="company_update",
    summary="Change a company's fields (the province's secretariat)",
)
def company_update(request: HttpRequest, national_id: str, payload: schemas.CompanyUpdateIn) -> Any:
    user = acting_user(request)
    company = selectors.company_get_for_user(user=user, national_id=clean_digits(national_id))
    if not selectors.can_edit_company(user, company):
        raise _forbidden()
    changes = payload.model_dump(exclude_unset=True)
    changes.update(_references(changes))
    changes.update(_normalized_identifiers(changes))
    if "postal_code" in changes:
        changes["postal_code"] = clean_digits(changes["postal_code"])
    services.company_update(actor=user, company=company, **changes)
    return _company_detail(user, company.national_id)


# --- Certificates --------------------------------------------------------------------------------


def _certificates_for_user(user: User) -> CertificateQuerySet:
    # Certificates of the companies the user may see, and no others.
    return Certificate.objects.filter(
        company__in=selectors.companies_for_user(user)
    ).select_related("company")


@router.get(
    "/certificates",
    response={200: schemas.CertificatePage, **_errors(401, 422)},
    operation_id="certificate_list",
    url_name="certificate_list",
    summary="Knowledge-based certificates of the companies you may see",
    description="Sorted by expiry date, soonest first.",
)
def certificate_list(request: HttpRequest, filters: Query[schemas.CertificateFiltersIn]) -> Any:
    qs = _certificates_for_user(acting_user(request))
    if filters.company:
        qs = qs.filter(company__national_id=clean_digits(filters.company))
    if filters.certificate_class:
        qs = qs.filter(certificate_class=filters.certificate_class)
    if filters.valid_on is not None or filters.expiring_within is not None:
        day = filters.valid_on or timezone.localdate()
        qs = qs.valid_on(day)
        if filters.expiring_within is not None:
            qs = qs.filter(expires_on__lte=day + dt.timedelta(days=filters.expiring_within))
    qs = qs.order_by("expires_on", "id")
    return page(qs, offset=filters.offset, limit=filters.limit)


@router.get(
    "/companies/{national_id}/certificates",
    response={200: list[schemas.CertificateOut], **_errors(401, 404)},
    operation_id="company_certificate_list",
    url_name="company_certificate_list",
    summary="A company's knowledge-based certificates, newest expiry first",
)
def company_certificate_list(request: HttpRequest, national_id: str) -> Any:
    company = selectors.company_get_for_user(
        user=acting_user(request), national_id=clean_digits(national_id)
    )
    return company.certificates.select_related("company").order_by("-expires_on", "-id")


@router.post(
    "/companies/{national_id}/certificates",
    response={201: schemas.CertificateOut, **_errors(401, 403, 404, 422)},
    operation_id="company_certificate_create",
    url_name="company_certificate_create",
    summary="Record a knowledge-based certificate (the province's secretariat)",
)
def company_certificate_create(
    request: HttpRequest, national_id: str, payload: schemas.CertificateCreateIn
) -> Any:
    user = acting_user(request)
    company = selectors.company_get_for_user(user=user, national_id=clean_digits(national_id))
    if not selectors.can_edit_company(user, company):
        raise _forbidden()
    certificate = services.certificate_add(
        actor=user,
        company=company,
        number=payload.number,
        certificate_class=payload.certificate_class,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
        approved_products="\n".join(payload.approved_products),
    )
    return Status(201, certificate)


# --- Knowledge-based figures ---------------------------------------------------------------------


def _province_figures_for_user(user: User, code: str) -> Province:
    """A province whose figures the user reads: its secretariat or executive. Anyone else gets
    404, as for a province that does not exist."""
    province = Province.objects.filter(code=clean_digits(code)).first()
    if province is None or province not in selectors.figure_provinces(user):
        raise Http404
    return province


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@router.get(
    "/knowledge-based/series",
    response={200: schemas.SeriesOut, **_errors(401, 404, 422)},
    operation_id="knowledge_based_series",
    url_name="knowledge_based_series",
    summary="Active knowledge-based companies of a province at each Jalali month end",
    description=(
        "`from` defaults to twelve months before `to`, `to` to today. A company counts on a day "
        "when one of its certificates is valid that day (issued on or before it, expiring on or "
        "after it, not revoked by then). `target` is the province's current target, if any."
    ),
)
def knowledge_based_series(
    request: HttpRequest,
    province: str,
    start: schemas.GregorianDate | None = Query(None, alias="from"),  # noqa: B008 - ninja style
    to: schemas.GregorianDate | None = None,
) -> Any:
    place = _province_figures_for_user(acting_user(request), province)
    end = to or timezone.localdate()
    start = start or _year_before(end)
    if start > end:
        raise ValidationError(
            {"from": ValidationError(_("`from` must not be after `to`."), code="range_reversed")}
        )
    if end.year - start.year > MAX_SERIES_YEARS:
        raise ValidationError(
            {
                "from": ValidationError(
                    _("Ask for at most %(years)s years at once.") % {"years": MAX_SERIES_YEARS},
                    code="range_too_long",
                )
            }
        )
    points = selectors.knowledge_based_series(province=place, start=start, end=end)
    target = selectors.current_target(province=place)
    return {
        "province": place.code,
        "target": target,
        "points": [{"date": day, "count": count} for day, count in points],
    }
