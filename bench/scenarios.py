"""What the benchmark measures: one `Scenario` per screen or endpoint, declared in `scenarios()`.

A scenario names the role it runs as and builds its URL from the data of the measured province
(Qazvin, code 26): the busiest case, the company with the most cases, the commonest status and
category… so that the same declaration works on a generator database of any scale and on the demo
province. Each also declares *variants*: the same request at other page sizes (or on a smaller
object) whose query counts must equal the main request's, which is how the benchmark shows that
the number of queries does not grow with the data.

The REST API's list endpoints are not written down here: they are read from the API's OpenAPI
schema, so that an endpoint added later is measured without anyone remembering to add it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from tashil.accounts.models import RoleAssignment, User
from tashil.accounts.roles import Role
from tashil.cases.models import Case, Referral
from tashil.geo.models import Province
from tashil.registry.models import Company

PROVINCE_CODE = "26"  # Qazvin: the province the generator gives its measured users
SUPERUSER = "superuser"  # not a Role: the Django admin's user

# Targets of issue 8 (p95, in milliseconds).
PAGE_MS = 150.0
FIGURES_MS = 300.0
SEARCH_MS = 50.0
MAX_RATIO = 3.0
MIN_ADMIN_SPEEDUP = 5.0

# The three ways people type «knowledge-based»: two words, one word, and with a ZWNJ.
PERSIAN_QUERY = "دانش بنیان"
SPELLINGS = ("دانشبنیان", "دانش\u200cبنیان", "دانش بنیان")

# API list endpoints that the secretariat may not call, and who calls them instead.
API_ROLES: dict[str, str] = {"referral_inbox": Role.AGENCY_OFFICER}
# Page sizes at which query counts are compared (capped by the endpoint's own maximum).
SMALL_PAGE, LARGE_PAGE = 10, 50
API_LARGE_PAGE = 100


class HarnessError(Exception):
    """The benchmark cannot run as declared (no such user, no data to pick from)."""


@dataclass(frozen=True)
class Variant:
    """The scenario's request changed in one respect, for its query count alone: another URL, or
    a module constant (a page size) patched for the duration of the request."""

    label: str
    url: str
    patches: Sequence[tuple[Any, str, Any]] = ()  # (object, attribute, value)
    # False: reported, not held to the main request's count (the data it shows may leave a part
    # of the page empty, and an empty part legitimately skips its query).
    judged: bool = True

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for target, attribute, value in self.patches:
                stack.enter_context(_patched(target, attribute, value))
            yield


@contextlib.contextmanager
def _patched(target: Any, attribute: str, value: Any) -> Iterator[None]:
    old = getattr(target, attribute)
    setattr(target, attribute, value)
    try:
        yield
    finally:
        setattr(target, attribute, old)


@dataclass(frozen=True)
class Built:
    """A scenario made concrete on this database."""

    url: str
    variants: Sequence[Variant] = ()
    note: str = ""  # what was picked, for the report
    # Checks the scenario reports besides timings (e.g. the search spellings' counts).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    role: str  # a Role value, or SUPERUSER
    description: str
    build: Callable[[Context], Built]
    target_ms: float | None = PAGE_MS  # None: measured for comparison, no target
    # "session": logged in with force_login; "token": an API token in the Authorization header.
    auth: str = "session"
    # The admin scenario this page must be MIN_ADMIN_SPEEDUP times faster than.
    admin: str | None = None
    group: str = "page"  # page, api or admin (the report's sections)


class Context:
    """The measured province, its users and the objects the scenarios pick, read once."""

    def __init__(self, province_code: str = PROVINCE_CODE) -> None:
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise HarnessError(
                f"No province with code {province_code}: load the reference data "
                "(manage.py load_reference) and generate the data (python -m bench.datagen)."
            )
        self.province = province
        self.today = timezone.localdate()
        self._users: dict[str, User] = {}

    # --- Users ------------------------------------------------------------------------------

    def user(self, role: str) -> User:
        """The generator's `bench-<role>-26` (or `bench-admin`), else any user with the role in
        the province, so that the harness also runs on `manage.py load_demo` data."""
        if role not in self._users:
            self._users[role] = self._find_user(role)
        return self._users[role]

    def _find_user(self, role: str) -> User:
        if role == SUPERUSER:
            candidates = User.objects.filter(is_active=True, is_superuser=True)
            preferred = "bench-admin"
        else:
            candidates = User.objects.filter(
                is_active=True,
                role_assignments__role=role,
                role_assignments__province=self.province,
            ).distinct()
            preferred = f"bench-{role}-{self.province.code}"
        found = (
            candidates.filter(username=preferred).first()
            or candidates.filter(username__startswith="bench-").order_by("username").first()
        )
        if found is None and role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
            found = self._busiest_agency_user(role)
        if found is None:
            found = candidates.order_by("pk").first()
        if found is None:
            raise HarnessError(f"No active user with the role {role!r} in {self.province.code}.")
        return found

    def _busiest_agency_user(self, role: str) -> User | None:
        # The demo has an officer per agency; the inbox is only worth measuring for a busy one.
        busiest = (
            RoleAssignment.objects.filter(role=role, province=self.province, user__is_active=True)
            .annotate(referrals=Count("agency__referrals"))
            .order_by("-referrals", "pk")
            .select_related("user")
            .first()
        )
        return busiest.user if busiest else None

    @property
    def users(self) -> dict[str, User]:
        """The users found so far, by role."""
        return dict(self._users)

    # --- Picks ------------------------------------------------------------------------------

    def cases(self) -> Any:
        return Case.objects.filter(province=self.province)

    @functools.cached_property
    def commonest_status_and_category(self) -> tuple[str, int]:
        """The (status, category) pair with the most cases: the busiest filtered list, read once
        for the case list, its admin counterpart and the load test."""
        row = (
            self.cases()
            .values("status", "category")
            .annotate(n=Count("pk"))
            .order_by("-n", "status", "category")
            .first()
        )
        if row is None:
            raise HarnessError("The province has no cases.")
        return row["status"], row["category"]

    def case_search_word(self) -> str:
        """The commonest word (four letters or more) of the latest case titles: a search that
        finds many cases, as a secretariat's search for «گاز» or «مالیات» does."""
        titles = self.cases().order_by("-created_at").values_list("title", flat=True)[:500]
        words = Counter(
            word for title in titles for word in re.findall(r"\w+", title) if len(word) >= 4
        )
        if not words:
            raise HarnessError("The province's cases have no titles to search for.")
        return sorted(words.items(), key=lambda item: (-item[1], item[0]))[0][0]

    def busiest_and_quietest(
        self, queryset: QuerySet[Any], relation: str, *, same: Sequence[str] = ()
    ) -> tuple[tuple[Any, int], tuple[Any, int]]:
        """The object of `queryset` with the most rows in `relation` (the heaviest page), and
        the one with the fewest among those *shaped like it*: holding rows, or not, in the same
        reverse relations. A page skips the query of a part it has nothing to show in (Django
        runs no prefetch for an empty list), so an object without resolutions would answer
        with fewer queries for a reason that is not data growth; one like the busiest differs
        only in how much it holds, which is what the query count must not depend on. `same`
        names fields that must match too (a case's status decides which parts its page has)."""
        model = queryset.model
        shape = {
            f"has_{rel.name}": Exists(
                rel.related_model._default_manager.filter(**{rel.field.name: OuterRef("pk")})
            )
            for rel in model._meta.related_objects
            if rel.one_to_many
        }
        counted = queryset.annotate(n=Count(relation))
        busiest = counted.order_by("-n", "pk").values("pk", "n").first()
        if busiest is None or not busiest["n"]:
            raise HarnessError(f"No {model._meta.verbose_name} of the province has {relation}.")
        flags = queryset.annotate(**shape).filter(pk=busiest["pk"]).values(*shape, *same).get()
        like = (
            queryset.annotate(**shape)
            .filter(**flags)
            .exclude(pk=busiest["pk"])
            .annotate(n=Count(relation))
            .order_by("n", "pk")
            .values("pk", "n")
            .first()
        ) or busiest  # nothing like it: compare the page with itself (counts equal)
        return (
            (model._default_manager.get(pk=busiest["pk"]), busiest["n"]),
            (model._default_manager.get(pk=like["pk"]), like["n"]),
        )

    def past_year_day(self, years_back: int) -> dt.date:
        """A day inside the Jalali year `years_back` years ago: its `year` preset is a whole
        year of data, not the days of the current year so far."""
        return self.today - dt.timedelta(days=365 * years_back)


