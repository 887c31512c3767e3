"""Attachments are judged by their bytes, not their names; limited in size and number; stored
under random names; and only the people who may see the case may fetch them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tashil.cases.attachments import DOCX, XLSX, check_upload, check_uploads, clean_name
from tashil.cases.models import Attachment, CaseEvent
from tashil.cases.selectors import attachment_get_for_user
from tashil.cases.services import CaseError, case_attach
from tashil.cases.tests.conftest import (
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    S,
    docx_bytes,
    pdf,
    saved_files,
    snapshot,
    upload,
    xlsx_bytes,
    zip_bytes,
)

ACCEPTED = [
    pytest.param("نامه.pdf", PDF, "application/pdf", id="pdf"),
    pytest.param("scan.png", PNG, "image/png", id="png"),
    pytest.param("photo.jpg", JPEG, "image/jpeg", id="jpeg"),
    pytest.param("letter.docx", docx_bytes(), DOCX, id="docx"),
    pytest.param("debts.xlsx", xlsx_bytes(), XLSX, id="xlsx"),
    # A name without an extension claims nothing; the content decides.
    pytest.param("نامه بانک", PDF, "application/pdf", id="pdf-without-extension"),
    pytest.param("PHOTO.JPEG", JPEG, "image/jpeg", id="jpeg-upper-case"),
]

REFUSED = [
    pytest.param("invoice.pdf", EXE, id="exe-named-pdf"),
    pytest.param("photo.png", HTML, id="html-named-png"),
    pytest.param("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', id="svg"),
    pytest.param("archive.docx", zip_bytes({"readme.txt": b"hello"}), id="zip-not-office"),
    pytest.param(
        "slides.docx",
        zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
        id="office-but-not-word-or-excel",
    ),
    pytest.param("broken.xlsx", b"PK\x03\x04" + b"\x00" * 30, id="truncated-zip"),
    pytest.param("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, id="ole-doc"),
    pytest.param("note.pdf", b"just some text, not a PDF", id="text"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_accepted_files_are_recognised_by_their_content(
    name: str, content: bytes, content_type: str
) -> None:
    # The browser's claimed type is ignored as well as the name.
    checked = check_upload(upload(name, content, "text/html"))

    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("invoice.exe", PDF, id="pdf-named-exe"),
        pytest.param("letter.pdf", PNG, id="png-named-pdf"),
        pytest.param("sheet.xlsx", docx_bytes(), id="docx-named-xlsx"),
    ],
)
def test_a_file_whose_name_and_content_disagree_is_refused(name: str, content: bytes) -> None:
    # The downloader's system trusts the name: a PDF called .exe is refused, not passed on.
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content, "application/pdf"))

    assert error.value.code == "name_mismatch"
    assert name in error.value.messages[0]


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_other_content_is_refused_whatever_its_name(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content, "application/pdf"))

    assert error.value.code == "bad_type"
    assert name in error.value.messages[0]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check_upload(upload("empty.pdf", b""))

    assert error.value.code == "empty"


def test_a_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.TASHIL_ATTACHMENT_MAX_BYTES = len(PDF)
    assert check_upload(upload("fits.pdf", PDF)).size == len(PDF)

    with pytest.raises(ValidationError) as error:
        check_upload(upload("big.pdf", PDF + b" "))

    assert error.value.code == "too_large"


def test_more_files_than_the_limit_are_refused_at_once(settings: Any) -> None:
    settings.TASHIL_ATTACHMENTS_PER_UPLOAD = 2
    assert len(check_uploads([pdf(), pdf()])) == 2

    with pytest.raises(ValidationError) as error:
        check_uploads([pdf(), pdf(), pdf()])

    assert error.value.code == "too_many"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\a\\نامه.pdf", "نامه.pdf"),
        ("bad\x00name\x07.pdf", "badname.pdf"),
        ("", "file"),
        ("ا" * 300 + ".pdf", "ا" * 190 + ".pdf"),
    ],
)
def test_the_name_shown_is_cleaned(given: str, shown: str) -> None:
    assert clean_name(given) == shown


# --- Attaching to a case ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["owner", "secretariat", "county_secretary"])
def test_the_company_and_the_secretariat_add_files_to_an_open_case(
    case_in: Any, persona: Any, settings: Any, name: str
) -> None:
    case = case_in(S.SCREENING)
    actor = persona(name)

    created = case_attach(actor=actor, case=case, files=[pdf("../نامه.pdf"), upload("x.png", PNG)])

    assert [(a.name, a.content_type, a.uploaded_by) for a in created] == [
        ("نامه.pdf", "application/pdf", actor),
        ("x.png", "image/png", actor),
    ]
    # Stored under a random name with the extension of what the bytes are.
    stored = saved_files(settings)
    assert len(stored) == 2
    assert sorted(p.rsplit(".", 1)[1] for p in stored) == ["pdf", "png"]
    assert not any("نامه" in p or "x.png" in p for p in stored)
    event = CaseEvent.objects.get(case=case, kind="attached")
    assert (event.actor, event.data["files"]) == (actor, ["نامه.pdf", "x.png"])


@pytest.mark.django_db
def test_the_assigned_expert_adds_files(case_in: Any, expert: Any) -> None:
    case = case_in(S.EXPERT_REVIEW)

    case_attach(actor=expert, case=case, files=[pdf("گزارش بازدید.pdf")])

    assert list(case.attachments.values_list("name", flat=True)) == ["گزارش بازدید.pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["other_owner", "officer", "executive", "other_expert", "other_county_secretary"]
)
def test_others_cannot_add_files(case_in: Any, persona: Any, settings: Any, name: str) -> None:
    case = case_in(S.REFERRED)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_attach(actor=persona(name), case=case, files=[pdf()])

    assert error.value.code == "not_allowed"
    assert snapshot() == before
    assert saved_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.CLOSED, S.REJECTED, S.MERGED])
def test_no_files_are_added_to_a_finished_case(
    case_in: Any, owner: Any, settings: Any, status: str
) -> None:
    case = case_in(status)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_attach(actor=owner, case=case, files=[pdf()])

    assert error.value.code == "closed"
    assert snapshot() == before
    assert saved_files(settings) == []


@pytest.mark.django_db
def test_one_bad_file_in_an_upload_saves_none_of_them(
    case_in: Any, owner: Any, settings: Any
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        case_attach(actor=owner, case=case, files=[pdf(), upload("x.pdf", HTML)])

    assert error.value.code == "bad_type"
    assert snapshot() == before
    assert Attachment.objects.count() == 0
    assert saved_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "visible"),
    [
        ("owner", True),
        ("secretariat", True),
        ("officer", True),
        ("executive", True),
        ("other_owner", False),
        ("other_officer", False),
        ("other_expert", False),
        ("admin_user", False),
    ],
)
def test_a_file_is_fetched_only_by_those_who_see_the_case(
    case_in: Any, persona: Any, name: str, visible: bool
) -> None:
    case = case_in(S.REFERRED, files=[pdf()])
    attachment = case.attachments.get()

    if visible:
        assert attachment_get_for_user(user=persona(name), pk=attachment.pk) == attachment
    else:
        with pytest.raises(Http404):
            attachment_get_for_user(user=persona(name), pk=attachment.pk)
