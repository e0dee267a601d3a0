from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_settings, name="profile_settings"),
    path("data/", views.account_data, name="account_data"),
    path("data/exports/", views.data_export_start, name="data_export_start"),
    path("data/exports/<uuid:public_id>/", views.data_export_status, name="data_export_status"),
    path("data/exports/<uuid:public_id>/download/", views.data_export_download, name="data_export_download"),
    path("delete/", views.delete_account, name="account_delete"),
    path("deleted/", views.account_deleted, name="account_deleted"),
]
