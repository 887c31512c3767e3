"""Every write to the registry: companies, their status, licences, products, contacts,
knowledge-based certificates and targets. Each function runs in a transaction and writes the
company's event row, so the history page can say who changed what and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tashil.accounts.models import User
from tashil.core.bulk import insert_instances, insert_rows
from tashil.core.identifiers import normalize_economic_code, normalize_national_id
from tashil.core.jalali import format_jalali
from tashil.core.text import compact_key, search_key, to_ascii_digits
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    NEW_CLASSES,
    OLD_CLASSES,
    Activity,
    ActivitySection,
    Certificate,
    CertificateClass,
    Company,
    CompanyEvent,
    CompanyStatus,
    Contact,
    KnowledgeBasedTarget,
    Licence,
    LicenceKind,
    Product,
    StatusChange,
)

# The fields `company_update` may change. Status has its own service (it keeps a history) and the
# national ID never changes: it is the company's identity, and imports match on it.
FINANCIAL_FIELDS = ("bank_debt", "tax_debt", "insurance_debt")
PROFILE_FIELDS = (
    "legal_name",
    "economic_code",
    "county",
    "estate",
    "activity",
    "address",
    "postal_code",
    "employees",
)
COMPANY_FIELDS = PROFILE_FIELDS + FINANCIAL_FIELDS


class EventKind(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    STATUS_CHANGED = "status_changed"
    LICENCE_ADDED = "licence_added"
    LICENCE_REMOVED = "licence_removed"
    PRODUCT_ADDED = "product_added"
    PRODUCT_REMOVED = "product_removed"
    CONTACT_ADDED = "contact_added"
    CONTACT_REMOVED = "contact_removed"
    CERTIFICATE_ADDED = "certificate_added"
    CERTIFICATE_UPDATED = "certificate_updated"
    CERTIFICATE_REVOKED = "certificate_revoked"


def _event(*, actor: User | None, company: Company, kind: str, changes: Mapping[str, Any]) -> None:
    CompanyEvent.objects.create(company=company, actor=actor, kind=kind, changes=dict(changes))


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the event row."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Search --------------------------------------------------------------------------------------


def company_search_document(company: Company) -> str:
    """The text the search indexes: compact keys (no spaces, see `core.text.compact_key`) of
    everything a user may type to find a company, one per word group, joined by spaces."""
    return _document(
        company,
        products=company.products.values_list("name", "hs_code"),
        approved=company.certificates.values_list("approved_products", flat=True),
    )


def _document(
    company: Company,
    *,
    products: Iterable[tuple[str, str]],
    approved: Iterable[str],
    keys: dict[str, str] | None = None,
) -> str:
    """The search document of `company` with these products and approved products; `keys`
    caches compact keys across calls (`companies_create`)."""
    parts: list[str] = [company.legal_name, company.national_id, company.economic_code]
    activity = company.activity
    if activity is not None:
        parts += [activity.code, activity.name, activity.name_en]
    for name, hs_code in products:
        parts += [name, hs_code]
    for text in approved:
        parts += text.splitlines()
    if keys is None:
        keys = {}
    compacted = []
    for part in parts:
        if part:
            key = keys.get(part)
            if key is None:
                key = keys[part] = compact_key(part)
            if key:
                compacted.append(key)
    if len(keys) > 10_000:
        keys.clear()  # names rarely repeat; the activities will come back
    return " ".join(compacted)


def company_reindex(*, company: Company) -> None:
    """Refresh the search document. On SQLite a trigger copies it into the FTS5 table."""
    document = company_search_document(company)
    if document != company.search_document:
        company.search_document = document
        Company.objects.filter(pk=company.pk).update(search_document=document)


# --- Companies -----------------------------------------------------------------------------------


@transaction.atomic
def company_create(
    *,
    actor: User | None,
    national_id: str,
    legal_name: str,
    county: County,
    estate: IndustrialEstate | None = None,
    economic_code: str = "",
    activity: Activity | None = None,
    address: str = "",
    postal_code: str = "",
    status: str = CompanyStatus.OPERATING,
    status_since: dt.date | None = None,
    employees: int | None = None,
    bank_debt: int | None = None,
    tax_debt: int | None = None,
    insurance_debt: int | None = None,
) -> Company:
    company = Company(
        national_id=_field("national_id", normalize_national_id, national_id),
        economic_code=_field("economic_code", normalize_economic_code, economic_code)
        if economic_code
        else "",
        legal_name=legal_name.strip(),
        search_key=search_key(legal_name),
        province_id=county.province_id,
        county=county,
        estate=estate,
        activity=activity,
        address=address.strip(),
        postal_code=to_ascii_digits(postal_code).strip(),
        status=status,
        status_since=status_since,
        employees=employees,
        bank_debt=bank_debt,
        tax_debt=tax_debt,
        insurance_debt=insurance_debt,
    )
    _check_estate(company)
    # The derived keys are not the user's input: their errors would repeat the name's.
    company.full_clean(exclude=["search_key", "search_document"])
    company.save()
    StatusChange.objects.create(
        company=company,
        status=status,
        since=status_since or timezone.localdate(),
        actor=actor,
    )
    company_reindex(company=company)
    _event(
        actor=actor,
        company=company,
        kind=EventKind.CREATED,
        changes={
            "legal_name": company.legal_name,
            "national_id": company.national_id,
            "county": str(county),
            "status": status,
        },
    )
    return company


# What `companies_create` leaves out of `clean_fields`: derived keys, related objects the caller
# found, and the identifiers its normalisers have just checked.
BULK_UNCHECKED = [
    "search_key",
    "search_document",
    "province",
    "county",
    "estate",
    "activity",
    "national_id",
    "economic_code",
]


@dataclass(frozen=True, kw_only=True)
class NewCompany:
    """One company for `companies_create`: `company_create`'s arguments, and its products."""

    national_id: str
    legal_name: str
    county: County
    estate: IndustrialEstate | None = None
    economic_code: str = ""
    activity: Activity | None = None
    address: str = ""
    postal_code: str = ""
    status: str = CompanyStatus.OPERATING
    status_since: dt.date | None = None
    employees: int | None = None
    products: Sequence[str] = ()


