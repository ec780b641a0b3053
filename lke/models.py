"""The LKE ZI as data: a year's master question list, the unit's and the TPI's answers
with their history, the WBK/WBBM proposals and predicates, and PortalRB's access tokens.

The master list is kept whole (``LkeMaster.data``, PortalRB's JSON) because scoring walks
its tree (``scoring.parse_master``); ``LkeQuestion`` rows index its questions so answers
have a foreign key and pages can filter by area.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import RestrictedQuerySet, unit_queryset
from zi_portal.core.models import TimeStampedModel


class UnitRowQuerySet(RestrictedQuerySet):
    """Rows that belong to a unit directly (answers, proposals, predicates)."""

    unit_field = "unit"


AnswerChangeQuerySet = unit_queryset("answer__unit", "AnswerChangeQuerySet")


class LkeMaster(TimeStampedModel):
    """One evaluation year's master question list, as PortalRB publishes it."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    generated_at = models.CharField(_("dibuat PortalRB"), max_length=40, blank=True)
    total_soal = models.PositiveSmallIntegerField(_("jumlah soal"))
    sha256 = models.CharField(_("SHA-256 berkas"), max_length=64)
    source_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    data = models.JSONField(_("isi master soal"))

    class Meta:
        verbose_name = _("master soal LKE")
        verbose_name_plural = pgettext_lazy("jamak", "master soal LKE")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"LKE ZI {self.year}"


class Part(models.TextChoices):
    PEMENUHAN = "pemenuhan", _("Pengungkit · Pemenuhan")
    REFORM = "reform", _("Pengungkit · Reform")
    BERSIH = "bersih", _("Hasil · Birokrasi bersih dan akuntabel")
    PRIMA = "prima", _("Hasil · Pelayanan publik prima")


class LkeQuestion(models.Model):
    """One soal of a master list (index row; the text lives in ``LkeMaster.data``)."""

    master = models.ForeignKey(LkeMaster, on_delete=models.CASCADE, related_name="questions")
    soal_id = models.PositiveIntegerField(_("ID soal PortalRB"))
    part = models.CharField(_("bagian"), max_length=12, choices=Part.choices)
    area_code = models.CharField(_("area"), max_length=3, blank=True)
    node_id = models.PositiveIntegerField(_("ID sub-area"))
    answer_type = models.CharField(_("jenis jawaban"), max_length=12)
    order = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("soal LKE")
        verbose_name_plural = pgettext_lazy("jamak", "soal LKE")
        ordering = ["master", "order"]
        constraints = [
            models.UniqueConstraint(fields=["master", "soal_id"], name="lke_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.master.year} · soal {self.soal_id}"


class Side(models.TextChoices):
    UNIT = "unit", _("Unit")
    TPI = "tpi", _("TPI")


class LkeAnswer(TimeStampedModel):
    """The current answer of one side (unit or TPI) to one question for one unit."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.PROTECT, related_name="lke_answers")
    question = models.ForeignKey(LkeQuestion, on_delete=models.PROTECT, related_name="answers")
    side = models.CharField(_("pihak"), max_length=4, choices=Side.choices)
    value = models.CharField(_("jawaban"), max_length=32, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    support = models.TextField(
        _("bukti dukung lain"),
        blank=True,
        help_text=_("URL atau keterangan bukti dukung di luar portal."),
    )
    evidence_items = models.ManyToManyField(
        "workplan.EvidenceRequirement",
        blank=True,
        related_name="lke_answers",
        verbose_name=_("butir bukti dukung di portal"),
    )
    evidence_versions = models.ManyToManyField(
        "evidence.EvidenceVersion",
        blank=True,
        related_name="lke_answers",
        verbose_name=_("versi bukti dukung di portal"),
        help_text=_("Berkas atau tautan tertentu dari sebuah butir, bila bukan butirnya."),
    )
    revision = models.PositiveIntegerField(_("revisi"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("jawaban LKE")
        verbose_name_plural = pgettext_lazy("jamak", "jawaban LKE")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "question", "side"], name="lke_answer_unit_question_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · soal {self.question.soal_id} · {self.side}"


class LkeAnswerChange(models.Model):
    """Append-only history: every saved state of an answer, who saved it and how."""

    class Source(models.TextChoices):
        WEB = "web", _("Formulir")
        IMPORT = "import", _("Impor JSON")

    answer = models.ForeignKey(LkeAnswer, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveIntegerField(_("revisi"))
    value = models.CharField(_("jawaban"), max_length=32, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    support = models.TextField(_("bukti dukung lain"), blank=True)
    evidence = models.JSONField(_("butir bukti dukung"), default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    source = models.CharField(_("sumber"), max_length=8, choices=Source.choices)

    objects = AnswerChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat jawaban LKE")
        verbose_name_plural = pgettext_lazy("jamak", "riwayat jawaban LKE")
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "revision"], name="lke_change_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.answer} r{self.revision}"


class Category(models.TextChoices):
    WBK = "WBK", "WBK"
    WBK_AFIRMASI = "WBK-AFIRMASI", "WBK-AFIRMASI"
    WBBM = "WBBM", "WBBM"


class Proposal(TimeStampedModel):
    """A unit proposed to KemenPAN-RB for a predicate in an evaluation year."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.PROTECT, related_name="proposals")
    year = models.PositiveSmallIntegerField(_("tahun"))
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    afirmasi = models.BooleanField(_("unit afirmasi"), default=False)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengusulan unit")
        verbose_name_plural = pgettext_lazy("jamak", "pengusulan unit")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="lke_proposal_unit_year"),
        ]

    @property
    def is_wbbm(self) -> bool:
        return self.category == Category.WBBM


