"""A plan's data stamp: the newest id in ``PlanChange`` for the plan. Every change to
what the plan's pages show (evidence versions, reviews, items, cells, outputs, quarters,
activities and their realisations) inserts a row inside the change's own transaction
(receivers of each app), so the stamp moves exactly when the change is committed.
Parts of pages that are the same for every viewer (the dashboard's numbers, the items'
statuses, the matrix's table) are cached under the stamp: a cached part can never
outlive the data it was computed from, since a change makes a new stamp and the old
entry is never read again.

Rows are only ever inserted, with no foreign key: two transactions changing one plan
never wait for each other here. (A counter on the plan's row did: an upload holding its
item and a review holding its version each waited for the other's lock on the plan.)
Keys also carry the plan's creation time, so a plan replaced by a new one with the same
id (SQLite may reuse one) never meets the old plan's entries."""

from __future__ import annotations

from django.apps import apps
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.signals import post_save

from zi_portal.core.compiled import CompiledQuery


class PlanChange(models.Model):
    """One committed change to a plan's data (see the module docstring)."""

    plan_id = models.PositiveBigIntegerField()

    class Meta:
        app_label = "workplan"
        indexes = [models.Index(fields=["plan_id", "id"], name="planchange_plan_newest")]

    def __str__(self) -> str:
        return f"plan {self.plan_id} · {self.pk}"


def touch(plans: QuerySet) -> None:
    """Stamp ``plans`` (a queryset of WorkPlan): one INSERT … SELECT."""
    sql, params = plans.values("pk").query.sql_with_params()
    table = connections[plans.db].ops.quote_name(PlanChange._meta.db_table)
    with connections[plans.db].cursor() as cursor:
        # The table's name is the model's and the SELECT is the ORM's, with its params.
        insert = f"INSERT INTO {table} (plan_id) SELECT * FROM ({sql}) AS changed"  # noqa: S608
        cursor.execute(insert, params)


def stamp_on_save(model: type[models.Model], plan_lookup: str, field: str) -> None:
    """Saving a ``model`` row stamps the plan found by ``plan_lookup`` equal to the row's
    ``field`` (e.g. ``Review``, ``"quarters__cells__requirements__versions"``,
    ``"version_id"``): one INSERT … SELECT. Loading fixtures (``raw``) stamps nothing."""

    def stamp(sender, instance, raw: bool = False, **kwargs) -> None:
        if not raw:
            plans = apps.get_model("workplan", "WorkPlan").objects
            touch(plans.filter(**{plan_lookup: getattr(instance, field)}))

    post_save.connect(
        stamp, sender=model, weak=False, dispatch_uid=f"stamp.{model._meta.label_lower}"
    )


# Read by every cached page: compiled once (core.compiled).
_NEWEST_CHANGE = CompiledQuery(
    lambda plan_id: PlanChange.objects.filter(plan_id=plan_id).order_by("-id").values_list("id")[:1]
)


def stamp_of(plan) -> int:
    """The plan's stamp now (one query on an index)."""
    newest = _NEWEST_CHANGE.rows(plan.pk)
    return newest[0][0] if newest else 0


def stamps_of(plan_ids) -> dict[int, int]:
    """The stamps of many plans now, by plan id (one query, an index probe per plan)."""
    newest = PlanChange.objects.filter(plan_id=models.OuterRef("pk")).order_by("-id")
    plans = apps.get_model("workplan", "WorkPlan").objects.filter(pk__in=list(plan_ids))
    rows = plans.annotate(stamp=models.Subquery(newest.values("id")[:1])).values_list("pk", "stamp")
    return {pk: stamp or 0 for pk, stamp in rows}


def stamp_key(prefix: str, plan, *parts: object, stamp: int | None = None) -> str:
    """A cache key for something computed from ``plan``'s data as it is now (``stamp``:
    the plan's stamp when the caller read many at once, ``stamps_of``)."""
    born = int(plan.created_at.timestamp() * 1000) if plan.created_at else 0
    tail = ":".join(str(p) for p in parts)
    stamp = stamp_of(plan) if stamp is None else stamp
    return f"{prefix}:{plan.pk}:{born}:{stamp}:{tail}"
