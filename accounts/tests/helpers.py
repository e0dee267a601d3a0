"""Steps the data export and account deletion tests share."""

import io
import zipfile

from django.urls import reverse

from accounts.tests.factories import PASSWORD


def reauthenticate(client, user):
    """Sign in and confirm the password again, as allauth asks before the account can be deleted."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def delete_account(client, user):
    reauthenticate(client, user)
    response = client.post(reverse("account_delete"), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_deleted")
    return response


def download(client, export):
    response = client.get(reverse("data_export_download", args=[export.public_id]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
