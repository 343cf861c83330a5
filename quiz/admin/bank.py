from django.contrib import admin

from quiz.models import Disclaimer, QuestionSet
from quiz.services import disclaimer_sync


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "position"]
    list_filter = ["topic"]
    list_select_related = ["topic"]


@admin.register(Disclaimer)
class DisclaimerAdmin(admin.ModelAdmin):
    list_display = ["topic"]
    list_select_related = ["topic"]

    def save_model(self, request, obj, form, change):
        # Through the service, so the stored HTML is rendered and sanitized.
        disclaimer_sync(topic=obj.topic, body=obj.body)
        obj.pk = Disclaimer.objects.get(topic=obj.topic).pk
