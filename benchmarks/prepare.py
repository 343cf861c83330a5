"""Benchmark phase run inside Django: build the database and the request plan.

    python benchmarks/prepare.py --scale quick|full --out plan.json

Migrates the database DATABASE_URL points at, bulk-loads the synthetic data set, signs in
the load driver's learners (real database sessions, the same SECRET_KEY as the server) and
writes, per endpoint and per client, the requests to send.
"""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

HX = {"HX-Request": "true"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["quick", "full"], default="quick")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import dataset

    timings = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = round(time.perf_counter() - start, 1)
    scale = dataset.Scale() if args.scale == "full" else dataset.Scale().tenth()
    start = time.perf_counter()
    data = dataset.load(scale)
    timings["bulk_load_s"] = round(time.perf_counter() - start, 1)
    print(f"  bulk load: {timings['bulk_load_s']} s")
    endpoints_plan = endpoints(data, args.clients)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics that include the sessions above
        cursor.execute("ANALYZE")
    plan = {
        "scale": args.scale,
        "counts": data.counts,
        "timings": timings,
        "endpoints": endpoints_plan,
    }
    Path(args.out).write_text(json.dumps(plan))


def signed_in(user) -> dict[str, str]:
    """Cookie and CSRF headers of a fresh database session for this user."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()  # the app's own store
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # a 32-character secret: valid as cookie and header token
    return {"Cookie": f"sessionid={session.session_key}; csrftoken={csrf}", "X-CSRFToken": csrf}


def request(method, path, *, headers=None, body=None):
    return {"method": method, "path": path, "headers": headers or {}, "body": body}


def answer_body(choice_ids: list[int]) -> str:
    return "&".join(f"choice={pk}" for pk in choice_ids)


def endpoints(data, clients: int) -> list[dict]:
    """Per endpoint: one request list per client; clients cycle through theirs."""
    from django.contrib.auth import get_user_model

    from quiz.models import AttemptQuestion, Choice, PracticeItem
    from quiz.services import practice_start
    from quiz.services.practice import MAX_SESSION_SIZE

    User = get_user_model()
    learners = [User.objects.get(pk=pk) for pk in data.learner_ids[:clients]]
    auth = [signed_in(user) for user in learners]
    staff = signed_in(User.objects.get(pk=data.staff_id))
    keys = {}  # question id -> the ids of its first `choose` choices (valid, not always right)
    for question_id, choose, pk in Choice.objects.order_by("question_id", "label").values_list(
        "question_id", "question__choose", "pk"
    ):
        picked = keys.setdefault(question_id, [])
        if len(picked) < choose:
            picked.append(pk)

    def practice_items(user, count, offset):
        from quiz.models import Question

        ids = list(Question.objects.order_by("pk").values_list("pk", flat=True)[offset:][:count])
        items = []
        for chunk in range(0, len(ids), MAX_SESSION_SIZE):
            session = practice_start(
                user=user,
                scope="new",
                size=MAX_SESSION_SIZE,
                order="bank",
                question_ids=ids[chunk : chunk + MAX_SESSION_SIZE],
                keep_order=True,
            )
            items += PracticeItem.objects.filter(session=session).order_by("position")
        return items

    questions_total = data.counts["questions"]
    answer_plans, next_plans, save_plans, result_plans = [], [], [], []
    attempt_learners = list(data.open_attempt_ids)
    for i, user in enumerate(learners):
        share = questions_total // clients  # each client answers its own questions
        spread = share * i
        answerable = min(3_000, share - MAX_SESSION_SIZE)
        items = practice_items(user, answerable, spread)
        answer_plans.append(
            [
                request(
                    "POST",
                    f"/practice/{it.session_id}/q/{it.position}/answer/",
                    headers={**auth[i], **HX, "Content-Type": "application/x-www-form-urlencoded"},
                    body=answer_body(keys[it.question_id]),
                )
                for it in items
            ]
        )
        browse = practice_items(user, MAX_SESSION_SIZE, spread + answerable)
        next_plans.append(
            [
                request(
                    "GET", f"/practice/{it.session_id}/q/{it.position}/", headers={**auth[i], **HX}
                )
                for it in browse
            ]
        )
        owner = attempt_learners[i % len(attempt_learners)]
        owner_auth = auth[i] if owner == user.pk else signed_in(User.objects.get(pk=owner))
        attempt_id = data.open_attempt_ids[owner]
        save_plans.append(
            [
                request(
                    "POST",
                    f"/exams/attempt/{attempt_id}/q/{aq.position}/save/",
                    headers={
                        **owner_auth,
                        **HX,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                    body=answer_body(keys[aq.question_id]),
                )
                for aq in AttemptQuestion.objects.filter(attempt_id=attempt_id).order_by("position")
            ]
        )
        result_plans.append(
            [
                request("GET", f"/exams/attempt/{pk}/results/", headers=auth[i])
                for pk in data.finished_attempt_ids[user.pk]
            ]
        )

    def each_client(make):
        return [make(i) for i in range(clients)]

    def history_rows(learner: str, headers: dict) -> list[dict]:
        """The dashboard and review page rows of one learner, as every client sees them."""
        return [
            {
                "name": f"{page}, learner with {learner}",
                "kind": "learner",
                "plans": each_client(lambda i, path=path: [request("GET", path, headers=headers)]),
            }
            for page, path in (("dashboard", "/"), ("review due page", "/review/"))
        ]

    light, light_attempt = _light_learner(data)
    light_auth = signed_in(light)
    heavy_auth = signed_in(User.objects.get(pk=data.learner_ids[-1]))
    light_results = f"/exams/attempt/{light_attempt}/results/"
    topics, questions = data.topic_slugs, data.question_ext_ids
    return [
        {"name": "floor (/healthz)", "kind": "floor", "plans": [[request("GET", "/healthz")]]},
        {
            # Not a product page: the signed-in layout around an empty body (see
            # benchmarks/urls.py), i.e. the best ratio any signed-in page can reach here.
            "name": "signed-in empty page",
            "kind": "reference",
            "plans": each_client(lambda i: [request("GET", "/bench/shell/", headers=auth[i])]),
        },
        {
            "name": "topic notes page",
            "kind": "learner",
            "plans": each_client(
                lambda i: [
                    request("GET", f"/topics/{slug}/", headers=auth[i])
                    for slug in topics[i::clients]
                ]
            ),
        },
        {
            # Not a target row: the same eight topics over and over (a class reading one
            # certification's notes), so every worker has their rendered notes cached. The
            # row above spreads reads evenly over 1,000 topics: its per-process caches
            # mostly miss within a run.
            "name": "topic notes page, cache warm",
            "kind": "reference",
            "plans": each_client(
                lambda i: [
                    request("GET", f"/topics/{slug}/", headers=auth[i]) for slug in topics[:8]
                ]
            ),
        },
        {
            "name": "question detail",
            "kind": "learner",
            "plans": each_client(
                lambda i: [
                    request("GET", f"/questions/{ext}/", headers=auth[i])
                    for ext in questions[i::clients]
                ]
            ),
        },
        {"name": "practice answer (htmx)", "kind": "learner", "plans": answer_plans},
        {"name": "practice next (htmx)", "kind": "learner", "plans": next_plans},
        {
            "name": "review due page",
            "kind": "learner",
            "plans": each_client(lambda i: [request("GET", "/review/", headers=auth[i])]),
        },
        {"name": "exam autosave (htmx)", "kind": "learner", "plans": save_plans},
        {"name": "exam results page", "kind": "learner", "plans": result_plans},
        {
            "name": "dashboard",
            "kind": "learner",
            "plans": each_client(lambda i: [request("GET", "/", headers=auth[i])]),
        },
        # The same pages for a learner with 20 answers, and for one with ten times the
        # standard history (20,000 answers against 2,000, at either scale;
        # benchmarks.dataset.HEAVY_FACTOR): what a page costs should not grow with it.
        *history_rows("20 answers", light_auth),
        *history_rows("20,000 answers", heavy_auth),
        {
            # Its one mock exam (its answers added to the 20): the rows above read results
            # of learners with a dozen earlier attempts in the score trend.
            "name": "exam results page, learner with one exam",
            "kind": "learner",
            "plans": each_client(lambda i: [request("GET", light_results, headers=light_auth)]),
        },
        {
            "name": "admin question list",
            "kind": "staff",
            "plans": [
                [request("GET", f"/admin/quiz/question/?p={page}", headers=staff)]
                for page in range(1, 6)
            ],
        },
    ]


def _light_learner(data):
    """A learner like the others (profile, target exam) with 20 answers, given through the
    app's own answer service (cards, review log and day counters as a learner's are), and
    one finished mock exam of the target certification, taken through the exam services;
    (the learner, that attempt's id)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from quiz.models import Blueprint, Profile, Question
    from quiz.services import answer_record, answer_save, attempt_finalize, attempt_start

    User = get_user_model()
    user = User.objects.create_user(username="light-learner", password=secrets.token_hex(8))
    model = User.objects.get(pk=data.learner_ids[0]).profile
    Profile.objects.update_or_create(
        user=user,
        defaults={"target_certification_id": model.target_certification_id, "daily_goal": 20},
    )
    questions = Question.objects.live().order_by("pk").prefetch_related("choices")[:20]
    # Given yesterday, like the others' (days ago): today's new-question allowance is left,
    # so its pages count the questions not yet seen as theirs do.
    yesterday = timezone.now() - timedelta(days=1)
    for question in questions:
        key = [c.label for c in question.choices.all() if c.is_correct]
        answer_record(user=user, question=question, labels=key, answered_at=yesterday)
    blueprint = Blueprint.objects.filter(certification_id=model.target_certification_id).first()
    attempt = attempt_start(user=user, blueprint=blueprint, now=yesterday)
    for item in attempt.questions.prefetch_related("question__choices"):
        # Every other question right, the rest wrong: a result with both kinds of feedback.
        choices = sorted(item.question.choices.all(), key=lambda c: (c.is_correct, c.label))
        picked = [c for c in choices if c.is_correct] if item.position % 2 else choices[:1]
        answer_save(item=item, raw_choice_ids=[str(c.pk) for c in picked], now=yesterday)
    attempt_finalize(attempt=attempt, reason="submitted", now=yesterday + timedelta(hours=1))
    return User.objects.get(pk=user.pk), attempt.pk


if __name__ == "__main__":
    main()
