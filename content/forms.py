from pathlib import Path

from django import forms

from content.interchange.formats import EXTENSIONS, FORMATS, MAX_BYTES
from study.models import Topic


class QuestionUploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"GIFT (.gift, .txt), Moodle XML (.xml) or CSV (.csv), UTF-8, up to "
        f"{MAX_BYTES // 1024 // 1024} MB."
    )
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("", "From the file name"), *FORMATS.items()],
        required=False,
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.select_related("certification").order_by(
            "certification__position", "position"
        ),
        help_text="The topic every question of the file goes into (a category in the file, "
        "or the CSV topic column, is not used to place them).",
    )
    skip_unsupported = forms.BooleanField(
        required=False,
        label="Skip question kinds we don't support",
        help_text="Short answer, numerical, matching, essay, cloze: listed and skipped instead "
        "of stopping the import.",
    )
    skip_duplicates = forms.BooleanField(
        required=False,
        label="Skip likely duplicates",
        help_text="New questions that look like one already in the bank are not imported.",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_BYTES:
            self.add_error(
                "file",
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB.",
            )
        if not data.get("file_format"):
            guessed = EXTENSIONS.get(Path(upload.name).suffix.lower())
            if not guessed:
                self.add_error(
                    "file_format", "Cannot tell the format from the file name: choose it."
                )
            data["file_format"] = guessed
        return data
