"""Writes to the question bank and the learning records; each module owns one concept."""

from quiz.services.bank import (
    current_key,
    disclaimer_sync,
    key_change,
    key_revision_record,
    question_render,
    question_retire,
    question_set_sync,
    question_sync,
    questions_mark_verified,
    questions_set_status,
)
from quiz.services.discussion import (
    comment_delete,
    comment_edit,
    comment_post,
    comment_retire,
    comment_sync,
)
from quiz.services.duplicates import (
    duplicate_dismiss,
    duplicates_of,
    duplicates_scan,
    question_merge,
)
from quiz.services.feedback import (
    answer_record,
    community_refresh,
    labels_clean,
    report_file,
    report_resolve,
    vote_cast,
)

__all__ = [
    "answer_record",
    "comment_delete",
    "comment_edit",
    "comment_post",
    "comment_retire",
    "comment_sync",
    "community_refresh",
    "current_key",
    "disclaimer_sync",
    "duplicate_dismiss",
    "duplicates_of",
    "duplicates_scan",
    "key_change",
    "key_revision_record",
    "labels_clean",
    "question_merge",
    "question_render",
    "question_retire",
    "question_set_sync",
    "question_sync",
    "questions_mark_verified",
    "questions_set_status",
    "report_file",
    "report_resolve",
    "vote_cast",
]
