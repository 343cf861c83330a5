"""Work done outside the request, by the task worker (`manage.py db_worker`).

Password-reset mail is sent here, so the reset page does the same work whatever address is
typed (it only enqueues this task): whether an account has that address, and how long the
mail server takes, shows neither in the page's answer nor in its timing.
"""

import logging

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template import loader

from quiz.services.population import population_refit_if_stale
from quiz.services.statistics import statistics_refresh_if_stale

logger = logging.getLogger(__name__)


class _DeliveringPasswordResetForm(PasswordResetForm):
    """Django's reset form, except that a failed delivery is logged here and raised (Django's
    own logs it and carries on), so the task is also recorded as failed."""

    delivered = 0

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            logger.exception(
                "Password reset email to user %s was not delivered", context["user"].pk
            )
            raise
        self.delivered += 1


@task
def password_reset_send(
    *,
    email: str,
    domain: str,
    use_https: bool,
    subject_template_name: str = "registration/password_reset_subject.txt",
    email_template_name: str = "registration/password_reset_email.html",
    html_email_template_name: str | None = None,
    from_email: str | None = None,
) -> int:
    """Mail a reset link to each active account with this address (none: nothing is sent);
    the number of accounts mailed."""
    form = _DeliveringPasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
        html_email_template_name=html_email_template_name,
        from_email=from_email,
    )
    return form.delivered


@task
def population_refit_task() -> None:
    """Refit the readiness model's population when the stored fit is stale: queued when a
    learner finishes a mock exam (run at once in development)."""
    population_refit_if_stale()


@task
def statistics_refresh_task() -> None:
    """Recompute the bank's question statistics when they are a day old: queued when an
    editor opens the admin (run at once in development)."""
    statistics_refresh_if_stale()