class Predicate(TimeStampedModel):
    """A predicate the unit already holds (the WBBM readiness needs Menuju WBK, A6)."""

    class Kind(models.TextChoices):
        WBK = "WBK", _("Menuju WBK")
        WBBM = "WBBM", _("Menuju WBBM")

    unit = models.ForeignKey("workplan.Unit", on_delete=models.PROTECT, related_name="predicates")
    kind = models.CharField(_("predikat"), max_length=4, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("tahun diperoleh"))
    decree = models.CharField(_("nomor keputusan"), max_length=255, blank=True)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("predikat unit")
        verbose_name_plural = pgettext_lazy("jamak", "predikat unit")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="lke_predicate_unit_kind"),
        ]


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PortalRBToken(models.Model):
    """A Bearer token PortalRB presents. Only its SHA-256 is stored; the token itself is
    shown once, when it is issued."""

    PREFIX = "zirb_"

    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    # The unit whose proposals and answers the token reads: its Ketua Tim's unit. Empty
    # for a token the operator issues on the command line for the whole portal.
    unit = models.ForeignKey(
        "workplan.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="portalrb_tokens",
        verbose_name=_("unit kerja"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("token PortalRB")
        verbose_name_plural = pgettext_lazy("jamak", "token PortalRB")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenUnitQuerySet(RestrictedQuerySet):
    """Calls belong to the unit of the token that made them."""

    unit_field = "token__unit"


class PortalRBRequest(models.Model):
    """One call PortalRB made with a valid token: the access log the Ketua Tim sees, and
    the rate limit's window (a table, so every web process counts the same calls).
    Refused calls (no or a wrong token, or over the limit) are counted in
    ``PortalRBRefusal`` instead, so that a flood of them adds no row each."""

    token = models.ForeignKey(
        PortalRBToken, on_delete=models.CASCADE, null=True, related_name="requests"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    remote_addr = models.GenericIPAddressField(null=True)

    objects = TokenUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("akses PortalRB")
        verbose_name_plural = pgettext_lazy("jamak", "akses PortalRB")
        ordering = ["-at"]
        indexes = [models.Index(fields=["token", "at"], name="lke_portalrb_token_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.path} {self.status}"


class PortalRBRefusal(models.Model):
    """Refused calls to the PortalRB endpoints, counted per clock minute, client address,
    answer and token (none for a call without a valid token): one row however many
    calls. The count of the current minute is also the limit on refused
    authentications per client address."""

    minute = models.DateTimeField(_("menit"), db_index=True)
    remote_addr = models.GenericIPAddressField(_("alamat"), null=True)
    status = models.PositiveSmallIntegerField(_("status"))
    token = models.ForeignKey(
        PortalRBToken, on_delete=models.CASCADE, null=True, related_name="refusals"
    )
    count = models.PositiveIntegerField(_("jumlah"), default=0)
    last_at = models.DateTimeField(_("terakhir"))
    last_path = models.CharField(_("alamat terakhir"), max_length=300)

    objects = TokenUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("penolakan PortalRB")
        verbose_name_plural = pgettext_lazy("jamak", "penolakan PortalRB")
        ordering = ["-minute"]
        indexes = [models.Index(fields=["remote_addr", "minute"], name="lke_refusal_addr_minute")]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.remote_addr} {self.status} ×{self.count}"


class StoredScore(models.Model):
    """A unit's LKE figures for one year, both sides, as ``scoring`` computed them when
    the answers or predicates last changed (``lke.stored``): the ministry's recap reads
    a thousand units from here instead of scoring each one per request. A row computed
    under other rules (``rules_version``) or another master (``master_sha256``) is
    stale and computed again when read."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="lke_scores")
    master = models.ForeignKey(LkeMaster, on_delete=models.CASCADE, related_name="scores")
    rules_version = models.PositiveSmallIntegerField(_("versi aturan"))
    master_sha256 = models.CharField(_("SHA-256 master"), max_length=64)
    unit_total = models.DecimalField(_("nilai unit"), max_digits=6, decimal_places=2)
    tpi_total = models.DecimalField(_("nilai TPI"), max_digits=6, decimal_places=2)
    unit_pengungkit = models.DecimalField(
        _("pengungkit unit"), max_digits=6, decimal_places=2, default=0
    )
    tpi_pengungkit = models.DecimalField(
        _("pengungkit TPI"), max_digits=6, decimal_places=2, default=0
    )
    unit_wbk = models.BooleanField(_("unit memenuhi WBK"), default=False)
    unit_wbbm = models.BooleanField(_("unit memenuhi WBBM"), default=False)
    tpi_wbk = models.BooleanField(_("TPI memenuhi WBK"), default=False)
    tpi_wbbm = models.BooleanField(_("TPI memenuhi WBBM"), default=False)
    # {"unit": figures, "tpi": figures}: see ``stored.figures``.
    figures = models.JSONField(_("angka"))
    computed_at = models.DateTimeField(_("dihitung"), auto_now=True)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("nilai LKE tersimpan")
        verbose_name_plural = _("nilai LKE tersimpan")
        constraints = [
            models.UniqueConstraint(fields=["unit", "master"], name="lke_stored_score_unit_master"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.master.year}: {self.unit_total} / {self.tpi_total}"
