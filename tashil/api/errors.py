"""The API's errors: one body for all of them, with a stable code a client can branch on.

    {"code": "invalid", "message": "…", "errors": {"national_id": [{"code": "…", "message": "…"}]}}

`message` is for people and follows the language of the request (Persian unless the language
cookie says otherwise); `code`, and the `code` of each field error, never change meaning.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

FieldErrors = dict[str, list[dict[str, str]]]
E = TypeVar("E", bound=Exception)


class ErrorCode(enum.StrEnum):
    # No credentials: neither a bearer token nor a session.
    NOT_AUTHENTICATED = "not_authenticated"
    # A bearer token that is malformed, unknown, or whose user is deactivated.
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - an error code, not a secret
    # A bearer token that was revoked.
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - an error code, not a secret
    # A session request changing data without a valid CSRF token.
    CSRF_FAILED = "csrf_failed"
    # Authenticated, but the user's roles do not allow this.
    PERMISSION_DENIED = "permission_denied"
    # No such object, or one the user may not see (the two are not told apart).
    NOT_FOUND = "not_found"
    # The body could not be read at all (e.g. malformed JSON).
    BAD_REQUEST = "bad_request"
    # The input is not valid; `errors` says which field and why.
    INVALID = "invalid"
    # Well-formed, but a rule of the case workflow refuses it now (a move the table does not
    # allow from the case's status, a missing reason, a second extension, someone else moved
    # the case first…); `errors["__all__"][0].code` names the rule, e.g. `invalid_transition`.
    CASE_RULE = "case_rule"
    # The same for meetings and resolutions (a closed meeting's minutes, the objection window,
    # a move the resolution lifecycle does not allow…).
    MEETING_RULE = "meeting_rule"
    # Any other HTTP error (e.g. a method the path does not accept).
    ERROR = "error"


class ApiError(Exception):
    """Raised by views and auth to answer with an error body."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        errors: FieldErrors | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


def body(code: ErrorCode, message: str, errors: FieldErrors | None = None) -> dict[str, Any]:
    return {"code": code.value, "message": message, "errors": errors or {}}


def django_field_errors(exc: DjangoValidationError) -> FieldErrors:
    """A Django ValidationError as field → [{code, message}]; errors not tied to a field are
    under "__all__", as in Django's forms."""
    items: Iterable[tuple[str, list[DjangoValidationError]]]
    if hasattr(exc, "error_dict"):
        items = exc.error_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, exc.error_list)]
    result: FieldErrors = {}
    for field, errors in items:
        for error in errors:
            for message in error.messages:
                result.setdefault(field, []).append(
                    {"code": error.code or "invalid", "message": str(message)}
                )
    return result


def in_field(field: str, exc: DjangoValidationError) -> DjangoValidationError:
    """Attach a ValidationError raised by a normaliser (which knows no field) to `field`."""
    return DjangoValidationError({field: exc.error_list})


# Pydantic writes its messages in English; these are the ones a client meets, in the user's
# language. Others keep pydantic's text; the `code` is stable either way.
def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    messages: dict[str, str] = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "date_parsing": _("Enter a date as YYYY-MM-DD (Gregorian)."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD (Gregorian)."),
        "date_type": _("Enter a date as YYYY-MM-DD (Gregorian)."),
        "enum": _("Select a valid choice."),
        "literal_error": _("Select a valid choice."),
        "string_type": _("Enter text."),
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("The request body must be a JSON object."),
        "dict_type": _("The request body must be a JSON object."),
    }
    if kind in messages:
        return messages[kind]
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": context.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": context.get("le")}
    if kind == "string_too_long":
        return _("Enter at most %(limit)s characters.") % {"limit": context.get("max_length")}
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return _("This field cannot be blank.")
        return _("Enter at least %(limit)s characters.") % {"limit": context.get("min_length")}
    if kind == "too_short":
        return _("Give at least %(limit)s items.") % {"limit": context.get("min_length")}
    if kind == "too_long":
        return _("Give at most %(limit)s items.") % {"limit": context.get("max_length")}
    message = str(error.get("msg", ""))
    # Our own validators raise ValueError with a translated message; pydantic prefixes it.
    return message.removeprefix("Value error, ")


def _ninja_field_errors(errors: Iterable[Mapping[str, Any]]) -> FieldErrors:
    result: FieldErrors = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("query", "limit") → "limit"; ("body", "payload", "national_id") → "national_id".
        if loc and loc[0] in ("query", "path", "body", "header", "cookie", "form"):
            loc = loc[1:]
        if len(loc) > 1 and loc[0] == "payload":
            loc = loc[1:]
        field = ".".join(loc) or NON_FIELD_ERRORS
        result.setdefault(field, []).append(
            {"code": str(error.get("type", "invalid")), "message": _pydantic_message(error)}
        )
    return result


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: ErrorCode,
    message: str,
    errors: FieldErrors | None = None,
) -> HttpResponse:
    response = api.create_response(request, body(code, message, errors), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tashil"'
    return response


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies ({"detail": …}) with ours."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _respond(api, request, exc.status, exc.code, exc.message, exc.errors)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, ErrorCode.NOT_FOUND, _("Not found."))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, ErrorCode.PERMISSION_DENIED, _("You may not do this."))

    def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _respond(
            api,
            request,
            401,
            ErrorCode.NOT_AUTHENTICATED,
            _("Send an API token (Authorization: Bearer …) or log in."),
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: ErrorCode.BAD_REQUEST,
            403: ErrorCode.PERMISSION_DENIED,
            404: ErrorCode.NOT_FOUND,
        }.get(exc.status_code, ErrorCode.ERROR)
        return _respond(api, request, exc.status_code, code, str(exc))

    def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _respond(
            api,
            request,
            422,
            ErrorCode.INVALID,
            _("Some of the input is not valid."),
            _ninja_field_errors(exc.errors),
        )

    def on_model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _respond(
            api,
            request,
            422,
            ErrorCode.INVALID,
            _("Some of the input is not valid."),
            django_field_errors(exc),
        )

    _register(api, ApiError, on_api_error)
    _register(api, Http404, on_not_found)
    _register(api, PermissionDenied, on_permission_denied)
    _register(api, AuthenticationError, on_not_authenticated)
    _register(api, HttpError, on_http_error)
    _register(api, NinjaValidationError, on_request_invalid)
    _register(api, DjangoValidationError, on_model_invalid)


def _register(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # Ninja types a handler's exception as "instance or class"; ours always get an instance.
    api.add_exception_handler(exc_class, cast(Any, handler))
