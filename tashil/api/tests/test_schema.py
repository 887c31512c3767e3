from __future__ import annotations

import json
import re
import typing

from django.contrib.auth import get_user_model
from django.urls import reverse

from tashil.api.schemas import CompanySort
from tashil.registry.selectors import SORTS

OPERATIONS = {
    ("get", "/api/v1/companies"): "company_list",
    ("post", "/api/v1/companies"): "company_create",
    ("get", "/api/v1/companies/{national_id}"): "company_get",
    ("patch", "/api/v1/companies/{national_id}"): "company_update",
    ("get", "/api/v1/certificates"): "certificate_list",
    ("get", "/api/v1/companies/{national_id}/certificates"): "company_certificate_list",
    ("post", "/api/v1/companies/{national_id}/certificates"): "company_certificate_create",
    ("get", "/api/v1/knowledge-based/series"): "knowledge_based_series",
    ("get", "/api/v1/cases"): "case_list",
    ("post", "/api/v1/cases"): "case_file",
    ("get", "/api/v1/cases/{tracking}"): "case_get",
    ("post", "/api/v1/cases/{tracking}/transitions"): "case_transition",
    ("post", "/api/v1/cases/{tracking}/referrals"): "case_refer",
    ("post", "/api/v1/cases/{tracking}/attachments"): "case_attach",
    ("get", "/api/v1/attachments/{attachment_id}"): "attachment_get",
    ("get", "/api/v1/referrals"): "referral_inbox",
    ("post", "/api/v1/referrals/{referral_id}/answer"): "referral_answer",
    ("post", "/api/v1/referrals/{referral_id}/extension"): "referral_extend",
    ("get", "/api/v1/bodies"): "body_list",
    ("get", "/api/v1/meetings"): "meeting_list",
    ("post", "/api/v1/meetings"): "meeting_create",
    ("get", "/api/v1/meetings/{meeting_id}"): "meeting_get",
    ("post", "/api/v1/meetings/{meeting_id}/close"): "meeting_close",
    ("post", "/api/v1/meetings/{meeting_id}/cancel"): "meeting_cancel",
    ("get", "/api/v1/meetings/{meeting_id}/proposals"): "meeting_proposals",
    ("post", "/api/v1/meetings/{meeting_id}/items"): "meeting_item_add",
    ("put", "/api/v1/meetings/{meeting_id}/items/order"): "meeting_items_order",
    ("patch", "/api/v1/meetings/{meeting_id}/items/{item_id}"): "meeting_item_update",
    ("delete", "/api/v1/meetings/{meeting_id}/items/{item_id}"): "meeting_item_remove",
    ("put", "/api/v1/meetings/{meeting_id}/attendance"): "meeting_attendance",
    (
        "post",
        "/api/v1/meetings/{meeting_id}/items/{item_id}/resolutions",
    ): "meeting_resolution_draft",
    ("get", "/api/v1/resolutions"): "resolution_list",
    ("get", "/api/v1/resolutions/{resolution_id}"): "resolution_get",
    ("post", "/api/v1/resolutions/{resolution_id}/transitions"): "resolution_transition",
    ("get", "/api/v1/resolutions/{resolution_id}/reports"): "resolution_report_list",
    ("post", "/api/v1/resolutions/{resolution_id}/reports"): "resolution_report",
    ("get", "/api/v1/projects"): "project_list",
    ("post", "/api/v1/projects"): "project_create",
    ("get", "/api/v1/projects/{project_id}"): "project_get",
    ("patch", "/api/v1/projects/{project_id}"): "project_update",
    ("post", "/api/v1/projects/{project_id}/progress"): "project_progress",
    ("post", "/api/v1/projects/{project_id}/open"): "project_open",
    ("get", "/api/v1/exports"): "export_list",
    ("post", "/api/v1/exports"): "export_record",
    ("get", "/api/v1/exports/totals"): "export_totals",
    ("delete", "/api/v1/exports/{figure_id}"): "export_remove",
    ("get", "/api/v1/visits"): "visit_list",
    ("post", "/api/v1/visits"): "visit_create",
    ("get", "/api/v1/visits/{visit_id}"): "visit_get",
    ("patch", "/api/v1/visits/{visit_id}"): "visit_update",
    ("post", "/api/v1/visits/{visit_id}/items"): "visit_item_add",
    ("patch", "/api/v1/visits/{visit_id}/items/{item_id}"): "visit_item_update",
    ("delete", "/api/v1/visits/{visit_id}/items/{item_id}"): "visit_item_remove",
    ("get", "/api/v1/sector-shares"): "share_list",
    ("post", "/api/v1/sector-shares"): "share_create",
    ("patch", "/api/v1/sector-shares/{share_id}"): "share_update",
    ("delete", "/api/v1/sector-shares/{share_id}"): "share_remove",
    ("get", "/api/v1/sectors"): "sector_list",
    ("get", "/api/v1/countries"): "country_list",
    ("get", "/api/v1/country-groups"): "country_group_list",
    ("get", "/api/v1/figures/dashboard"): "figures_dashboard",
    ("get", "/api/v1/figures/knowledge-based"): "figures_knowledge_based",
    ("get", "/api/v1/figures/cases"): "figures_cases",
    ("get", "/api/v1/figures/resolutions"): "figures_resolutions",
    ("get", "/api/v1/figures/sessions"): "figures_sessions",
    ("get", "/api/v1/figures/revived"): "figures_revived",
    ("get", "/api/v1/figures/results"): "figures_results",
    ("get", "/api/v1/figures/openings"): "figures_openings",
    ("get", "/api/v1/figures/exports"): "figures_exports",
    ("get", "/api/v1/figures/shares"): "figures_shares",
    ("get", "/api/v1/figures/scorecard"): "figures_scorecard",
    ("get", "/api/v1/figures/counties"): "figures_counties",
}
ERROR = {"$ref": "#/components/schemas/ErrorOut"}


