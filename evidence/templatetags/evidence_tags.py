"""Presentation helpers for evidence status (labels come from the choices)."""

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from evidence.choices import Decision, ItemStatus, ReviewState
from zi_portal.core.links import path_of_pk

register = template.Library()


@register.filter
def pk_url(pk: int, viewname: str) -> str:
    """``{{ v.pk|pk_url:"evidence:download" }}``: ``{% url %}`` for a view taking one pk,
    reversed once per view instead of once per link."""
    return path_of_pk(viewname, pk)


@register.simple_tag
def item_status(status: str):
    """A coloured badge for an item's status (Belum diunggah … Disetujui)."""
    label = ItemStatus(status).label if status in ItemStatus.values else status
    return format_html('<span class="badge st st-{}">{}</span>', status, label)


@register.simple_tag
def version_state(state: str):
    label = ReviewState(state).label if state in ReviewState.values else state
    return format_html('<span class="badge st st-{}">{}</span>', state, label)


@register.filter
def short_hash(value: str) -> str:
    return value[:12] if value else ""


# What the audit trail's "before → after" keys mean, for people (unknown keys are shown
# under their own name, never dropped).
AUDIT_KEYS = {
    "status": _("status"),
    "version": _("berkas"),
    "sha256": "SHA-256",
    "size": _("ukuran"),
    "reason": _("alasan"),
    "decision": _("keputusan"),
    "roles": _("peran"),
    "months": _("bulan"),
    "assumed": _("perkiraan"),
    "pokja": _("pokja"),
    "user": _("pengguna"),
    "pic": _("PIC"),
    "source": _("sumber"),
    "value": _("jawaban"),
    "revision": _("revisi ke"),
    "name": _("nama"),
    "prefix": _("awalan"),
    "active": _("aktif"),
    "unit": _("unit"),
    "changed": _("berubah"),
    "unchanged": _("tetap"),
    "owner": _("penanggung jawab"),
    "due_date": _("batas waktu"),
    "note": _("catatan"),
    "evidence": _("bukti dukung"),
    "good_practice": _("narasi praktik baik (huruf)"),
    "impact": _("narasi dampak (huruf)"),
    "from_reviewer": _("dari pereviu"),
}


def _audit_value(key: str, value: Any) -> str:
    if key == "status" and value in ItemStatus.values:
        return str(ItemStatus(value).label)
    if key == "decision" and value in Decision.values:
        return str(Decision(value).label)
    if key == "size" and isinstance(value, int):
        return filesizeformat(value)
    if key == "sha256" and value:
        return f"{value[:12]}…"
    if key == "due_date" and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    if value in (None, ""):
        return "—"
    return str(value)


@register.simple_tag
def audit_change(event) -> str:
    """The "before → after" cell of an audit row in words: "Menunggu reviu → Perlu
    revisi", or the recorded facts as "keputusan: Disetujui · ukuran: 1,2 MB"."""
    before, after = event.before or {}, event.after or {}
    if before.get("status") or after.get("status"):
        text = format_html(
            "{} → {}",
            _audit_value("status", before.get("status")),
            _audit_value("status", after.get("status")),
        )
        rest = {k: v for k, v in after.items() if k != "status"}
    else:
        text, rest = "", after
    facts = [
        format_html("{}: {}", AUDIT_KEYS.get(k, k), _audit_value(k, v)) for k, v in rest.items()
    ]
    if text and facts:
        return format_html("{}<br>{}", text, format_html_join(" · ", "{}", ((f,) for f in facts)))
    return text or format_html_join(" · ", "{}", ((f,) for f in facts))
