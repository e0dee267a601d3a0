from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from badges.models import Award, BadgeTemplate, Issuer

from .health import run_checks


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
    """The process is up. A trivial view, also the ceiling benchmarks compare real pages against."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Ready for traffic: every service this node needs answers. 503 otherwise, for load balancers."""
    results = run_checks()
    ready = not any(results.values())
    checks = {name: {"ok": problem is None, "error": problem} for name, problem in results.items()}
    response = JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
