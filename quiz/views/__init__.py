from quiz.views.accounts import signup
from quiz.views.bank import question_detail, search, topic_discussion, topic_questions
from quiz.views.dashboard import home, profile
from quiz.views.discussion import comment_create, comment_delete, comment_edit
from quiz.views.exams import (
    attempt_flag,
    attempt_question,
    attempt_results,
    attempt_resume,
    attempt_review,
    attempt_save,
    attempt_submit,
    exam_history,
    exam_list,
    exam_start,
)
from quiz.views.feedback import report_create, vote_create
from quiz.views.practice import (
    flagged_list,
    practice_answer,
    practice_finish,
    practice_flag,
    practice_home,
    practice_question,
    practice_resume,
    practice_retry,
    practice_summary,
    practice_topic,
)
from quiz.views.readiness import readiness_calibration, readiness_card, readiness_page
from quiz.views.review import review_home, review_rate, review_start

__all__ = [
    "attempt_flag",
    "attempt_question",
    "attempt_results",
    "attempt_resume",
    "attempt_review",
    "attempt_save",
    "attempt_submit",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "exam_history",
    "exam_list",
    "exam_start",
    "flagged_list",
    "home",
    "practice_answer",
    "practice_finish",
    "practice_flag",
    "practice_home",
    "practice_question",
    "practice_resume",
    "practice_retry",
    "practice_summary",
    "practice_topic",
    "profile",
    "question_detail",
    "readiness_calibration",
    "readiness_card",
    "readiness_page",
    "report_create",
    "review_home",
    "review_rate",
    "review_start",
    "search",
    "signup",
    "topic_discussion",
    "topic_questions",
    "vote_create",
]
