"""The benchmark's own instruments report what they claim (benchmarks/, not the product)."""

import pytest
from django.test import override_settings

from benchmarks import loadgen, run
from config.settings.base import MIDDLEWARE

pytestmark = pytest.mark.django_db

INSTRUMENTED = ["benchmarks.middleware.instruments", *MIDDLEWARE]


@override_settings(MIDDLEWARE=INSTRUMENTED, ROOT_URLCONF="benchmarks.urls")
def test_instruments_report_queries_and_where_the_time_went(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("timed", password="x" * 12))

    response = client.get("/bench/shell/")

    assert response.status_code == 200
    assert response["X-SQL-Queries"] == "1"  # the session with its user and profile, together
    timing = dict(part.strip().split(";dur=") for part in response["Server-Timing"].split(","))
    assert set(timing) == {"cpu", "sql", "tpl"}
    cpu, sql, tpl = (float(timing[name]) for name in ("cpu", "sql", "tpl"))
    assert cpu > 0 and sql > 0 and tpl > 0
    assert tpl < cpu  # the layout's render is part of the request's CPU time


@override_settings(MIDDLEWARE=INSTRUMENTED)
def test_floor_runs_no_query_and_renders_no_template(client):
    response = client.get("/healthz")

    assert response["X-SQL-Queries"] == "0"
    assert "sql;dur=0.00" in response["Server-Timing"]
    assert "tpl;dur=0.00" in response["Server-Timing"]


def test_load_summary_averages_the_server_timings():
    result = loadgen.Result(requests=2, seconds=1.0, latencies_ms=[10.0, 20.0])
    result.timings = {"cpu": [4.0, 6.0], "sql": [1.0, 2.0]}

    summary = result.summary()

    assert summary["rps"] == 2.0
    assert summary["cpu_ms"] == 5.0
    assert summary["sql_ms"] == 1.5


def test_report_marks_the_reference_row_and_shows_the_time_split():
    row = {
        "rps": 100.0, "p50_ms": 5.0, "p95_ms": 9.0, "ratio": 0.1, "queries": 2,
        "bytes": 10, "errors": 0, "cpu_ms": 3.0, "sql_ms": 0.4, "tpl_ms": 1.0,
    }  # fmt: skip
    database = {
        "vendor": "sqlite", "version": "SQLite 3", "counts": {"questions": 1},
        "timings": {"bulk_load_s": 1.0},
        "floor": {"rps": 1000.0, "runs": [
            {"p50_ms": 1.0, "p95_ms": 2.0, "queries": 0, "bytes": 2, "errors": 0,
             "cpu_ms": 0.3, "sql_ms": 0, "tpl_ms": 0},
        ]},
        "endpoints": [
            {**row, "name": "signed-in empty page", "kind": "reference", "signed_in_ratio": 1.0},
            {**row, "rps": 50.0, "name": "dashboard", "kind": "learner", "signed_in_ratio": 0.5},
        ],
        "page_weight": {
            "pages": [{"gzip_kb": 20, "br_kb": 18, "raw_kb": 60, "external": []}],
            "cache_control": ["immutable"],
        },
    }  # fmt: skip
    results = {
        "scale": "quick", "machine": {"cores": 2, "python": "3.12", "django": "6"},
        "settings": {"gunicorn_workers": 5, "clients": 8, "seconds_per_endpoint": 1},
        "databases": [database], "import": [], "targets": [],
    }  # fmt: skip

    table = run.markdown(results)

    assert "| *signed-in empty page* (reference) | 100.0 |" in table
    # × signed-in: each page's throughput over the signed-in empty page's in the same run
    assert (
        "| dashboard | 50.0 | 5.0 | 9.0 | 0.100 | 0.500 | 2 | 10 | 0 | 3.0 | 0.4 | 1.0 |" in table
    )
    assert "| floor (/healthz) | 1000.0 | 1.0 | 2.0 | 1.00 | – | 0 | 2 | 0 | 0.3 | 0 | 0 |" in table
