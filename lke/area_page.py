"""The LKE area page (and a question's own page): every question of an area, or of the
Hasil part, with both sides' answers and forms, the running scores of its sub-areas
and halves, and the area's evidence for the picker. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from evidence.selectors import with_status
from workplan.choices import AREA_ORDER
from workplan.models import EvidenceRequirement, Pokja, WorkPlan
from zi_portal.accounts.permissions import Action, can

from . import hooks, scoring, selectors
from .models import Side
from .permissions import may_answer as may_answer_area
from .summary import area_name
from .templatetags.lke import percent, points

HASIL = "HASIL"


def _answer_label(q: scoring.Question, answer) -> str:
    """ "A · <option text>" for a choice, the value itself for counts and surveys."""
    if answer is None or not answer.value:
        return ""
    for option in q.options:
        if option.key == answer.value and option.label != option.key:
            return f"{option.key} · {option.label}"
    return answer.value


@dataclass
class QuestionRow:
    q: scoring.Question
    unit: object  # LkeAnswer | None
    tpi: object
    unit_value: object
    tpi_value: object
    posted: dict | None = None
    error: str = ""
    answered: bool = False  # by the unit (a value, not only a note)
    unit_form: dict = field(default_factory=dict)
    tpi_form: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)  # hooks.SourceValue offered for it

    @property
    def unit_label(self) -> str:
        return _answer_label(self.q, self.unit)

    @property
    def tpi_label(self) -> str:
        return _answer_label(self.q, self.tpi)

    def _badge(self, who: str, answer, value) -> str:
        if self.q.answer_type == scoring.COUNT:
            return f"{who}: {(answer.value if answer else '') or '—'}"
        return f"{who}: {percent(value)}"

    @property
    def unit_badge(self) -> str:
        return self._badge(_("Unit"), self.unit, self.unit_value)

    @property
    def tpi_badge(self) -> str:
        return self._badge(_("TPI"), self.tpi, self.tpi_value)

    @property
    def uid(self) -> str:
        return f"u{self.q.soal_id}"

    @property
    def tid(self) -> str:
        return f"t{self.q.soal_id}"

    def __post_init__(self):
        def form(answer, side):
            if self.posted and self.posted["side"] == side:
                return {
                    **self.posted,
                    "evidence": set(self.posted["evidence"]),
                    "versions": set(self.posted["versions"]),
                }
            if answer is None:
                return {
                    "value": "",
                    "note": "",
                    "support": "",
                    "evidence": set(),
                    "versions": set(),
                }
            return {
                "value": answer.value,
                "note": answer.note,
                "support": answer.support,
                "evidence": {r.pk for r in answer.evidence_items.all()},
                "versions": {v.pk for v in answer.evidence_versions.all()},
            }

        self.unit_form = form(self.unit, Side.UNIT)
        self.tpi_form = form(self.tpi, Side.TPI)
        if self.posted and self.posted["side"] == Side.TPI:
            self.tpi_error, self.unit_error = self.error, ""
        else:
            self.unit_error, self.tpi_error = self.error, ""


@dataclass
class SubAreaBlock:
    node: scoring.Node
    unit: scoring.SubAreaScore
    tpi: scoring.SubAreaScore
    rows: list[QuestionRow] = field(default_factory=list)
    percents: list[dict] = field(default_factory=list)
    depth: int = 0
    is_half: bool = False
    answered: int = 0  # of the node's own questions, as soal_progress counts them
    total: int = 0

    def score_text(self, scored: bool) -> str:
        text = f"{_('bobot')} {points(self.node.weight)}"
        if scored:
            s, t = points(self.unit.score), points(self.tpi.score)
            text += " · " + _("unit %(s)s · TPI %(t)s") % {"s": s, "t": t}
        return text

    @property
    def count_text(self) -> str:
        return count_text(self.answered, self.total)


def count_text(answered: int, total: int) -> str:
    return _("%(a)s dari %(n)s soal dijawab") % {"a": answered, "n": total}


def half_text(half: dict) -> str:
    u, t = half["unit"], half["tpi"]
    return _("unit %(s)s / %(m)s · TPI %(t)s") % {
        "s": points(u.score),
        "m": points(u.max),
        "t": points(t.score),
    }


def percent_text(p: dict) -> str:
    return f"{_('unit')} {percent(p['unit'])} · {_('TPI')} {percent(p['tpi'])}"


def area_text(context: dict) -> str:
    """The page's lead: the area's score and count (the Hasil part: its two halves)."""
    area_u, area_t = context["area_u"], context["area_t"]
    if area_u is None:
        score = context["lke"].unit_score
        return _(
            "Birokrasi bersih dan akuntabel %(b)s · Pelayanan publik prima %(p)s (penilaian unit)"
        ) % {"b": points(score.bersih), "p": points(score.prima)}
    answered, total = context["soal"]
    return _("Nilai unit %(s)s dari %(m)s (%(p)s) · TPI %(ts)s · %(a)s dari %(n)s soal dijawab") % {
        "s": points(area_u.score),
        "m": points(area_u.max),
        "p": percent(area_u.share),
        "ts": points(area_t.score),
        "a": answered,
        "n": total,
    }


def _leaf_blocks(node, unit_sub, tpi_sub, ctx, depth=0):
    blocks = [SubAreaBlock(node, unit_sub, tpi_sub, depth=depth)]
    block = blocks[0]
    for q in node.questions:
        block.rows.append(
            QuestionRow(
                q=q,
                unit=ctx["unit_answers"].get(q.soal_id),
                tpi=ctx["tpi_answers"].get(q.soal_id),
                unit_value=ctx["u"].items.get(str(q.soal_id)),
                tpi_value=ctx["t"].items.get(str(q.soal_id)),
                posted=ctx["failed"].get(q.soal_id),
                error=ctx["failed"].get(q.soal_id, {}).get("error", ""),
            )
        )
    for p in node.percent_items:
        values = {"unit": ctx["u"].items.get(p.key), "tpi": ctx["t"].items.get(p.key)}
        block.percents.append({"item": p, **values, "text": percent_text(values)})
    for child, uc, tc in zip(node.children, unit_sub.children, tpi_sub.children, strict=True):
        blocks += _leaf_blocks(child, uc, tc, ctx, depth + 1)
    return blocks


def area_rights(user: Any, plan: WorkPlan, code: str) -> tuple[bool, bool]:
    """(may answer for the unit, may assess for the TPI) on the area ``code`` page."""
    if code == HASIL:
        may_answer = can(user, Action.ANSWER_LKE_HASIL)
    else:
        pokja = Pokja.objects.filter(plan=plan, area__code=code).select_related("area").first()
        may_answer = may_answer_area(user, pokja)
    return may_answer, can(user, Action.ASSESS_LKE)


def area_context(
    *,
    user: Any,
    plan: WorkPlan,
    code: str,
    failed: dict | None = None,
    only_soal: int | None = None,
    picker: bool = True,
) -> dict:
    """The area page's context; ``only_soal``: just that question (its own page, with
    every evidence item of the area listed in its picker); ``failed``: the refused
    answer (by soal id) shown again with its error; ``picker=False``: without the
    area's evidence list (what a saved answer's refresh needs)."""
    lke = selectors.plan_lke(plan, selectors.master_or_404(plan.year))
    code = code.upper()
    if code not in AREA_ORDER and code != HASIL:
        raise Http404(_("Area LKE %(code)s tidak dikenal.") % {"code": code})
    area_code = "" if code == HASIL else code
    unit_answers = selectors.answers_of(
        unit=plan.unit, master=lke.master, side=Side.UNIT, area_code=area_code
    )
    tpi_answers = selectors.answers_of(
        unit=plan.unit, master=lke.master, side=Side.TPI, area_code=area_code
    )
    ctx = {
        "unit_answers": unit_answers,
        "tpi_answers": tpi_answers,
        "u": lke.unit_score,
        "t": lke.tpi_score,
        "failed": failed or {},
    }
    halves = []
    may_answer, may_assess = area_rights(user, plan, code)
    if code == HASIL:
        u, t = lke.unit_score, lke.tpi_score
        for part, unit_points, tpi_points in (
            (scoring.BERSIH, u.bersih, t.bersih),
            (scoring.PRIMA, u.prima, t.prima),
        ):
            node = lke.tree.hasil_nodes()[part]
            empty = scoring.SubAreaScore(node.node_id, node.name, node.weight, scoring.ZERO)
            blocks = _leaf_blocks(node, empty, empty, ctx)
            for block in blocks:
                block.is_half = True  # the sub_komponen holds its questions itself
            halves.append(
                {
                    "part": part,
                    "node": node,
                    "unit": scoring.HalfScore(node.node_id, part, unit_points, node.weight, []),
                    "tpi": scoring.HalfScore(node.node_id, part, tpi_points, node.weight, []),
                    "blocks": blocks,
                }
            )
        area_u = area_t = None
        evidence_cells = {"cell__quarter__plan": plan}
    else:
        area_u, area_t = lke.unit_score.area(code), lke.tpi_score.area(code)
        nodes = lke.tree.area_halves(code)
        for part, hu, ht in (
            (scoring.PEMENUHAN, area_u.pemenuhan, area_t.pemenuhan),
            (scoring.REFORM, area_u.reform, area_t.reform),
        ):
            blocks = []
            for node, su, st in zip(nodes[part].children, hu.sub_areas, ht.sub_areas, strict=True):
                blocks += _leaf_blocks(node, su, st, ctx)
            halves.append(
                {"part": part, "node": nodes[part], "unit": hu, "tpi": ht, "blocks": blocks}
            )
        evidence_cells = {"cell__quarter__plan": plan, "cell__area__code": code}
    evidence = []
    if may_answer and picker:
        evidence = with_status(
            EvidenceRequirement.objects.filter(**evidence_cells)
            .select_related("cell__quarter", "cell__area")
            .order_by("cell__quarter__number", "cell__area__order", "order")
        )
    for half in halves:
        if only_soal is not None:
            for block in half["blocks"]:
                block.rows = [r for r in block.rows if r.q.soal_id == only_soal]
                block.percents = []
            half["blocks"] = [b for b in half["blocks"] if b.rows]
        for block in half["blocks"]:
            for row in block.rows:
                # The items already picked are rendered; the rest of the area's list is
                # added by lke-evidence.js from one <template> (or on the question's page).
                versions = row.unit_form["versions"]
                # What the summary counts: items and single versions ticked.
                row.picked_count = len(row.unit_form["evidence"]) + len(versions)
                row.picked = [
                    item
                    for item in evidence
                    if item.pk in row.unit_form["evidence"]
                    or any(v.pk in versions for v in item.current)
                ]
    if only_soal is not None:
        halves = [h for h in halves if h["blocks"]]
    rows = [row for half in halves for block in half["blocks"] for row in block.rows]
    offered = hooks.values(unit=plan.unit, year=plan.year, questions=[r.q for r in rows])
    for row in rows:
        row.sources = offered.get(row.q.soal_id, [])
    by_node = selectors.soal_progress_by_node(plan=plan, master=lke.master, area_code=area_code)
    next_soal = None
    for half in halves:
        half["text"] = half_text(half) if half["unit"] else ""
        for block in half["blocks"]:
            block.answered, block.total = by_node.get(block.node.node_id, (0, 0))
            block.text = block.score_text(bool(half["unit"]))
            for row in block.rows:
                row.answered = bool(row.unit and row.unit.value)
                if next_soal is None and not row.answered:
                    next_soal = row.q.soal_id
    context = {
        "plan": plan,
        "lke": lke,
        "code": code,
        "area_u": area_u,
        "area_name": area_name(code),
        "area_t": area_t,
        # Hasil questions have no area code: "" counts them, as for the areas.
        "soal": selectors.soal_progress(plan=plan, codes={area_code}).get(area_code, (0, 0)),
        "next_soal": next_soal,
        "halves": halves,
        "may_answer": may_answer,
        "may_assess": may_assess,
        "evidence_choices": evidence,
        "full_picker": only_soal is not None,
        "autosave_texts": autosave_texts(),
        "area_codes": AREA_ORDER + [HASIL],
        "nav_active": "lke",
    }
    context["area_text"] = area_text(context)
    context["jump_text"] = count_text(*context["soal"])
    return context


def autosave_texts() -> dict[str, str]:
    """What lke-autosave.js shows (through ``json_script``: the page has no inline script)."""
    return {
        "saving": _("Menyimpan…"),
        "saved": _("Tersimpan"),
        "pending": _("Perubahan belum disimpan"),
        "failed": _("Gagal menyimpan — coba lagi"),
        "network": _("Portal tidak dapat dihubungi. Periksa koneksi Anda."),
        "session": _("Sesi Anda mungkin telah berakhir. Muat ulang halaman lalu masuk lagi."),
        "http": _("Portal menjawab dengan kode %(status)s."),
        "extra": _("Catatan dan bukti dukung"),
        "filled": _("terisi"),
        "answered": _("sudah dijawab"),
        "unanswered": _("belum dijawab"),
    }


def saved_state(*, user: Any, plan: WorkPlan, code: str, soal_id: int) -> dict:
    """After an answer is saved: whether the unit has answered ``soal_id``, the area's
    count, and the page's texts that change (scores, counts, the question's values) by
    element id, the same texts the page prints."""
    context = area_context(user=user, plan=plan, code=code, picker=False)
    texts = {"lke-area-score": context["area_text"], "lke-jump-count": context["jump_text"]}
    answered, badges = False, {}
    for half in context["halves"]:
        if half["text"]:
            texts[f"half-{half['part']}-score"] = half["text"]
        for block in half["blocks"]:
            node = block.node.node_id
            texts[f"sub-{node}-score"] = block.text
            texts[f"sub-{node}-count"] = block.count_text
            for p in block.percents:
                texts[f"percent-{p['item'].key}-values"] = p["text"]
            for row in block.rows:
                if row.q.soal_id == soal_id:
                    answered = row.answered
                    badges = {"unit": row.unit_badge, "tpi": row.tpi_badge}
    return {
        "answered": answered,
        "progress": list(context["soal"]),
        "texts": texts,
        "badges": badges,  # the question's two values, in the order its header shows them
    }
