from django.urls import path

from . import views

urlpatterns = [
    path("issuers/<slug:slug>/", views.issuer_detail, name="issuer_detail"),
    path("badges/t/<slug:slug>/", views.badge_template_detail, name="badge_template_detail"),
    path("catalog/", views.catalog_eligible, name="catalog_eligible"),
    path("catalog/retired/", views.catalog_retired, name="catalog_retired"),
]
