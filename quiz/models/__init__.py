from quiz.models.answers import AnswerRecord, AnswerSource
from quiz.models.bank import (
    AnswerKeyRevision,
    Choice,
    Disclaimer,
    Question,
    QuestionQuerySet,
    QuestionReference,
    QuestionSet,
)
from quiz.models.discussion import Comment, CommentQuerySet
from quiz.models.duplicates import DuplicateSuspect
from quiz.models.feedback import Report, Vote

__all__ = [
    "AnswerKeyRevision",
    "AnswerRecord",
    "AnswerSource",
    "Choice",
    "Comment",
    "CommentQuerySet",
    "Disclaimer",
    "DuplicateSuspect",
    "Question",
    "QuestionQuerySet",
    "QuestionReference",
    "QuestionSet",
    "Report",
    "Vote",
]
