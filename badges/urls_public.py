from django.urls import path

from . import views_public, views_sharing

urlpatterns = [
    path("badges/<uuid:public_id>/", views_public.award_public, name="award_public"),
    path("badges/<uuid:public_id>/og.png", views_public.award_og_image, name="award_og_image"),
    path("badges/<uuid:public_id>/embed/", views_sharing.award_embed, name="award_embed"),
    path("badges/<uuid:public_id>/qr.svg", views_sharing.award_qr, {"fmt": "svg"}, name="award_qr"),
    path("badges/<uuid:public_id>/qr.png", views_sharing.award_qr, {"fmt": "png"}, name="award_qr_png"),
    path("badges/<uuid:public_id>/share/<str:channel>/", views_sharing.share_redirect, name="share_redirect"),
    path("oembed", views_sharing.oembed, name="oembed"),
    path("u/<uuid:public_id>/", views_public.profile_public, name="profile_public"),
    path("wallet/<uuid:public_id>/visibility/", views_sharing.award_visibility, name="award_visibility"),
    path("wallet/<uuid:public_id>/share/email/", views_sharing.award_share_email, name="award_share_email"),
]
