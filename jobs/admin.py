from django.contrib import admin, messages

from .models import (
    CertificationOccupation,
    JobPosting,
    JobSource,
    MarketSalary,
    Occupation,
    OccupationProjection,
    OccupationWage,
)
from .providers import PROVIDERS
from .services import jobs_refresh_now


class WageInline(admin.TabularInline):
    model = OccupationWage
    extra = 0


class ProjectionInline(admin.TabularInline):
    model = OccupationProjection
    extra = 0


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["soc_code", "title"]
    search_fields = ["soc_code", "title"]
    inlines = [WageInline, ProjectionInline]


@admin.register(CertificationOccupation)
class CertificationOccupationAdmin(admin.ModelAdmin):
    list_display = ["certification", "occupation", "rank"]
    list_editable = ["rank"]
    list_filter = ["rank"]
    search_fields = ["certification__name", "occupation__title", "occupation__soc_code"]
    autocomplete_fields = ["occupation"]
    list_select_related = ["certification", "occupation"]


@admin.register(JobSource)
class JobSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "enabled",
        "configured",
        "interval_minutes",
        "last_run_at",
        "last_status",
        "last_fetched",
        "last_created",
        "last_updated",
        "last_closed",
        "last_bad_records",
    ]
    list_editable = ["enabled", "interval_minutes"]
    readonly_fields = [
        "name",
        "last_run_at",
        "last_status",
        "last_fetched",
        "last_created",
        "last_updated",
        "last_closed",
        "last_bad_records",
        "last_error",
    ]
    actions = ["refresh_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="API keys set")
    def configured(self, obj):
        provider = PROVIDERS.get(obj.name)
        return bool(provider and provider.is_configured())

    @admin.action(description="Refresh selected sources now")
    def refresh_now(self, request, queryset):
        for source in queryset:
            jobs_refresh_now(source=source)
        self.message_user(request, f"Queued a refresh of {len(queryset)} source(s).", messages.SUCCESS)


@admin.register(JobPosting)
class JobPostingAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "source", "status", "posted_on", "annual_salary_max", "apply_clicks"]
    list_filter = ["source", "status", "remote"]
    search_fields = ["title", "employer", "external_id"]
    date_hierarchy = "posted_on"
    readonly_fields = ["fetched_at", "closed_at", "apply_clicks"]
    raw_id_fields = ["certifications", "occupations"]
    show_full_result_count = False


@admin.register(MarketSalary)
class MarketSalaryAdmin(admin.ModelAdmin):
    list_display = ["certification", "region", "postings", "median", "low", "high", "computed_at"]
    list_select_related = ["certification"]
    search_fields = ["certification__name", "region"]

    def has_add_permission(self, request):
        return False
