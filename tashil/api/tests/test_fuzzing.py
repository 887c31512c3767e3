"""Schemathesis against the REST API's own OpenAPI schema, as every role of DOMAIN.md §2: no
operation answers with a server error, and every answer is one the schema documents (status
code, content type, body).

The schema is read from /api/v1/openapi.json of the WSGI application, and the requests go to
the same application in-process, on the test's thread and so inside the test's transaction:
the world seeded below is what the API sees. Half of the generated path parameters are replaced
by the ids of real objects of that world, so the fuzzing reaches past the 404 into the views.
Hypothesis is derandomized, so CI runs the same examples every time.
"""

# The meetings' and investments' fixtures are imported below; a test naming one as a parameter
# "redefines" the import.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tashil.investments.tests.conftest import (  # noqa: F401 (fixtures)
    destinations,
    dollars,
    estate,
    make_project,
    rials,
    sector,
)
from tashil.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    Clock,
    _media_in_tmp,
    builder,
    case_in,
    hq,
    meetings,
    resolution_in,
)

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and role: 73 operations × 8 roles stay within a CI minute or two.
EXAMPLES = 6
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
# The fixture that is the user of each role (tashil/conftest.py).
ROLES = [
    "secretariat",
    "expert",
    "officer",
    "agency_head",
    "owner",
    "county_secretary",
    "executive",
    "admin_user",
]


