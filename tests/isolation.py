"""The cross-unit walk of ``tests/accounts/test_isolation.py``: unit A's secrets, every
URL pattern of the project with values for its parameters, and the invariants that say
nothing of unit A was read or changed.

Unit A (the demo) is given one marked object of every kind a page, export or API can show
(``a_secrets``); every text it holds contains ``MARK``. Unit B's people (tests/multiunit.py)
then request every route. A route whose parameters name one of A's objects
(``A_OBJECT_ROUTES``, the admin's object pages, PortalRB's unit id) must refuse; any other
route may answer, but nothing it returns may hold A's markers (the marked texts, A's
people's names and e-mails, A's unit and signatory), and afterwards no row of A differs and
no row of one unit points at a row of another.

A new route is covered without a change here, unless it takes a parameter no rule below
knows (the walk then fails and names it): add its value, and say whether it names one of
A's objects."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F, Model, Q
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from evaluation import services as evaluation_services
from evidence import services as evidence_services
from findings.services import finding_record
from lke import services as lke_services
from lke.exchange import jawaban_unit
from lke.models import LkeMaster, LkeQuestion, Side
from ministry.models import RecapExport
from monev.choices import MessageStatus, Realisation, ReminderKind, ReportKind, ReportStatus
from monev.models import Message, Notification, Report
from monev.services import narrative_save, realisation_record
from surveys import services as survey_services
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import (
    Activity,
    CommitmentCell,
    EvidenceRequirement,
    Pokja,
    PokjaMember,
    Unit,
    WorkPlan,
)
from workplan.services import pokja_member_add
from zi_portal.accounts.models import ApiToken, User, api_token_digest
from zi_portal.accounts.services import api_token_for

MARK = "RAHASIA-A"
YEAR = 2026


# --- unit A's secrets -----------------------------------------------------------------


def a_secrets() -> dict[str, Any]:
    """One marked object of every kind in unit A, made through the services the pages use."""
    plan = WorkPlan.objects.get(year=YEAR, unit__code=UNIT_A)
    unit = plan.unit
    people = {u.email.split("@")[0]: u for u in User.objects.filter(unit=unit)}
    ketua, tpi, pic = people["ketua"], people["tpi"], people["pic.pw"]
    cell = CommitmentCell.objects.get(quarter__plan=plan, quarter__number=1, area__code="PW")
    first, second = EvidenceRequirement.objects.filter(cell=cell).order_by("pk")[:2]
    version = evidence_services.evidence_upload_file(
        requirement=first,
        upload=samples.upload(f"{MARK}-laporan.pdf", samples.pdf(f"{MARK} isi laporan")),
        user=pic,
        note=f"{MARK} catatan unggahan",
        evidence_date=date(2026, 3, 2),
    )
    link = evidence_services.evidence_register_link(
        requirement=second,
        url=f"https://intra.example.org/{MARK}/notulen",
        user=pic,
        note=f"{MARK} catatan tautan",
    )
    review = evidence_services.evidence_review(
        version=link, user=tpi, decision="revise", comment=f"{MARK} komentar reviu"
    )
    finding = finding_record(
        plan=plan,
        user=tpi,
        description=f"{MARK} uraian temuan",
        recommendation=f"{MARK} rekomendasi",
        owner=pic,
        due_date=timezone.localdate() + timedelta(days=30),
        cell=cell,
    )
    report_file = default_storage.save(
        "reports/isolation-a.pdf", ContentFile(samples.pdf(f"{MARK} laporan triwulan"))
    )
    report = Report.objects.create(
        plan=plan,
        kind=ReportKind.QUARTERLY,
        quarter=1,
        status=ReportStatus.READY,
        file=report_file,
        size=default_storage.size(report_file),
        requested_by=ketua,
    )
    notification = Notification.objects.create(
        recipient=ketua, kind=ReminderKind.OVERDUE, title=f"{MARK} notifikasi", body=MARK
    )
    message = Message.objects.create(
        recipient=pic,
        kind=ReminderKind.OVERDUE,
        subject=f"{MARK} pengingat",
        body_text=MARK,
        body_html=f"<p>{MARK}</p>",
        status=MessageStatus.FAILED,
        last_error=f"{MARK} galat",
    )
    question = LkeQuestion.objects.filter(master__year=YEAR, area_code="PW").order_by("order")[0]
    lke_services.answer_save(
        unit=unit,
        question=question,
        side=Side.UNIT,
        user=ketua,
        value=_an_answer(question),
        note=f"{MARK} catatan jawaban",
    )
    lke_services.answer_save(
        unit=unit,
        question=question,
        side=Side.TPI,
        user=tpi,
        value=_an_answer(question),
        note=f"{MARK} catatan asesor",
    )
    token, _key = lke_services.token_issue(name=f"{MARK} token", user=ketua)
    api_token_raw = api_token_for(user=ketua, name=f"{MARK} token API")
    api_token = ApiToken.objects.get(digest=api_token_digest(api_token_raw))
    proposal = lke_services.proposal_save(
        unit=unit, year=YEAR, category="WBK", afirmasi=False, user=ketua
    )
    lke_services.predicate_save(
        unit=unit, kind="WBK", year=2025, decree=f"{MARK} SK predikat", user=ketua
    )
    pokja = Pokja.objects.get(plan=plan, area__code="PW")
    staff = User.objects.create_user(
        f"anggota.rahasia@{unit.code.lower()}.example.org",
        "Sandi-Uji-2026!",
        name=f"{MARK} Anggota Pokja",
        unit=unit,
    )
    pokja_member_add(pokja=pokja, email=staff.email, added_by=pic)
    member = PokjaMember.objects.get(pokja=pokja, user=staff)
    activity = Activity.objects.filter(pokja=pokja).order_by("pk")[0]
    realisation_record(
        activity=activity, month=1, status=Realisation.DONE, note=f"{MARK} realisasi", user=pic
    )
    narrative_save(
        pokja=pokja, user=pic, good_practice=f"{MARK} praktik baik", impact=f"{MARK} dampak"
    )
    EmailAddress.objects.get_or_create(
        user=ketua, email=ketua.email, defaults={"primary": True, "verified": True}
    )
    survey, service = _a_survey(unit, ketua)
    # A question sent back to the unit by its assessor, answered by the PIC of PW.
    round_ = evaluation_services.decide(
        user=tpi, unit=unit, question=question, decision="kirim_balik",
        note=f"{MARK} catatan kirim balik",
    )  # fmt: skip
    round_ = evaluation_services.reply(user=pic, row=round_, text=f"{MARK} jawaban kirim balik")
    return {
        "unit": unit,
        "plan": plan,
        "people": people,
        "cell": cell,
        "requirement": first,
        "version": version,
        "link": link,
        "review": review,
        "finding": finding,
        "report": report,
        "notification": notification,
        "message": message,
        "question": question,
        "token": token,
        "api_token": api_token,
        "proposal": proposal,
        "member": member,
        "activity": activity,
        "survey": survey,
        "service": service,
        "survey_b": _b_survey(),
        "round": round_,
        "recap_export": RecapExport.objects.create(year=YEAR, requested_by=ketua, status="ready"),
    }


def _a_survey(unit: Unit, ketua: User):
    """Unit A's survey with a marked title and service, counted, flagged, admitted and
    excluded responses (the exclusion's reason marked)."""
    service = survey_services.service_save(
        unit=unit, user=ketua, code="loket-a", name=f"{MARK} layanan", population=120
    )
    survey = survey_services.survey_create(
        unit=unit,
        user=ketua,
        kind="skm",
        title=f"{MARK} survei",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=30),
        services=[service],
    )
    survey_services.survey_set_status(survey=survey, user=ketua, status="open")
    survey.refresh_from_db()
    questions = list(survey.questions.all())
    made = [
        survey_services.response_submit(
            survey=survey,
            service=service,
            answers={q.pk: 1 + (n + q.order) % 4 for q in questions},
            flag_reason=flag,
            device_digest=f"perangkat-a-{n}",
        )
        for n, flag in enumerate(["", "", "too_fast", "honeypot"])
    ]
    survey_services.response_exclude(response=made[1], user=ketua, reason=f"{MARK} alasan")
    survey_services.response_admit(response=made[2], user=ketua, note=f"{MARK} catatan")
    return survey, service