@transaction.atomic
def companies_create(*, actor: User | None, companies: Sequence[NewCompany]) -> list[Company]:
    """Register many companies at once (the registry import): the rows, first statuses,
    products, search documents and history that `company_create` and `product_add` write one by
    one, in a handful of bulk inserts, so that a province's whole registry imports in seconds
    rather than an hour (docs/performance.md).

    Each field is checked in Python as `company_create` checks it (validators, lengths, the
    estate's province). The foreign keys are the caller's objects, and the uniqueness and check
    constraints are left to the database: a row that breaks one raises IntegrityError and nothing
    of the call is written, so the caller can fall back to `company_create` row by row to learn
    which row it was."""
    today = timezone.localdate()
    built: list[tuple[Company, list[str]]] = []
    # Activities and product names repeat from row to row: each is normalised once.
    keys: dict[str, str] = {}
    product_name = Product._meta.get_field("name")
    for new in companies:
        company = Company(
            national_id=_field("national_id", normalize_national_id, new.national_id),
            economic_code=_field("economic_code", normalize_economic_code, new.economic_code)
            if new.economic_code
            else "",
            legal_name=new.legal_name.strip(),
            search_key=search_key(new.legal_name),
            province_id=new.county.province_id,
            county=new.county,
            estate=new.estate,
            activity=new.activity,
            address=new.address.strip(),
            postal_code=to_ascii_digits(new.postal_code).strip(),
            status=new.status,
            status_since=new.status_since,
            employees=new.employees,
        )
        _check_estate(company)
        # The related objects are the caller's, already found: checking each would be a query.
        # The identifiers were just checked by their normalisers (the validators' own checks).
        company.clean_fields(exclude=BULK_UNCHECKED)
        names = list(dict.fromkeys(name.strip() for name in new.products if name.strip()))
        for name in names:
            product_name.clean(name, None)  # what Product.full_clean checks of a new name
        company.search_document = _document(
            company, products=[(name, "") for name in names], approved=(), keys=keys
        )
        built.append((company, names))

    insert_instances([company for company, _names in built])
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    insert_rows(
        StatusChange,
        ["company_id", "status", "since", "note", "actor_id", "created_at"],
        (
            [company.pk, company.status, company.status_since or today, "", actor_id, now]
            for company, _names in built
        ),
    )
    insert_rows(
        Product,
        ["company_id", "name", "hs_code"],
        ([company.pk, name, ""] for company, names in built for name in names),
    )
    insert_rows(
        CompanyEvent,
        ["company_id", "actor_id", "kind", "changes", "created_at"],
        (
            [company.pk, actor_id, kind, changes, now]
            for company, names in built
            for kind, changes in _created_events(company, names)
        ),
    )
    return [company for company, _names in built]


