"""The shape of Open311 input: the filters of GET requests and the fields of POST requests.

Both raise or report problems in the spec's terms (a 400 with one description per problem,
each naming the parameter as the client sent it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tashil.cases.models import MAX_AMOUNT, Case
from tashil.cases.tracking import normalise_tracking
from tashil.cases.workflow import FINAL, OUTCOMES
from tashil.core.identifiers import normalize_national_id
from tashil.core.text import to_ascii_digits
from tashil.open311.errors import Open311Error
from tashil.open311.serialize import CLOSED, OPEN

# The spec's limits for GET requests: at most 90 days, at most 1000 requests.
WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
# The spec limits descriptions to 4,000 characters.
MAX_DESCRIPTION = 4000
TITLE_LENGTH = 200  # Case.title
ADDRESS_LENGTH = 300  # Case.address

CLOSED_STATUSES = sorted(s.value for s in FINAL | OUTCOMES)

# An offset sent unencoded in a query string arrives with its "+" turned into a space.
_LOST_PLUS = re.compile(r" (\d\d:?\d\d)$")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass
class RequestFilters:
    # Tracking numbers asked for by `service_request_id`; when given, every other filter is off.
    trackings: list[str] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: list[str] = field(default_factory=list)


def _moment(name: str, raw: str, *, end_of_day: bool) -> dt.datetime:
    text = _LOST_PLUS.sub(r"+\1", raw.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
    except ValueError:
        moment = None
    # Years outside 1900–2200 are typing slips, and near the calendar's ends the 90-day window
    # or a time-zone offset would overflow.
    if moment is None or not 1900 <= moment.year <= 2200:
        raise Open311Error(
            400,
            _("%(name)s is not a date and time in ISO 8601 form, e.g. 2025-12-15T09:30:00+03:30.")
            % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def parse_filters(query: QueryDict, *, now: dt.datetime) -> RequestFilters:
    """GET requests' arguments. Without dates the window is the last 90 days; with one date it
    is the 90 days after (or before) it; a window longer than 90 days is refused."""
    ids = _split(query.get("service_request_id", ""))
    if ids:
        trackings = [t for t in (normalise_tracking(i) for i in ids[:MAX_RESULTS]) if t]
        return RequestFilters(trackings=list(dict.fromkeys(trackings)))
    filters = RequestFilters(service_codes=_split(query.get("service_code", "")))
    statuses = _split(query.get("status", "").lower())
    unknown = [s for s in statuses if s not in (OPEN, CLOSED)]
    if unknown:
        raise Open311Error(400, _("status is “open”, “closed” or both, separated by a comma."))
    filters.statuses = statuses
    start_text = query.get("start_date", "").strip()
    end_text = query.get("end_date", "").strip()
    start = _moment("start_date", start_text, end_of_day=False) if start_text else None
    end = _moment("end_date", end_text, end_of_day=True) if end_text else None
    if start is None:
        end = end or now
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    filters.start, filters.end = start, end
    return filters


def filter_cases(cases: QuerySet[Case], filters: RequestFilters) -> QuerySet[Case]:
    if filters.trackings is not None:
        return cases.filter(tracking__in=filters.trackings)
    cases = cases.filter(created_at__gte=filters.start, created_at__lte=filters.end)
    if filters.service_codes:
        cases = cases.filter(category__code__in=filters.service_codes)
    if set(filters.statuses) == {CLOSED}:
        cases = cases.filter(status__in=CLOSED_STATUSES)
    elif set(filters.statuses) == {OPEN}:
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    return cases


# --- POST requests -------------------------------------------------------------------------------

NATIONAL_ID = "attribute[company_national_id]"
AMOUNT = "attribute[amount_rial]"
REQUESTED_OUTCOME = "attribute[requested_outcome]"
_AMOUNT_SEPARATORS = re.compile(r"[\s,_\u066c\u060c]")


class RequestForm(forms.Form):
    """The fields of POST requests that Tashil keeps. The location (lat, long, address_id),
    the submitter's contact details and media_url are accepted and ignored: see views."""

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        # The spec's parameter names are not Python names, so the fields are added here.
        self.fields["service_code"] = forms.CharField(max_length=50)
        self.fields["description"] = forms.CharField(max_length=MAX_DESCRIPTION)
        self.fields[NATIONAL_ID] = forms.CharField(max_length=40)
        self.fields[AMOUNT] = forms.CharField(max_length=40, required=False)
        self.fields[REQUESTED_OUTCOME] = forms.CharField(max_length=MAX_DESCRIPTION, required=False)
        self.fields["address_string"] = forms.CharField(max_length=ADDRESS_LENGTH, required=False)

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        if NATIONAL_ID in data:
            try:
                data[NATIONAL_ID] = normalize_national_id(data[NATIONAL_ID])
            except ValidationError as exc:
                self.add_error(NATIONAL_ID, exc)
        if data.get(AMOUNT):
            digits = _AMOUNT_SEPARATORS.sub("", to_ascii_digits(data[AMOUNT]))
            if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_AMOUNT:
                self.add_error(AMOUNT, _("Enter a whole number of rials, without decimals."))
            else:
                data[AMOUNT] = int(digits)
        else:
            data[AMOUNT] = None
        return data

    def descriptions(self) -> list[str]:
        """Each problem as one sentence that names the parameter."""
        return [
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        ]


def title_from(description: str) -> str:
    """GeoReport has no title: a case's is the first line of the description."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return Truncator(first_line).chars(TITLE_LENGTH)
