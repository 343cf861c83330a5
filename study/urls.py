from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    # "/" shows this page to visitors and a dashboard to signed-in learners (quiz.views.home).
    path("certifications/", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
]
