"""The content library's bulk sync of the bank: every question of a topic written in a
few queries, with its choices, key history, references and edit history."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from quiz import choice_refs
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Choice,
    Disclaimer,
    Question,
    QuestionReference,
    QuestionSet,
    QuestionVersion,
)
from quiz.services.bank.editing import question_check
from quiz.services.bank.versions import versions_record_many
from quiz.services.progress import progress_refresh
from quiz.validation import ChoiceData, QuestionData
from study.markdown import render_markdown
from study.models import ExamDomain, Note, Topic
from study.services import (
    CREATED,
    UNCHANGED,
    UPDATED,
    assign_changed,
    save_if_changed,
)


@transaction.atomic
def disclaimer_sync(*, topic: Topic, body: str) -> str:
    disclaimer = Disclaimer.objects.filter(topic=topic).first()
    if not body.strip():
        if disclaimer:
            disclaimer.delete()
            return UPDATED
        return UNCHANGED
    disclaimer = disclaimer or Disclaimer(topic=topic)
    return save_if_changed(disclaimer, {"body": body, "body_html": render_markdown(body)})


@transaction.atomic
def question_set_sync(
    *, topic: Topic, slug: str, title: str, position: int
) -> tuple[QuestionSet, str]:
    question_set = QuestionSet.objects.filter(topic=topic, slug=slug).first()
    question_set = question_set or QuestionSet(topic=topic, slug=slug)
    return question_set, save_if_changed(question_set, {"title": title, "position": position})


# Rows per query when looking questions up by id and writing in bulk: far below every
# backend's limit on query parameters, and small enough for bulk_update's CASE expressions.
_BATCH = 500


@dataclass
class QuestionPlacement:
    """A question from the content library and where it sits: topic, set, number, order."""

    topic: Topic
    data: QuestionData
    question_set: QuestionSet | None = None
    number: int = 0
    position: int = 0
    duplicate_of: Question | None = None  # a question already in the database
    also_topics: list[Topic] = field(default_factory=list)
    domain: ExamDomain | None = None  # only when not its topic's
    status: str = Question.Status.PUBLISHED
    # An update that leaves the stored key history or references as they are (a file that
    # has none of its own must not delete them).
    keep_key_history: bool = False
    keep_references: bool = False
    # Where a question file's question came from (its name there, the file's name): set on
    # the questions an import creates; None leaves what is stored.
    import_name: str | None = None
    import_file: str | None = None


@dataclass
class _Writes:
    """What a sync writes, gathered so that each kind of row goes to the database in bulk."""

    new_questions: list[Question] = field(default_factory=list)
    changed_questions: list[Question] = field(default_factory=list)
    changed_keys: list[Question] = field(default_factory=list)
    new_choices: list[Choice] = field(default_factory=list)
    changed_choices: list[Choice] = field(default_factory=list)
    stale_choices: list[int] = field(default_factory=list)
    new_revisions: list[AnswerKeyRevision] = field(default_factory=list)
    stale_revisions: list[int] = field(default_factory=list)
    new_references: list[QuestionReference] = field(default_factory=list)
    stale_references: list[int] = field(default_factory=list)
    new_also_topics: list[tuple[Question, list[Topic]]] = field(default_factory=list)


@transaction.atomic
def questions_sync(
    *, placements: Sequence[QuestionPlacement], reason: str = ""
) -> list[tuple[Question, str]]:
    """Create or update questions from the content library, by stable id; (question, outcome)
    for each placement, in order. Each question created or changed gets a new version
    (kind "imported", with `reason`).

    Stored questions are read in a few queries and compared in memory; only what differs is
    written, each kind of row in bulk, with edit-history rows for questions and choices.
    """
    ext_ids = [placement.data.ext_id for placement in placements]
    repeated = sorted(ext_id for ext_id, n in Counter(ext_ids).items() if n > 1)
    if repeated:
        raise ValidationError(f"question id(s) given more than once: {', '.join(repeated)}")
    for placement in placements:
        question_check(placement.data)
    stored = _stored_questions(ext_ids)
    _refuse_stranding(placements, stored)
    # Questions from before versions existed: what they say now, before it changes.
    versions_record_many(
        questions=[q for q in stored.values() if not q.version], kind=QuestionVersion.Kind.RECORDED
    )
    notes = _notes_by_anchor({placement.topic for placement in placements})
    was = {q.pk: (q.topic_id, q.key_labels) for q in stored.values()}
    writes = _Writes()
    results = []
    for placement in placements:
        question = stored.get(placement.data.ext_id)
        if question is None:
            question, outcome = _question_new(placement, notes, writes), CREATED
        else:
            outcome = _question_update(question, placement, notes, writes)
        results.append((question, outcome))
    _write(writes)
    _progress_refresh(was, [question for question, _outcome in results])
    versions_record_many(
        questions=[question for question, outcome in results if outcome != UNCHANGED],
        kind=QuestionVersion.Kind.IMPORTED,
        reason=reason,
    )
    return results


def _refuse_stranding(placements: Sequence[QuestionPlacement], stored: dict[str, Question]) -> None:
    """A file may record a new question as a duplicate, but a question learners have
    answered is merged in the admin (choices paired, history moved): made a duplicate here,
    its answers, votes and cards would stay behind on a hidden question."""
    becoming = {
        stored[p.data.ext_id].pk: p
        for p in placements
        if p.duplicate_of is not None
        and p.data.ext_id in stored
        and stored[p.data.ext_id].duplicate_of_id is None
    }
    if not becoming:
        return
    answered = dict(
        AnswerRecord.objects.filter(question_id__in=becoming)
        .values("question")
        .annotate(n=Count("pk"))
        .values_list("question", "n")
        .order_by()
    )
    problems = [
        f"{placement.data.ext_id}: duplicate_of {placement.duplicate_of.ext_id} would hide "
        f"{answered[pk]} answer(s) of learners; merge it in the admin (the question's "
        f"“Find duplicates”, then Merge) so they move to {placement.duplicate_of.ext_id}, "
        "then export the library"
        for pk, placement in becoming.items()
        if answered.get(pk)
    ]
    if problems:
        raise ValidationError(problems)


def _stored_questions(ext_ids: list[str]) -> dict[str, Question]:
    # Unordered: the default orderings join up to the certification, and callers sort.
    related = [
        Prefetch("choices", queryset=Choice.objects.order_by()),
        Prefetch("key_revisions", queryset=AnswerKeyRevision.objects.order_by()),
        Prefetch("references", queryset=QuestionReference.objects.order_by()),
        Prefetch("also_topics", queryset=Topic.objects.order_by().only("pk")),
    ]
    stored = {}
    for start in range(0, len(ext_ids), _BATCH):
        batch = Question.objects.filter(ext_id__in=ext_ids[start : start + _BATCH])
        for question in batch.order_by().prefetch_related(*related):
            stored[question.ext_id] = question
    return stored


def _notes_by_anchor(topics: set[Topic]) -> dict[int, dict[str, Note]]:
    notes: dict[int, dict[str, Note]] = {topic.pk: {} for topic in topics}
    for note in Note.objects.filter(topic__in=[topic.pk for topic in topics]).order_by():
        notes[note.topic_id][note.anchor] = note
    return notes


def _question_values(placement: QuestionPlacement) -> dict:
    data = placement.data
    return {
        "topic_id": placement.topic.pk,
        "question_set_id": placement.question_set.pk if placement.question_set else None,
        "number": placement.number,
        "position": placement.position,
        "choose": data.choose,
        "shuffle_choices": data.shuffle,
        "stem": data.stem,
        "stem_html": choice_refs.render(data.stem),
        "explanation": data.explanation,
        "explanation_html": choice_refs.render(data.explanation),
        "disputed": data.disputed,
        "difficulty": data.difficulty,
        "last_verified": data.last_verified,
        "source": data.source,
        "duplicate_of_id": placement.duplicate_of.pk if placement.duplicate_of else None,
        "domain_id": placement.domain.pk if placement.domain else None,
        "status": placement.status,
        **{
            name: value
            for name, value in (
                ("import_name", placement.import_name),
                ("import_file", placement.import_file),
            )
            if value is not None
        },
    }


# What save() would write: every column of the row.
_QUESTION_UPDATE_FIELDS = [f.name for f in Question._meta.concrete_fields if not f.primary_key]
_CHOICE_UPDATE_FIELDS = [f.name for f in Choice._meta.concrete_fields if not f.primary_key]


def _choice_values(index: int, choice: ChoiceData) -> dict:
    return {
        "label": choice.label,
        "position": index,
        "text": choice.text,
        "text_html": choice_refs.render(choice.text),
        "explanation": choice.explanation,
        "explanation_html": choice_refs.render(choice.explanation),
        "source_note": choice.source_note,
        "source_note_html": choice_refs.render(choice.source_note),
        "is_correct": choice.is_correct,
    }


def _key_labels(data: QuestionData) -> str:
    """The key as the question stores it once its choices are these: sorted labels."""
    return ",".join(sorted(choice.label for choice in data.choices if choice.is_correct))


def _question_check(question: Question) -> None:
    """The model's own rules that validate_question leaves to it (lengths, whole numbers
    from 0), without full_clean's queries: the topic, set and original are rows this sync
    holds, the id was looked up, and validate_question keeps the check constraints.
    """
    try:
        question.full_clean(
            exclude=["topic", "question_set", "duplicate_of", "domain"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise ValidationError(f"{question.ext_id}: {'; '.join(error.messages)}") from None


def _question_new(
    placement: QuestionPlacement, notes: dict[int, dict[str, Note]], writes: _Writes
) -> Question:
    data = placement.data
    question = Question(
        ext_id=data.ext_id, key_labels=_key_labels(data), **_question_values(placement)
    )
    _question_check(question)
    writes.new_questions.append(question)
    # Choices need no model checks: validate_question already makes sure of one-letter,
    # unique labels and non-empty texts, and everything else about them is derived here.
    writes.new_choices += [
        Choice(question=question, **_choice_values(index, choice))
        for index, choice in enumerate(data.choices)
    ]
    writes.new_revisions += _revisions(question, data)
    writes.new_references += _references(question, placement, notes)
    if placement.also_topics:
        writes.new_also_topics.append((question, placement.also_topics))
    return question


def _progress_refresh(was: dict[int, tuple[int, str]], questions: Sequence[Question]) -> None:
    """Learners' mastery counts where each question is, by today's key: recounted for the
    questions this sync moved to another topic or gave another key."""
    moved = [q for q in questions if q.pk in was and was[q.pk] != (q.topic_id, q.key_labels)]
    if moved:
        progress_refresh(
            question_ids=[q.pk for q in moved],
            topic_ids={q.topic_id for q in moved} | {was[q.pk][0] for q in moved},
        )


def _question_update(
    question: Question,
    placement: QuestionPlacement,
    notes: dict[int, dict[str, Note]],
    writes: _Writes,
) -> str:
    data = placement.data
    outcome = UNCHANGED
    key = _key_labels(data)
    if assign_changed(question, _question_values(placement)):
        question.key_labels = key
        _question_check(question)
        writes.changed_questions.append(question)
        outcome = UPDATED
    elif question.key_labels != key:
        # A key that changed with the choices alone is stored without a history row of the
        # question (the choices' rows record it).
        question.key_labels = key
        writes.changed_keys.append(question)
        outcome = UPDATED

    existing = {choice.label: choice for choice in question.choices.all()}
    for index, choice_data in enumerate(data.choices):
        values = _choice_values(index, choice_data)
        choice = existing.pop(choice_data.label, None)
        if choice is None:
            writes.new_choices.append(Choice(question=question, **values))
            outcome = UPDATED
        elif assign_changed(choice, values):
            writes.changed_choices.append(choice)
            outcome = UPDATED
    if existing:
        writes.stale_choices += [choice.pk for choice in existing.values()]
        outcome = UPDATED

    revisions = _revisions(question, data)
    current = sorted(question.key_revisions.all(), key=lambda revision: revision.position)
    if not placement.keep_key_history and [_revision_row(r) for r in current] != [
        _revision_row(r) for r in revisions
    ]:
        writes.stale_revisions += [revision.pk for revision in current]
        writes.new_revisions += revisions
        outcome = UPDATED

    references = [] if placement.keep_references else _references(question, placement, notes)
    current = sorted(question.references.all(), key=lambda reference: reference.position)
    if not placement.keep_references and [_reference_row(r) for r in current] != [
        _reference_row(r) for r in references
    ]:
        writes.stale_references += [reference.pk for reference in current]
        writes.new_references += references
        outcome = UPDATED

    wanted_topics = {topic.pk for topic in placement.also_topics}
    if {topic.pk for topic in question.also_topics.all()} != wanted_topics:
        question.also_topics.set(wanted_topics)
        outcome = UPDATED
    return outcome


def _revisions(question: Question, data: QuestionData) -> list[AnswerKeyRevision]:
    # Each revision changed the key to the next revision's key, the last one to today's.
    current_key = [choice.label for choice in data.choices if choice.is_correct]
    history = data.key_history
    after = [revision.labels for revision in history[1:]] + [current_key] if history else []
    return [
        AnswerKeyRevision(
            question=question,
            correct_labels=",".join(revision.labels),
            new_labels=",".join(new),
            valid_until=revision.until,
            until_precision=revision.precision,
            note=revision.note,
            note_html=choice_refs.render(revision.note),
            position=index,
        )
        for index, (revision, new) in enumerate(zip(history, after, strict=True))
    ]


def _revision_row(revision: AnswerKeyRevision) -> tuple:
    return (
        revision.labels,
        revision.new_label_list,
        revision.valid_until,
        revision.until_precision,
        revision.note,
    )


def _references(
    question: Question, placement: QuestionPlacement, notes: dict[int, dict[str, Note]]
) -> list[QuestionReference]:
    topic, data = placement.topic, placement.data
    references = []
    for index, reference in enumerate(data.references):
        note = notes[topic.pk].get(reference.note_anchor) if reference.note_anchor else None
        if reference.note_anchor and note is None:
            raise ValidationError(
                f"{data.ext_id}: no notes section '{reference.note_anchor}' in topic {topic.slug}"
            )
        references.append(
            QuestionReference(
                question=question,
                note=note,
                url=reference.url,
                title=reference.title,
                position=index,
            )
        )
    return references


def _reference_row(reference: QuestionReference) -> tuple:
    return (reference.note_id, reference.url, reference.title)


def _write(writes: _Writes) -> None:
    """Questions first (the other rows point at them), stale rows before their replacements."""
    now = timezone.now()
    Question.objects.bulk_create(writes.new_questions, batch_size=_BATCH)
    _history_created(Question, writes.new_questions, now)
    for question in writes.changed_questions:
        question.updated_at = now  # what save() would set
    if writes.changed_questions:
        bulk_update_with_history(
            writes.changed_questions, Question, _QUESTION_UPDATE_FIELDS, batch_size=_BATCH
        )
    Question.objects.bulk_update(writes.changed_keys, ["key_labels"], batch_size=_BATCH)
    for model, pks in [
        (Choice, writes.stale_choices),
        (AnswerKeyRevision, writes.stale_revisions),
        (QuestionReference, writes.stale_references),
    ]:
        for start in range(0, len(pks), _BATCH):
            model.objects.filter(pk__in=pks[start : start + _BATCH]).delete()
    if writes.changed_choices:
        bulk_update_with_history(
            writes.changed_choices, Choice, _CHOICE_UPDATE_FIELDS, batch_size=_BATCH
        )
    Choice.objects.bulk_create(writes.new_choices, batch_size=_BATCH)
    _history_created(Choice, writes.new_choices, now)
    AnswerKeyRevision.objects.bulk_create(writes.new_revisions, batch_size=_BATCH)
    QuestionReference.objects.bulk_create(writes.new_references, batch_size=_BATCH)
    through = Question.also_topics.through
    through.objects.bulk_create(
        [
            through(question_id=question.pk, topic_id=topic.pk)
            for question, topics in writes.new_also_topics
            for topic in topics
        ],
        batch_size=_BATCH,
    )


def _history_created(model: type[models.Model], rows: list[models.Model], when: datetime) -> None:
    """The edit-history rows ("created") for rows just inserted in bulk: what simple_history's
    bulk_create_with_history writes, copied from the new rows inside the database.

    Raw SQL because building one historical object per row in Python cost more than
    inserting the rows. SQLite and PostgreSQL read it alike.
    """
    if not rows or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    qn = connection.ops.quote_name
    copied = ", ".join(qn(field.column) for field in history.tracked_fields)
    stamped = ", ".join(
        qn(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    )
    user = history.get_default_history_user(rows[0])
    params = [
        connection.ops.adapt_datetimefield_value(when),
        "+",
        user.pk if user else None,
        None,
    ]
    pk = qn(model._meta.pk.column)
    pks = [row.pk for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(pks), _BATCH):
            batch = pks[start : start + _BATCH]
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} ({copied}, {stamped}) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*params, *batch],
            )
