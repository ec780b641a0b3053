"""The leadership dashboard and activity realisation."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services as evidence_services
from evidence.choices import CellState
from evidence.models import EvidenceVersion
from monev import dashboard
from monev.models import ActivityRealisation
from monev.services import realisation_record
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import Activity, EvidenceRequirement, Quarter, WorkPlan
from workplan.stamps import touch
from zi_portal.core.models import AuditEvent

DASH = "/dasbor/?tahun=2026"


def upload(item, user, name):
    return evidence_services.evidence_upload_file(
        requirement=item, user=user, upload=samples.upload(name, samples.pdf(name))
    )


@pytest.fixture
def progress(demo):
    """Two TW I MP items uploaded, one of them approved; one TW I TL item to revise."""
    users = demo["users"]
    mp = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="MP"
        )
    )
    approved = upload(mp[0], users["pic.mp"], "a.pdf")
    evidence_services.evidence_review(version=approved, user=users["tpi"], decision="approve")
    upload(mp[1], users["pic.mp"], "b.pdf")
    tl = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
    ).first()
    revise = upload(tl, users["pic.tl"], "c.pdf")
    evidence_services.evidence_review(
        version=revise, user=users["tpi"], decision="revise", comment="Kurang"
    )
    return demo


@pytest.mark.parametrize(
    ("who", "status"), [("kepala", 200), ("ketua", 200), ("tpi", 200), ("pic.pw", 403)]
)
def test_who_sees_the_dashboard(client, demo, who, status):
    client.force_login(demo["users"][who])
    assert client.get(DASH).status_code == status


def test_anonymous_and_old_address(client, demo):
    assert client.get(DASH)["Location"].startswith("/akun/login/")
    client.force_login(demo["users"]["kepala"])
    assert client.get("/dashboard/")["Location"] == "/dasbor/"


def test_numbers_for_a_date_in_the_second_quarter(progress):
    numbers = dashboard.build(plan=progress["plan"], today=date(2026, 5, 4))
    assert (numbers["year"].approved, numbers["year"].total) == (1, 77)
    assert numbers["current_quarter"].number == 2
    assert numbers["quarter_tally"].total == 21
    heat = {(c.quarter.number, c.area.code): c for row in numbers["heat"] for c in row}
    mp1 = heat[(1, "MP")]
    assert (mp1.tally.approved, mp1.tally.total) == (1, 6)
    assert mp1.state == CellState.OVERDUE  # TW I is past due + grace with 4 items missing
    assert heat[(2, "MP")].state == CellState.ON_TRACK
    assert len(numbers["overdue"]) == 20 - 2  # TW I: one approved, one waiting
    assert numbers["overdue"][0]["days_late"] == 34
    by_area = {a.code: t for a, t in numbers["per_area"]}
    assert (by_area["MP"].approved, by_area["MP"].total) == (1, 17)
    assert dict(numbers["per_pic"])["Annisa Nurul Aini Firdaus"].approved == 1


def test_cell_states_before_the_deadline(progress):
    numbers = dashboard.build(plan=progress["plan"], today=date(2026, 3, 20))
    heat = {(c.quarter.number, c.area.code): c.state for row in numbers["heat"] for c in row}
    assert heat[(1, "MP")] == CellState.WAITING
    assert heat[(1, "TL")] == CellState.REVISE
    assert heat[(1, "PW")] == CellState.ON_TRACK
    assert numbers["overdue"] == []


def test_a_complete_cell(demo):
    users = demo["users"]
    for i, item in enumerate(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
        )
    ):
        v = upload(item, users["pic.tl"], f"{i}.pdf")
        evidence_services.evidence_review(version=v, user=users["ketua"], decision="approve")
    numbers = dashboard.build(plan=demo["plan"], today=date(2026, 5, 4))
    heat = {(c.quarter.number, c.area.code): c.state for row in numbers["heat"] for c in row}
    assert heat[(1, "TL")] == CellState.COMPLETE


def test_heat_map_and_overdue_list_on_the_page(client, progress):
    client.force_login(progress["users"]["kepala"])
    body = client.get(DASH).content.decode()
    assert body.count('data-cell="') == 24
    assert 'data-cell="TW I MP" data-state="overdue"' in body
    assert '<strong class="heat-count">1/6</strong>' in body
    assert "<svg" in body and "Capaian per triwulan" in body
    assert "Aktivitas terbaru" in body and "menyetujui" in body
    by_pic = client.get(DASH + "&urut=pic").content.decode()
    assert by_pic.index("Aji Digda Aguna") < by_pic.index("Irene Septine")


def test_waiting_counts_every_version_the_review_queue_holds(client, progress):
    """An item in *Perlu revisi* with a newer file waiting: the item counts as revision,
    and its waiting file still counts as waiting (the figure said 0 while the queue held
    it)."""
    users = progress["users"]
    tl = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
    ).first()
    upload(tl, users["pic.tl"], "lampiran.pdf")  # a second file of the item in revision
    client.force_login(users["ketua"])
    queue = client.get("/reviu/?tahun=2026").content.decode()
    client.force_login(users["kepala"])
    body = client.get(DASH).content.decode()
    # b.pdf (MP) and lampiran.pdf (TL) wait; the queue lists both.
    assert '<span class="stat-num" data-testid="waiting-versions">2</span>' in body
    assert "berkas menunggu reviu" in body
    assert "b.pdf" in queue and "lampiran.pdf" in queue


def test_pic_records_realisation_beside_the_plan(client, demo):
    users = demo["users"]
    activity = Activity.objects.get(pokja__plan=demo["plan"], pokja__area__code="PW", number=2)
    planned_before = list(activity.months)
    url = reverse("monev:realisation", args=[2026, activity.pk])
    client.force_login(users["pic.tl"])
    assert client.get(url).status_code == 403
    client.force_login(users["pic.pw"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"month": "5", "status": "partial", "note": "Poster dipasang"}, follow=True
    )
    assert "Realisasi kegiatan 2 PW disimpan." in response.content.decode()
    row = ActivityRealisation.objects.get(activity=activity, month=5)
    assert row.status == "partial" and row.recorded_by == users["pic.pw"]
    activity.refresh_from_db()
    assert activity.months == planned_before  # the plan stays the plan
    grid = client.get(reverse("monev:activities", args=[2026])).content.decode()
    assert 'data-month="5" data-state="partial"' in grid
    client.post(url, {"month": "5", "status": "done", "note": "Selesai"})
    assert ActivityRealisation.objects.get(activity=activity, month=5).status == "done"
    events = AuditEvent.objects.filter(action="activity.realisation").order_by("pk")
    assert [e.after["status"] for e in events] == ["partial", "done"]
    assert events[1].before["status"] == "partial"
    bad = client.post(url, {"month": "13", "status": "done"})
    assert "Pilih bulan Jan–Des." in bad.content.decode()


def test_late_months_show_on_the_gantt(demo):
    activity = Activity.objects.get(pokja__plan=demo["plan"], pokja__area__code="MP", number=2)
    assert activity.months == [1]
    rows = {
        (r["area"].code, r["activity"].number): r
        for r in dashboard.gantt(plan=demo["plan"], today=date(2026, 2, 10))
    }
    assert rows[("MP", 2)]["months"][0] == "late" and rows[("MP", 2)]["late"]
    realisation_record(
        activity=activity, month=1, status="done", note="", user=demo["users"]["pic.mp"]
    )
    rows = {
        (r["area"].code, r["activity"].number): r
        for r in dashboard.gantt(plan=demo["plan"], today=date(2026, 2, 10))
    }
    assert rows[("MP", 2)]["months"][0] == "done" and not rows[("MP", 2)]["late"]
    assert dashboard.month_state(True, None, 3, demo["plan"], date(2026, 2, 10)) == "planned"


def test_dashboard_queries_do_not_grow(client, progress):
    users = progress["users"]
    client.force_login(users["kepala"])
    client.get(DASH)
    # Measured as computed afresh: a new data stamp, so nothing comes from the cache.
    touch(WorkPlan.objects.all())
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASH).status_code == 200
    for item in EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW"
    ):
        upload(item, users["pic.pw"], f"pw{item.pk}.pdf")
    for act in Activity.objects.filter(
        pokja__plan__unit__code=UNIT_A, pokja__area__code__in=["PW", "SDM"]
    ):
        for month in act.months:
            realisation_record(
                activity=act, month=month, status="done", note="", user=users["ketua"]
            )
    Quarter.objects.update(grace_days=3)
    touch(WorkPlan.objects.all())
    with CaptureQueriesContext(connection) as large:
        assert client.get(DASH).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 21  # measured 19: 16, and the survey panel's 3 (outside the cache)
    # Read again unchanged, the numbers and the body come from the cache: the plan's
    # statuses, quarters, areas, activities and feed are not read.
    with CaptureQueriesContext(connection) as cached:
        assert page(client) == page(client)
    assert len(cached) < len(large) * 2 - 8


def page(client) -> str:
    """The dashboard as its viewer reads it (the form tokens change every request)."""
    html = client.get(DASH).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_dashboard_shows_a_review_at_once_although_its_numbers_are_cached(client, progress):
    """Every viewer's dashboard is built once per change of the plan's data: a new
    review, upload or realisation is on the next request, whoever looks."""
    users = progress["users"]
    client.force_login(users["kepala"])
    before = page(client)
    assert 'data-testid="waiting-versions">1<' in before
    pending = EvidenceVersion.objects.get(
        requirement__cell__quarter__plan__unit__code=UNIT_A, review_state="pending"
    )
    with CaptureQueriesContext(connection) as hit:
        assert page(client) == before
    evidence_services.evidence_review(version=pending, user=users["tpi"], decision="approve")
    with CaptureQueriesContext(connection) as miss:
        after = page(client)
    assert 'data-testid="waiting-versions">0<' in after
    assert len(miss) > len(hit)
    # The Ketua, on the same data, is served what was built for the Kepala.
    client.force_login(users["ketua"])
    with CaptureQueriesContext(connection) as other:
        assert 'data-testid="waiting-versions">0<' in client.get(DASH).content.decode()
    assert len(other) < len(miss)


def test_the_gantt_reads_the_months_without_joining_other_units(client, progress):
    """The realisations prefetch filters by the activities' ids and orders by its own
    columns: no join (the model's ordering by activity joined every unit's activities,
    a statement that grew with the number of units)."""
    client.force_login(progress["users"]["kepala"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASH).status_code == 200
    months = [q["sql"] for q in queries if 'FROM "monev_activityrealisation"' in q["sql"]]
    assert months, "the dashboard reads the realisations"
    assert all(" JOIN " not in sql for sql in months), months
