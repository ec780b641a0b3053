"""Evidence pages tried four ways, and what each user sees on them."""

import re

import pytest
from django.urls import reverse

from evidence import services
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

ROLES = ["ketua", "kepala", "tpi", "pic.pw", "pic.tl"]


@pytest.fixture
def version(item, demo):
    return services.evidence_upload_file(
        requirement=item,
        upload=samples.upload("rekap.pdf", samples.pdf("rekap")),
        user=demo["users"]["pic.pw"],
    )


@pytest.fixture
def as_user(client, demo):
    def login(who):
        client.force_login(demo["users"][who])
        return client

    return login


# (name, needs, allowed roles): "item" pages take the item id, "version" pages the version id
GET_PAGES = [
    ("evidence:item", "item", ["ketua", "kepala", "tpi", "pic.pw"]),
    ("evidence:download", "version", ["ketua", "kepala", "tpi", "pic.pw"]),
    ("monev:tasks", None, ROLES),
    ("evidence:queue", None, ["ketua", "tpi"]),
    ("evidence:audit", None, ["ketua", "tpi"]),
]


def page_url(name, needs, item, version):
    if needs == "item":
        return reverse(name, args=[item.pk])
    if needs == "version":
        return reverse(name, args=[version.pk])
    return reverse(name)


@pytest.mark.parametrize(("name", "needs", "allowed"), GET_PAGES)
def test_anonymous_goes_to_sign_in(client, item, version, name, needs, allowed):
    response = client.get(page_url(name, needs, item, version))
    assert response.status_code == 302 and "/akun/login/" in response["Location"]


@pytest.mark.parametrize(("name", "needs", "allowed"), GET_PAGES)
@pytest.mark.parametrize("who", ROLES)
def test_roles_and_scope(as_user, item, version, name, needs, allowed, who):
    response = as_user(who).get(page_url(name, needs, item, version))
    assert response.status_code == (200 if who in allowed else 403)


def test_out_of_scope_pic_is_told_why(as_user, item):
    body = as_user("pic.tl").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Bukti dukung ini milik area lain" in body


def test_item_page_for_the_pic_has_the_upload_form(as_user, item, version):
    body = as_user("pic.pw").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert 'id="id_file"' in body and "multiple" in body
    assert "Ukuran maksimum 50 MB per berkas." in body
    assert "rekap.pdf" in body and "Menunggu reviu" in body
    assert "Setujui" not in body


def test_item_page_for_reviewers_and_readers(as_user, item, version):
    tpi = as_user("tpi").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Setujui" in tpi and "Minta revisi" in tpi and 'id="id_file"' not in tpi
    kepala = as_user("kepala").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Setujui" not in kepala and 'id="id_file"' not in kepala
    assert reverse("evidence:download", args=[version.pk]) in kepala


