"""Role × action × unit: the access table of ``test_permissions.py`` asked again about
one object of each unit. A person holds their role in their own unit only; the operator's
superuser everywhere. ``restrict()`` and ``can()`` are then checked against each other on
every row of the scoped models of both units, and against a rule spelled out here
independently of ``permissions.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidence import services as evidence_services
from evidence.models import EvidenceVersion
from findings.models import Finding
from lke.models import PortalRBToken
from lke.services import token_issue
from monev.choices import ReportKind, ReportStatus
from monev.models import Report
from surveys.models import Survey
from tests.accounts.test_permissions import TABLE, WHO
from tests.evidence import samples
from tests.multiunit import UNIT_A, UNIT_B, users_b
from workplan.models import CommitmentCell, EvidenceRequirement, Pokja, Unit, WorkPlan
from workplan.services import pokja_member_add
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import SCOPED_ACTIONS, Action, can, user_roles
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db
A = Action


def _targets(plan: WorkPlan, people: dict) -> dict[Action, object]:
    """One object of ``plan``'s unit for every action (the PW area where it has one)."""
    cell = CommitmentCell.objects.get(quarter__plan=plan, quarter__number=2, area__code="PW")
    pokja = Pokja.objects.get(plan=plan, area__code="PW")
    requirement = EvidenceRequirement.objects.filter(cell=cell).order_by("pk")[0]
    version = evidence_services.evidence_upload_file(
        requirement=requirement,
        upload=samples.upload("bukti.pdf", samples.pdf(f"bukti {plan.unit.code}")),
        user=people["pic"],
    )
    finding = Finding.objects.create(
        plan=plan,
        cell=cell,
        area=cell.area,
        owner=people["pic"],
        description="x",
        recommendation="y",
        due_date=timezone.localdate() + timedelta(days=30),
        created_by=people["tpi"],
    )
    report = Report.objects.create(
        plan=plan,
        kind=ReportKind.QUARTERLY,
        quarter=1,
        status=ReportStatus.READY,
        requested_by=people["ketua"],
    )
    token, _key = token_issue(name="uji", user=people["ketua"])
    survey = Survey.objects.create(
        unit=plan.unit,
        kind="skm",
        title="uji",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        created_by=people["ketua"],
    )
    return {
        A.VIEW_PLAN: plan,
        A.EXPORT_PLAN: plan,
        A.MANAGE_PLAN: plan,
        A.MANAGE_USERS: people["pic_other"],
        A.MANAGE_POKJA_MEMBERS: pokja,
        A.UPLOAD_EVIDENCE: cell,
        A.VIEW_EVIDENCE: cell,
        A.WITHDRAW_EVIDENCE: cell,
        A.REVIEW_EVIDENCE: version,
        A.VIEW_AUDIT: AuditEvent.objects.filter(unit=plan.unit).latest("pk"),
        A.VIEW_DASHBOARD: plan,
        A.RECORD_REALISATION: pokja,
        A.WRITE_NARRATIVE: pokja,
        A.RECORD_FINDING: plan,
        A.FOLLOW_UP_FINDING: finding,
        A.REQUEST_REPORT: plan,
        A.DOWNLOAD_REPORTS: report,
        A.VIEW_SYSTEM_STATUS: plan.unit,
        A.VIEW_LKE: plan,
        A.ANSWER_LKE: pokja,
        A.ANSWER_LKE_HASIL: plan,
        A.ASSESS_LKE: plan,
        A.MANAGE_LKE: PortalRBToken.objects.get(pk=token.pk),
        A.VIEW_SURVEYS: survey,
        A.MANAGE_SURVEYS: survey,
        A.MANAGE_UNITS: plan.unit,
        A.VIEW_RECAP: plan.unit,
    }


def _people_of(plan: WorkPlan, users: dict, member_email: str) -> dict:
    """The roles of ``test_permissions.WHO`` in ``plan``'s unit (PIC and member of PW,
    the other PIC of TL)."""
    pw = Pokja.objects.get(plan=plan, area__code="PW")
    member = User.objects.filter(email=member_email).first() or User.objects.create_user(
        member_email, "x", name="Anggota PW", unit=plan.unit
    )
    if not pw.members.filter(user=member).exists():
        pokja_member_add(pokja=pw, email=member.email, added_by=users["pic.pw"])
    return {
        "ketua": users["ketua"],
        "kepala": users["kepala"],
        "tpi": users["tpi"],
        "pic": users["pic.pw"],
        "pic_other": users["pic.tl"],
        "member": User.objects.get(pk=member.pk),
    }


@pytest.fixture
def units(demo):
    plan_a = demo["plan"]
    plan_b = WorkPlan.objects.get(year=2026, unit__code=UNIT_B)
    people_a = _people_of(plan_a, demo["users"], "anggota.pw@example.org")
    people_b = _people_of(plan_b, users_b(), "anggota.pw@unit-b.test")
    return {
        "a": {"plan": plan_a, "people": people_a, "targets": _targets(plan_a, people_a)},
        "b": {"plan": plan_b, "people": people_b, "targets": _targets(plan_b, people_b)},
        "superuser": User.objects.create_superuser("root@example.org", "x", name="Operator"),
    }


