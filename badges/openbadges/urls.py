from django.urls import path

from . import views

urlpatterns = [
    path("ob/v2/issuers/<slug:slug>", views.ob2_issuer, name="ob2_issuer"),
    path("ob/v2/badges/<slug:slug>", views.ob2_badgeclass, name="ob2_badgeclass"),
    path("ob/v2/assertions/<uuid:public_id>", views.ob2_assertion, name="ob2_assertion"),
    path("ob/v3/credentials/<uuid:public_id>.json", views.award_credential_json, name="award_credential_json"),
    path("ob/v3/credentials/<uuid:public_id>", views.award_credential_jwt, name="award_credential_jwt"),
    path("ob/v3/keys/<str:kid>", views.ob3_issuer_key, name="ob3_issuer_key"),
    path("ob/v3/status/<slug:slug>", views.ob3_status_list, name="ob3_status_list"),
    path("ob/<path:rest>", views.ob_not_found),
    path("badges/<uuid:public_id>/baked.png", views.award_baked_png, name="award_baked_png"),
    path("badges/<uuid:public_id>/baked-ob3.png", views.award_baked_ob3_png, name="award_baked_ob3_png"),
    path("badges/<uuid:public_id>/verify/", views.award_verify, name="award_verify"),
    path("verify/", views.verify, name="verify"),
]
