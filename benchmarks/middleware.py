"""Benchmark-only instruments: SQL statements per request and where a request's time goes.

Headers on every response (read by loadgen.py, never set in the product):
- X-SQL-Queries: SQL statements run (transaction control such as SQLite's BEGIN IMMEDIATE
  not counted, as Django's assertNumQueries does not see it inside a test's transaction);
- Server-Timing: `cpu` = the worker's CPU time for the request inside Django (middleware,
  view, ORM, templates; not gunicorn's HTTP parsing), `sql` = wall time inside SQL
  statements (for PostgreSQL this includes the database server's work), `tpl` = CPU time
  rendering templates (outermost render only; a query run lazily during rendering would
  count in both `sql` and `tpl`: the pages prefetch, so there are none).
"""

import threading
import time

from django.db import connection
from django.template import base

_local = threading.local()
_render = base.Template.render


def _timed_render(self, context):
    depth = getattr(_local, "depth", 0)
    if depth:
        return _render(self, context)
    _local.depth = 1
    began = time.thread_time()
    try:
        return _render(self, context)
    finally:
        _local.template_s = getattr(_local, "template_s", 0.0) + time.thread_time() - began
        _local.depth = 0


base.Template.render = _timed_render


def instruments(get_response):
    def middleware(request):
        count, sql_s = 0, 0.0

        def counter(execute, sql, params, many, context):
            nonlocal count, sql_s
            count += not sql.startswith("BEGIN")
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_s += time.perf_counter() - began

        _local.template_s = 0.0
        began = time.thread_time()
        with connection.execute_wrapper(counter):
            response = get_response(request)
        cpu_s = time.thread_time() - began
        response["X-SQL-Queries"] = str(count)
        response["Server-Timing"] = (
            f"cpu;dur={cpu_s * 1000:.2f}, sql;dur={sql_s * 1000:.2f}, "
            f"tpl;dur={_local.template_s * 1000:.2f}"
        )
        return response

    return middleware
