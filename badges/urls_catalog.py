from django.urls import path

from . import views_catalog

urlpatterns = [
    path("issuers/<slug:slug>/", views_catalog.issuer_detail, name="issuer_detail"),
    path("badges/t/<slug:slug>/", views_catalog.badge_template_detail, name="badge_template_detail"),
    path("catalog/", views_catalog.catalog_eligible, name="catalog_eligible"),
    path("catalog/retired/", views_catalog.catalog_retired, name="catalog_retired"),
]
