"""What badges puts in the audit trail (`badgeportal.audit`): every model staff change in admin or by a
service. Awards are tracked through their saves, so issue, revoke, renew and a new address each leave an
entry with the values before and after; a resend changes no row and records itself (`award_resend`), and
awards made in bulk (`awards_issued_in_bulk`) are recorded one entry each in one INSERT."""

from django.dispatch import receiver

from badgeportal.audit import audit_record_many, audit_register

from .awards.signals import awards_issued_in_bulk
from .models import Award, BadgeTemplate, Certification, Exam, Issuer, IssuerKey, ReminderOptOut


def register_models():
    # The salt and the encrypted key are secrets, and the sweep's bookkeeping is no one's action.
    # public_document: the stored public copy (a reverse one-to-one the diff would otherwise read, a query a save).
    audit_register(
        Award, exclude_fields=["recipient_salt", "claim_link_opened_at", "expiry_announced_at", "public_document"]
    )
    audit_register(BadgeTemplate, exclude_fields=["source_snapshot", "image_renditions_of"])
    audit_register(Certification, exclude_fields=["source_snapshot"])
    audit_register(Exam, exclude_fields=["source_snapshot"], m2m_fields={"certifications"})
    audit_register(Issuer)
    audit_register(IssuerKey, exclude_fields=["private_key_encrypted"])
    audit_register(ReminderOptOut)


@receiver(awards_issued_in_bulk)
def _audit_bulk_issue(sender, awards, **kwargs):
    # Awards made with bulk_create (an import, an API batch) send no post_save: one entry each, at once.
    audit_record_many(instances=awards, action="issued in bulk")
