"""Review page at scale: one learner with 10,000 cards and 200,000 review rows.

    .venv/bin/python benchmarks/review_page.py [--cards 10000] [--logs 200000]

Builds a throwaway SQLite database (or uses DATABASE_URL if it points at PostgreSQL),
bulk-loads the data, then serves GET /review/ in-process and prints the median and p95
time over repeated requests, the SQL query count, and the due-queue query plan.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-review-")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    user = load(args.cards, args.logs)
    client = Client()
    client.force_login(user)

    client.get("/review/")  # warm up
    timings = []
    for _ in range(args.requests):
        start = time.perf_counter()
        response = client.get("/review/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/review/")

    from quiz.selectors.review import due_queue

    now = datetime.now(UTC)
    with CaptureQueriesContext(connection) as queue_queries:
        due_queue(user, now=now, limit=50)
    sql = queue_queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql)
        plan = "\n    ".join(" ".join(str(c) for c in row) for row in cursor.fetchall())

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get("/review/")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    timings.sort()
    print(f"database: {connection.vendor}; cards: {args.cards}; review rows: {args.logs}")
    print(
        f"GET /review/: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms over {len(timings)} requests"
    )
    print(f"SQL queries per request: {len(queries.captured_queries)}")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"    {float(query['time']) * 1000:.1f} ms  {query['sql'][:110]}")
    print(f"due-queue queries: {len(queue_queries.captured_queries)}; plan:\n    {plan}")


def load(cards: int, logs: int):
    """Bulk-load one topic of questions, one learner's cards and their review rows."""
    from django.contrib.auth import get_user_model

    from quiz.models import Choice, Question, ReviewCard, ReviewLog
    from study.models import Certification, Topic

    rng = random.Random(1)
    certification = Certification.objects.create(slug="bench", name="Benchmark exam")
    topic = Topic.objects.create(certification=certification, slug="bench-topic", title="Bench")
    Question.objects.bulk_create(
        Question(
            ext_id=f"bench-{n}",
            topic=topic,
            number=n,
            position=n,
            stem=f"Question {n}?",
            stem_html=f"<p>Question {n}?</p>",
            key_labels="B",
            status=Question.Status.PUBLISHED,
        )
        for n in range(cards)
    )
    question_ids = list(Question.objects.values_list("pk", flat=True))
    Choice.objects.bulk_create(
        Choice(
            question_id=pk,
            label=label,
            text=label,
            text_html=label,
            is_correct=label == "B",
            position=i,
        )
        for pk in question_ids
        for i, label in enumerate("ABCD")
    )
    user = get_user_model().objects.create_user("bench", password="x")
    now = datetime.now(UTC)
    card_objects = []
    for pk in question_ids:
        last = now - timedelta(days=rng.uniform(0, 60))
        stability = rng.uniform(0.5, 90)
        card_objects.append(
            ReviewCard(
                user=user,
                question_id=pk,
                state=2,
                step=None,
                stability=stability,
                difficulty=rng.uniform(1, 10),
                due=last + timedelta(days=stability * rng.uniform(0.5, 1.5)),
                last_review=last,
                last_review_ts=last.timestamp(),
                reps=logs // cards,
                created_at=last - timedelta(days=30),
            )
        )
    ReviewCard.objects.bulk_create(card_objects, batch_size=2000)
    card_ids = list(ReviewCard.objects.values_list("pk", flat=True))
    batch = []
    for n in range(logs):
        batch.append(
            ReviewLog(
                card_id=card_ids[n % len(card_ids)],
                user=user,
                rating=rng.choice([1, 3, 3, 3, 4]),
                is_correct=True,
                chosen_labels="B",
                response_ms=rng.randint(3000, 60000),
                reviewed_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 90)),
                source="review",
                card_before={},
            )
        )
        if len(batch) == 10_000:
            ReviewLog.objects.bulk_create(batch)
            batch = []
    ReviewLog.objects.bulk_create(batch)
    from quiz.services.review import review_days_rebuild

    review_days_rebuild(user=user)
    return user


if __name__ == "__main__":
    main()
