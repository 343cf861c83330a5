from django import forms

from quiz.models import Report
from quiz.services.discussion import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
        help_text="Markdown works: **bold**, `code`, lists, links.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


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
