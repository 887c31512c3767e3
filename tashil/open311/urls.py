from django.urls import path, re_path

from tashil.open311 import views

app_name = "open311"

# Every GeoReport method ends in its format: /services.json, /requests/K7M4-QX9C.xml.
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    # The spec suggests serving discovery at the endpoint's root as well.
    path("", views.discovery, {"fmt": "json"}, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[-\w]+)" + FMT, views.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[-\w]+)" + FMT, views.token_lookup, name="token"),
    # The methods above as an OpenAPI document, for clients' tools.
    path("openapi.json", views.openapi_document, name="openapi"),
    re_path(r"^(?P<path>.*)$", views.unknown),
]
