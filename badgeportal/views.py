from django.http import HttpResponse
from django.shortcuts import redirect, render

from badges.models import Award, BadgeTemplate, Issuer


def home(request):
    if request.user.is_authenticated:
        return redirect("wallet")
    context = {
        "issuer": Issuer.objects.first(),
        "template_count": BadgeTemplate.objects.count(),
        "award_count": Award.objects.held().count(),
    }
    return render(request, "home.html", context)


def healthz(request):
    """A trivial view: the ceiling benchmarks compare real pages against."""
    return HttpResponse("ok", content_type="text/plain")


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
