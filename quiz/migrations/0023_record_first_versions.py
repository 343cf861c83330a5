"""Every existing question gets its first version (as it is now), and every answer, vote,
review, practice item and exam question recorded so far is marked as given with it.

Labels were already the choices' identities in those rows (a choice's label never changes
from here on), so no label is rewritten: only the version they refer to is filled in.
Questions are read in batches with their choices; the records are marked with one UPDATE
per table, so a large bank (the benchmark data set) migrates in seconds.
"""

from django.db import migrations
from django.utils import timezone

from quiz.versions import CHOICE_FIELDS, QUESTION_SETTINGS, QUESTION_TEXTS, snapshot

BATCH = 2000
RECORDS = ("AnswerRecord", "Vote", "ReviewLog", "PracticeItem", "AttemptQuestion")


def record_first_versions(apps, schema_editor):
    Question = apps.get_model("quiz", "Question")
    Choice = apps.get_model("quiz", "Choice")
    QuestionVersion = apps.get_model("quiz", "QuestionVersion")
    now = timezone.now()
    fields = {name: name for name in QUESTION_TEXTS + QUESTION_SETTINGS}
    fields["shuffle"] = "shuffle_choices"
    pending = Question.objects.filter(version=0).order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last).values("pk", *fields.values())[:BATCH])
        if not batch:
            break
        last = batch[-1]["pk"]
        choices: dict[int, list[dict]] = {row["pk"]: [] for row in batch}
        for choice in Choice.objects.filter(question_id__in=choices).values(
            "question_id", *CHOICE_FIELDS
        ):
            choices[choice.pop("question_id")].append(choice)
        QuestionVersion.objects.bulk_create(
            QuestionVersion(
                question_id=row["pk"],
                number=1,
                content=snapshot(
                    {name: row[column] for name, column in fields.items()}, choices[row["pk"]]
                ),
                kind="recorded",
                created_at=now,
            )
            for row in batch
        )
        Question.objects.filter(pk__in=choices).update(version=1)
    for name in RECORDS:
        apps.get_model("quiz", name).objects.filter(question_version__isnull=True).update(
            question_version=1
        )


class Migration(migrations.Migration):
    dependencies = [("quiz", "0022_question_versions")]

    operations = [migrations.RunPython(record_first_versions, migrations.RunPython.noop)]
