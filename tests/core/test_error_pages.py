"""Refusals and error pages speak Indonesian in the portal's layout, and the menu is the
same on every page (also on pages that are not about a plan)."""

import pytest
from django.test import Client

MENU = ["Ikhtisar", "Matriks Komitmen", "Rencana Kegiatan", "LKE", "Temuan"]


def menu_of(body: str) -> list[str]:
    nav = body.split('id="mainnav"')[1].split("</nav>")[0]
    return [entry for entry in MENU if f">{entry}</a>" in nav]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/rencana/2026/matriks/", "/notifikasi/", "/status/", "/tidak-ada/", "/butir/999999/"]
)
def test_the_menu_is_the_same_everywhere(client, demo, path):
    client.force_login(demo["users"]["ketua"])
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert menu_of(response.content.decode()) == MENU


@pytest.mark.django_db
def test_a_403_keeps_the_menu(client, demo):
    client.force_login(demo["users"]["pic.pw"])
    response = client.get("/status/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Akses ditolak" in body
    assert menu_of(body) == MENU


@pytest.mark.django_db
def test_a_stale_form_is_refused_in_indonesian(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["users"]["ketua"])
    response = client.post("/notifikasi/baca-semua/", {})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formulir kedaluwarsa" in body
    assert "Tidak ada data yang diubah" in body
    assert "CSRF" not in body
    assert menu_of(body) == MENU


@pytest.mark.django_db
def test_the_csrf_page_in_english(demo):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(demo["users"]["ketua"])
    client.cookies["django_language"] = "en"
    response = client.post("/notifikasi/baca-semua/", {})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
