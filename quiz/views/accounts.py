from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from quiz.auth import username_taken
from quiz.services.signin import signin_name_clear
from quiz.tasks import password_reset_send


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For password resets only.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_username(self):
        # One message whether the name is taken or only looks like a taken one: sign-up says
        # no more than that the name is not free.
        username = self.cleaned_data.get("username")
        if username and username_taken(username):
            raise ValidationError(
                "That username is taken, or looks the same as one that is. Choose another.",
                code="unique",
            )
        return username


def safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect(safe_next(request))
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": safe_next(request, "")},
        status=400 if form.errors else 200,
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Enqueues the reset mail (quiz.tasks.password_reset_send) instead of sending it: the
    request does the same work, one enqueue, whether or not an account has the address."""

    def save(
        self,
        domain_override=None,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        use_https=False,
        token_generator=default_token_generator,
        from_email=None,
        request=None,
        html_email_template_name=None,
        extra_email_context=None,
    ):
        if token_generator is not default_token_generator or extra_email_context:
            raise ImproperlyConfigured("The queued reset mail uses Django's defaults only.")
        password_reset_send.enqueue(
            email=self.cleaned_data["email"],
            domain=domain_override or get_current_site(request).domain,
            use_https=use_https,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
            from_email=from_email,
        )


class QueuedPasswordResetView(PasswordResetView):
    form_class = QueuedPasswordResetForm


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """A new password set through the mailed link also ends its name's sign-in lockout (the
    locked-out message offers the reset as the way back in)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        signin_name_clear(username=form.user.get_username())
        return response
