from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
]
