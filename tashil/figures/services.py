"""The figures app's writes: the weekly report mailed to the executives, and the press briefs.

The figures themselves are never written (they are counted from the records, `selectors.py`);
what is kept is what was *said* with them: that a week's report went out, and the text the press
office made of a brief, beside the text the figures produced.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.core.jalali import format_jalali, format_number, jalali_input_value
from tashil.core.spreadsheets import XLSX_CONTENT_TYPE
from tashil.figures.models import PressBrief, WeeklyReportDelivery
from tashil.figures.period import Period
from tashil.figures.press import brief_text
from tashil.figures.selectors import can_edit_press_brief
from tashil.geo.models import Province
from tashil.notifications.services import notify

logger = logging.getLogger(__name__)

# A brief is a news item of a few paragraphs; an edit this long is a paste gone wrong.
PRESS_BRIEF_MAX_LENGTH = 6000

# --- The weekly report ---------------------------------------------------------------------------


def weekly_recipients(*, province: Province) -> QuerySet[User]:
    """The province's executives who can receive mail: active, with an address. Not the
    secretariat (which makes the figures) nor anyone outside the governor's office."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.EXECUTIVE,
            role_assignments__province=province,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def weekly_report_pending(*, province: Province, week: Period) -> list[User]:
    """The recipients who have not received the week's report yet."""
    delivered = WeeklyReportDelivery.objects.filter(province=province, week_start=week.start)
    return list(weekly_recipients(province=province).exclude(pk__in=delivered.values("user")))


def weekly_report_url(*, province: Province, week: Period) -> str:
    query = urlencode({"province": province.code, "day": jalali_input_value(week.start)})
    return f"{reverse('figures:weekly')}?{query}"


def _claim(*, province: Province, week: Period, user: User) -> bool:
    """Record that `user` gets the week's report, in a transaction of its own; False when a run
    at the same moment has already claimed them (the unique constraint decides)."""
    try:
        with transaction.atomic():
            WeeklyReportDelivery.objects.create(province=province, week_start=week.start, user=user)
    except IntegrityError:
        return False
    return True


def weekly_report_send(*, province: Province, week: Period, today: dt.date) -> int:
    """Email the report of `week` (PDF and XLSX attached) to each of the province's executives
    who has not had it yet; returns how many messages were sent.

    Once per executive and week: each recipient is claimed with a `WeeklyReportDelivery` row,
    committed before the message is sent, so two runs at once never send twice and no database
    lock is held while the mail server answers. A message that fails gives its claim back and is
    logged: the next run sends that executive the report, and only them."""
    from tashil.figures.pdf import weekly_pdf
    from tashil.figures.weekly import weekly_filename, weekly_report, weekly_workbook

    recipients = weekly_report_pending(province=province, week=week)
    if not recipients:
        return 0
    report = weekly_report(province=province, week=week, today=today)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = weekly_pdf(report)
        workbook = weekly_workbook(report)
        values = {
            "province": province.display_name,
            "start": format_jalali(week.start, "long"),
            "end": format_jalali(week.end, "long"),
        }
        subject = (
            _(
                "Weekly report of the Production Facilitation HQ of %(province)s: "
                "%(start)s to %(end)s"
            )
            % values
        )
        body = "\n".join(
            [
                _(
                    "The weekly report of the HQ for the week of %(start)s to %(end)s is "
                    "attached, as PDF and as Excel."
                )
                % values,
                "",
                _("Sessions held: %(count)s")
                % {"count": format_number(report.week_sessions.total)},
                _("Cases received: %(count)s")
                % {"count": format_number(report.week_cases.received)},
                _("Resolutions issued: %(count)s")
                % {"count": format_number(report.week_resolutions.total)},
                _("Cases with a referral overdue today: %(count)s")
                % {"count": format_number(report.overdue_cases)},
                _("Resolutions overdue today: %(count)s")
                % {"count": format_number(report.overdue_resolutions)},
            ]
        )
    sent = 0
    for user in recipients:
        if not _claim(province=province, week=week, user=user):
            continue
        # One message each: the executives' addresses are not shown to one another.
        message = EmailMessage(subject=subject, body=body, to=[user.email])
        message.attach(weekly_filename(report, "pdf"), pdf, "application/pdf")
        message.attach(weekly_filename(report, "xlsx"), workbook, XLSX_CONTENT_TYPE)
        try:
            message.send()
        except Exception:
            logger.exception(
                "weekly report of province %s not sent to user %s", province.code, user.pk
            )
            WeeklyReportDelivery.objects.filter(
                province=province, week_start=week.start, user=user
            ).delete()
            continue
        sent += 1
        notify(
            users=[user],
            kind="weekly_report",
            subject=subject,
            body=body,
            url=weekly_report_url(province=province, week=week),
            email=False,
        )
    return sent


# --- Press briefs --------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    # Line ends as the browser sends them (CRLF) are kept as plain newlines.
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the brief.")}, code="required")
    if len(text) > PRESS_BRIEF_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("The brief is %(length)s characters long; it may have at most %(max)s.")
                % {
                    "length": format_number(len(text)),
                    "max": format_number(PRESS_BRIEF_MAX_LENGTH),
                }
            },
            code="too_long",
        )
    return text


@transaction.atomic
def press_brief_save(
    *, actor: Any, province: Province, on: dt.date, text: str, language: str = "fa"
) -> PressBrief:
    """Keep the press office's text of the brief for `province` on `on`, with the text the
    figures produce now (`press.brief_text`) beside it, so what the editor changed shows. Each
    save is a new brief: an earlier version stays as it was."""
    if not can_edit_press_brief(actor, province):
        raise PermissionDenied
    if on > timezone.localdate():
        raise ValidationError(
            {"on": _("The figures are counted up to today: choose today or an earlier day.")},
            code="future",
        )
    return PressBrief.objects.create(
        province=province,
        on=on,
        generated=brief_text(province=province, on=on, language=language),
        text=_clean_text(text),
        created_by=actor,
        updated_by=actor,
    )