ROLES = ["ketua", "kepala", "tpi", "pic", "pic_other", "member"]


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_role_by_action_by_unit(units, action):
    """Each role of each unit, asked about an object of each unit: the table's answer in
    its own unit, no in the other; the superuser yes in both."""
    got, expected = {}, {}
    for person_unit in ("a", "b"):
        for role in ROLES:
            person = units[person_unit]["people"][role]
            for object_unit in ("a", "b"):
                key = f"{role}@{person_unit} → {object_unit}"
                target = units[object_unit]["targets"][action]
                got[key] = can(person, action, target)
                expected[key] = TABLE[action][WHO.index(role)] and person_unit == object_unit
    # The ministry's administrator holds their role across units, as the superuser.
    admin = User.objects.get(email="admin.kementerian@example.org")
    for object_unit in ("a", "b"):
        target = units[object_unit]["targets"][action]
        got[f"superuser → {object_unit}"] = can(units["superuser"], action, target)
        expected[f"superuser → {object_unit}"] = True
        got[f"admin → {object_unit}"] = can(admin, action, target)
        expected[f"admin → {object_unit}"] = TABLE[action][WHO.index("admin")]
    assert got == expected


def test_a_person_without_a_unit_holds_their_role_nowhere(units):
    pic = units["a"]["people"]["pic"]
    User.objects.filter(pk=pic.pk).update(unit=None)
    pic = User.objects.get(pk=pic.pk)
    assert user_roles(pic) == {"pic"}
    for action in Action:
        assert not can(pic, action, units["a"]["targets"][action]), action


# The rule, written out without permissions.py: (model, action) → may this person act on
# this row? Unit first, then the scope of a PIC or member (their pokja's area), owners of
# findings, the rest by role.
def _expected(person, action: Action, row) -> bool:
    roles = user_roles(person)
    role_ok = any(TABLE[action][WHO.index(r)] for r in _table_roles(person, roles))
    if not role_ok:
        return False
    if person.is_superuser:
        return True
    unit_id = _unit_of(row)
    if unit_id != person.unit_id:
        return False
    if action not in SCOPED_ACTIONS or "ketua" in roles:
        return True
    if action == A.VIEW_EVIDENCE and roles & {"kepala", "tpi"}:
        return True
    if isinstance(row, Finding):
        return row.owner_id == person.pk
    area_id = row.area_id
    plan_id = row.quarter.plan_id if isinstance(row, CommitmentCell) else row.plan_id
    pic_of = CommitmentCell.objects.filter(
        quarter__plan_id=plan_id, area_id=area_id, pic=person
    ).exists()
    member_of = Pokja.objects.filter(plan_id=plan_id, area_id=area_id, members__user=person)
    if isinstance(row, CommitmentCell):  # upload, view, withdraw: the cell's PIC or a member
        return row.pic_id == person.pk or member_of.exists()
    if action in (A.MANAGE_POKJA_MEMBERS, A.RECORD_REALISATION, A.WRITE_NARRATIVE, A.ANSWER_LKE):
        return pic_of
    return False


def _table_roles(person, roles) -> list[str]:
    if person.is_superuser:
        return ["superuser"]
    names = {"ketua": "ketua", "kepala": "kepala", "tpi": "tpi", "pic": "pic", "anggota": "member"}
    return [names[r] for r in roles if r in names]


def _unit_of(row) -> int:
    if isinstance(row, CommitmentCell):
        return row.quarter.plan.unit_id
    return row.plan.unit_id


@pytest.mark.parametrize(
    "model, actions",
    [
        (CommitmentCell, [A.UPLOAD_EVIDENCE, A.VIEW_EVIDENCE, A.WITHDRAW_EVIDENCE]),
        (
            Pokja,
            [A.MANAGE_POKJA_MEMBERS, A.RECORD_REALISATION, A.WRITE_NARRATIVE, A.ANSWER_LKE],
        ),
        (Finding, [A.FOLLOW_UP_FINDING]),
    ],
    ids=["cells", "pokjas", "findings"],
)
def test_restrict_and_can_agree_on_every_row(units, model, actions):
    """On every row of both units: the list (``restrict``), the object page (``can``) and
    the rule written out above give the same answer, for every person of both units."""
    rows = list(
        model._default_manager.filter(
            **{f"{model._default_manager.all().unit_field}__code__in": [UNIT_A, UNIT_B]}
        ).select_related()
    )
    assert rows
    people = [units[u]["people"][r] for u in ("a", "b") for r in ROLES] + [units["superuser"]]
    disagreements = []
    for person in people:
        for action in actions:
            listed = set(
                model._default_manager.filter(pk__in=[r.pk for r in rows])
                .restrict(person, action)
                .values_list("pk", flat=True)
            )
            for row in rows:
                answers = (
                    row.pk in listed,
                    can(person, action, row),
                    _expected(person, action, row),
                )
                if len(set(answers)) != 1:
                    disagreements.append(f"{person.email} {action} {row}: {answers}")
    assert disagreements == []


def test_units_are_two(units):
    assert Unit.objects.filter(code__in=[UNIT_A, UNIT_B]).count() == 2
    assert EvidenceVersion.objects.filter(
        requirement__cell__quarter__plan__unit__code=UNIT_B
    ).exists()
