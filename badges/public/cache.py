"""The cache of an award's public representations, keyed by the award's `public_id` alone.

A key that can be built from the URL needs no database read, so a cache hit costs one cache round trip
and no query. The price is that nothing in the key changes when the data does: every change that can
alter what these entries show must delete them. The receivers at the end of this module do that on
save and delete of the award, its earner, its template, the template's issuer, certification and exams;
the few writes that bypass `save()` call the functions below themselves (see `badge_images_generate`).

The anonymous page, the OB 2.0 assertion, the signed OB 3.0 credential and the baked PNGs are not cached
here any more: they are stored per award and cleared by the database in the changing transaction
(`badges.public.stored`), which leaves no window for the race below. What remains here:
- "body": the badge part of the public page for signed-in visitors; "og": the link-preview image. Both
  show whether the badge has expired, which follows from today's date, so their keys carry the date:
  tomorrow's key is a different key and nothing needs to run at midnight. ("page", also dated, is no
  longer written; its key is still deleted, for entries an older release wrote.)
- "ob3": the 3.0 credential as readable JSON; "ob2" is no longer written (deleted as "page" is). Their
  `expires` / `validUntil` are dates, not a status, so they carry no date.

Entries are only ever written by a request that just read the award through
`Award.objects.publicly_visible()`, so a private, pending or declined badge is never cached as visible.

Entries are deleted once the change commits: before it, a request could still read the old rows and
cache them again. One race remains, as with any delete-on-write cache: a request that read the database
just before the commit can write its (old) entry just after the delete, in the few milliseconds between
its read and its write. A delete that fails (Redis down) is logged by the cache and does nothing, and
never fails the change that asked for it. The timeouts below bound what a stale entry can cost.
"""

from itertools import batched

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from ..models import Award, BadgeTemplate, Certification, Exam, Issuer

PAGE, BODY, OG, OB2, OB3 = "page", "body", "og", "ob2", "ob3"
DATED = (PAGE, BODY, OG)
KINDS = DATED + (OB2, OB3)
# Short enough that the race above, and a change made behind the ORM's back, is soon forgotten.
TIMEOUTS = {PAGE: 10 * 60, BODY: 10 * 60, OG: 10 * 60, OB2: 60 * 60, OB3: 60 * 60}
# How many keys one cache call deletes when a template or an earner changes.
CHUNK = 1000


def today():
    """The date the dated keys carry; expiry is computed against the same local date (`Award.is_expired`)."""
    return timezone.localdate()


def key(kind, public_id, day=None):
    if kind in DATED:
        return f"public:{kind}:{public_id}:{(day or today()).isoformat()}"
    return f"public:{kind}:{public_id}"


def badgeclass_key(template_id):
    return f"public:ob2-badgeclass:{template_id}"


def get(kind, public_id):
    return cache.get(key(kind, public_id))


def put(kind, public_id, value):
    cache.set(key(kind, public_id), value, TIMEOUTS[kind])


def get_or_set(kind, public_id, compute):
    return cache.get_or_set(key(kind, public_id), compute, TIMEOUTS[kind])


def _delete(keys):
    for chunk in batched(keys, CHUNK):
        cache.delete_many(chunk)


def _invalidate(public_ids, template_ids=()):
    def delete():
        # Keys are built at delete time, so a commit that lands after midnight deletes the new day's keys.
        keys = [key(kind, public_id) for public_id in public_ids for kind in KINDS]
        _delete(keys + [badgeclass_key(pk) for pk in template_ids])

    # Outside a transaction this runs at once. `robust`: whatever goes wrong is logged, and the change stands.
    transaction.on_commit(delete, robust=True)


def invalidate_award(public_id):
    _invalidate([public_id])


def invalidate_earner(user_id):
    _invalidate(list(Award.objects.filter(earner_id=user_id).values_list("public_id", flat=True)))


def invalidate_templates(template_ids):
    template_ids = list(template_ids)
    if not template_ids:
        return
    public_ids = list(Award.objects.filter(template_id__in=template_ids).values_list("public_id", flat=True))
    _invalidate(public_ids, template_ids)


# What the earner shows of themselves: `profile_public` and `is_active` decide whether the badges are
# public at all, and `full_name` is their public name (the award pages show the award's own
# `recipient_name` today).
EARNER_FIELDS = {"profile_public", "is_active", "full_name"}


@receiver([post_save, post_delete], sender=Award)
def _award_changed(sender, instance, **kwargs):
    # Every service that changes an award (accept, decline, restore, revoke, visibility) saves it. The one
    # queryset update, `awards_attach_for_email`, only touches pending awards, which are never public.
    invalidate_award(instance.public_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _earner_saved(sender, instance, created, update_fields, **kwargs):
    # A login saves `last_login` only; that changes nothing public and should not cost a query.
    if created or (update_fields is not None and not EARNER_FIELDS & set(update_fields)):
        return
    invalidate_earner(instance.pk)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _earner_deleted(sender, instance, **kwargs):
    # Before the delete: it sets the awards' earner to NULL with a queryset update, which sends no signal.
    invalidate_earner(instance.pk)


@receiver([post_save, pre_delete], sender=BadgeTemplate)
def _template_changed(sender, instance, **kwargs):
    invalidate_templates([instance.pk])


@receiver([post_save, pre_delete], sender=Issuer)
def _issuer_changed(sender, instance, **kwargs):
    invalidate_templates(BadgeTemplate.objects.filter(issuer_id=instance.pk).values_list("pk", flat=True))


@receiver([post_save, pre_delete], sender=Certification)
def _certification_changed(sender, instance, **kwargs):
    invalidate_templates(BadgeTemplate.objects.filter(certification_id=instance.pk).values_list("pk", flat=True))


@receiver([post_save, pre_delete], sender=Exam)
def _exam_changed(sender, instance, **kwargs):
    # A certification's page lists its exams, with their titles and retirement. Catalog rows are handled
    # before a delete, while their links to awards (and an exam's to its certifications) still exist.
    templates = BadgeTemplate.objects.filter(Q(exam_id=instance.pk) | Q(certification__exams=instance.pk))
    invalidate_templates(templates.values_list("pk", flat=True).distinct())


@receiver(m2m_changed, sender=Exam.certifications.through)
def _exam_certifications_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # certification.exams.add(...): `instance` is the certification
        certification_ids = [instance.pk]
    elif action == "pre_clear":  # exam.certifications.clear(): no pk_set, so read what is about to go
        certification_ids = list(instance.certifications.values_list("pk", flat=True))
    else:
        certification_ids = list(pk_set)
    invalidate_templates(
        BadgeTemplate.objects.filter(certification_id__in=certification_ids).values_list("pk", flat=True)
    )
