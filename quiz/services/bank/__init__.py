"""Writes to the question bank: the content library's bulk sync (sync.py), the editing
of one question (editing.py), its versions (versions.py) and restoring one (revert.py)."""

# Re-exported for quiz.services, which lists the public names.
from quiz.services.bank.editing import (  # noqa: F401
    KeyChange,
    QuestionInvalid,
    key_change,
    key_revision_record,
    labels_ever_used_many,
    question_check,
    question_problems,
    question_retire,
    question_save,
    questions_mark_verified,
    questions_set_status,
)
from quiz.services.bank.revert import question_revert  # noqa: F401
from quiz.services.bank.sync import (  # noqa: F401
    QuestionPlacement,
    disclaimer_sync,
    question_set_sync,
    questions_sync,
)
from quiz.services.bank.versions import version_record, versions_record_many  # noqa: F401
