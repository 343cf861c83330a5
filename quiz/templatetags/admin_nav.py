"""The admin's navigation sidebar, kept rendered (templates/admin/nav_sidebar.html)."""

from django import template
from django.template.defaultfilters import urlencode

register = template.Library()


@register.filter
def current_links(path: str, apps) -> list[str]:
    """The sidebar's links that the page at `path` marks as current, by the test of
    Django's admin/app_list.html (`url in request.path|urlencode`): with the models and
    links shown, all the sidebar's HTML depends on, so a question's change page shares the
    list page's entry instead of adding one per question."""
    encoded = urlencode(path)
    links = []
    for app in apps:
        for url in (app.get("app_url"), *(model.get("admin_url") for model in app["models"])):
            if url and url in encoded:
                links.append(url)
    return links
