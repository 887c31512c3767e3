"""The roles of DOMAIN.md §2 and the scope each one needs.

A user may hold several roles, each scoped: a secretariat role to a province, a county secretariat
to a county, an agency role to an agency, a company representative to a company.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Intake, triage, referrals, meetings, minutes, resolutions, follow-up for a whole province.
    SECRETARIAT = "secretariat", _("HQ secretariat")
    # Reviews the cases assigned to them in a province.
    EXPERT = "expert", _("expert")
    # Answers referrals and reports on resolutions addressed to one agency.
    AGENCY_OFFICER = "agency_officer", _("agency officer")
    # As an officer, for the whole agency; receives escalations.
    AGENCY_HEAD = "agency_head", _("agency head")
    # Submits and follows the cases of one company.
    COMPANY_REP = "company_rep", _("company representative")
    # Runs one county HQ's cases and meetings.
    COUNTY_SECRETARIAT = "county_secretariat", _("county secretariat")
    # Governor's office: reads everything in a province, changes nothing.
    EXECUTIVE = "executive", _("executive")
    # Users, agencies, reference data; no access to cases as such.
    ADMINISTRATOR = "administrator", _("administrator")


class ScopeKind(models.TextChoices):
    GLOBAL = "global", _("whole system")
    PROVINCE = "province", _("province")
    COUNTY = "county", _("county")
    AGENCY = "agency", _("agency")
    COMPANY = "company", _("company")


# The one field each role is scoped by. RoleAssignment's check constraints are built from this.
ROLE_SCOPE: dict[str, str] = {
    Role.SECRETARIAT: ScopeKind.PROVINCE,
    Role.EXPERT: ScopeKind.PROVINCE,
    Role.EXECUTIVE: ScopeKind.PROVINCE,
    Role.COUNTY_SECRETARIAT: ScopeKind.COUNTY,
    Role.AGENCY_OFFICER: ScopeKind.AGENCY,
    Role.AGENCY_HEAD: ScopeKind.AGENCY,
    Role.COMPANY_REP: ScopeKind.COMPANY,
    Role.ADMINISTRATOR: ScopeKind.GLOBAL,
}

# Roles that act for the HQ rather than for one agency or company.
STAFF_ROLES = frozenset(
    {Role.SECRETARIAT, Role.EXPERT, Role.COUNTY_SECRETARIAT, Role.EXECUTIVE, Role.ADMINISTRATOR}
)
