from django.urls import path

from . import views

urlpatterns = [
    path("badges/<uuid:public_id>/", views.award_public, name="award_public"),
    path("badges/<uuid:public_id>/og.png", views.award_og_image, name="award_og_image"),
    # A handle (/u/ada-lovelace/), or the opaque public id of links made before the earner chose one.
    path("u/<str:key>/", views.profile_public, name="profile_public"),
]
