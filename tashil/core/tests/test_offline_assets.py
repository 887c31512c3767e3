"""Tashil must work without the internet: no page may load a script, style or font from it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "tashil"
REMOTE = re.compile(
    r"""(src|href)=["']https?://|@import\s+url\(["']?https?://|url\(["']?https?://"""
)


def test_no_template_or_stylesheet_loads_anything_from_the_internet():
    offenders = [
        str(path)
        for pattern in ("**/*.html", "static/css/*.css", "static/js/*.js")
        for path in TEMPLATES.glob(pattern)
        if REMOTE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_vendored_asset_the_layout_uses_is_present_with_its_licence():
    vendor = Path(settings.BASE_DIR) / "tashil" / "static" / "vendor"
    for name in (
        "bootstrap/bootstrap.rtl.min.css",
        "bootstrap/bootstrap.min.css",
        "htmx/htmx.min.js",
        "vazirmatn/fonts/Vazirmatn-Regular.woff2",
        "vazirmatn/OFL.txt",
        "chartjs/chart.umd.min.js",
        "jalalidatepicker/jalalidatepicker.min.js",
    ):
        assert (vendor / name).stat().st_size > 0, name
    versions = (vendor / "VERSIONS.txt").read_text()
    for package in ("bootstrap", "htmx.org", "vazirmatn", "chart.js", "jalalidatepicker"):
        assert package in versions
