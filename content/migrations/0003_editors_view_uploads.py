"""Editors import question files, so they may read the uploads' history (not change it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("content")
    app_config.models_module = True  # permissions are normally created after all migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="content", codename="view_questionupload")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="content", codename="view_questionupload"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0002_question_upload_plan"),
        ("quiz", "0003_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
