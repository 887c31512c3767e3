"""Case pages (placeholder until the views land in this same change)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


case_list = case_create = duplicates_hint = track = secretariat_dashboard = agency_inbox = _todo
attachment_download = referral_answer = referral_extend = case_detail = case_receipt = _todo
case_move = case_refer = case_attach = _todo
