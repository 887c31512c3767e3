"""The press brief states how many of the resolutions issued were executed as a count: the
executed share leaves the withdrawn ones out, so a share of all of them would overstate it (a
review of issue 7 found it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.figures.period import Period
from tashil.figures.press import brief_text
from tashil.figures.selectors import resolution_figures
from tashil.meetings.workflow import ResolutionState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_the_press_brief_does_not_call_a_resolution_withdrawn_executed(
    province: Any, resolution_in: Any
) -> None:
    """One resolution executed, one withdrawn: the brief must not say that 100% of the two
    resolutions issued have been executed."""
    executed = resolution_in(ResolutionState.EXECUTED)
    resolution_in(ResolutionState.CANCELLED)
    day = executed.meeting.starts_at.date() + dt.timedelta(days=5)
    figures = resolution_figures(province=province, period=Period.year_to_date(day))
    assert (figures.total, figures.executed, figures.executed_share) == (2, 1, 100)

    text = brief_text(province=province, on=day, language="en")

    assert "They issued 2 resolutions, and the agencies have executed 1 of them." in text
    assert "percent of which" not in text
