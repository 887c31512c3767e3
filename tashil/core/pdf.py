"""Printed documents: a Django template rendered to PDF by WeasyPrint, the same way for every app
(the meeting minutes and agendas, a visit's programme…).

The documents are official Persian papers, so callers render them inside
`translation.override("fa")`: labels, choice names and the digits of dates come out Persian
whatever the language of the request. Safety: user text reaches the HTML only through the
templates' autoescaping, and `LocalFetcher` lets WeasyPrint read nothing but the vendored font
files, so a pasted `<img src=http://…>` is printed as text and nothing is fetched.

A document's template gets, besides its own context, `font_urls` (the Vazirmatn weights as
file URLs, for @font-face) and `page_footer` (the CSS `content` of the "page N of M" footer).
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

FONTS = {
    "regular": "vendor/vazirmatn/fonts/Vazirmatn-Regular.ttf",
    "bold": "vendor/vazirmatn/fonts/Vazirmatn-Bold.ttf",
}


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Called inside `translation.override("fa")`: the labels, the choice names and the digits
    of the dates are Persian whatever the request's language."""
    html = render_to_string(template, {**context, **page_assets()})
    return HTML(string=html, url_fetcher=LocalFetcher(static_roots())).write_pdf(
        font_config=FontConfiguration()
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF to download. Not cached anywhere: the documents carry data scoped to who asked."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def page_assets() -> dict[str, Any]:
    return {
        "font_urls": {weight: Path(find_static(path)).as_uri() for weight, path in FONTS.items()},
        "page_footer": page_footer(),
    }


def find_static(relative: str) -> str:
    found = finders.find(relative)
    if not found:
        raise FileNotFoundError(f"static file {relative} not found (is the vendor folder there?)")
    return str(found[0] if isinstance(found, list) else found)


def static_roots() -> tuple[Path, ...]:
    """The static folders that hold the fonts: the only place WeasyPrint may read from."""
    roots = set()
    for relative in FONTS.values():
        found = Path(find_static(relative)).resolve()
        roots.add(found.parents[len(Path(relative).parts) - 1])
    return tuple(roots)


_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def page_footer() -> SafeString:
    """The CSS `content` of the page footer, "صفحه ۱ از ۳": the translated sentence with its
    placeholders replaced by WeasyPrint's page counters in the `persian` counter style. It goes
    inside <style>, where HTML autoescaping would not be undone, so the literal parts are
    escaped as CSS strings here instead."""
    sentence = _("Page %(page)s of %(pages)s")
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(sentence)):
        if index % 2:
            parts.append(f"counter({piece}, persian)")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece is escaped above


def css_string(text: str) -> str:
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&\n' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


class LocalFetcher(URLFetcher):
    """Lets WeasyPrint read files under `roots` and nothing else: no http(s), no data: URLs, no
    other local file (`file:///etc/passwd`). A refused URL raises, WeasyPrint logs a warning and
    leaves the resource out."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",))
        self.roots = roots

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(url)
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ResourceRefused(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class ResourceRefused(ValueError):
    def __init__(self, url: str) -> None:
        super().__init__(f"PDF resource refused: {url[:200]}")
