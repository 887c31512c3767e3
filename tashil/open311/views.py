"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over Tashil's obstacle cases.

Categories are the services; cases are the service requests; the tracking number is the
`service_request_id`. Every URL ends in `.json` or `.xml`, which picks the format. Where the spec
leaves a choice, or where Tashil departs from it, the decision is written here:

- **API key for reading requests too.** The spec lets anyone list and read requests. A case
  holds a company's confidential business data (debts, amounts, disputes with agencies), so
  GET requests, GET requests/{id} and GET tokens/{token} need an `api_key`, as POST does, and
  answer only with the cases the key's owner may see in the portal (`cases_for_user`): a company
  its own, an agency what was referred to it, the secretariat its province. A case that exists
  but may not be seen is a 404, as one that does not exist. The service list, the service
  definitions and discovery stay public.
- **The key** is a Tashil API token (the account's "API tokens" page), sent as the `api_key`
  parameter (query string, or the form body of a POST) or as `Authorization: Bearer <key>`. It
  is checked by the REST API's own authentication: a missing, unknown or revoked key, or one of
  a deactivated user, is a 403.
- **Filing (POST requests)** files a case through `case_file` on the `open311` channel, for the
  company named by `attribute[company_national_id]`; the key's owner must be allowed to file for
  it (its representative, or the secretariat of its province or county). A national ID that is
  not valid is a 400; a company the owner may not file for is a 403, whether or not it is in the
  registry, so the API does not tell which companies are registered (as the registry pages do
  not). An unknown `service_code` is a 404, as the spec lists. The title is the description's
  first line (GeoReport has no title).
- **What is not kept.** GeoReport is about places; a case is about a company whose address is
  in the registry. So no location is required: `address_string` is kept as the case's address,
  `lat`, `long` and `address_id` are ignored. The submitter's `email`, `first_name`,
  `last_name`, `phone`, `device_id` and `account_id` are ignored: the key's owner is recorded as
  who filed the case, and the company's contacts are in the registry; we keep no personal data
  about a third person that nobody checked. `media_url` is ignored: Tashil does not fetch remote
  files; attachments go through the portal or the REST API, where their content is checked.
  `jurisdiction_id` is ignored: one installation serves one province.
- **Both `service_request_id` and `token`** are returned by POST. The spec says a server returns
  one or the other; the tracking number exists at once (the services are `realtime`), and the
  token is also handed out so that a client may use the spec's tokens/{token} lookup.
- **Statuses** collapse to `closed` once the HQ reached an outcome (resolved, unresolved,
  escalated to the national HQ, even while the company may still reopen it) or the case ended
  (closed, rejected, merged); everything else is `open`. `status_notes` carries the detailed
  status and, when the workflow asked for one, the reason written for the company (why it was
  rejected, what information is missing). `agency_responsible` and `expected_datetime` come from
  the referrals waiting for an answer.
- **Language.** Texts are Persian; `lang=en` (query string or POST body) or the site's language
  cookie gives English. Accept-Language is ignored, as everywhere in Tashil (ADR 0002).
- **Errors** have the spec's shape (`errors`/`error` with `code` and `description`); 400, 403,
  404, and 405 for a method the URL does not take.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from tashil.accounts.models import User
from tashil.api.auth import TokenAuth
from tashil.api.errors import ApiError
from tashil.cases.models import Case, Category, Channel
from tashil.cases.selectors import cases_for_user
from tashil.cases.services import CaseError, case_file
from tashil.cases.tracking import normalise_tracking
from tashil.open311 import forms, openapi, serialize
from tashil.open311.errors import Open311Error
from tashil.open311.render import JSON, XML, render, render_errors
from tashil.registry.selectors import company_get_for_user

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list or the service definitions last changed shape (the spec's meaning of a
# changeset). Change it with ATTRIBUTES in serialize.py so that clients refresh their caches.
CHANGESET = "2026-11-27T00:00:00+03:30"

View = Callable[..., HttpResponse]


def _language(request: HttpRequest) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.GET.get("lang") or (
        request.POST.get("lang") if request.method == "POST" else ""
    )
    if chosen in supported:
        return chosen
    # Set by tashil.core.middleware.LanguageMiddleware from the language cookie.
    return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)


def endpoint(*methods: str) -> Callable[[View], View]:
    """A GeoReport method: answers in the URL's format and language, turns Open311Error into
    the spec's error body, needs no CSRF token (machine clients authenticate with a key, and
    no session is ever used)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            with translation.override(_language(request)):
                if request.method not in methods:
                    response = render_errors(
                        [
                            (
                                405,
                                _("This URL does not accept %(method)s.")
                                % {"method": request.method},
                            )
                        ],
                        fmt=fmt,
                        status=405,
                    )
                    response["Allow"] = ", ".join(methods)
                else:
                    try:
                        _refuse_nul(request)
                        response = view(request, fmt, **kwargs)
                    except Open311Error as exc:
                        response = render_errors(
                            [(exc.status, text) for text in exc.descriptions],
                            fmt=fmt,
                            status=exc.status,
                        )
                response["Content-Language"] = translation.get_language()
            return response

        return csrf_exempt(wrapper)

    return decorate


def _refuse_nul(request: HttpRequest) -> None:
    # PostgreSQL refuses a NUL character in text: a filter on one would fail in the database.
    sent = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else [])]
    names = [name for name, values in sent if "\x00" in name or any("\x00" in v for v in values)]
    if names:
        raise Open311Error(
            400,
            *(
                _("%(name)s: Text may not contain a NUL character.") % {"name": name.strip("\x00")}
                for name in names
            ),
        )


def _key_user(request: HttpRequest) -> User:
    key = request.GET.get("api_key", "")
    if not key and request.method == "POST":
        key = request.POST.get("api_key", "")
    header = request.headers.get("Authorization", "")
    if not key and header.lower().startswith("bearer "):
        key = header[len("bearer ") :]
    key = key.strip()
    if not key:
        raise Open311Error(
            403,
            _(
                "An api_key is required: case data is confidential. Create a key on your "
                "account's API tokens page."
            ),
        )
    try:
        # The REST API's check: hash lookup, revoked keys, inactive users, last-used time.
        return TokenAuth().authenticate(request, key)
    except ApiError as exc:
        raise Open311Error(403, exc.message) from None


def _not_found() -> Open311Error:
    return Open311Error(404, _("No service request with this ID was found."))


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("There is no service with the code “%(code)s”.") % {"code": code})
    return category


# --- Discovery and services ----------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root")).rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": _("The secretariat of the Production Facilitation HQ: %(url)s")
        % {"url": request.build_absolute_uri("/")},
        "key_service": _("Sign in and create a key on the API tokens page: %(url)s")
        % {"url": request.build_absolute_uri(reverse("api:tokens"))},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(data, fmt=fmt, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    data = [serialize.service(c) for c in Category.objects.order_by("order", "code")]
    return render(data, fmt=fmt, root="services")


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = _category(code)
    return render(serialize.service_definition(category), fmt=fmt, root="service_definition")


# --- Requests ------------------------------------------------------------------------------------


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _key_user(request)
    if request.method == "POST":
        return _file(request, fmt, user)
    filters = forms.parse_filters(request.GET, now=timezone.now())
    cases = forms.filter_cases(cases_for_user(user), filters).order_by("-created_at", "-pk")
    found = serialize.with_request_data(cases)[: forms.MAX_RESULTS]
    return render([serialize.request(c) for c in found], fmt=fmt, root="service_requests")


def _file(request: HttpRequest, fmt: str, user: User) -> HttpResponse:
    form = forms.RequestForm(request.POST)
    if not form.is_valid():
        raise Open311Error(400, *form.descriptions())
    data = form.cleaned_data
    category = _category(data["service_code"])
    try:
        company = company_get_for_user(user=user, national_id=data[forms.NATIONAL_ID])
    except Http404:
        raise Open311Error(
            403, _("You may not file cases for a company with this national ID.")
        ) from None
    description = data["description"]
    try:
        case = case_file(
            actor=user,
            company=company,
            category=category,
            title=forms.title_from(description),
            description=description,
            channel=Channel.OPEN311,
            requested_outcome=data[forms.REQUESTED_OUTCOME],
            amount=data[forms.AMOUNT],
            address=data["address_string"],
            machine_channel=True,
        )
    except CaseError as exc:
        raise Open311Error(403 if exc.code == "not_allowed" else 400, *exc.messages) from None
    except ValidationError as exc:
        raise Open311Error(400, *exc.messages) from None
    return render([serialize.created(case)], fmt=fmt, root="service_requests", status=201)


def _visible_case(user: User, **lookup: Any) -> Case:
    case = serialize.with_request_data(cases_for_user(user).filter(**lookup)).first()
    if case is None:
        raise _not_found()
    return case


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    user = _key_user(request)
    tracking = normalise_tracking(service_request_id)
    if tracking is None:
        raise _not_found()
    case = _visible_case(user, tracking=tracking)
    return render([serialize.request(case)], fmt=fmt, root="service_requests")


@endpoint("GET")
def token_lookup(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    user = _key_user(request)
    try:
        api_token = uuid.UUID(token)
    except ValueError:
        raise _not_found() from None
    case = cases_for_user(user).filter(api_token=api_token).first()
    if case is None:
        raise _not_found()
    return render([serialize.token(case)], fmt=fmt, root="service_requests")


@require_GET
def openapi_document(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Any other URL under the endpoint: a 404 in the spec's shape, in the format the suffix
    asks for (JSON when it asks for none we speak)."""
    fmt = XML if path.lower().endswith(".xml") else JSON
    with translation.override(_language(request)):
        response = render_errors(
            [(404, _("There is no such GeoReport v2 method. See discovery.json."))],
            fmt=fmt,
            status=404,
        )
        response["Content-Language"] = translation.get_language()
    return response