@pytest.fixture
def in_process_wsgi() -> Iterator[None]:
    """Django closes the connection at the end of each request when it is not in autocommit,
    which it never is inside the test's transaction; the test client stops that, and so must
    a test that calls the WSGI application itself."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    monkeypatch: pytest.MonkeyPatch,
    case_in: Any,
    resolution_in: Any,
    make_project: Callable[..., Any],
    destinations: Any,
    sector: Any,
    company: Any,
    other_company: Any,
    province: Any,
    tax_agency: Any,
    officer: Any,
    other_owner: Any,
    other_officer: Any,
) -> dict[str, Any]:
    """Objects of every kind the API serves, and the values its path parameters take to reach
    them: companies, cases in several statuses with a referral, a held session with a
    resolution, a project, an export figure, a visit with a stop and a sector share."""
    from tashil.cases.models import Category, Referral
    from tashil.cases.services import case_file
    from tashil.cases.workflow import CaseStatus
    from tashil.factories import CategoryFactory, CertificateFactory
    from tashil.investments import services as investments
    from tashil.meetings.models import AgendaItem, Body, Meeting, Resolution

    with monkeypatch.context() as frozen:
        # The meetings' builders plan sessions on fixed dates of January 2025.
        frozen.setattr("django.utils.timezone.now", Clock().now)
        resolution_in("in_progress")
        meetings_plan = resolution_in.meetings
        open_meeting = meetings_plan.plan()
        meetings_plan.with_case(open_meeting)
        case_in(CaseStatus.REFERRED)
        case_in(CaseStatus.SCREENING)
        case_in(CaseStatus.RESOLVED)
    other_category = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    case_file(
        actor=other_owner,
        company=other_company,
        category=other_category,
        title="ترخیص ماشین‌آلات",
        description="ماشین‌آلات خط تولید در گمرک مانده است.",
        channel="portal",
    )
    CertificateFactory(company=company)
    today = timezone.localdate()
    project = make_project(company, title="خط تولید شوینده", investment=rials(5_000_000_000))
    investments.export_record(
        actor=None,
        company=company,
        project=project,
        kind="forecast",
        year=1404,
        destination=destinations.russia,
        value=dollars(100_000),
        source="اداره کل صمت",
    )
    visit = investments.visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="وزیر",
        visitor_title="وزیر صمت",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today,
    )
    investments.item_add(
        actor=None, visit=visit, day=today, kind="meeting", title="نشست با فعالان اقتصادی"
    )
    investments.share_add(
        actor=None,
        province=province,
        sector=sector,
        basis="output",
        value=50,
        source="اتاق بازرگانی",
        stated_on=today,
    )
    from tashil.cases.models import Attachment, Case
    from tashil.investments.models import ExportFigure, ItineraryItem, Project, SectorShare, Visit

    def each(name: str, rows: Any) -> list[dict[str, Any]]:
        return [{name: value} for value in rows]

    paths = [
        *each("national_id", [company.national_id, other_company.national_id]),
        *each("tracking", Case.objects.values_list("tracking", flat=True)),
        *each("attachment_id", Attachment.objects.values_list("pk", flat=True)),
        *each("referral_id", Referral.objects.values_list("pk", flat=True)),
        *each("meeting_id", Meeting.objects.values_list("pk", flat=True)),
        *each("resolution_id", Resolution.objects.values_list("pk", flat=True)),
        *each("project_id", Project.objects.values_list("pk", flat=True)),
        *each("figure_id", ExportFigure.objects.values_list("pk", flat=True)),
        *each("visit_id", Visit.objects.values_list("pk", flat=True)),
        *each("share_id", SectorShare.objects.values_list("pk", flat=True)),
        *(
            {"meeting_id": meeting, "item_id": item}
            for meeting, item in AgendaItem.objects.values_list("meeting_id", "pk")
        ),
        *(
            {"visit_id": visit, "item_id": item}
            for visit, item in ItineraryItem.objects.values_list("visit_id", "pk")
        ),
    ]
    fields = {
        "company": [company.national_id, other_company.national_id],
        "category": [category.code for category in Category.objects.all()],
        "county": [company.county.code],
        "sector": [sector.code],
        "body": list(Body.objects.values_list("pk", flat=True)),
        "project": [project.pk],
    }
    return {"paths": paths, "fields": fields}


# Every model the API writes: after the fuzzing, each row must still pass its own validation.
WRITTEN = [
    "registry.Company",
    "registry.Certificate",
    "cases.Case",
    "cases.Referral",
    "cases.Attachment",
    "meetings.Meeting",
    "meetings.AgendaItem",
    "meetings.Attendance",
    "meetings.Resolution",
    "meetings.ProgressReport",
    "investments.Project",
    "investments.ExportFigure",
    "investments.Visit",
    "investments.ItineraryItem",
    "investments.SectorShare",
]


def invalid_rows() -> list[str]:
    from django.apps import apps
    from django.core.exceptions import ValidationError

    found = []
    for label in WRITTEN:
        for row in apps.get_model(label).objects.all():
            try:
                row.full_clean()
            except ValidationError as exc:
                found.append(f"{label} {row.pk}: {exc.message_dict}")
    return found


def fuzz(operation: Any, world: dict[str, Any], *, real: bool, **credentials: Any) -> None:
    """Runs the checks on the operation's generated requests. `real`: the path names objects
    of the world, and the body's references (company, category…) are theirs, so that the
    request reaches the view's own checks. `credentials` are sent with every request."""
    names = set(re.findall(r"{(\w+)}", operation.path))
    targets = [target for target in world["paths"] if set(target) == names]

    @given(case=operation.as_strategy(), data=st.data())
    @FUZZ
    def run(case: Any, data: Any) -> None:
        if real:
            if targets:
                case.path_parameters = dict(data.draw(st.sampled_from(targets), label="path"))
            if isinstance(case.body, dict):
                for name, values in world["fields"].items():
                    if name in case.body and values:
                        case.body[name] = data.draw(st.sampled_from(values), label=name)
        case.call_and_validate(checks=CHECKS, **credentials)

    run()


def takes_real_values(operation: Any) -> bool:
    return "{" in operation.path or operation.method.upper() in ("POST", "PUT", "PATCH")


