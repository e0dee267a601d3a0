from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from badges.dashboard import views as dashboard_views

from . import views
from .metrics import metrics

# Staff sign in through allauth like everyone else: its rate limits, lockout and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Before the admin's own URLs, whose catch-all would answer 404; `admin_view` asks for a staff sign-in.
    path("admin/dashboard/", admin.site.admin_view(dashboard_views.dashboard), name="admin_dashboard"),
    path("admin/", admin.site.urls),
    # allauth's sign-up with the name filled in when a claim knows it; the rest of allauth as it comes.
    path("accounts/signup/", account_views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("badges.awards.urls")),
    path("", include("badges.public.urls")),
    path("", include("badges.transcripts.urls")),
    path("", include("badges.sharing.urls")),
    path("", include("badges.catalog.urls")),
    path("", include("badges.reminders.urls")),
    path("help/", include("support.urls")),
    path("", include("badges.openbadges.urls")),
    path("", include("jobs.urls")),
    path("", include("api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "badgeportal.views.page_not_found"
handler500 = "badgeportal.views.server_error"
