from django.urls import path

from . import views

urlpatterns = [
    path("wallet/saved-jobs/", views.saved_jobs, name="saved_jobs"),
    path("wallet/<uuid:public_id>/jobs/", views.award_jobs, name="award_jobs"),
    path("wallet/<uuid:public_id>/salary/", views.award_salary, name="award_salary"),
    path("jobs/<int:pk>/apply/", views.job_apply, name="job_apply"),
    path("jobs/<int:pk>/save/", views.job_save, name="job_save"),
    path("jobs/<int:pk>/unsave/", views.job_unsave, name="job_unsave"),
]
