"""Fetch an LKE object for a user or refuse (404 when it does not exist for the user's
unit, 403 with the reason when their role does not allow the action), and who may write
which side of an answer. The rules live in ``zi_portal.accounts.permissions``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from workplan.models import Pokja, Unit
from zi_portal.accounts.permissions import Action, can, require

from .models import LkeMaster, LkeQuestion, PortalRBToken, Proposal, Side


def access_question(master: LkeMaster, soal_id: int) -> LkeQuestion:
    question = (
        LkeQuestion.objects.select_related("master").filter(master=master, soal_id=soal_id).first()
    )
    if question is None:
        raise Http404(_("Soal %(id)s tidak ada di master soal LKE ini.") % {"id": soal_id})
    return question


def require_answer_right(user: Any, *, unit: Unit, question: LkeQuestion, side: str) -> None:
    """The TPI column is the assessors' alone; the unit's answer to an area's question is
    its PIC's (or the Ketua Tim's); the Hasil part is the Ketua Tim's."""
    if side == Side.TPI:
        require(user, Action.ASSESS_LKE)
    elif not question.area_code:
        require(user, Action.ANSWER_LKE_HASIL)
    else:
        pokja = Pokja.objects.filter(
            plan__unit=unit, plan__year=question.master.year, area__code=question.area_code
        ).first()
        if pokja is None:
            raise Http404(_("Area ini tidak ada dalam rencana kerja."))
        require(user, Action.ANSWER_LKE, pokja)


def may_answer(user: Any, pokja: Pokja | None) -> bool:
    """May ``user`` write the unit's answers of this pokja's LKE area?"""
    return pokja is not None and can(user, Action.ANSWER_LKE, pokja)


def access_proposal(user: Any, pk: int) -> Proposal:
    require(user, Action.MANAGE_LKE)
    proposal = (
        Proposal.objects.restrict(user, Action.MANAGE_LKE)
        .select_related("unit")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404(_("Usulan tidak ditemukan."))
    return proposal


def access_token(user: Any, pk: int) -> PortalRBToken:
    require(user, Action.MANAGE_LKE)
    token = PortalRBToken.objects.restrict(user, Action.MANAGE_LKE).filter(pk=pk).first()
    if token is None:
        raise Http404(_("Token tidak ditemukan."))
    return token
