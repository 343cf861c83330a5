from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("topics/<slug:slug>/questions/", views.topic_questions, name="topic_questions"),
    path("topics/<slug:slug>/discussion/", views.topic_discussion, name="topic_discussion"),
    path("questions/<slug:ext_id>/", views.question_detail, name="question_detail"),
    path("search/", views.search, name="search"),
]
