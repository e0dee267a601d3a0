"""What the portal holds about a person: gathered into their data export, cleared when they delete their account.

accounts sits below the apps that hold the rest (badges, support, jobs) and never imports them; each of
those registers what it holds from its `AppConfig.ready()`:

    personal_data.register("saved-jobs", title="Saved jobs", export=export_saved_jobs, lost=saved_jobs_lost)

Every callable takes keyword arguments `user` and `addresses` (the account's verified email addresses:
what the person has proven is theirs) and:
- `export` yields (path, content) pairs, written under the section's folder in the zip (str or bytes);
- `lost` returns the sentence the deletion page shows for this section, or "" when there is nothing to lose;
- `erase` runs inside the deletion's transaction, before the account row goes, and returns counts for the
  audit trail (`{"awards_anonymised": 2}`). Rows that cascade with the account need no `erase`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    export: Callable | None = None
    lost: Callable | None = None
    erase: Callable | None = None


_sections = {}


def register(name, *, title, export=None, lost=None, erase=None):
    _sections[name] = Section(name=name, title=title, export=export, lost=lost, erase=erase)


def sections():
    """In registration order, which follows INSTALLED_APPS: the account first, then what builds on it."""
    return list(_sections.values())


def export_sections():
    return [section for section in sections() if section.export]


def verified_addresses(user):
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({email.lower() for email in emails})


def json_file(path, data):
    return path, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def deletion_losses(user):
    """What deleting the account loses, one sentence per section that holds something."""
    addresses = verified_addresses(user)
    lines = (section.lost(user=user, addresses=addresses) for section in sections() if section.lost)
    return [line for line in lines if line]


# The account's own section.


def export_account(*, user, addresses):
    yield json_file(
        "profile.json",
        {
            "email": user.email,
            "full_name": user.full_name,
            "public_profile_id": user.public_id,
            "handle": user.handle,
            "headline": user.headline,
            "profile_public": user.profile_public,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
    )
    emails = user.emailaddress_set.order_by("email").values("email", "verified", "primary")
    yield json_file("email-addresses.json", list(emails))
    if user.photo:
        with user.photo.open("rb") as photo:
            yield "photo.jpg", photo.read()


def account_lost(*, user, addresses):
    emails = sorted(user.emailaddress_set.values_list("email", flat=True))
    return f"Your sign-in, your name, headline and photo, and your email addresses ({', '.join(emails)})."
