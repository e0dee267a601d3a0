from django.urls import path

from . import views

urlpatterns = [
    path("claim/finish/", views.claim_finish, name="claim_finish"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("claim/<str:token>/renew/", views.claim_renew, name="claim_renew"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/<uuid:public_id>/", views.wallet_award, name="wallet_award"),
    path("wallet/<uuid:public_id>/accept/", views.award_accept_view, name="award_accept"),
    path("wallet/<uuid:public_id>/decline/", views.award_decline_view, name="award_decline"),
    path("wallet/<uuid:public_id>/restore/", views.award_restore_view, name="award_restore"),
]