# --- Helpers ----------------------------------------------------------------------------------


def _url(name: str, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _page_size_variants(
    url: str, module: Any, attribute: str = "PAGE_SIZE"
) -> tuple[Variant, Variant]:
    return (
        Variant(f"{attribute}={SMALL_PAGE}", url, [(module, attribute, SMALL_PAGE)]),
        Variant(f"{attribute}={LARGE_PAGE}", url, [(module, attribute, LARGE_PAGE)]),
    )


def _jalali(day: dt.date) -> str:
    from tashil.core.jalali import jalali_input_value

    return jalali_input_value(day)


# --- The scenarios ----------------------------------------------------------------------------


def _case_list(ctx: Context) -> Built:
    from tashil.cases import views

    status, category = ctx.commonest_status_and_category
    url = _url("cases:list", {"status": status, "category": category})
    return Built(
        url,
        _page_size_variants(url, views),
        note=f"status={status}, category={category} (the commonest pair)",
    )


def _case_search(ctx: Context) -> Built:
    from tashil.cases import views

    word = ctx.case_search_word()
    url = _url("cases:list", {"q": word})
    return Built(url, _page_size_variants(url, views), note=f"q={word}")


def _inbox(ctx: Context) -> Built:
    from tashil.cases import selectors, views

    url = _url("cases:inbox")
    officer = ctx.user(Role.AGENCY_OFFICER)
    agencies = list(
        RoleAssignment.objects.filter(user=officer, role=Role.AGENCY_OFFICER).values_list(
            "agency_id", flat=True
        )
    )
    waiting = Referral.objects.filter(agency_id__in=agencies, answered_at__isnull=True).count()
    # The inbox shows QUEUE_SIZE × 4 open referrals and INBOX_ANSWERED answered ones.
    return Built(
        url,
        (
            Variant(
                "small queues",
                url,
                [(selectors, "QUEUE_SIZE", 2), (views, "INBOX_ANSWERED", SMALL_PAGE)],
            ),
            Variant(
                "large queues",
                url,
                [(selectors, "QUEUE_SIZE", 50), (views, "INBOX_ANSWERED", LARGE_PAGE)],
            ),
        ),
        note=f"{officer.username}: {waiting} unanswered referrals",
    )


def _company_search(ctx: Context) -> Built:
    from tashil.core.selectors import provinces_for_user
    from tashil.registry import forms, selectors, views

    url = _url("registry:company_list", {"q": PERSIAN_QUERY})
    user = ctx.user(Role.SECRETARIAT)
    provinces = list(provinces_for_user(user))
    counts = {}
    for spelling in SPELLINGS:
        form = forms.CompanyFilterForm({"q": spelling}, provinces=provinces)
        counts[spelling] = selectors.company_list(user=user, filters=form.filters()).count()
    # With no match at all (a tiny dataset) the comparison proves nothing: not judged.
    identical = len(set(counts.values())) == 1 if any(counts.values()) else None
    return Built(
        url,
        _page_size_variants(url, views),
        note=f"q={PERSIAN_QUERY}: {counts[PERSIAN_QUERY]} companies",
        extra={
            "spelling_counts": {
                spelling.replace("\u200c", "<ZWNJ>"): n for spelling, n in counts.items()
            },
            "spellings_identical": identical,
        },
    )


def _company_page(ctx: Context) -> Built:
    companies = Company.objects.filter(province=ctx.province)
    (busy, cases), (quiet, quiet_cases) = ctx.busiest_and_quietest(companies, "cases")
    return Built(
        _url("registry:company_detail", national_id=busy.national_id),
        (
            Variant(
                f"a company like it with {quiet_cases} cases",
                _url("registry:company_detail", national_id=quiet.national_id),
            ),
        ),
        note=f"{busy.national_id}: {cases} cases (the most)",
    )


def _case_page(ctx: Context) -> Built:
    (busy, events), (quiet, quiet_events) = ctx.busiest_and_quietest(
        ctx.cases(), "events", same=("status",)
    )
    return Built(
        _url("cases:detail", tracking=busy.tracking),
        (
            Variant(
                f"a case like it with {quiet_events} events",
                _url("cases:detail", tracking=quiet.tracking),
            ),
        ),
        note=f"{busy.tracking}: {events} timeline events (the most)",
    )


def _register(ctx: Context) -> Built:
    from tashil.meetings.views import resolutions

    url = _url("meetings:register")
    return Built(url, _page_size_variants(url, resolutions))


def _figures(name: str) -> Callable[[Context], Built]:
    def build(ctx: Context) -> Built:
        def url_of(years_back: int) -> str:
            day = ctx.past_year_day(years_back)
            query = {"province": ctx.province.code, "period": "year", "on": _jalali(day)}
            return _url(name, query)

        # Another year's data may leave a section empty (no project opened, say), whose query
        # is then skipped: shown for comparison, not judged.
        return Built(
            url_of(1),
            (Variant("the year before", url_of(2), judged=False),),
            note=f"the Jalali year of {_jalali(ctx.past_year_day(1))}",
        )

    return build


def _open311(ctx: Context) -> Built:
    from tashil.open311 import forms

    url = _url("open311:requests", fmt="json")
    return Built(
        url,
        (
            Variant(f"MAX_RESULTS={SMALL_PAGE}", url, [(forms, "MAX_RESULTS", SMALL_PAGE)]),
            Variant(f"MAX_RESULTS={API_LARGE_PAGE}", url, [(forms, "MAX_RESULTS", API_LARGE_PAGE)]),
        ),
        note="the last 90 days (the default window), at most 1,000 requests",
    )


def _admin_cases(filtered: bool) -> Callable[[Context], Built]:
    def build(ctx: Context) -> Built:
        query: dict[str, Any] = {}
        if filtered:
            status, category = ctx.commonest_status_and_category
            query = {"status__exact": status, "category__id__exact": category}
        url = _url("admin:cases_case_changelist", query)
        return Built(url, _admin_variants(url, Case), note="all provinces, 100 rows a page")

    return build


def _admin_companies(filtered: bool) -> Callable[[Context], Built]:
    def build(ctx: Context) -> Built:
        query: dict[str, Any] = {}
        if filtered:
            query = {"q": PERSIAN_QUERY, "province__id__exact": ctx.province.pk}
        url = _url("admin:registry_company_changelist", query)
        return Built(url, _admin_variants(url, Company), note="100 rows a page")

    return build


def _admin_variants(url: str, model: Any) -> tuple[Variant, Variant]:
    model_admin = admin.site._registry[model]
    return (
        Variant(f"list_per_page={SMALL_PAGE}", url, [(model_admin, "list_per_page", SMALL_PAGE)]),
        Variant(f"list_per_page={LARGE_PAGE}", url, [(model_admin, "list_per_page", LARGE_PAGE)]),
    )


def page_scenarios() -> list[Scenario]:
    return [
        Scenario(
            "case-list",
            Role.SECRETARIAT,
            "the secretariat's case list filtered by status and category",
            _case_list,
            admin="admin-cases",
        ),
        Scenario(
            "case-list-search",
            Role.SECRETARIAT,
            "the secretariat's case list searched by a word of the titles",
            _case_search,
        ),
        Scenario("agency-inbox", Role.AGENCY_OFFICER, "an agency officer's inbox", _inbox),
        Scenario(
            "company-search",
            Role.SECRETARIAT,
            f"the registry searched in Persian ({PERSIAN_QUERY})",
            _company_search,
            target_ms=SEARCH_MS,
            admin="admin-companies",
        ),
        Scenario("company-page", Role.SECRETARIAT, "a company's page", _company_page),
        Scenario("case-page", Role.SECRETARIAT, "a case's page with its timeline", _case_page),
        Scenario("resolution-register", Role.SECRETARIAT, "the resolution register", _register),
        Scenario(
            "dashboard",
            Role.EXECUTIVE,
            "the governor's dashboard for the province and a year",
            _figures("figures:dashboard"),
            target_ms=FIGURES_MS,
        ),
        Scenario(
            "scorecard",
            Role.EXECUTIVE,
            "the agencies' scorecards for the province and a year",
            _figures("figures:scorecard"),
            target_ms=FIGURES_MS,
        ),
        Scenario(
            "open311-requests",
            Role.SECRETARIAT,
            "Open311 GeoReport v2 requests.json",
            _open311,
            auth="token",
            group="api",
        ),
    ]


def admin_scenarios() -> list[Scenario]:
    def admin(name: str, description: str, build: Callable[[Context], Built]) -> Scenario:
        return Scenario(name, SUPERUSER, description, build, target_ms=None, group="admin")

    return [
        admin(
            "admin-cases",
            "Django admin: cases, filtered as the case list",
            _admin_cases(filtered=True),
        ),
        admin(
            "admin-companies",
            f"Django admin: companies of the province searched for {PERSIAN_QUERY}",
            _admin_companies(filtered=True),
        ),
        admin("admin-cases-all", "Django admin: every case", _admin_cases(filtered=False)),
        admin(
            "admin-companies-all",
            "Django admin: every company",
            _admin_companies(filtered=False),
        ),
    ]


# --- The REST API, from its schema ------------------------------------------------------------


def _is_list(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """A JSON array, or one of the API's pages (`{"items": [...], "next_offset": …}`)."""
    if schema.get("type") == "array":
        return True
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        properties = components.get(ref.rsplit("/", 1)[1], {}).get("properties", {})
        return properties.get("items", {}).get("type") == "array"
    return False


def api_scenarios() -> list[Scenario]:
    """Every GET operation of /api/v1/ without path parameters that answers with a list."""
    from tashil.api.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        responses = operation.get("responses", {})
        ok = responses.get(200) or responses.get("200") or {}
        body = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if not _is_list(body, components):
            continue
        operation_id = operation["operationId"]
        limit = next((p for p in operation.get("parameters", []) if p["name"] == "limit"), None)
        found.append(
            Scenario(
                "api-" + operation_id.replace("_", "-"),
                API_ROLES.get(operation_id, Role.SECRETARIAT),
                f"REST API GET {path}",
                _api_build(path, limit),
                auth="token",
                group="api",
            )
        )
    return found


def _api_build(path: str, limit: dict[str, Any] | None) -> Callable[[Context], Built]:
    def build(ctx: Context) -> Built:
        if limit is None:
            return Built(path, note="no page size: the whole list")
        largest = min(limit.get("schema", {}).get("maximum", API_LARGE_PAGE), API_LARGE_PAGE)
        default = limit.get("schema", {}).get("default")
        return Built(
            path,
            (
                Variant(f"limit={SMALL_PAGE}", f"{path}?limit={SMALL_PAGE}"),
                Variant(f"limit={largest}", f"{path}?limit={largest}"),
            ),
            note=f"default page ({default} rows)" if default else "",
        )

    return build


def all_scenarios() -> list[Scenario]:
    return [*page_scenarios(), *api_scenarios(), *admin_scenarios()]
