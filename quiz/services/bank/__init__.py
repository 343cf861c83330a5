from quiz.services.bank.writer import (  # noqa: F401
    QuestionPlacement,
    disclaimer_sync,
    key_change,
    key_revision_record,
    question_render,
    question_retire,
    question_set_sync,
    questions_mark_verified,
    questions_set_status,
    questions_sync,
)
