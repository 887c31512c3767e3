from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx makes, which want a partial instead of a whole page."""
    return request.headers.get("HX-Request") == "true"
