"""Editors see mock exam blueprints (and whether the bank can fill them): view only, since
what an exam asks is the product owner's decision, but what the bank can fill is theirs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_blueprint", "view_blueprinttopic", "view_blueprintdomain"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("quiz")
    app_config.models_module = True  # permissions are normally created after all migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="quiz", codename__in=CODENAMES)
    for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        editors.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="quiz", codename__in=CODENAMES)
    for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        editors.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("quiz", "0024_review_log_key_change")]

    operations = [migrations.RunPython(grant, revoke)]
