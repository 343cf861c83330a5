"""Bank questions out to GIFT, Moodle XML, CSV or an Anki deck."""

import string
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from content.interchange.model import (
    MARKDOWN,
    SOURCE_NOTE,
    BankExtras,
    ImportedChoice,
    ImportedQuestion,
    reference_line,
)
from quiz.models import AnswerKeyRevision, Choice, Question, QuestionReference

LETTERS = string.ascii_uppercase
EXPORT_FORMATS = {
    "gift": ("GIFT", "text/plain; charset=utf-8", "gift"),
    "moodlexml": ("Moodle XML", "application/xml; charset=utf-8", "xml"),
    "csv": ("CSV", "text/csv; charset=utf-8", "csv"),
    "anki": ("Anki deck", "application/octet-stream", "apkg"),
}


@dataclass
class ExportFile:
    data: bytes
    content_type: str
    filename: str


def export_queryset(questions: QuerySet[Question]) -> list[Question]:
    """Questions with everything an export writes, in bank order, in five queries."""
    return list(
        questions.select_related("topic__certification", "question_set", "domain")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "label")),
            Prefetch("key_revisions", queryset=AnswerKeyRevision.objects.order_by("position")),
            Prefetch(
                "references",
                queryset=QuestionReference.objects.select_related("note").order_by("position"),
            ),
        )
        .order_by("topic__certification__position", "topic__position", "position", "pk")
    )


def from_question(question: Question) -> ImportedQuestion:
    """A bank question in the interchange form: markdown text, named as it was in the file it
    came from (else by our id), with what only the bank keeps (our id first) as extras."""
    return ImportedQuestion(
        line=0,
        name=question.import_name or question.ext_id,
        # "/" separates category levels in GIFT and Moodle: keep names one level each.
        category="/".join(
            name.replace("/", "-")
            for name in (question.topic.certification.name, question.topic.title)
        ),
        stem=question.stem,
        choices=[
            ImportedChoice(
                text=c.text,
                is_correct=c.is_correct,
                feedback=_feedback(c.explanation, c.source_note),
                label=c.label,
            )
            for c in question.choices.all()
        ],
        explanation=question.explanation,
        text_format=MARKDOWN,
        shuffle=question.shuffle_choices,
        # Choice references, written as letters by each writer in the order its file shows.
        outdated=[
            f"{', '.join(f'[[{label}]]' for label in rev.labels)} was correct until "
            f"{rev.until_display}: {rev.note}"
            for rev in question.key_revisions.all()
        ],
        extras=BankExtras(
            id=question.ext_id,
            set=question.question_set.title if question.question_set else "",
            number=question.number,
            source=question.source,
            disputed=question.disputed,
            domain=question.domain.slug if question.domain else "",
            difficulty=question.difficulty,
            last_verified=question.last_verified.isoformat() if question.last_verified else "",
            references=[
                reference_line(r.note.anchor if r.note else "", r.url, r.title)
                for r in question.references.all()
            ],
        ),
    )


def _feedback(explanation: str, source_note: str) -> str:
    """A choice's explanation, and what its source said of it, as one feedback text."""
    if not source_note.strip():
        return explanation
    note = f"{SOURCE_NOTE}{source_note.strip()}"
    return f"{explanation.strip()}\n\n{note}" if explanation.strip() else note


def export_questions(
    questions: list[Question], file_format: str, *, name: str, key: str
) -> ExportFile:
    """One file of these questions. `name` titles the Anki deck; `key` (a slug) names the
    file and keeps the deck's identity across exports. ValueError when the format cannot
    hold a question (CSV has columns for six choices)."""
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    _label, content_type, extension = EXPORT_FORMATS[file_format]
    items = [from_question(question) for question in questions]
    if file_format != "anki":  # Anki shows the choices shuffled and letters them itself
        items = [item.lettered(list(LETTERS[: len(item.choices)])) for item in items]
    if file_format == "gift":
        from content.interchange.gift import write_gift

        data = write_gift(items).encode()
    elif file_format == "moodlexml":
        from content.interchange.moodlexml import write_moodle_xml

        data = write_moodle_xml(items).encode()
    elif file_format == "csv":
        from content.interchange.csvfile import write_csv

        data = write_csv(items).encode()
    else:
        from content.interchange.anki import build_apkg

        data = build_apkg(deck_name=name, deck_key=key, questions=items)
    return ExportFile(data, content_type, f"{key}.{extension}")
