from django.urls import path

from . import views

urlpatterns = [
    path("", views.help_page, name="help"),
    path("contact/", views.support_contact, name="support_contact"),
    path("contact/sent/", views.support_contact_sent, name="support_contact_sent"),
]
