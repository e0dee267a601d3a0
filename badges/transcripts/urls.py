from django.urls import path

from . import views

urlpatterns = [
    path("u/<str:key>/transcript/", views.transcript, name="transcript"),
    path("u/<str:key>/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("badges/<uuid:public_id>/certificate.pdf", views.certificate_pdf, name="award_certificate"),
]
