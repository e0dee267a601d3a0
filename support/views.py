from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from .forms import SupportContactForm
from .services import support_request_file

CONTACT_RATE = "5/h"


def help_page(request):
    return render(request, "support/help.html")


def _initial(user):
    if not user.is_authenticated:
        return {}
    return {"name": user.full_name, "email": user.email}


def _refuse_for_now(request, form):
    """Over the rate limit: nothing is filed, but the typed message comes back in the form, not lost."""
    form.is_valid()  # a non-field error needs the form cleaned first
    form.add_error(
        None,
        "You have sent several messages in the last hour, so this one was not sent. It is still below: "
        "try again later, or copy it to keep it.",
    )
    return render(request, "support/contact.html", {"form": form}, status=429)


@ratelimit(key="ip", rate=CONTACT_RATE, method="POST", block=False)
def support_contact(request):
    form = SupportContactForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST":
        if form.filled_by_a_bot:
            return redirect("support_contact_sent")  # Look like success; file nothing.
        if request.limited:
            return _refuse_for_now(request, form)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ("name", "email", "concerning", "message")}
            support_request_file(**data, user=request.user)
            return redirect("support_contact_sent")
    return render(request, "support/contact.html", {"form": form})


def support_contact_sent(request):
    return render(request, "support/contact_sent.html")
