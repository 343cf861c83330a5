"""The question editor: where content editors live."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from config.ids import IdModelChoiceField, IdModelMultipleChoiceField, parse_id
from quiz import choice_refs, selectors
from quiz.admin.limits import BoundedInline, IdAutocomplete
from quiz.admin.widgets import MarkdownPreviewTextarea
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Choice,
    DuplicateSuspect,
    Question,
    QuestionReference,
    Report,
)
from quiz.services import (
    duplicates_of,
    key_change,
    key_revision_record,
    question_render,
    questions_mark_verified,
    questions_set_status,
)
from quiz.validation import ChoiceData, KeyRevisionData, QuestionData, validate_question

# ---- list filters ------------------------------------------------------------------------


class AnswerTypeFilter(admin.SimpleListFilter):
    title = "answer type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("single", "Single answer"), ("multi", "Multiple answers")]

    def queryset(self, request, queryset):
        if self.value() == "single":
            return queryset.filter(choose=1)
        if self.value() == "multi":
            return queryset.filter(choose__gt=1)
        return queryset


class OutdatedFilter(admin.SimpleListFilter):
    title = "answer key changed"
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("yes", "Has an outdated key"), ("no", "Never changed")]

    def queryset(self, request, queryset):
        revisions = Exists(AnswerKeyRevision.objects.filter(question=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(revisions)
        if self.value() == "no":
            return queryset.exclude(revisions)
        return queryset


class DisputedFilter(admin.SimpleListFilter):
    title = "disputed"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "Disputed (readers, votes or open reports)"), ("no", "Not disputed")]

    def queryset(self, request, queryset):
        disputed = selectors.disputed_questions().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=disputed)
        if self.value() == "no":
            return queryset.exclude(pk__in=disputed)
        return queryset


class SuspectedDuplicateFilter(admin.SimpleListFilter):
    title = "suspected duplicate"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Suspected duplicate"), ("linked", "Recorded duplicate")]

    def queryset(self, request, queryset):
        suspects = DuplicateSuspect.objects.filter(status=DuplicateSuspect.Status.OPEN)
        if self.value() == "yes":
            return queryset.filter(
                Exists(suspects.filter(question=OuterRef("pk")))
                | Exists(suspects.filter(other=OuterRef("pk")))
            )
        if self.value() == "linked":
            return queryset.filter(duplicate_of__isnull=False)
        return queryset


class LastVerifiedFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("6", "More than 6 months ago or never"),
            ("12", "More than 12 months ago or never"),
            ("24", "More than 24 months ago or never"),
            ("never", "Never"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never":
            return queryset.filter(last_verified__isnull=True)
        if value in {"6", "12", "24"}:
            cutoff = timezone.localdate() - timedelta(days=int(value) * 365 // 12)
            return queryset.filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True))
        return queryset


# ---- the form: choices inline, validated by the one validation function -----------------


class QuestionForm(forms.ModelForm):
    key_change_note = forms.CharField(
        label="Why the key changed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed only when you change which choices are correct. Learners see it "
        "as the outdated-answer note; name choices as [[B]], not B.",
    )
    key_change_effective = forms.DateField(
        label="Key change effective",
        required=False,
        initial=timezone.localdate,
        help_text="When the old key stopped being right (YYYY-MM-DD).",
    )

    class Meta:
        model = Question
        fields = [
            "ext_id",
            "topic",
            "question_set",
            "number",
            "position",
            "status",
            "stem",
            "choose",
            "shuffle_choices",
            "explanation",
            "difficulty",
            "last_verified",
            "source",
            "disputed",
            "duplicate_of",
            "also_topics",
        ]
        widgets = {
            "stem": MarkdownPreviewTextarea({"rows": 5}),
            "explanation": MarkdownPreviewTextarea(),
            "disputed": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def clean(self):
        cleaned = super().clean()
        duplicate = cleaned.get("duplicate_of")
        if duplicate is not None and duplicate.pk == self.instance.pk:
            # The database refuses it too (question_not_own_duplicate), with a 500.
            self.add_error("duplicate_of", "A question cannot be a duplicate of itself.")
        # The choices formset reads these to decide whether a key change is explained.
        self.instance._key_change_note = cleaned.get("key_change_note", "")
        self.instance._key_change_effective = cleaned.get("key_change_effective")
        return cleaned


_CHOICE_FIELDS = {"label": "label", "text": "text", "correct": "is_correct"}


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Our rules first (their messages name the label), then Django's uniqueness checks.
        if any(self.errors):
            return
        forms_kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        question = self.instance
        data = QuestionData(
            ext_id=question.ext_id or "",
            stem=question.stem or "",
            choose=question.choose or 1,
            shuffle=question.shuffle_choices,
            explanation=question.explanation or "",
            disputed=question.disputed or "",
            choices=[
                ChoiceData(
                    label=form.cleaned_data.get("label", ""),
                    text=form.cleaned_data.get("text", ""),
                    is_correct=form.cleaned_data.get("is_correct", False),
                    explanation=form.cleaned_data.get("explanation", ""),
                    source_note=form.cleaned_data.get("source_note", ""),
                )
                for form in forms_kept
            ],
        )
        old = (
            sorted(
                Choice.objects.filter(question_id=question.pk, is_correct=True).values_list(
                    "label", flat=True
                )
            )
            if question.pk
            else []
        )
        new = sorted(choice.label for choice in data.choices if choice.is_correct)
        note = getattr(question, "_key_change_note", "").strip()
        if old and old != new and note:
            # The note learners will read is checked like every text of the question.
            effective = getattr(question, "_key_change_effective", None) or timezone.localdate()
            data.key_history = [KeyRevisionData(old, effective, "day", note)]
        general = []
        for problem in validate_question(data):
            if problem.path[:1] == ("choices",) and len(problem.path) == 3:
                form = forms_kept[problem.path[1]]
                form.add_error(
                    _CHOICE_FIELDS.get(problem.path[2], problem.path[2]), problem.message
                )
            elif problem.path[:1] == ("key_history",):
                general.append(f"Why the key changed: {problem.message}")
            elif problem.path[:1] in {("explanation",), ("disputed",)}:
                general.append(f"{problem.path[0].capitalize()}: {problem.message}")
            elif problem.path[:1] in {("choices",), ("choose",), ("id",), ("stem",)}:
                general.append(problem.message)
        if general:
            raise ValidationError(general)

        if question.pk:
            if old != new and not getattr(question, "_key_change_note", "").strip():
                raise ValidationError(
                    f"You changed the answer key from {'+'.join(old)} to {'+'.join(new)}. "
                    "Say why in “Why the key changed” (learners see it as the outdated-answer "
                    "note), or use “Change answer key”."
                )
            question._key_change = (old, new) if old != new else None
        super().clean()


class ChoiceInline(BoundedInline, admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    min_num = 2
    fields = ["label", "text", "is_correct", "explanation", "source_note", "position"]
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"text", "explanation", "source_note"}:
            kwargs["widget"] = MarkdownPreviewTextarea({"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReferenceInline(BoundedInline, IdAutocomplete, admin.TabularInline):
    model = QuestionReference
    extra = 0
    fields = ["note", "url", "title", "position"]
    autocomplete_fields = ["note"]


class KeyRevisionInline(BoundedInline, admin.TabularInline):
    model = AnswerKeyRevision
    extra = 0
    can_delete = False
    fields = ["correct_labels", "new_labels", "valid_until", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    verbose_name_plural = "Answer-key history (use “Change answer key” to add)"

    def has_add_permission(self, request, obj=None):
        return False


# ---- the admin -----------------------------------------------------------------------------


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("question").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


class QuestionAdmin(IdAutocomplete, SimpleHistoryAdmin):
    form = QuestionForm
    list_display = [
        "ext_id",
        "stem_excerpt",
        "topic",
        "key",
        "percent_correct",
        "open_reports",
        "status",
        "last_verified",
    ]
    list_display_links = ["ext_id", "stem_excerpt"]
    list_filter = [
        "topic",
        "status",
        AnswerTypeFilter,
        OutdatedFilter,
        DisputedFilter,
        SuspectedDuplicateFilter,
        LastVerifiedFilter,
        "difficulty",
    ]
    search_fields = ["ext_id", "stem", "choices__text"]
    list_per_page = 50
    readonly_fields = ["statistics", "community", "created_at", "updated_at"]
    autocomplete_fields = ["duplicate_of"]
    filter_horizontal = ["also_topics"]
    # Ids posted for a topic, set or duplicate are read by config.ids: one past the
    # database's range is a form error, not an OverflowError; "١" is not question 1.
    formfield_overrides = {
        models.ForeignKey: {"form_class": IdModelChoiceField},
        models.ManyToManyField: {"form_class": IdModelMultipleChoiceField},
    }
    inlines = [ChoiceInline, ReferenceInline, KeyRevisionInline]
    actions = ["publish", "retire", "mark_verified_today"]
    fieldsets = [
        (None, {"fields": ["ext_id", "topic", "question_set", "number", "position", "status"]}),
        (
            "Question",
            {
                "fields": ["stem", "choose", "shuffle_choices", "explanation"],
                "description": "Name a choice in any text as [[B]] (its label): every learner "
                "reads the letter it has on their screen. A bare letter (“B is correct”) "
                "is refused, because choices are shuffled.",
            },
        ),
        (
            "Answer key change",
            {
                "fields": ["key_change_note", "key_change_effective"],
                "description": "Changing which choices are correct records a dated revision.",
            },
        ),
        (
            "Quality",
            {"fields": ["difficulty", "last_verified", "source", "disputed", "duplicate_of"]},
        ),
        ("Topics", {"fields": ["also_topics"], "classes": ["collapse"]}),
        ("Learners", {"fields": ["statistics", "community"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["django_htmx/htmx-2.min.js", "js/admin-preview.js"]

    def get_queryset(self, request):
        answers = AnswerRecord.objects.filter(question=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("topic")
            .annotate(
                answer_count=_count(answers),
                # Against today's key (past answers are not rewritten when a key changes).
                correct_count=_count(answers.filter(chosen_labels=OuterRef("key_labels"))),
                open_report_count=_count(Report.objects.open().filter(question=OuterRef("pk"))),
            )
        )

    @admin.display(description="Question")
    def stem_excerpt(self, question):
        text = question.stem.replace("\n", " ")
        return text if len(text) <= 90 else text[:88] + "…"

    @admin.display(description="Key", ordering="key_labels")
    def key(self, question):
        return question.key_labels.replace(",", "+")

    @admin.display(description="% correct", ordering="correct_count")
    def percent_correct(self, question):
        if not question.answer_count:
            return "–"
        percent = round(100 * question.correct_count / question.answer_count)
        return f"{percent}% of {question.answer_count}"

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, question):
        return question.open_report_count or ""

    @admin.display(description="Answer statistics")
    def statistics(self, question):
        if not question.pk:
            return "–"
        stats = selectors.question_statistics(question)
        if not stats.answered:
            return "Not answered yet."
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}%</td></tr>", stats.distribution
        )
        if stats.discrimination is None:
            discrimination = "needs at least 20 learners with other answers"
        elif stats.needs_checking:
            discrimination = format_html(
                '<span class="needs-checking">{} — needs checking</span>', stats.discrimination
            )
        else:
            discrimination = stats.discrimination
        return format_html(
            '<div class="question-stats">Answered {} times by {} learners, {}% correct.'
            "<br>Discrimination index: {}"
            "<table><thead><tr><th>Chosen</th><th>Times</th><th>Share</th></tr></thead>"
            "<tbody>{}</tbody></table></div>",
            stats.answered,
            stats.learners,
            stats.percent_correct,
            discrimination,
            rows,
        )

    @admin.display(description="Learners' vote")
    def community(self, question):
        if not question.pk:
            return "–"
        vote = selectors.community_vote(question)
        if not vote.total:
            return "No votes yet."
        shares = ", ".join(f"{labels} {pct}%" for labels, _n, pct in vote.rows)
        verdict = " — disagrees with the key" if vote.disagrees else ""
        return f"official: {vote.official}; learners: {shares} ({vote.total} votes){verdict}"

    # -- saving: the key-change rule and HTML rendering ----------------------------------

    def save_related(self, request, form, formsets, change):
        question = form.instance
        super().save_related(request, form, formsets, change)
        question_render(question=question)
        key_changed = getattr(question, "_key_change", None)
        if key_changed:
            old, new = key_changed
            key_revision_record(
                question=question,
                old_labels=old,
                new_labels=new,
                note=form.cleaned_data["key_change_note"],
                effective=form.cleaned_data["key_change_effective"] or timezone.localdate(),
                user=request.user,
            )
            messages.info(request, f"Answer-key change {'+'.join(old)} → {'+'.join(new)} recorded.")

    # -- actions --------------------------------------------------------------------------

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        n = questions_set_status(question_ids=ids, status=Question.Status.PUBLISHED)
        self.message_user(request, f"{n} question(s) published.")

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        n = questions_set_status(question_ids=ids, status=Question.Status.RETIRED)
        self.message_user(request, f"{n} question(s) retired.")

    @admin.action(description="Mark selected as verified today", permissions=["change"])
    def mark_verified_today(self, request, queryset):
        n = questions_mark_verified(question_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{n} question(s) marked verified today.")

    # -- extra pages: markdown preview, change key, duplicates ----------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name=f"{prefix}_preview"),
            path(
                "<path:object_id>/change-key/",
                view(self.change_key_view),
                name=f"{prefix}_change_key",
            ),
            path(
                "<path:object_id>/duplicates/",
                view(self.duplicates_view),
                name=f"{prefix}_duplicates",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        # htmx posts the whole form; the field being typed in is named by HX-Trigger-Name.
        source = request.POST.get(request.headers.get("HX-Trigger-Name", ""), "")
        return TemplateResponse(
            # As learners' pages render question texts: a choice reference shows its label.
            request,
            "admin/quiz/markdown_preview.html",
            {"html": choice_refs.render(source[:20000])},
        )

    def history_view(self, request, object_id, extra_context=None):
        _question_id(object_id)  # simple_history looks the raw value up: "abc" was a 500
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _question_id(object_id)
        if parse_id(version_id) is None:
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_key_view(self, request, object_id):
        question = get_object_or_404(
            Question.objects.prefetch_related("choices"), pk=_question_id(object_id)
        )
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        choices = list(question.choices.order_by("position"))
        form = KeyChangeForm(
            request.POST or None, choices=choices, key=question.key_labels.split(",")
        )
        if request.method == "POST" and form.is_valid():
            try:
                key_change(
                    question=question,
                    correct_labels=form.cleaned_data["correct"],
                    note=form.cleaned_data["note"],
                    effective=form.cleaned_data["effective"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, "Answer key changed; the revision is recorded.")
                return redirect(reverse("admin:quiz_question_change", args=[question.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": question,
            "question": question,
            "form": form,
            "title": f"Change the answer key of {question.ext_id}",
        }
        return TemplateResponse(request, "admin/quiz/question/change_key.html", context)

    def duplicates_view(self, request, object_id):
        question = get_object_or_404(Question, pk=_question_id(object_id))
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": question,
            "question": question,
            "found": duplicates_of(question),
            "title": f"Questions like {question.ext_id}",
        }
        return TemplateResponse(request, "admin/quiz/question/duplicates.html", context)


def _question_id(object_id: str) -> int:
    """The admin's <path:object_id> as a question id; anything else is a 404 (not a 500)."""
    pk = parse_id(object_id)
    if pk is None:
        raise Http404("No such question.")
    return pk


class KeyChangeForm(forms.Form):
    correct = forms.MultipleChoiceField(
        label="Correct choices now", widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Why it changed",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text="Learners see this as the outdated-answer note, e.g. “[[D]] was correct "
        "until 2017: an IAM role could not be attached to a running instance.” Write a "
        "choice as [[D]] (its label), never a bare letter: each learner reads their own.",
    )
    effective = forms.DateField(
        label="Effective date",
        initial=timezone.localdate,
        help_text="When the old key stopped being right (YYYY-MM-DD).",
    )

    def __init__(self, *args, choices, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correct"].choices = [
            (choice.label, f"{choice.label}. {choice.text}") for choice in choices
        ]
        self.fields["correct"].initial = key
