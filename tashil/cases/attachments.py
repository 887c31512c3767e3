"""What a case attachment may be: its type is read from its first bytes, never from its name or
from what the browser claims, and its size is bounded (settings.TASHIL_ATTACHMENT_MAX_BYTES).

Accepted: PDF, JPEG, PNG, and Office Open XML documents and workbooks (a ZIP holding
`[Content_Types].xml` and `word/` or `xl/`), which is what letters, scans and spreadsheets arrive
as. Everything else (executables, HTML, SVG with its scripts, old binary Office files with their
macros) is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    DOCX: "docx",
    XLSX: "xlsx",
}


# The names each accepted content may go by. A file whose name says one type and whose bytes are
# another is refused: a "letter.pdf" that opens as an image (or not at all) is a mistake at best
# and a disguise at worst, and the downloader's system would trust the name.
NAME_EXTENSIONS: dict[str, tuple[str, Any]] = {
    "application/pdf": ("pdf", gettext_lazy("a PDF document")),
    "image/jpeg": ("jpg jpeg jpe jfif", gettext_lazy("a JPEG image")),
    "image/png": ("png", gettext_lazy("a PNG image")),
    DOCX: ("docx", gettext_lazy("a Word document")),
    XLSX: ("xlsx", gettext_lazy("an Excel workbook")),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def _zip_kind(upload: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def sniff(upload: IO[bytes]) -> str | None:
    """The content type of the file's bytes, or None when it is not one we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "application/pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
    upload.seek(0)
    return kind


def clean_name(name: str) -> str:
    """The name to show: the last path component, without control characters, at most 200
    characters (keeping the extension)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot else base[:200]
    return base


def check_upload(upload: object) -> CheckedFile:
    """Validate one uploaded file (a Django UploadedFile or anything with name, size, read and
    seek). Raises ValidationError with a message naming the file."""
    name = clean_name(str(getattr(upload, "name", "") or "file"))
    size = int(getattr(upload, "size", 0) or 0)
    limit = settings.TASHIL_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    content_type = sniff(upload)  # type: ignore[arg-type]
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG, Word or Excel file.") % {"name": name},
            code="bad_type",
        )
    _check_name(name, content_type)
    return CheckedFile(name=name, content_type=content_type, size=size)


def _check_name(name: str, content_type: str) -> None:
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem):
        return  # no extension: the name claims no type
    names, kind = NAME_EXTENSIONS[content_type]
    if extension.lower() not in names.split():
        raise ValidationError(
            _("“%(name)s” is named as a .%(extension)s file, but its content is %(kind)s.")
            % {"name": name, "extension": extension, "kind": kind},
            code="name_mismatch",
        )


def check_uploads(uploads: list[object]) -> list[CheckedFile]:
    limit = settings.TASHIL_ATTACHMENTS_PER_UPLOAD
    if len(uploads) > limit:
        raise ValidationError(
            _("At most %(limit)d files can be attached at once.") % {"limit": limit},
            code="too_many",
        )
    return [check_upload(upload) for upload in uploads]