def test_page_upload_without_javascript(as_user, item):
    response = as_user("pic.pw").post(
        reverse("evidence:upload", args=[item.pk]),
        {
            "file": [
                samples.upload("satu.pdf", samples.pdf("1")),
                samples.upload("dua.png", samples.ACCEPTED["tangkapan.png"][0]),
                samples.upload("jahat.pdf", samples.REFUSED["laporan.pdf"][0]),
            ],
            "note": "Bukti TW II",
            "evidence_date": "2026-06-15",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "“satu.pdf” diunggah sebagai Berkas 1." in body
    assert "“dua.png” diunggah sebagai Berkas 2." in body
    assert "tidak diterima sebagai bukti dukung" in body
    assert item.versions.count() == 2


def test_page_upload_refusals(as_user, item, settings):
    client = as_user("pic.pw")
    url = reverse("evidence:upload", args=[item.pk])
    body = client.post(url, {"note": "tanpa berkas"}, follow=True).content.decode()
    assert "Pilih paling sedikit satu berkas" in body
    body = client.post(url, {"kind": "link", "url": "bukan tautan"}, follow=True).content.decode()
    assert "tidak valid" in body
    settings.ZI_EVIDENCE_MAX_BYTES = 5000
    body = client.post(
        url, {"file": samples.upload("besar.pdf", samples.pdf("x" * 9000))}, follow=True
    ).content.decode()
    assert "terlalu besar" in body and "besar.pdf" in body
    assert item.versions.count() == 0
    assert as_user("kepala").post(url, {"note": "x"}).status_code == 403


def test_review_and_withdraw_from_the_page(as_user, item, version):
    response = as_user("tpi").post(
        reverse("evidence:review", args=[version.pk]),
        {"decision": "revise", "comment": ""},
        follow=True,
    )
    assert "Tuliskan komentar" in response.content.decode()
    response = as_user("tpi").post(
        reverse("evidence:review", args=[version.pk]),
        {"decision": "revise", "comment": "Tambahkan lampiran"},
        follow=True,
    )
    assert "Berkas 1: Perlu revisi." in response.content.decode()
    page = as_user("pic.pw").get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Tambahkan lampiran" in page and "Perlu revisi" in page
    response = as_user("pic.pw").post(
        reverse("evidence:withdraw", args=[version.pk]), {"reason": "Salah"}, follow=True
    )
    assert "Berkas 1 ditarik" in response.content.decode()
    assert (
        as_user("pic.tl").post(reverse("evidence:withdraw", args=[version.pk])).status_code == 403
    )


def test_download_headers(as_user, version):
    response = as_user("kepala").get(reverse("evidence:download", args=[version.pk]))
    assert b"".join(response.streaming_content) == samples.pdf("rekap")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_matrix_shows_status_and_links_to_items(as_user, item, version):
    body = as_user("pic.pw").get(reverse("evidence:matrix", args=[2026])).content.decode()
    assert reverse("evidence:item", args=[item.pk]) in body
    assert body.count("Menunggu reviu") >= 1
    assert body.count("Belum diunggah") == 76
    other = as_user("pic.tl").get(reverse("evidence:matrix", args=[2026])).content.decode()
    assert reverse("evidence:item", args=[item.pk]) not in other  # not theirs to open


def test_my_tasks_order_for_a_date_in_the_second_quarter(demo, item, version):
    from datetime import date

    from evidence.selectors import my_tasks

    services.evidence_review(
        version=version, user=demo["users"]["tpi"], decision="revise", comment="Perbaiki"
    )
    groups = my_tasks(user=demo["users"]["pic.pw"], plan=demo["plan"], today=date(2026, 5, 10))
    assert [g.quarter.number if g.quarter else "late" for g in groups] == ["late", 2, 3]
    late = groups[0]
    assert len(late.items) == 5 and {i.cell.quarter.number for i in late.items} == {1}
    assert late.days_late == 40  # TW I was due on 31 March
    tw2 = groups[1]
    assert tw2.items[0].pk == item.pk and tw2.items[0].status == "revise"
    assert {i.cell.area.code for g in groups for i in g.items} == {"PW"}
    assert tw2.days_left == 51
    assert len(tw2.open_items) == 5
    # Before TW I is overdue (due 31 March + 7 days grace) there is no late section.
    early = my_tasks(user=demo["users"]["pic.pw"], plan=demo["plan"], today=date(2026, 4, 7))
    assert [g.quarter.number if g.quarter else "late" for g in early] == [2, 3]
    after = my_tasks(user=demo["users"]["pic.pw"], plan=demo["plan"], today=date(2026, 4, 8))
    assert [g.quarter.number if g.quarter else "late" for g in after] == ["late", 2, 3]


def test_review_queue_filters(as_user, demo, item, version):
    tl_item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
    ).first()
    services.evidence_upload_file(
        requirement=tl_item,
        user=demo["users"]["pic.tl"],
        upload=samples.upload("tl.pdf", samples.pdf("tl")),
    )
    client = as_user("tpi")
    body = client.get(reverse("evidence:queue")).content.decode()
    assert body.count('class="card queue-item"') == 2
    body = client.get(reverse("evidence:queue"), {"area": "TL"}).content.decode()
    assert body.count('class="card queue-item"') == 1 and "tl.pdf" in body
    body = client.get(reverse("evidence:queue"), {"quarter": "2"}).content.decode()
    assert body.count('class="card queue-item"') == 1 and "rekap.pdf" in body
    body = client.get(reverse("evidence:queue"), {"state": "approved"}).content.decode()
    assert body.count('class="card queue-item"') == 0


def test_review_queue_shows_progress_per_area(as_user, demo, item, version):
    """The panel "Progres per area" lists the six areas with approved/total (it was
    always empty: the view passed nothing)."""
    services.evidence_review(version=version, user=demo["users"]["tpi"], decision="approve")
    body = as_user("tpi").get(reverse("evidence:queue")).content.decode()
    panel = body[body.index("Progres per area") : body.index("</details>")]
    assert panel.count("<li>") == 6
    assert re.search(r'area-pw">PW</span>.*?<span class="pl-num">1/\d+</span>', panel, re.S)
    assert '<span class="pl-num">0/' in panel


def test_audit_page_filters(as_user, demo, item, version):
    services.evidence_review(version=version, user=demo["users"]["tpi"], decision="approve")
    client = as_user("ketua")
    body = client.get(reverse("evidence:audit")).content.decode()
    assert "Unggah bukti dukung" in body and "Reviu bukti dukung" in body
    body = client.get(reverse("evidence:audit"), {"user": demo["users"]["tpi"].pk}).content.decode()
    assert "Reviu bukti dukung" in body and "Unggah bukti dukung" not in body
    body = client.get(reverse("evidence:audit"), {"area": "TL"}).content.decode()
    assert "Tidak ada catatan" in body
    body = client.get(reverse("evidence:audit"), {"requirement": item.pk}).content.decode()
    assert body.count("<tr>") >= 3
    # The upload and the review; reading the trail adds nothing (the demo's seed
    # recorded the LKE master list before the test).
    assert AuditEvent.objects.exclude(action=AuditAction.LKE_MASTER).count() == 2


def test_role_and_assignment_changes_are_audited(as_user, demo):
    from django.contrib.auth.models import Group

    from workplan.models import CommitmentCell

    client = as_user("ketua")
    target = demo["users"]["pic.tl"]
    groups = [Group.objects.get(name="PIC").pk, Group.objects.get(name="Kepala Pusbang").pk]
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "email": target.email,
            "name": target.name,
            "position": "",
            "preferred_language": "id",
            "is_active": "on",
            "groups": groups,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    role = AuditEvent.objects.get(action="user.roles")
    assert role.before == {"roles": ["PIC"]} and role.after == {"roles": ["Kepala Pusbang", "PIC"]}
    assert role.subject_user == target and role.actor == demo["users"]["ketua"]
    cell = CommitmentCell.objects.get(
        quarter__plan__unit__code=UNIT_A, quarter__number=1, area__code="TL"
    )
    response = client.post(
        f"/admin/workplan/commitmentcell/{cell.pk}/change/",
        {
            "quarter": cell.quarter_id,
            "area": cell.area_id,
            "pic": demo["users"]["pic.pw"].pk,
            "pic_name": cell.pic_name,
            "outputs-TOTAL_FORMS": 0,
            "outputs-INITIAL_FORMS": 0,
            "requirements-TOTAL_FORMS": 0,
            "requirements-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assign = AuditEvent.objects.get(action="cell.pic")
    assert assign.before == {"pic": "pic.tl@example.org"}
    assert assign.after == {"pic": "pic.pw@example.org"}


def test_no_public_media_url(as_user, version):
    """Stored files are reachable only through the checked download view."""
    client = as_user("kepala")
    assert client.get(f"/media/{version.file.name}").status_code == 404
    assert client.get(f"/{version.file.name}").status_code == 404
