"""Every page's header is cached once per kind of viewer (core/templatetags/frame.py) and
the signed-in person is read with their roles and unread count in one query
(accounts/backends.py): each viewer still sees their own name, roles, count, search
text and token, at once after a change."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monev.models import Notification
from zi_portal.accounts.roles import GROUP_NAMES, Role
from zi_portal.core.templatetags.frame import MARKS


def header(client, path="/notifikasi/", **params) -> str:
    body = client.get(path, params).content.decode()
    return body.split('<header class="topbar">')[1].split("</header>")[0]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_viewer_sees_their_own_name_roles_and_count(demo):
    pic, other = demo["users"]["pic.pw"], demo["users"]["pic.mp"]
    Notification.objects.create(recipient=pic, kind="overdue", title="a", body="b")
    Notification.objects.create(recipient=pic, kind="overdue", title="c", body="d")
    first, second = header(signed_in(pic)), header(signed_in(other))
    assert pic.name in first and other.name not in first
    assert other.name in second and pic.name not in second
    assert re.search(r'class="bell-count">2<', first)
    assert "bell-count" not in second
    for mark in MARKS.values():
        assert mark not in first + second


def test_a_new_notification_and_a_new_role_show_on_the_next_page(demo):
    kepala = demo["users"]["kepala"]
    client = signed_in(kepala)
    before = header(client)
    assert "bell-count" not in before and "Tugas saya" not in before
    Notification.objects.create(recipient=kepala, kind="overdue", title="a", body="b")
    kepala.groups.add(Group.objects.get(name=GROUP_NAMES[Role.PIC]))
    after = header(client)
    assert re.search(r'class="bell-count">1<', after)
    assert "PIC" in after and "Tugas saya" in after  # the role's menu entry, at once
    kepala.groups.remove(Group.objects.get(name=GROUP_NAMES[Role.PIC]))
    assert "Tugas saya" not in header(client)


def test_what_a_person_typed_or_is_called_is_escaped_and_kept_as_is(demo):
    pic = demo["users"]["pic.pw"]
    pic.name = f"<b>Irene</b> {MARKS['roles_mark']}"
    pic.save(update_fields=["name"])
    text = header(signed_in(pic), "/cari/", q='"><script>x</script>')
    assert "&lt;b&gt;Irene&lt;/b&gt; " + MARKS["roles_mark"] in text  # not replaced again
    assert "<script>x" not in text and "&lt;script&gt;x&lt;/script&gt;" in text


def test_the_forms_carry_the_viewers_own_token_and_page(demo):
    pic = demo["users"]["pic.pw"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(pic)
    text = header(client, "/notifikasi/", page="1")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    assert 'name="next" type="hidden" value="/notifikasi/?page=1"' in text
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/notifikasi/").status_code == 302  # signed out: to the sign-in page


def test_a_signed_in_page_reads_the_person_once(demo, django_assert_num_queries):
    client = signed_in(demo["users"]["kepala"])
    client.get("/notifikasi/")
    # session, the person (with roles and unread count), the list's count, the menu's plan
    with django_assert_num_queries(4) as queries:
        assert client.get("/notifikasi/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "auth_group" in sql and sql.count("auth_group") == 1


def test_an_expired_or_unknown_session_is_signed_out(demo):
    client = signed_in(demo["users"]["kepala"])
    assert client.get("/notifikasi/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/notifikasi/").status_code == 302
    other = signed_in(demo["users"]["pic.pw"])
    Session.objects.all().delete()
    assert other.get("/notifikasi/").status_code == 302


def test_a_deactivated_person_is_signed_out_at_once(demo):
    pic = demo["users"]["pic.pw"]
    client = signed_in(pic)
    assert client.get("/notifikasi/").status_code == 200
    pic.is_active = False
    pic.save(update_fields=["is_active"])
    assert client.get("/notifikasi/").status_code == 302
