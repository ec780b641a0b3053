"""After sign-in each role lands where its work is: the reviewers on the review queue,
the Kepala on the dashboard, PICs and pokja members on their tasks; a ``next`` wins."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import DEMO_PASSWORD

LOGIN = "/akun/login/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "lands_on", "heading"),
    [
        ("ketua", "/reviu/", "Antrean reviu"),
        ("tpi", "/reviu/", "Antrean reviu"),
        ("kepala", "/dasbor/", "Dasbor"),
        ("pic.pw", "/tugas/", "Tugas saya"),
    ],
)
def test_each_role_lands_on_its_work(demo, who, lands_on, heading):
    client = Client()
    response = client.post(
        LOGIN, {"login": demo["users"][who].email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200
    assert f"<h1>{heading}" in response.content.decode().replace("<h1 ", "<h1>")


@pytest.mark.django_db
def test_a_next_page_wins(demo):
    client = Client()
    response = client.post(
        LOGIN + "?next=/audit/",
        {"login": demo["users"]["ketua"].email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