def _created_events(company: Company, products: list[str]) -> Iterator[tuple[str, dict]]:
    """(kind, changes) of the history rows `company_create` and `product_add` write."""
    yield (
        EventKind.CREATED,
        {
            "legal_name": company.legal_name,
            "national_id": company.national_id,
            "county": str(company.county),
            "status": company.status,
        },
    )
    for name in products:
        yield EventKind.PRODUCT_ADDED, {"name": name, "hs_code": ""}


def _field(name: str, normalize: Any, value: str) -> str:
    """Run a normaliser and attach its error to the field, as full_clean would."""
    try:
        return str(normalize(value))
    except ValidationError as error:
        raise ValidationError({name: error.error_list}) from None


def _check_estate(company: Company) -> None:

    if company.estate is not None and company.estate.province_id != company.province_id:
        raise ValidationError({"estate": _("This industrial estate is in another province.")})


@transaction.atomic
def company_update(*, actor: User | None, company: Company, **changes: Any) -> list[str]:
    """Change the company's fields; returns the names of those that changed. The county may move
    within the province only: a company changes province by being registered anew."""
    unknown = set(changes) - set(COMPANY_FIELDS)
    if unknown:
        raise TypeError(f"not company fields: {sorted(unknown)}")
    if "economic_code" in changes and changes["economic_code"]:
        changes["economic_code"] = _field(
            "economic_code", normalize_economic_code, changes["economic_code"]
        )
    if "legal_name" in changes:
        changes["legal_name"] = changes["legal_name"].strip()
    diff = {
        name: [_plain(getattr(company, name)), _plain(value)]
        for name, value in changes.items()
        if getattr(company, name) != value
    }
    if not diff:
        return []
    for name in diff:
        setattr(company, name, changes[name])
    if "county" in diff and company.county.province_id != company.province_id:
        raise ValidationError({"county": _("The county must be in the company's province.")})
    company.search_key = search_key(company.legal_name)
    _check_estate(company)
    # The derived keys are not the user's input: their errors would repeat the name's.
    company.full_clean(exclude=["search_key", "search_document"])
    company.save(update_fields=[*diff, "search_key", "updated_at"])
    company_reindex(company=company)
    # Financial amounts are recorded as changed, not with their values: the history is shown to
    # people who may not see the figures themselves.
    for name in FINANCIAL_FIELDS:
        if name in diff:
            diff[name] = ["…", "…"]
    _event(actor=actor, company=company, kind=EventKind.UPDATED, changes=diff)
    return list(diff)


@transaction.atomic
def company_set_status(
    *,
    actor: User | None,
    company: Company,
    status: str,
    since: dt.date,
    note: str = "",
) -> StatusChange:
    if status not in CompanyStatus.values:
        raise ValueError(f"unknown status {status!r}")
    # A change is recorded once it has happened: a future date would make it current today.
    if since > timezone.localdate():
        raise ValidationError({"since": _("A status change cannot be dated in the future.")})
    company = Company.objects.select_for_update().get(pk=company.pk)
    previous = company.status
    change = StatusChange.objects.create(
        company=company, status=status, since=since, note=note.strip(), actor=actor
    )
    # The newest entry by date is the current status: a correction dated in the past must not
    # overwrite a later change.
    latest = company.status_changes.order_by("-since", "-id")[0]
    Company.objects.filter(pk=company.pk).update(
        status=latest.status, status_since=latest.since, updated_at=timezone.now()
    )
    _event(
        actor=actor,
        company=company,
        kind=EventKind.STATUS_CHANGED,
        changes={"status": [previous, status], "since": since.isoformat(), "note": change.note},
    )
    return change


# --- Licences, products, contacts -----------------------------------------------------------------


