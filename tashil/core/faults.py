"""What the site answers when a dependency fails: a readable page, never a stack trace.

When PostgreSQL is down (restarting, full disk, network) every page fails, most of them before the
view runs its own queries: loading the session of a signed-in user is the first query. Django's
default answer is a bare 500. These pages say instead that the service is briefly unavailable
(503, with Retry-After so that proxies and monitors do not treat it as a bug), and they are
rendered from a template with a plain context: the context processors (unread notices, roles)
query the database, which is exactly what is missing.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again; a database restart takes about this long.
RETRY_AFTER = 30

# OperationalError: cannot connect, connection lost, database locked past the timeout.
# InterfaceError: a connection object that the server already closed. Both mean "the database is
# not there right now", not a bug in the request; IntegrityError and the like are bugs (500).
UNAVAILABLE = (OperationalError, InterfaceError)
# PostgreSQL also reports deadlocks (40P01), serialization failures (40001), lock and statement
# timeouts (55P03, 57014) as OperationalError. Those are the request's own trouble, to be logged
# with their traceback as 500s. An outage is a failure without an SQLSTATE (the connection could
# not be made) or one of these classes: connection exceptions, insufficient resources, and the
# server shutting down.
OUTAGE_SQLSTATE_CLASSES = ("08", "53")
OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def is_outage(error: BaseException | None) -> bool:
    if not isinstance(error, UNAVAILABLE):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return (
        sqlstate is None
        or sqlstate.startswith(OUTAGE_SQLSTATE_CLASSES)
        or sqlstate in OUTAGE_SQLSTATES
    )


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Needs neither the database nor the request's user or session."""
    language = translation.get_language() or "fa"
    html = loader.get_template("503.html").render({"LANGUAGE_CODE": language})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    # A cached error page would outlive the outage.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage met by a view into the 503 page. Views are where nearly all
    queries run, the session's and the user's included (both are loaded lazily, at the first
    `request.user` of `login_required`); `server_error` covers the rest."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        # A warning, not an error with a traceback per request: during an outage every request
        # fails the same way and the log must stay readable.
        logger.warning("Database unavailable on %s: %s", request.path, exception)
        return database_unavailable(request)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 page when the failure was the database (met outside a view, e.g. by a
    middleware saving the session), otherwise the readable 500 page. Django calls it while
    handling the exception, so sys.exc_info() still holds it."""
    if is_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    language = translation.get_language() or "fa"
    html = loader.get_template("500.html").render({"LANGUAGE_CODE": language})
    return HttpResponse(html, status=500)
