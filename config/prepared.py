"""Querysets compiled once and run again with new values: the hot pages' own queries.

Building and compiling a Django query with joins, annotations and subqueries costs several
milliseconds of Python per request, many times what the database spends running it (the
question page's query: about 10 ms to build and compile, 0.5 ms to run). A PreparedQuery
builds its queryset once per database connection with placeholder values (sentinels) where
the arguments go, keeps the compiled SQL, and for each call puts the arguments in the
sentinels' places in the parameter list and reads the rows into model instances the way
Django's own iterator does (select_related objects and annotations included).

Only for queries whose SQL does not depend on the values: each argument must be a scalar
that Django passes through as one parameter (an id, a slug), never a list for `__in` or a
pattern for `__contains`: ints, strings, dates and datetimes (compared with a date or
time field: they are adapted as the database stores them). A `.values()` queryset gives
dicts, as Django's would. The query is compiled twice, with two sets of placeholders, and
refused unless its SQL is the same and its parameters differ exactly where the
placeholders went.

prefetch_related is not run: the caller loads related rows with prepared queries of their
own (`prefetched`). Compiled queries are kept on the connection object, which Django keeps
one of per thread, as a compiler is bound to its connection.
"""

import copy
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable


def _sentinels(kinds: tuple[type, ...], variant: int) -> list:
    """Placeholder values, in every field's range (Django answers an out-of-range integer
    with no query at all, so they stay below the smallest integer column's limit)."""
    values = []
    for index, kind in enumerate(kinds):
        if kind is int:
            values.append(32_000 + 100 * variant + index)
        elif kind is str:
            values.append(f"\u2063prepared-{variant}-{index}\u2063")
        elif kind is datetime:
            values.append(datetime(1971 + variant, 1, 1 + index, 3, 3, 3, 3, tzinfo=UTC))
        elif kind is date:
            values.append(date(1971 + variant, 1, 1 + index))
        else:
            raise TypeError(
                f"a prepared query takes int, str, datetime or date arguments, not {kind.__name__}"
            )
    return values


def _as_parameter(value, kind: type, connection):
    """A value as Django passes it to the database: dates and times as the backend stores
    them (SQLite: text in UTC; PostgreSQL: the object itself)."""
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is date:
        return connection.ops.adapt_datefield_value(value)
    return value


class _Compiled:
    """The SQL, its parameters and where the arguments go. Built twice with different
    placeholders: the SQL must be the same, and the parameters may differ exactly where a
    placeholder went, so no constant that happens to equal one is ever replaced."""

    __slots__ = ("compiler", "converters", "names", "params", "shim", "slots", "sql")

    def __init__(self, build: Callable[..., QuerySet], kinds: tuple[type, ...], connection):
        raw_first, raw_second = _sentinels(kinds, 0), _sentinels(kinds, 1)
        queryset = build(*raw_first)
        compiler, sql, params = _compile(queryset)
        _other, other_sql, other_params = _compile(build(*raw_second))
        first = [_as_parameter(v, k, connection) for v, k in zip(raw_first, kinds, strict=True)]
        second = [_as_parameter(v, k, connection) for v, k in zip(raw_second, kinds, strict=True)]
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("a prepared query's SQL must not depend on its arguments")
        # (position in params, argument index, the parameter's type when it wraps an int:
        # Django passes small integers to PostgreSQL as psycopg's Int2)
        slots: list[tuple[int, int, type | None]] = []
        for position, (a, b) in enumerate(zip(params, other_params, strict=True)):
            if a == b:
                continue
            index = next((i for i, value in enumerate(first) if _same(a, value)), None)
            if index is None or not _same(b, second[index]):
                raise ValueError(
                    f"parameter {position} of a prepared query changed with its arguments "
                    "but is not one of them: prepare only queries whose values are plain "
                    "parameters"
                )
            wrapper = type(a) if isinstance(a, int) and type(a) is not int else None
            slots.append((position, index, wrapper))
        missing = set(range(len(kinds))) - {index for _p, index, _w in slots}
        if missing:
            raise ValueError(
                f"argument(s) {sorted(missing)} of a prepared query did not reach its SQL as "
                "parameters: prepare only queries whose values are plain parameters"
            )
        self.sql, self.params, self.slots = sql, params, slots
        self.compiler = compiler
        # Each column's converters (dates from SQLite's text, decimals ...): the same for
        # every run, and finding them costs as much as reading a few rows.
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.shim = _QuerySetShim(queryset)
        # .values() querysets give dicts by these names (Django's ValuesIterable order).
        query = queryset.query
        self.names = (
            [*query.extra_select, *query.values_select, *query.annotation_select]
            if issubclass(queryset._iterable_class, ValuesIterable)
            else None
        )


def _compile(queryset: QuerySet):
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        raise ValueError("a prepared query must compile to SQL (not .none())") from None
    return compiler, sql, list(params)


