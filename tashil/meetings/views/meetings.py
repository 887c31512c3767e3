"""Being written (issue 5): placeholders so the URLconf loads."""

from django.http import Http404


def add_case(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def add_resolution(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def add_topic(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def agenda(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def agenda_pdf(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def attendance(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def cancel(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def case_search(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def close(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def delete_draft(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def draft_resolution(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def edit_draft(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def item_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def meeting_create(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def meeting_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def meeting_edit(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def meeting_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def minutes_pdf(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def move_item(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def remove_item(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reorder(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def send_agenda(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def views(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
