"""Being written (issue 5): placeholders so the URLconf loads."""

from django.http import Http404


def by_agency(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def escalate_national(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def evidence_download(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def inbox(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def national_letter(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def register(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def report_progress(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def resolution_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def resolution_move(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
