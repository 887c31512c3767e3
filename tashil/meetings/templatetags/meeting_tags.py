from __future__ import annotations

from django import template

from tashil.accounts.access import has_role
from tashil.accounts.roles import Role

register = template.Library()

# Who takes part in meetings: those who run them, the executive, and member agencies' staff.
MEETING_ROLES = (
    Role.SECRETARIAT,
    Role.COUNTY_SECRETARIAT,
    Role.EXECUTIVE,
    Role.AGENCY_OFFICER,
    Role.AGENCY_HEAD,
)


@register.simple_tag(takes_context=True)
def meetings_nav(context: template.Context) -> dict[str, bool]:
    """Costs no query: the user's roles are read once per request (accounts.access)."""
    user = context.get("user")
    return {
        "sees_meetings": has_role(user, *MEETING_ROLES),
        "register": has_role(user, Role.SECRETARIAT, Role.COUNTY_SECRETARIAT, Role.EXECUTIVE),
        "agency": has_role(user, Role.AGENCY_OFFICER, Role.AGENCY_HEAD),
    }
