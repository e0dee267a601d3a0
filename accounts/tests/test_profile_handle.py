"""The public profile's own address (/u/<handle>/), headline and photo, chosen on the account page."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import delete_account, download
from badges.tests.factories import AcceptedAwardFactory
from badges.tests.images import image_bytes

pytestmark = pytest.mark.django_db

SETTINGS = reverse("profile_settings")


def profile(key):
    return reverse("profile_public", args=[key])


@pytest.fixture
def earner(client):
    user = UserFactory(full_name="Katherine Johnson")
    client.force_login(user)
    return user


def save(client, **changes):
    data = {"full_name": "Katherine Johnson", "handle": "", "headline": "", "profile_public": "on", **changes}
    return client.post(SETTINGS, data)


def photo_upload(data=None, name="me.png", content_type="image/png"):
    return SimpleUploadedFile(name, data or image_bytes("PNG", size=(800, 500)), content_type=content_type)


# Handles


def test_an_earner_chooses_a_handle_and_the_profile_answers_there(client, earner):
    response = save(client, handle="  Katherine-J ", headline="Mathematician at NASA")

    assert response.status_code == 302
    earner.refresh_from_db()
    assert earner.handle == "katherine-j"  # stored lower-cased
    page = client.get(profile("katherine-j"))
    assert page.status_code == 200
    assert "Mathematician at NASA" in page.text and "@katherine-j" in page.text


def test_the_old_public_id_link_leads_to_the_handle(client):
    user = UserFactory(handle="katherine-j")

    response = client.get(profile(str(user.public_id)))

    assert (response.status_code, response.url) == (302, profile("katherine-j"))


def test_a_handle_typed_in_capitals_leads_to_the_profile(client):
    UserFactory(handle="katherine-j")

    response = client.get(profile("Katherine-J"))

    assert (response.status_code, response.url) == (302, profile("katherine-j"))


def test_without_a_handle_the_profile_keeps_its_public_id_address(client):
    user = UserFactory()

    assert client.get(profile(str(user.public_id))).status_code == 200


@pytest.mark.parametrize("reserved", ["admin", "API", "accounts", "badges", "static", "media", "help", "support"])
def test_reserved_words_are_refused(client, earner, reserved):
    response = save(client, handle=reserved)

    assert response.status_code == 200
    assert f"“{reserved.lower()}” is reserved" in response.text
    earner.refresh_from_db()
    assert earner.handle is None


@pytest.mark.parametrize("bad", ["u", "ab", "ada lovelace", "ada_l", "-ada", "ada-", "adá", "a" * 31])
def test_malformed_handles_are_refused_with_the_rule(client, earner, bad):
    response = save(client, handle=bad)

    assert response.status_code == 200
    assert "lower-case letters, digits and hyphens" in response.text or "at most 30 characters" in response.text
    earner.refresh_from_db()
    assert earner.handle is None


def test_a_handle_is_unique_whatever_its_case(client, earner):
    UserFactory(handle="kj")  # a short one other earners may also want
    UserFactory(handle="katherine")

    response = save(client, handle="KATHERINE", headline="Kept as typed")

    assert "This handle is taken" in response.text
    assert 'value="Kept as typed"' in response.text  # nothing typed is lost
    assert User.objects.filter(handle="katherine").count() == 1


def test_keeping_ones_own_handle_is_not_a_clash(client, earner):
    earner.handle = "katherine"
    earner.save()

    assert save(client, handle="katherine", headline="New line").status_code == 302


def test_the_database_refuses_a_handle_in_capitals():
    user = UserFactory()

    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(handle="Katherine")


def test_a_private_profile_answers_404_by_handle_and_by_public_id_without_naming_the_handle(client):
    user = UserFactory(handle="katherine", profile_public=False)

    by_handle = client.get(profile("katherine"))
    by_id = client.get(profile(str(user.public_id)))

    assert by_handle.status_code == 404 and by_id.status_code == 404


def test_the_owner_reaches_their_private_profile_by_handle(client, earner):
    earner.handle, earner.profile_public = "katherine", False
    earner.save()

    response = client.get(profile("katherine"))

    assert response.status_code == 200 and "Only you can see this page." in response.text


def test_links_to_the_profile_use_the_handle(client, earner):
    earner.handle = "katherine"
    earner.save()

    assert f'href="{profile("katherine")}"' in client.get(reverse("wallet")).text


def test_profile_query_count_with_a_handle(client, django_assert_num_queries):
    user = UserFactory(handle="katherine")
    for _ in range(5):
        AcceptedAwardFactory(earner=user)

    with django_assert_num_queries(2):  # the person, their badges with catalog rows
        client.get(profile("katherine"))


# Photos


def test_a_photo_is_re_encoded_as_a_square_jpeg_and_shown(client, earner):
    response = save(client, photo=photo_upload())

    assert response.status_code == 302
    earner.refresh_from_db()
    with earner.photo.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert (image.format, image.size) == ("JPEG", (400, 400))
    assert earner.photo.name.startswith("profiles/") and "me.png" not in earner.photo.name
    page = client.get(profile(str(earner.public_id))).text
    assert f'src="{earner.photo.url}" alt="Photo of Katherine Johnson"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a PNG, JPEG or WebP image"),
        (image_bytes("GIF"), "Upload a PNG, JPEG or WebP image"),
        (image_bytes("PNG")[:60], "damaged or incomplete"),
    ],
)
def test_a_file_that_is_not_a_usable_image_is_refused_and_the_rest_is_kept(client, earner, data, message):
    response = save(client, headline="Kept as typed", photo=photo_upload(data))

    assert response.status_code == 200
    assert message in response.text and 'value="Kept as typed"' in response.text
    earner.refresh_from_db()
    assert not earner.photo and earner.headline == ""


def test_a_new_photo_replaces_the_old_file_and_removing_deletes_it(client, earner, django_capture_on_commit_callbacks):
    save(client, photo=photo_upload())
    earner.refresh_from_db()
    first = earner.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        save(client, photo=photo_upload(image_bytes("JPEG", colour=(0, 0, 200))))
    earner.refresh_from_db()
    second = earner.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        save(client, remove_photo="on")
    earner.refresh_from_db()

    assert second != first and not default_storage.exists(first)
    assert not earner.photo and not default_storage.exists(second)


def test_the_photo_and_handle_go_into_the_data_download(client, earner, django_capture_on_commit_callbacks):
    save(client, handle="katherine", headline="Mathematician", photo=photo_upload())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("data_export_start"))
    earner.refresh_from_db()

    archive = download(client, earner.data_exports.get())

    assert '"handle": "katherine"' in archive.read("account/profile.json").decode()
    assert Image.open(io.BytesIO(archive.read("account/photo.jpg"))).format == "JPEG"


def test_deleting_the_account_deletes_the_photo(client, earner, django_capture_on_commit_callbacks):
    save(client, photo=photo_upload())
    earner.refresh_from_db()
    name = earner.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(client, earner)

    assert not default_storage.exists(name)
