"""Findings (*temuan*) and area narratives: who may do what on the pages, the status
transitions, overdue findings and their reminders, and the list's query count."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence import services as evidence_services
from findings import selectors, services
from findings.choices import FindingStatus
from findings.models import Finding
from findings.services import FindingRefused
from monev import selectors as monev_selectors
from monev import services as monev_services
from monev.models import AreaNarrative
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import Activity, CommitmentCell, EvidenceRequirement, Pokja
from zi_portal.core.choices import AuditAction
from zi_portal.core.errors import Refused
from zi_portal.core.models import AuditEvent

REVIEWERS = ["ketua", "kepala", "tpi"]


def in_a_week() -> date:
    return timezone.localdate() + timedelta(days=7)


def cell(code: str, quarter: int = 1) -> CommitmentCell:
    return CommitmentCell.objects.get(
        quarter__plan__unit__code=UNIT_A, quarter__number=quarter, area__code=code
    )


def record(demo, *, owner="pic.pw", by="tpi", due=None, **target) -> Finding:
    users = demo["users"]
    if not target:
        target = {"cell": cell("PW")}
    return services.finding_record(
        plan=demo["plan"],
        user=users[by],
        description="SK tim pengawasan belum ditandatangani.",
        recommendation="Mintakan tanda tangan Kepala Pusbang.",
        owner=users[owner],
        due_date=due or in_a_week(),
        **target,
    )


def form_data(demo, **extra) -> dict:
    data = {
        "sasaran": "sel",
        "triwulan": "1",
        "area": "PW",
        "description": "Notulen rapat pengawasan belum diunggah.",
        "recommendation": "Unggah notulen yang ditandatangani.",
        "owner": str(demo["users"]["pic.pw"].pk),
        "due_date": in_a_week().isoformat(),
    }
    data.update(extra)
    return data


# --- pages: who may open what ------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, demo):
    finding = record(demo)
    for url in [
        reverse("findings:list"),
        reverse("findings:create"),
        reverse("findings:detail", args=[finding.pk]),
        reverse("monev:narrative", args=[2026, "PW"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/akun/login/" in response["Location"], url


@pytest.mark.parametrize("who", REVIEWERS)
def test_reviewers_record_findings(client, demo, who):
    client.force_login(demo["users"][who])
    page = client.get(reverse("findings:create"))
    assert page.status_code == 200
    assert "Catat temuan" in page.content.decode()
    response = client.post(reverse("findings:create") + "?tahun=2026", form_data(demo))
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("findings:detail", args=[finding.pk])
    assert finding.area.code == "PW" and finding.cell == cell("PW")
    assert finding.status == FindingStatus.OPEN
    assert finding.created_by == demo["users"][who]
    assert finding.owner == demo["users"]["pic.pw"]


@pytest.mark.parametrize("who", ["pic.pw", "pic.mp"])
def test_pics_may_not_record_findings(client, demo, who):
    client.force_login(demo["users"][who])
    assert client.get(reverse("findings:create")).status_code == 403
    response = client.post(reverse("findings:create"), form_data(demo))
    assert response.status_code == 403
    assert "Temuan dicatat oleh Ketua Tim ZI" in response.content.decode()
    assert not Finding.objects.exists()


def test_create_targets_an_item_or_an_activity(client, demo):
    client.force_login(demo["users"]["kepala"])
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="SDM"
    ).first()
    client.post(reverse("findings:create"), form_data(demo, sasaran="butir", butir=str(item.pk)))
    activity = Activity.objects.filter(
        pokja__plan__unit__code=UNIT_A, pokja__area__code="TL"
    ).first()
    client.post(
        reverse("findings:create"),
        form_data(demo, sasaran="kegiatan", kegiatan=str(activity.pk)),
    )
    by_item, by_activity = Finding.objects.order_by("pk")
    assert by_item.requirement == item and by_item.area.code == "SDM" and by_item.cell is None
    assert by_activity.activity == activity and by_activity.area.code == "TL"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"sasaran": ""}, "Pilih sasaran temuan"),
        ({"sasaran": "butir", "butir": "999999"}, "Butir bukti dukung #999999 tidak ada"),
        ({"sasaran": "sel", "triwulan": "7"}, "Pilih triwulan dan area sel"),
        ({"owner": ""}, "Pilih penanggung jawab."),
        ({"due_date": "besok"}, "Isi batas tindak lanjut dengan tanggal yang benar."),
        ({"due_date": "2020-01-01"}, "Batas tindak lanjut tidak boleh sebelum hari ini."),
        ({"description": "  "}, "Tuliskan temuannya."),
        ({"recommendation": ""}, "Tuliskan rekomendasi tindakan."),
    ],
)
def test_create_refusals_are_messages_on_the_page(client, demo, extra, message):
    client.force_login(demo["users"]["tpi"])
    response = client.post(reverse("findings:create"), form_data(demo, **extra))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="msg msg-error"' in page and message in page
    assert not Finding.objects.exists()


def test_owner_must_be_active(client, demo):
    owner = demo["users"]["pic.pw"]
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    client.force_login(demo["users"]["tpi"])
    response = client.post(reverse("findings:create"), form_data(demo))
    assert "Pilih penanggung jawab dari pengguna yang aktif." in response.content.decode()
    assert not Finding.objects.exists()


def test_exactly_one_target(demo):
    with pytest.raises(FindingRefused, match="tepat satu sasaran"):
        record(demo, cell=cell("PW"), activity=Activity.objects.first())
    with pytest.raises(FindingRefused, match="tepat satu sasaran"):
        services.finding_record(
            plan=demo["plan"],
            user=demo["users"]["tpi"],
            description="x",
            recommendation="y",
            owner=demo["users"]["pic.pw"],
            due_date=in_a_week(),
        )
    with pytest.raises(PermissionDenied):
        record(demo, by="pic.pw")


def test_list_shows_reviewers_everything_and_others_their_own(client, demo):
    mine = record(demo, owner="pic.pw")
    other = record(demo, owner="pic.tl", cell=cell("TL"))
    for who in REVIEWERS:
        client.force_login(demo["users"][who])
        page = client.get(reverse("findings:list")).content.decode()
        assert f"temuan-{mine.pk}" in page and f"temuan-{other.pk}" in page, who
        assert "Catat temuan" in page
    client.force_login(demo["users"]["pic.pw"])
    page = client.get(reverse("findings:list")).content.decode()
    assert f"temuan-{mine.pk}" in page and f"temuan-{other.pk}" not in page
    assert "Catat temuan" not in page
    # A PIC's owner filter is ignored: still only their own.
    page = client.get(reverse("findings:list"), {"pj": demo["users"]["pic.tl"].pk})
    assert f"temuan-{other.pk}" not in page.content.decode()
    client.force_login(demo["users"]["pic.mp"])
    page = client.get(reverse("findings:list"))
    assert page.status_code == 200 and "Tidak ada temuan" in page.content.decode()


def test_list_filters(client, demo):
    pw = record(demo, owner="pic.pw")
    tl = record(demo, owner="pic.tl", cell=cell("TL"))
    Finding.objects.filter(pk=tl.pk).update(status=FindingStatus.IN_PROGRESS)
    client.force_login(demo["users"]["kepala"])

    def shown(**params):
        page = client.get(reverse("findings:list"), params).content.decode()
        return {f.pk for f in (pw, tl) if f"temuan-{f.pk}" in page}

    assert shown() == {pw.pk, tl.pk}
    assert shown(status="in_progress") == {tl.pk}
    assert shown(area="pw") == {pw.pk}
    assert shown(pj=demo["users"]["pic.tl"].pk) == {tl.pk}
    assert shown(status="rubbish", area="XX") == {pw.pk, tl.pk}


def test_detail_is_for_the_owner_and_the_reviewers(client, demo):
    finding = record(demo, owner="pic.pw")
    url = reverse("findings:detail", args=[finding.pk])
    for who in ["pic.pw", *REVIEWERS]:
        client.force_login(demo["users"][who])
        assert client.get(url).status_code == 200, who
    client.force_login(demo["users"]["pic.tl"])
    response = client.get(url)
    assert response.status_code == 403
    assert "penanggung jawabnya dan para peninjau" in response.content.decode()
    client.force_login(demo["users"]["ketua"])
    assert client.get(reverse("findings:detail", args=[finding.pk + 1000])).status_code == 404


# --- follow-up and decisions -------------------------------------------------------------


def test_owner_follows_up_to_done_with_evidence(client, demo):
    users = demo["users"]
    finding = record(demo, owner="pic.pw")
    item = EvidenceRequirement.objects.filter(cell=cell("PW")).first()
    version = evidence_services.evidence_upload_file(
        requirement=item, user=users["pic.pw"], upload=samples.upload("sk.pdf", samples.pdf())
    )
    url = reverse("findings:detail", args=[finding.pk])
    client.force_login(users["pic.pw"])
    page = client.get(url).content.decode()
    assert 'id="form-tindak-lanjut"' in page and f'value="{version.pk}"' in page
    assert "Tidak diterima" not in page  # the owner is no reviewer

    response = client.post(
        url, {"aksi": "tindak_lanjut", "status": "in_progress", "follow_up": "Draf SK disusun."}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_PROGRESS and finding.closed_at is None

    response = client.post(
        url,
        {
            "aksi": "tindak_lanjut",
            "status": "done",
            "follow_up": "SK ditandatangani.",
            "evidence": [str(version.pk)],
        },
        follow=True,
    )
    assert "Tindak lanjut disimpan." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE and finding.closed_at is not None
    assert finding.follow_up == "SK ditandatangani."
    assert list(finding.follow_up_evidence.all()) == [version]
    assert 'id="form-tindak-lanjut"' not in response.content.decode()  # closed
    assert "Temuan ini sudah ditutup." in response.content.decode()


def test_non_owners_may_not_follow_up(client, demo):
    finding = record(demo, owner="pic.pw")
    url = reverse("findings:detail", args=[finding.pk])
    data = {"aksi": "tindak_lanjut", "status": "done", "follow_up": "Sudah."}
    for who in ["pic.tl", "kepala", "tpi"]:
        client.force_login(demo["users"][who])
        assert client.post(url, data).status_code == 403, who
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    # The Ketua Tim may record it on the owner's behalf.
    client.force_login(demo["users"]["ketua"])
    assert client.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE


def test_follow_up_refusals(client, demo):
    finding = record(demo, owner="pic.pw")
    url = reverse("findings:detail", args=[finding.pk])
    client.force_login(demo["users"]["pic.pw"])
    for data, message in [
        ({"status": "done", "follow_up": " "}, "Tuliskan tindak lanjut"),
        ({"status": "open", "follow_up": "x"}, "Pilih status tindak lanjut"),
        ({"status": "done", "follow_up": "x", "evidence": ["999999"]}, "Bukti dukung yang dipilih"),
        ({"status": "not_accepted", "follow_up": "x"}, "Pilih status tindak lanjut"),
    ]:
        response = client.post(url, {"aksi": "tindak_lanjut", **data})
        assert response.status_code == 200 and message in response.content.decode(), data
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    services.finding_follow_up(
        finding=finding, user=demo["users"]["pic.pw"], follow_up="Selesai.", status="done"
    )
    with pytest.raises(FindingRefused, match="sudah ditutup"):
        services.finding_follow_up(
            finding=finding, user=demo["users"]["pic.pw"], follow_up="Lagi.", status="in_progress"
        )


def test_not_accepted_requires_a_reason(client, demo):
    finding = record(demo, owner="pic.pw")
    services.finding_follow_up(
        finding=finding, user=demo["users"]["pic.pw"], follow_up="Selesai.", status="done"
    )
    url = reverse("findings:detail", args=[finding.pk])
    client.force_login(demo["users"]["tpi"])
    response = client.post(url, {"aksi": "tolak", "reason": "  "})
    assert response.status_code == 200
    assert "Tuliskan alasan" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE
    with pytest.raises(FindingRefused):
        services.finding_decide(finding=finding, user=demo["users"]["tpi"], accept=False)

    response = client.post(url, {"aksi": "tolak", "reason": "SK belum bernomor."}, follow=True)
    assert "Temuan ditandai tidak diterima." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NOT_ACCEPTED
    assert finding.rejection_reason == "SK belum bernomor." and finding.closed_at is not None
    with pytest.raises(FindingRefused, match="sudah ditandai tidak diterima"):
        services.finding_decide(
            finding=finding, user=demo["users"]["tpi"], accept=False, reason="Lagi"
        )


def test_reopen_and_the_owner_follows_up_again(client, demo):
    users = demo["users"]
    finding = record(demo, owner="pic.pw")
    with pytest.raises(FindingRefused, match="masih terbuka"):
        services.finding_decide(finding=finding, user=users["kepala"], accept=True)
    services.finding_decide(finding=finding, user=users["kepala"], accept=False, reason="Salah")
    url = reverse("findings:detail", args=[finding.pk])
    client.force_login(users["kepala"])
    assert client.post(url, {"aksi": "buka"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert finding.rejection_reason == "" and finding.closed_at is None
    services.finding_follow_up(
        finding=finding, user=users["pic.pw"], follow_up="Diperbaiki.", status="in_progress"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_PROGRESS


def test_owners_may_not_decide(client, demo):
    finding = record(demo, owner="pic.pw")
    client.force_login(demo["users"]["pic.pw"])
    url = reverse("findings:detail", args=[finding.pk])
    assert client.post(url, {"aksi": "tolak", "reason": "Tidak setuju"}).status_code == 403
    assert client.post(url, {"aksi": "buka"}).status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


# --- overdue and reminders ---------------------------------------------------------------


def test_overdue_findings(demo):
    plan, users = demo["plan"], demo["users"]
    due = in_a_week()
    waiting = record(demo, owner="pic.pw", due=due)
    working = record(demo, owner="pic.tl", due=due, cell=cell("TL"))
    services.finding_follow_up(
        finding=working, user=users["pic.tl"], follow_up="Sedang.", status="in_progress"
    )
    done = record(demo, owner="pic.mp", due=due, cell=cell("MP"))
    services.finding_follow_up(finding=done, user=users["pic.mp"], follow_up="Ok.", status="done")
    rejected = record(demo, owner="pic.ak", due=due, cell=cell("AK"))
    services.finding_decide(finding=rejected, user=users["tpi"], accept=False, reason="Tidak")
    later = record(demo, owner="pic.pw", due=due + timedelta(days=30))

    assert set(selectors.findings_past_due(plan, due)) == set()  # due today is not late yet
    assert set(selectors.findings_past_due(plan, due + timedelta(days=1))) == {waiting, working}
    assert set(selectors.findings_past_due(plan, due + timedelta(days=31))) == {
        waiting,
        working,
        later,
    }


def test_finding_reminders_group_per_owner(demo):
    users = demo["users"]
    due = in_a_week()
    a1 = record(demo, owner="pic.pw", due=due + timedelta(days=2))
    a2 = record(demo, owner="pic.pw", due=due)
    b1 = record(demo, owner="pic.tl", due=due, cell=cell("TL"))
    record(demo, owner="pic.mp", due=due + timedelta(days=60), cell=cell("MP"))  # not late
    closed = record(demo, owner="pic.ak", due=due, cell=cell("AK"))
    services.finding_follow_up(finding=closed, user=users["pic.ak"], follow_up="x", status="done")
    gone = record(demo, owner="pic.sdm", due=due, cell=cell("SDM"))
    users["pic.sdm"].is_active = False
    users["pic.sdm"].save(update_fields=["is_active"])

    groups = list(selectors.finding_reminders(due + timedelta(days=10)))
    # Owners by name: Irene Septine (PW), then Isnaldi (TL); findings by due date.
    assert groups == [(users["pic.pw"], [a2, a1]), (users["pic.tl"], [b1])]
    assert gone.owner_id not in {owner.pk for owner, _rows in groups}
    assert list(selectors.finding_reminders(due)) == []


# --- narratives --------------------------------------------------------------------------


def test_pic_writes_the_narrative_of_their_own_area(client, demo):
    users = demo["users"]
    client.force_login(users["pic.pw"])
    url = reverse("monev:narrative", args=[2026, "PW"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"good_practice": "Rapat rutin.", "impact": "Temuan turun."})
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:area", args=[2026, "PW"])
    narrative = AreaNarrative.objects.get(area__code="PW")
    assert (narrative.good_practice, narrative.impact) == ("Rapat rutin.", "Temuan turun.")
    assert narrative.updated_by == users["pic.pw"]
    client.post(url, {"good_practice": "Rapat mingguan.", "impact": ""})
    assert AreaNarrative.objects.get(area__code="PW").good_practice == "Rapat mingguan."
    assert AreaNarrative.objects.count() == 1
    assert "Rapat mingguan." in client.get(url).content.decode()

    other = reverse("monev:narrative", args=[2026, "TL"])
    response = client.get(other)
    assert response.status_code == 403
    assert "Narasi area ditulis oleh PIC area tersebut" in response.content.decode()
    assert client.post(other, {"good_practice": "x", "impact": "y"}).status_code == 403
    assert not AreaNarrative.objects.filter(area__code="TL").exists()
    assert client.get(reverse("monev:narrative", args=[2026, "XX"])).status_code == 404


@pytest.mark.parametrize(("who", "allowed"), [("ketua", True), ("kepala", False), ("tpi", False)])
def test_narrative_by_leadership(client, demo, who, allowed):
    client.force_login(demo["users"][who])
    url = reverse("monev:narrative", args=[2026, "TL"])
    assert client.get(url).status_code == (200 if allowed else 403)


def test_narrative_service(demo):
    users = demo["users"]
    pw = Pokja.objects.get(plan=demo["plan"], area__code="PW")
    tl = Pokja.objects.get(plan=demo["plan"], area__code="TL")
    assert monev_selectors.narrative_for(demo["plan"], pw.area).pk is None
    monev_services.narrative_save(pokja=pw, user=users["pic.pw"], good_practice=" a ", impact="b")
    assert monev_selectors.narrative_for(demo["plan"], pw.area).good_practice == "a"
    with pytest.raises(PermissionDenied):
        monev_services.narrative_save(pokja=tl, user=users["pic.pw"], good_practice="a", impact="b")
    with pytest.raises(Refused, match="terlalu panjang"):
        monev_services.narrative_save(
            pokja=pw,
            user=users["pic.pw"],
            good_practice="x" * (monev_services.NARRATIVE_MAX_CHARS + 1),
            impact="",
        )


# --- query count -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ketua", "pic.pw"])
def test_list_queries_do_not_grow_with_the_findings(client, demo, who):
    users = demo["users"]
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW"
    ).first()
    activity = Activity.objects.filter(
        pokja__plan__unit__code=UNIT_A, pokja__area__code="PW"
    ).first()

    def add_findings():
        for target in ({"cell": cell("PW")}, {"requirement": item}, {"activity": activity}):
            f = record(demo, owner="pic.pw", **target)
            services.finding_follow_up(
                finding=f, user=users["pic.pw"], follow_up="x", status="in_progress"
            )
            record(demo, owner="pic.tl", cell=cell("TL"))

    add_findings()
    client.force_login(users[who])
    url = reverse("findings:list")
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        add_findings()
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('id="temuan-') == (15 if who == "pic.pw" else 30)
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert len(small) <= 15


def test_every_finding_change_is_audited(demo):
    users = demo["users"]
    finding = record(demo, owner="pic.pw", by="tpi")
    services.finding_follow_up(
        finding=finding, user=users["pic.pw"], follow_up="SK disusun.", status="done", ip="10.0.0.9"
    )
    services.finding_decide(finding=finding, user=users["tpi"], accept=False, reason="Belum sah.")
    recorded, followed, decided = AuditEvent.objects.filter(action__startswith="finding.").order_by(
        "pk"
    )
    assert (recorded.action, recorded.actor, recorded.subject_user) == (
        AuditAction.FINDING_RECORD,
        users["tpi"],
        users["pic.pw"],
    )
    assert recorded.area.code == "PW"
    assert (followed.actor, followed.ip_address) == (users["pic.pw"], "10.0.0.9")
    assert (followed.before, followed.after) == ({"status": "open"}, {"status": "done"})
    assert (decided.before, decided.after) == ({"status": "done"}, {"status": "not_accepted"})
