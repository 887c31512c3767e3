"""Case presentation shared by the case pages, the navigation, the home page and the company
page: `{% load case_tags %}`.

{{ case.tracking|tracking }}         K۷M۴-QX۹C (grouped, Persian digits in the Persian UI)
{{ case.status|status_tone }}        a Bootstrap colour for the status badge
{% cases_nav as nav %}               which case links the user's roles call for
{% cases_home %}                     the home page's cases block
{% company_cases company %}          a company's cases, as far as the user may see them
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tashil.accounts.access import has_role, scopes_of
from tashil.accounts.roles import Role
from tashil.cases import selectors
from tashil.cases.selectors import filing_channel_choices, filing_companies
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import FINAL, OUTCOMES, CaseStatus
from tashil.core.templatetags.persian import digits

register = template.Library()

# Roles that see cases at all (the administrator manages reference data, not cases).
CASE_ROLES = (
    Role.SECRETARIAT,
    Role.EXPERT,
    Role.AGENCY_OFFICER,
    Role.AGENCY_HEAD,
    Role.COMPANY_REP,
    Role.COUNTY_SECRETARIAT,
    Role.EXECUTIVE,
)

HOME_CASES = 5
COMPANY_CASES = 10


@register.filter
def tracking(value: str) -> str:
    return digits(format_tracking(value or ""))


@register.filter
def status_tone(status: str) -> str:
    if status in (CaseStatus.SUBMITTED, CaseStatus.SCREENING):
        return "primary"
    if status == CaseStatus.RETURNED_FOR_INFO:
        return "warning"
    if status == CaseStatus.RESOLVED or status == CaseStatus.CLOSED:
        return "success"
    if status in OUTCOMES:
        return "danger"
    if status in FINAL:
        return "dark"
    return "info"


@register.simple_tag(takes_context=True)
def cases_nav(context: template.Context) -> dict[str, bool]:
    """Costs no query: the user's roles are read once per request (accounts.access)."""
    user = context.get("user")
    return {
        "sees_cases": has_role(user, *CASE_ROLES),
        "can_file": bool(filing_channel_choices(user)),
        "secretariat": selectors.is_secretariat(user),
        "agency": bool(selectors.agency_ids(user)),
    }


@register.inclusion_tag("cases/_home_block.html", takes_context=True)
def cases_home(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not has_role(user, *CASE_ROLES):
        return {"show": False}
    today = timezone.localdate()
    block: dict[str, Any] = {
        "show": True,
        "can_file": bool(filing_channel_choices(user)),
        "recent": selectors.case_list(
            user=user, filters=selectors.CaseFilters(open_only=True), today=today, limit=HOME_CASES
        ),
    }
    if selectors.is_secretariat(user):
        queues = selectors.secretariat_queues(user=user, today=today)
        block["queues"] = queues
        block["queue_size"] = selectors.QUEUE_SIZE
    if selectors.agency_ids(user):
        inbox = selectors.agency_inbox(user=user)
        block["inbox_open"] = inbox.count()
        block["inbox_overdue"] = inbox.filter(selectors.overdue_q(today)).count()
    # A representative is asked to confirm outcomes: show them first.
    if any(scope.role == Role.COMPANY_REP for scope in scopes_of(user)):
        block["to_confirm"] = selectors.case_list(
            user=user,
            filters=selectors.CaseFilters(statuses=[s.value for s in OUTCOMES]),
            today=today,
            limit=HOME_CASES,
        )
    return block


@register.inclusion_tag("cases/_company_cases.html", takes_context=True)
def company_cases(context: template.Context, company: Any) -> dict[str, Any]:
    user = context.get("user")
    rows = selectors.case_list(
        user=user,
        filters=selectors.CaseFilters(company=company.pk),
        today=timezone.localdate(),
        limit=COMPANY_CASES + 1,
    )
    return {
        "company": company,
        "cases": rows[:COMPANY_CASES],
        "more": len(rows) > COMPANY_CASES,
        "can_file": filing_companies(user).filter(pk=company.pk).exists(),
    }
