"""Editors maintain a certification's exam domains (study.ExamDomain) with its page."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("study")
    app_config.models_module = True  # permissions are normally created after all migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="study", codename__in=[f"{a}_examdomain" for a in ACTIONS]
    )
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="study", codename__in=[f"{a}_examdomain" for a in ACTIONS]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0018_question_domain"),
        ("study", "0003_exam_domains"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
