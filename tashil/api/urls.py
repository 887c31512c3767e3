from django.urls import include, path

from tashil.api import views
from tashil.api.api import api

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

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", include(token_patterns)),
]
