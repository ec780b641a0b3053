"""Reads of the portal search: the rows of one plan that match a query, by kind (the
plan's evidence items, monitored outputs and activities, the uploaded files, the LKE
questions, the findings), each kind limited to ``LIMIT`` rows with the number found.

Every kind starts from ``Model.objects.restrict(user, action)`` with the action of the
page the result links to, so the search never finds what that page would refuse: a PIC
or pokja member finds the files of their own cells only (``VIEW_EVIDENCE`` is scoped),
a finding's owner only their findings, and nobody another unit's rows. One query per
kind (the count is a window over the same rows), a fixed number in all.

PostgreSQL matches with full-text search (``simple`` configuration, every term a word
prefix); other databases (SQLite on a laptop) with ``icontains``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Count, F, Func, Q, QuerySet, TextField, Value, Window
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from evidence.models import EvidenceVersion
from findings.models import Finding
from lke.selectors import master_for_year, parsed_master
from workplan.models import (
    Activity,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    WorkPlan,
)
from zi_portal.accounts.permissions import Action, can

from .query import Query

LIMIT = 20

# Headings of the result groups (context "search": plural headings, where the same
# words elsewhere name one row).
KIND_LABELS = {
    "items": pgettext_lazy("search", "Butir bukti dukung"),
    "outputs": pgettext_lazy("search", "Output yang dimonitor"),
    "activities": pgettext_lazy("search", "Kegiatan"),
    "files": pgettext_lazy("search", "Berkas dan tautan bukti dukung"),
    "lke": pgettext_lazy("search", "Soal LKE"),
    "findings": pgettext_lazy("search", "Temuan"),
}


@dataclass(frozen=True)
class Hit:
    """One result: ``title`` and ``text`` are shown with the terms marked, ``meta``
    (where it is: quarter, area, uploader …) as it is."""

    title: str
    url: str
    meta: str = ""
    text: str = ""
    badge: str = ""


@dataclass
class Group:
    kind: str
    total: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)


def uses_full_text(using: str = "default") -> bool:
    """PostgreSQL's full-text search, or the ``icontains`` fallback?"""
    return connections[using].vendor == "postgresql"


