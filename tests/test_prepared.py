"""Prepared queries give exactly what their queryset gives, compile once, and refuse what
they cannot prepare; the session store built on one keeps Django's rules."""

from datetime import datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from config.prepared import PreparedQuery, prefetched, run_together
from quiz.models import Choice, Question, UserSession
from quiz.sessions import SessionStore
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _with_topic_and_count(ext_id, topic_id):
    return (
        Question.objects.filter(ext_id=ext_id, topic_id=topic_id)
        .select_related("topic__certification")
        .annotate(
            choice_count=Count("choices"), right=Count("choices", Q(choices__is_correct=True))
        )
        .order_by("pk")
    )


def test_a_prepared_query_gives_what_its_queryset_gives(django_assert_num_queries):
    prepared = PreparedQuery(_with_topic_and_count, str, int)
    questions = [QuestionFactory(topic=TopicFactory()) for _ in range(3)]
    for question in questions:
        [expected] = _with_topic_and_count(question.ext_id, question.topic_id)
        with django_assert_num_queries(1):
            [found] = prepared(question.ext_id, question.topic_id)
            # select_related objects come with it: no query for the certification
            assert found.topic.certification.name == expected.topic.certification.name
        assert (found.pk, found.stem, found.choice_count, found.right) == (
            expected.pk, expected.stem, expected.choice_count, expected.right,
        )  # fmt: skip
    assert prepared("no-such-question", questions[0].topic_id) == []


def test_it_compiles_once_per_connection(monkeypatch):
    """Compiled when first run (twice: with two sets of placeholders, to find where the
    values go), then never again."""
    prepared = PreparedQuery(lambda pk: Question.objects.filter(pk=pk), int)
    first, second = QuestionFactory(), QuestionFactory()
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k)
    )
    assert [q.pk for q in prepared(first.pk)] == [first.pk]
    assert [q.pk for q in prepared(second.pk)] == [second.pk]
    assert [q.pk for q in prepared(first.pk)] == [first.pk]
    assert len(compiled) == 2  # once with each set of placeholders, then never again


@pytest.mark.parametrize(
    "build",
    [
        lambda text: Question.objects.filter(stem__icontains=text),  # becomes "%text%"
        lambda text: Question.objects.filter(ext_id=text).none(),  # no SQL at all
    ],
)
def test_a_value_that_does_not_reach_the_sql_as_itself_is_refused(build):
    with pytest.raises(ValueError, match="prepared query"):
        PreparedQuery(build, str)("anything")


def test_prefetched_objects_read_without_a_query(django_assert_num_queries):
    question = QuestionFactory()
    choices = list(Choice.objects.filter(question=question).order_by("position"))
    fresh = Question.objects.get(pk=question.pk)
    prefetched(fresh, "choices", choices)
    with django_assert_num_queries(0):
        assert list(fresh.choices.all()) == choices
        assert all(choice.question is fresh for choice in fresh.choices.all())


def test_the_session_store_loads_a_live_session_and_not_an_expired_one():
    store = SessionStore()
    store["who"] = "learner"
    store.create()
    assert SessionStore(store.session_key).load() == {"who": "learner"}
    UserSession.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-key-0123456789abcdef").load() == {}


def test_a_constant_equal_to_a_placeholder_is_never_replaced():
    prepared = PreparedQuery(lambda pk: Question.objects.filter(pk=pk, number__lt=32_000), int)
    low, high = QuestionFactory(number=5), QuestionFactory(number=40_000)
    assert [q.pk for q in prepared(low.pk)] == [low.pk]
    assert prepared(high.pk) == []  # the constant 32,000 stayed a constant