@transaction.atomic
def licence_add(
    *,
    actor: User | None,
    company: Company,
    kind: str,
    number: str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
    issuer: str = "",
) -> Licence:
    if kind not in LicenceKind.values:
        raise ValueError(f"unknown licence kind {kind!r}")
    if expires_on is not None and expires_on <= issued_on:
        raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
    licence = Licence(
        company=company,
        kind=kind,
        number=number.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        issuer=issuer.strip(),
    )
    licence.full_clean()
    licence.save()
    _event(
        actor=actor,
        company=company,
        kind=EventKind.LICENCE_ADDED,
        changes={"kind": kind, "number": licence.number, "issued_on": issued_on.isoformat()},
    )
    return licence


@transaction.atomic
def licence_remove(*, actor: User | None, licence: Licence) -> None:
    _event(
        actor=actor,
        company=licence.company,
        kind=EventKind.LICENCE_REMOVED,
        changes={"kind": licence.kind, "number": licence.number},
    )
    licence.delete()


@transaction.atomic
def product_add(*, actor: User | None, company: Company, name: str, hs_code: str = "") -> Product:

    product = Product(
        company=company, name=name.strip(), hs_code=to_ascii_digits(hs_code).replace(".", "")
    )
    product.full_clean()
    product.save()
    company_reindex(company=company)
    _event(
        actor=actor,
        company=company,
        kind=EventKind.PRODUCT_ADDED,
        changes={"name": product.name, "hs_code": product.hs_code},
    )
    return product


@transaction.atomic
def product_remove(*, actor: User | None, product: Product) -> None:
    company = product.company
    _event(
        actor=actor, company=company, kind=EventKind.PRODUCT_REMOVED, changes={"name": product.name}
    )
    product.delete()
    company_reindex(company=company)


