"""The question editor's forms: the question with its answer-key-change fields, the
choices formset that checks the whole question (quiz.services.question_problems, the one
validator and the editing rules), the choice/reference/key-history inlines, and the
"Change answer key" form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.admin_inlines import LabelledTabularInline
from quiz.admin.limits import BoundedInline, IdAutocomplete
from quiz.admin.widgets import MarkdownPreviewTextarea
from quiz.models import (
    AnswerKeyRevision,
    Choice,
    Question,
    QuestionReference,
)
from quiz.services import KeyChange, question_problems


class KeyChangeFields(forms.Form):
    """Why the answer key changed, and since when: part of the question's change form, and
    read from the same POST by the choices formset, which checks the whole question."""

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

    def key_change(self) -> KeyChange | None:
        """The explanation given, if any (call after is_valid())."""
        note = self.cleaned_data.get("key_change_note", "").strip()
        if not note:
            return None
        effective = self.cleaned_data.get("key_change_effective") or timezone.localdate()
        return KeyChange(note=note, effective=effective)


class QuestionForm(KeyChangeFields, forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=400,
        help_text="Optional: kept with the new version in the question's history.",
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
            "also_topics",
        ]
        widgets = {
            "stem": MarkdownPreviewTextarea({"rows": 5}),
            "explanation": MarkdownPreviewTextarea(),
            "disputed": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }
        help_texts = {
            "ext_id": "Never changes, never reused. Blank: made from the topic and number "
            "(e.g. ec2-security-q17).",
            "question_set": "Blank: the topic's latest set.",
            "number": "Blank: the next number in its set.",
            "position": "Blank: after the topic's last question.",
            "status": "New questions start as drafts: learners see a question once it is "
            "published (here, or with the list's “Publish” action).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Placed by quiz.services.question_place when left blank.
        for name in ("ext_id", "number", "position"):
            if name in self.fields:  # the id is read-only once saved
                self.fields[name].required = False
        if self.instance.pk is None:
            for name in ("number", "position"):
                self.initial.pop(name, None)
                self.fields[name].initial = None
        # The editing form: the choices formset adds the whole question's problems to the
        # question's own fields through it (see ChoiceFormSet.clean).
        self.instance._editing_form = self


# Where a problem of a choice is shown: its form's field.
_CHOICE_FIELDS = {"label": "label", "text": "text", "correct": "is_correct"}
# Problems of the question's own fields, shown next to them (path head -> form field).
_QUESTION_FIELDS = {
    "id": "ext_id",
    "stem": "stem",
    "choose": "choose",
    "explanation": "explanation",
    "disputed": "disputed",
    "difficulty": "difficulty",
    "source": "source",
    "key_history": "key_change_note",
    "key_change": "key_change_note",
}


class ChoiceFormSet(forms.BaseInlineFormSet):
    """The question's choices, and the place where the whole question is checked: only here
    are the question's fields and all its choices known together."""

    def kept_forms(self) -> list[forms.ModelForm]:
        return [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]

    def key_change(self) -> KeyChange | None:
        fields = KeyChangeFields(self.data)  # the same POST the question's form read
        return fields.key_change() if fields.is_valid() else None

    def clean(self):
        # Our rules first (their messages name the label), then Django's uniqueness checks.
        if any(self.errors):
            return
        kept = self.kept_forms()
        problems = question_problems(
            question=self.instance,
            choices=[form.instance for form in kept],
            key_change=self.key_change(),
        )
        general, elsewhere = [], 0
        question_form = getattr(self.instance, "_editing_form", None)
        for problem in problems:
            head = problem.path[0] if problem.path else ""
            field = _QUESTION_FIELDS.get(head)
            if head == "choices" and len(problem.path) == 3:
                name = problem.path[2]
                form = kept[problem.path[1]]
                name = _CHOICE_FIELDS.get(name, name)
                form.add_error(name if name in form.fields else None, problem.message)
            elif field and question_form is not None and field in question_form.fields:
                question_form.add_error(field, problem.message)
                elsewhere += 1
            else:
                general.append(problem.message)
        if elsewhere and not general:
            general.append("See the marked fields above.")  # the question's own fields
        if general:
            raise ValidationError(general)
        super().clean()


class ChoiceInline(BoundedInline, LabelledTabularInline):
    """A choice's label is given once, when it is saved (the next the question never used),
    and never changes: learners' answers point at it. Reorder by position; learners read
    letters by the order on their screen."""

    model = Choice
    formset = ChoiceFormSet
    extra = 0
    min_num = 2
    fields = ["label", "text", "is_correct", "explanation", "source_note", "position"]
    readonly_fields = ["label"]
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"text", "explanation", "source_note"}:
            kwargs["widget"] = MarkdownPreviewTextarea({"rows": 2, "cols": 40})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            field.required = False
            field.help_text = "Blank: last."
        return field


class ReferenceInline(BoundedInline, IdAutocomplete, LabelledTabularInline):
    model = QuestionReference
    extra = 0
    fields = ["note", "url", "title", "position"]
    autocomplete_fields = ["note"]


class KeyRevisionInline(BoundedInline, LabelledTabularInline):
    model = AnswerKeyRevision
    extra = 0
    can_delete = False
    fields = ["correct_labels", "new_labels", "valid_until", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    verbose_name_plural = "Answer-key history (use “Change answer key” to add)"

    def has_add_permission(self, request, obj=None):
        return False


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
