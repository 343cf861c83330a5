"""Writes to the question bank: the content library's bulk sync (sync.py) and the editing
of one question (editing.py)."""

from quiz.services.bank.editing import (
    KeyChange,
    QuestionInvalid,
    key_change,
    key_revision_record,
    question_check,
    question_problems,
    question_retire,
    question_save,
    questions_mark_verified,
    questions_set_status,
)
from quiz.services.bank.sync import (
    QuestionPlacement,
    disclaimer_sync,
    question_set_sync,
    questions_sync,
)

__all__ = [
    "KeyChange",
    "QuestionInvalid",
    "QuestionPlacement",
    "disclaimer_sync",
    "key_change",
    "key_revision_record",
    "question_check",
    "question_problems",
    "question_retire",
    "question_save",
    "question_set_sync",
    "questions_mark_verified",
    "questions_set_status",
    "questions_sync",
]