def _words(expression: Any) -> Func:
    """``expression`` as text with its punctuation made spaces, so that the parser
    splits "laporan_tw1.pdf" or a URL into words (it would keep them whole as a file
    or host name, and "tw1" would not match)."""
    return Func(
        Cast(expression, TextField()),
        Value("[[:punct:]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def matching(rows: QuerySet, fields: Sequence[Any], query: Query) -> QuerySet:
    """``rows`` whose ``fields`` (names or expressions) hold every term of ``query``."""
    fields = [F(f) if isinstance(f, str) else f for f in fields]
    if uses_full_text(rows.db):
        vector = SearchVector(*(_words(f) for f in fields), config="simple")
        tsquery = SearchQuery(query.tsquery, search_type="raw", config="simple")
        return rows.alias(search_vector=vector).filter(search_vector=tsquery)
    names = {f"search_{i}": Cast(f, TextField()) for i, f in enumerate(fields)}
    rows = rows.alias(**names)
    for term in query.terms:
        any_field = Q()
        for name in names:
            any_field |= Q(**{f"{name}__icontains": term})
        rows = rows.filter(any_field)
    return rows


def _first(rows: QuerySet) -> tuple[list[Any], int]:
    """The first ``LIMIT`` rows and how many there are, in one query."""
    found = list(rows.annotate(search_total=Window(Count("pk")))[:LIMIT])
    return found, found[0].search_total if found else 0


def _sub_points(row: Any) -> str:
    return " · ".join(row.sub_points or [])


def _cell_meta(cell: CommitmentCell) -> str:
    return f"{cell.quarter.label} · {cell.area.code} {cell.area.name}"


def _items(user: Any, plan: WorkPlan, query: Query) -> Group:
    rows = (
        EvidenceRequirement.objects.restrict(user, Action.VIEW_PLAN)
        .filter(cell__quarter__plan=plan)
        .select_related("cell__quarter", "cell__area")
        .order_by("cell__quarter__number", "cell__area__order", "order")
    )
    found, total = _first(matching(rows, ["text", "sub_points"], query))
    # The item's page shows its files: for a PIC only in their own cells. Elsewhere the
    # item links to its area's page, which every role of the unit may open.
    viewable = (
        set(
            CommitmentCell.objects.restrict(user, Action.VIEW_EVIDENCE)
            .filter(pk__in={r.cell_id for r in found})
            .values_list("pk", flat=True)
        )
        if found
        else set()
    )
    hits = [
        Hit(
            title=r.text,
            text=_sub_points(r),
            meta=_cell_meta(r.cell) + " · " + _("butir %(n)s") % {"n": r.order},
            url=reverse("evidence:item", args=[r.pk])
            if r.cell_id in viewable
            else reverse("evidence:area", args=[plan.year, r.cell.area.code]) + f"#qc-{r.cell_id}",
        )
        for r in found
    ]
    return Group("items", total, hits)


def _outputs(user: Any, plan: WorkPlan, query: Query) -> Group:
    rows = (
        MonitoredOutput.objects.restrict(user, Action.VIEW_PLAN)
        .filter(cell__quarter__plan=plan)
        .select_related("cell__quarter", "cell__area")
        .order_by("cell__quarter__number", "cell__area__order", "order")
    )
    found, total = _first(matching(rows, ["text", "sub_points"], query))
    hits = [
        Hit(
            title=r.text,
            text=_sub_points(r),
            meta=_cell_meta(r.cell),
            url=reverse("evidence:area", args=[plan.year, r.cell.area.code]) + f"#qc-{r.cell_id}",
        )
        for r in found
    ]
    return Group("outputs", total, hits)


def _activities(user: Any, plan: WorkPlan, query: Query) -> Group:
    rows = (
        Activity.objects.restrict(user, Action.VIEW_PLAN)
        .filter(pokja__plan=plan)
        .select_related("pokja__area")
        .order_by("pokja__area__order", "number")
    )
    found, total = _first(matching(rows, ["name", "output"], query))
    hits = [
        Hit(
            title=r.name,
            text=r.output,
            meta=_("%(area)s · kegiatan %(n)s") % {"area": r.pokja.area.code, "n": r.number},
            url=reverse("monev:activities", args=[plan.year]) + f"#area-{r.pokja.area.code}",
        )
        for r in found
    ]
    return Group("activities", total, hits)


def _version_badge(version: EvidenceVersion) -> str:
    if version.withdrawn_at:
        return _("Ditarik")
    if version.superseded_at:
        return _("Digantikan")
    return version.get_review_state_display()


def _files(user: Any, plan: WorkPlan, query: Query) -> Group:
    rows = (
        EvidenceVersion.objects.restrict(user, Action.VIEW_EVIDENCE)
        .filter(requirement__cell__quarter__plan=plan)
        .select_related("requirement__cell__quarter", "requirement__cell__area", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )
    found, total = _first(matching(rows, ["original_name", "url", "note"], query))
    hits = [
        Hit(
            title=v.display_name,
            text=v.note,
            meta=_cell_meta(v.requirement.cell)
            + " · "
            + _("butir %(n)s · %(who)s") % {"n": v.requirement.order, "who": v.uploaded_by.name},
            url=reverse("evidence:item", args=[v.requirement_id]) + f"#v{v.number}",
            badge=_version_badge(v),
        )
        for v in found
    ]
    return Group("files", total, hits)


def _lke(user: Any, plan: WorkPlan, query: Query) -> Group:
    """The questions of the plan year's LKE master list (the same for every unit; the
    text lives in the parsed master, searched in memory: a few hundred questions)."""
    master = master_for_year(plan.year) if can(user, Action.VIEW_LKE) else None
    if master is None:
        return Group("lke", 0)
    found = [
        q for q in parsed_master(master).questions.values() if query.matches(q.text, q.criteria)
    ]
    hits = [
        Hit(
            title=q.text,
            text=q.criteria,
            meta=_("%(area)s · soal %(n)s") % {"area": q.area_code or _("Hasil"), "n": q.soal_id},
            url=reverse("lke:answer", args=[plan.year, q.soal_id]),
        )
        for q in found[:LIMIT]
    ]
    return Group("lke", len(found), hits)


def _findings(user: Any, plan: WorkPlan, query: Query) -> Group:
    # As the findings pages: reviewers see the plan's findings, anyone else the ones
    # they own (findings.permissions.access_finding).
    action = (
        Action.RECORD_FINDING if can(user, Action.RECORD_FINDING) else (Action.FOLLOW_UP_FINDING)
    )
    rows = (
        Finding.objects.restrict(user, action)
        .filter(plan=plan)
        .select_related("area", "owner")
        .order_by("due_date", "pk")
    )
    found, total = _first(matching(rows, ["description", "recommendation", "follow_up"], query))
    hits = [
        Hit(
            title=f.description,
            text=f.recommendation,
            meta=f"{f.area.code} · {f.owner.name}",
            url=reverse("findings:detail", args=[f.pk]),
            badge=f.get_status_display(),
        )
        for f in found
    ]
    return Group("findings", total, hits)


KINDS = (_items, _outputs, _activities, _files, _lke, _findings)


def search_plan(*, user: Any, plan: WorkPlan, query: Query) -> list[Group]:
    """Every kind's matches in ``plan`` that ``user`` may open, in the order of
    ``KINDS`` (kinds with no match included, with ``total`` 0)."""
    return [kind(user, plan, query) for kind in KINDS]