@transaction.atomic
def products_replace(*, actor: User | None, company: Company, names: Iterable[str]) -> bool:
    """Make the company's product list exactly `names` (the import's products column). Returns
    whether anything changed. Products keep their HS codes when their name stays."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    current = {product.name: product for product in company.products.all()}
    removed = [product for name, product in current.items() if name not in wanted]
    added = [name for name in wanted if name not in current]
    for product in removed:
        product_remove(actor=actor, product=product)
    for name in added:
        product_add(actor=actor, company=company, name=name)
    return bool(removed or added)


@transaction.atomic
def contact_add(
    *,
    actor: User | None,
    company: Company,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> Contact:

    contact = Contact(
        company=company,
        name=name.strip(),
        title=title.strip(),
        phone=to_ascii_digits(phone).strip(),
        email=email.strip(),
    )
    contact.full_clean()
    contact.save()
    _event(
        actor=actor, company=company, kind=EventKind.CONTACT_ADDED, changes={"name": contact.name}
    )
    return contact


@transaction.atomic
def contact_remove(*, actor: User | None, contact: Contact) -> None:
    _event(
        actor=actor,
        company=contact.company,
        kind=EventKind.CONTACT_REMOVED,
        changes={"name": contact.name},
    )
    contact.delete()


# --- Knowledge-based certificates ----------------------------------------------------------------


def _clean_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@transaction.atomic
def certificate_add(
    *,
    actor: User | None,
    company: Company,
    number: str,
    certificate_class: str,
    issued_on: dt.date,
    expires_on: dt.date,
    approved_products: str = "",
) -> Certificate:

    certificate = Certificate(
        company=company,
        number=to_ascii_digits(number).strip(),
        certificate_class=certificate_class,
        issued_on=issued_on,
        expires_on=expires_on,
        approved_products=_clean_lines(approved_products),
    )
    _check_certificate(certificate)
    certificate.full_clean()
    certificate.save()
    company_reindex(company=company)
    _event(
        actor=actor,
        company=company,
        kind=EventKind.CERTIFICATE_ADDED,
        changes={
            "number": certificate.number,
            "class": certificate_class,
            "issued_on": issued_on.isoformat(),
            "expires_on": expires_on.isoformat(),
        },
    )
    return certificate


CERTIFICATE_FIELDS = ("certificate_class", "issued_on", "expires_on", "approved_products")


@transaction.atomic
def certificate_update(
    *, actor: User | None, certificate: Certificate, **changes: Any
) -> list[str]:
    unknown = set(changes) - set(CERTIFICATE_FIELDS)
    if unknown:
        raise TypeError(f"not certificate fields: {sorted(unknown)}")
    if "approved_products" in changes:
        changes["approved_products"] = _clean_lines(changes["approved_products"])
    diff = {
        name: [_plain(getattr(certificate, name)), _plain(value)]
        for name, value in changes.items()
        if getattr(certificate, name) != value
    }
    if not diff:
        return []
    for name in diff:
        setattr(certificate, name, changes[name])
    _check_certificate(certificate)
    certificate.full_clean()
    certificate.save(update_fields=list(diff))
    company_reindex(company=certificate.company)
    _event(
        actor=actor,
        company=certificate.company,
        kind=EventKind.CERTIFICATE_UPDATED,
        changes={"number": certificate.number, **diff},
    )
    return list(diff)


@transaction.atomic
def certificate_revoke(
    *, actor: User | None, certificate: Certificate, revoked_on: dt.date, reason: str = ""
) -> Certificate:

    if certificate.revoked_on is not None:
        raise ValidationError(_("This certificate is already revoked."), code="already_revoked")
    if revoked_on < certificate.issued_on:
        raise ValidationError(
            {"revoked_on": _("A certificate cannot be revoked before it was issued.")}
        )
    certificate.revoked_on = revoked_on
    certificate.save(update_fields=["revoked_on"])
    _event(
        actor=actor,
        company=certificate.company,
        kind=EventKind.CERTIFICATE_REVOKED,
        changes={
            "number": certificate.number,
            "revoked_on": revoked_on.isoformat(),
            "reason": reason.strip(),
        },
    )
    return certificate


def _check_certificate(certificate: Certificate) -> None:
    """The rules the database also enforces, checked first so the user reads a sentence."""
    errors: dict[str, str] = {}
    if certificate.certificate_class not in CertificateClass.values:
        errors["certificate_class"] = _("Choose a certificate class.")
    elif certificate.issued_on is not None:
        changed = format_jalali(CLASS_SET_CHANGED_ON)
        if (
            certificate.certificate_class in OLD_CLASSES
            and certificate.issued_on >= CLASS_SET_CHANGED_ON
        ):
            errors["certificate_class"] = _(
                "This class was replaced on %(date)s; a certificate issued since then is "
                "start-up, innovator or technologist."
            ) % {"date": changed}
        if (
            certificate.certificate_class in NEW_CLASSES
            and certificate.issued_on < CLASS_SET_CHANGED_ON
        ):
            errors["certificate_class"] = _(
                "This class exists only for certificates issued on or after %(date)s."
            ) % {"date": changed}
    if (
        certificate.issued_on
        and certificate.expires_on
        and certificate.expires_on <= certificate.issued_on
    ):
        errors["expires_on"] = _("The expiry date must be after the issue date.")
    if (
        certificate.issued_on
        and certificate.revoked_on
        and certificate.revoked_on < certificate.issued_on
    ):
        errors["issued_on"] = _("The certificate was revoked before this issue date.")
    if errors:
        raise ValidationError(errors)


# --- Targets -------------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    actor: User | None,
    province: Province,
    count: int,
    due_on: dt.date,
    note: str = "",
) -> KnowledgeBasedTarget:
    target = KnowledgeBasedTarget(
        province=province, count=count, due_on=due_on, note=note.strip(), set_by=actor
    )
    target.full_clean()
    target.save()
    return target


# --- Reference data ------------------------------------------------------------------------------


@transaction.atomic
def activities_load(
    *, sections: Iterable[Mapping[str, str]], classes: Iterable[Mapping[str, str]]
) -> int:
    """Load the ISIC Rev.4 sections and classes (idempotent: updates names in place)."""
    by_code: dict[str, ActivitySection] = {}
    for row in sections:
        section, _created = ActivitySection.objects.update_or_create(
            code=row["section"],
            defaults={"name": row["name_fa"] or row["name_en"], "name_en": row["name_en"]},
        )
        by_code[section.code] = section
    count = 0
    for row in classes:
        name = row["name_fa"] or row["name_en"]
        Activity.objects.update_or_create(
            code=row["code"],
            defaults={
                "section": by_code[row["section"]],
                "name": name,
                "name_en": row["name_en"],
                "search_key": search_key(f"{row['code']} {name} {row['name_en']}"),
            },
        )
        count += 1
    return count
