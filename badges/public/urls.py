from django.urls import path

from . import views

urlpatterns = [
    path("badges/<uuid:public_id>/", views.award_public, name="award_public"),
    path("badges/<uuid:public_id>/og.png", views.award_og_image, name="award_og_image"),
    path("u/<uuid:public_id>/", views.profile_public, name="profile_public"),
]
