from django import forms
from django.db.models import Count, Min

from config.ids import IdField, IdModelChoiceField, IdModelMultipleChoiceField
from quiz.models import PracticeSession, Profile, Report
from quiz.services.discussion import COMMENT_MAX_LENGTH
from quiz.services.profile import exam_date_problem, learner_today
from study.models import Certification, Topic


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
        help_text="Markdown works: **bold**, `code`, lists, links.",
        # The same words as for a comment of only invisible characters (the service's check).
        error_messages={"required": "Write something before posting."},
    )
    parent = IdField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoteForm(forms.Form):
    """Labels are checked against the question by the service (unknown label -> 400)."""

    labels = forms.MultipleChoiceField(label="The answer I believe is right", choices=[])

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["labels"]
        field.choices = [(c.label, c.label) for c in question.choices.all()]
        field.widget = forms.CheckboxSelectMultiple() if question.is_multi else forms.RadioSelect()
        field.widget.choices = field.choices


class PracticeStartForm(forms.Form):
    scope = forms.ChoiceField(
        label="What to practise",
        choices=[c for c in PracticeSession.Scope.choices if c[0] != PracticeSession.Scope.RETRY],
        initial=PracticeSession.Scope.TOPICS,
        widget=forms.RadioSelect,
    )
    certification = IdModelChoiceField(
        label="Certification",
        queryset=Certification.objects.active(),
        required=False,
        empty_label="Choose a certification",
    )
    topics = IdModelMultipleChoiceField(
        label="Topics",
        queryset=Topic.objects.active().select_related("certification"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.IntegerField(label="Number of questions", min_value=1, max_value=100, initial=10)
    order = forms.ChoiceField(
        label="Order",
        choices=PracticeSession.Order.choices,
        initial=PracticeSession.Order.RANDOM,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A lone topic, or a lone certification with topics, is the only choice there is:
            # chosen already. One query, however many topics.
            lone = Topic.objects.active().aggregate(
                topics=Count("pk"),
                topic=Min("pk"),
                certifications=Count("certification", distinct=True),
                certification=Min("certification"),
            )
            if lone["topics"] == 1:
                self.fields["topics"].initial = [lone["topic"]]
            if lone["certifications"] == 1:
                self.fields["certification"].initial = lone["certification"]

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == PracticeSession.Scope.CERTIFICATION and not cleaned.get("certification"):
            self.add_error("certification", "Choose the certification to practise.")
        if scope == PracticeSession.Scope.TOPICS and not cleaned.get("topics"):
            self.add_error("topics", "Choose at least one topic.")
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "target_certification",
            "exam_date",
            "time_zone",
            "daily_goal",
            "desired_retention",
            "new_per_day",
            "max_reviews_per_day",
        ]
        field_classes = {"target_certification": IdModelChoiceField}
        labels = {
            "target_certification": "Target exam",
            "daily_goal": "Daily goal (questions)",
            "new_per_day": "New questions per day in review",
            "max_reviews_per_day": "Maximum reviews per day",
        }
        widgets = {
            "exam_date": forms.DateInput(attrs={"type": "date"}),
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.70", "max": "0.97"}
            ),
            "time_zone": forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_certification"].queryset = Certification.objects.active()

    def clean(self):
        cleaned = super().clean()
        exam_date = cleaned.get("exam_date")
        if "exam_date" in self.changed_data and "exam_date" not in self.errors:
            zone = cleaned.get("time_zone") or self.instance.time_zone
            problem = exam_date_problem(exam_date, today=learner_today(zone))
            if problem:
                self.add_error("exam_date", problem)
        return cleaned
