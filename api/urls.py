from django.conf import settings
from django.urls import path, re_path
from django.utils.csp import CSP
from django.views.decorators.cache import cache_page
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .problems import problem_json_response


def not_found(request, rest=""):
    return problem_json_response(404, code="not_found", detail="There is no such address in the API.")


# Swagger UI sets style attributes as it draws; its scripts still come only from us (the sidecar package).
docs_csp = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

urlpatterns = [
    path("api/v1/templates", views.TemplateList.as_view(), name="api_templates"),
    path("api/v1/awards", views.AwardListCreate.as_view(), name="api_awards"),
    path("api/v1/awards/batch", views.AwardBatch.as_view(), name="api_awards_batch"),
    path("api/v1/awards/<uuid:public_id>", views.AwardDetail.as_view(), name="api_award"),
    path("api/v1/awards/<uuid:public_id>/revoke", views.AwardRevoke.as_view(), name="api_award_revoke"),
    path("api/v1/awards/<uuid:public_id>/email", views.AwardReplaceEmail.as_view(), name="api_award_email"),
    path("api/v1/awards/<uuid:public_id>/resend", views.AwardResend.as_view(), name="api_award_resend"),
    # Built from the code, the same until the next deploy: generating it costs more than any API call.
    path("api/v1/schema", cache_page(600)(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "api/v1/docs",
        csp_override(docs_csp)(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    re_path(r"^api/(?P<rest>.*)$", not_found),
]
