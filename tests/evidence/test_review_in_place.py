"""Reviewing in place from the review queue: the inline preview (headers and access),
approving several files at once, and the replies between the PIC and the reviewers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceVersion, Review, VersionReply
from monev.models import Notification
from tests.evidence import samples
from tests.multiunit import UNIT_A, users_b
from workplan.models import EvidenceRequirement
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

QUEUE = reverse("evidence:queue")


@pytest.fixture
def as_user(client, demo):
    def login(who):
        client.force_login(demo["users"][who] if isinstance(who, str) else who)
        return client

    return login


def upload(item, user, name, data=None):
    data = data if data is not None else samples.ACCEPTED.get(name, (samples.pdf(name),))[0]
    return services.evidence_upload_file(
        requirement=item, upload=samples.upload(name, data), user=user
    )


@pytest.fixture
def pdf(item, users):
    return upload(item, users["pic.pw"], "laporan.pdf", samples.pdf("laporan pratinjau"))


@pytest.fixture
def png(item, users):
    return upload(item, users["pic.pw"], "tangkapan.png")


@pytest.fixture
def xlsx(item, users):
    return upload(item, users["pic.pw"], "rekap.xlsx")


def item_of(area: str, quarter: int = 2, n: int = 0) -> EvidenceRequirement:
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=quarter,
        cell__area__code=area,
    ).order_by("order")[n]


def preview_url(version) -> str:
    return reverse("evidence:preview", args=[version.pk])


# Preview


def test_pdf_preview_is_inline_sandboxed_and_frameable_by_the_portal_only(as_user, pdf):
    response = as_user("tpi").get(preview_url(pdf))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf("laporan pratinjau")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"


def test_image_preview_keeps_its_type(as_user, png):
    response = as_user("pic.pw").get(preview_url(png))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_queue_page_itself_may_still_not_be_framed(as_user, pdf):
    response = as_user("tpi").get(QUEUE)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_other_types_and_links_are_not_previewed(as_user, item, users, xlsx):
    response = as_user("tpi").get(preview_url(xlsx))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pratinjau tidak tersedia" in body
    assert reverse("evidence:download", args=[xlsx.pk]) in body
    assert "Content-Disposition" not in response
    link = services.evidence_register_link(
        requirement=item, url="https://www.instagram.com/p/puspakomdigi", user=users["pic.pw"]
    )
    assert as_user("tpi").get(preview_url(link)).status_code == 404


def test_preview_access_is_the_download_access(client, as_user, pdf):
    response = client.get(preview_url(pdf))
    assert response.status_code == 302 and "/akun/login/" in response["Location"]
    for who in ("ketua", "kepala", "tpi", "pic.pw"):
        assert as_user(who).get(preview_url(pdf)).status_code == 200, who
    # The PIC of another area: the evidence belongs to an area that is not theirs.
    assert as_user("pic.tl").get(preview_url(pdf)).status_code == 403
    # Another unit's people do not learn that the version exists.
    for who in ("tpi", "ketua", "pic.pw"):
        assert as_user(users_b()[who]).get(preview_url(pdf)).status_code == 404, who
    assert as_user("tpi").get(reverse("evidence:preview", args=[10**9])).status_code == 404


def test_queue_rows_offer_a_lazy_preview_of_pdfs_and_images_only(as_user, pdf, png, xlsx):
    body = as_user("tpi").get(QUEUE).content.decode()
    assert body.count('<details class="preview">') == 2
    assert re.search(rf'<iframe src="{preview_url(pdf)}" loading="lazy"', body)
    assert re.search(rf'<img src="{preview_url(png)}" loading="lazy"', body)
    assert preview_url(xlsx) not in body
    assert "<script>" not in body and " onclick=" not in body


# Bulk approval


def approve(client, ids, comment="", query="state=pending"):
    return client.post(
        reverse("evidence:approve-selected"),
        {"versions": [str(i) for i in ids], "comment": comment, "query": query},
        follow=True,
    )


def test_queue_has_labelled_checkboxes_for_waiting_files(as_user, pdf, png):
    body = as_user("tpi").get(QUEUE).content.decode()
    assert "Setujui yang dipilih" in body and "Komentar bersama (opsional)" in body
    for version in (pdf, png):
        assert f'id="pick-{version.pk}" form="bulk-approve"' in body
        assert f'<label class="check pick" for="pick-{version.pk}">' in body
    assert "Pilih semua di halaman ini" in body


def test_approve_selected(as_user, users, pdf, png):
    response = approve(as_user("tpi"), [pdf.pk, png.pk], comment="Lengkap")
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == QUEUE + "?state=pending"
    assert "2 berkas disetujui." in body
    for version in (pdf, png):
        version.refresh_from_db()
        assert version.review_state == "approved"
        review = version.reviews.get()
        assert (review.reviewer, review.decision, review.comment) == (
            users["tpi"],
            "approve",
            "Lengkap",
        )
    assert AuditEvent.objects.filter(action=AuditAction.REVIEW).count() == 2


def test_refused_files_are_listed_and_left_untouched(as_user, item, users, pdf, png, xlsx):
    services.evidence_review(version=png, user=users["ketua"], decision="approve")
    services.evidence_withdraw(version=xlsx, user=users["pic.pw"])
    own = upload(item_of("PW", n=1), users["ketua"], "milik-ketua.pdf")
    other_unit = upload(
        EvidenceRequirement.objects.exclude(cell__quarter__plan__unit__code=UNIT_A)
        .filter(cell__area__code="PW")
        .first(),
        users_b()["pic.pw"],
        "unit-b.pdf",
    )
    audits = AuditEvent.objects.count()
    body = approve(as_user("ketua"), [pdf.pk, png.pk, xlsx.pk, own.pk, other_unit.pk]).content
    body = body.decode()
    assert "1 berkas disetujui." in body
    assert "Tidak disetujui:" in body
    assert "TW II PW butir 5, Berkas 2 – Berkas 2 sudah direviu (Disetujui)" in body
    assert "Berkas 3 sudah ditarik atau digantikan" in body
    assert "Anda tidak dapat mereviu berkas yang Anda unggah sendiri" in body
    assert "1 berkas tidak ditemukan atau bukan dari unit Anda." in body
    assert "unit-b.pdf" not in body
    # No half state: each refused file has exactly what it had before.
    assert EvidenceVersion.objects.get(pk=pdf.pk).review_state == "approved"
    assert list(Review.objects.filter(version=png).values_list("reviewer__email", flat=True)) == [
        users["ketua"].email
    ]
    for refused in (xlsx, own, other_unit):
        refused.refresh_from_db()
        assert refused.review_state == "pending" and not refused.reviews.exists()
    assert AuditEvent.objects.count() == audits + 1


def test_bulk_approval_needs_a_reviewer_and_a_choice(client, as_user, pdf):
    anonymous = client.post(reverse("evidence:approve-selected"), {"versions": [pdf.pk]})
    assert anonymous.status_code == 302 and "/akun/login/" in anonymous["Location"]
    assert approve(as_user("pic.pw"), [pdf.pk]).status_code == 403
    assert approve(as_user("kepala"), [pdf.pk]).status_code == 403
    body = approve(as_user("tpi"), []).content.decode()
    assert "Pilih paling sedikit satu berkas untuk disetujui." in body
    assert as_user("tpi").get(reverse("evidence:approve-selected")).status_code == 405
    pdf.refresh_from_db()
    assert pdf.review_state == "pending"


# Replies


def reply(client, version, text, **extra):
    return client.post(
        reverse("evidence:reply", args=[version.pk]), {"text": text, **extra}, follow=True
    )


def test_pic_and_reviewer_talk_on_a_version(as_user, item, users, pdf):
    services.evidence_review(
        version=pdf, user=users["tpi"], decision="revise", comment="Lampirkan daftar hadir"
    )
    response = reply(as_user("pic.pw"), pdf, "Daftar hadir ada di halaman 3, mohon dicek.")
    assert "Balasan dikirim." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#v{pdf.number}")
    told = Notification.objects.get(recipient=users["tpi"])
    assert told.get_kind_display() == "Balasan reviu"
    assert "Irene" in told.title or users["pic.pw"].name in told.title
    assert told.body == "Daftar hadir ada di halaman 3, mohon dicek."
    assert told.url == reverse("evidence:item", args=[item.pk]) + f"#v{pdf.number}"

    response = reply(as_user("tpi"), pdf, "Sudah, terima kasih.", next="queue", query="area=PW")
    assert response.redirect_chain[-1][0] == QUEUE + f"?area=PW#antrean-{pdf.pk}"
    assert Notification.objects.filter(recipient=users["pic.pw"], kind="reply").count() == 1
    assert list(VersionReply.objects.values_list("from_reviewer", flat=True)) == [False, True]
    events = AuditEvent.objects.filter(action=AuditAction.REPLY)
    assert events.count() == 2 and events.first().requirement == item

    page = as_user("kepala").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Daftar hadir ada di halaman 3, mohon dicek." in page
    assert "Sudah, terima kasih." in page
    assert f'action="{reverse("evidence:reply", args=[pdf.pk])}"' not in page  # may not reply
    queue = as_user("tpi").get(QUEUE + "?state=all").content.decode()
    assert "Daftar hadir ada di halaman 3, mohon dicek." in queue
    assert f'action="{reverse("evidence:reply", args=[pdf.pk])}"' in queue


def test_a_pic_question_before_any_review_goes_to_the_ketua(as_user, users, pdf):
    reply(as_user("pic.pw"), pdf, "Apakah format ini sudah benar?")
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [
        users["ketua"].email
    ]


def test_strangers_cannot_reply(client, as_user, pdf):
    assert reply(client, pdf, "Halo").redirect_chain[0][0].startswith("/akun/login/")
    assert reply(as_user("pic.tl"), pdf, "Halo").status_code == 403
    body = reply(as_user("kepala"), pdf, "Halo").content.decode()
    assert "hanya dapat ditulis oleh PIC atau anggota pokja" in body
    assert reply(as_user(users_b()["tpi"]), pdf, "Halo").status_code == 404
    body = reply(as_user("tpi"), pdf, "   ").content.decode()
    assert "Tuliskan balasan terlebih dahulu." in body
    assert not VersionReply.objects.exists() and not Notification.objects.exists()


# Queries


def fill_queue(demo, rounds: int) -> None:
    """``rounds`` PDFs and PNGs per PW item of TW II, with a review and replies."""
    users = demo["users"]
    items = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW", cell__quarter__number=2
    )
    for item in items:
        for n in range(rounds):
            for name, data in (
                (f"f{n}.pdf", samples.pdf(f"{item.pk}-{n}-{rounds}")),
                (f"g{n}.png", samples._image("PNG", (n * 7 % 255, rounds * 30, item.pk % 255))),
            ):
                version = upload(item, users["pic.pw"], name, data)
                if n % 2:
                    services.evidence_review(
                        version=version, user=users["tpi"], decision="revise", comment="Perbaiki"
                    )
                    reply(_client(users["pic.pw"]), version, f"Balasan {n}")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def queue_queries(client, user) -> int:
    client.force_login(user)
    client.get(QUEUE + "?state=all")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE + "?state=all")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pratinjau" in body and 'form="bulk-approve"' in body and "Balasan 1" in body
    return len(queries)


def test_queue_queries_do_not_grow_with_previews_checkboxes_and_replies(client, demo):
    fill_queue(demo, 2)
    small = queue_queries(client, demo["users"]["ketua"])
    fill_queue(demo, 4)
    assert queue_queries(client, demo["users"]["ketua"]) == small
    assert small <= 22
