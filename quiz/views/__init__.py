from quiz.views.accounts import signup
from quiz.views.bank import question_detail, search, topic_discussion, topic_questions
from quiz.views.discussion import comment_create, comment_delete, comment_edit
from quiz.views.feedback import report_create, vote_create

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_edit",
    "question_detail",
    "report_create",
    "search",
    "signup",
    "topic_discussion",
    "topic_questions",
    "vote_create",
]
