"""Bad files at the case pages (adding documents to a case, an agency's answer): judged by their
bytes, not their names; over the size limit (settings.TASHIL_ATTACHMENT_MAX_BYTES) refused with
the limit named; one bad file in a batch keeps all of them out. The page answers with the message
beside the input and nothing is written: no attachment row, no file on disk, no answer, no
event. A stored file is served only as a download of the type its bytes showed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tashil.cases.models import Attachment, Referral
from tashil.cases.services import ReferralRequest, case_refer
from tashil.cases.tests.conftest import (
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    S,
    pdf,
    saved_files,
    snapshot,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

# (name, bytes, what the message says)
DISGUISED = [
    pytest.param("نامه.pdf", EXE, "is not a PDF, JPEG, PNG, Word or Excel file", id="exe-as-pdf"),
    pytest.param(
        "letter.pdf", HTML, "is not a PDF, JPEG, PNG, Word or Excel file", id="html-as-pdf"
    ),
    pytest.param("scan.png", HTML, "is not a PDF, JPEG, PNG, Word or Excel file", id="html-as-png"),
    pytest.param("photo.png", JPEG, "but its content is a JPEG image", id="jpeg-as-png"),
    pytest.param("invoice.pdf", PNG, "but its content is a PNG image", id="png-as-pdf"),
    pytest.param(
        "debts.pdf", xlsx_bytes(), "but its content is an Excel workbook", id="xlsx-as-pdf"
    ),
    pytest.param(
        "debts.xlsx",
        b"national_id,debt\n10380284790,=1+1\n",
        "is not a PDF, JPEG, PNG, Word or Excel file",
        id="csv-as-xlsx",
    ),
    pytest.param(
        "debts.xlsx",
        zip_bytes({"readme.txt": b"not a workbook"}),
        "is not a PDF, JPEG, PNG, Word or Excel file",
        id="zip-as-xlsx",
    ),
    pytest.param(
        "debts.xlsx",
        xlsx_bytes()[:200],
        "is not a PDF, JPEG, PNG, Word or Excel file",
        id="truncated-xlsx",
    ),
    pytest.param(
        "drawing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "is not a PDF, JPEG, PNG, Word or Excel file",
        id="svg",
    ),
]


@pytest.fixture(autouse=True)
def _english(client: Any, settings: Any) -> None:
    # Messages are asserted in English: the Persian catalogue is compiled after this change.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def attach(client: Any, case: Any, *files: Any) -> Any:
    return client.post(
        reverse("cases:attach", args=[case.tracking]), {"attach-documents": list(files)}
    )


def shown_errors(response: Any) -> str:
    return " ".join(response.context["attach_form"].errors.get("documents", []))


@pytest.mark.parametrize(("name", "content", "message"), DISGUISED)
def test_a_disguised_file_added_to_a_case_is_refused_and_nothing_is_saved(
    client: Any, case_in: Any, owner: Any, settings: Any, name: str, content: bytes, message: str
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()
    client.force_login(owner)

    response = attach(client, case, pdf("good.pdf"), upload(name, content, "application/pdf"))

    assert response.status_code in (200, 422)
    assert message in shown_errors(response)
    assert name in response.content.decode()
    assert snapshot() == before
    assert saved_files(settings) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(
    client: Any, case_in: Any, owner: Any, settings: Any
) -> None:
    settings.TASHIL_ATTACHMENT_MAX_BYTES = 1024
    case = case_in(S.SCREENING)
    before = snapshot()
    client.force_login(owner)

    response = attach(client, case, upload("big.pdf", PDF + b"0" * 2048))

    assert response.status_code in (200, 422)
    assert "files may be at most 1.0\xa0KB" in shown_errors(response)
    assert snapshot() == before
    assert saved_files(settings) == []


def test_an_empty_file_is_refused(client: Any, case_in: Any, owner: Any, settings: Any) -> None:
    case = case_in(S.SCREENING)
    client.force_login(owner)

    response = attach(client, case, upload("empty.pdf", b""))

    assert response.status_code in (200, 422)
    assert Attachment.objects.count() == 0
    assert saved_files(settings) == []


def test_an_agency_answer_with_a_disguised_document_records_nothing(
    client: Any, case_in: Any, secretariat: Any, officer: Any, tax_agency: Any, settings: Any
) -> None:
    case = case_in(S.SCREENING)
    [referral] = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید")],
    )
    before = snapshot()
    client.force_login(officer)

    response = client.post(
        reverse("cases:referral_answer", args=[referral.pk]),
        {
            f"answer-{referral.pk}-answer": "پاسخ اداره",
            f"answer-{referral.pk}-documents": [upload("پاسخ.pdf", EXE)],
        },
    )

    assert response.status_code in (200, 422)
    assert "پاسخ.pdf" in response.content.decode()
    assert snapshot() == before
    assert Referral.objects.get(pk=referral.pk).answer == ""
    assert saved_files(settings) == []


def test_a_stored_file_is_served_only_as_a_download_of_its_sniffed_type(
    client: Any, case_in: Any, owner: Any
) -> None:
    case = case_in(S.SCREENING)
    client.force_login(owner)
    # The browser claims HTML; the bytes are a PNG, and that is what is kept and served.
    attach(client, case, upload("scan.png", PNG, "text/html"))
    attachment = Attachment.objects.get()

    response = client.get(reverse("cases:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
