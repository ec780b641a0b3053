"""Evidence for the commitment matrix: immutable versions of files or links uploaded
against a required item (``workplan.EvidenceRequirement``) and their reviews."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workplan.querysets import cell_scope
from zi_portal.accounts.permissions import Action, RestrictedQuerySet, unit_queryset

from .choices import Decision, Kind, ReviewState


class EvidenceVersionQuerySet(RestrictedQuerySet):
    unit_field = "requirement__cell__quarter__plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        """A PIC or pokja member handles the versions of their cells."""
        return cell_scope(user, via="requirement__cell__")

    def current(self) -> EvidenceVersionQuerySet:
        """Versions that count for their item: neither withdrawn nor superseded."""
        return self.filter(withdrawn_at__isnull=True, superseded_at__isnull=True)


ReviewQuerySet = unit_queryset("version__requirement__cell__quarter__plan__unit", "ReviewQuerySet")


def version_label(file_no: int, revision: int) -> str:
    """A version's name as people use it (``EvidenceVersion.label``)."""
    if revision > 1:
        return _("Berkas %(b)s versi %(v)s") % {"b": file_no, "v": revision}
    return _("Berkas %(b)s") % {"b": file_no}


class EvidenceVersion(models.Model):
    """One upload (a file or a link) to a required item. Never changed or deleted
    after it is made, except for the withdrawal and supersession markers and the
    review state that its ``Review`` rows decide.

    ``number`` counts the item's uploads 1, 2, 3 … in upload order (an internal
    sequence). What people see is the *berkas* and its *versi*: an item holds berkas
    (files and links) numbered 1, 2, 3 … (``file_no``); a berkas has versi 2, 3 …
    (``revision``) only when it was replaced. A version is *current* unless it was
    withdrawn or superseded by a replacement.
    """

    requirement = models.ForeignKey(
        "workplan.EvidenceRequirement",
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("kewajiban bukti dukung"),
    )
    number = models.PositiveIntegerField(_("urutan unggah"))
    file_no = models.PositiveIntegerField(_("berkas ke"), default=1)
    revision = models.PositiveIntegerField(_("versi berkas"), default=1)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("berkas"), max_length=500, blank=True)
    url = models.URLField(_("tautan"), max_length=2000, blank=True)
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    content_type = models.CharField(_("jenis isi"), max_length=120, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    note = models.TextField(_("catatan"), blank=True)
    evidence_date = models.DateField(_("tanggal bukti dukung"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_versions",
        verbose_name=_("diunggah oleh"),
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True, db_index=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("menggantikan versi"),
    )
    superseded_at = models.DateTimeField(_("digantikan"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditarik oleh"),
    )
    withdraw_reason = models.TextField(_("alasan penarikan"), blank=True)
    review_state = models.CharField(
        _("status reviu"),
        max_length=10,
        choices=ReviewState.choices,
        default=ReviewState.PENDING,
        db_index=True,
    )

    objects = EvidenceVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versi bukti dukung")
        verbose_name_plural = pgettext_lazy("jamak", "versi bukti dukung")
        ordering = ["requirement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "number"], name="evidence_version_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.FILE, url="") & ~models.Q(file="")
                    | models.Q(kind=Kind.LINK, file="") & ~models.Q(url="")
                ),
                name="evidence_version_file_xor_link",
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="evidence_version_gte1"),
        ]
        indexes = [models.Index(fields=["requirement", "withdrawn_at", "superseded_at"])]

    def __str__(self) -> str:
        return f"{self.label} · {self.display_name}"

    @property
    def label(self) -> str:
        """ "Berkas 2" or, once replaced, "Berkas 2 versi 3": the name people use."""
        return version_label(self.file_no, self.revision)

    @property
    def display_name(self) -> str:
        return self.original_name if self.kind == Kind.FILE else self.url

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.superseded_at is None

    def clean(self) -> None:
        if self.kind == Kind.FILE and not self.file:
            raise ValidationError(_("Versi berkas harus berisi berkas."))
        if self.kind == Kind.LINK and not self.url:
            raise ValidationError(_("Versi tautan harus berisi tautan."))


class Review(models.Model):
    """A reviewer's decision on one version (append-only; the latest one counts)."""

    version = models.ForeignKey(
        EvidenceVersion,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("versi"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_reviews",
        verbose_name=_("pereviu"),
    )
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("komentar"), blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("reviu")
        verbose_name_plural = pgettext_lazy("jamak", "reviu")
        ordering = ["version", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision=Decision.REVISE) | ~models.Q(comment=""),
                name="review_revise_needs_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.version}"


VersionReplyQuerySet = unit_queryset(
    "version__requirement__cell__quarter__plan__unit", "VersionReplyQuerySet"
)


class VersionReply(models.Model):
    """One message in the conversation on a version between its PIC side (the uploader,
    the cell's PIC and pokja) and its reviewers: a question about a review, an answer
    to it. Append-only: a reply is never changed or deleted, like the reviews it
    answers. ``from_reviewer`` records on which side the author wrote, which decides
    who is told of the reply."""

    version = models.ForeignKey(
        EvidenceVersion,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("versi"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_replies",
        verbose_name=_("penulis"),
    )
    from_reviewer = models.BooleanField(_("dari pereviu"), default=False)
    text = models.TextField(_("balasan"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    objects = VersionReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("balasan reviu")
        verbose_name_plural = pgettext_lazy("jamak", "balasan reviu")
        ordering = ["version", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="version_reply_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Balasan tidak dapat diubah setelah dikirim."))
        super().save(*args, **kwargs)
