"""The audit trail (django-auditlog): who did what to which record, when, with the values before and after.

Two ways into it, both used by every app that lets staff change something:

1. A model staff edit is registered in its app's `AppConfig.ready()` with `audit_register(Model)`:
   every save and delete through the ORM writes an entry, with the actor the middleware found
   (`AuditActorMiddleware`) and the changed fields' old and new values.
2. An action that changes no row of its own, or writes rows in bulk (queryset updates and `bulk_create`
   send no signals), records itself with `audit_record(instance=..., action="resend claim email", ...)`;
   rows written in bulk (an import) get one entry each, all written in one statement (`audit_record_many`).

Entries are never edited or deleted from the admin (`accounts.admin.LogEntryAdmin`).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import timezone

from .copy_insert import bulk_insert, new_instances

# Who is acting in this request or task, for entries written without a save (`audit_record_many`). Our own
# variable, reset when the block ends: auditlog's context keeps its last actor after the request, and a
# later action in the same thread (an API batch, a task) would be filed under that staff member.
_acting = ContextVar("audit_actor", default=None)


@contextmanager
def audit_actor(user):
    """Within the block, bulk-written entries name `user` (AuditActorMiddleware sets it per request)."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


# Never worth an entry: bookkeeping every save touches.
ALWAYS_EXCLUDED = ["updated_at"]


def audit_register(model, *, exclude_fields=(), **options):
    """Track every change to `model` in the audit trail (see the module docstring)."""
    if not auditlog.contains(model):
        auditlog.register(model, exclude_fields=[*ALWAYS_EXCLUDED, *exclude_fields], **options)


def audit_record(*, instance, action, changes=None, actor=None):
    """Write an entry for `action` (a few words: "resend claim email") on `instance`.

    `changes` maps a field or a name to `[before, after]`. The actor is the request's user (the middleware
    fills it in) unless `actor` names one, as outside a request.
    """
    who = {"actor": actor, "actor_email": actor.email} if actor is not None else {}
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.UPDATE if changes else LogEntry.Action.ACCESS,
        changes={"action": ["", action]} | {key: [str(old), str(new)] for key, (old, new) in (changes or {}).items()},
        additional_data={"action": action},
        **who,
    )


def audit_record_many(*, instances, action):
    """`audit_record` for many rows written in bulk (an import): one entry each, in one statement. The actor is
    the one `audit_actor` names for this request or task, if any."""
    actor = _current_actor()
    who = {"actor_id": actor.pk, "actor_email": actor.email} if actor is not None else {}
    now = timezone.now()
    rows = (
        {
            "content_type_id": ContentType.objects.get_for_model(instance).pk,
            "object_pk": str(instance.pk),
            "object_id": instance.pk,
            "object_repr": str(instance)[:255],
            "action": LogEntry.Action.CREATE,
            "changes": {"action": ["", action]},
            "additional_data": {"action": action},
            "timestamp": now,
            **who,
        }
        for instance in instances
    )
    # An import records 100,000 at once: built and written as the awards are (see copy_insert). No caller
    # needs the entries' ids.
    return bulk_insert(LogEntry, new_instances(LogEntry, rows), ids=False)


def _current_actor():
    # bulk_create sends no pre_save, so auditlog does not fill the actor in: read ours.
    actor = _acting.get()
    return actor if getattr(actor, "is_authenticated", False) else None


@receiver(user_logged_in)
def _staff_signed_in(sender, request, user, **kwargs):
    # Staff sign-ins are staff actions: they open the admin. Earners' sign-ins are not audit material.
    if user.is_staff:
        audit_record(instance=user, action="staff sign-in", actor=user)


ERASED = "[erased]"


def audit_erase(*, model, pks, fields, repr_format):
    """Erase a person's data from the entries of `model` rows `pks` (their account was deleted): the values
    of `fields` before and after, the snapshot and the name the entry was filed under (`repr_format`, given
    the pk). What was done, when and by whom stays; the trail is otherwise never rewritten."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
    )
    for entry in entries.iterator():
        changes = entry.changes or {}
        for name in fields & changes.keys():
            changes[name] = [ERASED, ERASED]
        entry.changes = changes
        entry.object_repr = repr_format.format(pk=entry.object_pk)
        entry.serialized_data = None
        entry.save(update_fields=["changes", "object_repr", "serialized_data"])