def _same(value, sentinel) -> bool:
    if type(sentinel) is int:  # an int, or a wrapper of one (psycopg's Int2), not a bool
        return isinstance(value, int) and not isinstance(value, bool) and value == sentinel
    return type(value) is type(sentinel) and value == sentinel


class _QuerySetShim:
    """What ModelIterable reads of a queryset, with a compiler that is already compiled."""

    def __init__(self, queryset: QuerySet):
        self.db = queryset.db
        self.model = queryset.model
        self._fetch_mode = queryset._fetch_mode
        self._known_related_objects = {}
        self.query = self
        self.compiler = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler


class PreparedQuery:
    """build(*sentinels) -> QuerySet; calling the PreparedQuery with arguments of `kinds`
    returns the list of model instances (or, for .values(), dicts) the queryset would,
    without compiling it again."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build, self.kinds = build, kinds

    def __call__(self, *values) -> list:
        return self._rows(*self._bind(values))

    def _bind(self, values) -> tuple["_Compiled", list]:
        """The compiled query for this thread's connection and its parameters for values."""
        if len(values) != len(self.kinds):
            raise TypeError(f"expected {len(self.kinds)} argument(s), got {len(values)}")
        # Per connection: a compiler is bound to its thread's connection object.
        connection = connections["default"]
        cache = connection.__dict__.setdefault("_prepared_queries", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = _Compiled(self.build, self.kinds, connection)
        params = list(compiled.params)
        for position, index, wrapper in compiled.slots:
            value = _as_parameter(values[index], self.kinds[index], connection)
            params[position] = wrapper(value) if wrapper else value
        return compiled, params

    @staticmethod
    def _rows(compiled: "_Compiled", params: list, fetched: list | None = None) -> list:
        """Model instances (or dicts) from the query's rows: fetched already, or read now."""
        compiler = copy.copy(compiled.compiler)
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        compiler.get_converters = lambda expressions: compiled.converters
        if fetched is not None:
            if compiler.has_extra_select:  # as Django's cursor_iter trims them
                fetched = [row[: compiler.col_count] for row in fetched]
            compiler.execute_sql = lambda *args, **kwargs: [fetched]
        if compiled.names is not None:
            names = compiled.names
            return [dict(zip(names, row, strict=True)) for row in compiler.results_iter()]
        shim = copy.copy(compiled.shim)
        shim.query, shim.compiler = shim, compiler
        return list(ModelIterable(shim))


def run_together(*calls: tuple[PreparedQuery, Sequence]) -> list[list]:
    """Each (prepared query, arguments)'s result, as calling it would give, in one round trip
    to the database where it has round trips to save: on PostgreSQL the statements go out
    together in psycopg's pipeline mode (each still a statement of its own, prepared by the
    server like any other) or, with Django's client-side binding, as one execute of several
    statements read with nextset; on SQLite one after another. A page's related rows cost
    one wait on a busy server instead of four."""
    connection = connections["default"]
    bound = [query._bind(tuple(values)) for query, values in calls]
    if connection.vendor != "postgresql" or len(bound) == 1:
        return [PreparedQuery._rows(compiled, params) for compiled, params in bound]
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        fetched = _pipelined(connection, bound)
    else:
        fetched = _one_execute(connection, bound)
    return [
        PreparedQuery._rows(compiled, params, rows)
        for (compiled, params), rows in zip(bound, fetched, strict=True)
    ]


def _pipelined(connection, bound) -> list[list]:
    """The statements queued on a cursor each and sent at once; the first fetch waits for
    them all (psycopg pipeline mode)."""
    cursors = [connection.cursor() for _ in bound]  # connects, if need be
    try:
        # A statement's error surfaces when the pipeline is sent, outside any one execute:
        # raised as Django's database errors all the same.
        with connection.wrap_database_errors:
            with connection.connection.pipeline():
                for cursor, (compiled, params) in zip(cursors, bound, strict=True):
                    cursor.execute(compiled.sql, params)
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def _one_execute(connection, bound) -> list[list]:
    """Several statements in one execute (client-side binding allows it), each result set
    read in turn."""
    sql = ";\n".join(compiled.sql for compiled, _params in bound)
    params = [value for _compiled, query_params in bound for value in query_params]
    fetched = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index in range(len(bound)):
            if index:
                cursor.nextset()
            fetched.append(cursor.fetchall())
    return fetched


def prefetched(instance: Model, name: str, objects: Sequence[Model]) -> None:
    """Store related objects as prefetch_related would, so `instance.<name>.all()` reads
    them without a query."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    back = getattr(manager, "field", None)  # a reverse foreign key: each object's parent
    if back is not None:
        for obj in queryset._result_cache:
            back.set_cached_value(obj, instance)
    # A reverse foreign key's or many-to-many's prefetch cache is named as its accessor.
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