def _b_survey():
    """Unit B's open survey: the public form and results are walked with its token (a
    public page of one unit's survey must show nothing of another's)."""
    ketua_b = User.objects.get(email="ketua@unit-b.test")
    service = survey_services.service_save(
        unit=ketua_b.unit, user=ketua_b, code="loket-b", name="Layanan B", population=50
    )
    survey = survey_services.survey_create(
        unit=ketua_b.unit,
        user=ketua_b,
        kind="skm",
        title="Survei unit B",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=30),
        services=[service],
    )
    survey_services.survey_set_status(survey=survey, user=ketua_b, status="open")
    return survey


def _an_answer(question: LkeQuestion) -> str:
    kind = question.answer_type
    if kind == "ya_tidak":
        return "Ya"
    if kind in ("jumlah", "persen", "angka"):
        return "3"
    return "A"


def markers(secrets: dict[str, Any]) -> list[str]:
    """Strings only unit A's data holds: the marked texts, A's people's names and e-mails,
    its unit's name and its plan's signatory (unit B's plan names none of them)."""
    unit, plan = secrets["unit"], secrets["plan"]
    found = {MARK, unit.name, plan.signatory_name}
    for person in secrets["people"].values():
        found |= {person.email, person.name}
    return sorted(m for m in found if m)


