import pytest
from workplan.models import Quarter, Activity, CommitmentCell, EvidenceRequirement
@pytest.mark.django_db
def test_probe(demo):
    for q in Quarter.objects.filter(plan__year=2026).order_by("number"):
        print(q.number, q.label, q.due_date, q.overdue_from, q.focus)
    c = CommitmentCell.objects.get(quarter__number=1, area__code="MP", quarter__plan__year=2026)
    print(c.pic_display, [(r.order, r.text) for r in c.requirements.all()])
    print(EvidenceRequirement.objects.filter(cell__quarter__plan__year=2026).count())
    for a in Activity.objects.filter(pokja__area__code__in=["PW"]).order_by("number"):
        print(a.number, a.name, a.months, getattr(a,'months_assumed',None))
    print(sorted(demo["users"]))
    for u in demo["users"].values(): print(u.email, u.name)
