"""Admin screens for what learners send in: reports, votes, comments, and duplicate suspects."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from quiz.models import AnswerRecord, Comment, DuplicateSuspect, Report, Vote
from quiz.services import duplicate_dismiss, duplicates_scan, report_resolve


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
        """To the merge screen of the one pair selected: its choices need pairing first."""
        suspects = list(queryset.filter(status=DuplicateSuspect.Status.OPEN)[:2])
        if len(suspects) != 1:
            messages.error(
                request,
                "Select one open pair to merge: each merge pairs the two questions' choices "
                "first, so learners' answers stay on the same choice.",
            )
            return None
        suspect = suspects[0]
        survivor, duplicate = (
            (suspect.question_id, suspect.other_id)
            if keep_first
            else (suspect.other_id, suspect.question_id)
        )
        url = reverse("admin:quiz_question_merge", args=[duplicate])
        return redirect(f"{url}?into={survivor}")

    @admin.action(description="Merge: keep the first question", permissions=["change"])
    def merge_into_first(self, request, queryset):
        return self._merge(request, queryset, keep_first=True)

    @admin.action(description="Merge: keep the second question", permissions=["change"])
    def merge_into_second(self, request, queryset):
        return self._merge(request, queryset, keep_first=False)

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
