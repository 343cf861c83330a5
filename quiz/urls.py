"""The quiz app's routes, by capability (quiz/README.md maps each to its view)."""

from django.urls import path

from quiz import views

app_name = "quiz"

# The bank: questions, their discussion, search.
bank = [
    path("topics/<slug:slug>/questions/", views.topic_questions, name="topic_questions"),
    path("topics/<slug:slug>/discussion/", views.topic_discussion, name="topic_discussion"),
    path("questions/<slug:ext_id>/", views.question_detail, name="question_detail"),
    path("questions/<slug:ext_id>/comments/", views.comment_create, name="comment_create"),
    path("questions/<slug:ext_id>/vote/", views.vote_create, name="vote_create"),
    path("questions/<slug:ext_id>/report/", views.report_create, name="report_create"),
    path("comments/<id:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("search/", views.search, name="search"),
]

# Practice sessions and spaced-repetition review.
practice = [
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/topics/<slug:slug>/", views.practice_topic, name="practice_topic"),
    path("practice/<id:pk>/", views.practice_resume, name="practice_resume"),
    path("practice/<id:pk>/q/<id:position>/", views.practice_question, name="practice_question"),
    path(
        "practice/<id:pk>/q/<id:position>/answer/",
        views.practice_answer,
        name="practice_answer",
    ),
    path("practice/<id:pk>/q/<id:position>/flag/", views.practice_flag, name="practice_flag"),
    path("practice/<id:pk>/q/<id:position>/strike/", views.practice_strike, name="practice_strike"),
    path("practice/<id:pk>/finish/", views.practice_finish, name="practice_finish"),
    path("practice/<id:pk>/summary/", views.practice_summary, name="practice_summary"),
    path("practice/<id:pk>/retry/", views.practice_retry, name="practice_retry"),
    path("flagged/", views.flagged_list, name="flagged_list"),
    path("review/", views.review_home, name="review_home"),
    path("review/start/", views.review_start, name="review_start"),
    path("review/rate/<id:pk>/", views.review_rate, name="review_rate"),
]

# Mock exams and readiness (the chance of passing one).
exams = [
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/history/", views.exam_history, name="exam_history"),
    path("exams/<slug:slug>/start/", views.exam_start, name="exam_start"),
    path("exams/attempt/<id:pk>/", views.attempt_resume, name="attempt_resume"),
    path("exams/attempt/<id:pk>/q/<id:position>/", views.attempt_question, name="attempt_question"),
    path("exams/attempt/<id:pk>/q/<id:position>/save/", views.attempt_save, name="attempt_save"),
    path("exams/attempt/<id:pk>/q/<id:position>/flag/", views.attempt_flag, name="attempt_flag"),
    path(
        "exams/attempt/<id:pk>/q/<id:position>/strike/",
        views.attempt_strike,
        name="attempt_strike",
    ),
    path("exams/attempt/<id:pk>/review/", views.attempt_review, name="attempt_review"),
    path("exams/attempt/<id:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("exams/attempt/<id:pk>/results/", views.attempt_results, name="attempt_results"),
    path("readiness/", views.readiness_page, name="readiness"),
    path("readiness/card/", views.readiness_card, name="readiness_card"),
    path("readiness/calibration/", views.readiness_calibration, name="readiness_calibration"),
]

# The learner's dashboard and account.
accounts = [
    path("", views.home, name="home"),
    path("account/", views.profile, name="profile"),
    path("progress/", views.progress, name="progress"),
    path("accounts/signup/", views.signup, name="signup"),
]

urlpatterns = [*accounts, *bank, *practice, *exams]
