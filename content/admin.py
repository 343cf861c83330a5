"""The content library's admin screens: question import (upload, preview, confirm; the
writes are content.services', shared with the import_questions command) and exports
(content files, GIFT, Moodle XML, CSV, Anki) of selected questions or topics."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from content.exporter import questions_zip
from content.forms import QuestionUploadForm
from content.interchange.export import EXPORT_FORMATS, export_queryset, export_questions
from content.models import QuestionUpload
from content.services import upload_apply, upload_create, upload_plan
from quiz.admin import QuestionAdmin as BankQuestionAdmin
from quiz.models import Question
from study.admin import TopicAdmin as StudyTopicAdmin
from study.models import Topic


def _download(exported) -> HttpResponse:
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _export_or_message(modeladmin, request, rows, file_format, name, key):
    """The file, or (when the format cannot hold a question) a message on the list."""
    try:
        return _download(export_questions(rows, file_format, name=name, key=key))
    except ValueError as error:
        modeladmin.message_user(request, f"Not exported: {error}", messages.ERROR)
        return None


def _export_action(file_format: str, label: str):
    @admin.action(description=f"Export selected as {label}", permissions=["view"])
    def action(modeladmin, request, queryset):
        rows = export_queryset(Question.objects.filter(pk__in=queryset.values("pk")))
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return _export_or_message(
            modeladmin, request, rows, file_format, f"Selected questions {stamp}", stamp
        )

    action.__name__ = f"export_{file_format}"
    return action


class QuestionAdmin(BankQuestionAdmin):
    change_list_template = "admin/content/question_change_list.html"
    actions = [
        *BankQuestionAdmin.actions,
        "export_selected",
        *(_export_action(fmt, label) for fmt, (label, _t, _e) in EXPORT_FORMATS.items()),
    ]

    @admin.action(description="Export selected to content files (zip)", permissions=["view"])
    def export_selected(self, request, queryset):
        data = questions_zip(Question.objects.filter(pk__in=queryset.values("pk")))
        response = HttpResponse(data, content_type="application/zip")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.zip"'
        return response

    # -- import: upload, preview (nothing written), confirm (all or nothing) ---------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="content_question_import"),
            path(
                "import/<id:upload_id>/",
                view(self.import_preview_view),
                name="content_question_import_preview",
            ),
            path(
                "import/template.csv",
                view(self.import_template_view),
                name="content_question_import_template",
            ),
            *super().get_urls(),
        ]

    def _check_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def import_view(self, request):
        self._check_import_permission(request)
        form = QuestionUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            upload = upload_create(  # reads and checks the file, once, and keeps the plan
                file_name=file.name,
                file_format=form.cleaned_data["file_format"],
                data=file.read(),
                topic=form.cleaned_data["topic"],
                skip_unsupported=form.cleaned_data["skip_unsupported"],
                skip_duplicates=form.cleaned_data["skip_duplicates"],
                user=request.user,
            )
            return redirect("admin:content_question_import_preview", upload.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import questions",
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/content/question_import.html",
            context,
            status=422 if form.errors else 200,
        )

    def import_preview_view(self, request, upload_id):
        self._check_import_permission(request)
        upload = get_object_or_404(QuestionUpload, pk=upload_id)
        if upload.imported_at:
            messages.info(request, f"{upload.file_name} was already imported: {upload.summary}.")
            return redirect(self._topic_changelist(upload.topic))
        if request.method == "POST":
            try:
                applied = upload_apply(upload=upload)  # refuses errors, or a plan gone outdated
            except ValueError as error:
                messages.error(request, f"Nothing was imported: {error}.")
            else:
                created = applied.count("create")
                drafts = (
                    f" The {created} new question{'s are' if created != 1 else ' is a'} "
                    f"draft{'s' if created != 1 else ''}: select and publish "
                    f"{'them' if created != 1 else 'it'} when checked."
                    if created
                    else ""
                )
                messages.success(
                    request,
                    f"Imported {upload.file_name} into {upload.topic}: {applied.summary}.{drafts}",
                )
                return redirect(self._topic_changelist(upload.topic))
        plan = upload_plan(upload=upload)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Preview: {upload.file_name}",
            "upload": upload,
            "plan": plan,
        }
        return TemplateResponse(request, "admin/content/question_import_preview.html", context)

    def import_template_view(self, request):
        from content.interchange.csvfile import CSV_TEMPLATE

        response = HttpResponse(CSV_TEMPLATE, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="questions-template.csv"'
        return response

    def _topic_changelist(self, topic) -> str:
        return reverse("admin:quiz_question_changelist") + f"?topic__id__exact={topic.pk}"


def _topic_export_action(file_format: str, label: str):
    @admin.action(description=f"Export questions as {label}", permissions=["view"])
    def action(modeladmin, request, queryset):
        topics = list(queryset.select_related("certification"))
        rows = export_queryset(Question.objects.live().filter(topic__in=topics))
        if len(topics) == 1:
            name, key = f"{topics[0].certification.name} - {topics[0].title}", topics[0].slug
        else:
            name, key = "Selected topics", "-".join(sorted(t.slug for t in topics))[:80]
        return _export_or_message(modeladmin, request, rows, file_format, name, key)

    action.__name__ = f"export_topic_{file_format}"
    return action


class TopicAdmin(StudyTopicAdmin):
    actions = [
        *(StudyTopicAdmin.actions or []),
        *(_topic_export_action(fmt, label) for fmt, (label, _t, _e) in EXPORT_FORMATS.items()),
    ]


@admin.register(QuestionUpload)
class QuestionUploadAdmin(admin.ModelAdmin):
    list_display = ["file_name", "topic", "file_format", "uploaded_by", "uploaded_at", "summary"]
    list_filter = ["file_format", "imported_at"]
    readonly_fields = [
        f.name for f in QuestionUpload._meta.fields if f.name not in ("data", "plan")
    ]
    exclude = ["data", "plan"]

    def has_add_permission(self, request):
        return False  # uploads are made on the question list's "Import questions" page


# Registered here, once: the bank's and the study notes' admins (quiz.admin, study.admin) are
# completed by the content screens (import, exports), and content is the app above both.
admin.site.register(Question, QuestionAdmin)
admin.site.register(Topic, TopicAdmin)
