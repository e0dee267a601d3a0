from django.urls import path

from . import views

urlpatterns = [
    path("badges/<uuid:public_id>/embed/", views.award_embed, name="award_embed"),
    path("badges/<uuid:public_id>/qr.svg", views.award_qr, {"fmt": "svg"}, name="award_qr"),
    path("badges/<uuid:public_id>/qr.png", views.award_qr, {"fmt": "png"}, name="award_qr_png"),
    path("badges/<uuid:public_id>/share/<str:channel>/", views.share_redirect, name="share_redirect"),
    path("oembed", views.oembed, name="oembed"),
    path("wallet/<uuid:public_id>/visibility/", views.award_visibility, name="award_visibility"),
    path("wallet/<uuid:public_id>/share/email/", views.award_share_email, name="award_share_email"),
]
