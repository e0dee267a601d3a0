"""One-click unsubscribe from reminders (RFC 8058)."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services import reminders_unsubscribe, unsubscribe_email_from


# Mail clients POST `List-Unsubscribe=One-Click` with no session and no CSRF token (RFC 8058). The signed
# token in the URL is what authenticates the request, and all it can do is stop reminders to that address.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    email = unsubscribe_email_from(token)
    if email is None:
        return render(request, "badges/reminders_unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        reminders_unsubscribe(email=email)
        return render(request, "badges/reminders_unsubscribe.html", {"email": email, "done": True})
    # GET only asks: link scanners in mail systems open links, and must not unsubscribe anyone.
    return render(request, "badges/reminders_unsubscribe.html", {"email": email})