def test_dates_and_times_are_passed_as_the_database_stores_them():
    from quiz.models import AnswerRecord
    from tests.factories import AnswerRecordFactory, UserFactory

    def answered_since(user_id, since):
        return (
            AnswerRecord.objects.filter(user_id=user_id, answered_at__gte=since)
            .values("user_id")
            .annotate(n=Count("pk"))
            .order_by()
        )

    prepared = PreparedQuery(answered_since, int, datetime)
    user = UserFactory()
    now = timezone.now()
    for days in (1, 3, 5):
        AnswerRecordFactory(user=user, answered_at=now - timedelta(days=days))
    for since in (now - timedelta(days=2), now - timedelta(days=4), now - timedelta(days=9)):
        assert prepared(user.pk, since) == list(answered_since(user.pk, since))
    assert prepared(user.pk, now) == []


def test_a_small_integer_column_takes_its_value_as_the_database_driver_wants_it():
    """PostgreSQL gets small integers wrapped (psycopg's Int2): the wrapper is kept."""
    prepared = PreparedQuery(
        lambda question_id, position: Choice.objects.filter(
            question_id=question_id, position=position
        ),
        int,
        int,
    )
    question = QuestionFactory()
    for choice in Choice.objects.filter(question=question):
        assert prepared(question.pk, choice.position) == [choice]


def test_queries_run_together_give_what_each_gives_in_one_round_trip_on_postgresql(
    round_trips,
):
    with_topic = PreparedQuery(_with_topic_and_count, str, int)
    # .values() rows, a date converter and a query with no rows, in one batch
    dates = PreparedQuery(
        lambda pk: Question.objects.filter(pk=pk).values("pk", "created_at", "stem"), int
    )
    choices = PreparedQuery(
        lambda pk: Choice.objects.filter(question_id=pk).order_by("position"), int
    )
    question = QuestionFactory(topic=TopicFactory())
    calls = [
        (with_topic, (question.ext_id, question.topic_id)),
        (dates, (question.pk,)),
        (choices, (question.pk,)),
        (choices, (-1,)),
    ]
    expected = [query(*values) for query, values in calls]
    with round_trips() as waits:
        found = run_together(*calls)
        assert found[0][0].topic.certification.name == question.topic.certification.name
    assert len(waits) == (1 if connection.vendor == "postgresql" else len(calls))
    assert [[getattr(o, "pk", o) for o in rows] for rows in found] == [
        [getattr(o, "pk", o) for o in rows] for rows in expected
    ]
    assert found[0][0].choice_count == expected[0][0].choice_count == 4
    assert found[1][0]["created_at"] == question.created_at
    assert [c.label for c in found[2]] == ["A", "B", "C", "D"] and found[3] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's two bindings")
@pytest.mark.parametrize("server_side", [True, False], ids=["pipeline", "one execute"])
def test_queries_run_together_the_same_with_either_binding(round_trips, server_side):
    choices = PreparedQuery(
        lambda pk: Choice.objects.filter(question_id=pk).order_by("position"), int
    )
    first, second = QuestionFactory(), QuestionFactory()
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    connection.close()
    options["server_side_binding"] = server_side
    try:
        with round_trips() as waits:
            found = run_together((choices, (first.pk,)), (choices, (second.pk,)))
        assert len(waits) == 1
        expected = [[first.pk] * 4, [second.pk] * 4]
        assert [[c.question_id for c in rows] for rows in found] == expected
    finally:
        connection.close()
        options.clear()
        options.update(saved)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pipeline")
def test_a_failing_statement_sent_together_raises_djangos_database_error():
    choices = PreparedQuery(
        lambda pk: Choice.objects.filter(question_id=pk).order_by("position"), int
    )
    # 1 / (position - n): a division by zero that only the server finds, on the row where
    # position is n, once the batch has been sent
    ratios = PreparedQuery(
        lambda pk, n: Choice.objects.filter(question_id=pk).annotate(
            ratio=Value(1) / (F("position") - Value(n, output_field=IntegerField()))
        ),
        int,
        int,
    )
    question = QuestionFactory()
    position = Choice.objects.filter(question=question).first().position
    with pytest.raises(DatabaseError), transaction.atomic():
        run_together((choices, (question.pk,)), (ratios, (question.pk, position)))
    assert len(run_together((choices, (question.pk,)), (choices, (question.pk,)))[1]) == 4
