"""Writes to the question bank: content sync, editing, answer-key changes, status."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quiz.models import (
    AnswerKeyRevision,
    Choice,
    Disclaimer,
    Question,
    QuestionReference,
    QuestionSet,
)
from quiz.services.feedback import community_refresh
from quiz.services.review import srs_key_changed
from quiz.validation import ChoiceData, QuestionData, validate_question
from study.markdown import render_markdown
from study.models import Note, Topic
from study.services import RETIRED, UNCHANGED, UPDATED, save_if_changed


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


def _raise_problems(data: QuestionData) -> None:
    problems = validate_question(data)
    if problems:
        raise ValidationError([f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems])


@transaction.atomic
def question_sync(
    *,
    topic: Topic,
    data: QuestionData,
    question_set: QuestionSet | None = None,
    number: int = 0,
    position: int = 0,
    duplicate_of: Question | None = None,
    also_topics: list[Topic] | None = None,
) -> tuple[Question, str]:
    """Create or update a question from the content library, by stable id."""
    _raise_problems(data)
    question = Question.objects.filter(ext_id=data.ext_id).first() or Question(ext_id=data.ext_id)
    outcome = save_if_changed(
        question,
        {
            "topic_id": topic.pk,
            "question_set_id": question_set.pk if question_set else None,
            "number": number,
            "position": position,
            "choose": data.choose,
            "stem": data.stem,
            "stem_html": render_markdown(data.stem),
            "explanation": data.explanation,
            "explanation_html": render_markdown(data.explanation),
            "disputed": data.disputed,
            "difficulty": data.difficulty,
            "last_verified": data.last_verified,
            "source": data.source,
            "duplicate_of_id": duplicate_of.pk if duplicate_of else None,
            "status": Question.Status.PUBLISHED,
        },
    )
    changed = _choices_sync(question, data.choices)
    changed |= key_labels_refresh(question=question)
    changed |= _key_history_sync(question, data)
    changed |= _references_sync(question, topic, data)
    wanted_topics = {t.pk for t in also_topics or []}
    if set(question.also_topics.values_list("pk", flat=True)) != wanted_topics:
        question.also_topics.set(wanted_topics)
        changed = True
    if changed and outcome == UNCHANGED:
        outcome = UPDATED
    return question, outcome


def _choices_sync(question: Question, choices: list[ChoiceData]) -> bool:
    changed = False
    existing = {choice.label: choice for choice in question.choices.all()}
    for index, choice_data in enumerate(choices):
        choice = existing.pop(choice_data.label, None) or Choice(question=question)
        result = save_if_changed(
            choice,
            {
                "label": choice_data.label,
                "position": index,
                "text": choice_data.text,
                "text_html": render_markdown(choice_data.text),
                "explanation": choice_data.explanation,
                "explanation_html": render_markdown(choice_data.explanation),
                "is_correct": choice_data.is_correct,
            },
        )
        changed |= result != UNCHANGED
    if existing:
        Choice.objects.filter(pk__in=[choice.pk for choice in existing.values()]).delete()
        changed = True
    return changed


def _key_history_sync(question: Question, data: QuestionData) -> bool:
    current_key = [choice.label for choice in data.choices if choice.is_correct]
    # Each revision changed the key to the next revision's key, the last one to today's.
    history = data.key_history
    after = [revision.labels for revision in history[1:]] + [current_key] if history else []
    wanted = [
        (revision.labels, new, revision.until, revision.precision, revision.note)
        for revision, new in zip(data.key_history, after, strict=True)
    ]
    current = [
        (r.labels, r.new_label_list, r.valid_until, r.until_precision, r.note)
        for r in question.key_revisions.order_by("position")
    ]
    if current == wanted:
        return False
    question.key_revisions.all().delete()
    for index, (labels, new, until, precision, note) in enumerate(wanted):
        AnswerKeyRevision.objects.create(
            question=question,
            correct_labels=",".join(labels),
            new_labels=",".join(new),
            valid_until=until,
            until_precision=precision,
            note=note,
            note_html=render_markdown(note),
            position=index,
        )
    return True


def _references_sync(question: Question, topic: Topic, data: QuestionData) -> bool:
    notes = {note.anchor: note for note in Note.objects.filter(topic=topic)}
    wanted = []
    for reference in data.references:
        note = notes.get(reference.note_anchor) if reference.note_anchor else None
        if reference.note_anchor and note is None:
            raise ValidationError(
                f"{data.ext_id}: no notes section '{reference.note_anchor}' in topic {topic.slug}"
            )
        wanted.append((note.pk if note else None, reference.url, reference.title))
    current = [(r.note_id, r.url, r.title) for r in question.references.order_by("position")]
    if current == wanted:
        return False
    question.references.all().delete()
    QuestionReference.objects.bulk_create(
        QuestionReference(question=question, note_id=note_id, url=url, title=title, position=i)
        for i, (note_id, url, title) in enumerate(wanted)
    )
    return True


def key_labels_refresh(*, question: Question) -> bool:
    """Store the current key as sorted labels on the question; True when it changed."""
    key = ",".join(sorted(question.choices.filter(is_correct=True).values_list("label", flat=True)))
    if question.key_labels == key:
        return False
    question.key_labels = key
    Question.objects.filter(pk=question.pk).update(key_labels=key)
    return True


def question_render(*, question: Question) -> None:
    """Re-render the stored HTML of a question and its choices from their markdown, and
    refresh its stored key. For edits made by forms (the admin) that write fields directly.
    """
    key_labels_refresh(question=question)
    question.stem_html = render_markdown(question.stem)
    question.explanation_html = render_markdown(question.explanation)
    question.save(update_fields=["stem_html", "explanation_html"])
    for choice in question.choices.all():
        choice.text_html = render_markdown(choice.text)
        choice.explanation_html = render_markdown(choice.explanation)
        choice.save(update_fields=["text_html", "explanation_html"])


@transaction.atomic
def key_revision_record(
    *,
    question: Question,
    old_labels: list[str],
    new_labels: list[str],
    note: str,
    effective: date,
    user: AbstractBaseUser | None,
) -> AnswerKeyRevision:
    """Record that the key changed from old_labels to new_labels (the choices already say so)."""
    if not note.strip():
        raise ValidationError("Say why the answer key changed: learners see this note.")
    last = question.key_revisions.order_by("-position").first()
    revision = AnswerKeyRevision(
        question=question,
        correct_labels=",".join(sorted(old_labels)),
        new_labels=",".join(sorted(new_labels)),
        valid_until=effective,
        until_precision=AnswerKeyRevision.Precision.DAY,
        note=note,
        note_html=render_markdown(note),
        position=(last.position + 1) if last else 0,
        recorded_by=user if user and user.is_authenticated else None,
    )
    revision.full_clean()
    revision.save()
    srs_key_changed(question=question, revision=revision)
    return revision


@transaction.atomic
def key_change(
    *,
    question: Question,
    correct_labels: list[str],
    note: str,
    effective: date,
    user: AbstractBaseUser | None,
) -> AnswerKeyRevision:
    """Change the answer key deliberately: new correct choices, choose-N to match, a revision."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    choices = list(question.choices.order_by("position"))
    old = [label for label in question.key_labels.split(",") if label]
    new = sorted(set(correct_labels))
    if new == old:
        raise ValidationError("That is already the answer key: nothing to change.")
    data = QuestionData(
        ext_id=question.ext_id,
        stem=question.stem,
        choose=len(new),
        choices=[ChoiceData(c.label, c.text, c.label in new, c.explanation) for c in choices],
    )
    unknown = set(new) - {c.label for c in choices}
    if unknown:
        raise ValidationError(f"No choice has label(s) {', '.join(sorted(unknown))}.")
    _raise_problems(data)
    for choice in choices:
        if choice.is_correct != (choice.label in new):
            choice.is_correct = choice.label in new
            choice.save(update_fields=["is_correct"])
    if question.choose != len(new):
        question.choose = len(new)
        question.save(update_fields=["choose", "updated_at"])
    key_labels_refresh(question=question)
    revision = key_revision_record(
        question=question, old_labels=old, new_labels=new, note=note, effective=effective, user=user
    )
    community_refresh(question=question)
    return revision


def question_retire(*, question: Question) -> str:
    """Retired questions stay (learners' history points at them) but are no longer shown."""
    if question.status == Question.Status.RETIRED:
        return UNCHANGED
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status", "updated_at"])
    return RETIRED


def questions_set_status(*, question_ids: list[int], status: str) -> int:
    """Bulk publish or retire; saves one by one so the edit history records each change."""
    changed = 0
    for question in Question.objects.filter(pk__in=question_ids).exclude(status=status):
        question.status = status
        question.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed


def questions_mark_verified(*, question_ids: list[int], on: date | None = None) -> int:
    on = on or timezone.localdate()
    changed = 0
    for question in Question.objects.filter(pk__in=question_ids):
        if question.last_verified != on:
            question.last_verified = on
            question.save(update_fields=["last_verified", "updated_at"])
            changed += 1
    return changed
