"""The audit tests drive the other apps' services, so they reuse those apps' builders: cases in
any status, meetings held, resolutions in any state."""

import datetime as dt
from typing import Any

import pytest

from tashil.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    _media_in_tmp,
    builder,
    case_in,
    clock,
    hq,
    meetings,
    resolution_in,
)


def sector() -> Any:
    from tashil.investments.models import Sector

    return Sector.objects.get_or_create(code="detergents", defaults={"name": "شوینده"})[0]


@pytest.fixture
def every_kind(
    clock: Any,  # noqa: F811 (the imported fixture)
    resolution_in: Any,  # noqa: F811
    company: Any,
    secretariat: Any,
    province: Any,
) -> dict[str, Any]:
    """At least one event in each of the six event tables, written by the services (on the
    meetings' frozen clock, since their deadlines are fixed days). Returns the resolution, the
    company and the sector share they are about."""
    from tashil.investments import services as investments
    from tashil.registry import services as registry

    resolution = resolution_in("in_progress")  # cases, meetings, resolutions, accounts (roles)
    registry.company_update(actor=secretariat, company=company, employees=48)
    share = investments.share_add(
        actor=secretariat,
        province=province,
        sector=sector(),
        basis="need",
        value=50,
        unit="%",
        source="سخنگوی دولت",
        stated_on=dt.date(2024, 12, 15),
    )
    return {"resolution": resolution, "company": company, "share": share}
