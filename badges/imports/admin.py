"""The award import in admin: upload → check (progress) → preview → confirm → progress → result, and the list
of imports."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from ..models import AwardImport, ImportState
from .forms import AwardImportUploadForm, column_help
from .parsing import DELIMITERS, ENCODINGS, ImportFileError
from .report import report_csv
from .services import PREVIEW_PROBLEMS_SHOWN, award_import_confirm, award_import_create, award_import_progress

# Where each state's page is.
PAGE_OF_STATE = {
    ImportState.CHECKING: "progress",
    ImportState.PREVIEWED: "preview",
    ImportState.QUEUED: "progress",
    ImportState.RUNNING: "progress",
    ImportState.DONE: "result",
    ImportState.FAILED: "result",
}


@admin.register(AwardImport)
class AwardImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "created_at", "state", "rows_total", "created", "renewed", "skipped",
                    "failed", "links"]  # fmt: skip
    list_filter = ["state"]
    list_select_related = ["uploaded_by"]
    search_fields = ["file_name", "uploaded_by__email"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # an import is never edited: it is uploaded, confirmed and run

    def has_delete_permission(self, request, obj=None):
        # A running import's row is locked by its worker; the awards of a finished one stay either way.
        busy = obj is not None and obj.state in (ImportState.QUEUED, ImportState.RUNNING)
        return super().has_delete_permission(request, obj) and not busy

    @admin.display(description="Awards and report")
    def links(self, obj):
        return format_html(
            '<a href="{}">page</a> · <a href="{}">awards</a> · <a href="{}">problems (CSV)</a>',
            self._url(obj, PAGE_OF_STATE[obj.state]),
            awards_url(obj),
            self._url(obj, "report"),
        )

    def _url(self, obj, page):
        return reverse(f"admin:badges_awardimport_{page}", args=[obj.pk])

    def get_urls(self):
        pages = [
            ("preview/", self.preview_view, "preview"),
            ("confirm/", self.confirm_view, "confirm"),
            ("progress/", self.progress_view, "progress"),
            ("result/", self.result_view, "result"),
            ("report.csv", self.report_view, "report"),
            ("status.json", self.status_view, "status"),
        ]
        urls = [
            path(f"<int:pk>/{suffix}", self.admin_site.admin_view(view), name=f"badges_awardimport_{name}")
            for suffix, view, name in pages
        ]
        return urls + super().get_urls()

    def _get(self, request, pk, permission="view"):
        check = self.has_add_permission if permission == "add" else self.has_view_permission
        if not check(request):
            raise PermissionDenied
        return get_object_or_404(AwardImport.objects.select_related("uploaded_by"), pk=pk)

    def _render(self, request, template, title, **context):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **context}
        return TemplateResponse(request, f"admin/badges/awardimport/{template}", context)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AwardImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                award_import = award_import_create(
                    file_name=upload.name,
                    data=upload.read(),
                    uploaded_by=request.user,
                    encoding=form.cleaned_data["encoding"],
                    duplicates=form.cleaned_data["duplicates"],
                    send_email=form.cleaned_data["send_email"],
                    check_later=True,
                )
            except ImportFileError as error:
                form.add_error("file", error)
            else:
                return redirect(self._url(award_import, "progress"))
        return self._render(
            request,
            "upload.html",
            "Import awards from a CSV file",
            form=form,
            columns=column_help(),
            max_mb=f"{settings.AWARD_IMPORT_MAX_BYTES / (1024 * 1024):g}",
            max_rows=f"{settings.AWARD_IMPORT_MAX_ROWS:,}",
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        award_import = self._get(request, object_id)
        return redirect(self._url(award_import, PAGE_OF_STATE[award_import.state]))

    def preview_view(self, request, pk):
        award_import = self._get(request, pk)
        if award_import.state != ImportState.PREVIEWED:
            return redirect(self._url(award_import, PAGE_OF_STATE[award_import.state]))
        return self._render(
            request,
            "preview.html",
            f"Preview of {award_import.file_name}",
            award_import=award_import,
            problems=award_import.report[:PREVIEW_PROBLEMS_SHOWN],
            encoding=ENCODINGS.get(award_import.encoding, award_import.encoding),
            delimiter=DELIMITERS.get(award_import.delimiter, award_import.delimiter),
            can_confirm=self.has_add_permission(request),
        )

    @staticmethod
    def _confirm(request, award_import):
        if award_import_confirm(award_import=award_import):
            messages.success(request, f"Importing {award_import.file_name}.")
        elif award_import.state == ImportState.CHECKING:
            messages.info(request, "The file is still being checked; confirm it from its preview.")
        else:
            messages.info(request, "This import was already confirmed; it runs once.")

    def confirm_view(self, request, pk):
        return require_POST(self._confirm_post)(request, pk)

    def _confirm_post(self, request, pk):
        award_import = self._get(request, pk, permission="add")
        self._confirm(request, award_import)
        return redirect(self._url(award_import, "progress"))

    def progress_view(self, request, pk):
        award_import = self._get(request, pk)
        if PAGE_OF_STATE[award_import.state] != "progress":
            return redirect(self._url(award_import, PAGE_OF_STATE[award_import.state]))
        done, total = award_import_progress(award_import=award_import)
        checking = award_import.state == ImportState.CHECKING
        return self._render(
            request,
            "progress.html",
            f"{'Checking' if checking else 'Importing'} {award_import.file_name}",
            award_import=award_import,
            done=done,
            total=total,
            status_url=self._url(award_import, "status"),
        )

    def status_view(self, request, pk):
        """The progress page's poll: the state, how far it is, and the page to show once it moved on."""
        award_import = self._get(request, pk)
        done, total = award_import_progress(award_import=award_import)
        page = self._url(award_import, PAGE_OF_STATE[award_import.state])
        return JsonResponse({"state": award_import.state, "done": done, "total": total, "page": page})

    def result_view(self, request, pk):
        award_import = self._get(request, pk)
        if award_import.state not in (ImportState.DONE, ImportState.FAILED):
            return redirect(self._url(award_import, PAGE_OF_STATE[award_import.state]))
        return self._render(
            request,
            "result.html",
            f"Import of {award_import.file_name}",
            award_import=award_import,
            problems=award_import.report[:PREVIEW_PROBLEMS_SHOWN],
            awards_url=awards_url(award_import),
        )

    def report_view(self, request, pk):
        award_import = self._get(request, pk)
        response = HttpResponse(report_csv(award_import.report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{award_import.pk}-problems.csv"'
        return response


def awards_url(award_import):
    return reverse("admin:badges_award_changelist") + f"?award_import__id__exact={award_import.pk}"