def signed_in(client):
    # The schema and its docs are for signed-in users and token holders (docs/reliability.md).
    user, _ = get_user_model().objects.get_or_create(username="schema-reader")
    client.force_login(user)
    return client


def schema(client):
    response = signed_in(client).get(reverse("api-v1:openapi-json"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_json_with_every_path_and_operation_id(client, db):
    spec = schema(client)

    found = {
        (method, path): operation["operationId"]
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }
    assert found == OPERATIONS
    assert spec["info"]["version"] == "1"


def test_every_operation_has_a_summary_and_documents_its_errors(client, db):
    for path, operations in schema(client)["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            responses = operation["responses"]
            assert responses["401"]["content"]["application/json"]["schema"] == ERROR
            codes = set(responses) - {"200", "201"}
            assert len(codes) >= 2, (method, path)
            for code in codes:
                assert responses[code]["content"]["application/json"]["schema"] == ERROR


def test_the_schema_names_both_ways_to_authenticate(client, db):
    schemes = schema(client)["components"]["securitySchemes"]

    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_the_error_codes_are_an_enum_in_the_schema(client, db):
    codes = schema(client)["components"]["schemas"]["ErrorCode"]["enum"]

    assert {"not_authenticated", "token_revoked", "not_found", "invalid"} <= set(codes)


def test_the_schema_and_docs_send_anonymous_visitors_to_the_login_page(client, db):
    for name in ("api-v1:openapi-json", "api-v1:openapi-view"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_token_holder_reads_the_schema_without_a_session(client, bearer, db):
    user = get_user_model().objects.create_user("machine")

    response = client.get(reverse("api-v1:openapi-json"), headers=bearer(user))

    assert response.status_code == 200
    assert "paths" in json.loads(response.content)


def test_a_bad_token_is_not_rescued_by_the_session_beside_it(client, db):
    # The session may be one that has not passed two-factor login: the token alone decides.
    signed_in(client)

    response = client.get(
        reverse("api-v1:openapi-json"), headers={"Authorization": "Bearer tsh_wrong"}
    )

    assert response.status_code == 302


def test_the_docs_page_loads_nothing_from_a_cdn(client, db):
    response = signed_in(client).get(reverse("api-v1:openapi-view"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not re.search(r"https?://[^\s\"']*(cdn|jsdelivr|unpkg)", html)
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets and all(url.startswith("/static/") for url in assets)
    assert "/api/v1/openapi.json" in html


def test_the_docs_assets_are_served_locally(client, db):
    html = client.get(reverse("api-v1:openapi-view")).content.decode()

    for url in re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_the_sort_choices_match_the_registry_list(db):
    assert set(typing.get_args(CompanySort)) == set(SORTS)
