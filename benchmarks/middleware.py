from django.db import connection


def count_queries(get_response):
    """Report the number of SQL statements a request ran in an X-SQL-Queries header."""

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-SQL-Queries"] = str(count)
        return response

    return middleware
