"""What every extra page of the question admin (merge, history, restore, change key,
duplicates) gives its template: the admin's own context, the question, a title."""


def page_context(model_admin, request, question, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": question,
        "question": question,
        "title": title,
        **extra,
    }
