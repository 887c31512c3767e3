"""Expiry warnings for knowledge-based certificates (DOMAIN.md §3: "warn before expiry").

A daily job (tasks.py) calls `certificate_expiry_warnings_send`. Each certificate that is about to
run out, with no later certificate of the same company to take over, gets one warning when it
enters the 60-day window and one when it enters the 30-day window. A `CertificateReminder` row
records each threshold, so running the job again (or twice at once) sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.core.jalali import format_jalali
from tashil.core.text import to_persian_digits
from tashil.notifications.services import notify
from tashil.registry.models import Certificate, CertificateReminder, Company

# Shared with the figures page and the list's "expiring soon".
from tashil.registry.selectors import WARNING_DAYS, certificates_expiring

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "certificate_expiring"


def expiring_without_successor(*, today: dt.date) -> QuerySet[Certificate]:
    """What may need a warning today: expiring within the widest window, with no renewal."""
    return (
        certificates_expiring(on=today, days=max(WARNING_DAYS))
        .select_related("company")
        .order_by("expires_on", "pk")
    )


def certificate_expiry_warnings_send(*, today: dt.date) -> int:
    """Send the warnings due on `today`; returns how many were sent (one per certificate and
    threshold reached, the narrowest only when a first run finds several due at once)."""
    sent = 0
    for certificate in expiring_without_successor(today=today):
        days_left = (certificate.expires_on - today).days
        due = sorted(days for days in WARNING_DAYS if days_left <= days)
        if due and _warn(certificate=certificate, due=due, days_left=days_left):
            sent += 1
    return sent


@transaction.atomic
def _warn(*, certificate: Certificate, due: list[int], days_left: int) -> bool:
    """Record the thresholds in `due` (narrowest first) and warn for the narrowest, unless that
    warning was already recorded, by an earlier run or by a concurrent one."""
    narrowest, *wider = due
    # The unique constraint decides who sends: a concurrent run's get_or_create finds the row
    # (get_or_create catches the IntegrityError and reads it back) and reports it as not created.
    _reminder, created = CertificateReminder.objects.get_or_create(
        certificate=certificate, days_before=narrowest
    )
    for days in wider:
        # A first run that finds a certificate already inside the 30-day window records the
        # 60-day warning as done, so a later run does not send a stale, wider one.
        CertificateReminder.objects.get_or_create(certificate=certificate, days_before=days)
    if not created:
        return False
    company = certificate.company
    recipients = list(warning_recipients(company))
    if not recipients:
        logger.info("No one to warn about certificate %s expiring", certificate.number)
    subject, body = warning_text(certificate=certificate, days_left=days_left)
    notify(
        users=recipients,
        kind=NOTIFICATION_KIND,
        subject=subject,
        body=body,
        url=reverse("registry:company_detail", kwargs={"national_id": company.national_id}),
    )
    return True


def warning_recipients(company: Company) -> QuerySet[User]:
    """The secretariat of the company's province and the company's own representatives."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                role_assignments__role=Role.SECRETARIAT,
                role_assignments__province_id=company.province_id,
            )
            | Q(role_assignments__role=Role.COMPANY_REP, role_assignments__company_id=company.pk)
        )
        .distinct()
        .order_by("pk")
    )


def warning_text(*, certificate: Certificate, days_left: int) -> tuple[str, str]:
    """Subject and body in Persian, whatever language the job runs in: the recipients read the
    Persian UI, and mail has no language switch."""
    company = certificate.company
    with translation.override("fa"):
        days = to_persian_digits(str(days_left))
        values = {
            "company": company.legal_name,
            "days": days,
            "date": format_jalali(certificate.expires_on, "long", "fa"),
            "number": to_persian_digits(certificate.number),
            "national_id": to_persian_digits(company.national_id),
        }
        subject = (
            ngettext(
                "The knowledge-based certificate of %(company)s expires in %(days)s day",
                "The knowledge-based certificate of %(company)s expires in %(days)s days",
                days_left,
            )
            % values
        )
        body = (
            gettext(
                "Knowledge-based certificate %(number)s of %(company)s (national ID "
                "%(national_id)s) expires on %(date)s. Unless it is renewed, the company will no "
                "longer count as knowledge-based after that date."
            )
            % values
        )
    # Notification.subject holds 255 characters; a long company name must not fail the job.
    return Truncator(subject).chars(255), body
