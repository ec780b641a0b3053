"""Which rows of the plan a person may act on (``RestrictedQuerySet``, see
``zi_portal.accounts.permissions``): the path from each model to its unit, and for the
scoped actions the cells and pokja of a PIC or pokja member.

The models are looked up through the app registry (they import this module)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from zi_portal.accounts.permissions import Action, RestrictedQuerySet, unit_queryset


def cell_scope(user: Any, via: str = "") -> Q:
    """The commitment cells (reached from a row through ``via``, e.g. ``"cell__"``)
    whose evidence ``user`` handles: as the cell's PIC, or as a member of the pokja of
    the cell's plan × area."""
    member = apps.get_model("workplan", "PokjaMember").objects.filter(
        user=user,
        pokja__plan_id=OuterRef(f"{via}quarter__plan_id"),
        pokja__area_id=OuterRef(f"{via}area_id"),
    )
    return Q(**{f"{via}pic": user}) | Q(Exists(member))


class UnitQuerySet(RestrictedQuerySet):
    unit_field = "pk"


class WorkPlanQuerySet(RestrictedQuerySet):
    unit_field = "unit"


class PokjaQuerySet(RestrictedQuerySet):
    unit_field = "plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        """A PIC manages the pokja of the plan × area of their cells (members, activity
        realisation, the area's narrative, the area's LKE answers)."""
        pic_of = apps.get_model("workplan", "CommitmentCell").objects.filter(
            quarter__plan_id=OuterRef("plan_id"), area_id=OuterRef("area_id"), pic=user
        )
        return Q(Exists(pic_of))


class CommitmentCellQuerySet(RestrictedQuerySet):
    unit_field = "quarter__plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        return cell_scope(user)


class EvidenceRequirementQuerySet(RestrictedQuerySet):
    unit_field = "cell__quarter__plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        return cell_scope(user, via="cell__")


class ActivityQuerySet(RestrictedQuerySet):
    unit_field = "pokja__plan__unit"


QuarterQuerySet = unit_queryset("plan__unit", "QuarterQuerySet")
# Programme items, priority targets and pokja members.
PokjaPartQuerySet = unit_queryset("pokja__plan__unit", "PokjaPartQuerySet")
MonitoredOutputQuerySet = unit_queryset("cell__quarter__plan__unit", "MonitoredOutputQuerySet")
