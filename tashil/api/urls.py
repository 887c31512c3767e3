from django.urls import URLPattern, include, path

from tashil.api import views
from tashil.api.api import api, refusing_nul

# The token pages are in the "api" namespace (`api:tokens`). The REST API keeps its own namespace,
# "api-v1", at the top level rather than inside "api": ninja's docs page reverses
# "api-v1:openapi-json" without a parent namespace.
token_patterns = (
    [
        path("", views.tokens, name="tokens"),
        path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    ],
    "api",
)

# Every operation's view, behind the refusal of NUL characters that no schema of ninja's sees.
api_patterns, api_app_name, api_namespace = api.urls
for pattern in api_patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = refusing_nul(pattern.callback)

urlpatterns = [
    path("v1/", (api_patterns, api_app_name, api_namespace)),
    path("tokens/", include(token_patterns)),
]