# --- the routes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # as Django prints it, e.g. "butir/<int:pk>/unggah/"
    name: str  # "evidence:upload"; "" for an unnamed pattern
    regex: str  # the full regex the resolver matches


def routes() -> list[Route]:
    """Every URL pattern of the project, as (pattern, name, regex)."""

    def walk(patterns, prefix: str, regex: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), regex + _regex(p), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                yield Route(prefix + str(p.pattern), name, regex + _regex(p))

    return list(walk(get_resolver().url_patterns, "", "", None))


def _regex(p) -> str:
    return p.pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")


# Routes whose ``pk`` names an object, and which of A's objects to give it.
A_OBJECT_ROUTES = {
    "workplan:activity_edit": "activity",
    "workplan:member_remove": "activity",  # its object is member_pk (below)
    "evidence:item": "requirement",
    "evidence:upload": "requirement",
    "evidence:withdraw": "version",
    "evidence:review": "version",
    "evidence:download": "version",
    "evidence:preview": "version",
    "evidence:reply": "version",
    "monev:notification_read": "notification",
    "monev:report_download": "report",
    "monev:message_resend": "message",
    "monev:realisation": "activity",
    "findings:detail": "finding",
    "api-requirement": "requirement",
    "api-evidence-create": "requirement",
    "api-evidence-review": "version",
    "api-evidence-withdraw": "version",
    "api-evidence-file": "version",
    "lke:token_revoke": "token",
    "api_token_revoke": "api_token",
    "lke:proposal_delete": "proposal",
    "portalrb-jawaban-unit": "unit",
    "surveys:detail": "survey",
    "surveys:questions": "survey",
    "surveys:poster": "survey",
    "surveys:service_edit": "service",
    "surveys:report_pdf": "survey",
    "surveys:follow_up": "survey",
    "surveys:attach_report": "survey",
    "surveys:lke_take": "survey",
    "surveys:import": "survey",
    "surveys:import_template_csv": "survey",
    "surveys:import_template_xlsx": "survey",
    "surveys:responses_xlsx": "survey",
    "api-survey-results": "survey",
    "ministry:year_start": "unit",
    "ministry:assessors": "unit",
    "ministry:pmpzi": "unit",
    "ministry:pmpzi_deadline": "unit",
    "ministry:pmpzi_propose": "unit",
    "ministry:recap_download": "recap_export",
    "evaluation:reply": "round",
}
# The other routes' parameters: values that do not name one of A's objects (unit B's
# people reach their own unit's plan, area and questions with them).
PLAIN_VALUES = {
    "year": str(YEAR),
    "code": "PW",
    "key": "kunci-uji",
    "uidb36": "1z",
    "url": "tidak-ada/",  # the admin's catch-all
}
FORMATS = {"workplan:export": ["xlsx", "csv"], "lke:export": ["json", "xlsx"]}
ADMIN_OBJECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<(path:object_id|id)>/")


@dataclass(frozen=True)
class Request:
    route: Route
    path: str
    names_a_object: bool


class UnknownParameter(AssertionError):
    pass


def requests_for(route: Route, secrets: dict[str, Any]) -> list[Request]:
    """The concrete paths to request for ``route``: its parameters filled, one path per
    format of an export route."""
    params = re.findall(r"\(\?P<(\w+)>", route.regex)
    values: dict[str, str] = {}
    names_a = False
    admin = ADMIN_OBJECT.match(route.pattern)
    for param in params:
        if param in PLAIN_VALUES:
            values[param] = PLAIN_VALUES[param]
        elif param == "pk" and route.name in A_OBJECT_ROUTES:
            values[param] = str(secrets[A_OBJECT_ROUTES[route.name]].pk)
            names_a = True
        elif param == "member_pk":
            values[param] = str(secrets["member"].pk)
            names_a = True
        elif param == "soal_id":
            values[param] = str(secrets["question"].soal_id)
        elif param == "unit_id" and route.name == "portalrb-jawaban-unit":
            values[param] = secrets["unit"].code
            names_a = True
        elif param in ("object_id", "id") and admin:
            obj, of_a = admin_object(admin["app"], admin["model"], secrets)
            values[param] = str(obj.pk)
            names_a = of_a
        elif param == "content_type_id":
            values[param] = str(ContentType.objects.get_for_model(EvidenceRequirement).pk)
        elif param == "object_id":
            values[param] = str(secrets["requirement"].pk)
            names_a = True
        elif param == "app_label":
            values[param] = "workplan"
        elif param == "token":  # a survey's public pages: unit B's own survey
            values[param] = secrets["survey_b"].token
        elif param == "fmt":
            values[param] = "{fmt}"
        else:
            raise UnknownParameter(
                f"{route.pattern} ({route.name or 'tanpa nama'}): no value for <{param}>; "
                "add one to tests/isolation.py"
            )
    path = "/" + _fill(route.regex, values)
    if "{fmt}" in path:
        if route.name not in FORMATS:
            raise UnknownParameter(f"{route.pattern}: which formats does it serve?")
        return [Request(route, path.replace("{fmt}", f), names_a) for f in FORMATS[route.name]]
    return [Request(route, path, names_a)]


