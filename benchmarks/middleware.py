from django.db import connection


def count_queries(get_response):
    """Report the number of SQL statements a request ran in an X-SQL-Queries header.

    Transaction control (SQLite's BEGIN IMMEDIATE) is not counted, as Django's
    assertNumQueries does not see it inside a test's transaction either.
    """

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += not sql.startswith("BEGIN")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-SQL-Queries"] = str(count)
        return response

    return middleware
