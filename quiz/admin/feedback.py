"""Admin screens for what learners send in: reports, votes, comments, and duplicate suspects."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from quiz.models import AnswerRecord, Comment, DuplicateSuspect, Report, Vote
from quiz.services import duplicate_dismiss, duplicates_scan, question_merge, report_resolve


class ReportForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        choices=[
            ("", "Keep open"),
            ("resolve", "Resolve (fixed)"),
            ("decline", "Decline (no change)"),
        ],
        required=False,
    )

    class Meta:
        model = Report
        fields = ["decision"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 3, "cols": 70})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") and not cleaned.get("decision", "").strip():
            self.add_error("decision", "Write the decision: it is shown publicly on the question.")
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportForm
    list_display = ["question", "reason", "status", "user", "created_at", "resolved_by"]
    list_filter = ["status", "reason"]
    list_select_related = ["question", "user", "resolved_by"]
    search_fields = ["question__ext_id", "text", "decision"]
    readonly_fields = ["question", "user", "reason", "text", "status", "resolved_by", "resolved_at"]
    fields = [*readonly_fields[:5], "decision", "outcome", "resolved_by", "resolved_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        outcome = form.cleaned_data.get("outcome")
        if not outcome:
            if obj.status == Report.Status.OPEN:
                obj.save(update_fields=["decision"])
            return
        try:
            report_resolve(
                report=Report.objects.get(pk=obj.pk),
                user=request.user,
                decision=form.cleaned_data["decision"],
                accepted=outcome == "resolve",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


@admin.register(DuplicateSuspect)
class DuplicateSuspectAdmin(admin.ModelAdmin):
    list_display = ["question", "other", "similarity", "status", "detected_at"]
    list_filter = ["status"]
    list_select_related = ["question", "other"]
    readonly_fields = ["question", "other", "similarity", "detected_at"]
    fields = ["question", "other", "similarity", "status", "detected_at"]
    actions = ["merge_into_first", "merge_into_second", "dismiss", "scan"]

    def has_add_permission(self, request):
        return False

    def _merge(self, request, queryset, keep_first: bool):
        merged = 0
        for suspect in queryset.filter(status=DuplicateSuspect.Status.OPEN).select_related(
            "question", "other"
        ):
            survivor, duplicate = (
                (suspect.question, suspect.other)
                if keep_first
                else (suspect.other, suspect.question)
            )
            try:
                question_merge(duplicate=duplicate, survivor=survivor, user=request.user)
                merged += 1
            except ValidationError as error:
                messages.error(request, f"{suspect}: {' '.join(error.messages)}")
        self.message_user(request, f"{merged} pair(s) merged; learners' history moved over.")

    @admin.action(description="Merge: keep the first question", permissions=["change"])
    def merge_into_first(self, request, queryset):
        self._merge(request, queryset, keep_first=True)

    @admin.action(description="Merge: keep the second question", permissions=["change"])
    def merge_into_second(self, request, queryset):
        self._merge(request, queryset, keep_first=False)

    @admin.action(description="Not duplicates: dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        for suspect in queryset:
            duplicate_dismiss(suspect=suspect)
        self.message_user(request, f"{queryset.count()} pair(s) dismissed.")

    @admin.action(description="Scan the whole bank for new suspects", permissions=["change"])
    def scan(self, request, queryset):
        self.message_user(request, f"{duplicates_scan()} new suspected pair(s) found.")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "question", "topic", "created_at", "is_deleted", "is_retired"]
    list_filter = ["topic", "is_deleted", "is_retired"]
    list_select_related = ["question", "topic"]
    search_fields = ["author_name", "body"]
    fields = ["author_name", "user", "topic", "question", "parent", "body", "is_deleted"]
    readonly_fields = ["author_name", "user", "topic", "question", "parent", "body"]

    def has_add_permission(self, request):
        return False


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["question", "labels", "user", "updated_at"]
    list_select_related = ["question", "user"]
    search_fields = ["question__ext_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AnswerRecord)
class AnswerRecordAdmin(admin.ModelAdmin):
    list_display = ["question", "user", "chosen_labels", "is_correct", "source", "answered_at"]
    list_filter = ["source", "is_correct"]
    list_select_related = ["question", "user"]
    search_fields = ["question__ext_id", "user__username"]
    date_hierarchy = "answered_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
