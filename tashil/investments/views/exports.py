"""Placeholder: the routes of this page group are added here (see investments/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
