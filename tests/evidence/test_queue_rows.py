"""The review queue's rows are cached whole (``evidence.queue_rows``), and what a reviewer
sees is still their own page: the CSRF token in a cached row is the viewer's (a verdict
posted with it is accepted, one posted with another reviewer's token is refused), the
filter a verdict returns to is the one this viewer asked for, a review or a reply shows
on the next page in its own row while the other rows stay cached, the uploader of a
version never gets the review form another reviewer's cached row has (and the other way
round), and a reader in English gets English rows after an Indonesian reader cached them."""

import html
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from evidence import queue_rows, services
from evidence.models import EvidenceVersion, Review
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

pytestmark = pytest.mark.django_db

QUEUE = reverse("evidence:queue")
ALL = "tahun=2026&state=all"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTION_TAG = re.compile(r"<(/?)section\b")


def pw_item(n: int = 0) -> EvidenceRequirement:
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
    ).order_by("order")[n]


def upload(item, user, name: str) -> EvidenceVersion:
    version = services.evidence_upload_file(
        requirement=item, user=user, upload=samples.upload(name, samples.pdf(name))
    )
    return EvidenceVersion.objects.get(pk=version.pk)  # as the queue reads it back


def reviewer(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def queue(client, query: str = ALL) -> str:
    response = client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def row(page: str, version: EvidenceVersion) -> str:
    """The ``<section id="antrean-<pk>">`` of ``version`` (nested sections included)."""
    start = page.find(f'<section class="card queue-item" id="antrean-{version.pk}">')
    assert start >= 0, f"version {version.pk} has no row on the page"
    depth = 0
    for tag in SECTION_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page[start : tag.end()]
    raise AssertionError("unclosed queue row")


def review_form(version: EvidenceVersion) -> str:
    return f'action="{reverse("evidence:review", args=[version.pk])}"'


def stored_rows(version: EvidenceVersion) -> dict[str, str]:
    """The cached rows (key: HTML) of ``version``, whatever their keys are made of: read
    from the local-memory cache the tests run with (``row_key``'s arguments are the
    module's own business and change with it)."""
    assert "locmem" in settings.CACHES["default"]["BACKEND"].lower(), "needs the locmem cache"
    found = {}
    for made in list(cache._cache):
        key = made.split(":", 2)[2]  # KEY_PREFIX:version:key
        text = cache.get(key) if key.startswith("queue-row:") else None
        if text and f'id="antrean-{version.pk}"' in text:
            found[key] = text
    return found


def test_a_verdict_from_a_cached_row_carries_the_viewers_own_token_and_filter(demo):
    users = demo["users"]
    version = upload(pw_item(), users["pic.pw"], "laporan.pdf")
    ketua = reviewer(users["ketua"], csrf=True)
    tpi = reviewer(users["tpi"], csrf=True)

    first = row(queue(ketua, ALL + "&area=PW"), version)
    # Both reviewers see the same row, so the TPI's page is served from the Ketua's entry.
    (stored,) = stored_rows(version).values()
    assert queue_rows.CSRF_MARK in stored
    assert queue_rows.QUERY_MARK in stored and TOKEN.search(first).group(1) not in stored

    second = row(queue(tpi, ALL), version)
    assert list(stored_rows(version).values()) == [stored], "the TPI's row was not the cached one"
    assert '<input type="hidden" name="query" value="tahun=2026&amp;state=all">' in second
    assert "area=PW" not in second
    assert (
        '<input type="hidden" name="query" value="tahun=2026&amp;state=all&amp;area=PW">' in first
    )
    assert queue_rows.CSRF_MARK not in second and queue_rows.QUERY_MARK not in second
    own, foreign = TOKEN.search(second).group(1), TOKEN.search(first).group(1)
    query = html.unescape(re.search(r'name="query" value="([^"]*)"', second).group(1))
    verdict = {"decision": "approve", "comment": "", "next": "queue", "query": query}
    url = reverse("evidence:review", args=[version.pk])

    # The other reviewer's token is refused for this one's session ...
    refused = tpi.post(url, {**verdict, "csrfmiddlewaretoken": foreign})
    assert refused.status_code == 403
    assert not Review.objects.filter(version=version).exists()
    # ... and the token of their own page is accepted.
    accepted = tpi.post(url, {**verdict, "csrfmiddlewaretoken": own})
    assert accepted.status_code == 302, "the token in a cached row is not the viewer's"
    assert accepted["Location"] == f"{QUEUE}?{ALL}"
    review = Review.objects.get(version=version)
    assert (review.reviewer, review.decision) == (users["tpi"], "approve")


def test_a_reply_sent_from_a_cached_row_is_accepted(demo):
    users = demo["users"]
    version = upload(pw_item(), users["pic.pw"], "laporan.pdf")
    queue(reviewer(users["tpi"]))  # cached by someone else first
    ketua = reviewer(users["ketua"], csrf=True)
    section = row(queue(ketua), version)
    reply_url = reverse("evidence:reply", args=[version.pk])
    reply_form = section[section.index(f'action="{reply_url}"') :]
    text = {"text": "Mohon lampirkan notulen.", "next": "queue", "query": ALL}
    sent = ketua.post(
        reply_url,
        {**text, "csrfmiddlewaretoken": TOKEN.search(reply_form).group(1)},
    )
    assert sent.status_code == 302, "the token in a cached row is not the viewer's"
    assert sent["Location"] == f"{QUEUE}?{ALL}#antrean-{version.pk}"
    assert "Mohon lampirkan notulen." in row(queue(ketua), version)


def test_a_review_and_a_reply_show_in_their_own_row_and_leave_the_others_cached(demo):
    users = demo["users"]
    a = upload(pw_item(0), users["pic.pw"], "a.pdf")
    b = upload(pw_item(1), users["pic.pw"], "b.pdf")
    tpi = reviewer(users["tpi"])
    page = queue(tpi)
    assert "Lampirkan notulen rapat" not in page
    entries_a, entries_b = stored_rows(a), stored_rows(b)
    assert len(entries_a) == 1 and len(entries_b) == 1

    services.evidence_review(
        version=a, user=users["ketua"], decision="revise", comment="Lampirkan notulen rapat"
    )
    page = queue(tpi)
    assert "Lampirkan notulen rapat" in row(page, a), "the review is missing from its row"
    assert "Perlu revisi" in row(page, a)
    assert "Lampirkan notulen rapat" not in row(page, b)
    assert stored_rows(b) == entries_b, "B's row was not left as cached"
    new_a = {k: v for k, v in stored_rows(a).items() if k not in entries_a}
    assert len(new_a) == 1 and "Lampirkan notulen rapat" in next(iter(new_a.values()))

    answer = reviewer(users["pic.pw"]).post(
        reverse("evidence:reply", args=[a.pk]), {"text": "Notulen ada di halaman 4."}
    )
    assert answer.status_code == 302
    page = queue(tpi)
    assert "Notulen ada di halaman 4." in row(page, a), "the reply is missing from its row"
    assert "Notulen ada di halaman 4." not in row(page, b)
    assert "Lampirkan notulen rapat" in row(page, a)
    assert stored_rows(b) == entries_b


@pytest.mark.parametrize("first", ["uploader", "other"])
def test_the_uploader_gets_no_review_form_and_another_reviewer_gets_one(demo, first):
    users = demo["users"]
    own = upload(pw_item(), users["ketua"], "milik-ketua.pdf")
    clients = {"uploader": reviewer(users["ketua"]), "other": reviewer(users["tpi"])}
    order = [first, "other" if first == "uploader" else "uploader"]
    seen = [(who, row(queue(clients[who]), own)) for who in order * 2]  # then from the cache
    assert len(stored_rows(own)) == 2  # the uploader's row and everyone else's

    for who, section in seen:
        if who == "uploader":
            assert "Anda mengunggah berkas ini" in section
            assert review_form(own) not in section, "the uploader got another reviewer's row"
            assert f'id="pick-{own.pk}"' not in section
        else:
            assert review_form(own) in section, "another reviewer got the uploader's row"
            assert f'id="pick-{own.pk}"' in section
            assert "Anda mengunggah berkas ini" not in section


@pytest.mark.parametrize("how", ["preference", "cookie"])
def test_an_english_reader_gets_english_rows_after_an_indonesian_reader(demo, how):
    users = demo["users"]
    version = upload(pw_item(), users["pic.pw"], "laporan.pdf")
    indonesian = reviewer(users["ketua"])
    assert '<button type="submit" name="decision" value="approve"' in row(
        queue(indonesian), version
    )
    assert ">Setujui</button>" in row(queue(indonesian), version)
    assert len(stored_rows(version)) == 1

    english_user = users["tpi"]
    if how == "preference":
        english_user.preferred_language = "en"
        english_user.save(update_fields=["preferred_language"])
    english = reviewer(english_user)
    if how == "cookie":
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    section = row(queue(english), version)
    assert ">Approve</button>" in section, "an English reader got the Indonesian row"
    assert ">Request revision</button>" in section
    assert "Setujui" not in section and "Minta revisi" not in section
    assert len(stored_rows(version)) == 2  # one per language
    # And the Indonesian reader still gets the Indonesian row.
    again = row(queue(indonesian), version)
    assert ">Setujui</button>" in again and "Approve" not in again


def test_people_renamed_after_the_row_was_cached_show_under_their_new_names(demo):
    users = demo["users"]
    version = upload(pw_item(), users["pic.pw"], "laporan.pdf")
    services.evidence_review(
        version=version, user=users["ketua"], decision="revise", comment="Perbaiki"
    )
    tpi = reviewer(users["tpi"])
    assert users["ketua"].name in row(queue(tpi), version)
    for who, name in (("ketua", "Ketua Berganti Nama"), ("pic.pw", "PIC Berganti Nama")):
        users[who].name = name
        users[who].save(update_fields=["name"])
        assert name in row(queue(tpi), version), f"the {who}'s old name is still shown"
