"""A synthetic study library and learner history at scale, bulk-loaded.

Rows go in with `bulk_create` in large batches inside one transaction per table group: the
import command validates and syncs one question at a time, which is right for editors and far
too slow for a million review rows. The shapes follow what the app writes itself (comma
label lists, rendered HTML next to markdown, one open attempt per learner and blueprint).
"""

import importlib
import json
import random
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta
from typing import NamedTuple

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from quiz import exam_rules
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Attempt,
    AttemptQuestion,
    Blueprint,
    BlueprintTopic,
    Choice,
    Comment,
    Profile,
    Question,
    QuestionReference,
    ReviewCard,
    ReviewDay,
    ReviewLog,
)
from quiz.services.progress import usual_times_check
from study.markdown import render_markdown
from study.models import Certification, Note, Topic

_FIRST_VERSIONS = importlib.import_module("quiz.migrations.0023_record_first_versions")

BATCH = 5_000
LABELS = "ABCDE"
PASSWORD = "bench-password"
SCALED = Blueprint.Scale.SCALED


class QRow(NamedTuple):
    pk: int
    ext_id: str
    topic_id: int
    number: int
    choose: int
    key: str


@dataclass(frozen=True)
class Scale:
    certifications: int = 20
    topics: int = 1_000
    questions: int = 50_000
    choices_per_question: int = 5  # 250,000 choices
    learners: int = 500
    review_rows: int = 1_000_000
    finished_attempts: int = 5_000
    open_attempts: int = 50
    exam_questions: int = 65

    def tenth(self) -> "Scale":
        return replace(
            self,
            certifications=2,
            topics=self.topics // 10,
            questions=self.questions // 10,
            learners=self.learners // 10,
            review_rows=self.review_rows // 10,
            finished_attempts=self.finished_attempts // 10,
            open_attempts=self.open_attempts // 10,
        )


@dataclass
class Dataset:
    """What the load driver needs to address: ids, not model instances."""

    learner_ids: list[int]  # the last: the heavy learner (HEAVY_FACTOR × the history)
    staff_id: int
    topic_slugs: list[str]
    question_ext_ids: list[str]
    open_attempt_ids: dict[int, int]  # learner id -> attempt id
    finished_attempt_ids: dict[int, list[int]]
    counts: dict[str, int]


NOTE_MD = """## {title}

- {title} protects workloads with **least privilege**: grant only the actions a task needs.
- Rotate credentials automatically; prefer roles to long-lived keys.
- Log every API call and alert on unusual patterns.

| Feature | Use it for |
| --- | --- |
| Roles | temporary credentials |
| Policies | allow and deny rules |

Remember: an explicit deny always wins over an allow.
"""

STEM = (
    "A company runs a fleet of instances for service {n} and needs to {goal}. "
    "Which solution meets the requirement with the LEAST operational overhead?"
)
GOALS = [
    "rotate credentials without downtime",
    "restrict inbound traffic to a known range",
    "audit every API call made by the application",
    "encrypt data at rest with customer-managed keys",
]


