"""The "Editors" group: content editors maintain the bank, but never users or permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "study": {
        "certification": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "note": ["add", "change", "delete", "view"],
        "whatsnewitem": ["view"],
    },
    "quiz": {
        "question": ["add", "change", "view"],
        "choice": ["add", "change", "delete", "view"],
        "questionreference": ["add", "change", "delete", "view"],
        "answerkeyrevision": ["view"],
        "questionset": ["add", "change", "view"],
        "disclaimer": ["add", "change", "view"],
        "report": ["change", "view"],
        "duplicatesuspect": ["change", "view"],
        "comment": ["change", "view"],
        "historicalquestion": ["view"],
        "historicalchoice": ["view"],
    },
}


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            permissions = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            editors.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0002_question_bank"),
        ("study", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
