from quiz.admin import site  # noqa: F401  (titles)
from quiz.admin.bank import DisclaimerAdmin, QuestionSetAdmin
from quiz.admin.exams import AttemptAdmin, BlueprintAdmin
from quiz.admin.feedback import (
    AnswerRecordAdmin,
    CommentAdmin,
    DuplicateSuspectAdmin,
    ReportAdmin,
    VoteAdmin,
)
from quiz.admin.question import QuestionAdmin

__all__ = [
    "AnswerRecordAdmin",
    "AttemptAdmin",
    "BlueprintAdmin",
    "CommentAdmin",
    "DisclaimerAdmin",
    "DuplicateSuspectAdmin",
    "QuestionAdmin",
    "QuestionSetAdmin",
    "ReportAdmin",
    "VoteAdmin",
]
