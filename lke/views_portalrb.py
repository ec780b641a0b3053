"""The Ketua Tim's PortalRB settings: the units proposed per year, the predicates held,
the Bearer tokens PortalRB uses (issued, shown once, revoked) and PortalRB's last calls.
Thin: access → selectors/services → response."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.permissions import access_selected_plan
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import client_ip
from zi_portal.core.links import site_url

from . import selectors, services
from .forms import PredicateForm, ProposalForm, TokenForm
from .permissions import access_proposal, access_token
from .validation import LkeRefused


def _form_errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


def portalrb(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    year = plan.year if plan else timezone.localdate().year
    context = selectors.portalrb_settings(user=request.user)
    context.update(
        {
            "plan": plan,
            "year": year,
            "new_token": request.session.pop("portalrb_new_token", None),
            "token_form": TokenForm(),
            "proposal_form": ProposalForm(user=request.user, initial={"year": year}),
            "predicate_form": PredicateForm(user=request.user, initial={"year": year - 1}),
            "base_url": site_url("/api/portalrb"),
            "nav_active": "lke",
        }
    )
    return render(request, "lke/portalrb.html", context)


@require_POST
def token_issue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    form = TokenForm(request.POST)
    try:
        if not form.is_valid():
            raise LkeRefused(_("Nama token wajib diisi (paling banyak 100 karakter)."))
        _token, raw = services.token_issue(
            name=form.cleaned_data["name"], user=request.user, ip=client_ip(request)
        )
    except LkeRefused as exc:
        messages.error(request, exc.message)
    else:
        # Only its SHA-256 is stored; the token itself waits in the session until the
        # next page shows it once.
        request.session["portalrb_new_token"] = raw
        messages.success(request, _("Token dibuat. Salin sekarang: token tidak ditampilkan lagi."))
    return redirect("lke:portalrb")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    if services.token_revoke(token=token, user=request.user, ip=client_ip(request)):
        messages.success(request, _("Token dicabut. PortalRB yang memakainya akan menerima 401."))
    else:
        messages.info(request, _("Token sudah dicabut sebelumnya."))
    return redirect("lke:portalrb")


def _save_from(request: HttpRequest, form, save, success) -> HttpResponse:
    """Hand a valid settings form's data to ``save`` (a service), or say what is wrong."""
    if form.is_valid():
        data = form.cleaned_data
        save(**data, user=request.user, ip=client_ip(request))
        messages.success(request, success(data))
    else:
        messages.error(request, _form_errors(form))
    return redirect("lke:portalrb")


@require_POST
def proposal_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    return _save_from(
        request,
        ProposalForm(request.POST, user=request.user),
        services.proposal_save,
        lambda d: (
            _("%(unit)s diusulkan untuk %(cat)s tahun %(year)s.")
            % {"unit": d["unit"], "cat": d["category"], "year": d["year"]}
        ),
    )


@require_POST
def proposal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access_proposal(request.user, pk)
    services.proposal_delete(proposal=proposal, user=request.user, ip=client_ip(request))
    messages.success(request, _("Usulan dihapus."))
    return redirect("lke:portalrb")


@require_POST
def predicate_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    return _save_from(
        request,
        PredicateForm(request.POST, user=request.user),
        services.predicate_save,
        lambda d: _("Predikat dicatat."),
    )
