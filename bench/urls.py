"""Tashil's URLs plus `bench/hello/`: the framework floor, the least a logged-in page can cost on
this stack (middleware, session, user lookup, URL resolution), with no query of its own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("tashil.urls")),
]
