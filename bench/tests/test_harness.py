"""The harness's own arithmetic and parsing. The harness as a whole runs in CI (`--quick` on a
tiny generated database); these pin the pieces whose mistakes would not fail loudly there."""

import pytest

from bench.floors import HELLO_URL, main_query
from bench.load import parse_wrk
from bench.scenarios import _is_list
from bench.timing import percentile, stats

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/cases/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.05ms    4.11ms  61.37ms   81.05%
    Req/Sec   190.12     20.34   242.00     71.50%
  Latency Distribution
     50%   20.49ms
     75%   22.64ms
     90%   25.39ms
     99%  850.00us
  3791 requests in 10.01s, 81.61MB read
  Non-2xx or 3xx responses: 12
Requests/sec:    378.75
Transfer/sec:      8.15MB
"""


def test_p95_interpolates_between_the_closest_ranks():
    samples = [float(n) for n in range(1, 21)]  # 1 … 20
    assert percentile(samples, 0.95) == pytest.approx(19.05)
    assert percentile([7.0], 0.95) == 7.0
    assert stats(samples).p50_ms == 10.5


def test_the_main_query_is_the_costliest_read_over_the_captured_runs():
    runs = [
        [
            {"sql": "SELECT 1 FROM big", "time": "0.004"},
            {"sql": "SELECT 2 FROM small", "time": "0.005"},
            {"sql": "UPDATE t SET x = 1", "time": "0.900"},
        ],
        [
            {"sql": "SELECT 1 FROM big", "time": "0.004"},
            {"sql": "SELECT 2 FROM small", "time": "0.000"},
        ],
    ]
    found = main_query(runs)
    assert found is not None
    # 8 ms over two runs beats one 5 ms outlier; writes are never a floor.
    assert found.sql == "SELECT 1 FROM big"
    assert found.ms == pytest.approx(8.0)


def test_ties_at_djangos_millisecond_resolution_go_to_the_longer_statement():
    runs = [
        [{"sql": "SELECT 1", "time": "0.000"}, {"sql": "WITH x AS (…) SELECT", "time": "0.000"}]
    ]
    found = main_query(runs)
    assert found is not None and found.sql.startswith("WITH")


def test_no_read_means_no_sql_floor():
    assert main_query([[{"sql": "UPDATE t SET x = 1", "time": "0.001"}]]) is None


def test_wrk_output_is_read_with_its_units():
    result = parse_wrk(WRK_OUTPUT)
    assert result["requests_per_s"] == 378.75
    assert result["requests"] == 3791
    assert result["p50_ms"] == 20.49
    assert result["p99_ms"] == 0.85
    assert result["non_2xx"] == 12


def test_a_list_endpoint_is_an_array_or_a_page_of_items():
    components = {
        "CasePage": {"properties": {"items": {"type": "array"}, "next_offset": {}}},
        "DashboardOut": {"properties": {"cards": {"type": "array"}}},
    }
    assert _is_list({"type": "array", "items": {}}, components)
    assert _is_list({"$ref": "#/components/schemas/CasePage"}, components)
    assert not _is_list({"$ref": "#/components/schemas/DashboardOut"}, components)


@pytest.mark.django_db
def test_the_framework_floor_needs_a_login_and_queries_nothing_of_its_own(
    client, settings, django_user_model, django_assert_num_queries
):
    settings.ROOT_URLCONF = "bench.urls"
    assert client.get(HELLO_URL).status_code == 302
    client.force_login(django_user_model.objects.create_user("floor"))
    # The session and its user: what every logged-in page pays before its own work.
    with django_assert_num_queries(2):
        response = client.get(HELLO_URL)
    assert response.status_code == 200
    assert response.content == b"hello"
