"""Writes to the question bank. The content importer (and later the admin) come through here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from quiz.models import AnswerKeyRevision, Choice, Comment, Disclaimer, Question, QuestionSet
from quiz.validation import QuestionData, validate_question
from study.markdown import render_markdown
from study.models import Topic
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


@transaction.atomic
def question_sync(
    *,
    topic: Topic,
    data: QuestionData,
    question_set: QuestionSet | None = None,
    number: int = 0,
    position: int = 0,
    duplicate_of: Question | None = None,
) -> tuple[Question, str]:
    """Create or update a question, its choices and its earlier answer keys, by stable id."""
    problems = validate_question(data)
    if problems:
        raise ValidationError([f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems])

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
            "duplicate_of_id": duplicate_of.pk if duplicate_of else None,
            "status": Question.Status.PUBLISHED,
        },
    )
    changed = outcome != UNCHANGED

    existing = {choice.label: choice for choice in question.choices.all()}
    for index, choice_data in enumerate(data.choices):
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

    changed |= _key_history_sync(question, data)
    if changed and outcome == UNCHANGED:
        outcome = UPDATED
    return question, outcome


def _key_history_sync(question: Question, data: QuestionData) -> bool:
    current = [
        (revision.labels, revision.valid_until, revision.until_precision, revision.note)
        for revision in question.key_revisions.all()
    ]
    wanted = [
        (revision.labels, revision.until, revision.precision, revision.note)
        for revision in data.key_history
    ]
    if current == wanted:
        return False
    question.key_revisions.all().delete()
    for index, revision in enumerate(data.key_history):
        AnswerKeyRevision.objects.create(
            question=question,
            correct_labels=",".join(revision.labels),
            valid_until=revision.until,
            until_precision=revision.precision,
            note=revision.note,
            note_html=render_markdown(revision.note),
            position=index,
        )
    return True


def question_retire(*, question: Question) -> str:
    """Retired questions stay (learners' history points at them) but are no longer shown."""
    if question.status == Question.Status.RETIRED:
        return UNCHANGED
    question.status = Question.Status.RETIRED
    question.save(update_fields=["status", "updated_at"])
    return RETIRED


@transaction.atomic
def comment_sync(
    *,
    topic: Topic,
    ext_id: str,
    author_name: str,
    body: str,
    position: int,
    question: Question | None = None,
    parent: Comment | None = None,
    is_missing: bool = False,
) -> tuple[Comment, str]:
    comment = Comment.objects.filter(ext_id=ext_id).first() or Comment(ext_id=ext_id)
    outcome = save_if_changed(
        comment,
        {
            "topic_id": topic.pk,
            "question_id": question.pk if question else None,
            "parent_id": parent.pk if parent else None,
            "author_name": author_name,
            "body": body,
            "body_html": render_markdown(body, hard_breaks=True),
            "is_missing": is_missing,
            "is_retired": False,
            "position": position,
        },
    )
    return comment, outcome


def comment_retire(*, comment: Comment) -> str:
    if comment.is_retired:
        return UNCHANGED
    comment.is_retired = True
    comment.save(update_fields=["is_retired"])
    return RETIRED
