"""The content library's admin screens: export selected questions as content files."""

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from content.exporter import questions_zip
from quiz.admin import QuestionAdmin as BankQuestionAdmin
from quiz.models import Question


class QuestionAdmin(BankQuestionAdmin):
    actions = [*BankQuestionAdmin.actions, "export_selected"]

    @admin.action(description="Export selected to content files (zip)", permissions=["view"])
    def export_selected(self, request, queryset):
        data = questions_zip(Question.objects.filter(pk__in=queryset.values("pk")))
        response = HttpResponse(data, content_type="application/zip")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.zip"'
        return response


admin.site.unregister(Question)
admin.site.register(Question, QuestionAdmin)
