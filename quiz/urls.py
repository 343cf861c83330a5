from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("topics/<slug:slug>/questions/", views.topic_questions, name="topic_questions"),
    path("topics/<slug:slug>/discussion/", views.topic_discussion, name="topic_discussion"),
    path("questions/<slug:ext_id>/", views.question_detail, name="question_detail"),
    path("questions/<slug:ext_id>/comments/", views.comment_create, name="comment_create"),
    path("questions/<slug:ext_id>/vote/", views.vote_create, name="vote_create"),
    path("questions/<slug:ext_id>/report/", views.report_create, name="report_create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("search/", views.search, name="search"),
    path("accounts/signup/", views.signup, name="signup"),
]