def fuzz_schema(schema: Any, world: dict[str, Any], **credentials: Any) -> list[str]:
    """Fuzzes every operation of `schema`; the failures of all of them, not the first only."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for real in (False, True) if takes_real_values(operation) else (False,):
            try:
                fuzz(operation, world, real=real, **credentials)
            # Schemathesis reports failed checks as a BaseExceptionGroup.
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
                failures.append(f"{operation.label} (real objects: {real}): {exc}")
    return failures


@pytest.mark.usefixtures("in_process_wsgi")
@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_any_role_with_a_server_error_or_off_its_schema(
    request: pytest.FixtureRequest,
    role: str,
    world: dict[str, Any],
    bearer: Callable[[Any], dict[str, str]],
) -> None:
    headers = bearer(request.getfixturevalue(role))
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application(), headers=headers)

    failures = fuzz_schema(schema, world, headers=headers)

    assert not failures, "\n\n".join(failures)
    assert not invalid_rows()


# --- What the fuzzing found ----------------------------------------------------------------------


def test_an_amount_beyond_the_decimal_context_is_refused_not_a_server_error(
    client: Any, secretariat: Any, company: Any, bearer: Callable[[Any], dict[str, str]]
) -> None:
    from tashil.investments.models import ExportFigure

    response = client.post(
        "/api/v1/exports",
        {
            "company": company.national_id,
            "kind": "actual",
            "year": 1403,
            "amount": 3.898513750869995e61,
            "source": "گمرک",
            "country": "RU",
        },
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["amount"][0]["code"] == "decimal_whole_digits"
    assert not ExportFigure.objects.exists()


def test_a_time_of_day_is_documented_without_the_offset_json_schema_would_require(
    admin_client: Any,
) -> None:
    schema = admin_client.get(SCHEMA_URL).json()["components"]["schemas"]

    time = schema["BodyOut"]["properties"]["time"]
    assert "format" not in time
    assert time["type"] == "string"
    assert re.fullmatch(time["pattern"], "09:00:00")
    assert re.fullmatch(time["pattern"], "10:30")
    assert not re.fullmatch(time["pattern"], "09:00:00+03:30")


def test_a_time_with_an_offset_is_refused_not_stored(
    client: Any, secretariat: Any, province: Any, bearer: Callable[[Any], dict[str, str]]
) -> None:
    from tashil.investments.models import ItineraryItem
    from tashil.investments.services import visit_create

    today = timezone.localdate()
    visit = visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="وزیر",
        visitor_title="وزیر صمت",
        starts_on=today,
        ends_on=today,
    )

    response = client.post(
        f"/api/v1/visits/{visit.pk}/items",
        {"day": today.isoformat(), "kind": "meeting", "title": "نشست", "starts_at": "10:30+03:30"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["starts_at"][0]["code"] == "time_with_offset"
    assert not ItineraryItem.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/companies?q=a%00b", "q"),
        ("/api/v1/companies?county=%00", "county"),
        ("/api/v1/companies/1%00", "national_id"),
        ("/api/v1/companies/1%00/certificates", "national_id"),
        ("/api/v1/cases?category=tax%00", "category"),
        ("/api/v1/cases/%00", "tracking"),
        ("/api/v1/knowledge-based/series?province=%00", "province"),
        ("/api/v1/countries?%00=1", "__all__"),
    ],
)
def test_a_nul_character_in_the_path_or_query_is_refused_not_a_database_error(
    client: Any, secretariat: Any, bearer: Callable[[Any], dict[str, str]], url: str, field: str
) -> None:
    # PostgreSQL refuses NUL in text: before the refusal these were server errors there.
    response = client.get(url, headers=bearer(secretariat))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][field][0]["code"] == "nul_character"


def test_every_operation_documents_the_refusal_of_invalid_input(admin_client: Any) -> None:
    for operations in admin_client.get(SCHEMA_URL).json()["paths"].values():
        for operation in operations.values():
            assert "422" in operation["responses"], operation["operationId"]
