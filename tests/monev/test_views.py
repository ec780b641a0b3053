"""Notification pages: list with unread count, mark read, digest preference."""

from datetime import date

import pytest
from django.urls import reverse

from monev import sweep
from monev.models import Notification


@pytest.fixture
def notified(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep.run_sweep(today=date(2026, 4, 13), send_now=True)  # overdue + digest
    return demo


def test_anonymous_is_sent_to_sign_in(client):
    for name in ["monev:notifications", "monev:preferences"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/akun/login/" in response["Location"]


def test_unread_count_in_the_header_and_list(client, notified):
    client.force_login(notified["users"]["pic.pw"])
    page = client.get(reverse("workplan:overview", args=[2026])).content.decode()
    assert 'class="bell-count">1' in page
    listing = client.get(reverse("monev:notifications")).content.decode()
    assert "Bukti dukung ZI terlambat: 5 butir belum lengkap" in listing
    assert "1 belum dibaca" in listing


def test_mark_one_read_and_open_it(client, notified):
    user = notified["users"]["pic.pw"]
    client.force_login(user)
    note = Notification.objects.get(recipient=user)
    response = client.post(reverse("monev:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("monev:tasks")
    note.refresh_from_db()
    assert note.read_at is not None
    page = client.get(reverse("workplan:overview", args=[2026])).content.decode()
    assert "bell-count" not in page


def test_mark_all_read_and_other_peoples_notifications(client, notified):
    users = notified["users"]
    client.force_login(users["ketua"])
    mine = Notification.objects.filter(recipient=users["ketua"])
    assert mine.count() == 1  # the digest
    other = Notification.objects.get(recipient=users["pic.pw"])
    assert client.post(reverse("monev:notification_read", args=[other.pk])).status_code == 404
    response = client.post(reverse("monev:notification_read_all"), follow=True)
    assert "1 notifikasi ditandai sudah dibaca." in response.content.decode()
    assert not mine.filter(read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_digest_preference(client, notified):
    kepala = notified["users"]["kepala"]
    client.force_login(kepala)
    response = client.post(reverse("monev:preferences"), {}, follow=True)
    assert "tidak akan dikirim lagi" in response.content.decode()
    kepala.refresh_from_db()
    assert kepala.receive_digest is False
    client.post(reverse("monev:preferences"), {"receive_digest": "on"})
    kepala.refresh_from_db()
    assert kepala.receive_digest is True


def test_only_the_ketua_resends(client, notified):
    from monev.models import Message

    message = Message.objects.first()
    Message.objects.filter(pk=message.pk).update(status="failed")
    for who in ["kepala", "tpi", "pic.pw"]:
        client.force_login(notified["users"][who])
        assert client.post(reverse("monev:message_resend", args=[message.pk])).status_code == 403
