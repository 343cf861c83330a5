"""Writes of the content app: question files coming into the bank.

One path for an uploaded file, whoever brings it: the admin's import pages (upload, preview,
confirm) and the `import_questions` command both create a `QuestionUpload`, which reads and
checks the file once and keeps the result (its plan), and apply it with `upload_apply`, all
or nothing. `upload_check` is the same reading and checking with nothing written (the
command's --dry-run).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from content.interchange.formats import parse_bytes
from content.interchange.plan import (
    ImportPlan,
    import_apply,
    import_plan,
    plan_from_json,
    plan_to_json,
)
from content.models import QuestionUpload
from study.models import Topic


def upload_check(
    *,
    file_format: str,
    data: bytes,
    topic: Topic,
    skip_unsupported: bool = False,
    skip_duplicates: bool = False,
    preview: bool = True,
    file_name: str = "",
) -> ImportPlan:
    """What importing this file into the topic would do, with every error and its line.
    Writes nothing. With preview, each question's action comes from the real write, rolled
    back; without (the plan is about to be applied, which finds them) new ones say create."""
    return import_plan(
        parse_bytes(data, file_format),
        topic=topic,
        skip_unsupported=skip_unsupported,
        skip_duplicates=skip_duplicates,
        preview=preview,
        file_name=file_name,
    )


def upload_create(
    *,
    file_name: str,
    file_format: str,
    data: bytes,
    topic: Topic,
    skip_unsupported: bool = False,
    skip_duplicates: bool = False,
    user: AbstractBaseUser | None,
    preview: bool = True,
) -> QuestionUpload:
    """Keep an uploaded file with its plan: read and checked here, once, so the preview shows
    the plan however often it is reloaded and `upload_apply` writes exactly what it showed.
    An upload whose file has errors is kept too (its preview lists them); nothing reaches
    the bank before `upload_apply`. user is None for the import_questions command.
    preview=False when the upload is applied at once: the write is then not made twice.
    The file is read outside any transaction; the upload is one insert."""
    plan = upload_check(
        file_format=file_format,
        data=data,
        topic=topic,
        skip_unsupported=skip_unsupported,
        skip_duplicates=skip_duplicates,
        preview=preview,
        file_name=file_name,
    )
    upload = QuestionUpload(
        file_name=file_name[:255],
        file_format=file_format,
        data=data,
        topic=topic,
        skip_unsupported=skip_unsupported,
        skip_duplicates=skip_duplicates,
        uploaded_by=user,
        plan=plan_to_json(plan),
    )
    # An empty file is kept like any other ("the file is empty" is its plan's error), and the
    # command's uploads have no user: the model's blank=False on both is for its admin form.
    upload.full_clean(exclude=["data", "uploaded_by"])
    upload.save()
    return upload


def upload_plan(*, upload: QuestionUpload) -> ImportPlan:
    """The upload's stored plan; one kept without it (uploads made before plans were stored)
    is read and checked now, once, and the plan stored."""
    plan = plan_from_json(upload.plan, topic=upload.topic)
    if plan is None:
        plan = upload_check(
            file_format=upload.file_format,
            data=bytes(upload.data),
            topic=upload.topic,
            skip_unsupported=upload.skip_unsupported,
            skip_duplicates=upload.skip_duplicates,
            file_name=upload.file_name,
        )
        upload.plan = plan_to_json(plan)
        upload.save(update_fields=["plan"])
    return plan


@transaction.atomic
def upload_apply(*, upload: QuestionUpload) -> ImportPlan:
    """Write the upload's plan into the bank, every question or none, and mark the upload
    imported (when, and what it did). The plan returned says what was written.

    ValueError, with nothing written, when the plan has errors, when one of its ids has gone
    to another topic since the file was checked (upload it again), or when the upload was
    already imported (two confirmations at once: the second waits for the first's lock).
    """
    if QuestionUpload.objects.select_for_update().get(pk=upload.pk).imported_at:
        raise ValueError(f"{upload.file_name} was already imported")
    plan = import_apply(upload_plan(upload=upload))
    upload.imported_at = timezone.now()
    upload.summary = plan.summary
    upload.plan = plan_to_json(plan)  # the actions as written
    upload.save(update_fields=["imported_at", "summary", "plan"])
    return plan
