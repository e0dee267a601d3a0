"""An earner's own data (the export of everything held about them, the deletion of their account) and the
warning an account's owner gets when its sign-ins keep failing."""

import hashlib
import logging
import tempfile
import zipfile
from datetime import timedelta

from allauth.account.utils import filter_users_by_email
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from badgeportal.audit import audit_erase
from outbox.services import outbox_enqueue, outbox_forget

from . import personal_data
from .models import UNFINISHED_EXPORT, DataExport, DataExportStatus, User

logger = logging.getLogger(__name__)

# An export still unfinished this long after it was asked for lost its worker; the purge fails it, so the
# earner may ask again (the task is retried by the queue well before that).
EXPORT_STALE_AFTER = timedelta(hours=6)


PROFILE_FIELDS = ["full_name", "handle", "headline", "photo", "profile_public"]


def profile_update(*, user, full_name, handle, headline, profile_public, photo=None, remove_photo=False):
    """Save what the earner shows of themselves. `photo` is a new, already re-encoded file (see
    `accounts.images.photo_clean`); the one it replaces, or a removed one, is deleted once saved."""
    replaced = user.photo.name if (photo or remove_photo) else ""
    user.full_name, user.handle, user.headline, user.profile_public = full_name, handle, headline, profile_public
    if photo:
        user.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        user.photo = ""
    try:
        with transaction.atomic():
            user.save(update_fields=PROFILE_FIELDS)
    except IntegrityError:  # another account took the handle since the form checked it
        if photo:
            user.photo.delete(save=False)
        raise ValidationError({"handle": "This handle is taken: choose another."}, code="taken") from None
    if replaced:
        transaction.on_commit(lambda: _delete_files([replaced]))
    return user


def data_export_request(*, user):
    """Start preparing the zip of everything held about `user`, or return the one already being prepared."""
    from .tasks import data_export_build_task

    unfinished = DataExport.objects.filter(user=user, status__in=UNFINISHED_EXPORT)
    if current := unfinished.first():
        return current
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError:  # a second request created it between our read and our insert
        return unfinished.first() or DataExport.objects.filter(user=user).first()
    data_export_build_task.delay_on_commit(export.pk)
    return export


def data_export_build(*, export_id):
    """Write the zip, one section after the other, recording progress as each is done.

    A run that the queue delivers again (its worker died) starts over; if two runs overlap, the first to
    finish publishes its file and the other deletes its own. A failure marks the export failed, so its page
    says so instead of waiting forever, and the earner can ask again.
    """
    sections = personal_data.export_sections()
    exports = DataExport.objects.filter(pk=export_id)
    if not exports.filter(status__in=UNFINISHED_EXPORT).update(
        status=DataExportStatus.RUNNING, sections_done=0, sections_total=len(sections)
    ):
        return
    export = exports.select_related("user").get()
    try:
        with tempfile.TemporaryFile() as archive_file:
            _write_archive(archive_file, export, sections)
            name = _download_name(export)
            export.file.save(name, File(archive_file, name=name), save=False)
    except Exception:
        logger.exception("Data export %s failed", export_id)
        exports.filter(status=DataExportStatus.RUNNING).update(
            status=DataExportStatus.FAILED, finished_at=timezone.now()
        )
        return
    now = timezone.now()
    finished = exports.filter(status=DataExportStatus.RUNNING).update(
        status=DataExportStatus.READY,
        file=export.file.name,
        size=export.file.size,
        finished_at=now,
        expires_at=now + timedelta(days=settings.DATA_EXPORT_LINK_DAYS),
    )
    if not finished:  # another run finished first, or the account was deleted meanwhile
        export.file.delete(save=False)


def _write_archive(archive_file, export, sections):
    user = export.user
    addresses = personal_data.verified_addresses(user)
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(export, sections))
        for done, section in enumerate(sections, start=1):
            for path, content in section.export(user=user, addresses=addresses):
                archive.writestr(f"{section.name}/{path}", content)
            DataExport.objects.filter(pk=export.pk).update(sections_done=done)
    archive_file.seek(0)


def _readme(export, sections):
    context = {"export": export, "sections": sections, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    return render_to_string("accounts/export_readme.txt", context)


def _download_name(export):
    return f"{slugify(settings.SITE_NAME)}-data-{timezone.localdate(export.created_at).isoformat()}.zip"


def data_exports_purge():
    """Delete the files of exports whose link expired, and fail exports that lost their worker."""
    now = timezone.now()
    expired = list(DataExport.objects.filter(status=DataExportStatus.READY, expires_at__lte=now))
    for export in expired:
        export.file.delete(save=False)
    DataExport.objects.filter(pk__in=[export.pk for export in expired]).update(status=DataExportStatus.EXPIRED, file="")
    DataExport.objects.filter(status__in=UNFINISHED_EXPORT, created_at__lte=now - EXPORT_STALE_AFTER).update(
        status=DataExportStatus.FAILED, finished_at=now
    )
    return len(expired)


@transaction.atomic
def account_delete(*, user, actor=None):
    """Delete `user`'s account and what it holds; each app clears its part first (see `personal_data`).

    The emails waiting for their addresses are cancelled, and the audit trail records the deletion: who
    asked (`actor`, staff; None for the account holder), when, and what was cleared, without the person's
    name or address.
    """
    addresses = personal_data.verified_addresses(user)
    cleared = {}
    for section in personal_data.sections():
        if section.erase:
            cleared.update(section.erase(user=user, addresses=addresses))
    cleared["emails_cancelled"] = outbox_forget(to=addresses)
    files = [export.file.name for export in user.data_exports.exclude(file="")]
    if user.photo:
        files.append(user.photo.name)
    # What the person did stays in the audit trail, without naming them: their address as the actor, and
    # their account's own entries (staff sign-ins) filed under its number.
    LogEntry.objects.filter(actor=user).update(actor_email=None, remote_addr=None)
    audit_erase(model=User, pks=[user.pk], fields={"email", "full_name"}, repr_format="Account #{pk}")
    _audit_deletion(user, actor=actor, cleared=cleared)
    user.delete()
    # Files are not rolled back with the transaction, so they go only once the deletion is certain.
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names):
    for name in names:
        default_storage.delete(name)


def _audit_deletion(user, *, actor, cleared):
    # bulk_create sends no pre_save signal, so the audit middleware cannot stamp the departing person
    # as the actor, with their address and IP, on an entry that must not name them.
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(user),
                object_pk=str(user.pk),
                object_id=user.pk,
                object_repr=f"Account #{user.pk}",
                action=LogEntry.Action.DELETE,
                actor=actor,
                actor_email=actor.email if actor else None,
                additional_data={"deleted_by": "staff" if actor else "account holder", **cleared},
            )
        ]
    )


LOGIN_FAILURES_EMAIL = "login_failures"
ALERT_WINDOW = 24 * 60 * 60


def login_failure_record(*, email):
    """Count a failed sign-in for `email`; the account's owner hears of it once the count reaches the threshold.

    The count lives a day from the first failure, so a steady attack sends at most one email a day.
    An address with no account is counted too but never written to.
    """
    key = "login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    cache.add(key, 0, timeout=ALERT_WINDOW)
    failures = cache.incr(key)
    if failures != settings.LOGIN_FAILURE_ALERT_THRESHOLD:
        return
    for user in filter_users_by_email(email, is_active=True, prefer_verified=True)[:1]:
        outbox_enqueue(kind=LOGIN_FAILURES_EMAIL, to=user.email, payload={"user_id": user.pk, "failures": failures})
