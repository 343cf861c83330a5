"""The question editor: where content editors live. Its forms are in question_forms.py,
the list's filters in question_filters.py."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from config.ids import IdModelChoiceField, IdModelMultipleChoiceField, parse_id
from quiz import choice_refs, selectors
from quiz.admin import question_list, versions
from quiz.admin.limits import IdAutocomplete
from quiz.admin.merge import merge_view
from quiz.admin.pages import page_context
from quiz.admin.question_filters import (
    AnswerTypeFilter,
    DisputedFilter,
    LastVerifiedFilter,
    OutdatedFilter,
    SuspectedDuplicateFilter,
    TopicListFilter,
)
from quiz.admin.question_forms import (
    ChoiceFormSet,
    ChoiceInline,
    KeyChangeForm,
    KeyRevisionInline,
    QuestionForm,
    ReferenceInline,
)
from quiz.models import (
    Question,
    Report,
)
from quiz.selectors.exams import RECENT_KEY_CHANGE_DAYS, key_change_effects
from quiz.services import (
    duplicates_of,
    duplicates_scan,
    key_change,
    question_save,
    questions_mark_verified,
    questions_set_status,
    statistics_refresh,
)


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
    list_display = list(question_list.COLUMNS)  # written by QuestionChangeList.rows_html
    list_display_links = list(question_list.LINKS)
    list_filter = [
        ("topic__certification", admin.RelatedFieldListFilter),
        ("topic", TopicListFilter),
        "status",
        AnswerTypeFilter,
        OutdatedFilter,
        DisputedFilter,
        SuspectedDuplicateFilter,
        LastVerifiedFilter,
        "difficulty",
        "needs_checking",
    ]
    search_fields = ["ext_id", "stem", "choices__text"]
    list_per_page = 50
    # A filtered list says "12 results (Show all)", not the whole bank's size: one count of
    # the bank fewer per list page (Django counts it again for the total otherwise).
    show_full_result_count = False
    readonly_fields = [
        "statistics",
        "community",
        "mock_exams",
        "duplicate_of",
        "created_at",
        "updated_at",
    ]
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
        (
            None,
            {
                "fields": [
                    "ext_id",
                    "topic",
                    "domain",
                    "question_set",
                    "number",
                    "position",
                    "status",
                ]
            },
        ),
        ("Learners", {"fields": ["statistics", "community"]}),
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
            "Answer key change",  # shown after the choices (change_form.html)
            {
                "fields": ["key_change_note", "key_change_effective", "mock_exams"],
                "description": "Learners have seen this question: changing which choices are "
                "correct records a dated revision with your note.",
            },
        ),
        (
            "Quality",
            {"fields": ["difficulty", "last_verified", "source", "disputed", "duplicate_of"]},
        ),
        ("Topics", {"fields": ["also_topics"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
        ("This save", {"fields": ["change_reason"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        """A stored question's id never changes: files and links name it."""
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "ext_id"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        """A new question has no statistics yet, and a key change is recorded only once
        learners could see the question (published): those sections appear then."""
        published = obj is not None and obj.status == Question.Status.PUBLISHED
        hidden = set() if obj else {"Learners"}
        if not published:
            hidden.add("Answer key change")
        return [(name, options) for name, options in self.fieldsets if name not in hidden]

    class Media:
        js = ["django_htmx/htmx-2.min.js", "js/admin-preview.js"]

    def get_changelist(self, request, **kwargs):
        return question_list.QuestionChangeList

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("topic")
            .annotate(
                open_report_count=_count(Report.objects.open().filter(question=OuterRef("pk")))
            )
        )

    def action_checkbox(self, obj):
        """Django's row checkbox, written directly: rendering a form widget for each of the
        50 rows cost about a fifth of the list page."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            str(obj),
        )

    @admin.display(description="Question")
    def stem_excerpt(self, question):
        text = question.stem.replace("\n", " ")
        return text if len(text) <= 90 else text[:88] + "…"

    @admin.display(description="Key", ordering="key_labels")
    def key(self, question):
        return question.key_labels.replace(",", "+")

    @admin.display(description="Facility", ordering="facility")
    def facility_column(self, question):
        """Share right at the first attempt (stored by statistics_refresh)."""
        if question.facility is None:
            return "–"
        return f"{question.facility:.0%} of {question.first_attempts}"

    @admin.display(description="Discrim.", ordering="discrimination")
    def discrimination_column(self, question):
        if question.discrimination is None:
            return "–"
        value = f"{question.discrimination:.2f}"
        if question.needs_checking:
            return format_html('<span class="needs-checking">{} ⚠</span>', value)
        return value

    @admin.display(description="Reports", ordering="open_report_count")
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
        else:
            discrimination = stats.discrimination
        checking = (
            format_html('<p class="needs-checking">Needs checking: {}.</p>', stats.checking)
            if stats.checking
            else ""
        )
        return format_html(
            '<div class="question-stats">Answered {} times by {} learners. Facility (right at '
            "the first attempt, as scored then): {}%.<br>Discrimination index: {}{}"
            "<table><thead><tr><th>Chosen</th><th>Times</th><th>Share</th></tr></thead>"
            "<tbody>{}</tbody></table></div>",
            stats.answered,
            stats.learners,
            stats.percent_correct,
            discrimination,
            checking,
            rows,
        )

    @admin.display(description="Mock exams")
    def mock_exams(self, question):
        """What a key change would do to mock exams: the question leaves them for a while."""
        if not question.pk:
            return "–"
        effects = key_change_effects(question)
        if not effects:
            return "A key change leaves no mock exam short of questions."
        return format_html(
            "A key change leaves this question out of mock exams for {} days:<ul>{}</ul>",
            RECENT_KEY_CHANGE_DAYS,
            format_html_join("", "<li>{}</li>", ((e.summary,) for e in effects)),
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

    def save_model(self, request, obj, form, change):
        """Nothing yet: the question is saved with its choices, in save_related, by the one
        write path for an edited question (quiz.services.question_save)."""

    def save_related(self, request, form, formsets, change):
        choices = next(formset for formset in formsets if isinstance(formset, ChoiceFormSet))
        choices.save(commit=False)  # the change message's new/changed/deleted lists; no writes
        revision = question_save(
            question=form.instance,
            choices=[choice_form.instance for choice_form in choices.kept_forms()],
            removed=choices.deleted_objects,
            key_change=form.key_change(),
            user=request.user,
            reason=form.cleaned_data.get("change_reason", ""),
        )
        form.save_m2m()
        for formset in formsets:
            if formset is not choices:
                self.save_formset(request, form, formset, change)
        if revision:
            messages.info(
                request,
                f"Answer-key change {revision.correct_labels.replace(',', '+')} → "
                f"{revision.new_labels.replace(',', '+')} recorded.",
            )

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
                "scan-duplicates/",
                view(self.scan_duplicates_view),
                name=f"{prefix}_scan_duplicates",
            ),
            path(
                "refresh-statistics/",
                view(self.refresh_statistics_view),
                name=f"{prefix}_refresh_statistics",
            ),
            path(
                "<path:object_id>/change-key/",
                view(self.change_key_view),
                name=f"{prefix}_change_key",
            ),
            path(
                "<path:object_id>/history/<int:number>/restore/",
                view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            path(
                "<path:object_id>/merge/",
                view(self.merge_view),
                name=f"{prefix}_merge",
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

    def scan_duplicates_view(self, request):
        """The to-do's "Scan the bank now": no rows to select first."""
        return self._todo_action(
            request, lambda: f"{duplicates_scan()} new suspected pair(s) found."
        )

    def refresh_statistics_view(self, request):
        return self._todo_action(
            request,
            lambda: f"Statistics recomputed: {statistics_refresh()} question(s) changed.",
        )

    def _todo_action(self, request, work):
        """A button of the editors' to-do: POST only, for editors; back to the to-do."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.message_user(request, work())
        return redirect("admin:index")

    def history_view(self, request, object_id, extra_context=None):
        """The question's versions (quiz.admin.versions), not simple_history's row list."""
        return versions.history_view(self, request, _question_id(object_id))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple_history's revert form restored the stem without the choices: restoring
        goes through the versions page instead."""
        if parse_id(version_id) is None:
            raise Http404("No such version.")
        return redirect(reverse("admin:quiz_question_history", args=[_question_id(object_id)]))

    def restore_view(self, request, object_id, number):
        return versions.restore_view(self, request, _question_id(object_id), number)

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
        context = page_context(
            self,
            request,
            question,
            f"Change the answer key of {question.ext_id}",
            form=form,
            effects=key_change_effects(question),
            left_out_days=RECENT_KEY_CHANGE_DAYS,
        )
        return TemplateResponse(request, "admin/quiz/question/change_key.html", context)

    def merge_view(self, request, object_id):
        return merge_view(self, request, _question_id(object_id))

    def duplicates_view(self, request, object_id):
        question = get_object_or_404(Question, pk=_question_id(object_id))
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        context = page_context(
            self,
            request,
            question,
            f"Questions like {question.ext_id}",
            found=duplicates_of(question),
        )
        return TemplateResponse(request, "admin/quiz/question/duplicates.html", context)


def _question_id(object_id: str) -> int:
    """The admin's <path:object_id> as a question id; anything else is a 404 (not a 500)."""
    pk = parse_id(object_id)
    if pk is None:
        raise Http404("No such question.")
    return pk