def _fill(regex: str, values: dict[str, str]) -> str:
    """The path ``regex`` matches with its groups replaced by ``values``."""
    out = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m[1]], regex)
    out = out.replace("\\.", ".").replace("/?", "/").replace("\\", "")
    return out


def admin_object(app: str, model_name: str, secrets: dict[str, Any]) -> tuple[Model, bool]:
    """One row of the admin's model for its object pages: one of unit A's when the model
    belongs to units (then the page must refuse), else any row."""
    model = apps.get_model(app, model_name)
    path = unit_path(model)
    rows = model._default_manager.order_by("pk")
    if path is not None:
        a_rows = rows.filter(**{path: secrets["unit"].pk})
        if a_rows.exists():
            return a_rows[0], True
    row = rows.first()
    if row is None:
        return SimpleNamespace(pk=999999), False  # no row: the page says so
    return row, False


# --- the invariants -------------------------------------------------------------------


def unit_path(model: type[Model]) -> str | None:
    """The path from ``model``'s rows to their unit's id, as its queryset names it."""
    if model is Unit:
        return "pk"
    if model is User:
        return "unit"
    fields = {f.name: f for f in model._meta.concrete_fields}
    if "user" in fields and fields["user"].related_model is User:
        return "user__unit"  # a person's own rows: e-mail addresses, tokens, authenticators
    return getattr(model._default_manager.all(), "unit_field", None) or getattr(
        model._default_manager, "unit_field", None
    )


def unit_models() -> list[tuple[type[Model], str]]:
    found = []
    for model in apps.get_models():
        path = unit_path(model)
        if path:
            found.append((model, path))
    return found


def fingerprint(unit: Unit) -> dict[str, str]:
    """A digest of every row of ``unit`` in every model that belongs to units."""
    digests = {}
    for model, path in unit_models():
        rows = model._default_manager.filter(**{path: unit.pk}).order_by("pk").values()
        digest = hashlib.sha256()
        for row in rows:
            digest.update(repr(sorted(row.items())).encode())
        digests[model._meta.label] = digest.hexdigest()
    return digests


def cross_unit_references() -> list[str]:
    """Rows of one unit that point (foreign key or many-to-many) at a row of another."""
    scoped = dict(unit_models())
    found = []
    for model, path in scoped.items():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete) or field.related_model not in scoped:
                continue
            target = scoped[field.related_model]
            other = f"{field.name}__{target}" if target != "pk" else field.name
            rows = model._default_manager.filter(
                **{f"{path}__isnull": False, f"{other}__isnull": False}
            ).filter(~Q(**{path: F(other)}))
            if field.many_to_many:
                rows = rows.distinct()
            if rows.exists():
                found.append(f"{model._meta.label}.{field.name}: {rows.count()} row(s)")
    return found


def leaks(body: bytes, content_type: str, found_markers: list[str]) -> list[str]:
    """The markers in a response body (also inside a ZIP: XLSX, bundles)."""
    texts = [body]
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(name) for name in archive.namelist()]
    hits = []
    for text in texts:
        decoded = text.decode("utf-8", "replace")
        if "json" in content_type:
            with contextlib.suppress(ValueError):  # \u escapes read back
                decoded += json.dumps(json.loads(decoded), ensure_ascii=False)
        hits += [m for m in found_markers if m in decoded]
    return sorted(set(hits))


def a_answers_file(secrets: dict[str, Any]) -> bytes:
    """Unit A's LKE answers as its Ketua downloads them, with A's notes rewritten: what an
    attacker would post to unit B's import to write into A (an import that took the unit
    from the file changed A's rows, which the fingerprint shows)."""
    master = LkeMaster.objects.get(year=YEAR)
    doc = jawaban_unit(unit=secrets["unit"], master=master)
    return json.dumps(doc, ensure_ascii=False).replace(MARK, "DIUBAH-OLEH-B").encode()
