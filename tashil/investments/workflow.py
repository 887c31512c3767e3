"""The life of an investment project or production line (DOMAIN.md §6), as one table.

    planned ──► under construction ──► operating
       │  ▲            │
       ▼  │            ▼
      stalled ◄────────┘   (a stalled project resumes as planned or under construction,
                            or opens directly)

A line opens once: `operating` is final here. A line that later stops is the company's story
(its status in the registry), not the project's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    OPERATING = "operating", _("operating")
    STALLED = "stalled", _("stalled")


PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PLANNED: frozenset(
        {ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.STALLED, ProjectStatus.OPERATING}
    ),
    ProjectStatus.UNDER_CONSTRUCTION: frozenset({ProjectStatus.OPERATING, ProjectStatus.STALLED}),
    ProjectStatus.STALLED: frozenset(
        {ProjectStatus.PLANNED, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.OPERATING}
    ),
    ProjectStatus.OPERATING: frozenset(),
}


def can_move(source: str, target: str) -> bool:
    return source == target or target in PROJECT_TRANSITIONS.get(source, frozenset())
