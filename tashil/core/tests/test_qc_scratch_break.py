import pytest
from django.db.models.query import QuerySet

from tashil.core.tests.test_measured_query_counts import *  # noqa: F403
from tashil.core.tests.test_measured_query_counts import (  # noqa: F401
    test_the_api_list_costs_no_more_queries_with_six_times_the_rows_or_a_longer_page,
    test_the_view_costs_no_more_queries_with_six_times_the_rows,
)


@pytest.fixture(autouse=True)
def _no_joins(monkeypatch):
    monkeypatch.setattr(QuerySet, "select_related", lambda self, *a: self._chain())
    monkeypatch.setattr(QuerySet, "prefetch_related", lambda self, *a: self._chain())