def load(scale: Scale, *, seed: int = 7, log=print, versions: bool = True) -> Dataset:
    """The data set in one transaction. With `versions`, every question then gets its first
    version as the migration that introduced versions gives an existing bank (without: the
    bank as it was before that migration, for testing it)."""
    rng = random.Random(seed)
    now = timezone.now()
    rows = Rows()
    clock = _Clock(log)
    with transaction.atomic():
        certs, topics, notes = _library(scale)
        clock(f"library: {len(certs)} certifications, {len(topics)} topics, {len(notes)} notes")
        questions = _questions(scale, topics, notes, rng, rows)
        choices = len(questions) * scale.choices_per_question
        clock(f"bank: {len(questions):,} questions, {choices:,} choices")
        learners, staff = _people(scale, certs)
        clock(f"people: {len(learners)} learners and an editor")
        reviews = _history(scale, learners, questions, rng, now, rows)
        clock(f"history: {reviews:,} review rows, as many answer records")
        open_ids, finished_ids, aq_rows = _attempts(
            scale, certs, learners, questions, rng, now, rows
        )
        finished = sum(map(len, finished_ids.values()))
        clock(
            f"exams: {finished:,} finished, {len(open_ids)} open attempts ({aq_rows:,} questions)"
        )
        rows.reset_sequences()
        if versions:
            _FIRST_VERSIONS.record_first_versions(apps, None)
            clock("first versions")
    with connection.cursor() as cursor:  # fresh statistics for the query planners
        cursor.execute("ANALYZE")
    clock("analyze")
    return Dataset(
        learner_ids=[u.pk for u in learners],
        staff_id=staff.pk,
        topic_slugs=[t.slug for t in topics],
        question_ext_ids=[q.ext_id for q in questions[:: max(1, len(questions) // 2000)]],
        open_attempt_ids=open_ids,
        finished_attempt_ids=finished_ids,
        counts={
            "certifications": len(certs),
            "topics": len(topics),
            "questions": len(questions),
            "choices": len(questions) * scale.choices_per_question,
            "learners": len(learners),
            "review_rows": reviews,
            "finished_attempts": finished,
            "open_attempts": len(open_ids),
            "attempt_questions": aq_rows,
        },
    )


class _Clock:
    def __init__(self, log):
        import time

        self.time, self.log = time.perf_counter, log
        self.last = self.time()

    def __call__(self, what: str) -> None:
        now = self.time()
        self.log(f"  {what} ({now - self.last:.1f} s)")
        self.last = now


def _library(scale: Scale):
    certs = Certification.objects.bulk_create(
        Certification(
            slug=f"cert-{c:02d}",
            name=f"Synthetic Certification {c}",
            code=f"SYN-{c:02d}",
            description="A synthetic certification for benchmarks.",
            description_html="<p>A synthetic certification for benchmarks.</p>",
            position=c,
        )
        for c in range(scale.certifications)
    )
    per_cert = scale.topics // scale.certifications
    topics = Topic.objects.bulk_create(
        Topic(
            certification=certs[i // per_cert],
            slug=f"topic-{i:04d}",
            title=f"Topic {i}",
            summary=f"What the exam asks about topic {i}.",
            position=i % per_cert,
        )
        for i in range(per_cert * scale.certifications)
    )
    notes = []
    for topic in topics:
        for n, heading in enumerate(("Overview", "Access control", "Monitoring")):
            body = NOTE_MD.format(title=f"{heading} of {topic.title}")
            notes.append(
                Note(
                    topic=topic,
                    heading=heading,
                    anchor=heading.lower().replace(" ", "-"),
                    position=n,
                    body=body,
                    body_html=_rendered(body),
                )
            )
    return certs, topics, Note.objects.bulk_create(notes, batch_size=BATCH)


_RENDERED: dict[str, str] = {}


def _rendered(markdown: str) -> str:
    # Markdown is rendered at write time, as the app does; identical bodies render once.
    if markdown not in _RENDERED:
        _RENDERED[markdown] = render_markdown(markdown)
    return _RENDERED[markdown]


class Rows:
    """Raw multi-row inserts with ids assigned here: several times faster than bulk_create
    at a million rows (no model instances, no per-batch SQL building)."""

    def __init__(self):
        self.next_ids: dict[type, int] = {}
        self.models: set[type] = set()

    def ids(self, model, count: int) -> range:
        if model not in self.next_ids:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next_ids[model] = (last or 0) + 1
        first = self.next_ids[model]
        self.next_ids[model] += count
        return range(first, first + count)

    def insert(self, model, columns: list[str], rows) -> int:
        """Rows of `columns`; every other column that has a default gets it (columns added
        to the models since these lists were written need no change here)."""
        fields = [model._meta.get_field(c) for c in columns]
        named = {f.name for f in fields}
        defaults = [
            f
            for f in model._meta.concrete_fields
            if f.name not in named
            and not f.primary_key
            and (f.has_default() or f.null or f.empty_strings_allowed)
        ]
        extra = tuple(f.get_default() for f in defaults)  # "" for text, None when nullable
        fields += defaults
        rows = (tuple(row) + extra for row in rows)
        convert = [_converter(f) for f in fields]
        qn = connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.models.add(model)
        total, batch = 0, []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(
                    tuple(
                        c(v) if c and v is not None else v
                        for c, v in zip(convert, row, strict=True)
                    )
                )
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    total += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
                total += len(batch)
        return total

    def reset_sequences(self) -> None:
        """PostgreSQL: move the id sequences past the ids assigned here."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _converter(field):
    """Database values for the few types the drivers don't take as they are."""
    kind = field.get_internal_type()
    if connection.vendor != "sqlite":
        return Jsonb if kind == "JSONField" else None
    return {
        # Django's SQLite format: naive UTC, space separator.
        "DateTimeField": lambda v: v.astimezone(UTC).replace(tzinfo=None).isoformat(" "),
        "DateField": date.isoformat,
        "JSONField": json.dumps,
    }.get(kind)


def _questions(scale, topics, notes, rng, rows: Rows):
    """Questions as (id, ext_id, topic_id, choose, key) tuples; their rows written."""
    per_topic = scale.questions // len(topics)
    note_of = {}
    for note in notes:
        note_of.setdefault(note.topic_id, note.pk)
    now = timezone.now()
    questions = []
    ids = iter(rows.ids(Question, per_topic * len(topics)))
    for topic in topics:
        for n in range(per_topic):
            choose = 2 if n % 10 == 9 else 1
            key = ",".join(sorted(rng.sample(LABELS[: scale.choices_per_question], choose)))
            questions.append(QRow(next(ids), f"{topic.slug}-q{n:03d}", topic.pk, n, choose, key))

    def question_rows():
        for q in questions:
            stem = STEM.format(n=q.number, goal=GOALS[q.number % len(GOALS)])
            why = "Roles give temporary credentials."
            yield (
                q.pk, q.ext_id, q.topic_id, q.number + 1, q.number, q.choose, stem,
                f"<p>{stem}</p>", why, f"<p>{why}</p>", "", Question.Status.PUBLISHED, "", "",
                q.key, False, True, 0, now, now,
            )  # fmt: skip

    rows.insert(
        Question,
        ["id", "ext_id", "topic", "number", "position", "choose", "stem", "stem_html",
         "explanation", "explanation_html", "disputed", "status", "difficulty", "source",
         "key_labels", "community_disagrees", "shuffle_choices", "version", "created_at",
         "updated_at"],
        question_rows(),
    )  # fmt: skip

    def choice_rows():
        for q in questions:
            key = q.key.split(",")
            for i, label in enumerate(LABELS[: scale.choices_per_question]):
                text = f"Option {label}: use a managed feature for case {q.number}."
                why = "This is the managed, least-effort option." if label in key else ""
                yield (
                    q.pk, label, text, f"<p>{text}</p>", why, f"<p>{why}</p>" if why else "",
                    label in key, i,
                )  # fmt: skip

    rows.insert(
        Choice,
        ["question", "label", "text", "text_html", "explanation", "explanation_html",
         "is_correct", "position"],
        choice_rows(),
    )  # fmt: skip
    rows.insert(
        QuestionReference,
        ["question", "note", "url", "title", "position"],
        ((q.pk, note_of[q.topic_id], "", "", 0) for q in questions),
    )
    old_note = "This was correct before the service changed."
    rows.insert(
        AnswerKeyRevision,
        ["question", "correct_labels", "new_labels", "valid_until", "until_precision", "note",
         "note_html", "position", "recorded_at"],
        (
            (q.pk, "E" if "E" not in q.key else "A", q.key, now.date().replace(year=2019),
             AnswerKeyRevision.Precision.MONTH, old_note, f"<p>{old_note}</p>", 0, now)
            for q in questions
            if q.number % 50 == 49
        ),
    )  # fmt: skip
    body = "Why not option A? It seems simpler."
    rows.insert(
        Comment,
        ["topic", "question", "author_name", "body", "body_html", "is_missing", "is_retired",
         "is_deleted", "position", "created_at"],
        (
            (q.topic_id, q.pk, "Reader", body, f"<p>{body}</p>", False, False, False, 0, now)
            for q in questions[::5]
        ),
    )  # fmt: skip
    return questions


def _people(scale, certs):
    User = get_user_model()
    password = make_password(PASSWORD)  # hashing is slow by design: once, shared by all
    learners = User.objects.bulk_create(
        User(username=f"learner{i:04d}", password=password) for i in range(scale.learners)
    )
    Profile.objects.bulk_create(
        Profile(user=u, target_certification=certs[i % len(certs)], daily_goal=20)
        for i, u in enumerate(learners)
    )
    staff = User.objects.create(
        username="bench-editor", password=password, is_staff=True, is_superuser=True
    )
    return learners, staff


# The last learner's history is HEAVY_FACTOR times the others' (as many cards, each reviewed
# that many times more): the rows "…, learner with 20,000 answers" (the others have 2,000).
HEAVY_FACTOR = 10


def _history(scale, learners, questions, rng, now, rows: Rows):
    """Cards, review logs and answer records: two reviews per card a day apart, the first
    within 60 days (the heavy learner, the last one: 2 × HEAVY_FACTOR)."""
    by_cert = _by_certification(questions)
    certs = sorted(by_cert)
    per_learner = scale.review_rows // len(learners) // 2
    cards, logs, records, days = [], [], [], {}
    for i, user in enumerate(learners):
        reviews = 2 * HEAVY_FACTOR if i == len(learners) - 1 else 2
        pool = by_cert[certs[i % len(certs)]]
        picked = rng.sample(pool, min(per_learner, len(pool)))
        card_ids = rows.ids(ReviewCard, len(picked))
        for card_id, q in zip(card_ids, picked, strict=True):
            first = now - timedelta(days=rng.randint(reviews, 60), minutes=rng.randint(0, 600))
            times = [first + timedelta(days=k) for k in range(reviews)]
            last = times[-1]
            stability = rng.uniform(1, 40)
            cards.append(
                (card_id, user.pk, q.pk, ReviewCard.State.REVIEW, None, stability,
                 rng.uniform(3, 8), last + timedelta(days=stability), last,
                 last.timestamp(), reviews, 0, False, first)
            )  # fmt: skip
            for when in times:
                correct = rng.random() < 0.75
                chosen = q.key if correct else "A" if q.key != "A" else "B"
                ms = rng.randint(8_000, 60_000)
                (record_id,) = rows.ids(AnswerRecord, 1)
                records.append(
                    (record_id, user.pk, q.pk, chosen, correct, ms, q.choose > 1, "practice", when)
                )
                # Linked to its answer, as the app links them.
                logs.append(
                    (card_id, user.pk, 3 if correct else 1, correct, chosen, ms, when, "practice",
                     record_id, {}, False)
                )  # fmt: skip
                day = days.setdefault((user.pk, when.date()), [0, 0])
                day[0] += 1
                day[1] += correct
    rows.insert(
        ReviewCard,
        ["id", "user", "question", "state", "step", "stability", "difficulty", "due",
         "last_review", "last_review_ts", "reps", "lapses", "is_leech", "created_at"],
        cards,
    )  # fmt: skip
    # Oldest first, as learners give them: the database's per-topic progress rows (a trigger
    # on each insert) then append to their window instead of recounting it.
    records.sort(key=lambda record: record[8])
    with _usual_times_filled_after():
        rows.insert(
            AnswerRecord,
            [
                "id",
                "user",
                "question",
                "chosen_labels",
                "is_correct",
                "response_ms",
                "multi",
                "source",
                "answered_at",
            ],
            records,
        )
    total = rows.insert(
        ReviewLog,
        ["card", "user", "rating", "is_correct", "chosen_labels", "response_ms", "reviewed_at",
         "source", "record", "card_before", "rating_overridden"],
        logs,
    )  # fmt: skip
    rows.insert(
        ReviewDay,
        ["user", "day", "reviews", "passed"],
        ((user, day, n, p) for (user, day), (n, p) in days.items()),
    )
    return total


def _by_certification(questions) -> dict[int, list["QRow"]]:
    cert_of_topic = dict(Topic.objects.values_list("pk", "certification_id"))
    by_cert: dict[int, list[QRow]] = {}
    for q in questions:
        by_cert.setdefault(cert_of_topic[q.topic_id], []).append(q)
    return by_cert


def _attempts(scale, certs, learners, questions, rng, now, rows: Rows):
    by_cert = _by_certification(questions)
    blueprints = {}
    for cert in certs:
        blueprints[cert.pk] = Blueprint.objects.create(
            slug=f"{cert.slug}-full",
            name=f"{cert.name} full length",
            certification=cert,
            question_count=scale.exam_questions,
            time_limit_minutes=130,
            passing_score=720,
        )
        BlueprintTopic.objects.bulk_create(
            BlueprintTopic(blueprint=blueprints[cert.pk], topic=t, weight=1)
            for t in cert.topics.all()
        )
    finished_per_learner = scale.finished_attempts // len(learners)
    attempts, items = [], []
    open_ids: dict[int, int] = {}
    finished_ids: dict[int, list[int]] = {}
    labels = list(LABELS[: scale.choices_per_question])
    for i, user in enumerate(learners):
        cert = certs[i % len(certs)]
        count = finished_per_learner + (1 if i < scale.open_attempts else 0)
        for k, attempt_id in enumerate(rows.ids(Attempt, count)):
            is_open = k == finished_per_learner
            started = now if is_open else now - timedelta(days=(finished_per_learner - k) * 3)
            picked = rng.sample(by_cert[cert.pk], scale.exam_questions)
            correct = 0
            for position, q in enumerate(picked, start=1):
                right = rng.random() < 0.7
                chosen = q.key if right else ("A,B" if q.choose == 2 else "A")
                correct += chosen == q.key
                rng.shuffle(labels)
                items.append(
                    (attempt_id, q.pk, position, ",".join(labels), q.key,
                     "" if is_open else chosen, None if is_open else started, False,
                     None if is_open else chosen == q.key)
                )  # fmt: skip
            score = exam_rules.score(correct=correct, total=len(picked), scale=SCALED)
            attempts.append(
                (attempt_id, user.pk, blueprints[cert.pk].pk, started,
                 started + timedelta(minutes=130),
                 None if is_open else started + timedelta(minutes=95),
                 "" if is_open else Attempt.FinishReason.SUBMITTED,
                 None if is_open else correct, len(picked), None if is_open else score,
                 None if is_open else score >= 720, 1, 720, SCALED,
                 # no exam domains in this data: every question counts toward none
                 None if is_open else [{"domain": None, "name": "", "position": 0,
                                        "right": correct, "total": len(picked)}])
            )  # fmt: skip
            if is_open:
                open_ids[user.pk] = attempt_id
            else:
                finished_ids.setdefault(user.pk, []).append(attempt_id)
    rows.insert(
        Attempt,
        ["id", "user", "blueprint", "started_at", "deadline", "finished_at", "finish_reason",
         "correct", "total", "score", "passed", "current_position", "passing_score", "scale",
         "domain_tallies"],
        attempts,
    )  # fmt: skip
    rows.insert(
        AttemptQuestion,
        ["attempt", "question", "position", "choice_order", "key_labels", "chosen_labels",
         "saved_at", "flagged", "is_correct"],
        items,
    )  # fmt: skip
    return open_ids, finished_ids, len(items)


@contextmanager
def _usual_times_filled_after():
    """PostgreSQL: the learners' usual response times (UsualTimes) written once from the
    answers by the repair progress_check uses, not by the trigger on each of them. In this
    one transaction every trigger update of a learner's row leaves its old version behind,
    and each next update walks all of them: hundreds of thousands of answers took minutes
    each. SQLite updates in place and keeps its trigger."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # A table with foreign-key checks still pending cannot be altered: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE quiz_answerrecord DISABLE TRIGGER quiz_usualtimes_answer")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE quiz_answerrecord ENABLE TRIGGER quiz_usualtimes_answer")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    usual_times_check(fix=True)
